/* ONNX nodes that become graph nodes (onnx_reader.h), each checked against latmac's operators. */
#include "bench/net/onnx_reader.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/error.h"

/* ---- Operators on activations ---- */

static bool onnx_fits_int(int64_t x) { return x >= 0 && x <= INT32_MAX; }

/* Defines output 0 as t (not LM_NO_TENSOR), the output of a node whose parameter block `params` (lm_graph_set_params:
 * taken over, freed on failure) holds the model's weights; NULL params: memory ran out. */
static int define_with_params(importer *im, lm_tensor t, float *params, int rank) {
    if (!params) return onnx_fail(im, "out of memory");
    if (lm_graph_set_params(im->g, t, params) != 0) return onnx_fail(im, "%s", lm_graph_error(im->g));
    return onnx_define_tensor(im, 0, t, rank);
}

/* Copies constants one after another into one new block: the parameter layouts of op.h that keep
 * ONNX's order (BatchNorm's four vectors, a bias). NULL when memory runs out. */
static float *joined_floats(importer *im, value *const *parts, int count) {
    size_t total = 0;
    for (int k = 0; k < count; k++) total += (size_t)parts[k]->count;
    float *block = malloc((total ? total : 1) * sizeof *block);
    if (!block) return NULL;
    size_t used = 0;
    for (int k = 0; k < count; k++) {
        float *x = onnx_floats(im, parts[k]);
        if (!x) return free(block), NULL;
        memcpy(block + used, x, (size_t)parts[k]->count * sizeof *x);
        used += (size_t)parts[k]->count;
        free(x);
    }
    return block;
}

/* A convolution's block: ONNX's weight [out_c][in_c/groups][kh][kw] as op.h's [out_c][kh][kw][in_c/groups],
 * then the bias. */
static float *conv_params(importer *im, const lm_op_desc *d, const value *w, const value *b) {
    float *onnx = onnx_floats(im, w);
    float *block = onnx ? malloc(lm_op_param_floats(d) * sizeof *block) : NULL;
    if (!block) return free(onnx), NULL;
    const size_t in = (size_t)(d->in.c / d->conv.groups), kh = (size_t)d->conv.kernel_h, kw = (size_t)d->conv.kernel_w;
    for (size_t o = 0; o < (size_t)d->conv.out_c; o++)
        for (size_t i = 0; i < in; i++)
            for (size_t y = 0; y < kh; y++)
                for (size_t x = 0; x < kw; x++) block[((o * kh + y) * kw + x) * in + i] = onnx[((o * in + i) * kh + y) * kw + x];
    free(onnx);
    if (b) {
        float *bias = onnx_floats(im, b);
        if (!bias) return free(block), NULL;
        memcpy(block + (size_t)d->conv.out_c * in * kh * kw, bias, (size_t)d->conv.out_c * sizeof *bias);
        free(bias);
    }
    return block;
}

/* The pads auto_pad asks for ([top, left, bottom, right], from the sizes, windows, strides and
 * dilations of height and width), into pads; NOTSET leaves the explicit ones there. */
static int auto_pads(importer *im, const int sizes[2], const int kernels[2], const int steps[2], const int dil[2],
                     int pads[4]) {
    if (onnx_string_attribute_is(im, "auto_pad", "NOTSET", "NOTSET")) return 0;
    if (onnx_string_attribute_is(im, "auto_pad", "VALID", "NOTSET")) {
        pads[0] = pads[1] = pads[2] = pads[3] = 0;
        return 0;
    }
    const bool upper = onnx_string_attribute_is(im, "auto_pad", "SAME_UPPER", "NOTSET");
    if (!upper && !onnx_string_attribute_is(im, "auto_pad", "SAME_LOWER", "NOTSET"))
        return onnx_fail(im, "auto_pad other than NOTSET, VALID, SAME_UPPER or SAME_LOWER");
    for (int i = 0; i < 2; i++) { /* the output is ceil(size / stride); the extra pad goes after (UPPER) or before */
        const int64_t out = (sizes[i] + steps[i] - 1) / steps[i];
        int64_t total = (out - 1) * steps[i] + (int64_t)(kernels[i] - 1) * dil[i] + 1 - sizes[i];
        if (total < 0) total = 0;
        pads[i] = (int)(upper ? total / 2 : total - total / 2), pads[i + 2] = (int)(total - pads[i]);
    }
    return 0;
}

