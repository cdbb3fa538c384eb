/* AVX2 rows of data movement (see data.h): channel shuffle, the runs of split and concat, and the
 * interleave of the merged concat-shuffle-split.
 *
 * Shuffle writes output channel j*g + i from input channel i*pg + j (pg = c/g). It builds each output
 * vector of 8 with one lane permutation: the groups' runs of consecutive j are loaded at shifted
 * addresses so that they land on disjoint lanes, blended, then put in order by vpermps. With g = 2 the
 * pattern is the same for every vector, with g = 3 it repeats every 24 outputs (both with immediate
 * blends), with g = 5, 6, 7 every lcm(g, 8) outputs (a small table made in prepare). g = 4 and g = 8
 * are transposes of 4x8 and 8x8 blocks instead, which need fewer loads. A row's partial last vector or
 * block is recomputed as the whole one ending at the row's end (it rewrites a few outputs). */
#include "kernels/act_avx2.h"
#include "kernels/data.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* dst[0, m) = src[0, m); a tail of m % 8 floats is one more vector overlapping the last whole one. */
LM_AVX2_INLINE void copy_floats(float *dst, const float *src, size_t m) {
    if (m < 8) {
        if (m) {
            const __m256i t = lm_avx2_tail_mask(m);
            _mm256_maskstore_ps(dst, t, _mm256_maskload_ps(src, t));
        }
        return;
    }
    size_t k = 0;
    for (; k + 32 <= m; k += 32) {
        const __m256 a = _mm256_loadu_ps(src + k), b = _mm256_loadu_ps(src + k + 8);
        const __m256 c = _mm256_loadu_ps(src + k + 16), d = _mm256_loadu_ps(src + k + 24);
        _mm256_storeu_ps(dst + k, a);
        LM_STORE_ORDER();
        _mm256_storeu_ps(dst + k + 8, b);
        LM_STORE_ORDER();
        _mm256_storeu_ps(dst + k + 16, c);
        LM_STORE_ORDER();
        _mm256_storeu_ps(dst + k + 24, d);
    }
    for (; k + 8 <= m; k += 8) _mm256_storeu_ps(dst + k, _mm256_loadu_ps(src + k));
    if (k < m) _mm256_storeu_ps(dst + m - 8, _mm256_loadu_ps(src + m - 8));
}

/* ---- channel shuffle ---------------------------------------------------------------------------- */

typedef enum shuffle_method {
    SHUFFLE_COPY,      /* g == 1 or pg == 1: the identity */
    SHUFFLE_G2,        /* pg >= 4 */
    SHUFFLE_G3,        /* pg >= 8 */
    SHUFFLE_G4,        /* pg >= 8 */
    SHUFFLE_G4_NARROW, /* 2 <= pg < 8 */
    SHUFFLE_G8,        /* pg >= 8 */
    SHUFFLE_TABLE,     /* g in 5, 6, 7 and pg >= 8 */
    SHUFFLE_SCALAR,    /* anything else: small pg, or g > 8 */
} shuffle_method;

/* One output vector of the table method: where each group's lanes come from, which lanes they are,
 * and the permutation that puts the blend in output order. */
typedef struct shuffle_vector {
    int32_t offset[8];   /* [group]: load address relative to the row (plus the cycle's advance) */
    int32_t lanes[8][8]; /* [group][lane]: -1 on the group's lanes */
    int32_t index[8];    /* [lane]: vpermps source lane */
} shuffle_vector;

typedef struct shuffle_plan {
    shuffle_method method;
    int groups, per_group, period; /* period: output vectors per cycle of lcm(g, 8) outputs (table) */
    shuffle_vector cycle[7];       /* table: the vectors of one cycle */
    shuffle_vector last;           /* table: the vector ending at the row's end, when c % 8 != 0 */
} shuffle_plan;

/* The table entry for the output vector starting at position q of a row (g <= 8, so every group has a
 * lane in it). Group i's run of j lands on lanes [o_i, o_i + n_i) in group order; with pg >= 8 every
 * load stays inside the row (the first group's starts at it, the last group's ends at q's last source). */
