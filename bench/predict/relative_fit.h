/* Least squares on relative errors with non-negative coefficients, for the step model's few
 * coefficients: times spread over four orders of magnitude, so an absolute fit would serve only the
 * slowest shapes, and a negative coefficient (a time that falls as work grows) would mean nothing. */
#ifndef LM_RELATIVE_FIT_H
#define LM_RELATIVE_FIT_H

#include <stddef.h>

#define LM_RELATIVE_FIT_MAX_TERMS 5

/* Fits y[i] ~ sum_j x[i*k + j] * beta[j] with every beta[j] >= 0, minimising the sum over i of
 * ((prediction - y[i]) / y[i])^2; k from 1 to LM_RELATIVE_FIT_MAX_TERMS, every y[i] > 0. Every subset
 * of terms is solved unconstrained and the best one whose coefficients are all >= 0 kept (the optimum
 * lies on one of them; with five terms there are 31). Returns 0, or -1 when no subset can be
 * solved (too few samples, or terms that are not independent). */
int lm_relative_fit(const double *x, const double *y, size_t n, int k, double *beta);

#endif
