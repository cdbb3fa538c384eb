/* The median (see timing.h). */
#include "bench/stats/timing.h"

#include <math.h>
#include <stdlib.h>

static int compare_doubles(const void *a, const void *b) {
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double lm_median_in_place(double *x, size_t n) {
    if (!n) return NAN;
    qsort(x, n, sizeof *x, compare_doubles);
    return (x[(n - 1) / 2] + x[n / 2]) / 2;
}
