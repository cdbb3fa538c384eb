/* Tiles of per-channel operands (see channel_tiles.h). */
#include "kernels/channel_tiles.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static size_t gcd(size_t a, size_t b) {
    while (b) {
        const size_t t = a % b;
        a = b, b = t;
    }
    return a;
}

size_t lm_tile_period(size_t c, size_t lanes, size_t min_floats) {
    const size_t base = c / gcd(c, lanes) * lanes;
    return base * ((min_floats + base - 1) / base);
}

void lm_tile_fill(float *dst, const float *src, size_t c, size_t period) {
    for (size_t k = 0; k < period; k += c) memcpy(dst + k, src, c * sizeof(float));
}

void lm_tile_batchnorm(float *scale, float *shift, const float *params, size_t c, float eps, size_t period) {
    const float *gamma = params, *beta = gamma + c, *mean = beta + c, *var = mean + c;
    for (size_t k = 0; k < c; k++) {
        const double sc = gamma[k] / sqrt((double)var[k] + eps);
        scale[k] = (float)sc, shift[k] = (float)(beta[k] - mean[k] * sc);
    }
    lm_tile_fill(scale + c, scale, c, period - c);
    lm_tile_fill(shift + c, shift, c, period - c);
}

lm_channel_tiles *lm_channel_tiles_create(const lm_op_desc *d, const float *params, size_t period) {
    const size_t c = (size_t)d->in.c;
    const bool bias = d->kind == LM_OP_BIAS, batchnorm = d->kind == LM_OP_BATCHNORM, prelu = d->act == LM_ACT_PRELU;
    const size_t tiles = bias + 2u * batchnorm + prelu;
    lm_channel_tiles *t = aligned_alloc(64, (sizeof *t + tiles * period * sizeof(float) + 63) / 64 * 64);
    if (!t) return NULL;
    *t = (lm_channel_tiles){.period = period};
    float *next = t->data;
    const float *slopes = params;
    if (bias) {
        lm_tile_fill(next, params, c, period);
        t->p0 = next, next += period;
        slopes = params + c;
    } else if (batchnorm) { /* y = x * scale + shift, folded once here */
        lm_tile_batchnorm(next, next + period, params, c, d->bn.eps, period);
        t->p0 = next, t->p1 = next + period, next += 2 * period;
        slopes = params + 4 * c;
    }
    if (prelu) {
        lm_tile_fill(next, slopes, c, period);
        t->slopes = next;
    }
    return t;
}
