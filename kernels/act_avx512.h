/* Activations on 16 floats at a time (AVX-512F), the vector forms of act.h for AVX-512 kernels and
 * convolution epilogues; the same algorithms as act_avx2.h. Include only from sources built with
 * -mavx512f. Tails use lane masks (__mmask16) instead of maskload/maskstore. */
#ifndef LM_ACT_AVX512_H
#define LM_ACT_AVX512_H

#include <immintrin.h>
#include <stddef.h>
#include <stdint.h>

#include "kernels/op.h"

#define LM_AVX512_INLINE static inline __attribute__((always_inline))

/* A compiler barrier between the stores of an unrolled loop. GCC otherwise may emit them out of address
 * order (+32, +0, +64, ...), and streaming stores that miss L1 out of order cost up to 2x on Skylake-SP. */
#ifndef LM_STORE_ORDER
#define LM_STORE_ORDER() __asm__ volatile("" ::: "memory")
#endif

/* Lanes [0, n) set (n <= 16). */
LM_AVX512_INLINE __mmask16 lm_avx512_tail_mask(size_t n) { return (__mmask16)((1u << n) - 1u); }

/* e^x, relative error below 1e-6; x clamped to [-87, 88] (see lm_exp_avx2 for the method: rounding by
 * adding 1.5 * 2^23, two-part ln2, degree-6 Taylor polynomial by Estrin's scheme). scalef multiplies by
 * 2^n without building the exponent by hand. */
LM_AVX512_INLINE __m512 lm_exp_avx512(__m512 x) {
    x = _mm512_min_ps(_mm512_max_ps(x, _mm512_set1_ps(-87.0f)), _mm512_set1_ps(88.0f));
    const __m512 magic = _mm512_set1_ps(12582912.0f); /* 1.5 * 2^23 */
    const __m512 n = _mm512_sub_ps(_mm512_fmadd_ps(x, _mm512_set1_ps(1.44269504088896341f), magic), magic);
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693145751953125f), x);
    r = _mm512_fnmadd_ps(n, _mm512_set1_ps(1.428606765330187e-06f), r);
    const __m512 r2 = _mm512_mul_ps(r, r), r4 = _mm512_mul_ps(r2, r2);
    const __m512 p01 = _mm512_add_ps(r, _mm512_set1_ps(1.0f));
    const __m512 p23 = _mm512_fmadd_ps(r, _mm512_set1_ps(1.0f / 6), _mm512_set1_ps(0.5f));
    const __m512 p45 = _mm512_fmadd_ps(r, _mm512_set1_ps(1.0f / 120), _mm512_set1_ps(1.0f / 24));
    const __m512 low = _mm512_fmadd_ps(p23, r2, p01);
    const __m512 high = _mm512_fmadd_ps(_mm512_set1_ps(1.0f / 720), r2, p45);
    return _mm512_scalef_ps(_mm512_fmadd_ps(high, r4, low), n);
}

/* 1 / (1 + e^-x) from e = e^-|x| (see lm_sigmoid_avx2); rcp14 plus one Newton step gives ~28 bits. */
LM_AVX512_INLINE __m512 lm_sigmoid_avx512(__m512 x) {
    const __m512 e = lm_exp_avx512(_mm512_castsi512_ps(_mm512_or_si512(_mm512_castps_si512(x), _mm512_set1_epi32(INT32_MIN))));
    const __m512 d = _mm512_add_ps(e, _mm512_set1_ps(1.0f));
    __m512 inv = _mm512_rcp14_ps(d);
    inv = _mm512_mul_ps(inv, _mm512_fnmadd_ps(d, inv, _mm512_set1_ps(2.0f)));
    const __mmask16 negative = _mm512_cmp_ps_mask(x, _mm512_setzero_ps(), _CMP_LT_OQ);
    return _mm512_mask_mul_ps(inv, negative, e, inv);
}

/* act(x) lane by lane; `slope` holds the lanes' PReLU slopes (ignored by other activations). */
LM_AVX512_INLINE __m512 lm_act_avx512(lm_act act, __m512 x, __m512 slope) {
    const __m512 zero = _mm512_setzero_ps();
    switch (act) {
    case LM_ACT_RELU: return _mm512_max_ps(x, zero);
    case LM_ACT_RELU6: return _mm512_min_ps(_mm512_max_ps(x, zero), _mm512_set1_ps(6.0f));
    case LM_ACT_HSWISH:
    case LM_ACT_HSIGMOID: {
        const __m512 h = _mm512_min_ps(_mm512_max_ps(_mm512_fmadd_ps(x, _mm512_set1_ps(1.0f / 6), _mm512_set1_ps(0.5f)), zero),
                                       _mm512_set1_ps(1.0f));
        return act == LM_ACT_HSWISH ? _mm512_mul_ps(x, h) : h;
    }
    case LM_ACT_SIGMOID: return lm_sigmoid_avx512(x);
    case LM_ACT_PRELU: return _mm512_fmadd_ps(slope, _mm512_min_ps(x, zero), _mm512_max_ps(x, zero));
    default: return x;
    }
}

/* The loop of lm_act_rows_avx512 for one (constant) activation. */
LM_AVX512_INLINE void lm_act_rows_avx512_with(lm_act act, float *x, size_t rows, size_t channels, size_t row_stride,
                                              const float *slopes) {
    const __m512 zero = _mm512_setzero_ps();
    if (act != LM_ACT_PRELU && row_stride == channels) { /* one flat run: no per-row tails */
        channels *= rows;
        rows = 1;
    }
    for (size_t r = 0; r < rows; r++, x += row_stride) {
        size_t k = 0;
        for (; k + 16 <= channels; k += 16) {
            const __m512 s = act == LM_ACT_PRELU ? _mm512_loadu_ps(slopes + k) : zero;
            _mm512_storeu_ps(x + k, lm_act_avx512(act, _mm512_loadu_ps(x + k), s));
        }
        if (k < channels) {
            const __mmask16 m = lm_avx512_tail_mask(channels - k);
            const __m512 s = act == LM_ACT_PRELU ? _mm512_maskz_loadu_ps(m, slopes + k) : zero;
            _mm512_mask_storeu_ps(x + k, m, lm_act_avx512(act, _mm512_maskz_loadu_ps(m, x + k), s));
        }
    }
}

/* Applies `act` in place to `rows` rows of `channels` floats, row r at x + r * row_stride; slopes[c]
 * for PReLU (else may be NULL). As lm_act_rows_avx2. */
static inline void lm_act_rows_avx512(lm_act act, float *x, size_t rows, size_t channels, size_t row_stride,
                                      const float *slopes) {
    switch (act) {
    case LM_ACT_RELU: lm_act_rows_avx512_with(LM_ACT_RELU, x, rows, channels, row_stride, slopes); break;
    case LM_ACT_RELU6: lm_act_rows_avx512_with(LM_ACT_RELU6, x, rows, channels, row_stride, slopes); break;
    case LM_ACT_HSWISH: lm_act_rows_avx512_with(LM_ACT_HSWISH, x, rows, channels, row_stride, slopes); break;
    case LM_ACT_HSIGMOID: lm_act_rows_avx512_with(LM_ACT_HSIGMOID, x, rows, channels, row_stride, slopes); break;
    case LM_ACT_SIGMOID: lm_act_rows_avx512_with(LM_ACT_SIGMOID, x, rows, channels, row_stride, slopes); break;
    case LM_ACT_PRELU: lm_act_rows_avx512_with(LM_ACT_PRELU, x, rows, channels, row_stride, slopes); break;
    default: break;
    }
}

#endif
