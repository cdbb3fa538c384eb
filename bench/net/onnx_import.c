/* Networks from ONNX model files (see onnx_import.h). */
#include "bench/net/onnx_import.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/error.h"
#include "bench/net/onnx.pb-c.h" /* generated from onnx.proto (bench/net/meson.build) */

#define MIN_OPSET 9
#define MAX_OPSET 17
/* Constants folded while reading (shapes, indices, clip bounds) are small; a weight is never folded. */
#define MAX_FOLDED 4096
#define MAX_RANK 8

/* What a name of the model stands for while it is read. */
typedef enum value_kind {
    VALUE_TENSOR,     /* an activation: a tensor of the graph, rank 4 [n,c,h,w] or 2 [n,c] */
    VALUE_CONSTANT,   /* an initializer or a folded constant */
    VALUE_GROUPED,    /* [n,c,h,w] reshaped to [n,g,c/g,h,w]: the start of a channel shuffle */
    VALUE_TRANSPOSED, /* that, transposed to [n,c/g,g,h,w]: a reshape back to 4-D ends the shuffle */
    VALUE_HSIGMOID,   /* HardSigmoid(x), not yet a node: x * HardSigmoid(x) is one hard swish (before opset
                         14 exporters write it so); any other use makes it a node then */
} value_kind;

typedef struct value {
    const char *name; /* the model's string */
    value_kind kind;
    lm_tensor tensor; /* VALUE_TENSOR, GROUPED, TRANSPOSED; VALUE_HSIGMOID: its input x */
    int rank;         /* VALUE_TENSOR: 4 or 2; VALUE_CONSTANT: its dims */
    int groups;       /* GROUPED, TRANSPOSED */
    lm_tensor made;   /* VALUE_HSIGMOID: the node's output once made, else LM_NO_TENSOR */
    char node_name[LM_GRAPH_NAME_SIZE]; /* VALUE_HSIGMOID: the HardSigmoid's name */
    int64_t dims[MAX_RANK];
    const Onnx__TensorProto *proto; /* VALUE_CONSTANT from the file; NULL when folded */
    double *numbers;                /* VALUE_CONSTANT: its values when small enough to fold (owned); else NULL */
    int64_t count;                  /* VALUE_CONSTANT: elements */
    bool integral;                  /* VALUE_CONSTANT: of an integer type (division truncates) */
} value;

/* A split made for Slice nodes: the parts of `source`'s channels at `ends`, so that slices of one
 * tensor into the same parts share one SPLIT node (as a chunk into halves is exported: two slices). */
typedef struct slice_split {
    lm_tensor source;
    int count;
    int ends[LM_MAX_PARTS];
    lm_tensor parts[LM_MAX_PARTS];
} slice_split;

typedef struct importer {
    const Onnx__GraphProto *model;
    slice_split *splits;
    size_t split_count;
    lm_graph *g;
    value *values;
    size_t value_count, value_capacity;
    int opset;
    size_t node_index;
    const Onnx__NodeProto *node;
    char node_name[LM_GRAPH_NAME_SIZE];
    char *err;
    size_t err_size;
} importer;

/* Records a reason, about the current node when there is one; returns -1. */
__attribute__((format(printf, 2, 3))) static int fail(importer *im, const char *format, ...) {
    char why[400];
    va_list ap;
    va_start(ap, format);
    vsnprintf(why, sizeof why, format, ap);
    va_end(ap);
    if (im->node)
        return lm_error(im->err, im->err_size, "node %zu ('%s', %s): %s", im->node_index + 1, im->node_name,
                        im->node->op_type, why);
    return lm_error(im->err, im->err_size, "%s", why);
}

/* ---- Values ---- */

static value *find(importer *im, const char *name) {
    for (size_t i = im->value_count; i-- > 0;)
        if (strcmp(im->values[i].name, name) == 0) return &im->values[i];
    return NULL;
}

static value *define(importer *im, const char *name, value v) {
    if (im->value_count == im->value_capacity) {
        const size_t capacity = im->value_capacity ? 2 * im->value_capacity : 256;
        value *values = realloc(im->values, capacity * sizeof *values);
        if (!values) {
            free(v.numbers);
            fail(im, "out of memory");
            return NULL;
        }
        im->values = values, im->value_capacity = capacity;
    }
    v.name = name;
    im->values[im->value_count] = v;
    return &im->values[im->value_count++];
}

/* The node's input k: NULL (and a reason) when it was not defined before (a cycle, a wrong order, a
 * typo), or when it is optional and absent and `required`. */
static value *input(importer *im, size_t k, bool required) {
    const Onnx__NodeProto *n = im->node;
    if (k >= n->n_input || !n->input[k][0]) {
        if (required) fail(im, "input %zu is missing", k + 1);
        return NULL;
    }
    value *v = find(im, n->input[k]);
    if (!v) fail(im, "input '%s' is not defined before this node", n->input[k]);
    return v;
}

/* A HardSigmoid used other than in a hard swish: its node, made once. */
static bool make_hsigmoid(importer *im, value *v) {
    if (v->made == LM_NO_TENSOR) v->made = lm_graph_act(im->g, v->node_name, v->tensor, LM_ACT_HSIGMOID);
    if (v->made == LM_NO_TENSOR) return fail(im, "%s", lm_graph_error(im->g)), false;
    v->kind = VALUE_TENSOR, v->tensor = v->made;
    return true;
}

static value *tensor_input(importer *im, size_t k) {
    value *v = input(im, k, true);
    if (v && v->kind == VALUE_HSIGMOID && !make_hsigmoid(im, v)) return NULL;
    if (v && v->kind != VALUE_TENSOR) {
        fail(im, "input '%s' is expected to be an activation, not a constant or a partial reshape", v->name);
        return NULL;
    }
    return v;
}

static value *constant_input(importer *im, size_t k, bool required) {
    value *v = input(im, k, required);
    if (v && v->kind != VALUE_CONSTANT) {
        fail(im, "input '%s' is expected to be a constant (an initializer or folded from constants)", v->name);
        return NULL;
    }
    return v;
}

static const char *output_name(importer *im, size_t k) {
    return k < im->node->n_output ? im->node->output[k] : "";
}

static int define_tensor(importer *im, size_t k, lm_tensor t, int rank) {
    if (t == LM_NO_TENSOR) return fail(im, "%s", lm_graph_error(im->g));
    return define(im, output_name(im, k), (value){.kind = VALUE_TENSOR, .tensor = t, .rank = rank}) ? 0 : -1;
}

static lm_shape shape_of(const importer *im, const value *v) { return lm_graph_shape(im->g, v->tensor); }

/* A folded number as an integer, saturated to +-2^62 (NaN: 0): later checks then reject it, where a
 * conversion of an out-of-range double would be undefined. */
