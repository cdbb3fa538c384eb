/* AVX2 + FMA stretches of the element-wise operators (see elementwise.h): 8 lanes, operand tiles of at
 * least 256 floats, a loop per (operator, activation) pair. */
#include "kernels/act_avx2.h"
#include "kernels/elementwise.h"

LM_AVX2_INLINE __m256 ew_apply(lm_ew_op op, lm_act act, __m256 x, __m256 b, __m256 p0, __m256 p1, __m256 slope) {
    switch (op) {
    case LM_EW_BIAS: x = _mm256_add_ps(x, p0); break;
    case LM_EW_AFFINE: x = _mm256_fmadd_ps(x, p0, p1); break;
    case LM_EW_ADD: x = _mm256_add_ps(x, b); break;
    case LM_EW_MUL: x = _mm256_mul_ps(x, b); break;
    default: break;
    }
    return lm_act_avx2(act, x, slope);
}

/* y[k] = act(op(x[k], b[k], p0[k], p1[k]), slopes[k]) for k < n; pointers the pair does not use are not read. */
LM_AVX2_INLINE void segment(lm_ew_op op, lm_act act, const lm_ew_piece *q) {
    const bool use_b = op == LM_EW_ADD || op == LM_EW_MUL, use_p0 = op == LM_EW_BIAS || op == LM_EW_AFFINE;
    const bool use_p1 = op == LM_EW_AFFINE, use_s = act == LM_ACT_PRELU;
    const float *x = q->x, *b = q->b, *p0 = q->p0, *p1 = q->p1, *s = q->slopes;
    float *y = q->y;
    const size_t m = q->n;
    const __m256 z = _mm256_setzero_ps();
#define EW_AT(k)                                                                                                       \
    ew_apply(op, act, _mm256_loadu_ps(x + (k)), use_b ? _mm256_loadu_ps(b + (k)) : z,                                  \
             use_p0 ? _mm256_loadu_ps(p0 + (k)) : z, use_p1 ? _mm256_loadu_ps(p1 + (k)) : z,                           \
             use_s ? _mm256_loadu_ps(s + (k)) : z)
    size_t k = 0;
    for (; k + 32 <= m; k += 32) {
        const __m256 v0 = EW_AT(k), v1 = EW_AT(k + 8), v2 = EW_AT(k + 16), v3 = EW_AT(k + 24);
        _mm256_storeu_ps(y + k, v0);
        LM_STORE_ORDER();
        _mm256_storeu_ps(y + k + 8, v1);
        LM_STORE_ORDER();
        _mm256_storeu_ps(y + k + 16, v2);
        LM_STORE_ORDER();
        _mm256_storeu_ps(y + k + 24, v3);
    }
    for (; k + 8 <= m; k += 8) _mm256_storeu_ps(y + k, EW_AT(k));
#undef EW_AT
    if (k < m) {
        const __m256i t = lm_avx2_tail_mask(m - k);
        const __m256 v = ew_apply(op, act, _mm256_maskload_ps(x + k, t), use_b ? _mm256_maskload_ps(b + k, t) : z,
                                  use_p0 ? _mm256_maskload_ps(p0 + k, t) : z, use_p1 ? _mm256_maskload_ps(p1 + k, t) : z,
                                  use_s ? _mm256_maskload_ps(s + k, t) : z);
        _mm256_maskstore_ps(y + k, t, v);
    }
}

LM_EW_STRETCHES(COPY)
LM_EW_STRETCHES(BIAS)
LM_EW_STRETCHES(AFFINE)
LM_EW_STRETCHES(ADD)
LM_EW_STRETCHES(MUL)

const lm_ew_isa lm_ew_avx2 = {
    .lanes = 8, .tile_min = 256,
    .stretch = {LM_EW_ENTRIES(COPY) LM_EW_ENTRIES(BIAS) LM_EW_ENTRIES(AFFINE) LM_EW_ENTRIES(ADD) LM_EW_ENTRIES(MUL)},
};
