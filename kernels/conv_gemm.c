/* Convolutions as GEMM: pointwise (1x1, stride 1, no padding: NHWC rows are already A's rows) and
 * every other convolution as an indirect GEMM over its windows. One definition per ISA; the work is in
 * gemm.c and the micro-kernels in gemm_<isa>.c. */
#include <stdlib.h>

#include "kernels/gemm.h"
#include "kernels/kernel.h"

typedef struct conv_gemm_state {
    const lm_gemm_isa *isa;
    lm_gemm_weights weights;
    float *zeros; /* what a window reads outside the input: a kernel row's worth, kernel_w * in_c / groups */
} conv_gemm_state;

static bool is_pointwise(const lm_op_desc *d) {
    const __typeof__(d->conv) *c = &d->conv;
    return c->kernel_h == 1 && c->kernel_w == 1 && c->stride_h == 1 && c->stride_w == 1 && c->pad_top == 0 &&
           c->pad_left == 0 && c->pad_bottom == 0 && c->pad_right == 0;
}

static void *prepare(const lm_op_desc *d, const float *params, const lm_gemm_isa *isa) {
    conv_gemm_state *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->isa = isa;
    s->zeros = calloc((size_t)d->conv.kernel_w * (size_t)(d->in.c / d->conv.groups), sizeof(float));
    if (!s->zeros) {
        free(s);
        return NULL;
    }
    const int groups = d->conv.groups, n = d->conv.out_c / groups;
    const int k = d->conv.kernel_h * d->conv.kernel_w * (d->in.c / groups);
    const float *bias = d->conv.bias ? params + (size_t)d->conv.out_c * k : NULL;
    const float *slopes = d->act == LM_ACT_PRELU ? params + (size_t)d->conv.out_c * k + (bias ? d->conv.out_c : 0) : NULL;
    if (lm_gemm_pack(&s->weights, isa, groups, k, n, params, bias, slopes, d->act) != 0) {
        free(s->zeros);
        free(s);
        return NULL;
    }
    return s;
}

static void *prepare_avx2(const lm_op_desc *d, const float *params) { return prepare(d, params, &lm_gemm_avx2); }
static void *prepare_avx512(const lm_op_desc *d, const float *params) { return prepare(d, params, &lm_gemm_avx512); }

static void release(void *state) {
    conv_gemm_state *s = state;
    if (!s) return;
    lm_gemm_weights_free(&s->weights);
    free(s->zeros);
    free(s);
}

static void run(const lm_op_desc *d, const void *state, const float *const *inputs, float *const *outputs,
                lm_threadpool *pool) {
    const conv_gemm_state *s = state;
    const lm_shape o = lm_op_output_shape(d, 0);
    const lm_gemm_problem p = {
        .isa = s->isa,
        .w = &s->weights,
        .m = (size_t)o.n * o.h * o.w,
        .a = inputs[0],
        .a_stride = (size_t)d->in.c,
        .a_group_offset = (size_t)(d->in.c / d->conv.groups),
        .c = outputs[0],
        .c_stride = (size_t)o.c,
        .c_group_offset = (size_t)(o.c / d->conv.groups),
        .conv = is_pointwise(d) ? NULL : d,
        .zeros = s->zeros,
    };
    lm_gemm_run(&p, pool);
}

/* The engine's own count (gemm.h): every output pixel times K times each group's N rounded up to a
 * vector. Taps in the padding multiply zeros, as the counted MAdds assume; nothing else is rounded. */
static uint64_t executed_madds(const lm_op_desc *d, const lm_gemm_isa *isa) {
    const lm_shape o = lm_op_output_shape(d, 0);
    const int groups = d->conv.groups, k = d->conv.kernel_h * d->conv.kernel_w * (d->in.c / groups);
    return lm_gemm_executed_madds(isa, lm_shape_elements(o) / (size_t)o.c, groups, k, o.c / groups);
}
static uint64_t executed_madds_avx2(const lm_op_desc *d) { return executed_madds(d, &lm_gemm_avx2); }
static uint64_t executed_madds_avx512(const lm_op_desc *d) { return executed_madds(d, &lm_gemm_avx512); }

const lm_kernel lm_f32_pwconv_nhwc__avx512 = {
    .name = "lm_f32_pwconv_nhwc__avx512", .kind = LM_OP_CONV, .isa = LM_ISA_AVX512, .supports = is_pointwise,
    .prepare = prepare_avx512, .run = run, .release = release, .executed_madds = executed_madds_avx512,
};
const lm_kernel lm_f32_pwconv_nhwc__avx2 = {
    .name = "lm_f32_pwconv_nhwc__avx2", .kind = LM_OP_CONV, .isa = LM_ISA_AVX2, .supports = is_pointwise,
    .prepare = prepare_avx2, .run = run, .release = release, .executed_madds = executed_madds_avx2,
};
const lm_kernel lm_f32_conv_nhwc__avx512 = {
    .name = "lm_f32_conv_nhwc__avx512", .kind = LM_OP_CONV, .isa = LM_ISA_AVX512, .prepare = prepare_avx512,
    .run = run, .release = release, .executed_madds = executed_madds_avx512,
};
const lm_kernel lm_f32_conv_nhwc__avx2 = {
    .name = "lm_f32_conv_nhwc__avx2", .kind = LM_OP_CONV, .isa = LM_ISA_AVX2, .prepare = prepare_avx2, .run = run,
    .release = release, .executed_madds = executed_madds_avx2,
};