static int64_t whole(double x) {
    const double limit = 4611686018427387904.0; /* 2^62 */
    if (x != x) return 0;
    return x >= limit ? INT64_C(1) << 62 : x <= -limit ? -(INT64_C(1) << 62) : (int64_t)x;
}

/* Whether every value of an attribute list lies in [low, 65536]: sizes, strides and pads latmac's
 * operators can take, and ints that fit. */
static bool within(const int64_t *v, size_t n, int64_t low) {
    for (size_t i = 0; i < n; i++)
        if (v[i] < low || v[i] > 65536) return false;
    return true;
}

/* A constant's values as numbers; NULL (and a reason) when it is too large to fold. */
static const double *numbers(importer *im, const value *v) {
    if (!v->numbers) fail(im, "constant '%s' (%lld elements) cannot be used here", v->name, (long long)v->count);
    return v->numbers;
}

/* ---- Tensors stored in the file ---- */

/* Elements of a tensor of these dims; -1 when a dim is negative or the count passes 2^40. */
static int64_t element_count(const int64_t *dims, int rank) {
    const int64_t limit = INT64_C(1) << 40;
    int64_t count = 1;
    for (int i = 0; i < rank; i++) {
        if (dims[i] < 0 || (dims[i] && count > limit / dims[i])) return -1;
        count *= dims[i];
    }
    return count;
}

/* A constant from a TensorProto: its dims checked, its data present and of its declared size; numbers
 * folded when small. */
static int constant_from_proto(importer *im, const Onnx__TensorProto *t, value *out) {
    const char *name = t->name && t->name[0] ? t->name : "(unnamed)";
    *out = (value){.kind = VALUE_CONSTANT, .proto = t};
    if (t->has_data_location && t->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL)
        return fail(im, "tensor '%s' keeps its data in an external file, which is not supported", name);
    if (t->n_dims > MAX_RANK) return fail(im, "tensor '%s' has %zu dimensions (at most %d)", name, t->n_dims, MAX_RANK);
    out->rank = (int)t->n_dims;
    for (size_t i = 0; i < t->n_dims; i++) out->dims[i] = t->dims[i];
    out->count = element_count(out->dims, out->rank);
    if (out->count < 0) return fail(im, "tensor '%s' declares impossible dimensions", name);
    const int32_t type = t->has_data_type ? t->data_type : 0;
    size_t stored;
    size_t width;
    switch (type) {
    case ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT: width = 4, stored = t->n_float_data; break;
    case ONNX__TENSOR_PROTO__DATA_TYPE__INT64: width = 8, stored = t->n_int64_data; break;
    case ONNX__TENSOR_PROTO__DATA_TYPE__INT32: width = 4, stored = t->n_int32_data; break;
    case ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE: width = 8, stored = t->n_double_data; break;
    default: return fail(im, "tensor '%s' has element type %d (float, double, int32 and int64 are read)", name, type);
    }
    if (t->has_raw_data) stored = t->raw_data.len / width;
    if ((t->has_raw_data && t->raw_data.len % width) || stored != (uint64_t)out->count)
        return fail(im, "tensor '%s' holds %zu elements where its dimensions say %lld", name, stored,
                    (long long)out->count);
    out->integral = type == ONNX__TENSOR_PROTO__DATA_TYPE__INT64 || type == ONNX__TENSOR_PROTO__DATA_TYPE__INT32;
    if (out->count > MAX_FOLDED) return 0;
    out->numbers = malloc((size_t)(out->count ? out->count : 1) * sizeof *out->numbers);
    if (!out->numbers) return fail(im, "out of memory");
    for (int64_t i = 0; i < out->count; i++) {
        double x;
        if (t->has_raw_data) { /* little-endian, as ONNX stores it (and as x86 reads it) */
            const uint8_t *p = t->raw_data.data + (size_t)i * width;
            if (type == ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT) { float f; memcpy(&f, p, 4); x = f; }
            else if (type == ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE) memcpy(&x, p, 8);
            else if (type == ONNX__TENSOR_PROTO__DATA_TYPE__INT32) { int32_t v; memcpy(&v, p, 4); x = v; }
            else { int64_t v; memcpy(&v, p, 8); x = (double)v; }
        } else if (type == ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT) x = t->float_data[i];
        else if (type == ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE) x = t->double_data[i];
        else if (type == ONNX__TENSOR_PROTO__DATA_TYPE__INT32) x = t->int32_data[i];
        else x = (double)t->int64_data[i];
        out->numbers[i] = x;
    }
    return 0;
}

/* A folded constant of `count` numbers (copied) and dims. */
static int define_folded(importer *im, size_t k, const double *x, int64_t count, const int64_t *dims, int rank,
                         bool integral) {
    value v = {.kind = VALUE_CONSTANT, .rank = rank, .count = count, .integral = integral};
    memcpy(v.dims, dims, (size_t)rank * sizeof *dims);
    v.numbers = malloc((size_t)(count ? count : 1) * sizeof *v.numbers);
    if (!v.numbers) return fail(im, "out of memory");
    memcpy(v.numbers, x, (size_t)count * sizeof *x);
    return define(im, output_name(im, k), v) ? 0 : -1;
}

/* ---- Attributes ---- */

static const Onnx__AttributeProto *attribute(const importer *im, const char *name) {
    for (size_t i = 0; i < im->node->n_attribute; i++)
        if (im->node->attribute[i]->name && strcmp(im->node->attribute[i]->name, name) == 0)
            return im->node->attribute[i];
    return NULL;
}

static int64_t int_attribute(const importer *im, const char *name, int64_t fallback) {
    const Onnx__AttributeProto *a = attribute(im, name);
    return a && a->has_i ? a->i : fallback;
}

static float float_attribute(const importer *im, const char *name, float fallback) {
    const Onnx__AttributeProto *a = attribute(im, name);
    return a && a->has_f ? a->f : fallback;
}

/* A list of ints: its length (0 when absent), the values in *out. */
static size_t ints_attribute(const importer *im, const char *name, const int64_t **out) {
    const Onnx__AttributeProto *a = attribute(im, name);
    *out = a ? a->ints : NULL;
    return a ? a->n_ints : 0;
}

static bool string_attribute_is(const importer *im, const char *name, const char *expected, const char *fallback) {
    const Onnx__AttributeProto *a = attribute(im, name);
    if (!a || !a->has_s) return strcmp(fallback, expected) == 0;
    return a->s.len == strlen(expected) && memcmp(a->s.data, expected, a->s.len) == 0;
}

/* An axis of a rank-`rank` tensor, negative counted from the end; -1 when out of range. */
static int axis_of(int64_t axis, int rank) {
    if (axis < 0) axis += rank;
    return axis >= 0 && axis < rank ? (int)axis : -1;
}

/* ---- Operators on activations ---- */

