/* The nets suite (see net_suite.h). */
#include "bench/measure/net_suite.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/measure/backend.h"
#include "bench/net/case_data.h"
#include "bench/net/schedule.h"
#include "kernels/error.h"
#include "bench/host/isa.h"
#include "bench/measure/kernel_suite.h"
#include "bench/host/clock.h"
#include "bench/stats/summary.h"
#include "bench/net/onnx_import.h"
#include "bench/net/zoo.h"

static void network_shape(char *buf, size_t size, const char *network, int batch, int height, int width) {
    snprintf(buf, size, "%s@%dx%dx%d", network, batch, height, width);
}

static lm_plan *make_plan(const lm_graph *g, bool separate, bool concurrent, unsigned usable_isas, size_t arena_offset,
                          char *err, size_t err_size) {
    const lm_plan_options o = {.usable_isas = usable_isas,
                               .separate_elementwise = separate,
                               .concurrent_branches = concurrent,
                               .seed = lm_seed_of(lm_graph_name(g)),
                               .arena_offset = arena_offset};
    return lm_plan_create(g, &o, err, err_size);
}

/* The schedule of a network's graph (no weights: those wait until a case runs); -1 with a reason when
 * it cannot take the input, and then the graph is destroyed. */
static int schedule_of(lm_graph *g, const char *name, int batch, int height, int width, unsigned usable_isas,
                       lm_schedule *schedule, char *err, size_t err_size) {
    const lm_plan_options o = {.usable_isas = usable_isas};
    if (!g) return lm_error(err, err_size, "out of memory while building %s", name);
    if (lm_graph_error(g)) {
        lm_error(err, err_size, "%s cannot take a %dx%dx%d input: %s", name, batch, height, width, lm_graph_error(g));
    } else if (lm_schedule_make(g, &o, schedule, err, err_size) == 0) {
        return 0;
    }
    lm_graph_destroy(g);
    return -1;
}

/* The file of model case `network` ("<base name>.onnx"), or NULL when it names none of `models`. */
static const char *model_path(const lm_net_models *models, const char *network) {
    for (size_t i = 0; models && i < models->count; i++) {
        char name[LM_NET_NAME_SIZE];
        lm_net_model_name(models->paths[i], name, sizeof name);
        if (strcmp(name, network) == 0) return models->paths[i];
    }
    return NULL;
}

void lm_net_model_name(const char *path, char *name, size_t size) {
    const char *slash = strrchr(path, '/');
    snprintf(name, size, "%s", slash ? slash + 1 : path);
}

static void whole_network_case(lm_result_case *c, const char *reference, const lm_graph *g,
                               const lm_schedule *schedule, const char *shape, unsigned isas) {
    const lm_op_cost def = lm_graph_cost(g), run = lm_schedule_cost(schedule);
    const lm_shape in = lm_graph_shape(g, 0), out = lm_graph_shape(g, lm_graph_output_at(g, 0));
    snprintf(c->shape, sizeof c->shape, "%s", shape);
    snprintf(c->category, sizeof c->category, "network");
    snprintf(c->op, sizeof c->op, "network");
    snprintf(c->kernel, sizeof c->kernel, "latmac executor");
    snprintf(c->description, sizeof c->description, "%s (%s), %dx%dx%dx%d -> %dx%dx%d, %d steps from %d layers",
             c->network, reference, in.n, in.h, in.w, in.c, out.h, out.w, out.c, schedule->step_count,
             lm_graph_node_count(g));
    c->madds = def.madds;
    c->executed_madds = lm_schedule_executed_madds(schedule, isas);
    c->mac = run.mac;
    c->params = def.params;
    c->layers = lm_graph_node_count(g);
    c->steps = schedule->step_count;
    c->peak_activation_bytes = schedule->peak_activation_bytes;
    lm_result_case_set_name(c);
}

