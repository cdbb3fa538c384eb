/* Plans and the executor (see plan.h). */
#include "bench/net/plan.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/net/case_data.h"
#include "kernels/error.h"

#define ALIGN 64 /* bytes: every tensor starts on a cache line */

typedef struct step {
    lm_plan_step info;
    lm_op *op;
    int input_count, output_count;
    lm_tensor inputs[LM_MAX_PARTS], outputs[LM_MAX_PARTS];
    const float *in[LM_MAX_PARTS];
    float *out[LM_MAX_PARTS];
} step;

struct lm_plan {
    int step_count;
    step *steps;
    int *group_end; /* per step: one past the last step of the group it starts (concurrent branches) */
    int tensor_count;
    size_t *offset;   /* per graph tensor: its place in the arena; SIZE_MAX when the plan has none */
    unsigned char *arena;
    size_t arena_bytes, peak_bytes;
    int output_count;
    lm_tensor outputs[LM_GRAPH_MAX_OUTPUTS];
};

static lm_layer_category category_of(lm_op_kind kind) {
    switch (kind) {
    case LM_OP_CONV:
    case LM_OP_FC: return LM_LAYER_CONV;
    case LM_OP_SPLIT:
    case LM_OP_CONCAT: return LM_LAYER_DATA;
    case LM_OP_CHANNEL_SHUFFLE: return LM_LAYER_SHUFFLE;
    case LM_OP_ACTIVATION:
    case LM_OP_BIAS:
    case LM_OP_BATCHNORM:
    case LM_OP_ADD:
    case LM_OP_MUL: return LM_LAYER_ELEMWISE;
    default: return LM_LAYER_OTHER;
    }
}

static bool takes_fused_activation(lm_op_kind kind) {
    return kind == LM_OP_CONV || kind == LM_OP_FC || kind == LM_OP_BIAS || kind == LM_OP_BATCHNORM ||
           kind == LM_OP_ADD || kind == LM_OP_MUL;
}

/* The only node reading tensor t, or -1 when t has no reader, several, or is a graph output. */
static int sole_reader(const lm_graph *g, const int *first_reader, lm_tensor t) {
    return lm_graph_tensor_at(g, t)->consumers == 1 ? first_reader[t] : -1;
}

/* Folds BatchNorm parameters (gamma, beta, mean, variance) into a convolution's weights and bias:
 * y = (conv(x) + b - mean) * s + beta with s = gamma / sqrt(variance + eps). `conv` holds the
 * convolution's block without bias; `folded` gets weights and bias. */
static void fold_batchnorm(const lm_op_desc *conv, const float *conv_params, const float *bn, float eps, float *folded) {
    const int out_c = conv->conv.out_c;
    const size_t per_out = (size_t)conv->conv.kernel_h * conv->conv.kernel_w * (conv->in.c / conv->conv.groups);
    const float *old_bias = conv->conv.bias ? conv_params + (size_t)out_c * per_out : NULL;
    float *bias = folded + (size_t)out_c * per_out;
    for (int o = 0; o < out_c; o++) {
        const float s = bn[o] / sqrtf(bn[3 * out_c + o] + eps);
        for (size_t k = 0; k < per_out; k++) folded[o * per_out + k] = conv_params[o * per_out + k] * s;
        bias[o] = ((old_bias ? old_bias[o] : 0.0f) - bn[2 * out_c + o]) * s + bn[out_c + o];
    }
}

static float *node_params(const lm_graph *g, int node, uint64_t seed) {
    const size_t n = lm_op_param_floats(&lm_graph_node_at(g, node)->desc);
    float *p = malloc((n ? n : 1) * sizeof *p);
    if (p) lm_graph_fill_params(g, node, seed, p);
    return p;
}

static void note_absorbed(lm_plan_step *info, const char *what) {
    const size_t used = strlen(info->absorbed);
    snprintf(info->absorbed + used, sizeof info->absorbed - used, "%s%s", used ? "+" : "", what);
}

/* Builds the step that starts at graph node `first`, absorbing the BatchNorm and activation that only
 * it feeds; marks absorbed nodes. Returns 0, or -1 with err set. */