static bool fits_int(int64_t x) { return x >= 0 && x <= INT32_MAX; }

static int conv(importer *im) {
    value *x = tensor_input(im, 0), *w = x ? constant_input(im, 1, true) : NULL;
    value *b = w ? constant_input(im, 2, false) : NULL;
    if (!x || !w || (im->node->n_input > 2 && im->node->input[2][0] && !b)) return -1;
    if (x->rank != 4 || w->rank != 4) return fail(im, "only 2-D convolutions of [n,c,h,w] are read");
    const lm_shape in = shape_of(im, x);
    const int64_t groups = int_attribute(im, "group", 1);
    const int64_t out_c = w->dims[0];
    if (groups < 1 || in.c % groups || w->dims[1] * groups != in.c || !fits_int(out_c) || out_c % groups)
        return fail(im, "weight [%lld, %lld, %lld, %lld] does not fit %d input channels in %lld groups",
                    (long long)w->dims[0], (long long)w->dims[1], (long long)w->dims[2], (long long)w->dims[3], in.c,
                    (long long)groups);
    if (b && (b->count != out_c)) return fail(im, "bias of %lld elements for %lld channels", (long long)b->count,
                                              (long long)out_c);
    const int64_t *strides, *dilations, *pads;
    const size_t ns = ints_attribute(im, "strides", &strides), nd = ints_attribute(im, "dilations", &dilations),
                 np = ints_attribute(im, "pads", &pads);
    if ((ns && ns != 2) || (nd && nd != 2) || (np && np != 4)) return fail(im, "strides, dilations or pads of a wrong length");
    if (!within(strides, ns, 1) || !within(dilations, nd, 1) || !within(pads, np, 0) || !within(w->dims + 2, 2, 1))
        return fail(im, "a kernel, stride, dilation or pad out of range");
    lm_op_desc d = {.kind = LM_OP_CONV};
    d.conv.out_c = (int)out_c;
    d.conv.kernel_h = (int)w->dims[2], d.conv.kernel_w = (int)w->dims[3];
    d.conv.stride_h = ns ? (int)strides[0] : 1, d.conv.stride_w = ns ? (int)strides[1] : 1;
    d.conv.dilation_h = nd ? (int)dilations[0] : 1, d.conv.dilation_w = nd ? (int)dilations[1] : 1;
    if (np) d.conv.pad_top = (int)pads[0], d.conv.pad_left = (int)pads[1], d.conv.pad_bottom = (int)pads[2],
            d.conv.pad_right = (int)pads[3];
    d.conv.groups = (int)groups;
    d.conv.bias = b != NULL;
    if (!string_attribute_is(im, "auto_pad", "NOTSET", "NOTSET")) {
        if (string_attribute_is(im, "auto_pad", "VALID", "NOTSET")) {
            d.conv.pad_top = d.conv.pad_left = d.conv.pad_bottom = d.conv.pad_right = 0;
        } else if (string_attribute_is(im, "auto_pad", "SAME_UPPER", "NOTSET") ||
                   string_attribute_is(im, "auto_pad", "SAME_LOWER", "NOTSET")) {
            const bool upper = string_attribute_is(im, "auto_pad", "SAME_UPPER", "NOTSET");
            const int sizes[2] = {in.h, in.w}, kernels[2] = {d.conv.kernel_h, d.conv.kernel_w},
                      steps[2] = {d.conv.stride_h, d.conv.stride_w}, dil[2] = {d.conv.dilation_h, d.conv.dilation_w};
            int before[2], after[2];
            for (int i = 0; i < 2; i++) {
                if (steps[i] < 1) return fail(im, "a stride below 1");
                const int64_t out = (sizes[i] + steps[i] - 1) / steps[i];
                int64_t total = (out - 1) * steps[i] + (int64_t)(kernels[i] - 1) * dil[i] + 1 - sizes[i];
                if (total < 0) total = 0;
                before[i] = (int)(upper ? total / 2 : total - total / 2), after[i] = (int)(total - before[i]);
            }
            d.conv.pad_top = before[0], d.conv.pad_left = before[1], d.conv.pad_bottom = after[0], d.conv.pad_right = after[1];
        } else return fail(im, "auto_pad other than NOTSET, VALID, SAME_UPPER or SAME_LOWER");
    }
    return define_tensor(im, 0, lm_graph_add(im->g, im->node_name, d, &x->tensor, 1), 4);
}

static int batchnorm(importer *im) {
    value *x = tensor_input(im, 0);
    if (!x) return -1;
    const lm_shape s = shape_of(im, x);
    for (size_t k = 1; k < 5; k++) {
        value *p = constant_input(im, k, true);
        if (!p) return -1;
        if (p->count != s.c) return fail(im, "'%s' has %lld elements for %d channels", p->name, (long long)p->count, s.c);
    }
    lm_op_desc d = {.kind = LM_OP_BATCHNORM};
    d.bn.eps = float_attribute(im, "epsilon", 1e-5f);
    return define_tensor(im, 0, lm_graph_add(im->g, im->node_name, d, &x->tensor, 1), x->rank);
}

static int activation(importer *im, lm_act act) {
    value *x = tensor_input(im, 0);
    if (!x) return -1;
    return define_tensor(im, 0, lm_graph_act(im->g, im->node_name, x->tensor, act), x->rank);
}

/* Clip's bounds: inputs from opset 11, attributes before. */
static int clip(importer *im) {
    double low = -INFINITY, high = INFINITY;
    if (im->opset >= 11) {
        for (size_t k = 1; k < 3; k++) {
            value *bound = constant_input(im, k, false);
            if (!bound && k < im->node->n_input && im->node->input[k][0]) return -1;
            if (!bound) continue;
            const double *x = numbers(im, bound);
            if (!x || bound->count != 1) return fail(im, "a bound that is not one number");
            *(k == 1 ? &low : &high) = x[0];
        }
    } else {
        low = float_attribute(im, "min", -INFINITY), high = float_attribute(im, "max", INFINITY);
    }
    if (low == 0 && high == 6) return activation(im, LM_ACT_RELU6);
    if (low == 0 && isinf(high) && high > 0) return activation(im, LM_ACT_RELU);
    return fail(im, "Clip to [%g, %g] is not supported (only [0, 6] and [0, inf))", low, high);
}

static int hard_sigmoid(importer *im) {
    const float alpha = float_attribute(im, "alpha", 0.2f), beta = float_attribute(im, "beta", 0.5f);
    if (fabsf(alpha - 1.0f / 6) > 1e-6f || beta != 0.5f)
        return fail(im, "HardSigmoid with alpha %g, beta %g is not supported (only 1/6 and 0.5)", alpha, beta);
    value *x = tensor_input(im, 0);
    if (!x) return -1;
    value v = {.kind = VALUE_HSIGMOID, .tensor = x->tensor, .rank = x->rank, .made = LM_NO_TENSOR};
    snprintf(v.node_name, sizeof v.node_name, "%s", im->node_name);
    return define(im, output_name(im, 0), v) ? 0 : -1;
}

