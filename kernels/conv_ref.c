/* Reference convolution and fully connected layer: the definitions, loop by loop. */
#include "kernels/act.h"
#include "kernels/kernel.h"

#include <string.h>

static void conv_ref_run(const lm_op_desc *d, const void *state, const float *const *inputs, float *const *outputs,
                         lm_threadpool *pool) {
    (void)pool;
    const float *in = inputs[0], *w = state;
    float *out = outputs[0];
    const lm_shape o = lm_op_output_shape(d, 0);
    const int kh = d->conv.kernel_h, kw = d->conv.kernel_w, g = d->conv.groups;
    const int cin_g = d->in.c / g, cout_g = o.c / g;
    const float *bias = d->conv.bias ? w + (size_t)o.c * kh * kw * cin_g : NULL;
    const float *slopes = d->act == LM_ACT_PRELU ? w + (size_t)o.c * kh * kw * cin_g + (bias ? o.c : 0) : NULL;
    for (int n = 0; n < o.n; n++)
        for (int oy = 0; oy < o.h; oy++)
            for (int ox = 0; ox < o.w; ox++)
                for (int oc = 0; oc < o.c; oc++) {
                    const int group = oc / cout_g;
                    double acc = bias ? bias[oc] : 0.0;
                    for (int ky = 0; ky < kh; ky++) {
                        const int iy = oy * d->conv.stride_h - d->conv.pad_top + ky * d->conv.dilation_h;
                        if (iy < 0 || iy >= d->in.h) continue;
                        for (int kx = 0; kx < kw; kx++) {
                            const int ix = ox * d->conv.stride_w - d->conv.pad_left + kx * d->conv.dilation_w;
                            if (ix < 0 || ix >= d->in.w) continue;
                            const float *x = in + (((size_t)n * d->in.h + iy) * d->in.w + ix) * d->in.c + (size_t)group * cin_g;
                            const float *k = w + (((size_t)oc * kh + ky) * kw + kx) * cin_g;
                            for (int ic = 0; ic < cin_g; ic++) acc += (double)x[ic] * k[ic];
                        }
                    }
                    out[(((size_t)n * o.h + oy) * o.w + ox) * o.c + oc] =
                        lm_act_apply(d->act, (float)acc, slopes ? slopes[oc] : 0.0f);
                }
}

/* The loops above skip every tap outside the input, so with padding the reference does fewer
 * multiply-adds than the counted MAdds (which count every tap of every output). */
static uint64_t conv_ref_executed_madds(const lm_op_desc *d) {
    const lm_shape o = lm_op_output_shape(d, 0);
    const __typeof__(d->conv) *c = &d->conv;
    const uint64_t rows = lm_op_taps_inside(o.h, d->in.h, c->kernel_h, c->stride_h, c->pad_top, c->dilation_h);
    const uint64_t cols = lm_op_taps_inside(o.w, d->in.w, c->kernel_w, c->stride_w, c->pad_left, c->dilation_w);
    return (uint64_t)o.n * rows * cols * (uint64_t)(d->in.c / c->groups) * (uint64_t)o.c;
}

const lm_kernel lm_f32_conv_nhwc__ref = {
    .name = "lm_f32_conv_nhwc__ref", .kind = LM_OP_CONV, .isa = LM_ISA_REFERENCE, .run = conv_ref_run,
    .executed_madds = conv_ref_executed_madds,
};

static void fc_ref_run(const lm_op_desc *d, const void *state, const float *const *inputs, float *const *outputs,
                       lm_threadpool *pool) {
    (void)pool;
    const float *w = state;
    const size_t features = (size_t)d->in.h * d->in.w * d->in.c;
    const int out_c = d->fc.out_c;
    const float *bias = d->fc.bias ? w + (size_t)out_c * features : NULL;
    const float *slopes = d->act == LM_ACT_PRELU ? w + (size_t)out_c * features + (bias ? out_c : 0) : NULL;
    for (int n = 0; n < d->in.n; n++)
        for (int oc = 0; oc < out_c; oc++) {
            const float *x = inputs[0] + (size_t)n * features, *k = w + (size_t)oc * features;
            double acc = bias ? bias[oc] : 0.0;
            for (size_t i = 0; i < features; i++) acc += (double)x[i] * k[i];
            outputs[0][(size_t)n * out_c + oc] = lm_act_apply(d->act, (float)acc, slopes ? slopes[oc] : 0.0f);
        }
}

const lm_kernel lm_f32_fc_nhwc__ref = {
    .name = "lm_f32_fc_nhwc__ref", .kind = LM_OP_FC, .isa = LM_ISA_REFERENCE, .run = fc_ref_run,
};
