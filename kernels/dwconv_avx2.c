/* AVX2 + FMA rows of depthwise convolution: 8 channels per block (see dwconv.h). */
#include <float.h>
#include <immintrin.h>

#include "kernels/act_avx2.h"
#include "kernels/dwconv.h"

#define LANES 8
#define INLINE static inline __attribute__((always_inline))

/* A full vector, or the first lanes of one (masked loads do not touch the lanes they skip). */
INLINE __m256 load(const float *p, bool full, __m256i m) { return full ? _mm256_loadu_ps(p) : _mm256_maskload_ps(p, m); }

/* One output vector whose window may leave the input: taps outside [0, in_w) are skipped. */
INLINE __m256 border_pixel(const float *const *rows, const __m256 *w, __m256 acc, bool full, __m256i m, int ix0, int K,
                           int dil, int in_w, int c) {
    for (int ky = 0; ky < K; ky++)
        for (int kx = 0; kx < K; kx++) {
            const int ix = ix0 + kx * dil;
            if (ix >= 0 && ix < in_w) acc = _mm256_fmadd_ps(load(rows[ky] + (ptrdiff_t)ix * c, full, m), w[ky * K + kx], acc);
        }
    return acc;
}

INLINE void store(float *q, __m256 v, bool full, __m256i m) {
    if (full) _mm256_storeu_ps(q, v);
    else _mm256_maskstore_ps(q, m, v);
}

INLINE void dw_row(const lm_dw_row *r, const int K) {
    const int c = r->channels, taps = K * K, dil = r->dilation, stride = r->stride, in_w = r->in_w, out_w = r->out_w;
    const int pad = r->pad_left;
    const ptrdiff_t step = (ptrdiff_t)stride * c, tap = (ptrdiff_t)dil * c;
    /* Interior columns [lo, hi): every tap of their window is inside the input. */
    int lo = (pad + stride - 1) / stride;
    const int last = in_w - 1 - (K - 1) * dil + pad;
    int hi = last < 0 ? 0 : last / stride + 1;
    if (hi > out_w) hi = out_w;
    if (lo > hi) lo = hi;
    const __m256 floor = _mm256_set1_ps(r->act == LM_ACT_RELU || r->act == LM_ACT_RELU6 ? 0.0f : -FLT_MAX);
    const __m256 ceiling = _mm256_set1_ps(r->act == LM_ACT_RELU6 ? 6.0f : FLT_MAX);
    /* The next row's new input, a few lines per interior pixel so that it is all requested by the end of
     * the row (see dwconv.h). Into L2 only: it would push this row's window out of L1. */
    const size_t pf_bytes = r->prefetch_bytes, pixels = (size_t)((c + LANES - 1) / LANES) * (size_t)(hi - lo) * (size_t)r->count;
    const size_t pf_per_pixel = pixels ? ((pf_bytes + 63) / 64 + pixels - 1) / pixels : 0;
    size_t pf_at = 0;
    for (int c0 = 0; c0 < c; c0 += LANES) {
        const int nc = c - c0 < LANES ? c - c0 : LANES;
        const bool full = nc == LANES;
        const __m256i m = lm_avx2_tail_mask((size_t)nc);
        const float *wb = r->weights + (size_t)(c0 / LANES) * (taps + 1) * LANES;
        __m256 w[LM_DW_MAX_KERNEL * LM_DW_MAX_KERNEL];
        for (int t = 0; t < taps; t++) w[t] = _mm256_load_ps(wb + (size_t)t * LANES);
        const __m256 bias = _mm256_load_ps(wb + (size_t)taps * LANES);
        for (int j = 0; j < r->count; j++) { /* the weights stay in registers from row to row */
            const float *rows[LM_DW_MAX_KERNEL];
            for (int ky = 0; ky < K; ky++) rows[ky] = r->in_rows[j][ky] + c0;
            float *out = r->out[j] + c0;
            for (int ox = 0; ox < out_w; ox++) { /* the border columns, [0, lo) and [hi, out_w) */
                if (ox == lo) ox = hi;
                if (ox == out_w) break;
                const __m256 acc = border_pixel(rows, w, bias, full, m, ox * stride - pad, K, dil, in_w, c);
                store(out + (size_t)ox * c, _mm256_min_ps(_mm256_max_ps(acc, floor), ceiling), full, m);
            }
            const float *p[LM_DW_MAX_KERNEL];
            for (int ky = 0; ky < K; ky++) p[ky] = rows[ky] + (ptrdiff_t)(lo * stride - pad) * c;
            float *q = out + (size_t)lo * c;
            for (int ox = lo; ox < hi; ox++, q += c) { /* the interior: no tests */
                for (size_t i = 0; i < pf_per_pixel && pf_at < pf_bytes; i++, pf_at += 64)
                    _mm_prefetch(r->prefetch + pf_at, _MM_HINT_T1);
                /* Two chains of FMAs, even and odd kernel rows, so one pixel waits half as long. */
                __m256 acc[2] = {bias, _mm256_setzero_ps()};
                for (int ky = 0; ky < K; ky++) {
                    for (int kx = 0; kx < K; kx++) acc[ky & 1] = _mm256_fmadd_ps(load(p[ky] + kx * tap, full, m), w[ky * K + kx], acc[ky & 1]);
                    p[ky] += step;
                }
                __m256 sum = _mm256_add_ps(acc[0], acc[1]);
                store(q, _mm256_min_ps(_mm256_max_ps(sum, floor), ceiling), full, m);
            }
        }
    }
    if (r->act != LM_ACT_NONE && r->act != LM_ACT_RELU && r->act != LM_ACT_RELU6)
        for (int j = 0; j < r->count; j++) lm_act_rows_avx2(r->act, r->out[j], (size_t)out_w, (size_t)c, (size_t)c, r->slopes);
}

static void row3(const lm_dw_row *r) { dw_row(r, 3); }
static void row5(const lm_dw_row *r) { dw_row(r, 5); }

const lm_dw_isa lm_dw_avx2 = {.lanes = LANES, .row3 = row3, .row5 = row5};
