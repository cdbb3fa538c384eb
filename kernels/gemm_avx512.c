/* AVX-512 GEMM micro-kernels (see gemm.h): tiles of 1 to 12 rows of a panel of 32 columns (two zmm
 * per row: 24 accumulators for 12 rows) or of a group's last, narrow panel of 16 (one zmm per row).
 * Each (rows, vectors) pair is its own function, so a tile computes exactly its rows. */
#include <immintrin.h>

#include "kernels/act_avx512.h"
#include "kernels/gemm.h"

#define MR 12
#define LANES 16
#define INLINE static inline __attribute__((always_inline))

/* Lanes [0, nc - (vectors - 1) * 16) of a tile's last vector; the ones before it are whole. */
INLINE __mmask16 last_lanes(int nc, int vectors) { return lm_avx512_tail_mask((size_t)(nc - (vectors - 1) * LANES)); }

/* Starts the accumulators of `rows` rows from the bias, or (bias NULL: a later block of K) from the
 * partial sums in C, the last vector masked since columns past nc may not exist. */
INLINE void load_tile(const int rows, const int vectors, int nc, const float *bias, const float *c, size_t c_stride,
                      __m512 *acc0, __m512 *acc1) {
    if (bias) {
        const __m512 bias0 = _mm512_load_ps(bias), bias1 = vectors == 2 ? _mm512_load_ps(bias + LANES) : bias0;
#pragma GCC unroll 12
        for (int i = 0; i < rows; i++) acc0[i] = bias0, acc1[i] = bias1;
        return;
    }
    const __mmask16 m = last_lanes(nc, vectors);
#pragma GCC unroll 12
    for (int i = 0; i < rows; i++) {
        const float *row = c + (size_t)i * c_stride;
        if (vectors == 2) {
            acc0[i] = _mm512_loadu_ps(row);
            acc1[i] = _mm512_maskz_loadu_ps(m, row + LANES);
        } else {
            acc0[i] = _mm512_maskz_loadu_ps(m, row);
        }
    }
}

/* Clamps the accumulators (unless clamp is NULL: a partial sum) and stores columns [0, nc). */
INLINE void store_tile(const int rows, const int vectors, int nc, __m512 *acc0, __m512 *acc1, float *c,
                       size_t c_stride, const float *clamp) {
    if (clamp) {
        const __m512 lo = _mm512_set1_ps(clamp[0]), hi = _mm512_set1_ps(clamp[1]);
#pragma GCC unroll 12
        for (int i = 0; i < rows; i++) {
            acc0[i] = _mm512_min_ps(_mm512_max_ps(acc0[i], lo), hi);
            if (vectors == 2) acc1[i] = _mm512_min_ps(_mm512_max_ps(acc1[i], lo), hi);
        }
    }
    const __mmask16 m = last_lanes(nc, vectors);
#pragma GCC unroll 12
    for (int i = 0; i < rows; i++) {
        float *row = c + (size_t)i * c_stride;
        if (vectors == 2) {
            _mm512_storeu_ps(row, acc0[i]);
            _mm512_mask_storeu_ps(row + LANES, m, acc1[i]);
        } else {
            _mm512_mask_storeu_ps(row, m, acc0[i]);
        }
    }
}

/* One step of K for every row: row i's value at rows[i][kk] times the panel row b0 (b1). */
INLINE void fma_rows(const int rows, const int vectors, const float *const *a, int kk, __m512 b0, __m512 b1,
                     __m512 *acc0, __m512 *acc1) {
#pragma GCC unroll 12
    for (int i = 0; i < rows; i++) {
        const __m512 ai = _mm512_set1_ps(a[i][kk]);
        acc0[i] = _mm512_fmadd_ps(ai, b0, acc0[i]);
        if (vectors == 2) acc1[i] = _mm512_fmadd_ps(ai, b1, acc1[i]);
    }
}