static int conv(importer *im) {
    value *x = onnx_tensor_input(im, 0), *w = x ? onnx_constant_input(im, 1, true) : NULL;
    value *b = w ? onnx_constant_input(im, 2, false) : NULL;
    if (!x || !w || (im->node->n_input > 2 && im->node->input[2][0] && !b)) return -1;
    if (x->rank != 4 || w->rank != 4) return onnx_fail(im, "only 2-D convolutions of [n,c,h,w] are read");
    const lm_shape in = onnx_shape_of(im, x);
    const int64_t groups = onnx_int_attribute(im, "group", 1);
    const int64_t out_c = w->dims[0];
    if (groups < 1 || in.c % groups || w->dims[1] * groups != in.c || !onnx_fits_int(out_c) || out_c % groups)
        return onnx_fail(im, "weight [%lld, %lld, %lld, %lld] does not fit %d input channels in %lld groups",
                    (long long)w->dims[0], (long long)w->dims[1], (long long)w->dims[2], (long long)w->dims[3], in.c,
                    (long long)groups);
    if (b && (b->count != out_c)) return onnx_fail(im, "bias of %lld elements for %lld channels", (long long)b->count,
                                              (long long)out_c);
    const int64_t *strides, *dilations, *pads;
    const size_t ns = onnx_ints_attribute(im, "strides", &strides), nd = onnx_ints_attribute(im, "dilations", &dilations),
                 np = onnx_ints_attribute(im, "pads", &pads);
    if ((ns && ns != 2) || (nd && nd != 2) || (np && np != 4)) return onnx_fail(im, "strides, dilations or pads of a wrong length");
    if (!onnx_within(strides, ns, 1) || !onnx_within(dilations, nd, 1) || !onnx_within(pads, np, 0) || !onnx_within(w->dims + 2, 2, 1))
        return onnx_fail(im, "a kernel, stride, dilation or pad out of range");
    lm_op_desc d = {.kind = LM_OP_CONV};
    d.conv.out_c = (int)out_c;
    d.conv.kernel_h = (int)w->dims[2], d.conv.kernel_w = (int)w->dims[3];
    d.conv.stride_h = ns ? (int)strides[0] : 1, d.conv.stride_w = ns ? (int)strides[1] : 1;
    d.conv.dilation_h = nd ? (int)dilations[0] : 1, d.conv.dilation_w = nd ? (int)dilations[1] : 1;
    if (np) d.conv.pad_top = (int)pads[0], d.conv.pad_left = (int)pads[1], d.conv.pad_bottom = (int)pads[2],
            d.conv.pad_right = (int)pads[3];
    d.conv.groups = (int)groups;
    d.conv.bias = b != NULL;
    int pads_given[4] = {d.conv.pad_top, d.conv.pad_left, d.conv.pad_bottom, d.conv.pad_right};
    const int sizes[2] = {in.h, in.w}, kernels[2] = {d.conv.kernel_h, d.conv.kernel_w},
              steps[2] = {d.conv.stride_h, d.conv.stride_w}, dil[2] = {d.conv.dilation_h, d.conv.dilation_w};
    if (auto_pads(im, sizes, kernels, steps, dil, pads_given) != 0) return -1;
    d.conv.pad_top = pads_given[0], d.conv.pad_left = pads_given[1], d.conv.pad_bottom = pads_given[2],
    d.conv.pad_right = pads_given[3];
    const lm_tensor y = lm_graph_add(im->g, im->node_name, d, &x->tensor, 1);
    if (y == LM_NO_TENSOR) return onnx_define_tensor(im, 0, y, 4);
    const lm_op_desc *added = &lm_graph_node_at(im->g, lm_graph_node_count(im->g) - 1)->desc; /* its input shape filled */
    return define_with_params(im, y, conv_params(im, added, w, b), 4);
}

static int batchnorm(importer *im) {
    value *x = onnx_tensor_input(im, 0);
    if (!x) return -1;
    const lm_shape s = onnx_shape_of(im, x);
    value *p[4]; /* scale, bias, mean, variance: op.h's gamma, beta, mean, variance */
    for (size_t k = 1; k < 5; k++) {
        if (!(p[k - 1] = onnx_constant_input(im, k, true))) return -1;
        if (p[k - 1]->count != s.c)
            return onnx_fail(im, "'%s' has %lld elements for %d channels", p[k - 1]->name, (long long)p[k - 1]->count, s.c);
    }
    lm_op_desc d = {.kind = LM_OP_BATCHNORM};
    d.bn.eps = onnx_float_attribute(im, "epsilon", 1e-5f);
    const lm_tensor y = lm_graph_add(im->g, im->node_name, d, &x->tensor, 1);
    if (y == LM_NO_TENSOR) return onnx_define_tensor(im, 0, y, x->rank);
    return define_with_params(im, y, joined_floats(im, p, 4), x->rank);
}

static int onnx_activation(importer *im, lm_act act) {
    value *x = onnx_tensor_input(im, 0);
    if (!x) return -1;
    return onnx_define_tensor(im, 0, lm_graph_act(im->g, im->node_name, x->tensor, act), x->rank);
}

/* Whether constant v holds one number per channel of a rank-`rank` activation of c channels under
 * ONNX's broadcasting (trailing dimensions aligned): [c, 1, 1] or [1, c, 1, 1] for [n, c, h, w], [c]
 * or [1, c] for [n, c]. */
