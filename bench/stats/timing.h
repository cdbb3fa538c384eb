/* What every timing loop of latmac shares: a monotonic clock and the median it quotes. */
#ifndef LM_TIMING_H
#define LM_TIMING_H

#include <stddef.h>

/* Seconds on the monotonic clock (from an arbitrary origin). */
double lm_now_seconds(void);

/* The median of x[0..n), sorting x in place (the mean of the middle two for an even n); NaN for n 0. */
double lm_median_in_place(double *x, size_t n);

#endif
