/* Reference element-wise operators: bias, BatchNorm, activations, add and multiply. */
#include "kernels/act.h"
#include "kernels/kernel.h"

#include <math.h>

/* Rows of `channels` values: every tensor here is [rows, channels] with channels fastest. */
static size_t rows_of(lm_shape s) { return (size_t)s.n * s.h * s.w; }

static void bias_run(const lm_op_desc *d, const void *state, const float *const *in, float *const *out, lm_threadpool *pool) {
    (void)pool;
    const float *bias = state, *slopes = bias + d->in.c;
    const int c = d->in.c;
    for (size_t r = 0; r < rows_of(d->in); r++)
        for (int k = 0; k < c; k++) {
            const size_t i = r * c + k;
            out[0][i] = lm_act_apply(d->act, in[0][i] + bias[k], d->act == LM_ACT_PRELU ? slopes[k] : 0.0f);
        }
}

const lm_kernel lm_f32_bias_nhwc__ref = {
    .name = "lm_f32_bias_nhwc__ref", .kind = LM_OP_BIAS, .isa = LM_ISA_REFERENCE, .run = bias_run,
};

static void batchnorm_run(const lm_op_desc *d, const void *state, const float *const *in, float *const *out,
                          lm_threadpool *pool) {
    (void)pool;
    const int c = d->in.c;
    const float *gamma = state, *beta = gamma + c, *mean = beta + c, *var = mean + c, *slopes = var + c;
    for (size_t r = 0; r < rows_of(d->in); r++)
        for (int k = 0; k < c; k++) {
            const size_t i = r * c + k;
            const float y = (in[0][i] - mean[k]) / sqrtf(var[k] + d->bn.eps) * gamma[k] + beta[k];
            out[0][i] = lm_act_apply(d->act, y, d->act == LM_ACT_PRELU ? slopes[k] : 0.0f);
        }
}

const lm_kernel lm_f32_batchnorm_nhwc__ref = {
    .name = "lm_f32_batchnorm_nhwc__ref", .kind = LM_OP_BATCHNORM, .isa = LM_ISA_REFERENCE, .run = batchnorm_run,
};

static void activation_run(const lm_op_desc *d, const void *state, const float *const *in, float *const *out,
                           lm_threadpool *pool) {
    (void)pool;
    const float *slopes = state;
    const int c = d->in.c;
    for (size_t r = 0; r < rows_of(d->in); r++)
        for (int k = 0; k < c; k++) out[0][r * c + k] = lm_act_apply(d->act, in[0][r * c + k], slopes ? slopes[k] : 0.0f);
}

const lm_kernel lm_f32_activation_nhwc__ref = {
    .name = "lm_f32_activation_nhwc__ref", .kind = LM_OP_ACTIVATION, .isa = LM_ISA_REFERENCE, .run = activation_run,
};

/* a (op) b, where b is the same shape as a or broadcast over h and w ([n,1,1,c]). */
static void binary_run(const lm_op_desc *d, const float *slopes, const float *const *in, float *const *out, bool mul) {
    const int c = d->in.c;
    const size_t per_image = (size_t)d->in.h * d->in.w;
    for (size_t r = 0; r < rows_of(d->in); r++) {
        const float *b = d->binary.broadcast ? in[1] + (r / per_image) * c : in[1] + r * c;
        for (int k = 0; k < c; k++) {
            const float a = in[0][r * c + k];
            out[0][r * c + k] = lm_act_apply(d->act, mul ? a * b[k] : a + b[k], slopes ? slopes[k] : 0.0f);
        }
    }
}

static void add_run(const lm_op_desc *d, const void *state, const float *const *in, float *const *out, lm_threadpool *pool) {
    (void)pool;
    binary_run(d, state, in, out, false);
}

static void mul_run(const lm_op_desc *d, const void *state, const float *const *in, float *const *out, lm_threadpool *pool) {
    (void)pool;
    binary_run(d, state, in, out, true);
}

const lm_kernel lm_f32_add_nhwc__ref = {
    .name = "lm_f32_add_nhwc__ref", .kind = LM_OP_ADD, .isa = LM_ISA_REFERENCE, .run = add_run,
};
const lm_kernel lm_f32_mul_nhwc__ref = {
    .name = "lm_f32_mul_nhwc__ref", .kind = LM_OP_MUL, .isa = LM_ISA_REFERENCE, .run = mul_run,
};
