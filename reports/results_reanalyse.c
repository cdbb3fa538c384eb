/* A results file analysed again (see results_read.h): its records read back, lm_analyse run on them,
 * and the document written by lm_results_to_json, the code `latmac run` writes results.json with.
 * The file's context stays as the file has it (the host probe, Google Benchmark's context, the
 * ceilings, the version), since a run's facts cannot be recomputed; only what the analysis derives
 * is replaced. */
#include "reports/results_read.h"

#include <stdlib.h>
#include <string.h>

#include "kernels/error.h"
#include "reports/analysis.h"
#include "reports/results.h"

/* What lm_results_to_json derives into context.latmac rather than copies from the run. */
static const char *const derived_context[] = {"verdict_rule", "verdicts", "proxies", "noisy_cv"};

/* Puts the file's context into `fresh`, with the derived members of fresh's own. */
static int keep_context(json_t *fresh, const json_t *root) {
    json_t *context = json_deep_copy(json_object_get(root, "context"));
    json_t *latmac = json_object_get(context, "latmac");
    const json_t *derived = json_object_get(json_object_get(fresh, "context"), "latmac");
    if (!latmac) {
        json_decref(context);
        return -1;
    }
    for (size_t i = 0; i < sizeof derived_context / sizeof *derived_context; i++) {
        json_t *v = json_object_get(derived, derived_context[i]);
        if (v) json_object_set(latmac, derived_context[i], v);
        else json_object_del(latmac, derived_context[i]);
    }
    return json_object_set_new(fresh, "context", context);
}

json_t *lm_results_reanalyse_pooled(const json_t *const *roots, const char *const *files, size_t n, char *err,
                                    size_t err_size) {
    if (!n) return NULL;
    lm_results_file *records = calloc(n, sizeof *records);
    if (!records) {
        lm_error(err, err_size, "out of memory reading %s", files[0]);
        return NULL;
    }
    json_t *fresh = NULL;
    size_t read = 0;
    for (; read < n; read++)
        if (lm_results_read(roots[read], files[read], &records[read], err, err_size) != 0 ||
            (read && lm_results_pool(&records[0].results, &records[read].results, err, err_size) != 0)) {
            read++; /* its records are freed below too */
            goto done;
        }
    lm_analysis a;
    if (lm_analyse(&records[0].results, &a) == 0) {
        fresh = lm_results_to_json(&a);
        lm_analysis_free(&a);
    }
    if (fresh && keep_context(fresh, roots[0]) != 0) {
        json_decref(fresh);
        fresh = NULL;
    }
    if (fresh && n > 1) { /* the pooled run's rounds, and where they came from */
        json_t *latmac = json_object_get(json_object_get(fresh, "context"), "latmac"), *from = json_array();
        for (size_t i = 0; i < n; i++) json_array_append_new(from, json_string(files[i]));
        json_object_set_new(latmac, "rounds", json_integer(records[0].results.rounds));
        json_object_set_new(latmac, "pooled_from", from);
    }
    if (!fresh) lm_error(err, err_size, "out of memory analysing %s", files[0]);
done:
    for (size_t i = 0; i < read; i++) lm_results_file_free(&records[i]);
    free(records);
    return fresh;
}

json_t *lm_results_reanalyse(const json_t *root, const char *file, char *err, size_t err_size) {
    return lm_results_reanalyse_pooled(&root, &file, 1, err, err_size);
}

int lm_report_run_reanalyse(lm_report_run *run, char *err, size_t err_size) {
    json_t *fresh = lm_results_reanalyse(run->root, run->label, err, err_size);
    if (!fresh) return -1;
    char label[sizeof run->label];
    memcpy(label, run->label, sizeof label);
    lm_report_run_free(run);
    return lm_report_run_adopt(run, fresh, label, err, err_size);
}