/* Folds an element-wise operation of constants: equal counts, or one of them a single number. */
static int fold_binary(importer *im, const value *a, const value *b) {
    const double *x = numbers(im, a), *y = x ? numbers(im, b) : NULL;
    if (!y) return -1;
    if (a->count != b->count && a->count != 1 && b->count != 1) return fail(im, "constants of %lld and %lld elements",
                                                                            (long long)a->count, (long long)b->count);
    const value *big = a->count >= b->count ? a : b;
    double out[MAX_FOLDED];
    const bool integral = a->integral && b->integral;
    for (int64_t i = 0; i < big->count; i++) {
        const double p = x[a->count == 1 ? 0 : i], q = y[b->count == 1 ? 0 : i];
        const char *op = im->node->op_type;
        if (strcmp(op, "Add") == 0) out[i] = p + q;
        else if (strcmp(op, "Sub") == 0) out[i] = p - q;
        else if (strcmp(op, "Mul") == 0) out[i] = p * q;
        else {
            if (q == 0) return fail(im, "a division by zero");
            out[i] = integral ? trunc(p / q) : p / q;
        }
    }
    return define_folded(im, 0, out, big->count, big->dims, big->rank, integral);
}

static int add_or_mul(importer *im) {
    value *a = input(im, 0, true), *b = a ? input(im, 1, true) : NULL;
    if (!b) return -1;
    const bool add = strcmp(im->node->op_type, "Add") == 0;
    const bool is_fold = strcmp(im->node->op_type, "Sub") == 0 || strcmp(im->node->op_type, "Div") == 0;
    if (a->kind == VALUE_CONSTANT && b->kind == VALUE_CONSTANT) return fold_binary(im, a, b);
    if (is_fold) return fail(im, "%s of activations is not supported", im->node->op_type);
    if (a->kind == VALUE_CONSTANT) { value *t = a; a = b; b = t; }
    if (!add && a->kind == VALUE_HSIGMOID && b->kind == VALUE_TENSOR) { value *t = a; a = b; b = t; }
    if (!add && a->kind == VALUE_TENSOR && b->kind == VALUE_HSIGMOID && b->tensor == a->tensor)
        return define_tensor(im, 0, lm_graph_act(im->g, im->node_name, a->tensor, LM_ACT_HSWISH), a->rank);
    if ((a->kind == VALUE_HSIGMOID && !make_hsigmoid(im, a)) || (b->kind == VALUE_HSIGMOID && !make_hsigmoid(im, b)))
        return -1;
    if (a->kind != VALUE_TENSOR) return fail(im, "input '%s' is a partial reshape", a->name);
    const lm_shape s = shape_of(im, a);
    if (b->kind == VALUE_CONSTANT) {
        if (!add || b->count != s.c) return fail(im, "%s of an activation and a constant is supported only as a bias "
                                                     "(Add of one number per channel)", im->node->op_type);
        lm_op_desc d = {.kind = LM_OP_BIAS};
        return define_tensor(im, 0, lm_graph_add(im->g, im->node_name, d, &a->tensor, 1), a->rank);
    }
    if (b->kind != VALUE_TENSOR) return fail(im, "input '%s' is a partial reshape", b->name);
    lm_shape t = shape_of(im, b);
    if (s.h == 1 && s.w == 1 && (t.h > 1 || t.w > 1)) { /* the per-channel operand second */
        value *swap = a;
        a = b, b = swap;
    }
    const lm_shape big = shape_of(im, a), small = shape_of(im, b);
    lm_op_desc d = {.kind = add ? LM_OP_ADD : LM_OP_MUL};
    d.binary.broadcast = (big.h > 1 || big.w > 1) && small.h == 1 && small.w == 1;
    return define_tensor(im, 0, lm_graph_add(im->g, im->node_name, d, (lm_tensor[]){a->tensor, b->tensor}, 2),
                         a->rank > b->rank ? a->rank : b->rank);
}

static int concat(importer *im) {
    const Onnx__NodeProto *n = im->node;
    value *first = input(im, 0, true);
    if (!first) return -1;
    if (first->kind == VALUE_CONSTANT) { /* shape arithmetic: 1-D pieces joined */
        double out[MAX_FOLDED];
        int64_t count = 0;
        for (size_t k = 0; k < n->n_input; k++) {
            value *v = constant_input(im, k, true);
            const double *x = v ? numbers(im, v) : NULL;
            if (!x) return -1;
            if (v->rank > 1 || count + v->count > MAX_FOLDED) return fail(im, "only 1-D constants are joined");
            memcpy(out + count, x, (size_t)v->count * sizeof *x);
            count += v->count;
        }
        return define_folded(im, 0, out, count, &count, 1, first->integral);
    }
    if (n->n_input > LM_MAX_PARTS) return fail(im, "%zu inputs (at most %d)", n->n_input, LM_MAX_PARTS);
    lm_tensor parts[LM_MAX_PARTS];
    for (size_t k = 0; k < n->n_input; k++) {
        value *v = tensor_input(im, k);
        if (!v) return -1;
        if (axis_of(int_attribute(im, "axis", 1), v->rank) != 1) return fail(im, "only a concat of channels is supported");
        parts[k] = v->tensor;
    }
    return define_tensor(im, 0, lm_graph_concat(im->g, im->node_name, parts, (int)n->n_input), first->rank);
}

static int split(importer *im) {
    value *x = tensor_input(im, 0);
    if (!x) return -1;
    const size_t count = im->node->n_output;
    if (axis_of(int_attribute(im, "axis", 0), x->rank) != 1) return fail(im, "only a split of channels is supported");
    if (count < 1 || count > LM_MAX_PARTS) return fail(im, "%zu outputs (1 to %d)", count, LM_MAX_PARTS);
    const lm_shape s = shape_of(im, x);
    int channels[LM_MAX_PARTS];
    const int64_t *sizes = NULL;
    double folded[LM_MAX_PARTS];
    size_t n = ints_attribute(im, "split", &sizes);
    if (im->opset >= 13 && im->node->n_input > 1 && im->node->input[1][0]) {
        value *v = constant_input(im, 1, true);
        const double *y = v ? numbers(im, v) : NULL;
        if (!y) return -1;
        n = (size_t)v->count;
        for (size_t k = 0; k < n && k < LM_MAX_PARTS; k++) folded[k] = y[k];
    } else for (size_t k = 0; k < n && k < LM_MAX_PARTS; k++) folded[k] = (double)sizes[k];
    if (n && n != count) return fail(im, "%zu sizes for %zu outputs", n, count);
    for (size_t k = 0; k < count; k++) {
        if (!n && s.c % (int)count) return fail(im, "%d channels do not split into %zu equal parts", s.c, count);
        const double c = n ? folded[k] : s.c / (double)count;
        if (!(c >= 1 && c <= s.c)) return fail(im, "a part of %g channels", c);
        channels[k] = (int)c;
    }
    lm_tensor parts[LM_MAX_PARTS];
    if (lm_graph_split(im->g, im->node_name, x->tensor, (int)count, channels, parts) != 0)
        return fail(im, "%s", lm_graph_error(im->g));
    for (size_t k = 0; k < count; k++)
        if (define_tensor(im, k, parts[k], x->rank) != 0) return -1;
    return 0;
}

