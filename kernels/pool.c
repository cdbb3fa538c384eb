/* Pooling and resizing, the ISA-neutral half: the partition over the pool, each output row's geometry,
 * the scratch rows of separable windows and resize's source coordinates (see pool.h); the tiles are
 * computed by pool_<isa>.c. */
#include <stdlib.h>

#include "kernels/kernel.h"
#include "kernels/partition.h"
#include "kernels/pool.h"

/* ---- global average pool ------------------------------------------------------------------------ */

typedef struct gap_job {
    const lm_op_desc *d;
    const lm_pool_isa *isa;
    const float *in;
    float *out;
    size_t blocks; /* blocks of channels per image */
} gap_job;

/* Units [lo, hi): unit u is block u % blocks of image u / blocks; a call per image they touch. */
static void gap_range(const void *job, size_t lo, size_t hi) {
    const gap_job *j = job;
    const size_t c = (size_t)j->d->in.c, pixels = (size_t)j->d->in.h * j->d->in.w, block = j->isa->gap_block;
    for (size_t u = lo; u < hi;) {
        const size_t n = u / j->blocks, end = (n + 1) * j->blocks < hi ? (n + 1) * j->blocks : hi;
        const size_t k0 = (u - n * j->blocks) * block, k1 = (end - n * j->blocks) * block;
        j->isa->gap(j->in + n * pixels * c, pixels, c, k0, k1 < c ? k1 : c, j->out + n * c);
        u = end;
    }
}

static void gap_run(const lm_op_desc *d, const float *in, float *out, lm_threadpool *pool, const lm_pool_isa *isa) {
    const gap_job j = {.d = d, .isa = isa, .in = in, .out = out, .blocks = ((size_t)d->in.c + isa->gap_block - 1) / isa->gap_block};
    lm_partition_run(pool, lm_shape_elements(d->in) * sizeof(float), (size_t)d->in.n * j.blocks, gap_range, &j);
}

/* ---- max and average windows -------------------------------------------------------------------- */

/* A separable window reduces an output row's input rows into a scratch row of whole columns, on the
 * task's stack, in chunks of at most WINDOW_SCRATCH floats (one contiguous stream over the chunk's
 * columns and all channels, with no per-pixel bookkeeping); each output pixel then reduces its columns
 * of that. When even one window's columns do not fit (kernel * c > WINDOW_SCRATCH), pixels are reduced
 * cell by cell. */
#define WINDOW_SCRATCH 8192

typedef struct window_job {
    const lm_op_desc *d;
    const lm_pool_isa *isa;
    lm_shape o;
    const float *in;
    float *out;
    bool max;
} window_job;

/* The separable path for one row: chunks of the outputs whose columns fit the scratch. */
static void window_row(const lm_pool_isa *isa, const lm_pool_row *r, float *scratch) {
    const int k = r->kernel, s = r->stride, pad = r->pad, w = r->in_w;
    const size_t fit = WINDOW_SCRATCH / r->c, per_chunk = fit >= (size_t)k ? (fit - (size_t)k) / (size_t)s + 1 : 0;
    for (int ox0 = 0; ox0 < r->out_w;) {
        const int ox1 = per_chunk && (size_t)(r->out_w - ox0) > per_chunk ? ox0 + (int)per_chunk : r->out_w;
        const int xa = ox0 * s - pad > 0 ? ox0 * s - pad : 0;
        const int xb = (ox1 - 1) * s - pad + k < w ? (ox1 - 1) * s - pad + k : w;
        const float *v = r->ny == 1 ? r->in + (size_t)xa * r->c : NULL; /* one row: the input in place */
        if (r->ny > 1 && per_chunk) {
            isa->reduce_rows(r, r->in + (size_t)xa * r->c, scratch, (size_t)(xb - xa) * r->c);
            v = scratch;
        }
        isa->pixels(r, v, xa, ox0, ox1);
        ox0 = ox1;
    }
}

