/* Reference data movement: channel shuffle, split, concat and the three merged. They compute nothing
 * and still cost memory traffic, which is why the ShuffleNet V2 paper counts them. */
#include "kernels/kernel.h"

#include <string.h>

static size_t rows_of(lm_shape s) { return (size_t)s.n * s.h * s.w; }

/* Output channel j*g + i takes input channel i*(c/g) + j: the [g][c/g] -> [c/g][g] transpose. */
static void shuffle_run(const lm_op_desc *d, const void *state, const float *const *in, float *const *out, lm_threadpool *pool) {
    (void)state, (void)pool;
    const int c = d->in.c, g = d->shuffle.groups, per_group = c / g;
    for (size_t r = 0; r < rows_of(d->in); r++)
        for (int i = 0; i < g; i++)
            for (int j = 0; j < per_group; j++) out[0][r * c + (size_t)j * g + i] = in[0][r * c + (size_t)i * per_group + j];
}

const lm_kernel lm_f32_shuffle_nhwc__ref = {
    .name = "lm_f32_shuffle_nhwc__ref", .kind = LM_OP_CHANNEL_SHUFFLE, .isa = LM_ISA_REFERENCE, .run = shuffle_run,
};

static void split_run(const lm_op_desc *d, const void *state, const float *const *in, float *const *out, lm_threadpool *pool) {
    (void)state, (void)pool;
    for (size_t r = 0; r < rows_of(d->in); r++) {
        int offset = 0;
        for (int p = 0; p < d->parts.count; p++) {
            const int c = d->parts.channels[p];
            memcpy(out[p] + r * c, in[0] + r * d->in.c + offset, (size_t)c * sizeof(float));
            offset += c;
        }
    }
}

const lm_kernel lm_f32_split_nhwc__ref = {
    .name = "lm_f32_split_nhwc__ref", .kind = LM_OP_SPLIT, .isa = LM_ISA_REFERENCE, .run = split_run,
};

static void concat_run(const lm_op_desc *d, const void *state, const float *const *in, float *const *out, lm_threadpool *pool) {
    (void)state, (void)pool;
    const int total = lm_op_output_shape(d, 0).c;
    for (size_t r = 0; r < rows_of(d->in); r++) {
        int offset = 0;
        for (int p = 0; p < d->parts.count; p++) {
            const int c = d->parts.channels[p];
            memcpy(out[0] + r * total + offset, in[p] + r * c, (size_t)c * sizeof(float));
            offset += c;
        }
    }
}

const lm_kernel lm_f32_concat_nhwc__ref = {
    .name = "lm_f32_concat_nhwc__ref", .kind = LM_OP_CONCAT, .isa = LM_ISA_REFERENCE, .run = concat_run,
};

/* The merged concat, channel shuffle (2 groups) and split, as op.h defines it: the shuffled row s is
 * built channel by channel (s[2i] = a[i], s[2i + 1] = b[i]) and cut into the outputs in order. */
static void concat_shuffle_split_run(const lm_op_desc *d, const void *state, const float *const *in, float *const *out,
                                     lm_threadpool *pool) {
    (void)state, (void)pool;
    const size_t c = (size_t)d->in.c, per_output = 2 * c / (size_t)d->merged.outputs;
    for (size_t r = 0; r < rows_of(d->in); r++)
        for (size_t k = 0; k < 2 * c; k++) {
            const float v = k % 2 == 0 ? in[0][r * c + k / 2] : in[1][r * c + k / 2];
            out[k / per_output][r * per_output + k % per_output] = v;
        }
}

const lm_kernel lm_f32_concat_shuffle_split_nhwc__ref = {
    .name = "lm_f32_concat_shuffle_split_nhwc__ref", .kind = LM_OP_CONCAT_SHUFFLE_SPLIT, .isa = LM_ISA_REFERENCE,
    .run = concat_shuffle_split_run,
};
