/* Reading Google Benchmark JSON into cases (see benchmark_file.h). */
#include "reports/benchmark_file.h"

#include <stdlib.h>
#include <string.h>

#include "kernels/error.h"
#include "reports/json_file.h"
#include "bench/results/time_units.h"

bool lm_metric_is_time(const char *metric) {
    const size_t n = strlen(metric), suffix = strlen("_time");
    return n > suffix && strcmp(metric + n - suffix, "_time") == 0;
}

static const char *string_field(const json_t *e, const char *key) {
    const char *s = json_string_value(json_object_get(e, key));
    return s ? s : "";
}

/* The case named `name`, added when new; NULL when memory runs out. Entries of a case come together,
 * so the last case is tried first. */
static lm_bench_case *case_named(lm_bench_set *set, const char *name) {
    for (size_t i = set->count; i-- > 0;)
        if (strcmp(set->cases[i].name, name) == 0) return &set->cases[i];
    if (set->count == set->capacity) {
        const size_t capacity = set->capacity ? 2 * set->capacity : 64;
        lm_bench_case *grown = realloc(set->cases, capacity * sizeof *grown);
        if (!grown) return NULL;
        set->cases = grown;
        set->capacity = capacity;
    }
    lm_bench_case *c = &set->cases[set->count];
    memset(c, 0, sizeof *c);
    if (!(c->name = strdup(name))) return NULL;
    set->count++;
    return c;
}

static int add_value(lm_bench_case *c, double value, size_t round) {
    double *grown = realloc(c->values, (c->count + 1) * sizeof *grown);
    if (grown) c->values = grown;
    size_t *rounds = grown ? realloc(c->rounds, (c->count + 1) * sizeof *rounds) : NULL;
    if (!rounds) return -1;
    c->rounds = rounds;
    c->rounds[c->count] = round;
    c->values[c->count++] = value;
    return 0;
}

/* One entry of `benchmarks` (index i of file `path`). */
static int read_entry(lm_bench_set *set, const json_t *e, const char *path, size_t i, const char *metric,
                      const regex_t *filter, char *err, size_t err_size) {
    if (!json_is_object(e)) return lm_error(err, err_size, "%s: benchmarks[%zu] is not an object", path, i);
    const char *name = json_string_value(json_object_get(e, "run_name"));
    if (!name) name = json_string_value(json_object_get(e, "name"));
    if (!name || !*name) return lm_error(err, err_size, "%s: benchmarks[%zu] has no name", path, i);
    const bool aggregate = strcmp(string_field(e, "run_type"), "aggregate") == 0;
    const bool failed = json_is_true(json_object_get(e, "error_occurred"));
    const json_t *value = json_object_get(e, metric);
    const bool time = lm_metric_is_time(metric);
    const double unit = lm_time_unit_seconds(string_field(e, "time_unit"));
    if (!aggregate && json_is_number(value)) set->metric_seen++;
    if (filter && regexec(filter, name, 0, NULL, 0) != 0) return 0;

    lm_bench_case *c = case_named(set, name);
    if (!c) return lm_error(err, err_size, "out of memory reading %s", path);
    if (!c->time_unit[0]) snprintf(c->time_unit, sizeof c->time_unit, "%s", string_field(e, "time_unit"));
    if (failed) {
        c->failed = true;
        const char *message = json_string_value(json_object_get(e, "error_message"));
        if (!c->error && message && !(c->error = strdup(message)))
            return lm_error(err, err_size, "out of memory reading %s", path);
    }
    if (aggregate || failed) return 0;
    if (!json_is_number(value)) {
        if (!set->missing[0])
            snprintf(set->missing, sizeof set->missing, "%s: benchmarks[%zu] (%s) has no number '%s'", path, i,
                     name, metric);
        return 0;
    }
    if (time && !(unit > 0))
        return lm_error(err, err_size, "%s: benchmarks[%zu] (%s): unknown time_unit '%s'", path, i, name,
                        string_field(e, "time_unit"));
    if (add_value(c, json_number_value(value) * (time ? unit : 1), set->files - 1) != 0)
        return lm_error(err, err_size, "out of memory reading %s", path);
    return 0;
}

int lm_bench_set_read(lm_bench_set *set, const char *path, const char *metric, const regex_t *filter, char *err,
                      size_t err_size) {
    json_t *root = lm_json_file_load(path, err, err_size);
    if (!root) return -1;
    set->files++; /* this file's values are round set->files - 1 */
    const json_t *benchmarks = json_object_get(root, "benchmarks");
    int status = 0;
    if (!json_is_object(root) || !json_is_array(benchmarks))
        status = lm_error(err, err_size, "%s is not a benchmark results file: it needs a \"benchmarks\" list", path);
    size_t i;
    const json_t *e;
    json_array_foreach(benchmarks, i, e) {
        if ((status = read_entry(set, e, path, i, metric, filter, err, err_size)) != 0) break;
    }
    json_decref(root);
    return status;
}

void lm_bench_set_free(lm_bench_set *set) {
    for (size_t i = 0; i < set->count; i++) {
        free(set->cases[i].name);
        free(set->cases[i].values);
        free(set->cases[i].rounds);
        free(set->cases[i].error);
    }
    free(set->cases);
    memset(set, 0, sizeof *set);
}
