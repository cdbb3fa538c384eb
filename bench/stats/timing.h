/* The median every timing loop of latmac quotes. */
#ifndef LM_TIMING_H
#define LM_TIMING_H

#include <stddef.h>

/* The median of x[0..n), sorting x in place (the mean of the middle two for an even n); NaN for n 0. */
double lm_median_in_place(double *x, size_t n);

#endif