static bool per_channel(const value *v, int rank, int c) {
    if (v->count != c) return false;
    const int channel_axis = v->rank - (rank - 1); /* where the activation's channel axis falls in v's dims */
    if (v->rank > rank || channel_axis < 0) return false;
    for (int i = 0; i < v->rank; i++)
        if (i != channel_axis && v->dims[i] != 1) return false;
    return true;
}

/* PRelu with a slope per channel, or one for all (repeated per channel: latmac's PReLU keeps c slopes). */
static int prelu(importer *im) {
    value *x = onnx_tensor_input(im, 0), *slope = x ? onnx_constant_input(im, 1, true) : NULL;
    if (!slope) return -1;
    const int c = onnx_shape_of(im, x).c;
    const bool shared = slope->count == 1 && slope->rank <= x->rank;
    if (!shared && !per_channel(slope, x->rank, c))
        return onnx_fail(im, "a slope of shape other than one number or one per channel ([c, 1, 1] on [n, c, h, w])");
    const lm_tensor y = lm_graph_act(im->g, im->node_name, x->tensor, LM_ACT_PRELU);
    if (y == LM_NO_TENSOR) return onnx_define_tensor(im, 0, y, x->rank);
    float *given = onnx_floats(im, slope), *slopes = given ? malloc((size_t)c * sizeof *slopes) : NULL;
    for (int k = 0; slopes && k < c; k++) slopes[k] = given[shared ? 0 : k];
    free(given);
    return define_with_params(im, y, slopes, x->rank);
}

/* Clip's bounds: inputs from opset 11, attributes before. */
static int clip(importer *im) {
    double low = -INFINITY, high = INFINITY;
    if (im->opset >= 11) {
        for (size_t k = 1; k < 3; k++) {
            value *bound = onnx_constant_input(im, k, false);
            if (!bound && k < im->node->n_input && im->node->input[k][0]) return -1;
            if (!bound) continue;
            const double *x = onnx_numbers(im, bound);
            if (!x || bound->count != 1) return onnx_fail(im, "a bound that is not one number");
            *(k == 1 ? &low : &high) = x[0];
        }
    } else {
        low = onnx_float_attribute(im, "min", -INFINITY), high = onnx_float_attribute(im, "max", INFINITY);
    }
    if (low == 0 && high == 6) return onnx_activation(im, LM_ACT_RELU6);
    if (low == 0 && isinf(high) && high > 0) return onnx_activation(im, LM_ACT_RELU);
    return onnx_fail(im, "Clip to [%g, %g] is not supported (only [0, 6] and [0, inf))", low, high);
}

static int hard_sigmoid(importer *im) {
    const float alpha = onnx_float_attribute(im, "alpha", 0.2f), beta = onnx_float_attribute(im, "beta", 0.5f);
    if (fabsf(alpha - 1.0f / 6) > 1e-6f || beta != 0.5f)
        return onnx_fail(im, "HardSigmoid with alpha %g, beta %g is not supported (only 1/6 and 0.5)", alpha, beta);
    value *x = onnx_tensor_input(im, 0);
    if (!x) return -1;
    value v = {.kind = VALUE_HSIGMOID, .tensor = x->tensor, .rank = x->rank, .made = LM_NO_TENSOR};
    snprintf(v.node_name, sizeof v.node_name, "%s", im->node_name);
    return onnx_define(im, onnx_output_name(im, 0), v) ? 0 : -1;
}

static int add_or_mul(importer *im) {
    value *a = onnx_input(im, 0, true), *b = a ? onnx_input(im, 1, true) : NULL;
    if (!b) return -1;
    const bool add = strcmp(im->node->op_type, "Add") == 0;
    const bool constants_only = strcmp(im->node->op_type, "Sub") == 0 || strcmp(im->node->op_type, "Div") == 0;
    if (a->kind == VALUE_CONSTANT && b->kind == VALUE_CONSTANT) return onnx_fold_binary(im, a, b);
    if (constants_only) return onnx_fail(im, "%s of activations is not supported", im->node->op_type);
    /* the constant, or the HardSigmoid of a hard swish, second */
    if (a->kind == VALUE_CONSTANT || (!add && a->kind == VALUE_HSIGMOID && b->kind == VALUE_TENSOR)) {
        value *swap = a;
        a = b, b = swap;
    }
    if (!add && a->kind == VALUE_TENSOR && b->kind == VALUE_HSIGMOID && b->tensor == a->tensor)
        return onnx_define_tensor(im, 0, lm_graph_act(im->g, im->node_name, a->tensor, LM_ACT_HSWISH), a->rank);
    if ((a->kind == VALUE_HSIGMOID && !onnx_make_hsigmoid(im, a)) || (b->kind == VALUE_HSIGMOID && !onnx_make_hsigmoid(im, b)))
        return -1;
    if (a->kind != VALUE_TENSOR) return onnx_fail(im, "input '%s' is a partial reshape", a->name);
    const lm_shape s = onnx_shape_of(im, a);
    if (b->kind == VALUE_CONSTANT) {
        if (!add || !per_channel(b, a->rank, s.c))
            return onnx_fail(im, "%s of an activation and a constant: only a bias is supported, an Add of one number "
                             "per channel ([c, 1, 1] on [n, c, h, w], [c] on [n, c])", im->node->op_type);
        lm_op_desc d = {.kind = LM_OP_BIAS};
        const lm_tensor y = lm_graph_add(im->g, im->node_name, d, &a->tensor, 1);
        if (y == LM_NO_TENSOR) return onnx_define_tensor(im, 0, y, a->rank);
        return define_with_params(im, y, onnx_floats(im, b), a->rank);
    }
    if (b->kind != VALUE_TENSOR) return onnx_fail(im, "input '%s' is a partial reshape", b->name);
    const lm_shape t = onnx_shape_of(im, b);
    if (s.h == 1 && s.w == 1 && (t.h > 1 || t.w > 1)) { /* the per-channel operand second */
        value *swap = a;
        a = b, b = swap;
    }
    const lm_shape big = onnx_shape_of(im, a), small = onnx_shape_of(im, b);
    lm_op_desc d = {.kind = add ? LM_OP_ADD : LM_OP_MUL};
    d.binary.broadcast = (big.h > 1 || big.w > 1) && small.h == 1 && small.w == 1;
    return onnx_define_tensor(im, 0, lm_graph_add(im->g, im->node_name, d, (lm_tensor[]){a->tensor, b->tensor}, 2),
                         a->rank > b->rank ? a->rank : b->rank);
}

