/* Plans: a graph (graph.h) made ready to run, and the executor that runs it.
 *
 * Making a plan does everything that is not inference, once: it fills the weights from a seed
 * (lm_graph_fill_params, so two plans of one graph compute the same function), folds each BatchNorm
 * into the convolution before it, fuses each activation into the operator before it (conv, FC, bias,
 * BatchNorm, add, mul), picks a kernel for every remaining operator and packs its weights, and lays
 * the activations out in one arena by liveness: a tensor's memory is reused once its last reader has
 * run, and tensors start at different offsets within a 4 KiB page (no "4K aliasing" between a step's
 * inputs and outputs). Running is then a walk over the steps, each one kernel call; data operators (split, concat,
 * channel shuffle) are kernels like the others, so their cost shows.
 *
 * Folding and fusion apply only where nothing else reads the intermediate tensor. With
 * `separate_elementwise`, every node of the graph stays its own step, as written (the G4 experiments
 * and the reference run use that). With `concurrent_branches`, consecutive steps that do not read each
 * other's outputs (parallel branches) run at the same time, one per thread of the pool, and the
 * layout keeps what they read and write apart (G3).
 *
 * The decisions that need no weights (the steps, their groups, the arena's layout) and so every cost
 * a plan reports are its schedule (schedule.h), made by lm_schedule_make: planning reads a schedule,
 * and a plan is made only to run. */
#ifndef LM_PLAN_H
#define LM_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bench/net/graph.h"
#include "bench/net/layer_category.h"
#include "kernels/kernel.h"

typedef struct lm_plan lm_plan;

/* The span of lm_plan_options.arena_offset: 2 MiB, so the offset moves the tensors across pages as
 * well as within one. The allocator hands a process back the pages it freed, so without it a run's
 * rounds would keep one physical layout, whose cache-set conflicts then last the whole run. */
#define LM_ARENA_OFFSET_SPAN ((size_t)2 << 20)

typedef struct lm_plan_options {
    unsigned usable_isas;      /* instruction sets dispatch may use (LM_ISA_BIT); 0: reference kernels only */
    bool separate_elementwise; /* keep BatchNorm and activations as separate steps */
    /* Run consecutive steps that do not depend on each other (parallel branches) at the same time,
     * each on one thread of the pool, instead of one after another on all threads (G3). */
    bool concurrent_branches;
    uint64_t seed;             /* of the weights and the input */
    /* Where the tensors start past the arena's page-aligned base, in bytes: rounded down to a multiple
     * of 64, taken modulo LM_ARENA_OFFSET_SPAN. Rounds of a run vary it, so a result does not rest on
     * one layout. */
    size_t arena_offset;
} lm_plan_options;


typedef struct lm_plan_step {
    const char *name;           /* the graph node it runs (the first, when it absorbed others) */
    char absorbed[64];          /* what was folded or fused into it, e.g. "bn+relu"; "" for none */
    lm_op_desc desc;            /* the operator as run (BatchNorm folded, activation fused) */
    const lm_kernel *kernel;    /* the kernel dispatch picked */
    lm_layer_category category;
    lm_op_cost cost;            /* of desc: MAdds, MAC as executed, params as packed */
    int nodes;                  /* graph nodes it runs (1 + those absorbed) */
} lm_plan_step;

/* Makes a plan of `g` (built without error). Returns NULL with a reason in err when the graph has
 * an error or no output, a kernel cannot take an operator, or memory runs out. */
lm_plan *lm_plan_create(const lm_graph *g, const lm_plan_options *options, char *err, size_t err_size);
void lm_plan_destroy(lm_plan *p); /* NULL is allowed */

/* The input tensor (the graph's tensor 0), filled from the seed; callers may overwrite it. */
float *lm_plan_input(lm_plan *p);
/* Output i of the graph, valid after lm_plan_run. */
const float *lm_plan_output(const lm_plan *p, int i);

/* Runs the network once: every step in order. `pool` may be NULL (one thread). */
void lm_plan_run(lm_plan *p, lm_threadpool *pool);
/* Runs step i alone, on the buffers a full run uses (for per-layer timing). */
void lm_plan_run_step(lm_plan *p, int i, lm_threadpool *pool);

int lm_plan_step_count(const lm_plan *p);
const lm_plan_step *lm_plan_step_at(const lm_plan *p, int i);

/* The cost as executed: the steps' MAdds, MAC (elements; folded BatchNorm and fused activations
 * no longer read and write their tensors) and params. */
lm_op_cost lm_plan_cost(const lm_plan *p);
/* The multiply-adds the kernels dispatch picks under `isas` (an OR of LM_ISA_BIT) perform on the
 * steps, tile padding included (lm_kernel_executed_madds): the same for any plan of the graph, whatever
 * kernels it was built with. */
uint64_t lm_plan_executed_madds(const lm_plan *p, unsigned isas);
/* Peak activation memory: the largest sum of the bytes of the tensors alive while one step runs
 * (its inputs, its outputs and everything kept for later steps; the input image included). */
size_t lm_plan_peak_activation_bytes(const lm_plan *p);
/* The arena the planner laid them out in (at least the peak: first fit leaves some holes, and each
 * tensor starts at its own offset within a page). */
size_t lm_plan_arena_bytes(const lm_plan *p);


#endif
