/* What the kernel and peer tests share: seeded values, parameter blocks, descriptions in words and
 * the comparison with a reference, at one tolerance: |got - want| <= 1e-4 + 1e-4 * |want|. Weights are
 * scaled by 1/sqrt(fan-in), so outputs are O(1) and the bound covers float summation in any order
 * against the reference's double accumulators, and vector exp (relative error ~1e-6). */
#ifndef LM_TEST_OP_FIXTURE_H
#define LM_TEST_OP_FIXTURE_H

#include <stddef.h>

#include "kernels/op.h"

/* The next value of a reproducible sequence (xorshift64*), uniform in [lo, hi). */
float fixture_uniform(float lo, float hi);

/* n floats set to NaN (so an output never written is caught), with 16 floats of slack past the end
 * (peers may read a little beyond their inputs). Free with free(). */
float *fixture_floats(size_t n);

/* A parameter block of plausible values: weights ~ U(-1,1)/sqrt(fan-in), positive variances. */
float *fixture_params(const lm_op_desc *d);

/* The description in words, every field that matters, for failure messages. */
void fixture_describe(const lm_op_desc *d, char *buf, size_t n);

/* Fails the test unless every output of `d` matches the expected one within the tolerance; then sets
 * the outputs back to NaN for the next run. `who` and `what` name the kernel and shape. */
void fixture_expect_close(const char *who, const char *what, int threads, const lm_op_desc *d, float *const *out,
                          float *const *expected);

#endif
