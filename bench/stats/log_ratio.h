/* The ratio of two cases' times when rounds are the replicates: each of R rounds (R typically 3 to 10)
 * gives one median per case, and the comparison is the per-round log ratio
 * d_r = log(median_slower_r / median_faster_r). The rounds pair the two cases (a round that runs slow
 * runs slow for both), so the d_r are one sample; their mean, exponentiated, is the ratio, and the t
 * interval of that mean, exponentiated, its interval. Logarithms because ratios multiply: a case 2x
 * slower in one round and 2x faster in another averages to 1, not 1.25. */
#ifndef LM_STATS_LOG_RATIO_H
#define LM_STATS_LOG_RATIO_H

#include <stddef.h>

typedef struct lm_log_ratio_interval {
    double ratio;          /* exp(log_mean) */
    double lo, hi;         /* exp(log_mean -/+ t_{n-1,(1+confidence)/2} log_sd / sqrt(n)) */
    double log_mean;       /* the mean of the d_r */
    double log_sd;         /* their sample standard deviation (divisor n - 1) */
    size_t n;              /* how many d_r */
} lm_log_ratio_interval;

/* The ratio and its two-sided `confidence` (0 < confidence < 1) t interval from d[0..n). With n < 2
 * there is no spread to go on: log_sd, lo and hi are NaN and only the ratio is given (NaN too for n 0).
 * lo and hi are NaN also for a confidence outside (0, 1); every field but n is NaN when any d_r is not
 * finite (a round whose median was 0 or missing says nothing about the ratio). */
lm_log_ratio_interval lm_log_ratio_t_interval(const double *d, size_t n, double confidence);

/* The rounds an interval centred on 1 needs to fit inside [1/(1 + margin), 1 + margin] at
 * `confidence`, when the d_r have standard deviation log_sd: the smallest n >= 2 with
 * t_{n-1,(1+confidence)/2} log_sd / sqrt(n) < log(1 + margin), searched up to `max`; 0 when even `max`
 * rounds do not suffice, or for a negative or NaN log_sd, a margin not above 0, or a confidence outside
 * (0, 1). */
size_t lm_rounds_to_resolve(double log_sd, double margin, double confidence, size_t max);

#endif