static int concat(importer *im) {
    const Onnx__NodeProto *n = im->node;
    value *first = onnx_input(im, 0, true);
    if (!first) return -1;
    if (first->kind == VALUE_CONSTANT) { /* shape arithmetic: 1-D pieces joined */
        double out[MAX_FOLDED];
        int64_t count = 0;
        for (size_t k = 0; k < n->n_input; k++) {
            value *v = onnx_constant_input(im, k, true);
            const double *x = v ? onnx_numbers(im, v) : NULL;
            if (!x) return -1;
            if (v->rank > 1 || count + v->count > MAX_FOLDED) return onnx_fail(im, "only 1-D constants are joined");
            memcpy(out + count, x, (size_t)v->count * sizeof *x);
            count += v->count;
        }
        return onnx_define_folded(im, 0, out, count, &count, 1, first->integral);
    }
    if (n->n_input > LM_MAX_PARTS) return onnx_fail(im, "%zu inputs (at most %d)", n->n_input, LM_MAX_PARTS);
    lm_tensor parts[LM_MAX_PARTS];
    for (size_t k = 0; k < n->n_input; k++) {
        value *v = onnx_tensor_input(im, k);
        if (!v) return -1;
        if (onnx_axis_of(onnx_int_attribute(im, "axis", 1), v->rank) != 1) return onnx_fail(im, "only a concat of channels is supported");
        parts[k] = v->tensor;
    }
    return onnx_define_tensor(im, 0, lm_graph_concat(im->g, im->node_name, parts, (int)n->n_input), first->rank);
}

static int split(importer *im) {
    value *x = onnx_tensor_input(im, 0);
    if (!x) return -1;
    const size_t count = im->node->n_output;
    if (onnx_axis_of(onnx_int_attribute(im, "axis", 0), x->rank) != 1) return onnx_fail(im, "only a split of channels is supported");
    if (count < 1 || count > LM_MAX_PARTS) return onnx_fail(im, "%zu outputs (1 to %d)", count, LM_MAX_PARTS);
    const lm_shape s = onnx_shape_of(im, x);
    int channels[LM_MAX_PARTS];
    double folded[LM_MAX_PARTS];
    const int64_t listed = onnx_numbers_argument(im, "split", 13, 1, folded, LM_MAX_PARTS);
    if (listed < 0) return -1;
    const size_t n = (size_t)listed;
    if (n && n != count) return onnx_fail(im, "%zu sizes for %zu outputs", n, count);
    for (size_t k = 0; k < count; k++) {
        if (!n && s.c % (int)count) return onnx_fail(im, "%d channels do not split into %zu equal parts", s.c, count);
        const double c = n ? folded[k] : s.c / (double)count;
        if (!(c >= 1 && c <= s.c)) return onnx_fail(im, "a part of %g channels", c);
        channels[k] = (int)c;
    }
    lm_tensor parts[LM_MAX_PARTS];
    if (lm_graph_split(im->g, im->node_name, x->tensor, (int)count, channels, parts) != 0)
        return onnx_fail(im, "%s", lm_graph_error(im->g));
    for (size_t k = 0; k < count; k++)
        if (onnx_define_tensor(im, k, parts[k], x->rank) != 0) return -1;
    return 0;
}

static int global_avgpool(importer *im, bool keep_dims) {
    value *x = onnx_tensor_input(im, 0);
    if (!x) return -1;
    if (x->rank != 4) return onnx_fail(im, "only [n,c,h,w] is pooled");
    return onnx_define_tensor(im, 0, lm_graph_global_avgpool(im->g, im->node_name, x->tensor), keep_dims ? 4 : 2);
}

