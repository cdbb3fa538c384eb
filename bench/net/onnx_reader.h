/* The ONNX import's shared parts, for its own files only (onnx_import.c reads the model and
 * dispatches each node; onnx_values.c keeps the names a model defines, its stored tensors and node
 * attributes; onnx_operators.c builds graph nodes; onnx_folding.c folds shape arithmetic on
 * constants). Not an interface: bench/net/onnx_import.h is. */
#ifndef LM_ONNX_READER_H
#define LM_ONNX_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bench/net/graph.h"
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
    double *numbers;                /* VALUE_CONSTANT: its values when small enough to fold (owned); else NULL */
    int64_t count;                  /* VALUE_CONSTANT: elements */
    bool integral;                  /* VALUE_CONSTANT: of an integer type (division truncates) */
    const Onnx__TensorProto *proto; /* VALUE_CONSTANT: the stored tensor it came from, or NULL when folded */
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
__attribute__((format(printf, 2, 3))) int onnx_fail(importer *im, const char *format, ...);

/* The value a name stands for (the latest definition), or NULL. */
value *onnx_find(importer *im, const char *name);

/* Defines `name` as v (taking its numbers); NULL (and a reason) when memory runs out. */
value *onnx_define(importer *im, const char *name, value v);

/* The node's input k: NULL (and a reason) when it was not defined before (a cycle, a wrong order, a
 * typo), or when it is optional and absent and `required`. */
value *onnx_input(importer *im, size_t k, bool required);

/* A HardSigmoid used other than in a hard swish: its node, made once. */
bool onnx_make_hsigmoid(importer *im, value *v);

/* Input k, which must be an activation (a HardSigmoid waiting for its hard swish becomes a node). */
value *onnx_tensor_input(importer *im, size_t k);

/* Input k, which must be a constant; NULL without a reason when optional and absent. */
value *onnx_constant_input(importer *im, size_t k, bool required);

/* The node's output k ("" when it has none). */
const char *onnx_output_name(importer *im, size_t k);

/* Defines output k as graph tensor t of rank 4 or 2; a reason from the graph when t is LM_NO_TENSOR. */
int onnx_define_tensor(importer *im, size_t k, lm_tensor t, int rank);

/* An activation's shape (NHWC). */
lm_shape onnx_shape_of(const importer *im, const value *v);

/* A folded number as an integer, saturated to +-2^62 (NaN: 0): later checks then reject it, where a
 * conversion of an out-of-range double would be undefined. */
int64_t onnx_whole(double x);

/* Whether every value of an attribute list lies in [low, 65536]: sizes, strides and pads latmac's
 * operators can take, and ints that fit. */
bool onnx_within(const int64_t *v, size_t n, int64_t low);

/* A constant's values as numbers; NULL (and a reason) when it is too large to fold. */
const double *onnx_numbers(importer *im, const value *v);

/* A constant from a TensorProto: its dims checked, its data present and of its declared size; numbers
 * folded when small. */
int onnx_constant_from_proto(importer *im, const Onnx__TensorProto *t, value *out);

/* A constant's values as floats, in its own (row-major) order: a new block (malloc) of count floats;
 * NULL (and a reason) when memory runs out. */
float *onnx_floats(importer *im, const value *v);

/* A folded constant of `count` numbers (copied) and dims. */
int onnx_define_folded(importer *im, size_t k, const double *x, int64_t count, const int64_t *dims, int rank,
                       bool integral);

/* The node's attributes by name: the attribute (NULL when absent), an int, a float, whether a string
 * equals `expected` (an absent one counts as `fallback`). */
const Onnx__AttributeProto *onnx_attribute(const importer *im, const char *name);

int64_t onnx_int_attribute(const importer *im, const char *name, int64_t fallback);
float onnx_float_attribute(const importer *im, const char *name, float fallback);

/* A list of ints: its length (0 when absent), the values in *out. */
size_t onnx_ints_attribute(const importer *im, const char *name, const int64_t **out);

bool onnx_string_attribute_is(const importer *im, const char *name, const char *expected, const char *fallback);

/* A list a node takes as attribute `name` before opset `since` and as its input k from then on (Split's
 * sizes, Unsqueeze's axes, Slice's bounds): its first `max` values into out; its length (0 when
 * absent, possibly above max), or -1 after a reason. */
int64_t onnx_numbers_argument(importer *im, const char *name, int since, size_t k, double *out, size_t max);

/* An axis of a rank-`rank` tensor, negative counted from the end; -1 when out of range. */
int onnx_axis_of(int64_t axis, int rank);

/* Output 0 as another name for input 0 (Identity, Dropout, a Cast of a constant, a no-op Reshape). */
int onnx_alias(importer *im);

/* Folds an element-wise operation of constants: equal counts, or one of them a single number. */
int onnx_fold_binary(importer *im, const value *a, const value *b);

/* Folds Slice of a 1-D constant: elements [start, end), negative ones counted from the end, clamped. */
int onnx_fold_slice(importer *im, const value *x, int64_t start, int64_t end);

/* Node kinds of each file: 0 when read, -1 after a reason, 1 when `op` is not one of its kind. */
int onnx_read_operator(importer *im, const char *op);
int onnx_read_folding(importer *im, const char *op);

#endif