static shuffle_vector shuffle_vector_at(int q, int g, int pg) {
    shuffle_vector v;
    memset(&v, 0, sizeof v);
    int first_j[8] = {0}, lanes_before[8] = {0}, count[8] = {0};
    for (int l = 0; l < 8; l++) {
        const int i = (q + l) % g;
        if (count[i]++ == 0) first_j[i] = (q + l) / g;
    }
    for (int i = 0, o = 0; i < g; o += count[i], i++) {
        lanes_before[i] = o;
        v.offset[i] = i * pg + first_j[i] - o;
        for (int l = o; l < o + count[i]; l++) v.lanes[i][l] = -1;
    }
    for (int l = 0; l < 8; l++) {
        const int i = (q + l) % g;
        v.index[l] = lanes_before[i] + ((q + l) / g - first_j[i]);
    }
    return v;
}

static void *shuffle_prepare(int g, int pg) {
    shuffle_plan *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    p->groups = g, p->per_group = pg;
    if (g == 1 || pg == 1) p->method = SHUFFLE_COPY;
    else if (g == 2 && pg >= 4) p->method = SHUFFLE_G2;
    else if (g == 3 && pg >= 8) p->method = SHUFFLE_G3;
    else if (g == 4 && pg >= 8) p->method = SHUFFLE_G4;
    else if (g == 4 && pg >= 2) p->method = SHUFFLE_G4_NARROW;
    else if (g == 8 && pg >= 8) p->method = SHUFFLE_G8;
    else if (g <= 8 && g != 3 && pg >= 8) p->method = SHUFFLE_TABLE;
    else p->method = SHUFFLE_SCALAR;
    if (p->method == SHUFFLE_TABLE) {
        int lcm = g;
        while (lcm % 8) lcm += g;
        p->period = lcm / 8;
        for (int k = 0; k < p->period; k++) p->cycle[k] = shuffle_vector_at(8 * k, g, pg);
        p->last = shuffle_vector_at(g * pg - 8, g, pg);
    }
    return p;
}

/* g = 2: output vector q (even) of a row takes j..j+3 (j = q/2) of group 0 on lanes 0-3 and of group 1
 * on lanes 4-7 (the second load starts 4 floats early); vpermps interleaves them. */
LM_AVX2_INLINE void shuffle_g2_vector(const float *in, float *out, size_t pg, size_t q) {
    const size_t j = q / 2;
    const __m256 v = _mm256_blend_ps(_mm256_loadu_ps(in + j), _mm256_loadu_ps(in + pg + j - 4), 0xF0);
    _mm256_storeu_ps(out + q, _mm256_permutevar8x32_ps(v, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7)));
}

/* g = 2, one row, two vectors per step with moving pointers rather than indices (so the blend's memory
 * operand stays micro-fused); a partial last vector is the one ending at c. */
LM_AVX2_INLINE void shuffle_g2_row(const float *in, float *out, size_t pg) {
    const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
    const float *a = in, *b = in + pg - 4;
    float *o = out;
    size_t n = pg / 4; /* whole output vectors */
    for (; n >= 2; n -= 2, a += 8, b += 8, o += 16) {
        const __m256 v0 = _mm256_blend_ps(_mm256_loadu_ps(a), _mm256_loadu_ps(b), 0xF0);
        const __m256 v1 = _mm256_blend_ps(_mm256_loadu_ps(a + 4), _mm256_loadu_ps(b + 4), 0xF0);
        _mm256_storeu_ps(o, _mm256_permutevar8x32_ps(v0, order));
        LM_STORE_ORDER();
        _mm256_storeu_ps(o + 8, _mm256_permutevar8x32_ps(v1, order));
    }
    if (n) _mm256_storeu_ps(o, _mm256_permutevar8x32_ps(_mm256_blend_ps(_mm256_loadu_ps(a), _mm256_loadu_ps(b), 0xF0), order));
    if (pg % 4) shuffle_g2_vector(in, out, pg, 2 * pg - 8);
}