static int reduce_mean(importer *im) {
    const int64_t *axes;
    const size_t n = onnx_ints_attribute(im, "axes", &axes);
    value *x = onnx_tensor_input(im, 0);
    if (!x) return -1;
    bool spatial = n == 2;
    for (size_t k = 0; k < n; k++) spatial &= onnx_axis_of(axes[k], 4) >= 2;
    if (!spatial || x->rank != 4) return onnx_fail(im, "only a mean over height and width is supported");
    return global_avgpool(im, onnx_int_attribute(im, "keepdims", 1) != 0);
}

static int pool(importer *im, bool max) {
    value *x = onnx_tensor_input(im, 0);
    if (!x) return -1;
    const int64_t *kernel, *strides, *pads, *dilations;
    const size_t nk = onnx_ints_attribute(im, "kernel_shape", &kernel), ns = onnx_ints_attribute(im, "strides", &strides),
                 np = onnx_ints_attribute(im, "pads", &pads), nd = onnx_ints_attribute(im, "dilations", &dilations);
    if (nk != 2 || (ns && ns != 2) || (np && np != 4) || (nd && nd != 2))
        return onnx_fail(im, "only 2-D pooling of [n,c,h,w] is supported");
    if (!onnx_within(kernel, nk, 1) || !onnx_within(strides, ns, 1) || !onnx_within(pads, np, 0) ||
        !onnx_within(dilations, nd, 1))
        return onnx_fail(im, "a window, stride, pad or dilation out of range");
    const lm_shape in = onnx_shape_of(im, x);
    const int sizes[2] = {in.h, in.w}, kernels[2] = {(int)kernel[0], (int)kernel[1]},
              steps[2] = {ns ? (int)strides[0] : 1, ns ? (int)strides[1] : 1}, dil[2] = {1, 1};
    int p4[4] = {0, 0, 0, 0};
    for (size_t i = 0; i < np; i++) p4[i] = (int)pads[i];
    if (auto_pads(im, sizes, kernels, steps, dil, p4) != 0) return -1;
    if (kernels[0] != kernels[1] || steps[0] != steps[1] || p4[0] != p4[1] || p4[1] != p4[2] || p4[2] != p4[3] ||
        (nd && (dilations[0] != 1 || dilations[1] != 1)))
        return onnx_fail(im, "only square windows, equal strides, the same pad on every side and no dilation are "
                         "supported (window %dx%d, stride %dx%d, pads %d %d %d %d)", kernels[0], kernels[1], steps[0],
                         steps[1], p4[0], p4[1], p4[2], p4[3]);
    if (!max && onnx_int_attribute(im, "count_include_pad", 0))
        return onnx_fail(im, "count_include_pad 1 is not supported (padded cells are left out of the average)");
    const int k = kernels[0], s = steps[0], p = p4[0];
    /* ceil_mode rounds the output size up; where the windows tile the input exactly it changes nothing */
    if (onnx_int_attribute(im, "ceil_mode", 0) && in.h + 2 * p >= k && in.w + 2 * p >= k &&
        ((in.h + 2 * p - k) % s || (in.w + 2 * p - k) % s))
        return onnx_fail(im, "ceil_mode 1 where it adds a partial window (%dx%d input, window %d, stride %d) is not "
                         "supported", in.h, in.w, k, s);
    return onnx_define_tensor(im, 0, max ? lm_graph_maxpool(im->g, im->node_name, x->tensor, k, s, p)
                                    : lm_graph_avgpool(im->g, im->node_name, x->tensor, k, s, p), 4);
}

/* Slice of channels (axis 1, step 1): a part of a split of the tensor, shared by the slices that cut
 * it at the same places. */
