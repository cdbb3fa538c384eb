/* AVX2 tiles of pooling and resizing (see pool.h): global average, max and average windows, bilinear
 * resize, over channels in vectors of 8. Loops that keep accumulators in registers take a compile-time
 * count of them (a switch picks the instance), and a pixel's last partial vector is the whole one
 * ending at c, recomputed identically, rather than a masked one (masks only when c < 8). */
#include "kernels/act_avx2.h"
#include "kernels/pool.h"

#include <math.h>

/* ---- global average pool ------------------------------------------------------------------------ */

/* Registers needed for a block of `width` channels, and the mask of the last one. */
static int block_vectors(size_t width, __m256i *last) {
    const int nv = (int)((width + 7) / 8);
    *last = lm_avx2_tail_mask(width - 8 * (size_t)(nv - 1));
    return nv;
}

/* Means over `pixels` pixels (rows `c` floats apart) of the channels of nv registers from `in`. Sums
 * run in two levels, blocks of 64 pixels then their total, which keeps float rounding well below the
 * tolerance of a double-precision reference even for large images. */
LM_AVX2_INLINE void gap_vectors(int nv, const float *in, size_t pixels, size_t c, __m256i last, float *out) {
    __m256 total[8], part[8];
    for (int v = 0; v < nv; v++) total[v] = _mm256_setzero_ps();
    for (size_t p0 = 0; p0 < pixels; p0 += 64) {
        const size_t p1 = p0 + 64 < pixels ? p0 + 64 : pixels;
        for (int v = 0; v < nv; v++) part[v] = _mm256_setzero_ps();
        for (size_t p = p0; p < p1; p++) {
            const float *row = in + p * c;
            for (int v = 0; v < nv - 1; v++) part[v] = _mm256_add_ps(part[v], _mm256_loadu_ps(row + 8 * v));
            part[nv - 1] = _mm256_add_ps(part[nv - 1], _mm256_maskload_ps(row + 8 * (nv - 1), last));
        }
        for (int v = 0; v < nv; v++) total[v] = _mm256_add_ps(total[v], part[v]);
    }
    const __m256 inv = _mm256_set1_ps((float)(1.0 / (double)pixels));
    for (int v = 0; v < nv - 1; v++) _mm256_storeu_ps(out + 8 * v, _mm256_mul_ps(total[v], inv));
    _mm256_maskstore_ps(out + 8 * (nv - 1), last, _mm256_mul_ps(total[nv - 1], inv));
}

#define GAP_BLOCK 64 /* channels per block: 8 registers of sums */

static void gap(const float *in, size_t pixels, size_t c, size_t k0, size_t k1, float *out) {
    for (; k0 < k1; k0 += GAP_BLOCK) {
        __m256i last;
        const float *from = in + k0;
        float *to = out + k0;
        const int nv = block_vectors(k1 - k0 < GAP_BLOCK ? k1 - k0 : GAP_BLOCK, &last);
        LM_POOL_WITH_VECTORS(nv, gap_vectors, from, pixels, c, last, to)
    }
}

/* ---- max and average windows -------------------------------------------------------------------- */

/* 3x3 windows at stride 2 (ShuffleNet's and ResNet's max pool) have their own path: an output row walks
 * its input columns once, keeping the column shared by neighbouring windows in registers.
 *
 * Other windows are separable (pool.c): reduce_rows reduces a row's window rows, column by column,
 * into the driver's scratch row (or the window has one row, read in place), then pixels reduces each
 * output pixel's columns of it; when even one window's columns do not fit the scratch, pixels reduce
 * their cells directly. */

LM_AVX2_INLINE __m256 pool_op(bool max, __m256 a, __m256 b) { return max ? _mm256_max_ps(a, b) : _mm256_add_ps(a, b); }

/* v[i] = op over the ny rows (`stride` floats apart) of r[i], for i < m; ny constant when > 0, else
 * ny_rt. A tail of m % 8 is the vector ending at m (recomputed identically), or masked when m < 8. */
LM_AVX2_INLINE void reduce_rows(bool max, int ny, int ny_rt, const float *r, size_t stride, float *v, size_t m) {
    const int rows = ny > 0 ? ny : ny_rt;
    if (m < 8) {
        const __m256i t = lm_avx2_tail_mask(m);
        __m256 a = _mm256_maskload_ps(r, t);
        for (int y = 1; y < rows; y++) a = pool_op(max, a, _mm256_maskload_ps(r + y * stride, t));
        _mm256_maskstore_ps(v, t, a);
        return;
    }
    for (size_t i = 0;; i += 8) {
        if (i + 8 > m) i = m - 8;
        __m256 a = _mm256_loadu_ps(r + i);
        for (int y = 1; y < rows; y++) a = pool_op(max, a, _mm256_loadu_ps(r + y * stride + i));
        _mm256_storeu_ps(v + i, a);
        if (i + 8 == m) return;
    }
}

