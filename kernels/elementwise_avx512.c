/* AVX-512 element-wise operators with per-channel parameters only: activation, bias and BatchNorm.
 * The scheme of elementwise_avx2.c with 16 lanes: the tensor streams as one flat array, and the
 * per-channel operands are tiles whose period is a multiple of c and of 16 (lcm(c, 16), repeated to at
 * least 512 floats), so no row needs a tail; only the end of a tensor (or of a task) is masked. */
#include "kernels/act_avx512.h"
#include "kernels/channel_tiles.h"
#include "kernels/kernel.h"
#include "kernels/partition.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef enum ew_op { EW_COPY, EW_BIAS, EW_AFFINE, EW_OP_COUNT } ew_op;

typedef lm_channel_tiles ew_state;

/* Tiles of at least 512 floats, so each contiguous stretch is long. */
#define EW_TILE_MIN 512

static void *ew_prepare(const lm_op_desc *d, const float *params, ew_op op) {
    const size_t period = op != EW_COPY || d->act == LM_ACT_PRELU ? lm_tile_period((size_t)d->in.c, 16, EW_TILE_MIN) : 0;
    return lm_channel_tiles_create(d, params, period);
}

LM_AVX512_INLINE __m512 ew_apply(ew_op op, lm_act act, __m512 x, __m512 p0, __m512 p1, __m512 slope) {
    if (op == EW_BIAS) x = _mm512_add_ps(x, p0);
    else if (op == EW_AFFINE) x = _mm512_fmadd_ps(x, p0, p1);
    return lm_act_avx512(act, x, slope);
}

/* y[k] = act(op(x[k], p0[k], p1[k]), s[k]) for k < m; pointers the pair does not use may be NULL. */
LM_AVX512_INLINE void ew_segment(ew_op op, lm_act act, const float *x, const float *p0, const float *p1,
                                 const float *s, float *y, size_t m) {
    const bool use_p0 = op != EW_COPY, use_p1 = op == EW_AFFINE, use_s = act == LM_ACT_PRELU;
    const __m512 z = _mm512_setzero_ps();
#define EW_AT(k)                                                                                                       \
    ew_apply(op, act, _mm512_loadu_ps(x + (k)), use_p0 ? _mm512_loadu_ps(p0 + (k)) : z,                                \
             use_p1 ? _mm512_loadu_ps(p1 + (k)) : z, use_s ? _mm512_loadu_ps(s + (k)) : z)
    size_t k = 0;
    for (; k + 64 <= m; k += 64) {
        const __m512 v0 = EW_AT(k), v1 = EW_AT(k + 16), v2 = EW_AT(k + 32), v3 = EW_AT(k + 48);
        _mm512_storeu_ps(y + k, v0);
        LM_STORE_ORDER();
        _mm512_storeu_ps(y + k + 16, v1);
        LM_STORE_ORDER();
        _mm512_storeu_ps(y + k + 32, v2);
        LM_STORE_ORDER();
        _mm512_storeu_ps(y + k + 48, v3);
    }
    for (; k + 16 <= m; k += 16) _mm512_storeu_ps(y + k, EW_AT(k));
#undef EW_AT
    if (k < m) {
        const __mmask16 t = lm_avx512_tail_mask(m - k);
        const __m512 v = ew_apply(op, act, _mm512_maskz_loadu_ps(t, x + k), use_p0 ? _mm512_maskz_loadu_ps(t, p0 + k) : z,
                                  use_p1 ? _mm512_maskz_loadu_ps(t, p1 + k) : z, use_s ? _mm512_maskz_loadu_ps(t, s + k) : z);
        _mm512_mask_storeu_ps(y + k, t, v);
    }
}

typedef struct ew_job ew_job;
typedef void ew_range_fn(const ew_job *j, size_t lo, size_t hi);

struct ew_job {
    const ew_state *s;
    const float *x;
    float *y;
    size_t total, tasks;
    ew_range_fn *range;
};

