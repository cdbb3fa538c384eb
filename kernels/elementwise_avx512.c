/* AVX-512 stretches of the element-wise operators with per-channel operands only: activation, bias and
 * BatchNorm (see elementwise.h): 16 lanes, operand tiles of at least 512 floats, a loop per (operator,
 * activation) pair; tails by lane masks. */
#include "kernels/act_avx512.h"
#include "kernels/elementwise.h"

/* y at float k of a piece: the 16 floats from k, or the lanes of mask t; only the operands op and act
 * use are read. */
LM_AVX512_INLINE __m512 ew_at(lm_ew_op op, lm_act act, const lm_ew_piece *q, size_t k, __mmask16 t) {
#define EW_LOAD(p) _mm512_maskz_loadu_ps(t, (p) + k)
    __m512 x = EW_LOAD(q->x);
    switch (op) {
    case LM_EW_BIAS: x = _mm512_add_ps(x, EW_LOAD(q->p0)); break;
    case LM_EW_AFFINE: x = _mm512_fmadd_ps(x, EW_LOAD(q->p0), EW_LOAD(q->p1)); break;
    case LM_EW_ADD: x = _mm512_add_ps(x, EW_LOAD(q->b)); break;
    case LM_EW_MUL: x = _mm512_mul_ps(x, EW_LOAD(q->b)); break;
    default: break;
    }
    const __m512 slope = act == LM_ACT_PRELU ? EW_LOAD(q->slopes) : _mm512_setzero_ps();
#undef EW_LOAD
    return lm_act_avx512(act, x, slope);
}

/* The piece: four vectors a step (loaded before any is stored), then single vectors, then a masked tail.
 * A load under the full mask is a plain load. */
LM_AVX512_INLINE void segment(lm_ew_op op, lm_act act, const lm_ew_piece *q) {
    const __mmask16 all = 0xffff;
    float *y = q->y;
    size_t k = 0;
    for (; k + 64 <= q->n; k += 64) {
        const __m512 v0 = ew_at(op, act, q, k, all), v1 = ew_at(op, act, q, k + 16, all);
        const __m512 v2 = ew_at(op, act, q, k + 32, all), v3 = ew_at(op, act, q, k + 48, all);
        _mm512_storeu_ps(y + k, v0);
        LM_STORE_ORDER();
        _mm512_storeu_ps(y + k + 16, v1);
        LM_STORE_ORDER();
        _mm512_storeu_ps(y + k + 32, v2);
        LM_STORE_ORDER();
        _mm512_storeu_ps(y + k + 48, v3);
    }
    for (; k + 16 <= q->n; k += 16) _mm512_storeu_ps(y + k, ew_at(op, act, q, k, all));
    if (k < q->n) {
        const __mmask16 t = lm_avx512_tail_mask(q->n - k);
        _mm512_mask_storeu_ps(y + k, t, ew_at(op, act, q, k, t));
    }
}

/* Add and multiply are not registered: each reads two tensors and writes a third for one operation,
 * bound by the memory traffic, and timed here no faster than with AVX2. */
LM_EW_ISA(lm_ew_avx512, 16, 512, LM_EW_UNARY)
