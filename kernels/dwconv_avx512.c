/* AVX-512 rows of depthwise convolution: 16 channels per block (see dwconv.h). */
#include <immintrin.h>

#include "act_avx512.h"
#include "dwconv.h"

#define LANES 16

static inline __attribute__((always_inline)) void dw_row(const lm_dw_row *r, const int K) {
    const int c = r->channels, taps = K * K, dil = r->dilation;
    const __m512 zero = _mm512_setzero_ps(), six = _mm512_set1_ps(6.0f);
    for (int c0 = 0; c0 < c; c0 += LANES) {
        const int nc = c - c0 < LANES ? c - c0 : LANES;
        const __mmask16 m = (__mmask16)(nc == LANES ? 0xffffu : (1u << nc) - 1);
        const float *wb = r->weights + (size_t)(c0 / LANES) * (taps + 1) * LANES;
        __m512 w[LM_DW_MAX_KERNEL * LM_DW_MAX_KERNEL];
        for (int t = 0; t < taps; t++) w[t] = _mm512_load_ps(wb + (size_t)t * LANES);
        const __m512 bias = _mm512_load_ps(wb + (size_t)taps * LANES);
        const float *rows[LM_DW_MAX_KERNEL];
        for (int ky = 0; ky < K; ky++) rows[ky] = r->in_rows[ky] ? r->in_rows[ky] + c0 : NULL;
        float *out = r->out + c0;
        for (int ox = 0; ox < r->out_w; ox++, out += c) {
            const int ix0 = ox * r->stride - r->pad_left;
            const bool inside = ix0 >= 0 && ix0 + (K - 1) * dil < r->in_w;
            __m512 acc = bias;
            for (int ky = 0; ky < K; ky++) {
                if (!rows[ky]) continue;
                for (int kx = 0; kx < K; kx++) {
                    const int ix = ix0 + kx * dil;
                    if (!inside && (ix < 0 || ix >= r->in_w)) continue;
                    acc = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, rows[ky] + (size_t)ix * c), w[ky * K + kx], acc);
                }
            }
            if (r->act == LM_ACT_RELU || r->act == LM_ACT_RELU6) acc = _mm512_max_ps(acc, zero);
            if (r->act == LM_ACT_RELU6) acc = _mm512_min_ps(acc, six);
            _mm512_mask_storeu_ps(out, m, acc);
        }
    }
    if (r->act != LM_ACT_NONE && r->act != LM_ACT_RELU && r->act != LM_ACT_RELU6)
        lm_act_rows_avx512(r->act, r->out, (size_t)r->out_w, (size_t)c, (size_t)c, r->slopes);
}

static void row3(const lm_dw_row *r) { dw_row(r, 3); }
static void row5(const lm_dw_row *r) { dw_row(r, 5); }

const lm_dw_isa lm_dw_avx512 = {.lanes = LANES, .row3 = row3, .row5 = row5};
