/* Tiles of per-channel operands (see channel_tiles.h). */
#include "channel_tiles.h"

#include <math.h>
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
