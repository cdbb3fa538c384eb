/* Plans and the executor (see plan.h). */
#include "bench/net/plan.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bench/net/case_data.h"
#include "bench/net/schedule.h"
#include "kernels/error.h"

#define SLACK 64 /* bytes past the arena's end: vector kernels may load a little past a tensor's end */

/* What a step needs to run besides its schedule entry. */
typedef struct step {
    lm_op *op;
    const float *in[LM_MAX_PARTS];
    float *out[LM_MAX_PARTS];
} step;

struct lm_plan {
    lm_schedule schedule; /* the steps, their groups and the arena's layout */
    step *steps;          /* per step of the schedule */
    unsigned char *block; /* the allocation: page-aligned */
    unsigned char *arena; /* where the layout's offsets start: block + the options' arena offset */
};

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

/* The parameter block of step s as it runs (lm_op_param_floats of its desc): its node's weights,
 * with the BatchNorm the schedule folded into it, followed by the slopes of a fused PReLU. NULL when
 * memory runs out. */
static float *step_params(const lm_graph *g, const lm_schedule_step *s, uint64_t seed) {
    const size_t floats = lm_op_param_floats(&s->info.desc);
    float *params = malloc((floats ? floats : 1) * sizeof *params);
    float *own = node_params(g, s->node, seed);
    float *bn = s->folded >= 0 ? node_params(g, s->folded, seed) : NULL;
    if (!params || !own || (s->folded >= 0 && !bn)) {
        free(params), free(own), free(bn);
        return NULL;
    }
    const lm_op_desc *conv = &lm_graph_node_at(g, s->node)->desc;
    size_t used = lm_op_param_floats(conv);
    if (bn) {
        fold_batchnorm(conv, own, bn, lm_graph_node_at(g, s->folded)->desc.bn.eps, params);
        lm_op_desc with_bias = *conv;
        with_bias.conv.bias = true;
        used = lm_op_param_floats(&with_bias);
    } else {
        memcpy(params, own, used * sizeof *params);
    }
    if (s->fused >= 0 && floats > used) lm_graph_fill_params(g, s->fused, seed, params + used); /* PReLU slopes */
    free(own), free(bn);
    return params;
}

lm_plan *lm_plan_create(const lm_graph *g, const lm_plan_options *o, char *err, size_t err_size) {
    lm_plan *p = calloc(1, sizeof *p);
    if (!p) {
        lm_error(err, err_size, "out of memory while planning %s", lm_graph_name(g));
        return NULL;
    }
    if (lm_schedule_make(g, o, &p->schedule, err, err_size) != 0) goto failed;
    const lm_schedule *sc = &p->schedule;
    p->steps = calloc((size_t)sc->step_count + 1, sizeof *p->steps);
    /* page-aligned, so the layout's offsets within a page are the addresses' once shifted by the offset */
    const size_t shift = o->arena_offset % LM_ARENA_OFFSET_SPAN / 64 * 64;
    p->block = p->steps ? aligned_alloc(4096, (shift + sc->arena_bytes + SLACK + 4095) / 4096 * 4096) : NULL;
    if (!p->block) goto out_of_memory;
    p->arena = p->block + shift;
    memset(p->block, 0, shift + sc->arena_bytes + SLACK); /* touch every page now, not while timing */
    for (int i = 0; i < sc->step_count; i++) {
        const lm_schedule_step *s = &sc->steps[i];
        float *params = step_params(g, s, o->seed);
        if (!params) goto out_of_memory;
        char why[200];
        p->steps[i].op = lm_op_create(&s->info.desc, params, s->info.kernel, o->usable_isas, why, sizeof why);
        free(params);
        if (!p->steps[i].op) {
            lm_error(err, err_size, "%s: layer '%s': %s", lm_graph_name(g), s->info.name, why);
            goto failed;
        }
        for (int k = 0; k < s->input_count; k++)
            p->steps[i].in[k] = (const float *)(p->arena + sc->offset[s->inputs[k]]);
        for (int k = 0; k < s->output_count; k++) p->steps[i].out[k] = (float *)(p->arena + sc->offset[s->outputs[k]]);
    }
    uint64_t state = o->seed ^ 0x5eedull;
    if (!state) state = 1;
    lm_fill_uniform(&state, lm_plan_input(p), lm_shape_elements(lm_graph_shape(g, 0)), -1, 1);
    return p;
out_of_memory:
    lm_error(err, err_size, "out of memory while planning %s", lm_graph_name(g));
failed:
    lm_plan_destroy(p);
    return NULL;
}

void lm_plan_destroy(lm_plan *p) {
    if (!p) return;
    for (int s = 0; p->steps && s < p->schedule.step_count; s++) lm_op_destroy(p->steps[s].op);
    lm_schedule_free(&p->schedule);
    free(p->steps);
    free(p->block);
    free(p);
}

float *lm_plan_input(lm_plan *p) { return (float *)(p->arena + p->schedule.offset[0]); }

const float *lm_plan_output(const lm_plan *p, int i) {
    return (const float *)(p->arena + p->schedule.offset[p->schedule.outputs[i]]);
}

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
    const int *group_end = p->schedule.group_end;
    for (int i = 0; i < p->schedule.step_count; i = group_end[i]) {
        const int members = group_end[i] - i;
        if (members > 1 && lm_threadpool_threads(pool) > 1) {
            group_run g = {.plan = p, .first = i};
            lm_threadpool_parallelize(pool, (size_t)members, run_member, &g);
        } else {
            for (int k = i; k < group_end[i]; k++) lm_plan_run_step(p, k, pool);
        }
    }
}

/* A plan reports its schedule: what lm_schedule_make gives for the same graph and options. */
int lm_plan_step_count(const lm_plan *p) { return p->schedule.step_count; }
const lm_plan_step *lm_plan_step_at(const lm_plan *p, int i) { return &p->schedule.steps[i].info; }
lm_op_cost lm_plan_cost(const lm_plan *p) { return lm_schedule_cost(&p->schedule); }
uint64_t lm_plan_executed_madds(const lm_plan *p, unsigned isas) {
    return lm_schedule_executed_madds(&p->schedule, isas);
}
size_t lm_plan_peak_activation_bytes(const lm_plan *p) { return p->schedule.peak_activation_bytes; }
size_t lm_plan_arena_bytes(const lm_plan *p) { return p->schedule.arena_bytes; }