/* g = 2, rows of at most 64 channels (ShuffleNet's narrow stages): nv whole output vectors per row,
 * a constant, plus the one ending at c if `tail`, unrolled. */
LM_AVX2_INLINE void shuffle_g2_short_rows(int nv, bool tail, const float *in, float *out, size_t pg, size_t rows) {
    const size_t c = 2 * pg;
    for (size_t r = 0; r < rows; r++, in += c, out += c) {
        for (int i = 0; i < nv; i++) {
            shuffle_g2_vector(in, out, pg, 8 * (size_t)i);
            LM_STORE_ORDER();
        }
        if (tail) shuffle_g2_vector(in, out, pg, c - 8);
    }
}

static void shuffle_g2_rows(const float *in, float *out, size_t pg, size_t rows) {
    const size_t c = 2 * pg;
#define SHUFFLE_G2_SHORT(NV)                                                                                           \
    case NV:                                                                                                           \
        if (c % 8) shuffle_g2_short_rows(NV, true, in, out, pg, rows);                                                 \
        else shuffle_g2_short_rows(NV, false, in, out, pg, rows);                                                      \
        return;
    switch (c <= 64 ? c / 8 : 0) {
        SHUFFLE_G2_SHORT(1)
        SHUFFLE_G2_SHORT(2)
        SHUFFLE_G2_SHORT(3)
        SHUFFLE_G2_SHORT(4)
        SHUFFLE_G2_SHORT(5)
        SHUFFLE_G2_SHORT(6)
        SHUFFLE_G2_SHORT(7)
        SHUFFLE_G2_SHORT(8)
    default: break;
    }
#undef SHUFFLE_G2_SHORT
    for (size_t r = 0; r < rows; r++, in += c, out += c) shuffle_g2_row(in, out, pg);
}

/* g = 3, outputs [3j, 3j + 24) from j..j+7 of the 3 groups: three output vectors, each blended from
 * three loads shifted so that every group's run lands on its own lanes, then put in order by vpermps
 * (the pattern repeats every 24 outputs; shuffle_vector_at derives the same at run time). */
LM_AVX2_INLINE void shuffle_g3_block(const float *in, float *out, size_t pg, size_t j) {
    const float *g0 = in + j, *g1 = in + pg + j, *g2 = in + 2 * pg + j;
    /* outputs 0-7: group 0 j0-2 on lanes 0-2, group 1 j0-2 on 3-5, group 2 j0-1 on 6-7 */
    __m256 v = _mm256_blend_ps(_mm256_loadu_ps(g0), _mm256_loadu_ps(g1 - 3), 0x38);
    v = _mm256_blend_ps(v, _mm256_loadu_ps(g2 - 6), 0xC0);
    _mm256_storeu_ps(out + 3 * j, _mm256_permutevar8x32_ps(v, _mm256_setr_epi32(0, 3, 6, 1, 4, 7, 2, 5)));
    LM_STORE_ORDER();
    /* outputs 8-15: group 0 j3-5 on lanes 0-2, group 1 j3-4 on 3-4, group 2 j2-4 on 5-7 */
    v = _mm256_blend_ps(_mm256_loadu_ps(g0 + 3), _mm256_loadu_ps(g1), 0x18);
    v = _mm256_blend_ps(v, _mm256_loadu_ps(g2 - 3), 0xE0);
    _mm256_storeu_ps(out + 3 * j + 8, _mm256_permutevar8x32_ps(v, _mm256_setr_epi32(5, 0, 3, 6, 1, 4, 7, 2)));
    LM_STORE_ORDER();
    /* outputs 16-23: group 0 j6-7 on lanes 0-1, group 1 j5-7 on 2-4, group 2 j5-7 on 5-7 */
    v = _mm256_blend_ps(_mm256_loadu_ps(g0 + 6), _mm256_loadu_ps(g1 + 3), 0x1C);
    v = _mm256_blend_ps(v, _mm256_loadu_ps(g2), 0xE0);
    _mm256_storeu_ps(out + 3 * j + 16, _mm256_permutevar8x32_ps(v, _mm256_setr_epi32(2, 5, 0, 3, 6, 1, 4, 7)));
}