/* Floats [lo, hi); tiles are read in phase lo mod L, which is channel lo mod c as L is a multiple of c. */
LM_AVX512_INLINE void ew_range(ew_op op, lm_act act, const ew_job *j, size_t lo, size_t hi) {
    const ew_state *s = j->s;
    const size_t L = s->period;
    if (L == 0) {
        ew_segment(op, act, j->x + lo, NULL, NULL, NULL, j->y + lo, hi - lo);
        return;
    }
    for (size_t i = lo, p = lo % L; i < hi; p = 0) {
        const size_t m = L - p < hi - i ? L - p : hi - i;
        ew_segment(op, act, j->x + i, s->p0 ? s->p0 + p : NULL, s->p1 ? s->p1 + p : NULL, s->slopes ? s->slopes + p : NULL,
                   j->y + i, m);
        i += m;
    }
}

#define EW_ACTS(X, OP) X(OP, NONE) X(OP, RELU) X(OP, RELU6) X(OP, HSWISH) X(OP, HSIGMOID) X(OP, SIGMOID) X(OP, PRELU)
#define EW_DEFINE(OP, ACT)                                                                                             \
    static void ew_##OP##_##ACT(const ew_job *j, size_t lo, size_t hi) { ew_range(EW_##OP, LM_ACT_##ACT, j, lo, hi); }
EW_ACTS(EW_DEFINE, COPY)
EW_ACTS(EW_DEFINE, BIAS)
EW_ACTS(EW_DEFINE, AFFINE)
#define EW_ENTRY(OP, ACT) [EW_##OP][LM_ACT_##ACT] = ew_##OP##_##ACT,
static ew_range_fn *const ew_ranges[EW_OP_COUNT][LM_ACT_COUNT] = {
    EW_ACTS(EW_ENTRY, COPY) EW_ACTS(EW_ENTRY, BIAS) EW_ACTS(EW_ENTRY, AFFINE)};

/* Tasks cut the tensor at multiples of 16 floats, one cache line. */
static void ew_task(void *context, size_t task, int thread) {
    (void)thread;
    const ew_job *j = context;
    size_t lo, hi;
    lm_partition_range(task, j->tasks, (j->total + 15) / 16, &lo, &hi);
    j->range(j, lo * 16, hi * 16 < j->total ? hi * 16 : j->total);
}

static void ew_run(const lm_op_desc *d, const void *state, const float *const *in, float *const *out, lm_threadpool *pool,
                   ew_op op) {
    ew_job j = {.s = state, .x = in[0], .y = out[0], .total = lm_shape_elements(d->in), .range = ew_ranges[op][d->act]};
    j.tasks = lm_partition_tasks(pool, j.total * sizeof(float) * 2, (j.total + 15) / 16);
    if (j.tasks == 1) j.range(&j, 0, j.total);
    else lm_threadpool_parallelize(pool, j.tasks, ew_task, &j);
}

#define EW_KERNEL(NAME, KIND, OP)                                                                                      \
    static void *NAME##_prepare(const lm_op_desc *d, const float *params) { return ew_prepare(d, params, OP); }       \
    static void NAME##_run(const lm_op_desc *d, const void *state, const float *const *in, float *const *out,          \
                           lm_threadpool *pool) {                                                                      \
        ew_run(d, state, in, out, pool, OP);                                                                           \
    }                                                                                                                  \
    const lm_kernel lm_f32_##NAME##_nhwc__avx512 = {                                                                   \
        .name = "lm_f32_" #NAME "_nhwc__avx512", .kind = KIND, .isa = LM_ISA_AVX512,                                   \
        .prepare = NAME##_prepare, .run = NAME##_run,                                                                  \
    };

EW_KERNEL(bias, LM_OP_BIAS, EW_BIAS)
EW_KERNEL(batchnorm, LM_OP_BATCHNORM, EW_AFFINE)
EW_KERNEL(activation, LM_OP_ACTIVATION, EW_COPY)
