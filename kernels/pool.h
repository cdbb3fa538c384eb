/* Pooling and resizing: global average, max and average windows, bilinear resize (pool.c drives;
 * pool_<isa>.c computes tiles). All vectorise over channels, the contiguous axis of NHWC.
 *
 * The driver splits the work over the pool and walks it: global average by (image, block of
 * channels), windows and resize by output row. It owns what is the same on every ISA: the geometry of
 * each row (which input rows a window covers, clipped to the input), the scratch row that separable
 * windows reduce into, and resize's source coordinates. A micro-kernel computes one such tile. */
#ifndef LM_POOL_H
#define LM_POOL_H

#include <stdbool.h>
#include <stddef.h>

/* One output row of a max or average window pool: its windows cover input rows [y0, y0 + ny), those
 * inside the input. Padded cells are ignored, by max and by average (which divides by the cells
 * inside). */
typedef struct lm_pool_row {
    const float *in; /* input row y0, column 0 */
    float *out;      /* output column 0 */
    size_t c;        /* channels; an input row is in_w * c floats */
    int ny;          /* 1 to kernel */
    int in_w, out_w, kernel, stride, pad;
    bool max; /* else average */
} lm_pool_row;

/* One output row of a bilinear resize: a blend of two source rows, per output column of two source
 * columns, with the reference's weights. */
typedef struct lm_resize_row {
    const float *top, *bottom; /* the source rows, column 0 */
    float fy;                  /* the weight of bottom */
    const size_t *x0, *x1;     /* [out_w]: the two source columns, as float offsets in a row */
    const float *fx;           /* [out_w]: the weight of x1 */
    float *out;
    size_t out_w, c;
} lm_resize_row;

typedef struct lm_pool_isa {
    /* out[k] = the mean of in[p * c + k] over the `pixels` pixels p of one image, for channels k in
     * [k0, k1), computed in blocks of gap_block channels (k0 is a multiple of it). */
    void (*gap)(const float *in, size_t pixels, size_t c, size_t k0, size_t k1, float *out);
    size_t gap_block;
    /* The whole row, for a 3x3 window at stride 2. */
    void (*row3s2)(const lm_pool_row *r);
    /* v[i] = max or sum over the row's ny input rows of in[i] (in_w * c floats apart), for i < m. */
    void (*reduce_rows)(const lm_pool_row *r, const float *in, float *v, size_t m);
    /* Outputs [ox0, ox1) of the row from v: its input columns from xa on, reduced over its ny rows,
     * c floats apart; with v NULL, straight from the input cells. */
    void (*pixels)(const lm_pool_row *r, const float *v, int xa, int ox0, int ox1);
    void (*resize_row)(const lm_resize_row *r);
} lm_pool_isa;

/* Runs F(N, ...) with N the constant equal to nv, 1 to 8 (more: 8): the instance of a loop compiled for
 * N registers of accumulators. */
#define LM_POOL_WITH_VECTORS(nv, F, ...)                                                                               \
    switch (nv) {                                                                                                      \
    case 1: F(1, __VA_ARGS__); break;                                                                                  \
    case 2: F(2, __VA_ARGS__); break;                                                                                  \
    case 3: F(3, __VA_ARGS__); break;                                                                                  \
    case 4: F(4, __VA_ARGS__); break;                                                                                  \
    case 5: F(5, __VA_ARGS__); break;                                                                                  \
    case 6: F(6, __VA_ARGS__); break;                                                                                  \
    case 7: F(7, __VA_ARGS__); break;                                                                                  \
    default: F(8, __VA_ARGS__); break;                                                                                 \
    }

extern const lm_pool_isa lm_pool_avx2;   /* pool_avx2.c */
extern const lm_pool_isa lm_pool_avx512; /* pool_avx512.c: global average only (the rest NULL) */

#endif
