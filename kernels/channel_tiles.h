/* Per-channel operands (bias, BatchNorm's scale and shift, PReLU slopes) as tiles for element-wise
 * kernels: a tensor [rows, c] streams as one flat array, and an operand that repeats every c floats is
 * laid out over a period that is a multiple of both c and the vector width, so stream and tile advance
 * together in whole vectors with no per-row tail, even for c = 1, 3 or 116. ISA-neutral. */
#ifndef LM_CHANNEL_TILES_H
#define LM_CHANNEL_TILES_H

#include <stddef.h>

#include "kernels/op.h"

/* The smallest multiple of c and of `lanes` that is at least `min_floats`. */
size_t lm_tile_period(size_t c, size_t lanes, size_t min_floats);

/* Fills dst[0, period) with copies of src[0, c); period is a multiple of c. */
void lm_tile_fill(float *dst, const float *src, size_t c, size_t period);

/* BatchNorm's parameter block (gamma, beta, mean, variance: op.h) folded, in double, to
 * y = x * scale + shift, both tiled over `period`. */
void lm_tile_batchnorm(float *scale, float *shift, const float *params, size_t c, float eps, size_t period);

/* The per-channel operands of a BIAS, BATCHNORM, ACTIVATION, ADD or MUL description, tiled over
 * `period` floats (a multiple of c; 0 when it has none): p0 the bias or BatchNorm's scale, p1
 * BatchNorm's shift, slopes the PReLU slopes; NULL where the description has no such operand. */
typedef struct lm_channel_tiles {
    size_t period;
    const float *p0, *p1, *slopes;
    _Alignas(64) float data[]; /* tiles start on cache lines: no load of a tile splits one */
} lm_channel_tiles;

/* Builds them from the description's parameter block (op.h); NULL when out of memory. Free with free(). */
lm_channel_tiles *lm_channel_tiles_create(const lm_op_desc *d, const float *params, size_t period);

#endif
