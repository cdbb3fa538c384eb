/* Summaries of one sample: the median every timing loop and report quotes, quantiles, and the
 * coefficient of variation that tells a noisy sample from a steady one. */
#ifndef LM_STATS_SUMMARY_H
#define LM_STATS_SUMMARY_H

#include <stdbool.h>
#include <stddef.h>

/* Whether x[0..n) holds at least one value and only positive finite ones: what a ratio of two samples
 * (of times, say) needs. */
bool lm_positive_sample(const double *x, size_t n);

/* Sorts x[0..n) into ascending order (x free of NaN). */
void lm_sort(double *x, size_t n);

/* The median of x[0..n), sorting x in place (the mean of the middle two for an even n); NaN for n 0. */
double lm_median_in_place(double *x, size_t n);

/* The median of x[0..n), x left as it is; NaN for n 0 or when memory runs out (nothing is then
 * claimed about the sample). */
double lm_median(const double *x, size_t n);

/* The q-quantile (0 <= q <= 1) of sorted[0..n) by linear interpolation between order statistics
 * (Hyndman and Fan's type 7, numpy's default); NaN for n 0 or q outside [0, 1]. */
double lm_quantile_sorted(const double *sorted, size_t n, double q);

/* Sample standard deviation (n - 1) over the mean, as Google Benchmark's cv aggregate; NaN below 2
 * values. */
double lm_coefficient_of_variation(const double *x, size_t n);

#endif