static int make_step(const lm_graph *g, const lm_plan_options *o, const int *first_reader, bool *absorbed, int first,
                     step *s, char *err, size_t err_size) {
    const lm_graph_node *node = lm_graph_node_at(g, first);
    lm_op_desc d = node->desc;
    float *params = node_params(g, first, o->seed);
    if (!params) return lm_error(err, err_size, "out of memory");
    lm_tensor out = node->outputs[0];
    s->info.name = node->name;
    s->info.nodes = 1;
    if (!o->separate_elementwise) {
        int next = sole_reader(g, first_reader, out);
        const lm_graph_node *bn = next >= 0 ? lm_graph_node_at(g, next) : NULL;
        if (d.kind == LM_OP_CONV && d.act == LM_ACT_NONE && bn && bn->desc.kind == LM_OP_BATCHNORM &&
            bn->desc.act == LM_ACT_NONE) {
            float *bn_params = node_params(g, next, o->seed);
            lm_op_desc folded_desc = d;
            folded_desc.conv.bias = true;
            float *folded = malloc(lm_op_param_floats(&folded_desc) * sizeof *folded);
            if (!bn_params || !folded) {
                free(bn_params), free(folded), free(params);
                return lm_error(err, err_size, "out of memory");
            }
            fold_batchnorm(&d, params, bn_params, bn->desc.bn.eps, folded);
            free(bn_params);
            free(params);
            params = folded;
            d = folded_desc;
            absorbed[next] = true;
            out = bn->outputs[0];
            note_absorbed(&s->info, "bn");
            s->info.nodes++;
        }
        next = lm_graph_node_at(g, first)->output_count == 1 ? sole_reader(g, first_reader, out) : -1;
        const lm_graph_node *act = next >= 0 ? lm_graph_node_at(g, next) : NULL;
        if (takes_fused_activation(d.kind) && d.act == LM_ACT_NONE && act && act->desc.kind == LM_OP_ACTIVATION) {
            const size_t before = lm_op_param_floats(&d);
            d.act = act->desc.act;
            const size_t after = lm_op_param_floats(&d);
            float *grown = realloc(params, (after ? after : 1) * sizeof *grown);
            if (!grown) {
                free(params);
                return lm_error(err, err_size, "out of memory");
            }
            params = grown;
            if (after > before) lm_graph_fill_params(g, next, o->seed, params + before); /* PReLU slopes */
            absorbed[next] = true;
            out = act->outputs[0];
            note_absorbed(&s->info, lm_act_name(d.act));
            s->info.nodes++;
        }
    }
    s->input_count = node->input_count;
    memcpy(s->inputs, node->inputs, sizeof s->inputs);
    s->output_count = node->output_count;
    memcpy(s->outputs, node->outputs, sizeof s->outputs);
    s->outputs[0] = out;
    s->info.desc = d;
    s->info.category = category_of(d.kind);
    s->info.cost = lm_op_cost_of(&d);
    char why[200];
    s->op = lm_op_create(&d, params, NULL, o->usable_isas, why, sizeof why);
    free(params);
    if (!s->op) return lm_error(err, err_size, "%s: layer '%s': %s", lm_graph_name(g), node->name, why);
    s->info.kernel = lm_op_kernel(s->op);
    return 0;
}

static size_t tensor_bytes(const lm_graph *g, lm_tensor t) {
    return (lm_shape_elements(lm_graph_shape(g, t)) * sizeof(float) + ALIGN - 1) / ALIGN * ALIGN;
}

/* Whether a tensor starting at `at` would share its offset within a 4 KiB page (to 256 bytes) with
 * one the same step reads or writes. Loads that look like they might depend on an earlier store to
 * the same page offset wait for it ("4K aliasing"): with a plain first fit, 56x56x128 tensors (a
 * multiple of 4 KiB) all started on page boundaries, and the G1 and G2 cases with 128 channels ran
 * markedly slower than their neighbours. */
static bool aliases(const lm_plan *p, const int *step_of, lm_tensor t, size_t at) {
    if (step_of[t] < 0) return false;
    const step *s = &p->steps[step_of[t]];
    for (int k = 0; k < s->input_count + s->output_count; k++) {
        const lm_tensor u = k < s->input_count ? s->inputs[k] : s->outputs[k - s->input_count];
        if (u == t || p->offset[u] == SIZE_MAX) continue;
        const size_t d = (at - p->offset[u]) % 4096;
        if (d < 256 || d > 4096 - 256) return true;
    }
    return false;
}

/* Lays the tensors out by liveness: each takes the lowest offset that overlaps no tensor alive at the
 * same time (first fit) and does not alias one its step reads or writes. A tensor lives from the step
 * that writes it to the last step that reads it; the input and the graph's outputs live throughout. */