/* g = 4, outputs [4j, 4j + 32) from j..j+7 of the 4 groups: two unpack stages leave register k holding
 * the 4 groups' j+k in its low half and j+k+4 in its high half; 16-byte stores put the halves in place
 * (no lane-crossing shuffle, and 16-byte stores on a 16-byte aligned row never split a cache line). */
LM_AVX2_INLINE void shuffle_g4_block(const float *in, float *out, size_t pg, size_t j) {
    const __m256 a = _mm256_loadu_ps(in + j), b = _mm256_loadu_ps(in + pg + j);
    const __m256 c = _mm256_loadu_ps(in + 2 * pg + j), d = _mm256_loadu_ps(in + 3 * pg + j);
    const __m256d ab_lo = _mm256_castps_pd(_mm256_unpacklo_ps(a, b)), ab_hi = _mm256_castps_pd(_mm256_unpackhi_ps(a, b));
    const __m256d cd_lo = _mm256_castps_pd(_mm256_unpacklo_ps(c, d)), cd_hi = _mm256_castps_pd(_mm256_unpackhi_ps(c, d));
    const __m256 z[4] = {
        _mm256_castpd_ps(_mm256_unpacklo_pd(ab_lo, cd_lo)), _mm256_castpd_ps(_mm256_unpackhi_pd(ab_lo, cd_lo)),
        _mm256_castpd_ps(_mm256_unpacklo_pd(ab_hi, cd_hi)), _mm256_castpd_ps(_mm256_unpackhi_pd(ab_hi, cd_hi)),
    };
    float *o = out + 4 * j;
    for (int k = 0; k < 4; k++) {
        _mm_storeu_ps(o + 4 * k, _mm256_castps256_ps128(z[k]));
        LM_STORE_ORDER();
    }
    for (int k = 0; k < 4; k++) {
        _mm_storeu_ps(o + 16 + 4 * k, _mm256_extractf128_ps(z[k], 1));
        LM_STORE_ORDER();
    }
}

/* g = 4 with 2 <= pg < 8: lanes 2i, 2i+1 from group i (j0, j0+1). Any q divisible by 4 works. */
LM_AVX2_INLINE void shuffle_g4_vector(const float *in, float *out, size_t pg, size_t q) {
    const size_t j = q / 4;
    __m256 v = _mm256_loadu_ps(in + j);
    v = _mm256_blend_ps(v, _mm256_loadu_ps(in + pg + j - 2), 0x0C);
    v = _mm256_blend_ps(v, _mm256_loadu_ps(in + 2 * pg + j - 4), 0x30);
    v = _mm256_blend_ps(v, _mm256_loadu_ps(in + 3 * pg + j - 6), 0xC0);
    _mm256_storeu_ps(out + q, _mm256_permutevar8x32_ps(v, _mm256_setr_epi32(0, 2, 4, 6, 1, 3, 5, 7)));
}

/* g = 8: outputs [8j, 8j + 64) from j..j+7 of the 8 groups. Each register holds 4 j of group i in its
 * low half and of group i+4 in its high half, so a 4x4 transpose within halves leaves output vectors. */