static void layer_case(lm_result_case *c, const lm_schedule *schedule, int i, const char *network_shape, unsigned isas) {
    const lm_plan_step *s = &schedule->steps[i].info;
    const lm_kernel *kernel = lm_kernel_select(&s->desc, isas);
    snprintf(c->shape, sizeof c->shape, "%s/layer:%03d:%s", network_shape, i, s->name);
    snprintf(c->category, sizeof c->category, "%s", lm_layer_category_name(s->category));
    snprintf(c->op, sizeof c->op, "%s", lm_op_kind_name(s->desc.kind));
    snprintf(c->kernel, sizeof c->kernel, "%s", kernel->name);
    c->executed_madds = lm_kernel_executed_madds(kernel, &s->desc);
    lm_op_describe(&s->desc, c->description, sizeof c->description);
    const size_t used = strlen(c->description);
    if (s->absorbed[0]) snprintf(c->description + used, sizeof c->description - used, ", absorbed %s", s->absorbed);
    c->layer_index = i;
    snprintf(c->layer, sizeof c->layer, "%s", s->name);
    c->madds = s->cost.madds;
    c->mac = s->cost.mac;
    c->params = s->cost.params;
    lm_result_case_set_name(c);
}

static bool wanted(const regex_t *filter, const lm_result_case *c) {
    return !filter || regexec(filter, c->name, 0, NULL, 0) == 0;
}

/* The step model's prediction of the schedule's time with the kernels dispatch picks under `isas`, by
 * the first of `models` of that cap and thread count; 0 when none is. */
static double predicted_seconds(const lm_net_models *models, const lm_schedule *s, unsigned isas, int threads) {
    const lm_step_model *m = NULL;
    for (size_t i = 0; models && i < models->predictor_count && !m; i++)
        if (models->predictors[i].isa == lm_isa_best(isas) && models->predictors[i].threads == threads)
            m = &models->predictors[i];
    double total = 0;
    for (int i = 0; m && i < s->step_count; i++) {
        const lm_op_desc *d = &s->steps[i].info.desc;
        const double t = lm_step_predict(m, d, lm_kernel_select(d, isas));
        if (t < 0) return 0; /* a class it was not calibrated on */
        total += t;
    }
    return total;
}

/* The cases of one network, `name` at batch x height x width (see lm_net_suite_add_cases); its graph
 * g is destroyed here. */
static int add_network_cases(lm_results *r, const char *name, const char *reference, lm_graph *g, int batch, int height,
                             int width, bool per_layer, const lm_result_case *bases, size_t base_count,
                             const regex_t *filter, unsigned usable_isas, const lm_net_models *models, char *err,
                             size_t err_size) {
    lm_schedule schedule;
    if (schedule_of(g, name, batch, height, width, usable_isas, &schedule, err, err_size) != 0) return -1;
    char shape[128];
    network_shape(shape, sizeof shape, name, batch, height, width);
    int status = 0;
    for (size_t b = 0; b < base_count && status == 0; b++) {
        lm_result_case c = bases[b];
        snprintf(c.network, sizeof c.network, "%s", name);
        c.batch = batch, c.input_h = height, c.input_w = width, c.layer_index = -1;
        whole_network_case(&c, reference, g, &schedule, shape, lm_isas_up_to_named(usable_isas, bases[b].isa));
        c.predicted_seconds = predicted_seconds(models, &schedule, lm_isas_up_to_named(usable_isas, bases[b].isa), c.threads);
        if (wanted(filter, &c)) status = lm_results_add_case(r, &c);
        for (int i = 0; per_layer && i < schedule.step_count && status == 0; i++) {
            lm_result_case l = bases[b];
            l.runs_on = &lm_backend_layer;
            snprintf(l.network, sizeof l.network, "%s", name);
            l.batch = batch, l.input_h = height, l.input_w = width;
            layer_case(&l, &schedule, i, shape, lm_isas_up_to_named(usable_isas, bases[b].isa));
            if (wanted(filter, &l)) status = lm_results_add_case(r, &l);
        }
    }
    lm_schedule_free(&schedule);
    lm_graph_destroy(g);
    return status != 0 ? lm_error(err, err_size, "out of memory while planning") : 0;
}

