/* AVX2 + FMA GEMM micro-kernels (see gemm.h): tiles of 1 to 6 rows of a panel of 16 columns (two ymm
 * per row: 12 accumulators for 6 rows) or of a group's last, narrow panel of 8 (one ymm per row).
 * Each (rows, vectors) pair is its own function, so a tile computes exactly its rows. */
#include <immintrin.h>

#include "kernels/act_avx2.h"
#include "kernels/gemm.h"

#define MR 6
#define LANES 8
#define INLINE static inline __attribute__((always_inline))

/* Lanes [0, nc - (vectors - 1) * 8) of a tile's last vector, as maskload/maskstore take them; the
 * vectors before it are whole. */
INLINE __m256i last_lanes(int nc, int vectors) { return lm_avx2_tail_mask((size_t)(nc - (vectors - 1) * LANES)); }

/* Starts the accumulators of `rows` rows from the bias, or (bias NULL: a later block of K) from the
 * partial sums in C, the last vector masked since columns past nc may not exist. */
INLINE void load_tile(const int rows, const int vectors, int nc, const float *bias, const float *c, size_t c_stride,
                      __m256 *acc0, __m256 *acc1) {
    if (bias) {
        const __m256 bias0 = _mm256_load_ps(bias), bias1 = vectors == 2 ? _mm256_load_ps(bias + LANES) : bias0;
#pragma GCC unroll 6
        for (int i = 0; i < rows; i++) acc0[i] = bias0, acc1[i] = bias1;
        return;
    }
    const __m256i m = last_lanes(nc, vectors);
#pragma GCC unroll 6
    for (int i = 0; i < rows; i++) {
        const float *row = c + (size_t)i * c_stride;
        if (vectors == 2) {
            acc0[i] = _mm256_loadu_ps(row);
            acc1[i] = _mm256_maskload_ps(row + LANES, m);
        } else {
            acc0[i] = _mm256_maskload_ps(row, m);
        }
    }
}

/* Clamps the accumulators (unless clamp is NULL: a partial sum) and stores columns [0, nc): plain
 * stores for whole vectors, maskstore (slow on some CPUs) only for a partial last one. */
INLINE void store_tile(const int rows, const int vectors, int nc, __m256 *acc0, __m256 *acc1, float *c,
                       size_t c_stride, const float *clamp) {
    if (clamp) {
        const __m256 lo = _mm256_set1_ps(clamp[0]), hi = _mm256_set1_ps(clamp[1]);
#pragma GCC unroll 6
        for (int i = 0; i < rows; i++) {
            acc0[i] = _mm256_min_ps(_mm256_max_ps(acc0[i], lo), hi);
            if (vectors == 2) acc1[i] = _mm256_min_ps(_mm256_max_ps(acc1[i], lo), hi);
        }
    }
    const bool whole = nc == vectors * LANES;
    const __m256i m = last_lanes(nc, vectors);
#pragma GCC unroll 6
    for (int i = 0; i < rows; i++) {
        float *row = c + (size_t)i * c_stride;
        if (vectors == 2) _mm256_storeu_ps(row, acc0[i]);
        float *last = row + (vectors - 1) * LANES;
        const __m256 v = vectors == 2 ? acc1[i] : acc0[i];
        if (whole) _mm256_storeu_ps(last, v);
        else _mm256_maskstore_ps(last, m, v);
    }
}

/* One step of K for every row: row i's value at a[i][kk] times the panel row b0 (b1). */
INLINE void fma_rows(const int rows, const int vectors, const float *const *a, int kk, __m256 b0, __m256 b1,
                     __m256 *acc0, __m256 *acc1) {
#pragma GCC unroll 6
    for (int i = 0; i < rows; i++) {
        const __m256 ai = _mm256_broadcast_ss(a[i] + kk);
        acc0[i] = _mm256_fmadd_ps(ai, b0, acc0[i]);
        if (vectors == 2) acc1[i] = _mm256_fmadd_ps(ai, b1, acc1[i]);
    }
}

/* The direct form, for a constant row count and panel width once inlined. */
INLINE void ukernel(const int rows, const int vectors, int nc, int k, const float *a, size_t a_stride,
                    const float *bias, const float *w, float *c, size_t c_stride, const float *clamp) {
    /* One pointer per row, opaque to the compiler: from a + i * a_stride, GCC would recompute some rows'
     * addresses with lea in the loop; six rows leave enough registers for six pointers. */
    const float *ar[MR];
#pragma GCC unroll 6
    for (int i = 0; i < rows; i++) {
        ar[i] = a + (size_t)i * a_stride;
        __asm__("" : "+r"(ar[i]));
    }
    __m256 acc0[MR], acc1[MR];
    load_tile(rows, vectors, nc, bias, c, c_stride, acc0, acc1);
    for (int kk = 0; kk < k; kk++, w += vectors * LANES) {
        const __m256 b0 = _mm256_load_ps(w), b1 = vectors == 2 ? _mm256_load_ps(w + LANES) : b0;
        fma_rows(rows, vectors, ar, kk, b0, b1, acc0, acc1);
    }
    store_tile(rows, vectors, nc, acc0, acc1, c, c_stride, clamp);
}

/* The indirect form: for each tap, MR slots of pointers to cin inputs (see gemm.h). */
INLINE void iukernel(const int rows, const int vectors, int nc, int taps, int cin, const float *const *a,
                     ptrdiff_t a_step, const float *w, float *c, size_t c_stride, const float *clamp) {
    __m256 acc0[MR], acc1[MR];
    load_tile(rows, vectors, nc, w, NULL, 0, acc0, acc1);
    w += vectors * LANES;
    for (int tap = 0; tap < taps; tap++, a += MR) {
        const float *ar[MR];
#pragma GCC unroll 6
        for (int i = 0; i < rows; i++) ar[i] = a_step ? a[0] + i * a_step : a[i];
        for (int ci = 0; ci < cin; ci++, w += vectors * LANES) {
            const __m256 b0 = _mm256_load_ps(w), b1 = vectors == 2 ? _mm256_load_ps(w + LANES) : b0;
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
#define EACH_ROWS(X, V) X(1, V) X(2, V) X(3, V) X(4, V) X(5, V) X(6, V)
EACH_ROWS(KERNELS, 1)
EACH_ROWS(KERNELS, 2)
#define DIRECT(R, V) ukernel_##R##x##V,
#define INDIRECT(R, V) iukernel_##R##x##V,

/* Activations other than the clamp, on the tile just stored (still in L1). */
static void epilogue(lm_act act, float *c, int mr, int nc, size_t c_stride, const float *slopes) {
    lm_act_rows_avx2(act, c, (size_t)mr, (size_t)nc, c_stride, slopes);
}

const lm_gemm_isa lm_gemm_avx2 = {
    .mr = MR, .lanes = LANES, .nr = 2 * LANES,
    .ukernel = {{EACH_ROWS(DIRECT, 1)}, {EACH_ROWS(DIRECT, 2)}},
    .iukernel = {{EACH_ROWS(INDIRECT, 1)}, {EACH_ROWS(INDIRECT, 2)}},
    .epilogue = epilogue,
};
