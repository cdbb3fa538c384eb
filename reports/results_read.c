/* results.json back into result records (see results_read.h): the inverse of results_json.c for every
 * field it writes from the records. */
#include "reports/results_read.h"

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/host/isa.h"
#include "kernels/error.h"
#include "kernels/kernel.h"
#include "reports/ceilings_report.h"
#include "reports/json_fields.h"

static int get_int(const lm_json_fields *f, const json_t *o, const char *key, bool required, int64_t min, int64_t max,
                   int *out) {
    int64_t n = *out;
    if (lm_json_get_whole(f, o, key, required, min, max, &n) != 0) return -1;
    *out = (int)n;
    return 0;
}

static int get_count(const lm_json_fields *f, const json_t *o, const char *key, bool required, uint64_t *out) {
    int64_t n = (int64_t)*out;
    if (lm_json_get_whole(f, o, key, required, 0, INT64_MAX, &n) != 0) return -1;
    *out = (uint64_t)n;
    return 0;
}

/* A list of instruction-set names (usable_isas, timed_isas) as an OR of LM_ISA_BIT. */
static int get_isas(const lm_json_fields *f, const json_t *o, const char *key, unsigned *bits) {
    const json_t *list, *name;
    size_t i;
    if (lm_json_get_list(f, o, key, false, LM_ISA_COUNT, &list) != 0) return -1;
    json_array_foreach(list, i, name) {
        const int isa = json_is_string(name) ? lm_isa_from_name(json_string_value(name)) : -1;
        if (isa < 0) return lm_json_fields_error(f, "'%s' holds something that is not an instruction set", key);
        *bits |= LM_ISA_BIT(isa);
    }
    return 0;
}

/* A number, or a string ("unknown") for what was not revealed. */
static bool unknown(const json_t *o, const char *key) { return json_is_string(json_object_get(o, key)); }

static int read_peers_and_threads(const lm_json_fields *f, const json_t *l, lm_results *r) {
    const json_t *peers, *threads, *item;
    if (lm_json_get_list(f, l, "peers", true, LM_RESULT_MAX_PEERS, &peers) != 0 ||
        lm_json_get_list(f, l, "thread_counts", true, LM_RESULT_MAX_THREAD_COUNTS, &threads) != 0)
        return -1;
    size_t i;
    lm_json_fields in;
    json_array_foreach(peers, i, item) {
        lm_result_peer *p = &r->peers[r->peer_count++];
        if (lm_json_item(f, "peers", i, item, &in) != 0 ||
            lm_json_get_string(&in, item, "name", true, p->name, sizeof p->name) != 0 ||
            lm_json_get_string(&in, item, "version", false, p->version, sizeof p->version) != 0)
            return -1;
    }
    json_array_foreach(threads, i, item) {
        lm_result_thread_count *t = &r->thread_counts[r->thread_count_count++];
        if (lm_json_item(f, "thread_counts", i, item, &in) != 0 ||
            get_int(&in, item, "threads", true, 1, LM_RESULT_MAX_THREADS, &t->threads) != 0 ||
            lm_json_get_cpus(&in, item, "placement", LM_RESULT_MAX_THREADS, t->placement, &t->placement_count) != 0)
            return -1;
    }
    return 0;
}

/* Google Benchmark's context as the run keeps it: {"context": {...}} without latmac's part. */
static int keep_gb_context(const json_t *context, lm_results *r) {
    json_t *gb = json_deep_copy(context);
    json_t *doc = gb ? json_pack("{s:o}", "context", gb) : NULL;
    if (doc) json_object_del(gb, "latmac");
    r->gb_context_json = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
    json_decref(doc);
    return r->gb_context_json ? 0 : -1;
}

