/* Operator descriptions: validity, shapes, parameter layout (see op.h). */
#include "kernels/op.h"

#include "kernels/error.h"

#include <limits.h>

static const char *const kind_names[LM_OP_KIND_COUNT] = {
    [LM_OP_CONV] = "conv",
    [LM_OP_FC] = "fc",
    [LM_OP_BIAS] = "bias",
    [LM_OP_BATCHNORM] = "batchnorm",
    [LM_OP_ACTIVATION] = "activation",
    [LM_OP_ADD] = "add",
    [LM_OP_MUL] = "mul",
    [LM_OP_CHANNEL_SHUFFLE] = "shuffle",
    [LM_OP_SPLIT] = "split",
    [LM_OP_CONCAT] = "concat",
    [LM_OP_GLOBAL_AVGPOOL] = "global_avgpool",
    [LM_OP_MAXPOOL] = "maxpool",
    [LM_OP_AVGPOOL] = "avgpool",
    [LM_OP_RESIZE_BILINEAR] = "resize_bilinear",
    [LM_OP_CONCAT_SHUFFLE_SPLIT] = "concat_shuffle_split",
};

static const char *const act_names[LM_ACT_COUNT] = {
    [LM_ACT_NONE] = "none",       [LM_ACT_RELU] = "relu",       [LM_ACT_RELU6] = "relu6",
    [LM_ACT_HSWISH] = "hswish",   [LM_ACT_HSIGMOID] = "hsigmoid", [LM_ACT_SIGMOID] = "sigmoid",
    [LM_ACT_PRELU] = "prelu",
};

const char *lm_op_kind_name(lm_op_kind kind) {
    return (unsigned)kind < LM_OP_KIND_COUNT ? kind_names[kind] : "unknown";
}

const char *lm_act_name(lm_act act) { return (unsigned)act < LM_ACT_COUNT ? act_names[act] : "unknown"; }

size_t lm_shape_elements(lm_shape s) { return (size_t)s.n * (size_t)s.h * (size_t)s.w * (size_t)s.c; }

/* Output extent of a window sliding over `in` cells; may be <= 0 for impossible shapes. */
static long window_out(long in, long pad_a, long pad_b, long kernel, long dilation, long stride) {
    const long span = (kernel - 1) * dilation + 1, room = in + pad_a + pad_b - span;
    return room < 0 ? 0 : room / stride + 1; /* C division truncates toward zero: keep it off negatives */
}

/* Pooling in this library uses the "ceil-free" convention (floor), as PyTorch does by default. */
static lm_shape conv_output(const lm_op_desc *d) {
    lm_shape s = d->in;
    s.h = (int)window_out(d->in.h, d->conv.pad_top, d->conv.pad_bottom, d->conv.kernel_h, d->conv.dilation_h, d->conv.stride_h);
    s.w = (int)window_out(d->in.w, d->conv.pad_left, d->conv.pad_right, d->conv.kernel_w, d->conv.dilation_w, d->conv.stride_w);
    s.c = d->conv.out_c;
    return s;
}

static int concat_channels(const lm_op_desc *d) {
    int c = 0;
    for (int i = 0; i < d->parts.count; i++) c += d->parts.channels[i];
    return c;
}

int lm_op_input_count(const lm_op_desc *d) {
    switch (d->kind) {
    case LM_OP_ADD:
    case LM_OP_MUL:
    case LM_OP_CONCAT_SHUFFLE_SPLIT: return 2;
    case LM_OP_CONCAT: return d->parts.count;
    default: return 1;
    }
}

int lm_op_output_count(const lm_op_desc *d) {
    switch (d->kind) {
    case LM_OP_SPLIT: return d->parts.count;
    case LM_OP_CONCAT_SHUFFLE_SPLIT: return d->merged.outputs;
    default: return 1;
    }
}

lm_shape lm_op_input_shape(const lm_op_desc *d, int i) {
    lm_shape s = d->in;
    if (d->kind == LM_OP_CONCAT) s.c = d->parts.channels[i];
    if ((d->kind == LM_OP_ADD || d->kind == LM_OP_MUL) && i == 1 && d->binary.broadcast) s.h = s.w = 1;
    return s;
}