static int slice(importer *im) {
    value *x = onnx_input(im, 0, true);
    if (!x) return -1;
    double bounds[4][MAX_RANK]; /* starts, ends, axes, steps */
    int64_t counts[4];
    static const char *const names[4] = {"starts", "ends", "axes", "steps"};
    for (int k = 0; k < 4; k++)
        if ((counts[k] = onnx_numbers_argument(im, names[k], 10, (size_t)k + 1, bounds[k], MAX_RANK)) < 0) return -1;
    if (x->kind == VALUE_CONSTANT) { /* shape arithmetic: a part of a 1-D constant */
        if (x->rank != 1 || counts[0] != 1 || counts[1] != 1 || (counts[2] == 1 && onnx_axis_of(onnx_whole(bounds[2][0]), 1) != 0) ||
            counts[2] > 1 || (counts[3] == 1 && bounds[3][0] != 1) || counts[3] > 1)
            return onnx_fail(im, "only a slice of a 1-D constant with step 1 is folded");
        return onnx_fold_slice(im, x, onnx_whole(bounds[0][0]), onnx_whole(bounds[1][0]));
    }
    if (!(x = onnx_tensor_input(im, 0))) return -1;
    const bool one_axis = counts[0] == 1 && counts[1] == 1 && (counts[2] == 0 || (counts[2] == 1 &&
                          onnx_axis_of(onnx_whole(bounds[2][0]), x->rank) == 1)) && (counts[3] == 0 ||
                          (counts[3] == 1 && bounds[3][0] == 1));
    if (!one_axis) return onnx_fail(im, "only a slice of channels with step 1 is supported");
    if (counts[2] == 0) return onnx_fail(im, "only a slice of channels (axes [1]) is supported");
    const int c = onnx_shape_of(im, x).c;
    int64_t start = onnx_whole(bounds[0][0]), end = onnx_whole(bounds[1][0]);
    if (start < 0) start += c;
    if (end < 0) end += c;
    start = start < 0 ? 0 : start > c ? c : start;
    end = end < 0 ? 0 : end > c ? c : end;
    if (end <= start) return onnx_fail(im, "an empty slice");
    const int from = (int)start, to = (int)end;
    if (from == 0 && to == c) return onnx_define_tensor(im, 0, x->tensor, x->rank);
    for (size_t i = 0; i < im->split_count; i++) {
        const slice_split *sp = &im->splits[i];
        for (int k = 0; sp->source == x->tensor && k < sp->count; k++)
            if ((k ? sp->ends[k - 1] : 0) == from && sp->ends[k] == to) return onnx_define_tensor(im, 0, sp->parts[k], x->rank);
    }
    slice_split sp = {.source = x->tensor};
    int channels[3];
    if (from > 0) channels[sp.count] = from, sp.ends[sp.count++] = from;
    channels[sp.count] = to - from, sp.ends[sp.count++] = to;
    const int part = sp.count - 1;
    if (to < c) channels[sp.count] = c - to, sp.ends[sp.count++] = c;
    if (lm_graph_split(im->g, im->node_name, x->tensor, sp.count, channels, sp.parts) != 0)
        return onnx_fail(im, "%s", lm_graph_error(im->g));
    slice_split *splits = realloc(im->splits, (im->split_count + 1) * sizeof *splits);
    if (!splits) return onnx_fail(im, "out of memory");
    im->splits = splits;
    im->splits[im->split_count++] = sp;
    return onnx_define_tensor(im, 0, sp.parts[part], x->rank);
}

/* Resize (opset 10 on) in linear mode with half-pixel or corner-aligned coordinates, to sizes given or
 * to whole multiples by scales given: latmac's bilinear resize. */
static int resize(importer *im) {
    value *x = onnx_tensor_input(im, 0);
    if (!x) return -1;
    if (x->rank != 4) return onnx_fail(im, "only [n,c,h,w] is resized");
    if (!onnx_string_attribute_is(im, "mode", "linear", "nearest"))
        return onnx_fail(im, "only mode 'linear' (bilinear) is supported");
    const bool corners = onnx_string_attribute_is(im, "coordinate_transformation_mode", "align_corners", "half_pixel");
    const bool pytorch = onnx_string_attribute_is(im, "coordinate_transformation_mode", "pytorch_half_pixel", "half_pixel");
    if (!corners && !pytorch && !onnx_string_attribute_is(im, "coordinate_transformation_mode", "half_pixel", "half_pixel"))
        return onnx_fail(im, "only coordinate_transformation_mode half_pixel, pytorch_half_pixel and align_corners are "
                         "supported");
    if (onnx_int_attribute(im, "exclude_outside", 0)) return onnx_fail(im, "exclude_outside 1 is not supported");
    const size_t scales_at = im->opset >= 11 ? 2 : 1, sizes_at = 3;
    value *scales = onnx_constant_input(im, scales_at, false);
    value *sizes = im->opset >= 11 ? onnx_constant_input(im, sizes_at, false) : NULL;
    if ((!scales && scales_at < im->node->n_input && im->node->input[scales_at][0]) ||
        (!sizes && im->opset >= 11 && sizes_at < im->node->n_input && im->node->input[sizes_at][0]))
        return -1;
    if (scales && !scales->count) scales = NULL; /* exporters pass an empty tensor for "none" */
    if (!scales == !sizes) return onnx_fail(im, "give scales or sizes (one of them)");
    const value *given = scales ? scales : sizes;
    const double *v = onnx_numbers(im, given);
    if (!v) return -1;
    if (given->count != 4) return onnx_fail(im, "%s of %lld elements for a rank-4 input", scales ? "scales" : "sizes",
                                           (long long)given->count);
    const lm_shape s = onnx_shape_of(im, x);
    double out[2];
    for (int k = 0; k < 2; k++) {
        const int in = k ? s.w : s.h;
        out[k] = scales ? in * v[2 + k] : v[2 + k];
        if (!(out[k] >= 1 && out[k] <= 65536) || out[k] != (int)out[k])
            return onnx_fail(im, "a %s that does not give a whole size from 1 to 65536", scales ? "scale" : "size");
    }
    if ((scales && (v[0] != 1 || v[1] != 1)) || (sizes && (v[0] != s.n || v[1] != s.c)))
        return onnx_fail(im, "only height and width are resized");
    if (pytorch && (out[0] == 1 || out[1] == 1))
        return onnx_fail(im, "pytorch_half_pixel to a size of 1 is not supported");
    return onnx_define_tensor(im, 0, lm_graph_resize(im->g, im->node_name, x->tensor, (int)out[0], (int)out[1], corners), 4);
}

