/* AVX-512 tiles of pooling (see pool.h): global average only, over channels in vectors of 16, the last
 * one masked. Windows and resize have no AVX-512 tiles: their AVX2 ones carry a vector per channel
 * block as well, and nothing was measured to say wider ones would pay. */
#include "kernels/act_avx512.h"
#include "kernels/pool.h"

#define GAP_VECTORS 8 /* registers of sums per block (and as many of partial sums): LM_POOL_WITH_VECTORS' most */

/* Means over `pixels` pixels (rows c floats apart) of nv vectors of channels from in, the last one's
 * lanes in `last`. Sums run in two levels, blocks of 64 pixels then their total, which keeps float
 * rounding well below the tolerance of a double-precision reference even for large images. */
LM_AVX512_INLINE void gap_vectors(int nv, const float *in, size_t pixels, size_t c, __mmask16 last, float *out) {
    __m512 total[GAP_VECTORS], part[GAP_VECTORS];
    for (int v = 0; v < nv; v++) total[v] = _mm512_setzero_ps();
    for (size_t p0 = 0; p0 < pixels; p0 += 64) {
        const size_t p1 = p0 + 64 < pixels ? p0 + 64 : pixels;
        for (int v = 0; v < nv; v++) part[v] = _mm512_setzero_ps();
        for (size_t p = p0; p < p1; p++) {
            const float *row = in + p * c;
            for (int v = 0; v < nv; v++) part[v] = _mm512_add_ps(part[v], _mm512_maskz_loadu_ps(v == nv - 1 ? last : 0xffff, row + 16 * v));
        }
        for (int v = 0; v < nv; v++) total[v] = _mm512_add_ps(total[v], part[v]);
    }
    const __m512 inv = _mm512_set1_ps((float)(1.0 / (double)pixels));
    for (int v = 0; v < nv; v++) _mm512_mask_storeu_ps(out + 16 * v, v == nv - 1 ? last : 0xffff, _mm512_mul_ps(total[v], inv));
}

#define GAP_BLOCK (16 * GAP_VECTORS) /* channels per block */

static void gap(const float *in, size_t pixels, size_t c, size_t k0, size_t k1, float *out) {
    for (; k0 < k1; k0 += GAP_BLOCK) {
        const size_t width = k1 - k0 < GAP_BLOCK ? k1 - k0 : GAP_BLOCK, nv = (width + 15) / 16;
        const __mmask16 last = lm_avx512_tail_mask(width - 16 * (nv - 1));
        const float *from = in + k0;
        float *to = out + k0;
        LM_POOL_WITH_VECTORS(nv, gap_vectors, from, pixels, c, last, to)
    }
}

const lm_pool_isa lm_pool_avx512 = {.gap = gap, .gap_block = GAP_BLOCK};
