/* Holm's and Bonferroni's adjustments (see multiplicity.h). */
#include "bench/stats/multiplicity.h"

#include <math.h>
#include <stdlib.h>

double lm_bonferroni(double p, size_t k) {
    const double q = isnan(p) ? 1 : p * (double)k;
    return q < 1 ? q : 1;
}

typedef struct ranked_p {
    double p;
    size_t index;
} ranked_p;

static int compare_ranked(const void *x, const void *y) {
    const ranked_p *a = x, *b = y;
    if (a->p != b->p) return (a->p > b->p) - (a->p < b->p);
    return (a->index > b->index) - (a->index < b->index); /* qsort is not stable */
}

void lm_holm(const double *p, size_t k, double *adjusted) {
    if (k == 0) return;
    ranked_p *order = malloc(k * sizeof *order);
    if (!order) {
        for (size_t i = 0; i < k; i++) adjusted[i] = lm_bonferroni(p[i], k);
        return;
    }
    /* read every p before writing: adjusted may be p */
    for (size_t i = 0; i < k; i++) order[i] = (ranked_p){isnan(p[i]) ? 1 : p[i], i};
    qsort(order, k, sizeof *order, compare_ranked);
    /* The r-th smallest p (from 0) is tested against alpha / (k - r); the running maximum keeps a
     * hypothesis from being rejected after one with a smaller p was kept. */
    double running = 0;
    for (size_t r = 0; r < k; r++) {
        double q = order[r].p * (double)(k - r);
        if (q > running) running = q;
        adjusted[order[r].index] = running < 1 ? running : 1;
    }
    free(order);
}
