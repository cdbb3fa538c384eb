/* AVX2 + FMA element-wise operators: bias, BatchNorm, activation, add and multiply.
 *
 * Every tensor here is [rows, c] with channels fastest, so a kernel streams it as one flat array. The
 * per-channel operands (bias, BatchNorm's folded scale and shift, PReLU slopes, a broadcast [n,1,1,c]
 * input) repeat every c floats; they are laid out as tiles whose period L is a multiple of both c and 8
 * (lcm(c, 8), repeated to at least 256 floats), so that the flat stream and its tile advance together
 * in whole vectors, with no per-row tail even when c is 1, 3 or 116. A loop is compiled per (operator,
 * activation) pair, so the activation costs no branch in the loop. */
#include "kernels/act_avx2.h"
#include "kernels/channel_tiles.h"
#include "kernels/kernel.h"
#include "kernels/partition.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef enum ew_op { EW_COPY, EW_BIAS, EW_AFFINE, EW_ADD, EW_MUL, EW_OP_COUNT } ew_op;

/* Floats of a broadcast input's per-image tile, built on the stack; a longer period reads the input
 * in place (period c, a masked tail per row, amortised over c >= 256 channels). */
#define EW_STACK_TILE 2048

typedef lm_channel_tiles ew_state;

/* Tiles of at least 256 floats, so each contiguous stretch is long. */
#define EW_TILE_MIN 256

/* Whether a broadcast input 1 is tiled per image (else it is read in place, with period c). */
static bool broadcast_tiled(const lm_op_desc *d) {
    return (d->kind == LM_OP_ADD || d->kind == LM_OP_MUL) && d->binary.broadcast &&
           lm_tile_period((size_t)d->in.c, 8, EW_TILE_MIN) <= EW_STACK_TILE;
}

static void *ew_prepare(const lm_op_desc *d, const float *params, ew_op op) {
    const size_t c = (size_t)d->in.c;
    const bool broadcast = (op == EW_ADD || op == EW_MUL) && d->binary.broadcast;
    size_t period = op == EW_BIAS || op == EW_AFFINE || d->act == LM_ACT_PRELU || broadcast
                        ? lm_tile_period(c, 8, EW_TILE_MIN) : 0;
    if (broadcast && !broadcast_tiled(d)) period = c;
    return lm_channel_tiles_create(d, params, period);
}

typedef struct ew_job ew_job;
typedef void ew_range_fn(const ew_job *j, size_t lo, size_t hi);

struct ew_job {
    const ew_state *s;
    const float *x, *b; /* input 0; input 1 of ADD and MUL (else NULL) */
    float *y;
    size_t total, c, image; /* floats in all, channels, floats per image */
    bool broadcast, tile_b; /* input 1 is [n,1,1,c]; and tiled per image (broadcast_tiled) */
    size_t tasks;
    ew_range_fn *range;
};

LM_AVX2_INLINE __m256 ew_apply(ew_op op, lm_act act, __m256 x, __m256 b, __m256 p0, __m256 p1, __m256 slope) {
    switch (op) {
    case EW_BIAS: x = _mm256_add_ps(x, p0); break;
    case EW_AFFINE: x = _mm256_fmadd_ps(x, p0, p1); break;
    case EW_ADD: x = _mm256_add_ps(x, b); break;
    case EW_MUL: x = _mm256_mul_ps(x, b); break;
    default: break;
    }
    return lm_act_avx2(act, x, slope);
}

/* y[k] = act(op(x[k], b[k], p0[k], p1[k]), s[k]) for k < m; pointers the pair does not use may be NULL. */
LM_AVX2_INLINE void ew_segment(ew_op op, lm_act act, const float *x, const float *b, const float *p0, const float *p1,
                               const float *s, float *y, size_t m) {
    const bool use_b = op == EW_ADD || op == EW_MUL, use_p0 = op == EW_BIAS || op == EW_AFFINE;
    const bool use_p1 = op == EW_AFFINE, use_s = act == LM_ACT_PRELU;
    const __m256 z = _mm256_setzero_ps();
#define EW_AT(k)                                                                                                       \
    ew_apply(op, act, _mm256_loadu_ps(x + (k)), use_b ? _mm256_loadu_ps(b + (k)) : z,                                  \
             use_p0 ? _mm256_loadu_ps(p0 + (k)) : z, use_p1 ? _mm256_loadu_ps(p1 + (k)) : z,                           \
             use_s ? _mm256_loadu_ps(s + (k)) : z)
    size_t k = 0;
    for (; k + 32 <= m; k += 32) {
        const __m256 v0 = EW_AT(k), v1 = EW_AT(k + 8), v2 = EW_AT(k + 16), v3 = EW_AT(k + 24);
        _mm256_storeu_ps(y + k, v0);
        LM_STORE_ORDER();
        _mm256_storeu_ps(y + k + 8, v1);
        LM_STORE_ORDER();
        _mm256_storeu_ps(y + k + 16, v2);
        LM_STORE_ORDER();
        _mm256_storeu_ps(y + k + 24, v3);
    }
    for (; k + 8 <= m; k += 8) _mm256_storeu_ps(y + k, EW_AT(k));
#undef EW_AT
    if (k < m) {
        const __m256i t = lm_avx2_tail_mask(m - k);
        const __m256 v = ew_apply(op, act, _mm256_maskload_ps(x + k, t), use_b ? _mm256_maskload_ps(b + k, t) : z,
                                  use_p0 ? _mm256_maskload_ps(p0 + k, t) : z, use_p1 ? _mm256_maskload_ps(p1 + k, t) : z,
                                  use_s ? _mm256_maskload_ps(s + k, t) : z);
        _mm256_maskstore_ps(y + k, t, v);
    }
}