static int add_zoo_cases(lm_results *r, const lm_zoo_net *net, int batch, int height, int width, bool per_layer,
                         const lm_result_case *bases, size_t base_count, const regex_t *filter, unsigned usable_isas,
                         const lm_net_models *models, char *err, size_t err_size) {
    return add_network_cases(r, net->name, net->reference, lm_zoo_build(net, batch, height, width), batch, height,
                             width, per_layer, bases, base_count, filter, usable_isas, models, err, err_size);
}

int lm_net_suite_add_cases(lm_results *r, const char *const *names, size_t name_count, int batch, int height,
                           int width, bool per_layer, bool merge_shuffle, const lm_result_case *bases, size_t base_count,
                           const regex_t *filter, unsigned usable_isas, const lm_net_models *models, char *err,
                           size_t err_size) {
    const size_t count = names ? name_count : (size_t)lm_zoo_count;
    for (size_t n = 0; n < count; n++) {
        const lm_zoo_net *net = names ? lm_zoo_find(names[n]) : &lm_zoo[n];
        if (!net) return lm_error(err, err_size, "unknown network '%s' (see 'latmac list nets')", names[n]);
        const lm_zoo_net *merged = merge_shuffle ? lm_zoo_merged(net) : NULL;
        for (size_t k = 0; merged && names && k < count; k++) /* named too: added in its own turn */
            if (lm_zoo_find(names[k]) == merged) merged = NULL;
        if (add_zoo_cases(r, net, batch, height, width, per_layer, bases, base_count, filter, usable_isas, models, err,
                          err_size) != 0 ||
            (merged && add_zoo_cases(r, merged, batch, height, width, per_layer, bases, base_count, filter, usable_isas,
                                     models, err, err_size) != 0))
            return -1;
    }
    return 0;
}

lm_plan *lm_net_cache_load(lm_net_cache *cache, const lm_result_case *c, const lm_suite *suite,
                           unsigned usable_isas, char *err, size_t err_size) {
    char key[sizeof cache->key];
    network_shape(key, sizeof key, c->network, c->batch, c->input_h, c->input_w);
    if (c->separate_elementwise) snprintf(key + strlen(key), sizeof key - strlen(key), "/separate");
    if (c->concurrent_branches) snprintf(key + strlen(key), sizeof key - strlen(key), "/concurrent");
    snprintf(key + strlen(key), sizeof key - strlen(key), "/isas:%x", usable_isas);
    if (cache->plan && strcmp(key, cache->key) == 0) return cache->plan;
    lm_net_cache_clear(cache);
    cache->graph = suite->build(suite, c);
    if (!cache->graph) {
        lm_error(err, err_size, "out of memory while building %s", c->network);
        return NULL;
    }
    if (lm_graph_error(cache->graph))
        lm_error(err, err_size, "%s", lm_graph_error(cache->graph));
    else
        cache->plan = make_plan(cache->graph, c->separate_elementwise, c->concurrent_branches, usable_isas,
                                cache->arena_offset, err, err_size);
    if (!cache->plan) {
        lm_net_cache_clear(cache);
        return NULL;
    }
    snprintf(cache->key, sizeof cache->key, "%s", key);
    lm_plan_run(cache->plan, NULL); /* every buffer now holds what a run leaves there */
    return cache->plan;
}

void lm_net_cache_clear(lm_net_cache *cache) {
    lm_plan_destroy(cache->plan);
    lm_graph_destroy(cache->graph);
    *cache = (lm_net_cache){.arena_offset = cache->arena_offset};
}

