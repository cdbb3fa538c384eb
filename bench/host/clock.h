/* The monotonic clock every timing loop outside Google Benchmark reads (ceilings, per-step profiles,
 * the progress line): a fact of the host, not a statistic. */
#ifndef LM_CLOCK_H
#define LM_CLOCK_H

/* Seconds on the monotonic clock (from an arbitrary origin): immune to the wall clock being set. */
double lm_now_seconds(void);

#endif