/* Floats [lo, hi) of the flat tensor. Tiles are read in phase lo mod L, which is channel lo mod c since
 * L is a multiple of c (and a broadcast tile starts its image's rows in phase 0 for the same reason);
 * `btile` is a broadcast input's tile for the image holding [lo, hi), else NULL. */
LM_AVX2_INLINE void ew_stretch(ew_op op, lm_act act, const ew_job *j, const float *btile, size_t lo, size_t hi) {
    const ew_state *s = j->s;
    const size_t L = s->period;
    if (L == 0) {
        ew_segment(op, act, j->x + lo, j->b ? j->b + lo : NULL, NULL, NULL, NULL, j->y + lo, hi - lo);
        return;
    }
    for (size_t i = lo, p = lo % L; i < hi; p = 0) {
        const size_t m = L - p < hi - i ? L - p : hi - i;
        ew_segment(op, act, j->x + i, btile ? btile + p : j->b ? j->b + i : NULL, s->p0 ? s->p0 + p : NULL,
                   s->p1 ? s->p1 + p : NULL, s->slopes ? s->slopes + p : NULL, j->y + i, m);
        i += m;
    }
}

LM_AVX2_INLINE void ew_range(ew_op op, lm_act act, const ew_job *j, size_t lo, size_t hi) {
    if (!j->broadcast) {
        ew_stretch(op, act, j, NULL, lo, hi);
        return;
    }
    float buffer[EW_STACK_TILE];
    for (size_t image = lo / j->image; image * j->image < hi; image++) {
        const size_t a = image * j->image > lo ? image * j->image : lo;
        const size_t e = (image + 1) * j->image < hi ? (image + 1) * j->image : hi;
        const float *b = j->b + image * j->c;
        if (j->tile_b) {
            lm_tile_fill(buffer, b, j->c, j->s->period);
            b = buffer;
        }
        ew_stretch(op, act, j, b, a, e);
    }
}

/* One range function per (operator, activation). */
#define EW_ACTS(X, OP) X(OP, NONE) X(OP, RELU) X(OP, RELU6) X(OP, HSWISH) X(OP, HSIGMOID) X(OP, SIGMOID) X(OP, PRELU)
#define EW_DEFINE(OP, ACT)                                                                                             \
    static void ew_##OP##_##ACT(const ew_job *j, size_t lo, size_t hi) { ew_range(EW_##OP, LM_ACT_##ACT, j, lo, hi); }
EW_ACTS(EW_DEFINE, COPY)
EW_ACTS(EW_DEFINE, BIAS)
EW_ACTS(EW_DEFINE, AFFINE)
EW_ACTS(EW_DEFINE, ADD)
EW_ACTS(EW_DEFINE, MUL)
#define EW_ENTRY(OP, ACT) [EW_##OP][LM_ACT_##ACT] = ew_##OP##_##ACT,
static ew_range_fn *const ew_ranges[EW_OP_COUNT][LM_ACT_COUNT] = {
    EW_ACTS(EW_ENTRY, COPY) EW_ACTS(EW_ENTRY, BIAS) EW_ACTS(EW_ENTRY, AFFINE) EW_ACTS(EW_ENTRY, ADD) EW_ACTS(EW_ENTRY, MUL)};

/* Tasks cut the tensor at multiples of 16 floats, so threads never share a cache line of output. */
static void ew_task(void *context, size_t task, int thread) {
    (void)thread;
    const ew_job *j = context;
    size_t lo, hi;
    lm_partition_range(task, j->tasks, (j->total + 15) / 16, &lo, &hi);
    j->range(j, lo * 16, hi * 16 < j->total ? hi * 16 : j->total);
}

static void ew_run(const lm_op_desc *d, const void *state, const float *const *in, float *const *out, lm_threadpool *pool,
                   ew_op op) {
    const bool binary = op == EW_ADD || op == EW_MUL;
    ew_job j = {
        .s = state, .x = in[0], .b = binary ? in[1] : NULL, .y = out[0],
        .total = lm_shape_elements(d->in), .c = (size_t)d->in.c, .image = (size_t)d->in.h * d->in.w * d->in.c,
        .broadcast = binary && d->binary.broadcast, .tile_b = broadcast_tiled(d), .range = ew_ranges[op][d->act],
    };
    const size_t streams = 2 + (binary && !j.broadcast); /* tensors read or written in full */
    j.tasks = lm_partition_tasks(pool, j.total * sizeof(float) * streams, (j.total + 15) / 16);
    if (j.tasks == 1) j.range(&j, 0, j.total);
    else lm_threadpool_parallelize(pool, j.tasks, ew_task, &j);
}

#define EW_KERNEL(NAME, KIND, OP)                                                                                      \
    static void *NAME##_prepare(const lm_op_desc *d, const float *params) { return ew_prepare(d, params, OP); }       \
    static void NAME##_run(const lm_op_desc *d, const void *state, const float *const *in, float *const *out,          \
                           lm_threadpool *pool) {                                                                      \
        ew_run(d, state, in, out, pool, OP);                                                                           \
    }                                                                                                                  \
    const lm_kernel lm_f32_##NAME##_nhwc__avx2 = {                                                                     \
        .name = "lm_f32_" #NAME "_nhwc__avx2", .kind = KIND, .isa = LM_ISA_AVX2,                                       \
        .prepare = NAME##_prepare, .run = NAME##_run,                                                                  \
    };

EW_KERNEL(bias, LM_OP_BIAS, EW_BIAS)
EW_KERNEL(batchnorm, LM_OP_BATCHNORM, EW_AFFINE)
EW_KERNEL(activation, LM_OP_ACTIVATION, EW_COPY)
EW_KERNEL(add, LM_OP_ADD, EW_ADD)
EW_KERNEL(mul, LM_OP_MUL, EW_MUL)
