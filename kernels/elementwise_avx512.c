/* AVX-512 stretches of the element-wise operators with per-channel parameters only: activation, bias
 * and BatchNorm (see elementwise.h): 16 lanes, operand tiles of at least 512 floats, a loop per
 * (operator, activation) pair; tails by lane masks. */
#include "kernels/act_avx512.h"
#include "kernels/elementwise.h"

LM_AVX512_INLINE __m512 ew_apply(lm_ew_op op, lm_act act, __m512 x, __m512 p0, __m512 p1, __m512 slope) {
    if (op == LM_EW_BIAS) x = _mm512_add_ps(x, p0);
    else if (op == LM_EW_AFFINE) x = _mm512_fmadd_ps(x, p0, p1);
    return lm_act_avx512(act, x, slope);
}

/* y[k] = act(op(x[k], p0[k], p1[k]), slopes[k]) for k < n; pointers the pair does not use are not read. */
LM_AVX512_INLINE void segment(lm_ew_op op, lm_act act, const lm_ew_piece *q) {
    const bool use_p0 = op != LM_EW_COPY, use_p1 = op == LM_EW_AFFINE, use_s = act == LM_ACT_PRELU;
    const float *x = q->x, *p0 = q->p0, *p1 = q->p1, *s = q->slopes;
    float *y = q->y;
    const size_t m = q->n;
    const __m512 z = _mm512_setzero_ps();
#define EW_AT(k)                                                                                                       \
    ew_apply(op, act, _mm512_loadu_ps(x + (k)), use_p0 ? _mm512_loadu_ps(p0 + (k)) : z,                                \
             use_p1 ? _mm512_loadu_ps(p1 + (k)) : z, use_s ? _mm512_loadu_ps(s + (k)) : z)
    size_t k = 0;
    for (; k + 64 <= m; k += 64) {
        const __m512 v0 = EW_AT(k), v1 = EW_AT(k + 16), v2 = EW_AT(k + 32), v3 = EW_AT(k + 48);
        _mm512_storeu_ps(y + k, v0);
        LM_STORE_ORDER();
        _mm512_storeu_ps(y + k + 16, v1);
        LM_STORE_ORDER();
        _mm512_storeu_ps(y + k + 32, v2);
        LM_STORE_ORDER();
        _mm512_storeu_ps(y + k + 48, v3);
    }
    for (; k + 16 <= m; k += 16) _mm512_storeu_ps(y + k, EW_AT(k));
#undef EW_AT
    if (k < m) {
        const __mmask16 t = lm_avx512_tail_mask(m - k);
        const __m512 v = ew_apply(op, act, _mm512_maskz_loadu_ps(t, x + k), use_p0 ? _mm512_maskz_loadu_ps(t, p0 + k) : z,
                                  use_p1 ? _mm512_maskz_loadu_ps(t, p1 + k) : z, use_s ? _mm512_maskz_loadu_ps(t, s + k) : z);
        _mm512_mask_storeu_ps(y + k, t, v);
    }
}

LM_EW_STRETCHES(COPY)
LM_EW_STRETCHES(BIAS)
LM_EW_STRETCHES(AFFINE)

const lm_ew_isa lm_ew_avx512 = {
    .lanes = 16, .tile_min = 512,
    .stretch = {LM_EW_ENTRIES(COPY) LM_EW_ENTRIES(BIAS) LM_EW_ENTRIES(AFFINE)},
};
