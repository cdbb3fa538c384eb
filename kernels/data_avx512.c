/* AVX-512 rows of data movement (see data.h): the interleave of the merged concat-shuffle-split only.
 * Split, concat and shuffle stay AVX2: their copies gained nothing from wider vectors in timings on a
 * shared Zen 5 (kernels/README.md). The interleave is one two-source permutation per 16 outputs here
 * against two shuffles on AVX2, and a short run (fewer than 16 pairs: ShuffleNet's 12) is one masked
 * step instead of a loop and an overlapping tail. */
#include "kernels/act_avx512.h"
#include "kernels/data.h"

#include <stddef.h>

/* dst[0, 32) = a0 b0 ... a15 b15, its two vectors stored under masks m0 and m1. */
LM_AVX512_INLINE void zip16_masked(float *dst, __m512 a, __m512 b, __mmask16 m0, __mmask16 m1) {
    const __m512i lo = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    const __m512i hi = _mm512_setr_epi32(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
    _mm512_mask_storeu_ps(dst, m0, _mm512_permutex2var_ps(a, lo, b));
    LM_STORE_ORDER();
    if (m1) _mm512_mask_storeu_ps(dst + 16, m1, _mm512_permutex2var_ps(a, hi, b));
}

LM_AVX512_INLINE void zip16(float *dst, const float *a, const float *b) {
    zip16_masked(dst, _mm512_loadu_ps(a), _mm512_loadu_ps(b), 0xFFFF, 0xFFFF);
}

/* One interleave of n pairs: 32 pairs a step, then 16; a rest of n % 16 pairs is the 16 ending at n
 * (rewriting a few outputs) when n >= 16, else one masked step. */
LM_AVX512_INLINE void zip_row(float *dst, const float *a, const float *b, size_t n) {
    if (n < 16) {
        const __mmask16 t = lm_avx512_tail_mask(n);
        const __m512 va = _mm512_maskz_loadu_ps(t, a), vb = _mm512_maskz_loadu_ps(t, b);
        zip16_masked(dst, va, vb, lm_avx512_tail_mask(2 * n < 16 ? 2 * n : 16), lm_avx512_tail_mask(n > 8 ? 2 * n - 16 : 0));
        return;
    }
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        zip16(dst + 2 * i, a + i, b + i);
        LM_STORE_ORDER();
        zip16(dst + 2 * i + 32, a + i + 16, b + i + 16);
    }
    if (i + 16 <= n) {
        zip16(dst + 2 * i, a + i, b + i);
        i += 16;
    }
    if (i < n) zip16(dst + 2 * (n - 16), a + n - 16, b + n - 16);
}

static void zip_runs(float *dst, size_t dst_stride, const float *a, const float *b, size_t src_stride, size_t rows,
                     size_t n) {
    if (n == 0) return;
    for (size_t r = 0; r < rows; r++, a += src_stride, b += src_stride, dst += dst_stride) zip_row(dst, a, b, n);
}

const lm_data_isa lm_data_avx512 = {.zip_runs = zip_runs};