lm_shape lm_op_output_shape(const lm_op_desc *d, int i) {
    lm_shape s = d->in;
    switch (d->kind) {
    case LM_OP_CONV: return conv_output(d);
    case LM_OP_FC: return (lm_shape){d->in.n, 1, 1, d->fc.out_c};
    case LM_OP_SPLIT: s.c = d->parts.channels[i]; return s;
    case LM_OP_CONCAT: s.c = concat_channels(d); return s;
    case LM_OP_GLOBAL_AVGPOOL: s.h = s.w = 1; return s;
    case LM_OP_MAXPOOL:
    case LM_OP_AVGPOOL:
        s.h = (int)window_out(d->in.h, d->pool.pad, d->pool.pad, d->pool.kernel, 1, d->pool.stride);
        s.w = (int)window_out(d->in.w, d->pool.pad, d->pool.pad, d->pool.kernel, 1, d->pool.stride);
        return s;
    case LM_OP_RESIZE_BILINEAR: s.h = d->resize.out_h; s.w = d->resize.out_w; return s;
    case LM_OP_CONCAT_SHUFFLE_SPLIT: s.c = d->merged.outputs == 1 ? 2 * d->in.c : d->in.c; return s;
    default: return s;
    }
}

/* Floats of per-channel PReLU slopes appended to a parameter block. */
static size_t prelu_floats(const lm_op_desc *d, int channels) { return d->act == LM_ACT_PRELU ? (size_t)channels : 0; }

static size_t conv_weight_floats(const lm_op_desc *d) {
    return (size_t)d->conv.out_c * (size_t)d->conv.kernel_h * (size_t)d->conv.kernel_w * (size_t)(d->in.c / d->conv.groups);
}

size_t lm_op_param_floats(const lm_op_desc *d) {
    const size_t in_features = (size_t)d->in.h * (size_t)d->in.w * (size_t)d->in.c;
    switch (d->kind) {
    case LM_OP_CONV:
        return conv_weight_floats(d) + (d->conv.bias ? (size_t)d->conv.out_c : 0) + prelu_floats(d, d->conv.out_c);
    case LM_OP_FC:
        return (size_t)d->fc.out_c * in_features + (d->fc.bias ? (size_t)d->fc.out_c : 0) + prelu_floats(d, d->fc.out_c);
    case LM_OP_BIAS: return (size_t)d->in.c + prelu_floats(d, d->in.c);
    case LM_OP_BATCHNORM: return 4 * (size_t)d->in.c + prelu_floats(d, d->in.c);
    case LM_OP_ACTIVATION:
    case LM_OP_ADD:
    case LM_OP_MUL: return prelu_floats(d, d->in.c);
    default: return 0;
    }
}

lm_op_cost lm_op_cost_of(const lm_op_desc *d) {
    lm_op_cost cost = {0, 0, 0};
    for (int i = 0; i < lm_op_input_count(d); i++) cost.mac += lm_shape_elements(lm_op_input_shape(d, i));
    for (int i = 0; i < lm_op_output_count(d); i++) cost.mac += lm_shape_elements(lm_op_output_shape(d, i));
    const lm_shape out = lm_op_output_shape(d, 0);
    switch (d->kind) {
    case LM_OP_CONV:
        cost.madds = (uint64_t)lm_shape_elements(out) * (uint64_t)d->conv.kernel_h * (uint64_t)d->conv.kernel_w *
                     (uint64_t)(d->in.c / d->conv.groups);
        cost.params = lm_op_param_floats(d);
        break;
    case LM_OP_FC:
        cost.madds = (uint64_t)d->in.n * (uint64_t)d->fc.out_c * (uint64_t)d->in.h * (uint64_t)d->in.w * (uint64_t)d->in.c;
        cost.params = lm_op_param_floats(d);
        break;
    case LM_OP_BATCHNORM:
        /* Trained: gamma and beta (mean and variance are running statistics). Read at inference: the
         * folded scale and shift, two per channel. */
        cost.params = 2 * (uint64_t)d->in.c + prelu_floats(d, d->in.c);
        break;
    default: cost.params = lm_op_param_floats(d); break;
    }
    /* Parameters read at inference (BatchNorm folded to two per channel). */
    cost.mac += d->kind == LM_OP_BATCHNORM ? cost.params : lm_op_param_floats(d);
    return cost;
}