static int read_context(const lm_json_fields *f, const json_t *context, const json_t *l, lm_results_file *out) {
    lm_results *r = &out->results;
    int64_t planned = 0;
    r->load_at_start = -1;
    r->rounds = 1; /* absent: a file from before rounds */
    if (keep_gb_context(context, r) != 0) return lm_json_fields_error(f, "out of memory");
    if (lm_json_get_string(f, l, "suite", false, r->suite, sizeof r->suite) != 0 ||
        get_isas(f, l, "usable_isas", &r->usable_isas) != 0 || get_isas(f, l, "timed_isas", &r->timed_isas) != 0 ||
        read_peers_and_threads(f, l, r) != 0 || get_int(f, l, "repetitions", false, 0, INT_MAX, &r->repetitions) != 0 ||
        get_int(f, l, "rounds", false, 1, INT_MAX, &r->rounds) != 0 || get_count(f, l, "seed", false, &r->seed) != 0 ||
        lm_json_get_number(f, l, "min_time_seconds", false, &r->min_time) != 0 ||
        lm_json_get_number(f, l, "warmup_time_seconds", false, &r->warmup_time) != 0 ||
        lm_json_get_string(f, l, "pinning", false, r->pinning, sizeof r->pinning) != 0 ||
        (!unknown(l, "load_average_at_start") &&
         lm_json_get_number(f, l, "load_average_at_start", false, &r->load_at_start) != 0))
        return -1;
    int64_t cores = 0;
    if ((!unknown(l, "cores") && lm_json_get_whole(f, l, "cores", false, 0, UINT_MAX, &cores) != 0) ||
        lm_json_get_bool(f, l, "partial", false, &r->partial) != 0 ||
        lm_json_get_whole(f, l, "cases_planned", false, 0, INT64_MAX, &planned) != 0)
        return -1;
    r->cores = (unsigned)cores;
    r->cases_planned = (size_t)planned;
    const json_t *command_line = json_object_get(l, "command_line"); /* as long as the shell allowed */
    if (command_line && !json_is_string(command_line)) return lm_json_fields_error(f, "'command_line' is not a string");
    if (!(r->command_line = strdup(command_line ? json_string_value(command_line) : "")))
        return lm_json_fields_error(f, "out of memory");
    const json_t *ceilings = json_object_get(l, "ceilings");
    if (!ceilings) return 0;
    lm_json_fields in;
    lm_json_fields_inside(&in, f, ".ceilings");
    if (!(out->ceilings = malloc(sizeof *out->ceilings))) return lm_json_fields_error(f, "out of memory");
    r->ceilings = out->ceilings;
    return lm_ceilings_from_json(ceilings, &in, out->ceilings);
}

/* A network's, or one of its layers', facts. */
static int read_network(const lm_json_fields *f, const json_t *e, lm_result_case *c) {
    char input[32], tail;
    if (lm_json_get_string(f, e, "input", true, input, sizeof input) != 0) return -1;
    if (sscanf(input, "%dx%d%c", &c->input_h, &c->input_w, &tail) != 2 || c->input_h < 1 || c->input_w < 1)
        return lm_json_fields_error(f, "'input' is not <height>x<width>");
    if (get_int(f, e, "batch", true, 1, INT_MAX, &c->batch) != 0 ||
        get_int(f, e, "layer_index", false, 0, INT_MAX, &c->layer_index) != 0 ||
        lm_json_get_string(f, e, "layer", false, c->layer, sizeof c->layer) != 0 ||
        get_int(f, e, "layers", false, 0, INT_MAX, &c->layers) != 0 ||
        get_int(f, e, "steps", false, 0, INT_MAX, &c->steps) != 0)
        return -1;
    if (lm_json_get_number(f, e, "predicted_seconds", false, &c->predicted_seconds) != 0) return -1;
    if (!(c->predicted_seconds >= 0)) return lm_json_fields_error(f, "'predicted_seconds' is negative");
    return get_count(f, e, "peak_activation_bytes", false, &c->peak_activation_bytes);
}

/* A guideline case's place in its experiment. */
static int read_guideline(const lm_json_fields *f, const json_t *e, lm_result_case *c) {
    if (lm_json_get_string(f, e, "group", true, c->group, sizeof c->group) != 0 ||
        lm_json_get_string(f, e, "label", false, c->label, sizeof c->label) != 0 ||
        get_int(f, e, "rank", true, 0, INT_MAX, &c->rank) != 0 ||
        get_int(f, e, "scale", true, 1, INT_MAX, &c->scale) != 0 ||
        lm_json_get_bool(f, e, "separate_elementwise", false, &c->separate_elementwise) != 0 ||
        lm_json_get_bool(f, e, "concurrent_branches", false, &c->concurrent_branches) != 0 ||
        lm_json_get_number(f, e, "paper_gpu_batches_per_second", false, &c->paper_gpu) != 0)
        return -1;
    return lm_json_get_number(f, e, "paper_arm_images_per_second", false, &c->paper_arm);
}

