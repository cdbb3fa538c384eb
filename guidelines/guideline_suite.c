/* The guidelines suite (see guideline_suite.h). */
#include "guidelines/guideline_suite.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "kernels/error.h"
#include "bench/host/isa.h"
#include "bench/net/schedule.h"

/* "<a>/<b>" into dst (ids are short: a longer one would be cut, never overflow). */
static void join(char *dst, size_t size, const char *a, const char *b) {
    if (snprintf(dst, size, "%s/%s", a, b) >= (int)size) dst[size - 1] = '\0';
}

/* Case c of experiment e at `scale`, as a runner case from `base`. */
static void fill_case(lm_result_case *r, const lm_result_case *base, const lm_guideline *e, const lm_guideline_case *c,
                      int scale, const lm_graph *g) {
    *r = *base;
    join(r->shape, sizeof r->shape, e->id, c->id);
    join(r->network, sizeof r->network, e->id, c->id);
    snprintf(r->category, sizeof r->category, "guideline");
    snprintf(r->op, sizeof r->op, "network");
    snprintf(r->kernel, sizeof r->kernel, "latmac executor");
    snprintf(r->description, sizeof r->description, "%s %s: %s, %d layers, 1x%dx%dx%d input", e->id, c->group, c->label,
             lm_graph_node_count(g), c->height, c->width, c->channels);
    snprintf(r->experiment, sizeof r->experiment, "%s", e->id);
    snprintf(r->group, sizeof r->group, "%s", c->group);
    snprintf(r->label, sizeof r->label, "%s", c->label);
    r->rank = c->rank;
    r->scale = scale;
    r->paper_gpu = c->paper_gpu;
    r->paper_arm = c->paper_arm;
    r->batch = 1, r->input_h = c->height, r->input_w = c->width;
    r->layer_index = -1;
    r->separate_elementwise = c->separate_elementwise;
    r->concurrent_branches = c->concurrent_branches;
    r->layers = lm_graph_node_count(g);
    const lm_op_cost cost = lm_graph_cost(g);
    r->madds = cost.madds;
    r->mac = cost.mac;
    r->params = cost.params;
}

/* The executed MAC, steps and peak of a case's plan, from its schedule (no weights: the plan is made
 * when the case runs), and the multiply-adds performed under each cap of the run (executed[isa], for
 * the kernels dispatch would pick there). */
static int plan_facts(const lm_graph *g, const lm_guideline_case *c, const lm_results *results, lm_result_case *r,
                      uint64_t executed[LM_ISA_COUNT], char *err, size_t err_size) {
    const lm_plan_options o = {.separate_elementwise = c->separate_elementwise,
                               .concurrent_branches = c->concurrent_branches};
    lm_schedule s;
    if (lm_schedule_make(g, &o, &s, err, err_size) != 0) return -1;
    r->mac = lm_schedule_cost(&s).mac;
    r->steps = s.step_count;
    r->peak_activation_bytes = s.peak_activation_bytes;
    for (int isa = 0; isa < LM_ISA_COUNT; isa++)
        executed[isa] = lm_schedule_executed_madds(&s, lm_isas_up_to(results->usable_isas, (lm_isa)isa));
    lm_schedule_free(&s);
    return 0;
}

static const lm_guideline_selection default_selection; /* every experiment at scale 1 */

/* Experiment x's cases at `scale` as runner cases, one per base. */
static int add_experiment(const lm_guideline *x, int scale, const lm_run_config *cfg, lm_results *results,
                          const lm_result_case *bases, size_t base_count, char *err, size_t err_size) {
    lm_guideline_case cases[LM_GUIDELINE_MAX_CASES];
    const int n = x->cases(scale, cases, LM_GUIDELINE_MAX_CASES);
    for (int i = 0; i < n; i++) {
        lm_graph *g = lm_guideline_build(x, &cases[i]);
        if (!g) return lm_error(err, err_size, "out of memory while building %s", x->id);
        if (lm_graph_error(g)) {
            lm_error(err, err_size, "%s", lm_graph_error(g));
            lm_graph_destroy(g);
            return -1;
        }
        lm_result_case facts;
        uint64_t executed[LM_ISA_COUNT];
        fill_case(&facts, &bases[0], x, &cases[i], scale, g);
        const int planned = plan_facts(g, &cases[i], results, &facts, executed, err, err_size);
        lm_graph_destroy(g);
        if (planned != 0) return -1;
        for (size_t b = 0; b < base_count; b++) {
            lm_result_case r = facts;
            r.threads = bases[b].threads;
            r.placement_count = bases[b].placement_count;
            memcpy(r.placement, bases[b].placement, sizeof r.placement);
            memcpy(r.isa, bases[b].isa, sizeof r.isa);
            r.isa_in_name = bases[b].isa_in_name;
            const int cap = lm_isa_from_name(r.isa);
            r.executed_madds = executed[cap < 0 ? lm_isa_best(results->usable_isas) : (lm_isa)cap];
            lm_result_case_set_name(&r);
            if (lm_runner_add_case(cfg, results, &r, err, err_size) != 0) return -1;
        }
    }
    return 0;
}