/* Output rows [lo, hi) of all images (row u is image u / out_h). */
static void window_range(const void *job, size_t lo, size_t hi) {
    const window_job *j = job;
    const lm_op_desc *d = j->d;
    const int k = d->pool.kernel, s = d->pool.stride, pad = d->pool.pad;
    const size_t c = (size_t)d->in.c, row = (size_t)d->in.w * c;
    lm_pool_row r = {.c = c, .in_w = d->in.w, .out_w = j->o.w, .kernel = k, .stride = s, .pad = pad, .max = j->max};
    float scratch[WINDOW_SCRATCH];
    for (size_t u = lo; u < hi; u++) {
        const int oy = (int)(u % (size_t)j->o.h), iy = oy * s - pad;
        const int y0 = iy > 0 ? iy : 0, y1 = iy + k < d->in.h ? iy + k : d->in.h;
        r.ny = y1 - y0;
        r.in = j->in + (u / (size_t)j->o.h * d->in.h + (size_t)y0) * row;
        r.out = j->out + u * j->o.w * c;
        if (k == 3 && s == 2) j->isa->row3s2(&r);
        else window_row(j->isa, &r, scratch);
    }
}

static void window_run(const lm_op_desc *d, const float *in, float *out, lm_threadpool *pool, bool max,
                       const lm_pool_isa *isa) {
    const window_job j = {.d = d, .isa = isa, .o = lm_op_output_shape(d, 0), .in = in, .out = out, .max = max};
    const size_t bytes = (lm_shape_elements(d->in) + lm_shape_elements(j.o)) * sizeof(float);
    lm_partition_run(pool, bytes, (size_t)j.o.n * j.o.h, window_range, &j);
}

/* ---- bilinear resize ---------------------------------------------------------------------------- */

/* Per output column: the two source columns (as float offsets in a row) and the weight of the second;
 * per output row: the two source rows and the weight of the second. Computed once, in prepare, with
 * the reference's double-precision coordinates. */
typedef struct resize_plan {
    size_t *x0, *x1;
    float *fx;
    int *y0, *y1;
    float *fy;
} resize_plan;

/* Source coordinate of output cell `o` along an axis of `in` -> `out` cells (as the reference). */
static double source_coordinate(int o, int in, int out, bool align_corners) {
    if (align_corners) return out > 1 ? (double)o * (in - 1) / (out - 1) : 0.0;
    const double x = ((double)o + 0.5) * in / out - 0.5;
    return x < 0 ? 0 : x;
}

static void *resize_prepare(const lm_op_desc *d, const float *params) {
    (void)params;
    const int oh = d->resize.out_h, ow = d->resize.out_w;
    const size_t c = (size_t)d->in.c;
    resize_plan *p = malloc(sizeof *p + (size_t)ow * (2 * sizeof(size_t) + sizeof(float)) + (size_t)oh * (2 * sizeof(int) + sizeof(float)));
    if (!p) return NULL;
    p->x0 = (size_t *)(p + 1), p->x1 = p->x0 + ow;
    p->fx = (float *)(p->x1 + ow);
    p->y0 = (int *)(p->fx + ow), p->y1 = p->y0 + oh;
    p->fy = (float *)(p->y1 + oh);
    for (int ox = 0; ox < ow; ox++) {
        const double sx = source_coordinate(ox, d->in.w, ow, d->resize.align_corners);
        const int x0 = (int)sx, x1 = x0 + 1 < d->in.w ? x0 + 1 : x0;
        p->x0[ox] = (size_t)x0 * c, p->x1[ox] = (size_t)x1 * c, p->fx[ox] = (float)(sx - x0);
    }
    for (int oy = 0; oy < oh; oy++) {
        const double sy = source_coordinate(oy, d->in.h, oh, d->resize.align_corners);
        const int y0 = (int)sy;
        p->y0[oy] = y0, p->y1[oy] = y0 + 1 < d->in.h ? y0 + 1 : y0, p->fy[oy] = (float)(sy - y0);
    }
    return p;
}

typedef struct resize_job {
    const lm_op_desc *d;
    const lm_pool_isa *isa;
    const resize_plan *p;
    const float *in;
    float *out;
} resize_job;

