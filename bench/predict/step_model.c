/* The step model (see step_model.h). */
#include "bench/predict/step_model.h"

#include <string.h>

lm_step_class lm_step_class_of(const lm_op_desc *d) {
    switch (d->kind) {
    case LM_OP_CONV: {
        const bool one_by_one = d->conv.kernel_h == 1 && d->conv.kernel_w == 1;
        if (d->conv.groups == d->in.c && d->conv.groups == d->conv.out_c && d->conv.groups > 1)
            return LM_STEP_CONV_DEPTHWISE;
        if (d->conv.groups > 1) return LM_STEP_CONV_GROUPED;
        return one_by_one ? LM_STEP_CONV_POINTWISE : LM_STEP_CONV_DENSE;
    }
    case LM_OP_FC: return LM_STEP_FC;
    case LM_OP_BIAS:
    case LM_OP_BATCHNORM:
    case LM_OP_ACTIVATION:
    case LM_OP_ADD:
    case LM_OP_MUL: return LM_STEP_ELEMENTWISE;
    case LM_OP_CHANNEL_SHUFFLE:
    case LM_OP_SPLIT:
    case LM_OP_CONCAT:
    case LM_OP_CONCAT_SHUFFLE_SPLIT: return LM_STEP_DATA;
    case LM_OP_GLOBAL_AVGPOOL:
    case LM_OP_MAXPOOL:
    case LM_OP_AVGPOOL: return LM_STEP_POOL;
    case LM_OP_RESIZE_BILINEAR:
    default: return LM_STEP_RESIZE;
    }
}

const char *lm_step_class_name(lm_step_class c) {
    static const char *const names[LM_STEP_CLASS_COUNT] = {
        "conv_pointwise", "conv_depthwise", "conv_grouped", "conv_dense", "fc", "elementwise", "data", "pool",
        "resize"};
    return c >= 0 && c < LM_STEP_CLASS_COUNT ? names[c] : "unknown";
}

/* The arithmetic of a step: the kernel's multiply-adds, or for pooling and resizing (none) the taps of
 * their windows, which MAC alone does not see (a 3x3 window reads each input nine times). */
static double work_of(const lm_op_desc *d, const lm_kernel *kernel) {
    const double out = (double)lm_shape_elements(lm_op_output_shape(d, 0));
    switch (d->kind) {
    case LM_OP_MAXPOOL:
    case LM_OP_AVGPOOL: return out * d->pool.kernel * d->pool.kernel;
    case LM_OP_GLOBAL_AVGPOOL: return (double)lm_shape_elements(d->in);
    case LM_OP_RESIZE_BILINEAR: return out * 4;
    default: return (double)lm_kernel_executed_madds(kernel, d);
    }
}

lm_step_features lm_step_features_of(const lm_op_desc *d, const lm_kernel *kernel, double near_limit) {
    const lm_op_cost cost = lm_op_cost_of(d);
    const double weights = (double)cost.params * sizeof(float), activations = (double)(cost.mac - cost.params) * sizeof(float);
    const bool near = activations <= near_limit;
    return (lm_step_features){.work = work_of(d, kernel), .weight_bytes = weights, .near_bytes = near ? activations : 0,
                              .far_bytes = near ? 0 : activations};
}

const lm_step_coefficients *lm_step_coefficients_for(const lm_step_model *m, const lm_op_desc *d,
                                                     const lm_kernel *kernel) {
    const lm_step_class step_class = lm_step_class_of(d);
    for (size_t i = 0; i < m->kernel_count; i++)
        if (m->kernels[i].step_class == step_class && strcmp(m->kernels[i].kernel, kernel->name) == 0 &&
            m->kernels[i].c.samples)
            return &m->kernels[i].c;
    const lm_step_coefficients *c = &m->classes[step_class];
    return c->samples ? c : NULL;
}

double lm_step_predict(const lm_step_model *m, const lm_op_desc *d, const lm_kernel *kernel) {
    const lm_step_coefficients *c = lm_step_coefficients_for(m, d, kernel);
    if (!c) return -1;
    const lm_step_features f = lm_step_features_of(d, kernel, m->near_limit);
    return c->tau + f.work * c->seconds_per_madd + f.weight_bytes * c->seconds_per_weight_byte +
           f.near_bytes * c->seconds_per_near_byte + f.far_bytes * c->seconds_per_far_byte;
}