/* out[k] = op over n columns (`c` floats apart) of v[k], times `scale` for the average; k < c. n is
 * constant when > 0, else n_rt. The channel tail as in reduce_rows. */
LM_AVX2_INLINE void reduce_columns(bool max, int n, int n_rt, const float *v, size_t c, __m256 scale, float *out) {
    const int cols = n > 0 ? n : n_rt;
    if (c < 8) {
        const __m256i t = lm_avx2_tail_mask(c);
        __m256 a = _mm256_maskload_ps(v, t);
        for (int x = 1; x < cols; x++) a = pool_op(max, a, _mm256_maskload_ps(v + x * c, t));
        _mm256_maskstore_ps(out, t, max ? a : _mm256_mul_ps(a, scale));
        return;
    }
    for (size_t k = 0;; k += 8) {
        if (k + 8 > c) k = c - 8;
        __m256 a = _mm256_loadu_ps(v + k);
        for (int x = 1; x < cols; x++) a = pool_op(max, a, _mm256_loadu_ps(v + x * c + k));
        _mm256_storeu_ps(out + k, max ? a : _mm256_mul_ps(a, scale));
        if (k + 8 == c) return;
    }
}

LM_AVX2_INLINE void window_rows(bool max, const float *r, size_t stride, int ny, float *v, size_t m) {
    switch (ny) {
    case 2: reduce_rows(max, 2, 0, r, stride, v, m); break;
    case 3: reduce_rows(max, 3, 0, r, stride, v, m); break;
    default: reduce_rows(max, 0, ny, r, stride, v, m); break;
    }
}

LM_AVX2_INLINE void window_columns(bool max, const float *v, size_t c, int n, __m256 scale, float *out) {
    switch (n) {
    case 1: reduce_columns(max, 1, 0, v, c, scale, out); break;
    case 2: reduce_columns(max, 2, 0, v, c, scale, out); break;
    case 3: reduce_columns(max, 3, 0, v, c, scale, out); break;
    default: reduce_columns(max, 0, n, v, c, scale, out); break;
    }
}

/* One output pixel straight from its ny x n cells (first at r), for channels too wide for scratch. */
static void window_cells(bool max, const float *r, size_t row, size_t c, int ny, int n, __m256 scale, float *out) {
    const __m256i t = lm_avx2_tail_mask(c < 8 ? c : 8);
    for (size_t k = 0;; k += 8) {
        if (c >= 8 && k + 8 > c) k = c - 8;
        __m256 a = max ? _mm256_set1_ps(-INFINITY) : _mm256_setzero_ps();
        for (int y = 0; y < ny; y++)
            for (int x = 0; x < n; x++) {
                const float *p = r + y * row + x * c + k;
                a = pool_op(max, a, c < 8 ? _mm256_maskload_ps(p, t) : _mm256_loadu_ps(p));
            }
        if (!max) a = _mm256_mul_ps(a, scale);
        if (c < 8) _mm256_maskstore_ps(out, t, a);
        else _mm256_storeu_ps(out + k, a);
        if (c < 8 || k + 8 == c) return;
    }
}

/* ---- 3x3 windows at stride 2 ------------------------------------------------------------------------ */

/* Offsets of up to 3 channel vectors of a pixel (the last may end at c, overlapping its neighbour). */
typedef struct lanes3 {
    size_t off[3];
    __m256i mask; /* c < 8: the lanes of the single, masked vector */
} lanes3;

LM_AVX2_INLINE __m256 lanes_load(bool masked, const float *p, const lanes3 *l, int v) {
    return masked ? _mm256_maskload_ps(p, l->mask) : _mm256_loadu_ps(p + l->off[v]);
}

/* Column x's reduction over ny rows (r points at column 0 of the first row, rows `row` floats apart). */
LM_AVX2_INLINE void column3(int nv, int ny, bool masked, bool max, __m256 *col, const float *r, size_t row, const lanes3 *l) {
    for (int v = 0; v < nv; v++) {
        __m256 a = lanes_load(masked, r, l, v);
        for (int y = 1; y < ny; y++) a = pool_op(max, a, lanes_load(masked, r + y * row, l, v));
        col[v] = a;
    }
}

