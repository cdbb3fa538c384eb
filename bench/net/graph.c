/* Network graphs (see graph.h). */
#include "bench/net/graph.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/net/case_data.h"

#define MAX_GRAPH_OUTPUTS LM_GRAPH_MAX_OUTPUTS

struct lm_graph {
    char name[64];
    char scope[LM_GRAPH_NAME_SIZE];
    char error[320];
    bool failed;
    int node_count, node_capacity;
    lm_graph_node *nodes;
    int tensor_count, tensor_capacity;
    lm_graph_tensor *tensors;
    int output_count;
    lm_tensor outputs[MAX_GRAPH_OUTPUTS];
};

static void fail(lm_graph *g, const char *layer, const char *format, ...) __attribute__((format(printf, 3, 4)));
static void fail(lm_graph *g, const char *layer, const char *format, ...) {
    if (g->failed) return;
    g->failed = true;
    int n = layer ? snprintf(g->error, sizeof g->error, "%s: layer '%s': ", g->name, layer)
                  : snprintf(g->error, sizeof g->error, "%s: ", g->name);
    if (n < 0 || (size_t)n >= sizeof g->error) return;
    va_list ap;
    va_start(ap, format);
    vsnprintf(g->error + n, sizeof g->error - (size_t)n, format, ap);
    va_end(ap);
}

static lm_tensor new_tensor(lm_graph *g, lm_shape shape, int producer) {
    if (g->tensor_count == g->tensor_capacity) {
        const int capacity = g->tensor_capacity ? 2 * g->tensor_capacity : 64;
        lm_graph_tensor *t = realloc(g->tensors, (size_t)capacity * sizeof *t);
        if (!t) return LM_NO_TENSOR;
        g->tensors = t;
        g->tensor_capacity = capacity;
    }
    g->tensors[g->tensor_count] = (lm_graph_tensor){.shape = shape, .producer = producer};
    return g->tensor_count++;
}

lm_graph *lm_graph_create(const char *name, lm_shape input) {
    lm_graph *g = calloc(1, sizeof *g);
    if (!g) return NULL;
    snprintf(g->name, sizeof g->name, "%s", name ? name : "network");
    if (new_tensor(g, input, -1) != 0) {
        lm_graph_destroy(g);
        return NULL;
    }
    if (input.n < 1 || input.h < 1 || input.w < 1 || input.c < 1)
        fail(g, NULL, "input %dx%dx%dx%d: every size must be positive", input.n, input.h, input.w, input.c);
    return g;
}

void lm_graph_destroy(lm_graph *g) {
    if (!g) return;
    for (int i = 0; i < g->node_count; i++) free(g->nodes[i].params);
    free(g->nodes);
    free(g->tensors);
    free(g);
}

const char *lm_graph_error(const lm_graph *g) { return g->failed ? g->error : NULL; }

void lm_graph_fail(lm_graph *g, const char *format, ...) {
    if (g->failed) return;
    char why[256];
    va_list ap;
    va_start(ap, format);
    vsnprintf(why, sizeof why, format, ap);
    va_end(ap);
    fail(g, NULL, "%s", why);
}

void lm_graph_scope(lm_graph *g, const char *format, ...) {
    g->scope[0] = '\0';
    if (!format) return;
    va_list ap;
    va_start(ap, format);
    vsnprintf(g->scope, sizeof g->scope, format, ap);
    va_end(ap);
}

static bool valid_tensor(const lm_graph *g, lm_tensor t) { return t >= 0 && t < g->tensor_count; }

