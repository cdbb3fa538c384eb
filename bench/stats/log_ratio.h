/* The ratio of two cases' times when rounds are the replicates: each of R rounds (R typically 3 to 10)
 * gives one median per case, and the comparison is the per-round log ratio
 * d_r = log(median_slower_r / median_faster_r). The rounds pair the two cases (a round that runs slow
 * runs slow for both), so the d_r are one sample; their mean, exponentiated, is the ratio, and the t
 * interval of that mean, exponentiated, its interval. Logarithms because ratios multiply: a case 2x
 * slower in one round and 2x faster in another averages to 1, not 1.25.
 *
 * On a shared machine a round is now and then disturbed for one case only (a neighbour's burst over
 * all of that case's repetitions, or a machine state that makes everything 1.7x faster for a round):
 * such rounds are outliers of the d_r, and one of them widens a plain t interval past any margin. The
 * trimmed variant is Yuen's (Tukey and McLaughlin's) one-sample interval for the trimmed mean: with
 * g = floor(trim n) rounds trimmed from each end, the mean of the middle n - 2g, the standard
 * deviation s_w of the winsorized sample (each trimmed value set to the nearest one kept), and
 * half-width t_{n-2g-1,(1+confidence)/2} s_w / ((1 - 2g/n) sqrt(n)). trim 0 is the plain t interval. */
#ifndef LM_STATS_LOG_RATIO_H
#define LM_STATS_LOG_RATIO_H

#include <stddef.h>

typedef struct lm_log_ratio_interval {
    double ratio;          /* exp(log_mean) */
    double lo, hi;         /* exp(log_mean -/+ half-width) */
    double log_mean;       /* the (trimmed) mean of the d_r */
    double log_sd;         /* the sample standard deviation of the (winsorized) d_r, divisor n - 1 */
    size_t n;              /* how many d_r */
    size_t trimmed;        /* g, the rounds trimmed from each end (0: the plain t interval) */
} lm_log_ratio_interval;

/* The ratio and its two-sided `confidence` (0 < confidence < 1) t interval from d[0..n). With n < 2
 * there is no spread to go on: log_sd, lo and hi are NaN and only the ratio is given (NaN too for n 0).
 * lo and hi are NaN also for a confidence outside (0, 1); every field but n is NaN when any d_r is not
 * finite (a round whose median was 0 or missing says nothing about the ratio). */
lm_log_ratio_interval lm_log_ratio_t_interval(const double *d, size_t n, double confidence);

/* The same with `trim` (0 <= trim < 0.5; otherwise every field but n is NaN) of the rounds trimmed from
 * each end: Yuen's interval (above). lo and hi are NaN when fewer than 2 rounds remain. */
lm_log_ratio_interval lm_log_ratio_trimmed_interval(const double *d, size_t n, double confidence, double trim);

/* The same rounds' interval at another confidence (e.g. a simultaneous one, 1 - alpha / k for k
 * comparisons): `e` with lo and hi recomputed from its log_mean, log_sd, n and trimmed; NaN as above. */
lm_log_ratio_interval lm_log_ratio_at(lm_log_ratio_interval e, double confidence);

/* The rounds an interval centred on 1 needs to fit inside [1/(1 + margin), 1 + margin] at
 * `confidence`, when the (winsorized) d_r have standard deviation log_sd and `trim` of them are trimmed
 * from each end: the smallest n >= 2 whose half-width (above) is below log(1 + margin), searched up to
 * `max`; 0 when even `max` rounds do not suffice, or for a negative or NaN log_sd, a margin not above
 * 0, a confidence outside (0, 1) or a trim outside [0, 0.5). */
size_t lm_rounds_to_resolve(double log_sd, double margin, double confidence, double trim, size_t max);

/* The same for a sample that already has `from` rounds: the fewest n > from from which every count up
 * to `max` has a half-width below log(1 + margin) (trimming makes the half-width jump back up a little
 * as n grows, so the first count that suffices may be followed by one that does not); 0 as above, or
 * when `max` does not exceed `from`. */
size_t lm_rounds_to_resolve_after(double log_sd, double margin, double confidence, double trim, size_t from,
                                  size_t max);

#endif