/* Outputs [ox0, ox1) of one row whose windows lie inside the input columns (x = 2 ox - pad >= 0 and
 * x + 2 < width): output ox reduces columns x, x+1, x+2, and column x+2 is the next output's column x,
 * so it is carried in registers: 2 new columns (2 ny loads) per output vector. */
LM_AVX2_INLINE void pool3s2_interior(int nv, int ny, bool masked, bool max, const float *r, size_t row, size_t c, int pad,
                                     int ox0, int ox1, const lanes3 *l, float *out) {
    const __m256 inv = _mm256_set1_ps(1.0f / (float)(3 * ny));
    __m256 carry[3], c1[3], c2[3];
    const float *p = r + (size_t)(2 * ox0 - pad) * c;
    column3(nv, ny, masked, max, carry, p, row, l);
    float *q = out + (size_t)ox0 * c;
    for (int ox = ox0; ox < ox1; ox++, p += 2 * c, q += c) {
        column3(nv, ny, masked, max, c1, p + c, row, l);
        column3(nv, ny, masked, max, c2, p + 2 * c, row, l);
        for (int v = 0; v < nv; v++) {
            const __m256 a = pool_op(max, pool_op(max, carry[v], c1[v]), c2[v]);
            carry[v] = c2[v];
            if (masked) _mm256_maskstore_ps(q, l->mask, max ? a : _mm256_mul_ps(a, inv));
            else _mm256_storeu_ps(q + l->off[v], max ? a : _mm256_mul_ps(a, inv));
        }
    }
}

/* One output row of a 3x3 stride-2 pool: interior outputs by pool3s2_interior, channel blocks of up to
 * 3 vectors; the one or two border outputs (clipped windows) pixel by pixel. */
LM_AVX2_INLINE void pool3s2_row(bool max, const float *r, int ny, int width, int pad, int out_w, size_t c, float *out) {
    const size_t row = (size_t)width * c;
    const int ox0 = (pad + 1) / 2, ox1_limit = (width - 3 + pad) / 2 + 1;
    const int ox1 = ox1_limit < out_w ? ox1_limit : out_w;
    for (int ox = 0; ox < out_w; ox++) { /* borders */
        if (ox == ox0 && ox1 > ox0) ox = ox1;
        if (ox >= out_w) break;
        const int ix = 2 * ox - pad, x0 = ix > 0 ? ix : 0, x1 = ix + 3 < width ? ix + 3 : width;
        window_cells(max, r + (size_t)x0 * c, row, c, ny, x1 - x0, _mm256_set1_ps(1.0f / (float)(ny * (x1 - x0))),
                     out + (size_t)ox * c);
    }
    if (ox1 <= ox0) return;
    if (c < 8) {
        const lanes3 l = {.mask = lm_avx2_tail_mask(c)};
        if (ny == 3) pool3s2_interior(1, 3, true, max, r, row, c, pad, ox0, ox1, &l, out);
        else if (ny == 2) pool3s2_interior(1, 2, true, max, r, row, c, pad, ox0, ox1, &l, out);
        else pool3s2_interior(1, 1, true, max, r, row, c, pad, ox0, ox1, &l, out);
        return;
    }
    for (size_t k0 = 0; k0 < c; k0 += 24) {
        const int nv = c - k0 >= 24 ? 3 : (int)((c - k0 + 7) / 8);
        lanes3 l;
        for (int v = 0; v < nv; v++) l.off[v] = k0 + 8 * (size_t)v;
        if (l.off[nv - 1] + 8 > c) l.off[nv - 1] = c - 8; /* the last vector ends at c */
#define POOL3S2(NV, NY) pool3s2_interior(NV, NY, false, max, r, row, c, pad, ox0, ox1, &l, out)
#define POOL3S2_NV(NV)                                                                                                 \
    case NV:                                                                                                           \
        if (ny == 3) POOL3S2(NV, 3);                                                                                   \
        else if (ny == 2) POOL3S2(NV, 2);                                                                              \
        else POOL3S2(NV, 1);                                                                                           \
        break;
        switch (nv) {
            POOL3S2_NV(1)
            POOL3S2_NV(2)
        default: POOL3S2_NV(3)
        }
#undef POOL3S2_NV
#undef POOL3S2
    }
}

/* ---- bilinear resize ---------------------------------------------------------------------------- */

