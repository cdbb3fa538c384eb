/* Page's L test for an ordered alternative, rounds as blocks: does a case's time grow with a predicted
 * order (say, with its FLOPs, or along 1x, 2x, 4x channels) consistently from round to round? Each round
 * (block) ranks its k cases among themselves, which cancels whatever made the whole round slow or fast,
 * and L weighs each rank by its case's predicted rank (the weight):
 *   L = sum over blocks i and cases j of weight_j * rank_ij,
 * large when the values rise with the weights. Weights may tie (0, 1, 1, 2: two cases predicted alike).
 * With weights 1..k this is scipy.stats.page_trend_test with predicted_ranks = the weights.
 *
 * Under the null every order within a block is equally likely, independently across blocks. The
 * p-value is exact when that distribution is small enough to tabulate: at most LM_PAGE_EXACT_MAX_K cases,
 * weights that are integers or half-integers, and a table of L values of modest size; else it comes
 * from the normal approximation with the null's exact mean and variance (no continuity correction, as
 * scipy). Ties within a block get their midranks; the null then permutes those midranks (the test
 * conditional on the ties), so the exact p stays exact, while the normal approximation uses the
 * variance the ties leave. scipy's exact method assumes no ties; with ties its p differs from this one. */
#ifndef LM_STATS_TREND_H
#define LM_STATS_TREND_H

#include <stdbool.h>
#include <stddef.h>

#include "bench/stats/rank_tests.h"

/* Up to this many cases per block the per-block null distribution is enumerated (8! = 40320 orders). */
#define LM_PAGE_EXACT_MAX_K 8

typedef struct lm_page_trend {
    double l;        /* Page's L */
    double mean, sd; /* L's mean and standard deviation under the null (given the ties) */
    double p;        /* the p-value under the alternative asked for */
    bool exact;      /* whether p is exact rather than the normal approximation */
} lm_page_trend;

/* Page's test on data[0..blocks*k), row-major: block i's k values are data[i*k .. i*k+k), case j's
 * weight weights[j]. alternative: LM_GREATER for values that increase with the weight (large L, Page's
 * own test), LM_LESS for values that decrease (small L), LM_TWO_SIDED for either (twice the smaller
 * tail, at most 1). L, mean and sd are NaN and p is 1 (nothing claimed) for no blocks, fewer than 2
 * cases, or a NaN or infinite value or weight. p is 1 when the weights are all equal or every block is
 * all ties (L cannot vary). */
lm_page_trend lm_page_trend_test(const double *data, size_t blocks, size_t k, const double *weights,
                                 lm_alternative alternative);

#endif
