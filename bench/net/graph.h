/* Networks as graphs of the kernels' operators, over NHWC fp32 tensors.
 *
 * A graph is a definition: nodes in the order they were added (a valid execution order, since a
 * node's inputs must exist when it is added), each an operator (kernels/op.h) with a name such as
 * "stage2.0.branch2.conv1". BatchNorm and activations stay separate nodes here, as the papers draw
 * them, so parameter counts match the published ones; plans (plan.h) fold and fuse them.
 *
 * Building never stops the caller at each step: the first error (an impossible shape, a missing
 * input, out of memory) is recorded with the layer's name, every later call does nothing and returns
 * LM_NO_TENSOR, and lm_graph_error reports it. So a network definition reads as a plain sequence.
 *
 * Names: a node's name is the current scope (lm_graph_scope), a '.', and the name given. */
#ifndef LM_GRAPH_H
#define LM_GRAPH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernels/op.h"

typedef struct lm_graph lm_graph;

typedef int lm_tensor; /* a tensor of the graph: 0 is the input */
#define LM_NO_TENSOR (-1)

#define LM_GRAPH_NAME_SIZE 96
#define LM_GRAPH_MAX_OUTPUTS 4

typedef struct lm_graph_node {
    char name[LM_GRAPH_NAME_SIZE];
    lm_op_desc desc; /* input shapes filled in from the input tensors */
    int input_count, output_count;
    lm_tensor inputs[LM_MAX_PARTS], outputs[LM_MAX_PARTS];
    float *params; /* the model's own parameter block (lm_graph_set_params), or NULL: seeded */
} lm_graph_node;

typedef struct lm_graph_tensor {
    lm_shape shape;
    int producer;     /* the node that writes it; -1 for the input */
    int consumers;    /* nodes that read it, plus one per graph output it is */
} lm_graph_tensor;

/* A new graph named `name` (e.g. "shufflenet_v2_x1_0") whose input (tensor 0) has shape `input`.
 * NULL when memory runs out. An input with a non-positive size is recorded as the graph's error. */
lm_graph *lm_graph_create(const char *name, lm_shape input);
void lm_graph_destroy(lm_graph *g); /* NULL is allowed */

/* The first error met while building ("layer 'stage2.0.conv1': ..."), or NULL. */
const char *lm_graph_error(const lm_graph *g);

/* Records `format` as the graph's error (unless there is one already), for what a builder itself
 * finds impossible, e.g. a width it has no channel table for. */
void lm_graph_fail(lm_graph *g, const char *format, ...) __attribute__((format(printf, 2, 3)));

/* Sets the prefix of the names of the nodes added next ("" or NULL: none), printf-style. */
void lm_graph_scope(lm_graph *g, const char *format, ...) __attribute__((format(printf, 2, 3)));

/* Adds a node computing `d` on `inputs` (as many as op.h says the kind takes). The input shapes of
 * `d` are taken from the tensors; everything else about the operator comes from `d`. Returns the
 * node's first output; a SPLIT's (and a CONCAT_SHUFFLE_SPLIT's) outputs are consecutive tensors from it. */
lm_tensor lm_graph_add(lm_graph *g, const char *name, lm_op_desc d, const lm_tensor *inputs, int input_count);

/* Gives the node that wrote `t` its own parameter block (a model's trained weights): `params` holds
 * lm_op_param_floats of its description, in op.h's layout, was allocated with malloc and belongs to
 * the graph from now on (it is freed on failure too). Plans then use it instead of seeded weights.
 * Returns 0, or -1 after an error (recorded as the graph's). */
int lm_graph_set_params(lm_graph *g, lm_tensor t, float *params);

/* Marks `t` as an output of the network (the first marked is output 0). */
void lm_graph_output(lm_graph *g, lm_tensor t);

/* ---- Convenience builders: each adds one node (conv_bn_act up to three) and returns its output ---- */

/* Convolution, square kernel, "same" padding (dilation * (kernel - 1) / 2 on every side). */
lm_tensor lm_graph_conv(lm_graph *g, const char *name, lm_tensor x, int out_c, int kernel, int stride, int groups,
                        bool bias);
