/* The names an ONNX model defines, its stored tensors and its nodes' attributes (onnx_reader.h). */
#include "bench/net/onnx_reader.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/error.h"

/* Records a reason, about the current node when there is one; returns -1. */
int onnx_fail(importer *im, const char *format, ...) {
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

value *onnx_find(importer *im, const char *name) {
    for (size_t i = im->value_count; i-- > 0;)
        if (strcmp(im->values[i].name, name) == 0) return &im->values[i];
    return NULL;
}

value *onnx_define(importer *im, const char *name, value v) {
    if (im->value_count == im->value_capacity) {
        const size_t capacity = im->value_capacity ? 2 * im->value_capacity : 256;
        value *values = realloc(im->values, capacity * sizeof *values);
        if (!values) {
            free(v.numbers);
            onnx_fail(im, "out of memory");
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
value *onnx_input(importer *im, size_t k, bool required) {
    const Onnx__NodeProto *n = im->node;
    if (k >= n->n_input || !n->input[k][0]) {
        if (required) onnx_fail(im, "input %zu is missing", k + 1);
        return NULL;
    }
    value *v = onnx_find(im, n->input[k]);
    if (!v) onnx_fail(im, "input '%s' is not defined before this node", n->input[k]);
    return v;
}

/* A HardSigmoid used other than in a hard swish: its node, made once. */
bool onnx_make_hsigmoid(importer *im, value *v) {
    if (v->made == LM_NO_TENSOR) v->made = lm_graph_act(im->g, v->node_name, v->tensor, LM_ACT_HSIGMOID);
    if (v->made == LM_NO_TENSOR) return onnx_fail(im, "%s", lm_graph_error(im->g)), false;
    v->kind = VALUE_TENSOR, v->tensor = v->made;
    return true;
}

value *onnx_tensor_input(importer *im, size_t k) {
    value *v = onnx_input(im, k, true);
    if (v && v->kind == VALUE_HSIGMOID && !onnx_make_hsigmoid(im, v)) return NULL;
    if (v && v->kind != VALUE_TENSOR) {
        onnx_fail(im, "input '%s' is expected to be an activation, not a constant or a partial reshape", v->name);
        return NULL;
    }
    return v;
}

value *onnx_constant_input(importer *im, size_t k, bool required) {
    value *v = onnx_input(im, k, required);
    if (v && v->kind != VALUE_CONSTANT) {
        onnx_fail(im, "input '%s' is expected to be a constant (an initializer or folded from constants)", v->name);
        return NULL;
    }
    return v;
}

const char *onnx_output_name(importer *im, size_t k) {
    return k < im->node->n_output ? im->node->output[k] : "";
}

int onnx_define_tensor(importer *im, size_t k, lm_tensor t, int rank) {
    if (t == LM_NO_TENSOR) return onnx_fail(im, "%s", lm_graph_error(im->g));
    return onnx_define(im, onnx_output_name(im, k), (value){.kind = VALUE_TENSOR, .tensor = t, .rank = rank}) ? 0 : -1;
}

lm_shape onnx_shape_of(const importer *im, const value *v) { return lm_graph_shape(im->g, v->tensor); }

/* A folded number as an integer, saturated to +-2^62 (NaN: 0): later checks then reject it, where a
 * conversion of an out-of-range double would be undefined. */
int64_t onnx_whole(double x) {
    const double limit = 4611686018427387904.0; /* 2^62 */
    if (x != x) return 0;
    return x >= limit ? INT64_C(1) << 62 : x <= -limit ? -(INT64_C(1) << 62) : (int64_t)x;
}

/* Whether every value of an attribute list lies in [low, 65536]: sizes, strides and pads latmac's
 * operators can take, and ints that fit. */
bool onnx_within(const int64_t *v, size_t n, int64_t low) {
    for (size_t i = 0; i < n; i++)
        if (v[i] < low || v[i] > 65536) return false;
    return true;
}

/* A constant's values as numbers; NULL (and a reason) when it is too large to fold. */
const double *onnx_numbers(importer *im, const value *v) {
    if (!v->numbers) onnx_fail(im, "constant '%s' (%lld elements) cannot be used here", v->name, (long long)v->count);
    return v->numbers;
}

/* ---- Tensors stored in the file ---- */

/* Elements of a tensor of these dims; -1 when a dim is negative or the count passes 2^40. */
static int64_t onnx_element_count(const int64_t *dims, int rank) {
    const int64_t limit = INT64_C(1) << 40;
    int64_t count = 1;
    for (int i = 0; i < rank; i++) {
        if (dims[i] < 0 || (dims[i] && count > limit / dims[i])) return -1;
        count *= dims[i];
    }
    return count;
}

/* Element i of a stored tensor whose type and size onnx_constant_from_proto checked. Raw data is
 * little-endian, as ONNX stores it (and as x86 reads it). */
static double proto_element(const Onnx__TensorProto *t, size_t i) {
    const int32_t type = t->data_type;
    if (t->has_raw_data) {
        const size_t width = type == ONNX__TENSOR_PROTO__DATA_TYPE__INT64 || type == ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE ? 8 : 4;
        const uint8_t *p = t->raw_data.data + i * width;
        if (type == ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT) { float f; memcpy(&f, p, 4); return f; }
        if (type == ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE) { double d; memcpy(&d, p, 8); return d; }
        if (type == ONNX__TENSOR_PROTO__DATA_TYPE__INT32) { int32_t v; memcpy(&v, p, 4); return v; }
        int64_t v;
        memcpy(&v, p, 8);
        return (double)v;
    }
    if (type == ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT) return t->float_data[i];
    if (type == ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE) return t->double_data[i];
    if (type == ONNX__TENSOR_PROTO__DATA_TYPE__INT32) return t->int32_data[i];
    return (double)t->int64_data[i];
}

/* A constant from a TensorProto: its dims checked, its data present and of its declared size; numbers
 * folded when small. */
int onnx_constant_from_proto(importer *im, const Onnx__TensorProto *t, value *out) {
    const char *name = t->name && t->name[0] ? t->name : "(unnamed)";
    *out = (value){.kind = VALUE_CONSTANT};
    if (t->has_data_location && t->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL)
        return onnx_fail(im, "tensor '%s' keeps its data in an external file, which is not supported", name);
    if (t->n_dims > MAX_RANK) return onnx_fail(im, "tensor '%s' has %zu dimensions (at most %d)", name, t->n_dims, MAX_RANK);
    out->rank = (int)t->n_dims;
    for (size_t i = 0; i < t->n_dims; i++) out->dims[i] = t->dims[i];
    out->count = onnx_element_count(out->dims, out->rank);
    if (out->count < 0) return onnx_fail(im, "tensor '%s' declares impossible dimensions", name);
    const int32_t type = t->has_data_type ? t->data_type : 0;
    size_t stored;
    size_t width;
    switch (type) {
    case ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT: width = 4, stored = t->n_float_data; break;
    case ONNX__TENSOR_PROTO__DATA_TYPE__INT64: width = 8, stored = t->n_int64_data; break;
    case ONNX__TENSOR_PROTO__DATA_TYPE__INT32: width = 4, stored = t->n_int32_data; break;
    case ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE: width = 8, stored = t->n_double_data; break;
    default: return onnx_fail(im, "tensor '%s' has element type %d (float, double, int32 and int64 are read)", name, type);
    }
    if (t->has_raw_data) stored = t->raw_data.len / width;
    if ((t->has_raw_data && t->raw_data.len % width) || stored != (uint64_t)out->count)
        return onnx_fail(im, "tensor '%s' holds %zu elements where its dimensions say %lld", name, stored,
                    (long long)out->count);
    out->integral = type == ONNX__TENSOR_PROTO__DATA_TYPE__INT64 || type == ONNX__TENSOR_PROTO__DATA_TYPE__INT32;
    out->proto = t;
    if (out->count > MAX_FOLDED) return 0;
    out->numbers = malloc((size_t)(out->count ? out->count : 1) * sizeof *out->numbers);
    if (!out->numbers) return onnx_fail(im, "out of memory");
    for (int64_t i = 0; i < out->count; i++) out->numbers[i] = proto_element(t, (size_t)i);
    return 0;
}

/* A constant's values as floats, in its own (row-major) order: a new block (malloc) of count floats;
 * NULL (and a reason) when memory runs out. */
float *onnx_floats(importer *im, const value *v) {
    float *x = malloc((size_t)(v->count ? v->count : 1) * sizeof *x);
    if (!x) return onnx_fail(im, "out of memory"), NULL;
    for (int64_t i = 0; i < v->count; i++) x[i] = (float)(v->numbers ? v->numbers[i] : proto_element(v->proto, (size_t)i));
    return x;
}

/* A folded constant of `count` numbers (copied) and dims. */
int onnx_define_folded(importer *im, size_t k, const double *x, int64_t count, const int64_t *dims, int rank,
                         bool integral) {
    value v = {.kind = VALUE_CONSTANT, .rank = rank, .count = count, .integral = integral};
    memcpy(v.dims, dims, (size_t)rank * sizeof *dims);
    v.numbers = malloc((size_t)(count ? count : 1) * sizeof *v.numbers);
    if (!v.numbers) return onnx_fail(im, "out of memory");
    memcpy(v.numbers, x, (size_t)count * sizeof *x);
    return onnx_define(im, onnx_output_name(im, k), v) ? 0 : -1;
}

/* ---- Attributes ---- */

const Onnx__AttributeProto *onnx_attribute(const importer *im, const char *name) {
    for (size_t i = 0; i < im->node->n_attribute; i++)
        if (im->node->attribute[i]->name && strcmp(im->node->attribute[i]->name, name) == 0)
            return im->node->attribute[i];
    return NULL;
}

int64_t onnx_int_attribute(const importer *im, const char *name, int64_t fallback) {
    const Onnx__AttributeProto *a = onnx_attribute(im, name);
    return a && a->has_i ? a->i : fallback;
}

float onnx_float_attribute(const importer *im, const char *name, float fallback) {
    const Onnx__AttributeProto *a = onnx_attribute(im, name);
    return a && a->has_f ? a->f : fallback;
}

/* A list of ints: its length (0 when absent), the values in *out. */
size_t onnx_ints_attribute(const importer *im, const char *name, const int64_t **out) {
    const Onnx__AttributeProto *a = onnx_attribute(im, name);
    *out = a ? a->ints : NULL;
    return a ? a->n_ints : 0;
}

bool onnx_string_attribute_is(const importer *im, const char *name, const char *expected, const char *fallback) {
    const Onnx__AttributeProto *a = onnx_attribute(im, name);
    if (!a || !a->has_s) return strcmp(fallback, expected) == 0;
    return a->s.len == strlen(expected) && memcmp(a->s.data, expected, a->s.len) == 0;
}

/* An axis of a rank-`rank` tensor, negative counted from the end; -1 when out of range. */
int onnx_axis_of(int64_t axis, int rank) {
    if (axis < 0) axis += rank;
    return axis >= 0 && axis < rank ? (int)axis : -1;
}


int64_t onnx_numbers_argument(importer *im, const char *name, int since, size_t k, double *out, size_t max) {
    if (im->opset >= since) {
        if (k >= im->node->n_input || !im->node->input[k][0]) return 0;
        value *v = onnx_constant_input(im, k, true);
        const double *y = v ? onnx_numbers(im, v) : NULL;
        if (!y) return -1;
        for (int64_t i = 0; i < v->count && (size_t)i < max; i++) out[i] = y[i];
        return v->count;
    }
    const int64_t *a;
    const size_t n = onnx_ints_attribute(im, name, &a);
    for (size_t i = 0; i < n && i < max; i++) out[i] = (double)a[i];
    return (int64_t)n;
}

int onnx_alias(importer *im) {
    value *x = onnx_input(im, 0, true);
    if (!x) return -1;
    value copy = *x;
    if (copy.numbers) { /* each value owns its numbers */
        copy.numbers = malloc((size_t)(copy.count ? copy.count : 1) * sizeof *copy.numbers);
        if (!copy.numbers) return onnx_fail(im, "out of memory");
        memcpy(copy.numbers, x->numbers, (size_t)x->count * sizeof *copy.numbers);
    }
    return onnx_define(im, onnx_output_name(im, 0), copy) ? 0 : -1;
}
