/* Schedules: the steps, decided once for plans and cost analysis alike (see schedule.h). */
#include "bench/net/schedule.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/error.h"

static lm_layer_category category_of(lm_op_kind kind) {
    switch (kind) {
    case LM_OP_CONV:
    case LM_OP_FC: return LM_LAYER_CONV;
    case LM_OP_SPLIT:
    case LM_OP_CONCAT: return LM_LAYER_CONCAT_SPLIT;
    case LM_OP_CHANNEL_SHUFFLE:
    case LM_OP_CONCAT_SHUFFLE_SPLIT: return LM_LAYER_SHUFFLE; /* see layer_category.h */
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

static void note_absorbed(lm_plan_step *info, const char *what) {
    const size_t used = strlen(info->absorbed);
    snprintf(info->absorbed + used, sizeof info->absorbed - used, "%s%s", used ? "+" : "", what);
}

/* The step that starts at graph node `first`: it absorbs the BatchNorm and then the activation that
 * only it feeds (unless elementwise operators stay separate), and marks them absorbed. The one place
 * fusion is decided. Returns 0, or -1 with err set when no kernel takes the operator as run. */
static int decide_step(const lm_graph *g, const lm_plan_options *o, const int *first_reader, bool *absorbed, int first,
                       lm_schedule_step *s, char *err, size_t err_size) {
    const lm_graph_node *node = lm_graph_node_at(g, first);
    lm_op_desc d = node->desc;
    lm_tensor out = node->outputs[0];
    *s = (lm_schedule_step){.info = {.name = node->name, .nodes = 1}, .node = first, .folded = -1, .fused = -1};
    if (!o->separate_elementwise) {
        int next = sole_reader(g, first_reader, out);
        const lm_graph_node *bn = next >= 0 ? lm_graph_node_at(g, next) : NULL;
        if (d.kind == LM_OP_CONV && d.act == LM_ACT_NONE && bn && bn->desc.kind == LM_OP_BATCHNORM &&
            bn->desc.act == LM_ACT_NONE) {
            d.conv.bias = true; /* the folded BatchNorm's shift */
            s->folded = next;
            absorbed[next] = true;
            s->info.nodes++;
            out = bn->outputs[0];
            note_absorbed(&s->info, "bn");
        }
        next = node->output_count == 1 ? sole_reader(g, first_reader, out) : -1;
        const lm_graph_node *act = next >= 0 ? lm_graph_node_at(g, next) : NULL;
        if (takes_fused_activation(d.kind) && d.act == LM_ACT_NONE && act && act->desc.kind == LM_OP_ACTIVATION) {
            d.act = act->desc.act;
            s->fused = next;
            absorbed[next] = true;
            s->info.nodes++;
            out = act->outputs[0];
            note_absorbed(&s->info, lm_act_name(d.act));
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
    if (lm_op_validate(&d, why, sizeof why) != 0)
        return lm_error(err, err_size, "%s: layer '%s': %s", lm_graph_name(g), node->name, why);
    s->info.kernel = lm_kernel_select(&d, o->usable_isas);
    return 0;
}

int lm_schedule_make(const lm_graph *g, const lm_plan_options *o, lm_schedule *s, char *err, size_t err_size) {
    memset(s, 0, sizeof *s);
    if (lm_graph_error(g)) return lm_error(err, err_size, "%s", lm_graph_error(g));
    if (lm_graph_output_count(g) < 1) return lm_error(err, err_size, "%s: the network has no output", lm_graph_name(g));
    const int N = lm_graph_node_count(g), T = lm_graph_tensor_count(g);
    bool *absorbed = calloc((size_t)N + 1, sizeof *absorbed);
    int *first_reader = malloc((size_t)T * sizeof *first_reader);
    s->tensor_count = T;
    s->steps = calloc((size_t)N + 1, sizeof *s->steps);
    s->group_end = malloc(((size_t)N + 1) * sizeof *s->group_end);
    s->offset = malloc((size_t)T * sizeof *s->offset);
    int status = -1;
    if (!absorbed || !first_reader || !s->steps || !s->group_end || !s->offset) {
        lm_error(err, err_size, "out of memory while planning %s", lm_graph_name(g));
        goto done;
    }
    for (int t = 0; t < T; t++) first_reader[t] = -1;
    for (int i = N - 1; i >= 0; i--)
        for (int k = 0; k < lm_graph_node_at(g, i)->input_count; k++)
            first_reader[lm_graph_node_at(g, i)->inputs[k]] = i;
    s->output_count = lm_graph_output_count(g);
    for (int i = 0; i < s->output_count; i++) s->outputs[i] = lm_graph_output_at(g, i);
    for (int i = 0; i < N; i++) {
        if (absorbed[i]) continue;
        if (decide_step(g, o, first_reader, absorbed, i, &s->steps[s->step_count], err, err_size) != 0) goto done;
        s->step_count++;
    }
    status = lm_schedule_lay_out(s, g, o->concurrent_branches, err, err_size);
done:
    free(absorbed);
    free(first_reader);
    if (status != 0) lm_schedule_free(s);
    return status;
}

void lm_schedule_free(lm_schedule *s) {
    free(s->steps);
    free(s->group_end);
    free(s->offset);
    memset(s, 0, sizeof *s);
}

lm_op_cost lm_schedule_cost(const lm_schedule *s) {
    lm_op_cost total = {0};
    for (int i = 0; i < s->step_count; i++) {
        total.madds += s->steps[i].info.cost.madds;
        total.mac += s->steps[i].info.cost.mac;
        total.params += s->steps[i].info.cost.params;
    }
    return total;
}

uint64_t lm_schedule_executed_madds(const lm_schedule *s, unsigned isas) {
    uint64_t total = 0;
    for (int i = 0; i < s->step_count; i++) {
        const lm_op_desc *d = &s->steps[i].info.desc;
        total += lm_kernel_executed_madds(lm_kernel_select(d, isas), d);
    }
    return total;
}