/* Output rows [lo, hi) of all images (row u is image u / out_h). */
static void resize_range(const void *job, size_t lo, size_t hi) {
    const resize_job *j = job;
    const lm_op_desc *d = j->d;
    const resize_plan *p = j->p;
    const size_t c = (size_t)d->in.c, oh = (size_t)d->resize.out_h, ow = (size_t)d->resize.out_w, row = (size_t)d->in.w * c;
    lm_resize_row r = {.x0 = p->x0, .x1 = p->x1, .fx = p->fx, .out_w = ow, .c = c};
    for (size_t u = lo; u < hi; u++) {
        const size_t n = u / oh, oy = u % oh;
        r.top = j->in + (n * d->in.h + (size_t)p->y0[oy]) * row, r.bottom = j->in + (n * d->in.h + (size_t)p->y1[oy]) * row;
        r.fy = p->fy[oy];
        r.out = j->out + u * ow * c;
        j->isa->resize_row(&r);
    }
}

static void resize_run(const lm_op_desc *d, const void *state, const float *in, float *out, lm_threadpool *pool,
                       const lm_pool_isa *isa) {
    const resize_job j = {.d = d, .isa = isa, .p = state, .in = in, .out = out};
    const size_t bytes = (lm_shape_elements(d->in) + lm_shape_elements(lm_op_output_shape(d, 0))) * sizeof(float);
    lm_partition_run(pool, bytes, (size_t)d->in.n * d->resize.out_h, resize_range, &j);
}

/* ---- the kernels -------------------------------------------------------------------------------- */

/* The run function NAME_run_ISA: CALL with ISA's tiles as `isa`. */
#define POOL_RUN(NAME, ISA, CALL)                                                                                      \
    static void NAME##_run_##ISA(const lm_op_desc *d, const void *state, const float *const *in, float *const *out,   \
                                 lm_threadpool *pool) {                                                                \
        const lm_pool_isa *isa = &lm_pool_##ISA;                                                                       \
        (void)state;                                                                                                   \
        CALL;                                                                                                          \
    }

#define GAP_KERNEL(ISA, BITS)                                                                                          \
    POOL_RUN(global_avgpool, ISA, gap_run(d, in[0], out[0], pool, isa))                                                \
    const lm_kernel lm_f32_global_avgpool_nhwc__##ISA = {                                                              \
        .name = "lm_f32_global_avgpool_nhwc__" #ISA, .kind = LM_OP_GLOBAL_AVGPOOL, .isa = BITS,                       \
        .run = global_avgpool_run_##ISA,                                                                               \
    };

/* Max and average windows, and bilinear resize. */
#define WINDOW_RESIZE_KERNELS(ISA, BITS)                                                                               \
    POOL_RUN(maxpool, ISA, window_run(d, in[0], out[0], pool, true, isa))                                              \
    POOL_RUN(avgpool, ISA, window_run(d, in[0], out[0], pool, false, isa))                                             \
    POOL_RUN(resize, ISA, resize_run(d, state, in[0], out[0], pool, isa))                                              \
    const lm_kernel lm_f32_maxpool_nhwc__##ISA = {                                                                     \
        .name = "lm_f32_maxpool_nhwc__" #ISA, .kind = LM_OP_MAXPOOL, .isa = BITS, .run = maxpool_run_##ISA,           \
    };                                                                                                                 \
    const lm_kernel lm_f32_avgpool_nhwc__##ISA = {                                                                     \
        .name = "lm_f32_avgpool_nhwc__" #ISA, .kind = LM_OP_AVGPOOL, .isa = BITS, .run = avgpool_run_##ISA,           \
    };                                                                                                                 \
    const lm_kernel lm_f32_resize_bilinear_nhwc__##ISA = {                                                             \
        .name = "lm_f32_resize_bilinear_nhwc__" #ISA, .kind = LM_OP_RESIZE_BILINEAR, .isa = BITS,                     \
        .prepare = resize_prepare, .run = resize_run_##ISA,                                                            \
    };

GAP_KERNEL(avx512, LM_ISA_AVX512)
GAP_KERNEL(avx2, LM_ISA_AVX2)
WINDOW_RESIZE_KERNELS(avx2, LM_ISA_AVX2)