lm_tensor lm_graph_add(lm_graph *g, const char *name, lm_op_desc d, const lm_tensor *inputs, int input_count) {
    if (g->failed) return LM_NO_TENSOR;
    char full[LM_GRAPH_NAME_SIZE];
    if (snprintf(full, sizeof full, "%s%s%s", g->scope, g->scope[0] ? "." : "", name) >= (int)sizeof full) {
        fail(g, name, "the name is longer than %d characters", LM_GRAPH_NAME_SIZE - 1);
        return LM_NO_TENSOR;
    }
    for (int i = 0; i < g->node_count; i++)
        if (strcmp(g->nodes[i].name, full) == 0) {
            fail(g, full, "another layer has this name");
            return LM_NO_TENSOR;
        }
    if ((unsigned)d.kind >= LM_OP_KIND_COUNT) {
        fail(g, full, "unknown operator kind %d", (int)d.kind);
        return LM_NO_TENSOR;
    }
    const int expected = d.kind == LM_OP_CONCAT ? d.parts.count : lm_op_input_count(&d);
    if (input_count != expected || input_count < 1 || input_count > LM_MAX_PARTS) {
        fail(g, full, "%s takes %d input(s), %d given", lm_op_kind_name(d.kind), expected, input_count);
        return LM_NO_TENSOR;
    }
    for (int i = 0; i < input_count; i++)
        if (!valid_tensor(g, inputs[i])) {
            fail(g, full, "input %d is not a tensor of this graph", i);
            return LM_NO_TENSOR;
        }
    /* The description's input shapes come from the tensors; check the others agree where the kind
     * needs them to. */
    const lm_shape first = g->tensors[inputs[0]].shape;
    d.in = first;
    if (d.kind == LM_OP_CONCAT) {
        for (int i = 0; i < input_count; i++) {
            const lm_shape s = g->tensors[inputs[i]].shape;
            if (s.n != first.n || s.h != first.h || s.w != first.w) {
                fail(g, full, "concat input %d is %dx%dx%d, input 0 is %dx%dx%d", i, s.h, s.w, s.c, first.h, first.w,
                     first.c);
                return LM_NO_TENSOR;
            }
            d.parts.channels[i] = s.c;
        }
    } else if (input_count == 2) {
        const lm_shape b = g->tensors[inputs[1]].shape;
        if (d.kind == LM_OP_MUL && b.h == 1 && b.w == 1 && (first.h != 1 || first.w != 1)) d.binary.broadcast = true;
        const lm_shape need = lm_op_input_shape(&d, 1);
        if (b.n != need.n || b.h != need.h || b.w != need.w || b.c != need.c) {
            fail(g, full, "%s of %dx%dx%d and %dx%dx%d: the shapes do not match", lm_op_kind_name(d.kind), first.h,
                 first.w, first.c, b.h, b.w, b.c);
            return LM_NO_TENSOR;
        }
    }
    char why[200];
    if (lm_op_validate(&d, why, sizeof why) != 0) {
        fail(g, full, "%s on %dx%dx%d: %s", lm_op_kind_name(d.kind), first.h, first.w, first.c, why);
        return LM_NO_TENSOR;
    }
    if (g->node_count == g->node_capacity) {
        const int capacity = g->node_capacity ? 2 * g->node_capacity : 64;
        lm_graph_node *nodes = realloc(g->nodes, (size_t)capacity * sizeof *nodes);
        if (!nodes) {
            fail(g, full, "out of memory");
            return LM_NO_TENSOR;
        }
        g->nodes = nodes;
        g->node_capacity = capacity;
    }
    lm_graph_node *node = &g->nodes[g->node_count];
    memset(node, 0, sizeof *node);
    snprintf(node->name, sizeof node->name, "%s", full);
    node->desc = d;
    node->input_count = input_count;
    for (int i = 0; i < input_count; i++) {
        node->inputs[i] = inputs[i];
        g->tensors[inputs[i]].consumers++;
    }
    node->output_count = lm_op_output_count(&d);
    for (int i = 0; i < node->output_count; i++) {
        node->outputs[i] = new_tensor(g, lm_op_output_shape(&d, i), g->node_count);
        if (node->outputs[i] == LM_NO_TENSOR) {
            fail(g, full, "out of memory");
            return LM_NO_TENSOR;
        }
    }
    g->node_count++;
    return node->outputs[0];
}

void lm_graph_output(lm_graph *g, lm_tensor t) {
    if (g->failed) return;
    if (!valid_tensor(g, t)) return fail(g, NULL, "the output is not a tensor of this graph");
    if (g->output_count == MAX_GRAPH_OUTPUTS) return fail(g, NULL, "more than %d outputs", MAX_GRAPH_OUTPUTS);
    g->outputs[g->output_count++] = t;
    g->tensors[t].consumers++;
}

/* ---- Convenience builders ---- */

static lm_tensor add1(lm_graph *g, const char *name, lm_op_desc d, lm_tensor x) { return lm_graph_add(g, name, d, &x, 1); }

lm_tensor lm_graph_conv_dilated(lm_graph *g, const char *name, lm_tensor x, int out_c, int kernel, int stride,
                                int dilation, int groups, bool bias) {
    const int pad = dilation * (kernel - 1) / 2;
    lm_op_desc d = lm_op_conv(lm_graph_shape(g, x), out_c, kernel, stride, pad, groups, bias, LM_ACT_NONE);
    d.conv.dilation_h = d.conv.dilation_w = dilation;
    return add1(g, name, d, x);
}

lm_tensor lm_graph_conv(lm_graph *g, const char *name, lm_tensor x, int out_c, int kernel, int stride, int groups,
                        bool bias) {
    return lm_graph_conv_dilated(g, name, x, out_c, kernel, stride, 1, groups, bias);
}

