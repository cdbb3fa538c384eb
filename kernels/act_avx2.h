/* Activations on 8 floats at a time (AVX2 + FMA), the vector forms of act.h, for kernels' inner loops
 * and the convolution epilogues. Include only from sources built with -mavx2 -mfma.
 *
 * Everything is always_inline so that a call with a constant `act` folds its switch away: a kernel
 * that switches on the activation once, outside its loop, gets a loop per activation for free. */
#ifndef LM_ACT_AVX2_H
#define LM_ACT_AVX2_H

#include <immintrin.h>
#include <stddef.h>

#include "kernels/op.h"

#define LM_AVX2_INLINE static inline __attribute__((always_inline))

/* A compiler barrier between the stores of an unrolled loop. GCC otherwise may emit them out of address
 * order (+32, +0, +64, ...), and streaming stores that miss L1 out of order cost up to 2x on Skylake-SP. */
#ifndef LM_STORE_ORDER
#define LM_STORE_ORDER() __asm__ volatile("" ::: "memory")
#endif

/* Lanes [0, n) set (n <= 8), for _mm256_maskload_ps / _mm256_maskstore_ps on tails. */
LM_AVX2_INLINE __m256i lm_avx2_tail_mask(size_t n) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

/* e^x, relative error below 1e-6. x is clamped to [-87, 88] first, where e^x is a normal float, so
 * huge or infinite arguments give e^-87 or e^88 rather than 0, inf or NaN. x = n ln2 + r with
 * |r| <= ln2/2: n comes from adding 1.5 * 2^23, which rounds x log2(e) to an integer in the low
 * mantissa bits (so those bits, plus the bias, shifted into place are 2^n); ln2 is subtracted in two
 * parts so r is exact enough; e^r is its degree-6 Taylor polynomial (truncation r^7/7! < 2e-7
 * relative) evaluated by Estrin's scheme. The dependency chain is short (about 36 cycles rather than
 * 55 with a round instruction and Horner), which is what limits a streaming loop of these. */