/* Flatten, and a Reshape to [n, c]: an alias of a 1x1 map as rank 2. */
static int onnx_flatten_1x1(importer *im, value *x) {
    const lm_shape s = onnx_shape_of(im, x);
    if (s.h != 1 || s.w != 1)
        return onnx_fail(im, "flattening a %dx%d map is not supported (only 1x1: global pooling first)", s.h, s.w);
    return onnx_define(im, onnx_output_name(im, 0), (value){.kind = VALUE_TENSOR, .tensor = x->tensor, .rank = 2}) ? 0 : -1;
}

static int flatten(importer *im) {
    value *x = onnx_tensor_input(im, 0);
    if (!x) return -1;
    if (onnx_axis_of(onnx_int_attribute(im, "axis", 1), x->rank) != 1) return onnx_fail(im, "only Flatten at axis 1 is supported");
    return onnx_flatten_1x1(im, x);
}

/* An FC's block: op.h's [out][in] weights (Gemm's B when transposed, else B transposed), then the bias. */
static float *fc_params(importer *im, const value *w, bool transposed, const value *b) {
    const size_t out = (size_t)(transposed ? w->dims[0] : w->dims[1]), in = (size_t)(transposed ? w->dims[1] : w->dims[0]);
    float *onnx = onnx_floats(im, w);
    float *block = onnx ? malloc((out * in + (b ? out : 0)) * sizeof *block) : NULL;
    if (!block) return free(onnx), NULL;
    for (size_t o = 0; o < out; o++)
        for (size_t i = 0; i < in; i++) block[o * in + i] = transposed ? onnx[o * in + i] : onnx[i * out + o];
    free(onnx);
    if (b) {
        float *bias = onnx_floats(im, b);
        if (!bias) return free(block), NULL;
        memcpy(block + out * in, bias, out * sizeof *bias);
        free(bias);
    }
    return block;
}

/* Gemm (alpha = beta = 1, A not transposed) and MatMul on a weight matrix: FC. */
static int fully_connected(importer *im, bool gemm) {
    value *x = onnx_tensor_input(im, 0), *w = x ? onnx_constant_input(im, 1, true) : NULL;
    value *b = w && gemm ? onnx_constant_input(im, 2, false) : NULL;
    if (!x || !w || (gemm && im->node->n_input > 2 && im->node->input[2][0] && !b)) return -1;
    if (gemm && (onnx_float_attribute(im, "alpha", 1) != 1 || onnx_float_attribute(im, "beta", 1) != 1 ||
                 onnx_int_attribute(im, "transA", 0)))
        return onnx_fail(im, "only alpha 1, beta 1 and an untransposed A are supported");
    const bool transposed = gemm && onnx_int_attribute(im, "transB", 0);
    const lm_shape s = onnx_shape_of(im, x);
    if (x->rank != 2 || w->rank != 2) return onnx_fail(im, "only [n, c] times a matrix is supported");
    const int64_t in = transposed ? w->dims[1] : w->dims[0], out = transposed ? w->dims[0] : w->dims[1];
    if (in != s.c || !onnx_fits_int(out)) return onnx_fail(im, "a [%lld, %lld] matrix for %d inputs", (long long)w->dims[0],
                                                 (long long)w->dims[1], s.c);
    if (b && b->count != out) return onnx_fail(im, "bias of %lld elements for %lld outputs", (long long)b->count, (long long)out);
    const lm_tensor y = lm_graph_fc(im->g, im->node_name, x->tensor, (int)out, b != NULL);
    if (y == LM_NO_TENSOR) return onnx_define_tensor(im, 0, y, 2);
    return define_with_params(im, y, fc_params(im, w, transposed, b), 2);
}