lm_tensor lm_graph_conv_bn_act(lm_graph *g, const char *name, lm_tensor x, int out_c, int kernel, int stride,
                               int groups, lm_act act) {
    char sub[LM_GRAPH_NAME_SIZE];
    x = lm_graph_conv(g, name, x, out_c, kernel, stride, groups, false);
    snprintf(sub, sizeof sub, "%s.bn", name);
    x = lm_graph_batchnorm(g, sub, x);
    if (act == LM_ACT_NONE) return x;
    snprintf(sub, sizeof sub, "%s.act", name);
    return lm_graph_act(g, sub, x, act);
}

lm_tensor lm_graph_batchnorm(lm_graph *g, const char *name, lm_tensor x) {
    lm_op_desc d = {.kind = LM_OP_BATCHNORM};
    d.bn.eps = 1e-5f;
    return add1(g, name, d, x);
}

lm_tensor lm_graph_act(lm_graph *g, const char *name, lm_tensor x, lm_act act) {
    return add1(g, name, (lm_op_desc){.kind = LM_OP_ACTIVATION, .act = act}, x);
}

lm_tensor lm_graph_add2(lm_graph *g, const char *name, lm_tensor a, lm_tensor b) {
    return lm_graph_add(g, name, (lm_op_desc){.kind = LM_OP_ADD}, (lm_tensor[]){a, b}, 2);
}

lm_tensor lm_graph_mul(lm_graph *g, const char *name, lm_tensor a, lm_tensor b) {
    return lm_graph_add(g, name, (lm_op_desc){.kind = LM_OP_MUL}, (lm_tensor[]){a, b}, 2);
}

lm_tensor lm_graph_shuffle(lm_graph *g, const char *name, lm_tensor x, int groups) {
    lm_op_desc d = {.kind = LM_OP_CHANNEL_SHUFFLE};
    d.shuffle.groups = groups;
    return add1(g, name, d, x);
}

int lm_graph_split(lm_graph *g, const char *name, lm_tensor x, int count, const int *channels, lm_tensor *parts) {
    if (count < 1 || count > LM_MAX_PARTS) {
        fail(g, name, "split into %d parts: expected 1 to %d", count, LM_MAX_PARTS);
        return -1;
    }
    lm_op_desc d = {.kind = LM_OP_SPLIT};
    d.parts.count = count;
    for (int i = 0; i < count; i++) d.parts.channels[i] = channels[i];
    const lm_tensor first = add1(g, name, d, x);
    for (int i = 0; i < count; i++) parts[i] = first == LM_NO_TENSOR ? LM_NO_TENSOR : first + i;
    return first == LM_NO_TENSOR ? -1 : 0;
}

lm_tensor lm_graph_concat(lm_graph *g, const char *name, const lm_tensor *parts, int count) {
    lm_op_desc d = {.kind = LM_OP_CONCAT};
    d.parts.count = count;
    return lm_graph_add(g, name, d, parts, count);
}

int lm_graph_concat_shuffle_split(lm_graph *g, const char *name, lm_tensor a, lm_tensor b, int count,
                                  lm_tensor *parts) {
    if (count != 1 && count != 2) {
        fail(g, name, "concat_shuffle_split into %d parts: expected 1 or 2", count);
        return -1;
    }
    lm_op_desc d = {.kind = LM_OP_CONCAT_SHUFFLE_SPLIT};
    d.merged.outputs = count;
    const lm_tensor first = lm_graph_add(g, name, d, (lm_tensor[]){a, b}, 2);
    for (int i = 0; i < count; i++) parts[i] = first == LM_NO_TENSOR ? LM_NO_TENSOR : first + i;
    return first == LM_NO_TENSOR ? -1 : 0;
}

static lm_tensor pool(lm_graph *g, const char *name, lm_op_kind kind, lm_tensor x, int kernel, int stride, int pad) {
    lm_op_desc d = {.kind = kind};
    d.pool.kernel = kernel;
    d.pool.stride = stride;
    d.pool.pad = pad;
    return add1(g, name, d, x);
}

lm_tensor lm_graph_maxpool(lm_graph *g, const char *name, lm_tensor x, int kernel, int stride, int pad) {
    return pool(g, name, LM_OP_MAXPOOL, x, kernel, stride, pad);
}

lm_tensor lm_graph_avgpool(lm_graph *g, const char *name, lm_tensor x, int kernel, int stride, int pad) {
    return pool(g, name, LM_OP_AVGPOOL, x, kernel, stride, pad);
}

lm_tensor lm_graph_global_avgpool(lm_graph *g, const char *name, lm_tensor x) {
    return add1(g, name, (lm_op_desc){.kind = LM_OP_GLOBAL_AVGPOOL}, x);
}

lm_tensor lm_graph_fc(lm_graph *g, const char *name, lm_tensor x, int out_c, bool bias) {
    lm_op_desc d = {.kind = LM_OP_FC};
    d.fc.out_c = out_c;
    d.fc.bias = bias;
    return add1(g, name, d, x);
}

