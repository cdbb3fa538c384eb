/* The percentile bootstrap interval of a ratio of medians, median(b) / median(a): each of `resamples`
 * rounds draws n values from a and m from b with replacement, and the interval is the (1 - confidence)/2
 * and (1 + confidence)/2 quantiles (summary.h's type 7) of the rounds' ratios. Unlike the Hodges-Lehmann
 * interval (rank_tests.h) it is about the medians themselves and assumes no common shape of a and b,
 * but it is only approximate, and poor for small samples, whose medians take few values.
 *
 * Deterministic: the draws come from random.h seeded with `seed`, all of a's then all of b's in each
 * round, so the same samples, seed and count give the same interval on every machine. */
#ifndef LM_STATS_BOOTSTRAP_H
#define LM_STATS_BOOTSTRAP_H

#include <stddef.h>
#include <stdint.h>

#include "bench/stats/estimate.h"

/* ratio: median(b) / median(a) of the samples themselves. low = high = ratio when confidence is not in
 * (0, 1) or resamples is 0; every field NaN for an empty, non-positive or non-finite sample, and low and
 * high NaN when memory runs out. */
lm_ratio_estimate lm_bootstrap_median_ratio(const double *a, size_t n, const double *b, size_t m, double confidence,
                                            size_t resamples, uint64_t seed);

#endif
