/* AVX2 + FMA GEMM micro-kernel: a 6 x 16 tile of C in 12 ymm accumulators (see gemm.h). */
#include <immintrin.h>

#include "act_avx2.h"
#include "gemm.h"

#define MR 6

/* Lanes [0, n) of a vector, as the mask _mm256_maskstore_ps takes. */
static __m256i first_lanes(int n) {
    const __m256i index = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), index);
}

/* Clamps the accumulators (unless clamp is NULL: a partial sum) and stores rows [0, mr) and columns
 * [0, nc) of the tile. */
static inline __attribute__((always_inline)) void store_tile(int mr, int nc, __m256 *acc0, __m256 *acc1, float *c,
                                                             size_t c_stride, const float *clamp) {
    if (clamp) {
        const __m256 lo = _mm256_set1_ps(clamp[0]), hi = _mm256_set1_ps(clamp[1]);
#pragma GCC unroll 6
        for (int i = 0; i < MR; i++) {
            acc0[i] = _mm256_min_ps(_mm256_max_ps(acc0[i], lo), hi);
            acc1[i] = _mm256_min_ps(_mm256_max_ps(acc1[i], lo), hi);
        }
    }
    const __m256i m0 = first_lanes(nc), m1 = first_lanes(nc - 8);
#pragma GCC unroll 6
    for (int i = 0; i < MR; i++) {
        if (i >= mr) break;
        float *row = c + (size_t)i * c_stride;
        const __m256 v0 = acc0[i], v1 = acc1[i];
        if (nc == 16) {
            _mm256_storeu_ps(row, v0);
            _mm256_storeu_ps(row + 8, v1);
        } else {
            _mm256_maskstore_ps(row, m0, v0);
            _mm256_maskstore_ps(row + 8, m1, v1);
        }
    }
}

static void ukernel_6x16(int mr, int nc, int k, const float *a, size_t a_stride, const float *bias, const float *w,
                         float *c, size_t c_stride, const float *clamp) {
    /* Rows past mr read the last real row again: the work is wasted, the code stays branch-free. */
    const float *rows[MR];
#pragma GCC unroll 6
    for (int i = 0; i < MR; i++) rows[i] = a + (size_t)(i < mr ? i : mr - 1) * a_stride;
    __m256 acc0[MR], acc1[MR];
    if (bias) {
        const __m256 bias0 = _mm256_load_ps(bias), bias1 = _mm256_load_ps(bias + 8);
#pragma GCC unroll 6
        for (int i = 0; i < MR; i++) acc0[i] = bias0, acc1[i] = bias1;
    } else { /* a later block of K: continue the partial sums (masked: columns past nc may not exist) */
        const __m256i m0 = first_lanes(nc), m1 = first_lanes(nc - 8);
#pragma GCC unroll 6
        for (int i = 0; i < MR; i++) {
            const float *row = c + (size_t)(i < mr ? i : mr - 1) * c_stride;
            acc0[i] = _mm256_maskload_ps(row, m0);
            acc1[i] = _mm256_maskload_ps(row + 8, m1);
        }
    }
    for (int kk = 0; kk < k; kk++, w += 16) {
        const __m256 b0 = _mm256_load_ps(w), b1 = _mm256_load_ps(w + 8);
#pragma GCC unroll 6
        for (int i = 0; i < MR; i++) {
            const __m256 ai = _mm256_broadcast_ss(rows[i] + kk);
            acc0[i] = _mm256_fmadd_ps(ai, b0, acc0[i]);
            acc1[i] = _mm256_fmadd_ps(ai, b1, acc1[i]);
        }
    }
    store_tile(mr, nc, acc0, acc1, c, c_stride, clamp);
}

/* The indirect form: for each tap, MR pointers to cin inputs (see gemm.h). */
static void iukernel_6x16(int mr, int nc, int taps, int cin, const float *const *a, ptrdiff_t a_step,
                          const float *w, float *c,
                          size_t c_stride, const float *clamp) {
    __m256 acc0[MR], acc1[MR];
    const __m256 bias0 = _mm256_load_ps(w), bias1 = _mm256_load_ps(w + 8);
#pragma GCC unroll 6
    for (int i = 0; i < MR; i++) acc0[i] = bias0, acc1[i] = bias1;
    w += 16;
    for (int tap = 0; tap < taps; tap++, a += MR) {
        const float *rows[MR];
#pragma GCC unroll 6
        for (int i = 0; i < MR; i++) rows[i] = a_step ? a[0] + (i < mr ? i : mr - 1) * a_step : a[i];
        for (int ci = 0; ci < cin; ci++, w += 16) {
            const __m256 b0 = _mm256_load_ps(w), b1 = _mm256_load_ps(w + 8);
#pragma GCC unroll 6
            for (int i = 0; i < MR; i++) {
                const __m256 ai = _mm256_broadcast_ss(rows[i] + ci);
                acc0[i] = _mm256_fmadd_ps(ai, b0, acc0[i]);
                acc1[i] = _mm256_fmadd_ps(ai, b1, acc1[i]);
            }
        }
    }
    store_tile(mr, nc, acc0, acc1, c, c_stride, clamp);
}

/* Activations other than the clamp, on the tile just stored (still in L1). */
static void epilogue(lm_act act, float *c, int mr, int nc, size_t c_stride, const float *slopes) {
    lm_act_rows_avx2(act, c, (size_t)mr, (size_t)nc, c_stride, slopes);
}

const lm_gemm_isa lm_gemm_avx2 = {
    .mr = MR, .nr = 16, .ukernel = ukernel_6x16, .iukernel = iukernel_6x16, .epilogue = epilogue,
};