static int global_avgpool(importer *im, bool keep_dims) {
    value *x = tensor_input(im, 0);
    if (!x) return -1;
    if (x->rank != 4) return fail(im, "only [n,c,h,w] is pooled");
    return define_tensor(im, 0, lm_graph_global_avgpool(im->g, im->node_name, x->tensor), keep_dims ? 4 : 2);
}

static int reduce_mean(importer *im) {
    const int64_t *axes;
    const size_t n = ints_attribute(im, "axes", &axes);
    value *x = tensor_input(im, 0);
    if (!x) return -1;
    bool spatial = n == 2;
    for (size_t k = 0; k < n; k++) spatial &= axis_of(axes[k], 4) >= 2;
    if (!spatial || x->rank != 4) return fail(im, "only a mean over height and width is supported");
    return global_avgpool(im, int_attribute(im, "keepdims", 1) != 0);
}

static int pool(importer *im, bool max) {
    value *x = tensor_input(im, 0);
    if (!x) return -1;
    const int64_t *kernel, *strides, *pads, *dilations;
    const size_t nk = ints_attribute(im, "kernel_shape", &kernel), ns = ints_attribute(im, "strides", &strides),
                 np = ints_attribute(im, "pads", &pads), nd = ints_attribute(im, "dilations", &dilations);
    bool square = nk == 2 && kernel[0] == kernel[1] && (!ns || (ns == 2 && strides[0] == strides[1])) &&
                  (!np || (np == 4 && pads[0] == pads[1] && pads[1] == pads[2] && pads[2] == pads[3])) &&
                  (!nd || (nd == 2 && dilations[0] == 1 && dilations[1] == 1));
    if (!square || int_attribute(im, "ceil_mode", 0) || !string_attribute_is(im, "auto_pad", "NOTSET", "NOTSET") ||
        (!max && int_attribute(im, "count_include_pad", 0)))
        return fail(im, "only square windows, equal strides and pads, no dilation, ceil_mode 0%s are supported",
                    max ? "" : " and count_include_pad 0");
    if (!within(kernel, nk, 1) || !within(strides, ns, 1) || !within(pads, np, 0))
        return fail(im, "a window, stride or pad out of range");
    const int k = (int)kernel[0], s = ns ? (int)strides[0] : 1, p = np ? (int)pads[0] : 0;
    return define_tensor(im, 0, max ? lm_graph_maxpool(im->g, im->node_name, x->tensor, k, s, p)
                                    : lm_graph_avgpool(im->g, im->node_name, x->tensor, k, s, p), 4);
}

/* Slice of channels (axis 1, step 1): a part of a split of the tensor, shared by the slices that cut
 * it at the same places. */
static int slice(importer *im) {
    value *x = tensor_input(im, 0);
    if (!x) return -1;
    double bounds[4][MAX_RANK]; /* starts, ends, axes, steps */
    int64_t counts[4] = {0, 0, 0, 0};
    static const char *const names[4] = {"starts", "ends", "axes", "steps"};
    for (int k = 0; k < 4; k++) {
        if (im->opset >= 10) {
            value *v = constant_input(im, (size_t)k + 1, k < 2);
            if (!v && (size_t)k + 1 < im->node->n_input && im->node->input[k + 1][0]) return -1;
            if (!v && k < 2) return -1;
            const double *y = v ? numbers(im, v) : NULL;
            if (v && !y) return -1;
            counts[k] = v ? v->count : 0;
            for (int64_t i = 0; i < counts[k] && i < MAX_RANK; i++) bounds[k][i] = y[i];
        } else {
            const int64_t *y;
            counts[k] = k < 3 ? (int64_t)ints_attribute(im, names[k], &y) : 0;
            for (int64_t i = 0; i < counts[k] && i < MAX_RANK; i++) bounds[k][i] = (double)y[i];
        }
    }
    const bool one_axis = counts[0] == 1 && counts[1] == 1 && (counts[2] == 0 || (counts[2] == 1 &&
                          axis_of(whole(bounds[2][0]), x->rank) == 1)) && (counts[3] == 0 ||
                          (counts[3] == 1 && bounds[3][0] == 1));
    if (!one_axis) return fail(im, "only a slice of channels with step 1 is supported");
    if (counts[2] == 0) return fail(im, "only a slice of channels (axes [1]) is supported");
    const int c = shape_of(im, x).c;
    int64_t start = whole(bounds[0][0]), end = whole(bounds[1][0]);
    if (start < 0) start += c;
    if (end < 0) end += c;
    start = start < 0 ? 0 : start > c ? c : start;
    end = end < 0 ? 0 : end > c ? c : end;
    if (end <= start) return fail(im, "an empty slice");
    const int from = (int)start, to = (int)end;
    if (from == 0 && to == c) return define_tensor(im, 0, x->tensor, x->rank);
    for (size_t i = 0; i < im->split_count; i++) {
        const slice_split *sp = &im->splits[i];
        for (int k = 0; sp->source == x->tensor && k < sp->count; k++)
            if ((k ? sp->ends[k - 1] : 0) == from && sp->ends[k] == to) return define_tensor(im, 0, sp->parts[k], x->rank);
    }
    slice_split sp = {.source = x->tensor};
    int channels[3];
    if (from > 0) channels[sp.count] = from, sp.ends[sp.count++] = from;
    channels[sp.count] = to - from, sp.ends[sp.count++] = to;
    const int part = sp.count - 1;
    if (to < c) channels[sp.count] = c - to, sp.ends[sp.count++] = c;
    if (lm_graph_split(im->g, im->node_name, x->tensor, sp.count, channels, sp.parts) != 0)
        return fail(im, "%s", lm_graph_error(im->g));
    slice_split *splits = realloc(im->splits, (im->split_count + 1) * sizeof *splits);
    if (!splits) return fail(im, "out of memory");
    im->splits = splits;
    im->splits[im->split_count++] = sp;
    return define_tensor(im, 0, sp.parts[part], x->rank);
}