LM_AVX2_INLINE void shuffle_g8_block(const float *in, float *out, size_t pg, size_t j) {
    for (int h = 0; h < 2; h++) {
        const size_t jj = j + 4 * (size_t)h;
        __m256 r[4];
        for (int i = 0; i < 4; i++)
            r[i] = _mm256_insertf128_ps(_mm256_castps128_ps256(_mm_loadu_ps(in + i * pg + jj)), _mm_loadu_ps(in + (i + 4) * pg + jj), 1);
        const __m256 t0 = _mm256_unpacklo_ps(r[0], r[1]), t1 = _mm256_unpackhi_ps(r[0], r[1]);
        const __m256 t2 = _mm256_unpacklo_ps(r[2], r[3]), t3 = _mm256_unpackhi_ps(r[2], r[3]);
        float *o = out + 8 * jj;
        _mm256_storeu_ps(o, _mm256_shuffle_ps(t0, t2, 0x44));
        LM_STORE_ORDER();
        _mm256_storeu_ps(o + 8, _mm256_shuffle_ps(t0, t2, 0xEE));
        LM_STORE_ORDER();
        _mm256_storeu_ps(o + 16, _mm256_shuffle_ps(t1, t3, 0x44));
        LM_STORE_ORDER();
        _mm256_storeu_ps(o + 24, _mm256_shuffle_ps(t1, t3, 0xEE));
    }
}

LM_AVX2_INLINE __m256 shuffle_table_vector(const shuffle_vector *v, int g, const float *in) {
    __m256 acc = _mm256_loadu_ps(in + v->offset[0]);
    for (int i = 1; i < g; i++)
        acc = _mm256_blendv_ps(acc, _mm256_loadu_ps(in + v->offset[i]),
                               _mm256_castsi256_ps(_mm256_loadu_si256((const __m256i *)v->lanes[i])));
    return _mm256_permutevar8x32_ps(acc, _mm256_loadu_si256((const __m256i *)v->index));
}

/* Table method for a constant g: cycles of `period` vectors, each cycle advancing j by 8*period/g. */
LM_AVX2_INLINE void shuffle_table_rows(const shuffle_plan *p, int g, const float *in, float *out, size_t rows) {
    const size_t c = (size_t)g * p->per_group, vectors = c / 8, advance = 8 * (size_t)p->period / g;
    for (size_t r = 0; r < rows; r++, in += c, out += c) {
        size_t v = 0;
        for (size_t base = 0; v < vectors; base += advance)
            for (int k = 0; k < p->period && v < vectors; k++, v++)
                _mm256_storeu_ps(out + 8 * v, shuffle_table_vector(&p->cycle[k], g, in + base));
        if (c % 8) _mm256_storeu_ps(out + c - 8, shuffle_table_vector(&p->last, g, in));
    }
}

static void shuffle_rows(const void *plan, const float *in, float *out, size_t rows) {
    const shuffle_plan *p = plan;
    const size_t g = (size_t)p->groups, pg = (size_t)p->per_group, c = g * pg;
    switch (p->method) {
    case SHUFFLE_COPY: copy_floats(out, in, rows * c); return;
    case SHUFFLE_G2: shuffle_g2_rows(in, out, pg, rows); return;
    case SHUFFLE_G3: /* blocks of 8 j; a partial last block is the one ending at pg */
        for (size_t r = 0; r < rows; r++, in += c, out += c)
            for (size_t j = 0; j < pg; j += 8) shuffle_g3_block(in, out, pg, j + 8 <= pg ? j : pg - 8);
        return;
    case SHUFFLE_G4:
        for (size_t r = 0; r < rows; r++, in += c, out += c)
            for (size_t j = 0; j < pg; j += 8) shuffle_g4_block(in, out, pg, j + 8 <= pg ? j : pg - 8);
        return;
    case SHUFFLE_G4_NARROW:
        for (size_t r = 0; r < rows; r++, in += c, out += c) {
            size_t q = 0;
            for (; q + 8 <= c; q += 8) shuffle_g4_vector(in, out, pg, q);
            if (q < c) shuffle_g4_vector(in, out, pg, c - 8);
        }
        return;
    case SHUFFLE_G8:
        for (size_t r = 0; r < rows; r++, in += c, out += c) {
            size_t j = 0;
            for (; j + 8 <= pg; j += 8) shuffle_g8_block(in, out, pg, j);
            if (j < pg) shuffle_g8_block(in, out, pg, pg - 8);
        }
        return;
    case SHUFFLE_TABLE:
        switch (p->groups) { /* a constant g unrolls the blends */
        case 5: shuffle_table_rows(p, 5, in, out, rows); return;
        case 6: shuffle_table_rows(p, 6, in, out, rows); return;
        default: shuffle_table_rows(p, 7, in, out, rows); return;
        }
    case SHUFFLE_SCALAR:
        for (size_t r = 0; r < rows; r++, in += c, out += c)
            for (size_t i = 0; i < g; i++)
                for (size_t j = 0; j < pg; j++) out[j * g + i] = in[i * pg + j];
        return;
    }
}