/* The case of entry e (its first): the fields latmac repeats on each of its entries. */
static int read_case(const lm_json_fields *f, const json_t *e, size_t order, lm_result_case *c) {
    memset(c, 0, sizeof *c);
    c->layer_index = -1;
    c->family_index = (int64_t)order;
    if (lm_json_get_string(f, e, "run_name", true, c->name, sizeof c->name) != 0 ||
        lm_json_get_string(f, e, "suite", true, c->suite, sizeof c->suite) != 0 ||
        lm_json_get_string(f, e, "case", true, c->shape, sizeof c->shape) != 0 ||
        lm_json_get_string(f, e, "backend", true, c->backend, sizeof c->backend) != 0 ||
        get_int(f, e, "threads", true, 1, LM_RESULT_MAX_THREADS, &c->threads) != 0 ||
        lm_json_get_whole(f, e, "repetitions", true, 0, INT64_MAX, &c->repetitions) != 0 ||
        lm_json_get_string(f, e, "time_unit", true, c->time_unit, sizeof c->time_unit) != 0 ||
        get_count(f, e, "madds", true, &c->madds) != 0 || get_count(f, e, "mac", true, &c->mac) != 0 ||
        lm_json_get_whole(f, e, "family_index", false, -1, INT64_MAX, &c->family_index) != 0 ||
        lm_json_get_string(f, e, "kernel", false, c->kernel, sizeof c->kernel) != 0 ||
        lm_json_get_string(f, e, "isa", false, c->isa, sizeof c->isa) != 0 ||
        lm_json_get_bool(f, e, "variant", false, &c->variant) != 0 ||
        lm_json_get_string(f, e, "category", false, c->category, sizeof c->category) != 0 ||
        lm_json_get_string(f, e, "op", false, c->op, sizeof c->op) != 0 ||
        lm_json_get_string(f, e, "description", false, c->description, sizeof c->description) != 0 ||
        get_count(f, e, "executed_madds", false, &c->executed_madds) != 0 ||
        get_count(f, e, "params", false, &c->params) != 0 ||
        lm_json_get_cpus(f, e, "placement", LM_RESULT_MAX_THREADS, c->placement, &c->placement_count) != 0 ||
        lm_json_get_string(f, e, "network", false, c->network, sizeof c->network) != 0 ||
        lm_json_get_string(f, e, "experiment", false, c->experiment, sizeof c->experiment) != 0)
        return -1;
    if (lm_time_unit_seconds(c->time_unit) <= 0) return lm_json_fields_error(f, "unknown time_unit '%s'", c->time_unit);
    c->isa_in_name = strstr(c->name, "/isa:") != NULL;
    if (c->network[0] && read_network(f, e, c) != 0) return -1;
    return c->experiment[0] ? read_guideline(f, e, c) : 0;
}