/* The direct form, for a constant row count and panel width once inlined. */
INLINE void ukernel(const int rows, const int vectors, int nc, int k, const float *a, size_t a_stride,
                    const float *bias, const float *w, float *c, size_t c_stride, const float *clamp) {
    const float *ar[MR];
#pragma GCC unroll 12
    for (int i = 0; i < rows; i++) ar[i] = a + (size_t)i * a_stride;
    __m512 acc0[MR], acc1[MR];
    load_tile(rows, vectors, nc, bias, c, c_stride, acc0, acc1);
    for (int kk = 0; kk < k; kk++, w += vectors * LANES) {
        const __m512 b0 = _mm512_load_ps(w), b1 = vectors == 2 ? _mm512_load_ps(w + LANES) : b0;
        fma_rows(rows, vectors, ar, kk, b0, b1, acc0, acc1);
    }
    store_tile(rows, vectors, nc, acc0, acc1, c, c_stride, clamp);
}

/* The indirect form: for each tap, MR slots of pointers to cin inputs (see gemm.h). */
INLINE void iukernel(const int rows, const int vectors, int nc, int taps, int cin, const float *const *a,
                     ptrdiff_t a_step, const float *w, float *c, size_t c_stride, const float *clamp) {
    __m512 acc0[MR], acc1[MR];
    load_tile(rows, vectors, nc, w, NULL, 0, acc0, acc1);
    w += vectors * LANES;
    for (int tap = 0; tap < taps; tap++, a += MR) {
        const float *ar[MR];
#pragma GCC unroll 12
        for (int i = 0; i < rows; i++) ar[i] = a_step ? a[0] + i * a_step : a[i];
        for (int ci = 0; ci < cin; ci++, w += vectors * LANES) {
            const __m512 b0 = _mm512_load_ps(w), b1 = vectors == 2 ? _mm512_load_ps(w + LANES) : b0;
            fma_rows(rows, vectors, ar, ci, b0, b1, acc0, acc1);
        }
    }
    store_tile(rows, vectors, nc, acc0, acc1, c, c_stride, clamp);
}

/* One function per (rows, vectors), and the tables of gemm.h. */
#define KERNELS(R, V)                                                                                                  \
    static void ukernel_##R##x##V(int nc, int k, const float *a, size_t a_stride, const float *bias, const float *w, \
                                  float *c, size_t c_stride, const float *clamp) {                                    \
        ukernel(R, V, nc, k, a, a_stride, bias, w, c, c_stride, clamp);                                                \
    }                                                                                                                  \
    static void iukernel_##R##x##V(int nc, int taps, int cin, const float *const *a, ptrdiff_t a_step,               \
                                   const float *w, float *c, size_t c_stride, const float *clamp) {                   \
        iukernel(R, V, nc, taps, cin, a, a_step, w, c, c_stride, clamp);                                               \
    }
#define EACH_ROWS(X, V) X(1, V) X(2, V) X(3, V) X(4, V) X(5, V) X(6, V) X(7, V) X(8, V) X(9, V) X(10, V) X(11, V) X(12, V)
EACH_ROWS(KERNELS, 1)
EACH_ROWS(KERNELS, 2)
#define DIRECT(R, V) ukernel_##R##x##V,
#define INDIRECT(R, V) iukernel_##R##x##V,

/* Activations other than the clamp, on the tile just stored (still in L1). */
static void epilogue(lm_act act, float *c, int mr, int nc, size_t c_stride, const float *slopes) {
    lm_act_rows_avx512(act, c, (size_t)mr, (size_t)nc, c_stride, slopes);
}

const lm_gemm_isa lm_gemm_avx512 = {
    .mr = MR, .lanes = LANES, .nr = 2 * LANES,
    .ukernel = {{EACH_ROWS(DIRECT, 1)}, {EACH_ROWS(DIRECT, 2)}},
    .iukernel = {{EACH_ROWS(INDIRECT, 1)}, {EACH_ROWS(INDIRECT, 2)}},
    .epilogue = epilogue,
};