/* ---- split and concat: per pixel, one run of channels per part ---------------------------------- */

/* `rows` runs of m >= 8 floats, src runs src_stride apart, dst runs dst_stride apart, for a constant
 * count nv of whole vectors per run and, if `tail`, the vector ending at m (overlapping). Unrolled, so
 * a ShuffleNet pixel's run (24 to 64 floats) costs its loads, stores and two pointer bumps. */
LM_AVX2_INLINE void copy_runs_n(int nv, bool tail, float *dst, size_t dst_stride, const float *src, size_t src_stride,
                                size_t rows, size_t m) {
    for (size_t r = 0; r < rows; r++, src += src_stride, dst += dst_stride) {
        __m256 v[8];
        for (int i = 0; i < nv; i++) v[i] = _mm256_loadu_ps(src + 8 * i);
        const __m256 t = tail ? _mm256_loadu_ps(src + m - 8) : _mm256_setzero_ps();
        for (int i = 0; i < nv; i++) {
            _mm256_storeu_ps(dst + 8 * i, v[i]);
            LM_STORE_ORDER();
        }
        if (tail) _mm256_storeu_ps(dst + m - 8, t);
    }
}

/* `rows` runs of m floats from src (runs src_stride apart) to dst (dst_stride apart). */
static void copy_runs(float *dst, size_t dst_stride, const float *src, size_t src_stride, size_t rows, size_t m) {
    if (dst_stride == m && src_stride == m) { /* contiguous: one run */
        m *= rows;
        rows = 1;
    }
    if (m < 8 || m > 64) {
        for (size_t r = 0; r < rows; r++, src += src_stride, dst += dst_stride) copy_floats(dst, src, m);
        return;
    }
#define COPY_RUNS(NV)                                                                                                  \
    case NV:                                                                                                           \
        if (m % 8) copy_runs_n(NV, true, dst, dst_stride, src, src_stride, rows, m);                                   \
        else copy_runs_n(NV, false, dst, dst_stride, src, src_stride, rows, m);                                        \
        return;
    switch (m / 8) {
        COPY_RUNS(1)
        COPY_RUNS(2)
        COPY_RUNS(3)
        COPY_RUNS(4)
        COPY_RUNS(5)
        COPY_RUNS(6)
        COPY_RUNS(7)
    default: COPY_RUNS(8)
    }
#undef COPY_RUNS
}

/* ---- the merged concat, shuffle and split: interleave two runs ---------------------------------- */

/* dst[0, 16) = a0 b0 a1 b1 ... a7 b7: unpacking pairs lanes within each 128-bit half (a0 b0 a1 b1 |
 * a4 b4 a5 b5 and a2 b2 a3 b3 | a6 b6 a7 b7), and two 128-bit permutes put the halves in order. */
LM_AVX2_INLINE void zip8(float *dst, __m256 a, __m256 b) {
    const __m256 lo = _mm256_unpacklo_ps(a, b), hi = _mm256_unpackhi_ps(a, b);
    _mm256_storeu_ps(dst, _mm256_permute2f128_ps(lo, hi, 0x20));
    LM_STORE_ORDER();
    _mm256_storeu_ps(dst + 8, _mm256_permute2f128_ps(lo, hi, 0x31));
}

