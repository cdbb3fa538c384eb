/* Schedules: everything a plan (plan.h) decides about a graph that needs no weights and no
 * activations, i.e. the network's cost analysis.
 *
 * A schedule holds the steps (which graph nodes run as one kernel call: a BatchNorm folded into the
 * convolution before it, an activation fused into the operator before it, each only where nothing
 * else reads the intermediate tensor), each step's operator as run, the kernel dispatch picks for it
 * and its cost; the groups of steps that run at once (concurrent branches); and every tensor's place
 * in the activation arena, with the arena's size and the peak of live bytes. Making one allocates a
 * few small arrays (per node, per tensor): listing or planning the whole zoo takes milliseconds.
 *
 * lm_plan_create makes its plan from a schedule (lm_schedule_make) and adds only the weights, the
 * prepared kernels and the arena, so a schedule reports exactly what a plan of the same graph and
 * options reports: planning reads schedules, and only a case that runs builds a plan. */
#ifndef LM_SCHEDULE_H
#define LM_SCHEDULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bench/net/graph.h"
#include "bench/net/plan.h"

typedef struct lm_schedule_step {
    lm_plan_step info; /* what lm_plan_step_at reports; kernel: dispatch's pick under the usable sets */
    int node;          /* the graph node it runs */
    int folded;        /* the BatchNorm node folded into it; -1: none */
    int fused;         /* the activation node fused into it; -1: none */
    int input_count, output_count;
    lm_tensor inputs[LM_MAX_PARTS], outputs[LM_MAX_PARTS]; /* outputs[0]: the last absorbed node's */
} lm_schedule_step;

typedef struct lm_schedule {
    int step_count;
    lm_schedule_step *steps; /* in execution order */
    int *group_end;          /* per step: one past the last step of the group it starts */
    int tensor_count;
    size_t *offset;          /* per graph tensor: its place in the arena; SIZE_MAX when no step uses it */
    size_t arena_bytes;      /* as lm_plan_arena_bytes */
    size_t peak_activation_bytes; /* as lm_plan_peak_activation_bytes */
    int output_count;
    lm_tensor outputs[LM_GRAPH_MAX_OUTPUTS]; /* the graph's */
} lm_schedule;

/* Schedules `g` under `options` (their seed is not used). Returns 0, or -1 with the reason a plan would
 * give in err (the graph's error, no output, an operator no kernel takes, out of memory); *s is then
 * empty. */
int lm_schedule_make(const lm_graph *g, const lm_plan_options *options, lm_schedule *s, char *err, size_t err_size);
void lm_schedule_free(lm_schedule *s); /* leaves *s empty; an empty one is allowed */

/* The steps' total MAdds, MAC as executed and params as packed (as lm_plan_cost). */
lm_op_cost lm_schedule_cost(const lm_schedule *s);
/* The multiply-adds the kernels dispatch picks under `isas` perform on the steps (as
 * lm_plan_executed_madds). */
uint64_t lm_schedule_executed_madds(const lm_schedule *s, unsigned isas);

/* ---- A part of making a schedule, in its own file ---- */

/* layout.c: forms the groups (with `concurrent`, maximal runs of consecutive steps none of which reads
 * another's output; else one step each) and lays the tensors out by liveness, filling group_end,
 * offset, arena_bytes and peak_activation_bytes of `s` (whose steps, arrays and outputs are set).
 * Returns 0, or -1 with err set when memory runs out. */
int lm_schedule_lay_out(lm_schedule *s, const lm_graph *g, bool concurrent, char *err, size_t err_size);

#endif