lm_tensor lm_graph_resize(lm_graph *g, const char *name, lm_tensor x, int out_h, int out_w, bool align_corners) {
    lm_op_desc d = {.kind = LM_OP_RESIZE_BILINEAR};
    d.resize.out_h = out_h;
    d.resize.out_w = out_w;
    d.resize.align_corners = align_corners;
    return add1(g, name, d, x);
}

/* ---- Reading ---- */

const char *lm_graph_name(const lm_graph *g) { return g->name; }
int lm_graph_node_count(const lm_graph *g) { return g->node_count; }
const lm_graph_node *lm_graph_node_at(const lm_graph *g, int i) { return &g->nodes[i]; }
int lm_graph_tensor_count(const lm_graph *g) { return g->tensor_count; }
const lm_graph_tensor *lm_graph_tensor_at(const lm_graph *g, lm_tensor t) { return &g->tensors[t]; }
lm_shape lm_graph_shape(const lm_graph *g, lm_tensor t) {
    return valid_tensor(g, t) ? g->tensors[t].shape : (lm_shape){0, 0, 0, 0};
}
int lm_graph_output_count(const lm_graph *g) { return g->output_count; }
lm_tensor lm_graph_output_at(const lm_graph *g, int i) { return g->outputs[i]; }

lm_op_cost lm_graph_cost(const lm_graph *g) {
    lm_op_cost total = {0};
    for (int i = 0; i < g->node_count; i++) {
        const lm_op_cost c = lm_op_cost_of(&g->nodes[i].desc);
        total.madds += c.madds;
        total.mac += c.mac;
        total.params += c.params;
    }
    return total;
}

/* ---- Weights ---- */

static double fan_in(const lm_op_desc *d) {
    if (d->kind == LM_OP_CONV) return (double)d->conv.kernel_h * d->conv.kernel_w * (d->in.c / d->conv.groups);
    if (d->kind == LM_OP_FC) return (double)d->in.h * d->in.w * d->in.c;
    return 1;
}

int lm_graph_set_params(lm_graph *g, lm_tensor t, float *params) {
    if (g->failed || !valid_tensor(g, t) || g->tensors[t].producer < 0) {
        free(params);
        if (!g->failed) fail(g, NULL, "parameters given for tensor %d, which no node writes", t);
        return -1;
    }
    lm_graph_node *node = &g->nodes[g->tensors[t].producer];
    free(node->params);
    node->params = params;
    return 0;
}

void lm_graph_fill_params(const lm_graph *g, int i, uint64_t seed, float *params) {
    const lm_graph_node *node = &g->nodes[i];
    const lm_op_desc *d = &node->desc;
    const size_t n = lm_op_param_floats(d);
    if (node->params) {
        memcpy(params, node->params, n * sizeof *params);
        return;
    }
    uint64_t state = lm_seed_of(node->name) ^ (seed * 0x9e3779b97f4a7c15ull);
    if (!state) state = 1;
    size_t used = 0;
    switch (d->kind) {
    case LM_OP_CONV:
    case LM_OP_FC: {
        const int out_c = d->kind == LM_OP_CONV ? d->conv.out_c : d->fc.out_c;
        const bool bias = d->kind == LM_OP_CONV ? d->conv.bias : d->fc.bias;
        const size_t weights = n - (bias ? (size_t)out_c : 0) - (d->act == LM_ACT_PRELU ? (size_t)out_c : 0);
        const float a = (float)sqrt(6.0 / fan_in(d)); /* uniform(-a, a) has variance 2 / fan-in */
        lm_fill_uniform(&state, params, weights, -a, a);
        used = weights;
        if (bias) {
            lm_fill_uniform(&state, params + used, (size_t)out_c, -0.1f, 0.1f);
            used += (size_t)out_c;
        }
        break;
    }
    case LM_OP_BIAS:
        lm_fill_uniform(&state, params, (size_t)d->in.c, -0.1f, 0.1f);
        used = (size_t)d->in.c;
        break;
    case LM_OP_BATCHNORM: {
        const size_t c = (size_t)d->in.c;
        lm_fill_uniform(&state, params, c, 0.5f, 1.0f);             /* gamma */
        lm_fill_uniform(&state, params + c, c, -0.1f, 0.1f);        /* beta */
        lm_fill_uniform(&state, params + 2 * c, c, -0.1f, 0.1f);    /* mean */
        lm_fill_uniform(&state, params + 3 * c, c, 0.5f, 1.5f);     /* variance */
        used = 4 * c;
        break;
    }
    default: break;
    }
    for (size_t k = used; k < n; k++) params[k] = 0.25f; /* PReLU slopes: PyTorch's initial value */
}