static bool selected(const lm_guideline_selection *s, const lm_guideline *x) {
    for (size_t e = 0; e < s->experiment_count; e++)
        if (s->experiments[e] == x) return true;
    return !s->experiment_count;
}

/* The selected experiments at the selected scales; the A/A noise floor at scale 1 with any selection, since
 * every verdict is checked against it (guidelines/verdict.h). */
static int add_cases(const lm_suite *suite, const lm_run_config *cfg, lm_results *results, const lm_result_case *bases,
                     size_t base_count, char *err, size_t err_size) {
    const lm_guideline_selection *s = suite->options ? suite->options : &default_selection;
    const size_t scales = s->scale_count ? s->scale_count : 1;
    bool scale_one = !s->scale_count;
    for (size_t k = 0; k < s->scale_count; k++) scale_one |= s->scales[k] == 1;
    for (int e = 0; e < lm_guideline_count; e++) {
        const lm_guideline *x = lm_guidelines[e];
        if (x->noise_floor && (!selected(s, x) || !scale_one)) {
            if (add_experiment(x, 1, cfg, results, bases, base_count, err, err_size) != 0) return -1;
            continue;
        }
        for (size_t k = 0; selected(s, x) && k < scales; k++)
            if (add_experiment(x, s->scale_count ? s->scales[k] : 1, cfg, results, bases, base_count, err, err_size) != 0)
                return -1;
    }
    return 0;
}

/* The network of a case this suite added: its experiment lists its cases again at its scale. */
static lm_graph *build(const lm_suite *suite, const lm_result_case *r) {
    (void)suite;
    const lm_guideline *x = lm_guideline_find(r->experiment);
    if (!x) return NULL;
    lm_guideline_case cases[LM_GUIDELINE_MAX_CASES];
    const int n = x->cases(r->scale, cases, LM_GUIDELINE_MAX_CASES);
    const char *id = r->network + strlen(x->id) + 1; /* "<experiment>/<id>" */
    for (int i = 0; i < n; i++)
        if (strcmp(cases[i].id, id) == 0) return lm_guideline_build(x, &cases[i]);
    return NULL;
}

/* The cases of the default selection: every experiment at scale 1. */
static size_t count(const lm_suite *suite) {
    (void)suite;
    size_t n = 0;
    lm_guideline_case cases[LM_GUIDELINE_MAX_CASES];
    for (int e = 0; e < lm_guideline_count; e++) n += (size_t)lm_guidelines[e]->cases(1, cases, LM_GUIDELINE_MAX_CASES);
    return n;
}

const lm_suite lm_suite_guidelines = {
    .name = "guidelines",
    .about = "the ShuffleNet V2 paper's guideline experiments (G1 to G4), its unit comparison (U1) and its "
             "neighbours' claims (N1 to N6), with the A/A noise floor (AA) and a verdict each",
    .names = "guidelines/<G>/<group>/<case>/latmac/threads:<N>",
    .count = count,
    .add_cases = add_cases,
    .build = build,
    /* Verdicts rest on rounds (guidelines/verdict.h), and what varies is between rounds: the memory
     * layout, which moves a small network's time by up to ~10% at 1 thread, and the shared machine's
     * state; a round's repetitions agree to within 1% but for a neighbour's burst, which the trimmed
     * interval over rounds sets aside. Measured on a shared 2-core Zen 5 VM: two runs of 10 rounds
     * (3 repetitions each) disagreed on U1 at 2 threads (a 9% reversal whose simultaneous interval
     * 10 rounds do not keep off the 5% margin) and on N4 (effects at the margin); two independent
     * pools of 20 rounds agreed on all 24 verdicts, and decided them the same from each round's first
     * repetition alone as from the median of three. So 20 rounds of one repetition: under 15 minutes
     * for the whole suite where 20 of three would take 25. */
    .rounds = 20,
    .repetitions = 1,
    .min_time = 0.02,
};