/* Flatten, and a Reshape to [n, c]: an alias of a 1x1 map as rank 2. */
static int flatten_1x1(importer *im, value *x) {
    const lm_shape s = shape_of(im, x);
    if (s.h != 1 || s.w != 1)
        return fail(im, "flattening a %dx%d map is not supported (only 1x1: global pooling first)", s.h, s.w);
    return define(im, output_name(im, 0), (value){.kind = VALUE_TENSOR, .tensor = x->tensor, .rank = 2}) ? 0 : -1;
}

static int flatten(importer *im) {
    value *x = tensor_input(im, 0);
    if (!x) return -1;
    if (axis_of(int_attribute(im, "axis", 1), x->rank) != 1) return fail(im, "only Flatten at axis 1 is supported");
    return flatten_1x1(im, x);
}

/* Gemm (alpha = beta = 1, A not transposed) and MatMul on a weight matrix: FC. */
static int fully_connected(importer *im, bool gemm) {
    value *x = tensor_input(im, 0), *w = x ? constant_input(im, 1, true) : NULL;
    value *b = w && gemm ? constant_input(im, 2, false) : NULL;
    if (!x || !w || (gemm && im->node->n_input > 2 && im->node->input[2][0] && !b)) return -1;
    if (gemm && (float_attribute(im, "alpha", 1) != 1 || float_attribute(im, "beta", 1) != 1 ||
                 int_attribute(im, "transA", 0)))
        return fail(im, "only alpha 1, beta 1 and an untransposed A are supported");
    const bool transposed = gemm && int_attribute(im, "transB", 0);
    const lm_shape s = shape_of(im, x);
    if (x->rank != 2 || w->rank != 2) return fail(im, "only [n, c] times a matrix is supported");
    const int64_t in = transposed ? w->dims[1] : w->dims[0], out = transposed ? w->dims[0] : w->dims[1];
    if (in != s.c || !fits_int(out)) return fail(im, "a [%lld, %lld] matrix for %d inputs", (long long)w->dims[0],
                                                 (long long)w->dims[1], s.c);
    if (b && b->count != out) return fail(im, "bias of %lld elements for %lld outputs", (long long)b->count, (long long)out);
    return define_tensor(im, 0, lm_graph_fc(im->g, im->node_name, x->tensor, (int)out, b != NULL), 2);
}

static int alias(importer *im) {
    value *x = input(im, 0, true);
    if (!x) return -1;
    value copy = *x;
    if (copy.numbers) { /* each value owns its numbers */
        copy.numbers = malloc((size_t)(copy.count ? copy.count : 1) * sizeof *copy.numbers);
        if (!copy.numbers) return fail(im, "out of memory");
        memcpy(copy.numbers, x->numbers, (size_t)x->count * sizeof *copy.numbers);
    }
    return define(im, output_name(im, 0), copy) ? 0 : -1;
}

/* Reshape: a channel shuffle's first and last step, a 1x1 map to [n, c], or a constant's new dims. */
static int reshape(importer *im) {
    value *x = input(im, 0, true), *to = x ? constant_input(im, 1, true) : NULL;
    const double *dims = to ? numbers(im, to) : NULL;
    if (!dims) return -1;
    if (x->kind == VALUE_CONSTANT) return fail(im, "reshaping a constant is not supported");
    const lm_shape s = lm_graph_shape(im->g, x->tensor);
    const int64_t nchw[4] = {s.n, s.c, s.h, s.w};
    int64_t want[MAX_RANK];
    const int rank = (int)to->count;
    if (rank < 1 || rank > MAX_RANK) return fail(im, "a shape of %d dimensions", rank);
    const int64_t total = (int64_t)s.n * s.c * s.h * s.w;
    int64_t known = 1, unknown = -1;
    for (int i = 0; i < rank; i++) {
        want[i] = whole(dims[i]);
        if (want[i] == 0 && i < 4) want[i] = nchw[i];
        if (want[i] == -1) unknown = i;
        else if (want[i] < 1 || want[i] > total / known) return fail(im, "a dimension of %lld", (long long)want[i]);
        else known *= want[i];
    }
    if (unknown >= 0) want[unknown] = total / known;
    int64_t product = 1;
    for (int i = 0; i < rank; i++) product *= want[i];
    if (product != total) return fail(im, "%lld elements cannot take the shape asked for", (long long)total);
    if (x->kind == VALUE_TENSOR && x->rank == 4 && rank == 5 && want[0] == s.n && want[1] * want[2] == s.c &&
        want[3] == s.h && want[4] == s.w)
        return define(im, output_name(im, 0), (value){.kind = VALUE_GROUPED, .tensor = x->tensor,
                                                       .groups = (int)want[1]}) ? 0 : -1;
    if (x->kind == VALUE_TRANSPOSED && rank == 4 && want[1] == s.c && want[2] == s.h && want[3] == s.w)
        return define_tensor(im, 0, lm_graph_shuffle(im->g, im->node_name, x->tensor, x->groups), 4);
    if (x->kind == VALUE_TENSOR && rank == 2 && want[1] == s.c) return flatten_1x1(im, x);
    if (x->kind == VALUE_TENSOR && x->rank == 4 && rank == 4 && memcmp(want, nchw, sizeof nchw) == 0) return alias(im);
    return fail(im, "only the reshapes of a channel shuffle and of a 1x1 map to [n, c] are supported");
}

static int transpose(importer *im) {
    value *x = input(im, 0, true);
    if (!x) return -1;
    const int64_t *perm;
    const size_t n = ints_attribute(im, "perm", &perm);
    const bool swap = n == 5 && perm[0] == 0 && perm[1] == 2 && perm[2] == 1 && perm[3] == 3 && perm[4] == 4;
    if (x->kind != VALUE_GROUPED || !swap)
        return fail(im, "only the transpose of a channel shuffle ([n,g,c/g,h,w] to [n,c/g,g,h,w]) is supported");
    value v = *x;
    v.kind = VALUE_TRANSPOSED;
    return define(im, output_name(im, 0), v) ? 0 : -1;
}

/* ---- Shape arithmetic on constants ---- */

static int shape(importer *im) {
    value *x = input(im, 0, true);
    if (!x) return -1;
    if (x->kind == VALUE_CONSTANT) {
        double d[MAX_RANK];
        for (int i = 0; i < x->rank; i++) d[i] = (double)x->dims[i];
        const int64_t r = x->rank;
        return define_folded(im, 0, d, r, &r, 1, true);
    }
    if (x->kind != VALUE_TENSOR) return fail(im, "the shape of a partial reshape is not supported");
    if (attribute(im, "start") || attribute(im, "end")) return fail(im, "Shape with start or end is not supported");
    const lm_shape s = shape_of(im, x);
    const double d[4] = {s.n, s.c, s.h, s.w};
    const int64_t r = x->rank;
    return define_folded(im, 0, d, r, &r, 1, true);
}