uint64_t lm_op_taps_inside(int out, int in, int kernel, int stride, int pad, int dilation) {
    uint64_t taps = 0;
    for (int o = 0; o < out; o++)
        for (int t = 0, i = o * stride - pad; t < kernel; t++, i += dilation) taps += i >= 0 && i < in;
    return taps;
}

/* Every count a kernel indexes with must fit in int32 (shapes) and the byte size in size_t. */
static bool fits(lm_shape s) {
    const double elements = (double)s.n * s.h * s.w * s.c;
    return s.n > 0 && s.h > 0 && s.w > 0 && s.c > 0 && elements <= (double)INT_MAX;
}

static int validate_conv(const lm_op_desc *d, char *err, size_t n) {
    const __typeof__(d->conv) *c = &d->conv;
    if (c->out_c <= 0 || c->kernel_h <= 0 || c->kernel_w <= 0 || c->stride_h <= 0 || c->stride_w <= 0 ||
        c->dilation_h <= 0 || c->dilation_w <= 0 || c->groups <= 0)
        return lm_error(err, n, "conv: out_c, kernel, stride, dilation and groups must be positive");
    if (c->pad_top < 0 || c->pad_left < 0 || c->pad_bottom < 0 || c->pad_right < 0)
        return lm_error(err, n, "conv: padding must not be negative");
    if (d->in.c % c->groups || c->out_c % c->groups)
        return lm_error(err, n, "conv: %d input and %d output channels are not divisible by %d groups", d->in.c, c->out_c, c->groups);
    const lm_shape out = conv_output(d);
    if (out.h <= 0 || out.w <= 0)
        return lm_error(err, n, "conv: a %dx%d kernel (dilation %d) does not fit a %dx%d input with this padding",
                       c->kernel_h, c->kernel_w, c->dilation_h, d->in.h, d->in.w);
    if (!fits(out) || (double)c->out_c * c->kernel_h * c->kernel_w * (d->in.c / c->groups) > (double)INT_MAX)
        return lm_error(err, n, "conv: the output or the weights are too large");
    return 0;
}

static int validate_parts(const lm_op_desc *d, char *err, size_t n) {
    const char *name = lm_op_kind_name(d->kind);
    if (d->parts.count < 1 || d->parts.count > LM_MAX_PARTS)
        return lm_error(err, n, "%s: %d parts (expected 1 to %d)", name, d->parts.count, LM_MAX_PARTS);
    long total = 0;
    for (int i = 0; i < d->parts.count; i++) {
        if (d->parts.channels[i] <= 0) return lm_error(err, n, "%s: part %d has %d channels", name, i, d->parts.channels[i]);
        total += d->parts.channels[i];
    }
    if (total > INT_MAX) return lm_error(err, n, "%s: too many channels", name);
    if (d->kind == LM_OP_SPLIT && total != d->in.c)
        return lm_error(err, n, "split: parts add up to %ld channels, the input has %d", total, d->in.c);
    lm_shape out = d->in;
    out.c = (int)total;
    if (!fits(out)) return lm_error(err, n, "%s: the tensor is too large", name);
    return 0;
}

