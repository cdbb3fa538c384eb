/* Element-wise operators, the ISA-neutral half: operand tiles, the partition over the pool, stretches
 * (see elementwise.h); the stretches themselves are computed by elementwise_<isa>.c. */
#include "kernels/channel_tiles.h"
#include "kernels/elementwise.h"
#include "kernels/kernel.h"
#include "kernels/partition.h"

/* Floats of a broadcast input's per-image tile, built on the stack; a longer period reads the input
 * in place (period c, a masked tail per row, amortised over c >= 256 channels). */
#define EW_STACK_TILE 2048

/* Tasks cut the tensor at multiples of 16 floats (64 bytes), so threads never share a line of output. */
#define EW_GRAIN 16

static bool binary(lm_ew_op op) { return op == LM_EW_ADD || op == LM_EW_MUL; }

/* Whether a broadcast input 1 is tiled per image (else it is read in place, with period c). */
static bool broadcast_tiled(const lm_op_desc *d, const lm_ew_isa *isa) {
    return lm_tile_period((size_t)d->in.c, (size_t)isa->lanes, isa->tile_min) <= EW_STACK_TILE;
}

static void *ew_prepare(const lm_op_desc *d, const float *params, lm_ew_op op, const lm_ew_isa *isa) {
    const size_t c = (size_t)d->in.c;
    const bool broadcast = binary(op) && d->binary.broadcast;
    size_t period = op == LM_EW_BIAS || op == LM_EW_AFFINE || d->act == LM_ACT_PRELU || broadcast
                        ? lm_tile_period(c, (size_t)isa->lanes, isa->tile_min) : 0;
    if (broadcast && !broadcast_tiled(d, isa)) period = c;
    return lm_channel_tiles_create(d, params, period);
}

typedef struct ew_job {
    const lm_channel_tiles *s;
    const float *x, *b; /* input 0; input 1 of ADD and MUL (else NULL) */
    float *y;
    size_t total, c, image; /* floats in all, channels, floats per image */
    bool broadcast, tile_b; /* input 1 is [n,1,1,c]; and tiled per image */
    lm_ew_stretch_fn fn;
} ew_job;

/* Floats [lo, hi), all of one image when input 1 is broadcast; b as lm_ew_stretch.b. */
static void ew_stretch(const ew_job *j, const float *b, bool b_by_phase, size_t lo, size_t hi) {
    const lm_channel_tiles *s = j->s;
    const lm_ew_stretch t = {
        .x = j->x + lo, .b = b, .y = j->y + lo, .n = hi - lo,
        .period = s->period, .phase = s->period ? lo % s->period : 0,
        .p0 = s->p0, .p1 = s->p1, .slopes = s->slopes, .b_by_phase = b_by_phase,
    };
    j->fn(&t);
}

/* One task: the grains [lo, hi). A broadcast input's tile for an image starts its rows in phase 0 (the
 * period is a multiple of c), so it is built once per image, in the task's stack. */
static void ew_range(const void *job, size_t lo, size_t hi) {
    const ew_job *j = job;
    lo *= EW_GRAIN, hi = hi * EW_GRAIN < j->total ? hi * EW_GRAIN : j->total;
    if (!j->broadcast) {
        ew_stretch(j, j->b ? j->b + lo : NULL, false, lo, hi);
        return;
    }
    _Alignas(64) float tile[EW_STACK_TILE];
    for (size_t image = lo / j->image; image * j->image < hi; image++) {
        const size_t a = image * j->image > lo ? image * j->image : lo;
        const size_t e = (image + 1) * j->image < hi ? (image + 1) * j->image : hi;
        const float *b = j->b + image * j->c;
        if (j->tile_b) {
            lm_tile_fill(tile, b, j->c, j->s->period);
            b = tile;
        }
        ew_stretch(j, b, true, a, e);
    }
}

static void ew_run(const lm_op_desc *d, const void *state, const float *const *in, float *const *out, lm_threadpool *pool,
                   lm_ew_op op, const lm_ew_isa *isa) {
    const bool broadcast = binary(op) && d->binary.broadcast;
    const ew_job j = {
        .s = state, .x = in[0], .b = binary(op) ? in[1] : NULL, .y = out[0],
        .total = lm_shape_elements(d->in), .c = (size_t)d->in.c, .image = (size_t)d->in.h * d->in.w * d->in.c,
        .broadcast = broadcast, .tile_b = broadcast && broadcast_tiled(d, isa), .fn = isa->stretch[op][d->act],
    };
    const size_t streams = 2 + (binary(op) && !broadcast); /* tensors read or written in full */
    lm_partition_run(pool, j.total * sizeof(float) * streams, (j.total + EW_GRAIN - 1) / EW_GRAIN, ew_range, &j);
}

#define EW_KERNEL(NAME, KIND, OP, ISA, BITS)                                                                           \
    static void *NAME##_prepare_##ISA(const lm_op_desc *d, const float *params) {                                    \
        return ew_prepare(d, params, OP, &lm_ew_##ISA);                                                               \
    }                                                                                                                  \
    static void NAME##_run_##ISA(const lm_op_desc *d, const void *state, const float *const *in, float *const *out,   \
                                 lm_threadpool *pool) {                                                                \
        ew_run(d, state, in, out, pool, OP, &lm_ew_##ISA);                                                             \
    }                                                                                                                  \
    const lm_kernel lm_f32_##NAME##_nhwc__##ISA = {                                                                    \
        .name = "lm_f32_" #NAME "_nhwc__" #ISA, .kind = KIND, .isa = BITS,                                             \
        .prepare = NAME##_prepare_##ISA, .run = NAME##_run_##ISA,                                                      \
    };

EW_KERNEL(bias, LM_OP_BIAS, LM_EW_BIAS, avx512, LM_ISA_AVX512)
EW_KERNEL(batchnorm, LM_OP_BATCHNORM, LM_EW_AFFINE, avx512, LM_ISA_AVX512)
EW_KERNEL(activation, LM_OP_ACTIVATION, LM_EW_COPY, avx512, LM_ISA_AVX512)
EW_KERNEL(bias, LM_OP_BIAS, LM_EW_BIAS, avx2, LM_ISA_AVX2)
EW_KERNEL(batchnorm, LM_OP_BATCHNORM, LM_EW_AFFINE, avx2, LM_ISA_AVX2)
EW_KERNEL(activation, LM_OP_ACTIVATION, LM_EW_COPY, avx2, LM_ISA_AVX2)
EW_KERNEL(add, LM_OP_ADD, LM_EW_ADD, avx2, LM_ISA_AVX2)
EW_KERNEL(mul, LM_OP_MUL, LM_EW_MUL, avx2, LM_ISA_AVX2)
