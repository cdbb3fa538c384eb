/* Depthwise 3x3 and 5x5 convolutions (groups == channels): weight packing and the row loop; the rows
 * themselves are computed by dwconv_<isa>.c (see dwconv.h). */
#include <stdlib.h>
#include <string.h>

#include "kernels/act.h"
#include "kernels/dwconv.h"
#include "kernels/kernel.h"

/* Below this many multiply-adds (7x7x232: 0.1 M, a few microseconds), waking the other threads and
 * waiting for them costs more than they would save. */
#define DW_MIN_PARALLEL_MADDS (1u << 18)

typedef struct dw_state {
    const lm_dw_isa *isa;
    float *weights; /* [blocks][k*k + 1][lanes], zero-padded past the last channel */
    float *slopes;  /* [channels] or NULL */
    float *zeros;   /* one input row of zeros, read for padding rows */
    bool small;     /* a layer of a few microseconds, not worth spreading over threads (run) */
} dw_state;

static bool is_depthwise(const lm_op_desc *d, int k) {
    const __typeof__(d->conv) *c = &d->conv;
    return c->groups == d->in.c && c->out_c == d->in.c && c->kernel_h == k && c->kernel_w == k &&
           c->stride_h == c->stride_w && c->dilation_h == c->dilation_w;
}
static bool supports3(const lm_op_desc *d) { return is_depthwise(d, 3); }
static bool supports5(const lm_op_desc *d) { return is_depthwise(d, 5); }

static void *prepare(const lm_op_desc *d, const float *params, const lm_dw_isa *isa) {
    const int c = d->in.c, k = d->conv.kernel_h, taps = k * k, lanes = isa->lanes;
    const int blocks = (c + lanes - 1) / lanes;
    dw_state *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->isa = isa;
    s->small = lm_op_cost_of(d).madds < DW_MIN_PARALLEL_MADDS;
    s->weights = aligned_alloc(64, (size_t)blocks * (taps + 1) * lanes * sizeof(float));
    s->zeros = calloc((size_t)d->in.w * c + (size_t)lanes, sizeof(float)); /* + a vector: tails read whole vectors */
    if (!s->weights || !s->zeros) goto fail;
    const float *bias = d->conv.bias ? params + (size_t)c * taps : NULL;
    for (int b = 0; b < blocks; b++)
        for (int t = 0; t <= taps; t++)
            for (int l = 0; l < lanes; l++) {
                const int ch = b * lanes + l;
                float v = 0.0f;
                if (ch < c) v = t < taps ? params[(size_t)ch * taps + t] : bias ? bias[ch] : 0.0f;
                s->weights[((size_t)b * (taps + 1) + t) * lanes + l] = v;
            }
    if (d->act == LM_ACT_PRELU) {
        s->slopes = malloc((size_t)c * sizeof(float));
        if (!s->slopes) goto fail;
        memcpy(s->slopes, params + (size_t)c * taps + (bias ? c : 0), (size_t)c * sizeof(float));
    }
    return s;
fail:
    free(s->weights);
    free(s->zeros);
    free(s);
    return NULL;
}

static void release(void *state) {
    dw_state *s = state;
    if (!s) return;
    free(s->weights);
    free(s->slopes);
    free(s->zeros);
    free(s);
}

typedef struct dw_job {
    const lm_op_desc *d;
    const dw_state *s;
    const float *in;
    float *out;
    lm_shape o;
    size_t rows_per_task; /* output rows (over batch and height) per call of the row kernel */
} dw_job;

/* Output row `row` (over batch and height) into slot j of `r`: its input rows, its output. */
static void add_row(const dw_job *job, size_t row, int j, lm_dw_row *r) {
    const lm_op_desc *d = job->d;
    const int n = (int)(row / (size_t)job->o.h), oy = (int)(row % (size_t)job->o.h);
    r->out[j] = job->out + row * (size_t)job->o.w * job->o.c;
    for (int ky = 0; ky < d->conv.kernel_h; ky++) {
        const int iy = oy * d->conv.stride_h - d->conv.pad_top + ky * d->conv.dilation_h;
        r->in_rows[j][ky] = iy >= 0 && iy < d->in.h ? job->in + ((size_t)n * d->in.h + iy) * d->in.w * d->in.c : job->s->zeros;
    }
}

