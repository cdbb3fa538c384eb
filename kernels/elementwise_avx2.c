/* AVX2 + FMA stretches of the element-wise operators (see elementwise.h): 8 lanes, operand tiles of at
 * least 256 floats, a loop per (operator, activation) pair. */
#include "kernels/act_avx2.h"
#include "kernels/elementwise.h"

/* y at float k of a piece: the 8 floats from k, or with `tail` the lanes of t (masked loads do not
 * touch the lanes they skip); only the operands op and act use are read. */
LM_AVX2_INLINE __m256 ew_at(lm_ew_op op, lm_act act, const lm_ew_piece *q, size_t k, bool tail, __m256i t) {
#define EW_LOAD(p) (tail ? _mm256_maskload_ps((p) + k, t) : _mm256_loadu_ps((p) + k))
    __m256 x = EW_LOAD(q->x);
    switch (op) {
    case LM_EW_BIAS: x = _mm256_add_ps(x, EW_LOAD(q->p0)); break;
    case LM_EW_AFFINE: x = _mm256_fmadd_ps(x, EW_LOAD(q->p0), EW_LOAD(q->p1)); break;
    case LM_EW_ADD: x = _mm256_add_ps(x, EW_LOAD(q->b)); break;
    case LM_EW_MUL: x = _mm256_mul_ps(x, EW_LOAD(q->b)); break;
    default: break;
    }
    const __m256 slope = act == LM_ACT_PRELU ? EW_LOAD(q->slopes) : _mm256_setzero_ps();
#undef EW_LOAD
    return lm_act_avx2(act, x, slope);
}

/* The piece: four vectors a step (loaded before any is stored), then single vectors, then a masked tail. */
LM_AVX2_INLINE void segment(lm_ew_op op, lm_act act, const lm_ew_piece *q) {
    const __m256i all = _mm256_set1_epi32(-1);
    float *y = q->y;
    size_t k = 0;
    for (; k + 32 <= q->n; k += 32) {
        const __m256 v0 = ew_at(op, act, q, k, false, all), v1 = ew_at(op, act, q, k + 8, false, all);
        const __m256 v2 = ew_at(op, act, q, k + 16, false, all), v3 = ew_at(op, act, q, k + 24, false, all);
        _mm256_storeu_ps(y + k, v0);
        LM_STORE_ORDER();
        _mm256_storeu_ps(y + k + 8, v1);
        LM_STORE_ORDER();
        _mm256_storeu_ps(y + k + 16, v2);
        LM_STORE_ORDER();
        _mm256_storeu_ps(y + k + 24, v3);
    }
    for (; k + 8 <= q->n; k += 8) _mm256_storeu_ps(y + k, ew_at(op, act, q, k, false, all));
    if (k < q->n) {
        const __m256i t = lm_avx2_tail_mask(q->n - k);
        _mm256_maskstore_ps(y + k, t, ew_at(op, act, q, k, true, t));
    }
}

LM_EW_ISA(lm_ew_avx2, 8, 256, LM_EW_ALL)
