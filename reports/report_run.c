/* Reading and checking results.json for the report (see report_run.h). */
#include "reports/report_run.h"

#include "bench/host/isa.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "kernels/error.h"
#include "reports/json_file.h"

double lm_report_number(const json_t *entry, const char *key) {
    const json_t *v = json_object_get(entry, key);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

const char *lm_report_string(const json_t *entry, const char *key) {
    const char *s = json_string_value(json_object_get(entry, key));
    return s ? s : "";
}

bool lm_report_failed(const json_t *entry) { return json_is_true(json_object_get(entry, "error_occurred")); }

double lm_report_seconds(const json_t *entry) {
    if (lm_report_failed(entry)) return NAN;
    const double unit = lm_time_unit_seconds(lm_report_string(entry, "time_unit"));
    return unit > 0 ? lm_report_number(entry, "real_time") * unit : NAN;
}

double lm_report_images_per_second(const json_t *entry) {
    const double stated = lm_report_number(entry, "images_per_second");
    if (isfinite(stated)) return stated;
    const double batch = lm_report_number(entry, "batch");
    return (isfinite(batch) ? batch : 1) / lm_report_seconds(entry);
}

json_t *lm_report_case(const lm_report_run *run, const char *suite, const char *shape, const char *backend,
                       int threads, const char *isa) {
    char name[512];
    lm_result_name(name, sizeof name, suite, shape, backend, NULL, isa[0] && run->isa_count > 1 ? isa : NULL, threads);
    return json_object_get(run->results, name);
}

double lm_report_cv(const lm_report_run *run, const json_t *entry) {
    const json_t *cv = json_object_get(run->cvs, lm_report_string(entry, "run_name"));
    return cv ? lm_report_number(cv, "real_time") : NAN;
}

/* Checks that entry[key] has the given JSON type; a reason naming the entry otherwise. */
static bool has(const json_t *entry, const char *key, json_type type, const char *what, const char *file, size_t i,
                char *err, size_t err_size) {
    const json_t *v = json_object_get(entry, key);
    const bool ok = v && (json_typeof(v) == type || (type == JSON_REAL && json_is_integer(v)));
    if (!ok)
        lm_error(err, err_size, "%s: benchmarks[%zu] (%s): '%s' is missing or not %s", file, i,
                 lm_report_string(entry, "name")[0] ? lm_report_string(entry, "name") : "unnamed", key, what);
    return ok;
}

/* One benchmarks entry: Google Benchmark's fields and latmac's that the report reads. */
static int check_entry(const json_t *e, const char *file, size_t i, char *err, size_t err_size) {
    if (!json_is_object(e)) return lm_error(err, err_size, "%s: benchmarks[%zu] is not an object", file, i);
    static const char *const strings[] = {"name", "run_name", "run_type", "time_unit", "suite", "case", "backend"};
    for (size_t k = 0; k < sizeof strings / sizeof strings[0]; k++)
        if (!has(e, strings[k], JSON_STRING, "a string", file, i, err, err_size)) return -1;
    if (!has(e, "threads", JSON_INTEGER, "a whole number", file, i, err, err_size) ||
        !has(e, "repetitions", JSON_INTEGER, "a whole number", file, i, err, err_size))
        return -1;
    if (!lm_report_failed(e) && !has(e, "real_time", JSON_REAL, "a number", file, i, err, err_size)) return -1;
    if (lm_time_unit_seconds(lm_report_string(e, "time_unit")) <= 0)
        return lm_error(err, err_size, "%s: benchmarks[%zu] (%s): unknown time_unit '%s'", file, i,
                        lm_report_string(e, "name"), lm_report_string(e, "time_unit"));
    return 0;
}

/* Whether entry e stands for its case: the median; the only repetition of a single-repetition case;
 * or an error, when nothing better is there. */
static int rank_of(const json_t *e) {
    if (strcmp(lm_report_string(e, "aggregate_name"), "median") == 0) return 3;
    if (strcmp(lm_report_string(e, "run_type"), "iteration") == 0 && json_integer_value(json_object_get(e, "repetitions")) == 1)
        return 2;
    return lm_report_failed(e) ? 1 : 0;
}

static int index_results(lm_report_run *run, const char *file, char *err, size_t err_size) {
    const json_t *benchmarks = json_object_get(run->root, "benchmarks");
    json_t *ranks = json_object();
    run->results = json_object();
    run->order = json_array();
    run->cvs = json_object();
    if (!ranks || !run->results || !run->order || !run->cvs) {
        json_decref(ranks);
        return lm_error(err, err_size, "out of memory reading %s", file);
    }
    size_t i;
    json_t *e;
    int status = 0;
    json_array_foreach(benchmarks, i, e) {
        if ((status = check_entry(e, file, i, err, err_size)) != 0) break;
        const char *name = lm_report_string(e, "run_name");
        if (strcmp(lm_report_string(e, "aggregate_name"), "cv") == 0) json_object_set(run->cvs, name, e);
        const int rank = rank_of(e);
        const json_t *previous = json_object_get(ranks, name);
        if (!rank || (previous && json_integer_value(previous) >= rank)) continue;
        if (!previous) json_array_append(run->order, e);
        else /* a better entry for a case already listed: replace it in place */
            for (size_t k = 0; k < json_array_size(run->order); k++)
                if (strcmp(lm_report_string(json_array_get(run->order, k), "run_name"), name) == 0)
                    json_array_set(run->order, k, e);
        json_object_set(run->results, name, e);
        json_object_set_new(ranks, name, json_integer(rank));
    }
    json_decref(ranks);
    if (status == 0 && !json_array_size(run->order))
        status = lm_error(err, err_size, "%s holds no results (no case finished)", file);
    return status;
}

static int read_thread_counts(lm_report_run *run, const char *file, char *err, size_t err_size) {
    const json_t *list = json_object_get(run->latmac, "thread_counts");
    size_t i;
    const json_t *t;
    if (!json_is_array(list)) return lm_error(err, err_size, "%s: context.latmac.thread_counts is not a list", file);
    json_array_foreach(list, i, t) {
        const json_int_t n = json_integer_value(json_object_get(t, "threads"));
        if (n < 1 || n > LM_RESULT_MAX_THREADS || run->thread_count == LM_RESULT_MAX_THREAD_COUNTS)
            return lm_error(err, err_size, "%s: context.latmac.thread_counts[%zu] is not a thread count", file, i);
        run->threads[run->thread_count++] = (int)n;
    }
    const json_t *isas = json_object_get(run->latmac, "timed_isas"); /* absent before caps */
    json_array_foreach(isas, i, t) {
        if (!json_is_string(t) || lm_isa_from_name(json_string_value(t)) < 0 || run->isa_count == 3)
            return lm_error(err, err_size, "%s: context.latmac.timed_isas[%zu] is not an instruction set", file, i);
        snprintf(run->isas[run->isa_count++], sizeof run->isas[0], "%s", json_string_value(t));
    }
    return 0;
}

int lm_report_run_adopt(lm_report_run *run, json_t *root, const char *label, char *err, size_t err_size) {
    memset(run, 0, sizeof *run);
    run->root = root;
    snprintf(run->label, sizeof run->label, "%s", label);
    run->context = json_object_get(root, "context");
    run->latmac = json_object_get(run->context, "latmac");
    int status = 0;
    if (!json_is_object(root) || !json_is_object(run->context) || !json_is_array(json_object_get(root, "benchmarks")))
        status = lm_error(err, err_size, "%s is not a benchmark results file: it needs a \"context\" object and a "
                          "\"benchmarks\" list", label);
    else if (!json_is_object(run->latmac))
        status = lm_error(err, err_size, "%s is not latmac's results: context.latmac is missing (Google Benchmark's "
                          "own files hold too little for a report)", label);
    else if ((status = read_thread_counts(run, label, err, err_size)) == 0)
        status = index_results(run, label, err, err_size);
    if (status != 0) lm_report_run_free(run);
    return status;
}

int lm_report_run_load(lm_report_run *run, const char *path, char *err, size_t err_size) {
    memset(run, 0, sizeof *run);
    json_t *root = lm_json_file_load(path, err, err_size);
    if (!root) return -1;
    return lm_report_run_adopt(run, root, path, err, err_size);
}

void lm_report_run_free(lm_report_run *run) {
    json_decref(run->results);
    json_decref(run->order);
    json_decref(run->cvs);
    json_decref(run->root);
    memset(run, 0, sizeof *run);
}