LM_AVX2_INLINE __m256 lm_exp_avx2(__m256 x) {
    x = _mm256_min_ps(_mm256_max_ps(x, _mm256_set1_ps(-87.0f)), _mm256_set1_ps(88.0f));
    const __m256 magic = _mm256_set1_ps(12582912.0f); /* 1.5 * 2^23 */
    const __m256 t = _mm256_fmadd_ps(x, _mm256_set1_ps(1.44269504088896341f), magic);
    const __m256 n = _mm256_sub_ps(t, magic);
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693145751953125f), x); /* ln2 high part: n * hi is exact */
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(1.428606765330187e-06f), r);    /* ln2 - high part */
    const __m256 r2 = _mm256_mul_ps(r, r), r4 = _mm256_mul_ps(r2, r2);
    const __m256 p01 = _mm256_add_ps(r, _mm256_set1_ps(1.0f));
    const __m256 p23 = _mm256_fmadd_ps(r, _mm256_set1_ps(1.0f / 6), _mm256_set1_ps(0.5f));
    const __m256 p45 = _mm256_fmadd_ps(r, _mm256_set1_ps(1.0f / 120), _mm256_set1_ps(1.0f / 24));
    const __m256 low = _mm256_fmadd_ps(p23, r2, p01);                               /* 1 + r + r^2/2 + r^3/6 */
    const __m256 high = _mm256_fmadd_ps(_mm256_set1_ps(1.0f / 720), r2, p45);       /* (r^4 .. r^6 terms) / r^4 */
    const __m256 p = _mm256_fmadd_ps(high, r4, low);
    /* t's bits are those of 1.5 * 2^23 plus n; n is in [-126, 127] after the clamp, and adding the bias
     * then shifting by 23 drops the constant's bits, leaving the exponent field of 2^n. */
    const __m256i scale = _mm256_slli_epi32(_mm256_add_epi32(_mm256_castps_si256(t), _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(p, _mm256_castsi256_ps(scale));
}

/* 1 / (1 + e^-x) from e = e^-|x| in (0, 1], which never overflows: 1/(1+e) for x >= 0 and e/(1+e)
 * below. The reciprocal of 1+e (in [1, 2]) is rcp's 12 bits refined by one Newton step (~23 bits). */
LM_AVX2_INLINE __m256 lm_sigmoid_avx2(__m256 x) {
    const __m256 e = lm_exp_avx2(_mm256_or_ps(x, _mm256_set1_ps(-0.0f)));
    const __m256 d = _mm256_add_ps(e, _mm256_set1_ps(1.0f));
    __m256 inv = _mm256_rcp_ps(d);
    inv = _mm256_mul_ps(inv, _mm256_fnmadd_ps(d, inv, _mm256_set1_ps(2.0f)));
    return _mm256_blendv_ps(inv, _mm256_mul_ps(e, inv), x); /* the sign bit of x picks e/(1+e) */
}

/* act(x) lane by lane; `slope` holds the lanes' PReLU slopes (ignored by other activations). */
LM_AVX2_INLINE __m256 lm_act_avx2(lm_act act, __m256 x, __m256 slope) {
    const __m256 zero = _mm256_setzero_ps();
    switch (act) {
    case LM_ACT_RELU: return _mm256_max_ps(x, zero);
    case LM_ACT_RELU6: return _mm256_min_ps(_mm256_max_ps(x, zero), _mm256_set1_ps(6.0f));
    case LM_ACT_HSWISH:
    case LM_ACT_HSIGMOID: {
        /* relu6(x + 3) / 6 == clamp(x/6 + 1/2, 0, 1) */
        const __m256 h = _mm256_min_ps(_mm256_max_ps(_mm256_fmadd_ps(x, _mm256_set1_ps(1.0f / 6), _mm256_set1_ps(0.5f)), zero),
                                       _mm256_set1_ps(1.0f));
        return act == LM_ACT_HSWISH ? _mm256_mul_ps(x, h) : h;
    }
    case LM_ACT_SIGMOID: return lm_sigmoid_avx2(x);
    case LM_ACT_PRELU: return _mm256_fmadd_ps(slope, _mm256_min_ps(x, zero), _mm256_max_ps(x, zero));
    default: return x;
    }
}

/* The loop of lm_act_rows_avx2 for one (constant) activation. */
LM_AVX2_INLINE void lm_act_rows_avx2_with(lm_act act, float *x, size_t rows, size_t channels, size_t row_stride,
                                          const float *slopes) {
    const __m256 zero = _mm256_setzero_ps();
    if (act != LM_ACT_PRELU && row_stride == channels) { /* one flat run: no per-row tails */
        channels *= rows;
        rows = 1;
    }
    for (size_t r = 0; r < rows; r++, x += row_stride) {
        size_t k = 0;
        for (; k + 8 <= channels; k += 8) {
            const __m256 s = act == LM_ACT_PRELU ? _mm256_loadu_ps(slopes + k) : zero;
            _mm256_storeu_ps(x + k, lm_act_avx2(act, _mm256_loadu_ps(x + k), s));
        }
        if (k < channels) {
            const __m256i m = lm_avx2_tail_mask(channels - k);
            const __m256 s = act == LM_ACT_PRELU ? _mm256_maskload_ps(slopes + k, m) : zero;
            _mm256_maskstore_ps(x + k, m, lm_act_avx2(act, _mm256_maskload_ps(x + k, m), s));
        }
    }
}

/* Applies `act` in place to `rows` rows of `channels` floats, row r at x + r * row_stride (row_stride
 * >= channels; equal for a dense tensor, larger for a block of a wider output); slopes[c] for PReLU
 * (else may be NULL). */
static inline void lm_act_rows_avx2(lm_act act, float *x, size_t rows, size_t channels, size_t row_stride,
                                    const float *slopes) {
    switch (act) {
    case LM_ACT_RELU: lm_act_rows_avx2_with(LM_ACT_RELU, x, rows, channels, row_stride, slopes); break;
    case LM_ACT_RELU6: lm_act_rows_avx2_with(LM_ACT_RELU6, x, rows, channels, row_stride, slopes); break;
    case LM_ACT_HSWISH: lm_act_rows_avx2_with(LM_ACT_HSWISH, x, rows, channels, row_stride, slopes); break;
    case LM_ACT_HSIGMOID: lm_act_rows_avx2_with(LM_ACT_HSIGMOID, x, rows, channels, row_stride, slopes); break;
    case LM_ACT_SIGMOID: lm_act_rows_avx2_with(LM_ACT_SIGMOID, x, rows, channels, row_stride, slopes); break;
    case LM_ACT_PRELU: lm_act_rows_avx2_with(LM_ACT_PRELU, x, rows, channels, row_stride, slopes); break;
    default: break;
    }
}

#endif