static int lay_out(lm_plan *p, const lm_graph *g, char *err, size_t err_size) {
    const int T = p->tensor_count, S = p->step_count;
    int *born = malloc((size_t)T * sizeof *born), *dies = malloc((size_t)T * sizeof *dies);
    int *step_of = malloc((size_t)T * sizeof *step_of);
    lm_tensor *order = malloc((size_t)T * sizeof *order);
    if (!born || !dies || !step_of || !order) {
        free(born), free(dies), free(step_of), free(order);
        return lm_error(err, err_size, "out of memory");
    }
    for (int t = 0; t < T; t++) born[t] = dies[t] = -2, step_of[t] = -1; /* not in the plan */
    born[0] = -1;
    /* Lifetimes in units of groups (a group of concurrent steps counts as its first step): steps of
     * one group run at once, so none may reuse what another of them reads or writes. */
    for (int head = 0; head < S; head = p->group_end[head])
        for (int s = head; s < p->group_end[head]; s++) {
            for (int i = 0; i < p->steps[s].output_count; i++) {
                const lm_tensor t = p->steps[s].outputs[i];
                born[t] = dies[t] = head, step_of[t] = s;
            }
            for (int i = 0; i < p->steps[s].input_count; i++) dies[p->steps[s].inputs[i]] = p->group_end[head] - 1;
        }
    dies[0] = S; /* the input is the caller's: it stays */
    for (int i = 0; i < p->output_count; i++) dies[p->outputs[i]] = S;
    int n = 0;
    for (int t = 0; t < T; t++)
        if (born[t] != -2) order[n++] = t; /* first fit needs no particular order */
    for (int a = 0; a < n; a++) {
        const lm_tensor t = order[a];
        const size_t size = tensor_bytes(g, t);
        size_t at = 0;
        for (bool moved = true; moved;) { /* first fit: move past every overlapping live tensor */
            moved = false;
            for (int b = 0; b < a; b++) {
                const lm_tensor u = order[b];
                if (dies[u] < born[t] || born[u] > dies[t]) continue; /* not alive together */
                const size_t u_end = p->offset[u] + tensor_bytes(g, u);
                if (p->offset[u] < at + size && at < u_end) {
                    at = u_end;
                    moved = true;
                }
            }
            if (!moved && aliases(p, step_of, t, at)) { /* 5 cache lines on, and look again */
                at += 5 * ALIGN;
                moved = true;
            }
        }
        p->offset[t] = at;
        if (at + size > p->arena_bytes) p->arena_bytes = at + size;
    }
    for (int s = -1; s <= S; s++) { /* the peak: bytes alive while step s runs */
        size_t live = 0;
        for (int a = 0; a < n; a++)
            if (born[order[a]] <= s && dies[order[a]] >= s) live += tensor_bytes(g, order[a]);
        if (live > p->peak_bytes) p->peak_bytes = live;
    }
    free(born), free(dies), free(step_of), free(order);
    return 0;
}

/* Whether step j reads what one of steps [i, j) writes. */
static bool depends(const lm_plan *p, int i, int j) {
    for (int k = i; k < j; k++)
        for (int a = 0; a < p->steps[j].input_count; a++)
            for (int b = 0; b < p->steps[k].output_count; b++)
                if (p->steps[j].inputs[a] == p->steps[k].outputs[b]) return true;
    return false;
}

/* Groups of steps that run at once: maximal runs of consecutive steps none of which reads another's
 * output; without concurrency every step is its own group. */
static void form_groups(lm_plan *p, bool concurrent) {
    for (int i = 0; i < p->step_count;) {
        int j = i + 1;
        while (concurrent && j < p->step_count && !depends(p, i, j)) j++;
        for (int k = i; k < j; k++) p->group_end[k] = j;
        i = j;
    }
}

