/* Rank-based comparison of two samples a[0..n) and b[0..m): the Mann-Whitney U test and the
 * Hodges-Lehmann estimate of the ratio b/a with its distribution-free interval. Neither assumes a
 * distribution; both suit repeated timings, whose noise is skewed and has outliers.
 *
 * U counts the pairs (a_i, b_j) with a_i < b_j, ties counting one half, so it grows when b is larger.
 * Its null distribution (both samples from one continuous distribution) is symmetric around n*m/2.
 * p-values and the interval come from that distribution exactly for samples of at most
 * LM_RANK_EXACT_MAX values each without ties, else from the normal approximation with tie and
 * continuity corrections (as scipy.stats.mannwhitneyu's "asymptotic" method).
 *
 * Memory: the tie check, the exact distribution and the pairwise ratios are allocated per call. When an
 * allocation fails the answers stay on the safe side rather than abort a run: the p-value is 1 (nothing
 * is significant), the exact distribution gives way to the normal approximation (which needs no memory)
 * and the estimate is NaN (never counted as large). Samples holding NaN or infinities are treated the
 * same way, since no ordering of them means anything. */
#ifndef LM_STATS_RANK_TESTS_H
#define LM_STATS_RANK_TESTS_H

#include <stddef.h>

#include "bench/stats/estimate.h"

/* Up to this size per sample (and without ties) the exact permutation distribution of U is used; its
 * table is about 1 MB at 50 each. */
#define LM_RANK_EXACT_MAX 50

/* What the test's alternative says of b against a. */
typedef enum lm_alternative {
    LM_TWO_SIDED, /* b tends to be either larger or smaller */
    LM_GREATER,   /* b tends to be larger: small p for a large U */
    LM_LESS,      /* b tends to be smaller: small p for a small U */
} lm_alternative;

/* The p-value of the Mann-Whitney U test of a[0..n) against b[0..m) under `alternative`; 1 when
 * either sample is empty. Two-sided: twice the smaller tail, at most 1. */
double lm_mann_whitney_p(const double *a, size_t n, const double *b, size_t m, lm_alternative alternative);

/* The smallest two-sided p-value samples of n and m values can give (two completely separated
 * samples): whether a test of that size can reach a significance level at all. */
double lm_mann_whitney_min_p(size_t n, size_t m);

/* The Hodges-Lehmann estimate of b / a (positive samples): the median of the n*m ratios b_j / a_i,
 * the middle two combined geometrically for an even count (the median of the log ratios), and the
 * interval holding the true ratio with probability `confidence` from the order statistics of those
 * ratios (inverting the U test). low = high = ratio when the samples are too small for the interval
 * or confidence is not in (0, 1), both NaN when memory for the interval runs out; every field NaN for
 * empty, non-positive or non-finite samples. */
lm_ratio_estimate lm_hodges_lehmann_ratio(const double *a, size_t n, const double *b, size_t m, double confidence);

#endif
