/* Summaries of one sample (see summary.h). */
#include "bench/stats/summary.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int compare_doubles(const void *a, const void *b) {
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

bool lm_positive_sample(const double *x, size_t n) {
    if (!n || !x) return false;
    for (size_t i = 0; i < n; i++)
        if (!(x[i] > 0) || !isfinite(x[i])) return false;
    return true;
}

void lm_sort(double *x, size_t n) { qsort(x, n, sizeof *x, compare_doubles); }

double lm_median_in_place(double *x, size_t n) {
    if (!n) return NAN;
    lm_sort(x, n);
    return (x[(n - 1) / 2] + x[n / 2]) / 2;
}

double lm_median(const double *x, size_t n) {
    double *sorted = n ? malloc(n * sizeof *sorted) : NULL;
    if (!sorted) return NAN;
    memcpy(sorted, x, n * sizeof *sorted);
    const double m = lm_median_in_place(sorted, n);
    free(sorted);
    return m;
}

double lm_quantile_sorted(const double *sorted, size_t n, double q) {
    if (!n || !(q >= 0 && q <= 1)) return NAN;
    const double h = q * (double)(n - 1);
    const size_t below = (size_t)floor(h);
    if (below + 1 >= n) return sorted[n - 1];
    return sorted[below] + (h - (double)below) * (sorted[below + 1] - sorted[below]);
}

double lm_coefficient_of_variation(const double *x, size_t n) {
    if (n < 2) return NAN;
    double mean = 0, squares = 0;
    for (size_t i = 0; i < n; i++) mean += x[i] / (double)n;
    for (size_t i = 0; i < n; i++) squares += (x[i] - mean) * (x[i] - mean);
    return sqrt(squares / (double)(n - 1)) / mean;
}