/* One task: a run of output rows. */
static void dw_task(void *context, size_t task, int thread) {
    (void)thread;
    const dw_job *job = context;
    const lm_op_desc *d = job->d;
    const size_t total = (size_t)job->o.n * job->o.h, first = task * job->rows_per_task;
    const size_t end = first + job->rows_per_task < total ? first + job->rows_per_task : total;
    const int k = d->conv.kernel_h;
    lm_dw_row row = {
        .count = (int)(end - first),
        .weights = job->s->weights,
        .slopes = job->s->slopes,
        .in_w = d->in.w, .out_w = job->o.w, .channels = d->in.c,
        .stride = d->conv.stride_w, .dilation = d->conv.dilation_w, .pad_left = d->conv.pad_left,
        .act = d->act,
    };
    for (size_t r = first; r < end; r++) add_row(job, r, (int)(r - first), &row);
    /* The rows the next output row of this image reaches beyond the last one's: (last, next_last], clipped. */
    const int oy = (int)((end - 1) % (size_t)job->o.h), n = (int)((end - 1) / (size_t)job->o.h);
    if (oy + 1 < job->o.h) {
        const int span = (k - 1) * d->conv.dilation_h, last = oy * d->conv.stride_h - d->conv.pad_top + span;
        const int from = last + 1 > 0 ? last + 1 : 0;
        const int next_last = last + d->conv.stride_h < d->in.h ? last + d->conv.stride_h : d->in.h - 1;
        if (from <= next_last) {
            const size_t row_floats = (size_t)d->in.w * d->in.c;
            row.prefetch = (const char *)(job->in + ((size_t)n * d->in.h + from) * row_floats);
            row.prefetch_bytes = (size_t)(next_last - from + 1) * row_floats * sizeof(float);
        }
    }
    (k == 3 ? job->s->isa->row3 : job->s->isa->row5)(&row);
}

/* Rows per task: at least two tasks per thread (so the last ones end close together), and
 * otherwise as many rows as a call takes, so each channel block's weights load once for all of them. */
static size_t rows_per_task(size_t total, int threads) {
    size_t per = total / (2 * (size_t)threads);
    if (per < 1) per = 1;
    return per < LM_DW_MAX_ROWS ? per : LM_DW_MAX_ROWS;
}

static void run(const lm_op_desc *d, const void *state, const float *const *inputs, float *const *outputs,
                lm_threadpool *pool) {
    dw_job job = {.d = d, .s = state, .in = inputs[0], .out = outputs[0], .o = lm_op_output_shape(d, 0)};
    const size_t total = (size_t)job.o.n * job.o.h;
    /* a small layer runs as whole runs of rows, mostly on the calling thread */
    const bool small = ((const dw_state *)state)->small;
    job.rows_per_task = lm_threadpool_threads(pool) == 1 || small ? LM_DW_MAX_ROWS
                                                                  : rows_per_task(total, lm_threadpool_threads(pool));
    lm_threadpool_parallelize(pool, (total + job.rows_per_task - 1) / job.rows_per_task, dw_task, &job);
}

static void *prepare_avx2(const lm_op_desc *d, const float *params) { return prepare(d, params, &lm_dw_avx2); }
static void *prepare_avx512(const lm_op_desc *d, const float *params) { return prepare(d, params, &lm_dw_avx512); }

/* Per output row, every kernel row issues (rows in the vertical padding read the zero row), but a
 * border column issues only the taps whose column is inside the input; each tap is one vector per
 * channel block, so channels round up to the vector width. */
static uint64_t executed_madds(const lm_op_desc *d, const lm_dw_isa *isa) {
    const lm_shape o = lm_op_output_shape(d, 0);
    const int k = d->conv.kernel_w, lanes = isa->lanes;
    const uint64_t row_taps = lm_op_taps_inside(o.w, d->in.w, k, d->conv.stride_w, d->conv.pad_left, d->conv.dilation_w);
    return (uint64_t)o.n * (uint64_t)o.h * (uint64_t)d->conv.kernel_h * row_taps * (uint64_t)((o.c + lanes - 1) / lanes * lanes);
}
static uint64_t executed_madds_avx2(const lm_op_desc *d) { return executed_madds(d, &lm_dw_avx2); }
static uint64_t executed_madds_avx512(const lm_op_desc *d) { return executed_madds(d, &lm_dw_avx512); }

#define DW_KERNEL(K, ISA, BITS)                                                                                        \
    const lm_kernel lm_f32_dwconv##K##x##K##_nhwc__##ISA = {                                                           \
        .name = "lm_f32_dwconv" #K "x" #K "_nhwc__" #ISA, .kind = LM_OP_CONV, .isa = BITS, .supports = supports##K,  \
        .prepare = prepare_##ISA, .run = run, .release = release, .executed_madds = executed_madds_##ISA,               \
    };
DW_KERNEL(3, avx512, LM_ISA_AVX512)
DW_KERNEL(5, avx512, LM_ISA_AVX512)
DW_KERNEL(3, avx2, LM_ISA_AVX2)
DW_KERNEL(5, avx2, LM_ISA_AVX2)
