/* AVX-512 GEMM micro-kernels: a 12 x 32 tile of C in 24 zmm accumulators (see gemm.h), and a 4 x 32
 * one for the last rows of a block, so 49 rows (7x7) do not pay for 60. */
#include <immintrin.h>

#include "act_avx512.h"
#include "gemm.h"

#define MR 12

/* Lanes [0, nc) of a tile's two column vectors. */
static inline __mmask16 mask_lo(int nc) { return nc >= 16 ? 0xffff : (__mmask16)((1u << nc) - 1); }
static inline __mmask16 mask_hi(int nc) { return nc >= 32 ? 0xffff : nc > 16 ? (__mmask16)((1u << (nc - 16)) - 1) : 0; }

/* Clamps the accumulators (unless clamp is NULL: a partial sum) and stores rows [0, mr) and columns
 * [0, nc) of the tile. */
static inline __attribute__((always_inline)) void store_tile(int mr, int nc, __m512 *acc0, __m512 *acc1,
                                                             float *c, size_t c_stride, const float *clamp,
                                                             const int rows) {
    const __mmask16 m0 = mask_lo(nc), m1 = mask_hi(nc);
    if (clamp) {
        const __m512 lo = _mm512_set1_ps(clamp[0]), hi = _mm512_set1_ps(clamp[1]);
#pragma GCC unroll 12
        for (int i = 0; i < rows; i++) {
            acc0[i] = _mm512_min_ps(_mm512_max_ps(acc0[i], lo), hi);
            acc1[i] = _mm512_min_ps(_mm512_max_ps(acc1[i], lo), hi);
        }
    }
#pragma GCC unroll 12
    for (int i = 0; i < rows; i++) {
        if (i >= mr) break;
        float *row = c + (size_t)i * c_stride;
        _mm512_mask_storeu_ps(row, m0, acc0[i]);
        _mm512_mask_storeu_ps(row + 16, m1, acc1[i]);
    }
}

/* The direct form with `rows` (a constant once inlined) accumulator rows. */
static inline __attribute__((always_inline)) void ukernel(int mr, int nc, int k, const float *a, size_t a_stride,
                                                          const float *bias, const float *w, float *c,
                                                          size_t c_stride, const float *clamp, const int rows_max) {
    /* Rows past mr read the last real row again: the work is wasted, the code stays branch-free. */
    const float *rows[MR];
#pragma GCC unroll 12
    for (int i = 0; i < rows_max; i++) rows[i] = a + (size_t)(i < mr ? i : mr - 1) * a_stride;
    __m512 acc0[MR], acc1[MR];
    if (bias) {
        const __m512 bias0 = _mm512_load_ps(bias), bias1 = _mm512_load_ps(bias + 16);
#pragma GCC unroll 12
        for (int i = 0; i < rows_max; i++) acc0[i] = bias0, acc1[i] = bias1;
    } else { /* a later block of K: continue the partial sums (masked: columns past nc may not exist) */
        const __mmask16 m0 = mask_lo(nc), m1 = mask_hi(nc);
#pragma GCC unroll 12
        for (int i = 0; i < rows_max; i++) {
            const float *row = c + (size_t)(i < mr ? i : mr - 1) * c_stride;
            acc0[i] = _mm512_maskz_loadu_ps(m0, row);
            acc1[i] = _mm512_maskz_loadu_ps(m1, row + 16);
        }
    }
    for (int kk = 0; kk < k; kk++, w += 32) {
        const __m512 b0 = _mm512_load_ps(w), b1 = _mm512_load_ps(w + 16);
#pragma GCC unroll 12
        for (int i = 0; i < rows_max; i++) {
            const __m512 ai = _mm512_set1_ps(rows[i][kk]);
            acc0[i] = _mm512_fmadd_ps(ai, b0, acc0[i]);
            acc1[i] = _mm512_fmadd_ps(ai, b1, acc1[i]);
        }
    }
    store_tile(mr, nc, acc0, acc1, c, c_stride, clamp, rows_max);
}

static void ukernel_12x32(int mr, int nc, int k, const float *a, size_t a_stride, const float *bias, const float *w,
                          float *c, size_t c_stride, const float *clamp) {
    ukernel(mr, nc, k, a, a_stride, bias, w, c, c_stride, clamp, MR);
}

static void ukernel_4x32(int mr, int nc, int k, const float *a, size_t a_stride, const float *bias, const float *w,
                         float *c, size_t c_stride, const float *clamp) {
    ukernel(mr, nc, k, a, a_stride, bias, w, c, c_stride, clamp, 4);
}

/* The indirect form: for each tap, MR pointers to cin inputs (see gemm.h). */
static void iukernel_12x32(int mr, int nc, int taps, int cin, const float *const *a, ptrdiff_t a_step,
                           const float *w, float *c,
                           size_t c_stride, const float *clamp) {
    __m512 acc0[MR], acc1[MR];
    const __m512 bias0 = _mm512_load_ps(w), bias1 = _mm512_load_ps(w + 16);
#pragma GCC unroll 12
    for (int i = 0; i < MR; i++) acc0[i] = bias0, acc1[i] = bias1;
    w += 32;
    for (int tap = 0; tap < taps; tap++, a += MR) {
        const float *rows[MR];
#pragma GCC unroll 12
        for (int i = 0; i < MR; i++) rows[i] = a_step ? a[0] + (i < mr ? i : mr - 1) * a_step : a[i];
        for (int ci = 0; ci < cin; ci++, w += 32) {
            const __m512 b0 = _mm512_load_ps(w), b1 = _mm512_load_ps(w + 16);
#pragma GCC unroll 12
            for (int i = 0; i < MR; i++) {
                const __m512 ai = _mm512_set1_ps(rows[i][ci]);
                acc0[i] = _mm512_fmadd_ps(ai, b0, acc0[i]);
                acc1[i] = _mm512_fmadd_ps(ai, b1, acc1[i]);
            }
        }
    }
    store_tile(mr, nc, acc0, acc1, c, c_stride, clamp, MR);
}

/* Activations other than the clamp, on the tile just stored (still in L1). */
static void epilogue(lm_act act, float *c, int mr, int nc, size_t c_stride, const float *slopes) {
    lm_act_rows_avx512(act, c, (size_t)mr, (size_t)nc, c_stride, slopes);
}

const lm_gemm_isa lm_gemm_avx512 = {
    .mr = MR, .nr = 32, .ukernel = ukernel_12x32, .iukernel = iukernel_12x32, .epilogue = epilogue,
    .small_mr = 4, .small_ukernel = ukernel_4x32,
};