/* Entry e as one of its case's runs; a network's median also carries where its time went. */
static int read_run(const lm_json_fields *f, const json_t *e, lm_result_case *c) {
    char type[16] = "", unit[16] = "";
    lm_result_run run = {.repetition_index = -1};
    if (lm_json_get_string(f, e, "run_type", true, type, sizeof type) != 0) return -1;
    run.is_aggregate = strcmp(type, "aggregate") == 0;
    if (!run.is_aggregate && strcmp(type, "iteration") != 0)
        return lm_json_fields_error(f, "'run_type' is not \"iteration\" or \"aggregate\"");
    if (run.is_aggregate) {
        if (lm_json_get_string(f, e, "aggregate_name", true, run.aggregate_name, sizeof run.aggregate_name) != 0 ||
            lm_json_get_string(f, e, "aggregate_unit", false, unit, sizeof unit) != 0)
            return -1;
        run.is_percentage = strcmp(unit, "percentage") == 0;
    } else {
        run.repetition_index = 0; /* absent: the repetitions so far */
        for (size_t i = 0; i < c->run_count; i++) run.repetition_index += !c->runs[i].is_aggregate;
        int64_t round = 0; /* absent: a file of one round */
        if (lm_json_get_whole(f, e, "repetition_index", false, 0, INT64_MAX, &run.repetition_index) != 0 ||
            lm_json_get_whole(f, e, "round", false, 0, INT_MAX, &round) != 0)
            return -1;
        run.round = (int)round;
    }
    if (lm_json_get_bool(f, e, "error_occurred", false, &run.error) != 0 ||
        lm_json_get_string(f, e, "error_message", false, run.error_message, sizeof run.error_message) != 0 ||
        lm_json_get_whole(f, e, "iterations", false, 0, INT64_MAX, &run.iterations) != 0 ||
        lm_json_get_number(f, e, "real_time", !run.error, &run.real_time) != 0 ||
        lm_json_get_number(f, e, "cpu_time", false, &run.cpu_time) != 0)
        return -1;
    const json_t *profile = json_object_get(e, "profile_time");
    if (profile) {
        lm_json_fields in;
        lm_json_fields_inside(&in, f, ".profile_time");
        if (!json_is_object(profile)) return lm_json_fields_error(f, "'profile_time' is not an object");
        const double unit_seconds = lm_time_unit_seconds(c->time_unit);
        for (int k = 0; k < LM_RESULT_LAYER_CATEGORIES; k++) {
            double t = 0;
            const char *category = lm_layer_category_name((lm_layer_category)k);
            const char *legacy = lm_layer_category_legacy_name((lm_layer_category)k);
            if (legacy && !json_object_get(profile, category)) category = legacy; /* a file from before the rename */
            if (lm_json_get_number(&in, profile, category, false, &t) != 0) return -1;
            c->profile_seconds[k] = t * unit_seconds;
        }
        c->has_profile = true;
    }
    return lm_result_case_add_run(c, &run) == 0 ? 0 : lm_json_fields_error(f, "out of memory");
}

/* Each entry joins its case (by run_name), cases in the order they first appear. */
static int read_benchmarks(const lm_json_fields *file, const json_t *benchmarks, lm_results *r) {
    json_t *cases = json_object(); /* run_name -> index into r->cases */
    if (!cases) return lm_json_fields_error(file, "out of memory");
    int status = 0;
    size_t i;
    const json_t *e;
    json_array_foreach(benchmarks, i, e) {
        lm_json_fields f = *file;
        const char *name = json_string_value(json_object_get(e, "run_name"));
        snprintf(f.where, sizeof f.where, "benchmarks[%zu] (%s)", i, name ? name : "unnamed");
        if (!json_is_object(e)) {
            status = lm_json_fields_error(&f, "not an object");
            break;
        }
        const json_t *index = name ? json_object_get(cases, name) : NULL;
        if (!index) {
            lm_result_case c;
            if ((status = read_case(&f, e, r->case_count, &c)) != 0) break;
            if (lm_results_add_case(r, &c) != 0 ||
                json_object_set_new(cases, name, json_integer((json_int_t)r->case_count - 1)) != 0) {
                status = lm_json_fields_error(&f, "out of memory");
                break;
            }
            index = json_object_get(cases, name);
        }
        if ((status = read_run(&f, e, &r->cases[json_integer_value(index)])) != 0) break;
    }
    json_decref(cases);
    return status;
}

int lm_results_read(const json_t *root, const char *file, lm_results_file *out, char *err, size_t err_size) {
    memset(out, 0, sizeof *out);
    lm_json_fields f = {.file = file, .where = "context.latmac", .err = err, .err_size = err_size};
    const json_t *context = json_object_get(root, "context"), *benchmarks = json_object_get(root, "benchmarks");
    const json_t *latmac = json_object_get(context, "latmac");
    int status;
    if (!json_is_object(context) || !json_is_array(benchmarks))
        status = lm_error(err, err_size, "%s is not a benchmark results file: it needs a \"context\" object and a "
                          "\"benchmarks\" list", file);
    else if (!json_is_object(latmac))
        status = lm_error(err, err_size, "%s is not latmac's results: context.latmac is missing or not an object", file);
    else if ((status = read_context(&f, context, latmac, out)) == 0)
        status = read_benchmarks(&f, benchmarks, &out->results);
    if (status != 0) lm_results_file_free(out);
    return status;
}

void lm_results_file_free(lm_results_file *f) {
    lm_results_free(&f->results);
    free(f->ceilings);
    memset(f, 0, sizeof *f);
}