static int gather(importer *im) {
    value *data = constant_input(im, 0, true), *indices = data ? constant_input(im, 1, true) : NULL;
    const double *x = indices ? numbers(im, data) : NULL, *k = x ? numbers(im, indices) : NULL;
    if (!k) return -1;
    if (data->rank != 1 || int_attribute(im, "axis", 0) != 0) return fail(im, "only a gather from a 1-D constant is supported");
    double out[MAX_FOLDED];
    for (int64_t i = 0; i < indices->count; i++) {
        int64_t j = whole(k[i]);
        if (j < 0) j += data->count;
        if (j < 0 || j >= data->count) return fail(im, "index %lld out of range", (long long)k[i]);
        out[i] = x[j];
    }
    return define_folded(im, 0, out, indices->count, indices->dims, indices->rank, data->integral);
}

/* Unsqueeze and Squeeze of constants: the numbers stay, the dims change. */
static int unsqueeze_or_squeeze(importer *im, bool unsqueeze) {
    value *x = constant_input(im, 0, true);
    const double *d = x ? numbers(im, x) : NULL;
    if (!d) return -1;
    const int64_t *axes;
    size_t n = ints_attribute(im, "axes", &axes);
    double folded[MAX_RANK];
    if (!n && im->opset >= 13 && im->node->n_input > 1) {
        value *a = constant_input(im, 1, true);
        const double *y = a ? numbers(im, a) : NULL;
        if (!y) return -1;
        n = (size_t)a->count;
        for (size_t i = 0; i < n && i < MAX_RANK; i++) folded[i] = y[i];
    } else for (size_t i = 0; i < n && i < MAX_RANK; i++) folded[i] = (double)axes[i];
    int rank = unsqueeze ? x->rank + (int)n : x->rank;
    if (rank > MAX_RANK || n > MAX_RANK) return fail(im, "too many dimensions");
    int64_t dims[MAX_RANK];
    if (unsqueeze) {
        bool inserted[MAX_RANK] = {false};
        for (size_t i = 0; i < n; i++) {
            const int a = axis_of(whole(folded[i]), rank);
            if (a < 0) return fail(im, "axis %g out of range", folded[i]);
            inserted[a] = true;
        }
        for (int i = 0, j = 0; i < rank; i++) dims[i] = inserted[i] ? 1 : x->dims[j++];
    } else {
        int kept = 0;
        for (int i = 0; i < x->rank; i++) {
            bool drop = n == 0 && x->dims[i] == 1;
            for (size_t k = 0; k < n; k++) drop |= axis_of(whole(folded[k]), x->rank) == i;
            if (!drop) dims[kept++] = x->dims[i];
        }
        rank = kept;
    }
    return define_folded(im, 0, d, x->count, dims, rank, x->integral);
}

static int constant(importer *im) {
    const Onnx__AttributeProto *a = attribute(im, "value");
    if (a && a->t) {
        value v;
        if (constant_from_proto(im, a->t, &v) != 0) return -1;
        return define(im, output_name(im, 0), v) ? 0 : -1;
    }
    const int64_t one = 1;
    if ((a = attribute(im, "value_float")) && a->has_f) {
        const double x = a->f;
        return define_folded(im, 0, &x, 1, &one, 0, false);
    }
    if ((a = attribute(im, "value_int")) && a->has_i) {
        const double x = (double)a->i;
        return define_folded(im, 0, &x, 1, &one, 0, true);
    }
    if ((a = attribute(im, "value_ints")) && a->n_ints <= MAX_FOLDED) {
        double x[MAX_FOLDED];
        for (size_t i = 0; i < a->n_ints; i++) x[i] = (double)a->ints[i];
        const int64_t count = (int64_t)a->n_ints;
        return define_folded(im, 0, x, count, &count, 1, true);
    }
    return fail(im, "a constant that is not a tensor, a float, an int or ints");
}

static int cast(importer *im) {
    value *x = input(im, 0, true);
    if (!x) return -1;
    if (x->kind != VALUE_CONSTANT) return fail(im, "Cast of an activation is not supported");
    if (alias(im) != 0) return -1;
    const int64_t to = int_attribute(im, "to", ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT);
    im->values[im->value_count - 1].integral = to == ONNX__TENSOR_PROTO__DATA_TYPE__INT64 ||
                                               to == ONNX__TENSOR_PROTO__DATA_TYPE__INT32;
    return 0;
}

/* ---- The model ---- */

static int node(importer *im) {
    const Onnx__NodeProto *n = im->node;
    const char *op = n->op_type ? n->op_type : "";
    if (n->domain && n->domain[0] && strcmp(n->domain, "ai.onnx") != 0)
        return fail(im, "operators of domain '%s' are not supported", n->domain);
    if (strcmp(op, "Conv") == 0) return conv(im);
    if (strcmp(op, "BatchNormalization") == 0) return batchnorm(im);
    if (strcmp(op, "Relu") == 0) return activation(im, LM_ACT_RELU);
    if (strcmp(op, "Clip") == 0) return clip(im);
    if (strcmp(op, "HardSwish") == 0) return activation(im, LM_ACT_HSWISH);
    if (strcmp(op, "HardSigmoid") == 0) return hard_sigmoid(im);
    if (strcmp(op, "Sigmoid") == 0) return activation(im, LM_ACT_SIGMOID);
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
    if (strcmp(op, "Identity") == 0 || strcmp(op, "Dropout") == 0) return alias(im);
    if (strcmp(op, "Reshape") == 0) return reshape(im);
    if (strcmp(op, "Transpose") == 0) return transpose(im);
    if (strcmp(op, "Constant") == 0) return constant(im);
    if (strcmp(op, "Shape") == 0) return shape(im);
    if (strcmp(op, "Gather") == 0) return gather(im);
    if (strcmp(op, "Unsqueeze") == 0) return unsqueeze_or_squeeze(im, true);
    if (strcmp(op, "Squeeze") == 0) return unsqueeze_or_squeeze(im, false);
    if (strcmp(op, "Cast") == 0) return cast(im);
    return fail(im, "operator %s is not supported", op[0] ? op : "(none)");
}

static int opset_of(const Onnx__ModelProto *m, char *err, size_t err_size) {
    for (size_t i = 0; i < m->n_opset_import; i++) {
        const Onnx__OperatorSetIdProto *o = m->opset_import[i];
        if (o->domain && o->domain[0] && strcmp(o->domain, "ai.onnx") != 0) continue;
        if (!o->has_version || o->version < MIN_OPSET || o->version > MAX_OPSET)
            return lm_error(err, err_size, "opset %lld is not supported (%d to %d)", (long long)o->version, MIN_OPSET,
                            MAX_OPSET);
        return (int)o->version;
    }
    return lm_error(err, err_size, "the model names no opset of the default domain");
}