int lm_op_validate(const lm_op_desc *d, char *err, size_t n) {
    if ((unsigned)d->kind >= LM_OP_KIND_COUNT) return lm_error(err, n, "unknown operator kind %d", (int)d->kind);
    if ((unsigned)d->act >= LM_ACT_COUNT) return lm_error(err, n, "unknown activation %d", (int)d->act);
    const char *name = lm_op_kind_name(d->kind);
    lm_shape in = d->in;
    if (d->kind == LM_OP_CONCAT) in.c = 1;
    if (!fits(in))
        return lm_error(err, n, "%s: input %dx%dx%dx%d is empty or too large", name, d->in.n, d->in.h, d->in.w, d->in.c);
    const bool fused_act = d->kind == LM_OP_CONV || d->kind == LM_OP_FC || d->kind == LM_OP_BIAS ||
                           d->kind == LM_OP_BATCHNORM || d->kind == LM_OP_ACTIVATION || d->kind == LM_OP_ADD ||
                           d->kind == LM_OP_MUL;
    if (!fused_act && d->act != LM_ACT_NONE) return lm_error(err, n, "%s: takes no activation", name);
    if (d->kind == LM_OP_ACTIVATION && d->act == LM_ACT_NONE) return lm_error(err, n, "activation: none given");
    switch (d->kind) {
    case LM_OP_CONV: return validate_conv(d, err, n);
    case LM_OP_FC:
        if (d->fc.out_c <= 0) return lm_error(err, n, "fc: out_c must be positive");
        if ((double)d->fc.out_c * d->in.h * d->in.w * d->in.c > (double)INT_MAX || (double)d->in.n * d->fc.out_c > (double)INT_MAX)
            return lm_error(err, n, "fc: the weights or the output are too large");
        return 0;
    case LM_OP_BATCHNORM:
        if (!(d->bn.eps >= 0)) return lm_error(err, n, "batchnorm: eps must not be negative");
        return 0;
    case LM_OP_CHANNEL_SHUFFLE:
        if (d->shuffle.groups <= 0 || d->in.c % d->shuffle.groups)
            return lm_error(err, n, "shuffle: %d channels are not divisible by %d groups", d->in.c, d->shuffle.groups);
        return 0;
    case LM_OP_SPLIT:
    case LM_OP_CONCAT: return validate_parts(d, err, n);
    case LM_OP_CONCAT_SHUFFLE_SPLIT: {
        if (d->merged.outputs != 1 && d->merged.outputs != 2)
            return lm_error(err, n, "concat_shuffle_split: %d outputs (expected 1 or 2)", d->merged.outputs);
        if (!fits(lm_op_output_shape(d, 0))) return lm_error(err, n, "concat_shuffle_split: the tensor is too large");
        return 0;
    }
    case LM_OP_MAXPOOL:
    case LM_OP_AVGPOOL: {
        if (d->pool.kernel <= 0 || d->pool.stride <= 0 || d->pool.pad < 0 || d->pool.pad >= d->pool.kernel)
            return lm_error(err, n, "%s: kernel and stride must be positive and padding smaller than the kernel", name);
        const lm_shape out = lm_op_output_shape(d, 0);
        if (out.h <= 0 || out.w <= 0)
            return lm_error(err, n, "%s: a %dx%d window does not fit a %dx%d input", name, d->pool.kernel, d->pool.kernel, d->in.h, d->in.w);
        return 0;
    }
    case LM_OP_RESIZE_BILINEAR: {
        const lm_shape out = lm_op_output_shape(d, 0);
        if (!fits(out)) return lm_error(err, n, "resize_bilinear: output %dx%d is empty or too large", out.h, out.w);
        return 0;
    }
    default: return 0;
    }
}

lm_op_desc lm_op_conv(lm_shape in, int out_c, int kernel, int stride, int pad, int groups, bool bias, lm_act act) {
    lm_op_desc d = {.kind = LM_OP_CONV, .in = in, .act = act};
    d.conv.out_c = out_c;
    d.conv.kernel_h = d.conv.kernel_w = kernel;
    d.conv.stride_h = d.conv.stride_w = stride;
    d.conv.pad_top = d.conv.pad_left = d.conv.pad_bottom = d.conv.pad_right = pad;
    d.conv.dilation_h = d.conv.dilation_w = 1;
    d.conv.groups = groups;
    d.conv.bias = bias;
    return d;
}