/* Reshape: a channel shuffle's first and last step, a 1x1 map to [n, c], or a constant's new dims. */
static int reshape(importer *im) {
    value *x = onnx_input(im, 0, true), *to = x ? onnx_constant_input(im, 1, true) : NULL;
    const double *dims = to ? onnx_numbers(im, to) : NULL;
    if (!dims) return -1;
    if (x->kind == VALUE_CONSTANT) return onnx_fail(im, "reshaping a constant is not supported");
    const lm_shape s = lm_graph_shape(im->g, x->tensor);
    const int64_t nchw[4] = {s.n, s.c, s.h, s.w};
    int64_t want[MAX_RANK];
    const int rank = (int)to->count;
    if (rank < 1 || rank > MAX_RANK) return onnx_fail(im, "a shape of %d dimensions", rank);
    const int64_t total = (int64_t)s.n * s.c * s.h * s.w;
    int64_t known = 1, unknown = -1;
    for (int i = 0; i < rank; i++) {
        want[i] = onnx_whole(dims[i]);
        if (want[i] == 0 && i < 4) want[i] = nchw[i];
        if (want[i] == -1) unknown = i;
        else if (want[i] < 1 || want[i] > total / known) return onnx_fail(im, "a dimension of %lld", (long long)want[i]);
        else known *= want[i];
    }
    if (unknown >= 0) want[unknown] = total / known;
    int64_t product = 1;
    for (int i = 0; i < rank; i++) product *= want[i];
    if (product != total) return onnx_fail(im, "%lld elements cannot take the shape asked for", (long long)total);
    if (x->kind == VALUE_TENSOR && x->rank == 4 && rank == 5 && want[0] == s.n && want[1] * want[2] == s.c &&
        want[3] == s.h && want[4] == s.w)
        return onnx_define(im, onnx_output_name(im, 0), (value){.kind = VALUE_GROUPED, .tensor = x->tensor,
                                                       .groups = (int)want[1]}) ? 0 : -1;
    if (x->kind == VALUE_TRANSPOSED && rank == 4 && want[1] == s.c && want[2] == s.h && want[3] == s.w)
        return onnx_define_tensor(im, 0, lm_graph_shuffle(im->g, im->node_name, x->tensor, x->groups), 4);
    if (x->kind == VALUE_TENSOR && rank == 2 && want[1] == s.c) return onnx_flatten_1x1(im, x);
    if (x->kind == VALUE_TENSOR && x->rank == 4 && rank == 4 && memcmp(want, nchw, sizeof nchw) == 0) return onnx_alias(im);
    return onnx_fail(im, "only the reshapes of a channel shuffle and of a 1x1 map to [n, c] are supported");
}

static int transpose(importer *im) {
    value *x = onnx_input(im, 0, true);
    if (!x) return -1;
    const int64_t *perm;
    const size_t n = onnx_ints_attribute(im, "perm", &perm);
    const bool swap = n == 5 && perm[0] == 0 && perm[1] == 2 && perm[2] == 1 && perm[3] == 3 && perm[4] == 4;
    if (x->kind != VALUE_GROUPED || !swap)
        return onnx_fail(im, "only the transpose of a channel shuffle ([n,g,c/g,h,w] to [n,c/g,g,h,w]) is supported");
    value v = *x;
    v.kind = VALUE_TRANSPOSED;
    return onnx_define(im, onnx_output_name(im, 0), v) ? 0 : -1;
}

int onnx_read_operator(importer *im, const char *op) {
    if (strcmp(op, "Conv") == 0) return conv(im);
    if (strcmp(op, "BatchNormalization") == 0) return batchnorm(im);
    if (strcmp(op, "Relu") == 0) return onnx_activation(im, LM_ACT_RELU);
    if (strcmp(op, "Clip") == 0) return clip(im);
    if (strcmp(op, "HardSwish") == 0) return onnx_activation(im, LM_ACT_HSWISH);
    if (strcmp(op, "HardSigmoid") == 0) return hard_sigmoid(im);
    if (strcmp(op, "Sigmoid") == 0) return onnx_activation(im, LM_ACT_SIGMOID);
    if (strcmp(op, "PRelu") == 0) return prelu(im);
    if (strcmp(op, "Add") == 0 || strcmp(op, "Mul") == 0 || strcmp(op, "Sub") == 0 || strcmp(op, "Div") == 0)
        return add_or_mul(im);
    if (strcmp(op, "Concat") == 0) return concat(im);
    if (strcmp(op, "Slice") == 0) return slice(im);
    if (strcmp(op, "Split") == 0) return split(im);
    if (strcmp(op, "GlobalAveragePool") == 0) return global_avgpool(im, true);
    if (strcmp(op, "ReduceMean") == 0) return reduce_mean(im);
    if (strcmp(op, "MaxPool") == 0) return pool(im, true);
    if (strcmp(op, "AveragePool") == 0) return pool(im, false);
    if (strcmp(op, "Flatten") == 0) return flatten(im);
    if (strcmp(op, "Gemm") == 0) return fully_connected(im, true);
    if (strcmp(op, "MatMul") == 0) return fully_connected(im, false);
    if (strcmp(op, "Identity") == 0 || strcmp(op, "Dropout") == 0) return onnx_alias(im);
    if (strcmp(op, "Reshape") == 0) return reshape(im);
    if (strcmp(op, "Resize") == 0) return resize(im);
    if (strcmp(op, "Upsample") == 0)
        return onnx_fail(im, "Upsample is not supported (its linear mode has asymmetric coordinates): export with "
                         "opset 11 or later, which writes Resize");
    if (strcmp(op, "Transpose") == 0) return transpose(im);
    return 1;
}