/* The model's input: the first graph input that is not an initializer, a float [N, C, H, W]. */
static int input_shape(importer *im, int batch, int height, int width, lm_shape *s, const char **name) {
    const Onnx__GraphProto *gp = im->model;
    for (size_t i = 0; i < gp->n_input; i++) {
        const Onnx__ValueInfoProto *v = gp->input[i];
        if (!v->name || find(im, v->name)) continue;
        *name = v->name;
        const Onnx__TypeProto *t = v->type;
        const Onnx__TensorShapeProto *shape = t && t->value_case == ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE && t->tensor_type
                                                  ? t->tensor_type->shape : NULL;
        if (!shape || shape->n_dim != 4 || t->tensor_type->elem_type != ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT)
            return fail(im, "input '%s' is not a float tensor [N, C, H, W]", v->name);
        int64_t d[4];
        for (int k = 0; k < 4; k++)
            d[k] = shape->dim[k]->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE ? shape->dim[k]->dim_value : 0;
        const int64_t given[4] = {batch, 0, height, width};
        for (int k = 0; k < 4; k++) {
            if (given[k] > 0) d[k] = given[k];
            if (k == 0 && d[k] == 0) d[k] = 1;
            if (d[k] < 1 || d[k] > 65536)
                return fail(im, "input '%s' has %s dimension %d%s", v->name, d[k] ? "an impossible" : "a symbolic", k + 1,
                            d[k] ? "" : ": give the input size");
        }
        *s = (lm_shape){.n = (int)d[0], .c = (int)d[1], .h = (int)d[2], .w = (int)d[3]};
        return 0;
    }
    return fail(im, "the model has no input besides its initializers");
}

static lm_graph *build(importer *im, const char *graph_name, int batch, int height, int width) {
    const Onnx__GraphProto *gp = im->model;
    for (size_t i = 0; i < gp->n_initializer; i++) {
        value v;
        if (constant_from_proto(im, gp->initializer[i], &v) != 0) return NULL;
        if (!gp->initializer[i]->name || !define(im, gp->initializer[i]->name, v)) {
            free(v.numbers);
            if (!gp->initializer[i]->name) fail(im, "an initializer without a name");
            return NULL;
        }
    }
    lm_shape in;
    const char *input_name = NULL;
    if (input_shape(im, batch, height, width, &in, &input_name) != 0) return NULL;
    im->g = lm_graph_create(graph_name, in);
    if (!im->g) return fail(im, "out of memory"), NULL;
    if (lm_graph_error(im->g)) return fail(im, "%s", lm_graph_error(im->g)), NULL;
    if (!define(im, input_name, (value){.kind = VALUE_TENSOR, .tensor = 0, .rank = 4})) return NULL;
    for (im->node_index = 0; im->node_index < gp->n_node; im->node_index++) {
        im->node = gp->node[im->node_index];
        if (im->node->name && im->node->name[0]) snprintf(im->node_name, sizeof im->node_name, "%s", im->node->name);
        else snprintf(im->node_name, sizeof im->node_name, "%s_%zu", im->node->op_type ? im->node->op_type : "node",
                      im->node_index);
        if (node(im) != 0) return NULL;
    }
    im->node = NULL;
    for (size_t i = 0; i < gp->n_output; i++) {
        value *v = gp->output[i]->name ? find(im, gp->output[i]->name) : NULL;
        if (v && v->kind == VALUE_HSIGMOID && !make_hsigmoid(im, v)) return NULL;
        if (!v || v->kind != VALUE_TENSOR)
            return fail(im, "output '%s' is not an activation the model computes",
                        gp->output[i]->name ? gp->output[i]->name : ""), NULL;
        lm_graph_output(im->g, v->tensor);
    }
    if (!gp->n_output) return fail(im, "the model has no output"), NULL;
    if (lm_graph_error(im->g)) return fail(im, "%s", lm_graph_error(im->g)), NULL;
    lm_graph *g = im->g;
    im->g = NULL;
    return g;
}

/* The file's bytes; NULL with a reason. */
static uint8_t *read_file(const char *path, size_t *size, char *err, size_t err_size) {
    FILE *f = fopen(path, "rb");
    if (!f) return lm_error(err, err_size, "cannot read %s: %s", path, strerror(errno)), NULL;
    uint8_t *bytes = NULL;
    size_t used = 0, capacity = 0;
    for (;;) {
        if (used == capacity) {
            if (capacity >= LM_ONNX_MAX_FILE_BYTES) {
                fclose(f), free(bytes);
                return lm_error(err, err_size, "%s is larger than 2 GiB", path), NULL;
            }
            capacity = capacity ? 2 * capacity : 1 << 16;
            uint8_t *bigger = realloc(bytes, capacity);
            if (!bigger) {
                fclose(f), free(bytes);
                return lm_error(err, err_size, "out of memory reading %s", path), NULL;
            }
            bytes = bigger;
        }
        const size_t n = fread(bytes + used, 1, capacity - used, f);
        used += n;
        if (n == 0) break;
    }
    const bool failed = ferror(f);
    fclose(f);
    if (failed) return free(bytes), lm_error(err, err_size, "cannot read %s", path), NULL;
    if (!used) return free(bytes), lm_error(err, err_size, "%s is empty", path), NULL;
    *size = used;
    return bytes;
}

lm_graph *lm_onnx_import_bytes(const void *bytes, size_t size, const char *name, int batch, int height, int width,
                               char *err, size_t err_size) {
    Onnx__ModelProto *model = onnx__model_proto__unpack(NULL, size, bytes);
    if (!model) return lm_error(err, err_size, "not an ONNX model (it does not parse as one)"), NULL;
    lm_graph *g = NULL;
    importer im = {.model = model->graph, .err = err, .err_size = err_size};
    if (!model->graph || !model->graph->n_node) lm_error(err, err_size, "not an ONNX model with a graph");
    else if ((im.opset = opset_of(model, err, err_size)) > 0) g = build(&im, name, batch, height, width);
    lm_graph_destroy(im.g);
    for (size_t i = 0; i < im.value_count; i++) free(im.values[i].numbers);
    free(im.values);
    free(im.splits);
    onnx__model_proto__free_unpacked(model, NULL);
    return g;
}

lm_graph *lm_onnx_import(const char *path, int batch, int height, int width, char *err, size_t err_size) {
    size_t size;
    uint8_t *bytes = read_file(path, &size, err, err_size);
    if (!bytes) return NULL;
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    const size_t length = strlen(base);
    const bool suffix = length > 5 && strcmp(base + length - 5, ".onnx") == 0;
    char name[64], why[400];
    snprintf(name, sizeof name, "%.*s", (int)(suffix ? length - 5 : length), base);
    lm_graph *g = lm_onnx_import_bytes(bytes, size, name, batch, height, width, why, sizeof why);
    free(bytes);
    if (!g) lm_error(err, err_size, "%s: %s", path, why);
    return g;
}
