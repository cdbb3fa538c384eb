/* The data a benchmark case runs on: a parameter block, inputs and outputs for one operator, filled
 * from a seed so every run (and every backend) of a case sees the same numbers.
 *
 * Inputs are uniform in [-1, 1); weights uniform in [-1, 1) scaled by 1/sqrt(fan-in), so outputs stay
 * O(1) whatever the shape; BatchNorm variances are uniform in [0.5, 1.5). Buffers are 64-byte aligned
 * and every output is written once before timing, so no case pays for page faults while timed.
 *
 * Each buffer of a case starts at a different offset within its 4 KiB page (the same offsets for
 * every backend): buffers that share their low 12 address bits make loads wait on unrelated stores
 * ("4K aliasing"), which turned the same kernel's time bimodal from one allocation to the next. */
#ifndef LM_CASE_DATA_H
#define LM_CASE_DATA_H

#include <stddef.h>
#include <stdint.h>

#include "kernels/op.h"

typedef struct lm_case_data {
    float *params; /* lm_op_param_floats(d) floats; NULL when the operator has none */
    int inputs, outputs;
    float *in[LM_MAX_PARTS], *out[LM_MAX_PARTS];
    void *blocks[1 + 2 * LM_MAX_PARTS]; /* what was allocated, for lm_case_data_free */
} lm_case_data;

/* Allocates and fills the data of `d` (a valid description). Returns 0, or -1 when memory runs out
 * (nothing is left allocated then). */
int lm_case_data_create(const lm_op_desc *d, uint64_t seed, lm_case_data *data);
void lm_case_data_free(lm_case_data *data); /* leaves *data empty; an empty one is allowed */

/* 64-byte aligned memory for `bytes` (0 allowed); free with free(). */
void *lm_aligned_alloc(size_t bytes);

/* Fills p[0..n) with numbers uniform in [lo, hi) from the xorshift64* generator at *state (nonzero),
 * advancing it. The same state gives the same numbers on every platform. */
void lm_fill_uniform(uint64_t *state, float *p, size_t n, float lo, float hi);

/* A seed derived from a name (FNV-1a), so a case's data does not depend on which cases run. */
uint64_t lm_seed_of(const char *name);

#endif