lm_plan *lm_plan_create(const lm_graph *g, const lm_plan_options *o, char *err, size_t err_size) {
    if (lm_graph_error(g)) {
        lm_error(err, err_size, "%s", lm_graph_error(g));
        return NULL;
    }
    if (lm_graph_output_count(g) < 1) {
        lm_error(err, err_size, "%s: the network has no output", lm_graph_name(g));
        return NULL;
    }
    const int N = lm_graph_node_count(g), T = lm_graph_tensor_count(g);
    lm_plan *p = calloc(1, sizeof *p);
    bool *absorbed = calloc((size_t)N + 1, sizeof *absorbed);
    int *first_reader = malloc((size_t)T * sizeof *first_reader);
    if (!p || !absorbed || !first_reader) goto out_of_memory;
    p->tensor_count = T;
    p->steps = calloc((size_t)N + 1, sizeof *p->steps);
    p->offset = malloc((size_t)T * sizeof *p->offset);
    if (!p->steps || !p->offset) goto out_of_memory;
    for (int t = 0; t < T; t++) first_reader[t] = -1, p->offset[t] = SIZE_MAX;
    for (int i = N - 1; i >= 0; i--)
        for (int k = 0; k < lm_graph_node_at(g, i)->input_count; k++) first_reader[lm_graph_node_at(g, i)->inputs[k]] = i;
    p->output_count = lm_graph_output_count(g);
    for (int i = 0; i < p->output_count; i++) p->outputs[i] = lm_graph_output_at(g, i);

    for (int i = 0; i < N; i++) {
        if (absorbed[i]) continue;
        if (make_step(g, o, first_reader, absorbed, i, &p->steps[p->step_count], err, err_size) != 0) goto failed;
        p->step_count++;
    }
    p->group_end = malloc((size_t)(p->step_count + 1) * sizeof *p->group_end);
    if (!p->group_end) goto out_of_memory;
    form_groups(p, o->concurrent_branches);
    if (lay_out(p, g, err, err_size) != 0) goto failed;
    /* 64 bytes of slack: vector kernels may load a little past a tensor's end. */
    p->arena = aligned_alloc(4096, (p->arena_bytes + ALIGN + 4095) / 4096 * 4096); /* page-aligned: see page_offset */
    if (!p->arena) goto out_of_memory;
    memset(p->arena, 0, p->arena_bytes + ALIGN); /* touch every page now, not while timing */
    for (int s = 0; s < p->step_count; s++) {
        step *st = &p->steps[s];
        for (int i = 0; i < st->input_count; i++) st->in[i] = (const float *)(p->arena + p->offset[st->inputs[i]]);
        for (int i = 0; i < st->output_count; i++) st->out[i] = (float *)(p->arena + p->offset[st->outputs[i]]);
    }
    uint64_t state = o->seed ^ 0x5eedull;
    if (!state) state = 1;
    lm_fill_uniform(&state, lm_plan_input(p), lm_shape_elements(lm_graph_shape(g, 0)), -1, 1);
    free(absorbed);
    free(first_reader);
    return p;
out_of_memory:
    lm_error(err, err_size, "out of memory while planning %s", lm_graph_name(g));
failed:
    free(absorbed);
    free(first_reader);
    lm_plan_destroy(p);
    return NULL;
}

void lm_plan_destroy(lm_plan *p) {
    if (!p) return;
    for (int s = 0; s < p->step_count; s++) lm_op_destroy(p->steps[s].op);
    free(p->steps);
    free(p->group_end);
    free(p->offset);
    free(p->arena);
    free(p);
}

float *lm_plan_input(lm_plan *p) { return (float *)(p->arena + p->offset[0]); }

const float *lm_plan_output(const lm_plan *p, int i) { return (const float *)(p->arena + p->offset[p->outputs[i]]); }

void lm_plan_run_step(lm_plan *p, int i, lm_threadpool *pool) {
    const step *s = &p->steps[i];
    lm_op_run(s->op, s->in, s->out, pool);
}

typedef struct group_run {
    lm_plan *plan;
    int first;
} group_run;

/* One step of a group, alone on the thread that took it. */
static void run_member(void *context, size_t task, int thread) {
    (void)thread;
    const group_run *g = context;
    lm_plan_run_step(g->plan, g->first + (int)task, NULL);
}

void lm_plan_run(lm_plan *p, lm_threadpool *pool) {
    for (int i = 0; i < p->step_count; i = p->group_end[i]) {
        const int members = p->group_end[i] - i;
        if (members > 1 && lm_threadpool_threads(pool) > 1) {
            group_run g = {.plan = p, .first = i};
            lm_threadpool_parallelize(pool, (size_t)members, run_member, &g);
        } else {
            for (int k = i; k < p->group_end[i]; k++) lm_plan_run_step(p, k, pool);
        }
    }
}

int lm_plan_step_count(const lm_plan *p) { return p->step_count; }
const lm_plan_step *lm_plan_step_at(const lm_plan *p, int i) { return &p->steps[i].info; }

lm_op_cost lm_plan_cost(const lm_plan *p) {
    lm_op_cost total = {0};
    for (int i = 0; i < p->step_count; i++) {
        total.madds += p->steps[i].info.cost.madds;
        total.mac += p->steps[i].info.cost.mac;
        total.params += p->steps[i].info.cost.params;
    }
    return total;
}

uint64_t lm_plan_executed_madds(const lm_plan *p, unsigned isas) {
    uint64_t total = 0;
    for (int i = 0; i < p->step_count; i++) {
        const lm_op_desc *d = &p->steps[i].info.desc;
        total += lm_kernel_executed_madds(lm_kernel_select(d, isas), d);
    }
    return total;
}

size_t lm_plan_peak_activation_bytes(const lm_plan *p) { return p->peak_bytes; }
size_t lm_plan_arena_bytes(const lm_plan *p) { return p->arena_bytes; }