/* As lm_graph_conv with a dilation. */
lm_tensor lm_graph_conv_dilated(lm_graph *g, const char *name, lm_tensor x, int out_c, int kernel, int stride,
                                int dilation, int groups, bool bias);
/* Conv (no bias) "name", BatchNorm "name.bn", and, unless act is LM_ACT_NONE, activation "name.act":
 * the unit every network here is made of. */
lm_tensor lm_graph_conv_bn_act(lm_graph *g, const char *name, lm_tensor x, int out_c, int kernel, int stride,
                               int groups, lm_act act);
lm_tensor lm_graph_batchnorm(lm_graph *g, const char *name, lm_tensor x); /* eps 1e-5 */
lm_tensor lm_graph_act(lm_graph *g, const char *name, lm_tensor x, lm_act act);
lm_tensor lm_graph_add2(lm_graph *g, const char *name, lm_tensor a, lm_tensor b);
/* a * b; b may be [n,1,1,c] (squeeze-and-excitation scaling). */
lm_tensor lm_graph_mul(lm_graph *g, const char *name, lm_tensor a, lm_tensor b);
lm_tensor lm_graph_shuffle(lm_graph *g, const char *name, lm_tensor x, int groups);
/* Splits x's channels into `count` parts of `channels[i]`; writes the parts to `parts`. Returns 0, or
 * -1 after an error. */
int lm_graph_split(lm_graph *g, const char *name, lm_tensor x, int count, const int *channels, lm_tensor *parts);
lm_tensor lm_graph_concat(lm_graph *g, const char *name, const lm_tensor *parts, int count);
/* ShuffleNet V2's concat of a and b (same shape), channel shuffle of 2 groups and, with count 2, split
 * into halves, as one node (kernels/op.h's CONCAT_SHUFFLE_SPLIT); count 1 leaves the shuffled tensor
 * whole (for a unit that takes it all, e.g. a downsampling one). Writes the `count` outputs to `parts`;
 * returns 0, or -1 after an error. */
int lm_graph_concat_shuffle_split(lm_graph *g, const char *name, lm_tensor a, lm_tensor b, int count,
                                  lm_tensor *parts);
lm_tensor lm_graph_maxpool(lm_graph *g, const char *name, lm_tensor x, int kernel, int stride, int pad);
lm_tensor lm_graph_avgpool(lm_graph *g, const char *name, lm_tensor x, int kernel, int stride, int pad);
lm_tensor lm_graph_global_avgpool(lm_graph *g, const char *name, lm_tensor x);
lm_tensor lm_graph_fc(lm_graph *g, const char *name, lm_tensor x, int out_c, bool bias);
lm_tensor lm_graph_resize(lm_graph *g, const char *name, lm_tensor x, int out_h, int out_w, bool align_corners);

/* ---- Reading a graph ---- */

const char *lm_graph_name(const lm_graph *g);
int lm_graph_node_count(const lm_graph *g);
const lm_graph_node *lm_graph_node_at(const lm_graph *g, int i);
int lm_graph_tensor_count(const lm_graph *g);
const lm_graph_tensor *lm_graph_tensor_at(const lm_graph *g, lm_tensor t);
lm_shape lm_graph_shape(const lm_graph *g, lm_tensor t); /* {0} for LM_NO_TENSOR */
int lm_graph_output_count(const lm_graph *g);
lm_tensor lm_graph_output_at(const lm_graph *g, int i);

/* The definition's cost: the sum of its nodes' (MAdds of conv and FC; MAC with BatchNorm and
 * activations as separate ops; params with BatchNorm's gamma and beta). */
lm_op_cost lm_graph_cost(const lm_graph *g);

/* Fills node i's parameter block (lm_op_param_floats floats): its own when it was given one
 * (lm_graph_set_params), else from `seed` and the node's name, so every plan of the same graph and
 * seed gets the same weights. Conv and FC weights are uniform with
 * variance 2/fan-in (activations neither vanish nor explode through deep ReLU stacks); BatchNorm
 * gamma in [0.5, 1), beta and mean small, variance in [0.5, 1.5); biases small; PReLU slopes 0.25.
 * No value is denormal. */
void lm_graph_fill_params(const lm_graph *g, int i, uint64_t seed, float *params);

#endif