/* One interleave of n < 8 pairs: masked loads of n floats, masked stores of 2n. */
LM_AVX2_INLINE void zip_short(float *dst, const float *a, const float *b, size_t n) {
    const __m256i t = lm_avx2_tail_mask(n);
    const __m256 va = _mm256_maskload_ps(a, t), vb = _mm256_maskload_ps(b, t);
    const __m256 lo = _mm256_unpacklo_ps(va, vb), hi = _mm256_unpackhi_ps(va, vb);
    _mm256_maskstore_ps(dst, lm_avx2_tail_mask(2 * n < 8 ? 2 * n : 8), _mm256_permute2f128_ps(lo, hi, 0x20));
    if (n > 4) _mm256_maskstore_ps(dst + 8, lm_avx2_tail_mask(2 * n - 8), _mm256_permute2f128_ps(lo, hi, 0x31));
}

/* One interleave of n >= 8 pairs, 16 pairs a step; a partial last step is the 8 pairs ending at n
 * (rewriting a few outputs). */
LM_AVX2_INLINE void zip_long(float *dst, const float *a, const float *b, size_t n) {
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        const __m256 a0 = _mm256_loadu_ps(a + i), b0 = _mm256_loadu_ps(b + i);
        const __m256 a1 = _mm256_loadu_ps(a + i + 8), b1 = _mm256_loadu_ps(b + i + 8);
        zip8(dst + 2 * i, a0, b0);
        LM_STORE_ORDER();
        zip8(dst + 2 * i + 16, a1, b1);
    }
    if (i + 8 <= n) {
        zip8(dst + 2 * i, _mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i));
        i += 8;
    }
    if (i < n) zip8(dst + 2 * (n - 8), _mm256_loadu_ps(a + n - 8), _mm256_loadu_ps(b + n - 8));
}

/* `rows` interleaves of n pairs, 8 <= n <= 64, for a constant count nv of whole 8-pair steps and, if
 * `tail`, the step ending at n: unrolled, so a ShuffleNet pixel (12 to 64 pairs) costs its loads,
 * shuffles, stores and three pointer bumps. */
LM_AVX2_INLINE void zip_runs_n(int nv, bool tail, float *dst, size_t dst_stride, const float *a, const float *b,
                               size_t src_stride, size_t rows, size_t n) {
    for (size_t r = 0; r < rows; r++, a += src_stride, b += src_stride, dst += dst_stride) {
        for (int k = 0; k < nv; k++) {
            zip8(dst + 16 * k, _mm256_loadu_ps(a + 8 * k), _mm256_loadu_ps(b + 8 * k));
            LM_STORE_ORDER();
        }
        if (tail) zip8(dst + 2 * (n - 8), _mm256_loadu_ps(a + n - 8), _mm256_loadu_ps(b + n - 8));
    }
}

static void zip_runs(float *dst, size_t dst_stride, const float *a, const float *b, size_t src_stride, size_t rows,
                     size_t n) {
    if (n == 0) return;
    if (n < 8) {
        for (size_t r = 0; r < rows; r++, a += src_stride, b += src_stride, dst += dst_stride) zip_short(dst, a, b, n);
        return;
    }
    if (n > 64) {
        for (size_t r = 0; r < rows; r++, a += src_stride, b += src_stride, dst += dst_stride) zip_long(dst, a, b, n);
        return;
    }
#define ZIP_RUNS(NV)                                                                                                   \
    case NV:                                                                                                           \
        if (n % 8) zip_runs_n(NV, true, dst, dst_stride, a, b, src_stride, rows, n);                                   \
        else zip_runs_n(NV, false, dst, dst_stride, a, b, src_stride, rows, n);                                        \
        return;
    switch (n / 8) {
        ZIP_RUNS(1)
        ZIP_RUNS(2)
        ZIP_RUNS(3)
        ZIP_RUNS(4)
        ZIP_RUNS(5)
        ZIP_RUNS(6)
        ZIP_RUNS(7)
    default: ZIP_RUNS(8)
    }
#undef ZIP_RUNS
}

const lm_data_isa lm_data_avx2 = {
    .shuffle_plan = shuffle_prepare, .shuffle = shuffle_rows, .copy_runs = copy_runs, .zip_runs = zip_runs};