int lm_net_profile(lm_plan *p, lm_threadpool *pool, int runs, double seconds[LM_LAYER_CATEGORY_COUNT]) {
    const int steps = lm_plan_step_count(p);
    if (runs < 1) runs = 1;
    double *t = malloc((size_t)steps * (size_t)runs * sizeof *t);
    if (!t) return -1;
    for (int r = 0; r < runs; r++) {
        double before = lm_now_seconds();
        for (int i = 0; i < steps; i++) {
            lm_plan_run_step(p, i, pool);
            const double after = lm_now_seconds();
            t[(size_t)i * (size_t)runs + (size_t)r] = after - before;
            before = after;
        }
    }
    for (int i = 0; i < steps; i++) {
        seconds[lm_plan_step_at(p, i)->category] += lm_median_in_place(t + (size_t)i * (size_t)runs, (size_t)runs);
    }
    free(t);
    return 0;
}

/* ---- the suite (bench/measure/suite.h) -------------------------------------------------------- */

/* The cases of the ONNX model at `path`, at its own batch and input size where batch, height or width
 * is 0. */
static int add_model_cases(lm_results *r, const char *path, int batch, int height, int width, bool per_layer,
                           const lm_result_case *bases, size_t base_count, const regex_t *filter, unsigned usable_isas,
                           const lm_net_models *models, char *err, size_t err_size) {
    char name[LM_NET_NAME_SIZE], why[512];
    lm_net_model_name(path, name, sizeof name);
    lm_graph *g = lm_onnx_import(path, batch, height, width, why, sizeof why);
    if (!g) return lm_error(err, err_size, "%s", why);
    const lm_shape in = lm_graph_shape(g, 0);
    char reference[PATH_MAX + 16];
    snprintf(reference, sizeof reference, "ONNX model %s", path);
    return add_network_cases(r, name, reference, g, in.n, in.h, in.w, per_layer, bases, base_count, filter,
                             usable_isas, models, err, err_size);
}

static int add_suite_cases(const lm_suite *suite, const lm_run_config *cfg, lm_results *r, const lm_result_case *bases,
                           size_t base_count, char *err, size_t err_size) {
    const lm_net_models *models = suite->options;
    if ((cfg->nets || !models || !models->count) &&
        lm_net_suite_add_cases(r, cfg->nets, cfg->net_count, cfg->batch ? cfg->batch : 1,
                               cfg->input_h ? cfg->input_h : 224, cfg->input_w ? cfg->input_w : 224, cfg->per_layer,
                               cfg->merge_shuffle, bases, base_count, cfg->filter, r->usable_isas, models, err,
                               err_size) != 0)
        return -1;
    for (size_t i = 0; models && i < models->count; i++)
        if (add_model_cases(r, models->paths[i], cfg->batch, cfg->input_h, cfg->input_w, cfg->per_layer, bases,
                            base_count, cfg->filter, r->usable_isas, models, err, err_size) != 0)
            return -1;
    return 0;
}

/* A zoo network by name, or a model of the suite's selection by its file's base name. */
static lm_graph *build_network(const lm_suite *suite, const lm_result_case *c) {
    const char *path = model_path(suite->options, c->network);
    if (path) {
        char err[512];
        return lm_onnx_import(path, c->batch, c->input_h, c->input_w, err, sizeof err);
    }
    const lm_zoo_net *net = lm_zoo_find(c->network);
    return net ? lm_zoo_build(net, c->batch, c->input_h, c->input_w) : NULL;
}

static size_t zoo_size(const lm_suite *suite) {
    (void)suite;
    return (size_t)lm_zoo_count;
}

const lm_suite lm_suite_nets = {
    .name = "nets",
    .about = "whole networks of the zoo end to end; with --per-layer, each layer alone",
    .names = "nets/<network>@<batch>x<H>x<W>/latmac/threads:<N>",
    .count = zoo_size,
    .add_cases = add_suite_cases,
    .build = build_network,
};
