/* ONNX shape arithmetic on constants, folded while the model is read (onnx_reader.h). */
#include "bench/net/onnx_reader.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/error.h"

/* ---- Shape arithmetic on constants ---- */

/* Folds an element-wise operation of constants: equal counts, or one of them a single number. */
int onnx_fold_binary(importer *im, const value *a, const value *b) {
    const double *x = onnx_numbers(im, a), *y = x ? onnx_numbers(im, b) : NULL;
    if (!y) return -1;
    if (a->count != b->count && a->count != 1 && b->count != 1) return onnx_fail(im, "constants of %lld and %lld elements",
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
            if (q == 0) return onnx_fail(im, "a division by zero");
            out[i] = integral ? trunc(p / q) : p / q;
        }
    }
    return onnx_define_folded(im, 0, out, big->count, big->dims, big->rank, integral);
}


static int shape(importer *im) {
    value *x = onnx_input(im, 0, true);
    if (!x) return -1;
    if (x->kind == VALUE_CONSTANT) {
        double d[MAX_RANK];
        for (int i = 0; i < x->rank; i++) d[i] = (double)x->dims[i];
        const int64_t r = x->rank;
        return onnx_define_folded(im, 0, d, r, &r, 1, true);
    }
    if (x->kind != VALUE_TENSOR) return onnx_fail(im, "the shape of a partial reshape is not supported");
    if (onnx_attribute(im, "start") || onnx_attribute(im, "end")) return onnx_fail(im, "Shape with start or end is not supported");
    const lm_shape s = onnx_shape_of(im, x);
    const double d[4] = {s.n, s.c, s.h, s.w};
    const int64_t r = x->rank;
    return onnx_define_folded(im, 0, d, r, &r, 1, true);
}

static int gather(importer *im) {
    value *data = onnx_constant_input(im, 0, true), *indices = data ? onnx_constant_input(im, 1, true) : NULL;
    const double *x = indices ? onnx_numbers(im, data) : NULL, *k = x ? onnx_numbers(im, indices) : NULL;
    if (!k) return -1;
    if (data->rank != 1 || onnx_int_attribute(im, "axis", 0) != 0) return onnx_fail(im, "only a gather from a 1-D constant is supported");
    double out[MAX_FOLDED];
    for (int64_t i = 0; i < indices->count; i++) {
        int64_t j = onnx_whole(k[i]);
        if (j < 0) j += data->count;
        if (j < 0 || j >= data->count) return onnx_fail(im, "index %g out of range", k[i]);
        out[i] = x[j];
    }
    return onnx_define_folded(im, 0, out, indices->count, indices->dims, indices->rank, data->integral);
}

int onnx_fold_slice(importer *im, const value *x, int64_t start, int64_t end) {
    const double *d = onnx_numbers(im, x);
    if (!d) return -1;
    const int64_t n = x->count;
    start = start < 0 ? start + n : start, end = end < 0 ? end + n : end;
    start = start < 0 ? 0 : start > n ? n : start, end = end < start ? start : end > n ? n : end;
    const int64_t count = end - start;
    return onnx_define_folded(im, 0, d + start, count, &count, 1, x->integral);
}

/* Unsqueeze and Squeeze of constants: the numbers stay, the dims change. */
static int unsqueeze_or_squeeze(importer *im, bool unsqueeze) {
    value *x = onnx_constant_input(im, 0, true);
    const double *d = x ? onnx_numbers(im, x) : NULL;
    if (!d) return -1;
    double folded[MAX_RANK];
    const int64_t listed = onnx_numbers_argument(im, "axes", 13, 1, folded, MAX_RANK);
    if (listed < 0) return -1;
    if (listed > MAX_RANK) return onnx_fail(im, "too many dimensions");
    const size_t n = (size_t)listed;
    int rank = unsqueeze ? x->rank + (int)n : x->rank;
    if (rank > MAX_RANK) return onnx_fail(im, "too many dimensions");
    int64_t dims[MAX_RANK];
    if (unsqueeze) {
        bool inserted[MAX_RANK] = {false};
        for (size_t i = 0; i < n; i++) {
            const int a = onnx_axis_of(onnx_whole(folded[i]), rank);
            if (a < 0) return onnx_fail(im, "axis %g out of range", folded[i]);
            inserted[a] = true;
        }
        for (int i = 0, j = 0; i < rank; i++) dims[i] = inserted[i] ? 1 : x->dims[j++];
    } else {
        int kept = 0;
        for (int i = 0; i < x->rank; i++) {
            bool drop = n == 0 && x->dims[i] == 1;
            for (size_t k = 0; k < n; k++) drop |= onnx_axis_of(onnx_whole(folded[k]), x->rank) == i;
            if (!drop) dims[kept++] = x->dims[i];
        }
        rank = kept;
    }
    return onnx_define_folded(im, 0, d, x->count, dims, rank, x->integral);
}

static int constant(importer *im) {
    const Onnx__AttributeProto *a = onnx_attribute(im, "value");
    if (a && a->t) {
        value v;
        if (onnx_constant_from_proto(im, a->t, &v) != 0) return -1;
        return onnx_define(im, onnx_output_name(im, 0), v) ? 0 : -1;
    }
    const int64_t one = 1;
    if ((a = onnx_attribute(im, "value_float")) && a->has_f) {
        const double x = a->f;
        return onnx_define_folded(im, 0, &x, 1, &one, 0, false);
    }
    if ((a = onnx_attribute(im, "value_int")) && a->has_i) {
        const double x = (double)a->i;
        return onnx_define_folded(im, 0, &x, 1, &one, 0, true);
    }
    if ((a = onnx_attribute(im, "value_ints")) && a->n_ints <= MAX_FOLDED) {
        double x[MAX_FOLDED];
        for (size_t i = 0; i < a->n_ints; i++) x[i] = (double)a->ints[i];
        const int64_t count = (int64_t)a->n_ints;
        return onnx_define_folded(im, 0, x, count, &count, 1, true);
    }
    return onnx_fail(im, "a constant that is not a tensor, a float, an int or ints");
}

static int cast(importer *im) {
    value *x = onnx_input(im, 0, true);
    if (!x) return -1;
    if (x->kind != VALUE_CONSTANT) return onnx_fail(im, "Cast of an activation is not supported");
    if (onnx_alias(im) != 0) return -1;
    const int64_t to = onnx_int_attribute(im, "to", ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT);
    im->values[im->value_count - 1].integral = to == ONNX__TENSOR_PROTO__DATA_TYPE__INT64 ||
                                               to == ONNX__TENSOR_PROTO__DATA_TYPE__INT32;
    return 0;
}

int onnx_read_folding(importer *im, const char *op) {
    if (strcmp(op, "Constant") == 0) return constant(im);
    if (strcmp(op, "Shape") == 0) return shape(im);
    if (strcmp(op, "Gather") == 0) return gather(im);
    if (strcmp(op, "Unsqueeze") == 0) return unsqueeze_or_squeeze(im, true);
    if (strcmp(op, "Squeeze") == 0) return unsqueeze_or_squeeze(im, false);
    if (strcmp(op, "Cast") == 0) return cast(im);
    return 1;
}