/* Bilinear blend of the 4 source pixels with weights (1-fx)(1-fy), fx(1-fy), (1-fx)fy, fx fy. */
LM_AVX2_INLINE __m256 blend4(const float *a, const float *b, const float *c, const float *d, const __m256 w[4]) {
    const __m256 x = _mm256_mul_ps(_mm256_loadu_ps(a), w[0]);
    const __m256 y = _mm256_mul_ps(_mm256_loadu_ps(c), w[2]);
    return _mm256_add_ps(_mm256_fmadd_ps(_mm256_loadu_ps(b), w[1], x), _mm256_fmadd_ps(_mm256_loadu_ps(d), w[3], y));
}

LM_AVX2_INLINE __m256 blend4_masked(const float *a, const float *b, const float *c, const float *d, const __m256 w[4], __m256i t) {
    const __m256 x = _mm256_mul_ps(_mm256_maskload_ps(a, t), w[0]);
    const __m256 y = _mm256_mul_ps(_mm256_maskload_ps(c, t), w[2]);
    return _mm256_add_ps(_mm256_fmadd_ps(_mm256_maskload_ps(b, t), w[1], x), _mm256_fmadd_ps(_mm256_maskload_ps(d, t), w[3], y));
}

/* ---- the tiles --------------------------------------------------------------------------------- */

static void row3s2(const lm_pool_row *r) {
    if (r->max) pool3s2_row(true, r->in, r->ny, r->in_w, r->pad, r->out_w, r->c, r->out);
    else pool3s2_row(false, r->in, r->ny, r->in_w, r->pad, r->out_w, r->c, r->out);
}

static void reduce_rows_of(const lm_pool_row *r, const float *in, float *v, size_t m) {
    if (r->max) window_rows(true, in, (size_t)r->in_w * r->c, r->ny, v, m);
    else window_rows(false, in, (size_t)r->in_w * r->c, r->ny, v, m);
}

/* Outputs [ox0, ox1) for a constant `max`; a window's scale is 1 / (the cells inside the input). */
LM_AVX2_INLINE void pixels_with(bool max, const lm_pool_row *r, const float *v, int xa, int ox0, int ox1) {
    const size_t c = r->c;
    for (int ox = ox0; ox < ox1; ox++) {
        const int ix = ox * r->stride - r->pad, x0 = ix > 0 ? ix : 0, x1 = ix + r->kernel < r->in_w ? ix + r->kernel : r->in_w;
        const __m256 scale = _mm256_set1_ps(1.0f / (float)(r->ny * (x1 - x0)));
        float *q = r->out + (size_t)ox * c;
        if (v) window_columns(max, v + (size_t)(x0 - xa) * c, c, x1 - x0, scale, q);
        else window_cells(max, r->in + (size_t)x0 * c, (size_t)r->in_w * c, c, r->ny, x1 - x0, scale, q);
    }
}

static void pixels(const lm_pool_row *r, const float *v, int xa, int ox0, int ox1) {
    if (r->max) pixels_with(true, r, v, xa, ox0, ox1);
    else pixels_with(false, r, v, xa, ox0, ox1);
}

static void resize_row(const lm_resize_row *r) {
    const size_t c = r->c;
    const float fy = r->fy;
    const __m256i mask = lm_avx2_tail_mask(c < 8 ? c : 8);
    float *q = r->out;
    for (size_t ox = 0; ox < r->out_w; ox++, q += c) {
        const float fx = r->fx[ox];
        const __m256 w[4] = {_mm256_set1_ps((1 - fx) * (1 - fy)), _mm256_set1_ps(fx * (1 - fy)),
                             _mm256_set1_ps((1 - fx) * fy), _mm256_set1_ps(fx * fy)};
        const float *a = r->top + r->x0[ox], *b = r->top + r->x1[ox], *cc = r->bottom + r->x0[ox], *dd = r->bottom + r->x1[ox];
        if (c < 8) {
            _mm256_maskstore_ps(q, mask, blend4_masked(a, b, cc, dd, w, mask));
            continue;
        }
        /* whole vectors; with c % 8 the last is the one ending at c (its overlap with the previous one
         * is rewritten identically) */
        size_t k = 0;
        for (; k + 8 <= c; k += 8) _mm256_storeu_ps(q + k, blend4(a + k, b + k, cc + k, dd + k, w));
        if (k < c) _mm256_storeu_ps(q + c - 8, blend4(a + c - 8, b + c - 8, cc + c - 8, dd + c - 8, w));
    }
}

const lm_pool_isa lm_pool_avx2 = {
    .gap = gap, .gap_block = GAP_BLOCK,
    .row3s2 = row3s2, .reduce_rows = reduce_rows_of, .pixels = pixels, .resize_row = resize_row,
};
