/* A round's results as bytes (see round_report.h). */
#include "bench/measure/round_report.h"

#include <stdlib.h>
#include <string.h>

#include "kernels/error.h"

/* After the facts: Google Benchmark's context, then the cases. */
typedef struct context_part {
    int num_cpus;
    double mhz_per_cpu;
    int cpu_scaling;
    char executable[256], host_name[64];
    size_t json_size; /* 0: no JSON */
    size_t case_count;
} context_part;

int lm_round_report_write(FILE *out, const lm_round_facts *facts, const lm_results *r, const size_t *runs_before,
                          const bool *interrupted) {
    context_part context = {.num_cpus = r->num_cpus, .mhz_per_cpu = r->mhz_per_cpu, .cpu_scaling = r->cpu_scaling,
                            .json_size = r->gb_context_json ? strlen(r->gb_context_json) : 0,
                            .case_count = r->case_count};
    memcpy(context.executable, r->executable, sizeof context.executable);
    memcpy(context.host_name, r->host_name, sizeof context.host_name);
    fwrite(facts, sizeof *facts, 1, out);
    fwrite(&context, sizeof context, 1, out);
    fwrite(r->gb_context_json ? r->gb_context_json : "", 1, context.json_size, out);
    for (size_t i = 0; i < r->case_count; i++) {
        const lm_result_case *c = &r->cases[i];
        const size_t added = c->run_count - runs_before[i];
        fwrite(c, sizeof *c, 1, out);
        fwrite(&interrupted[i], sizeof interrupted[i], 1, out);
        fwrite(&added, sizeof added, 1, out);
        fwrite(c->runs + runs_before[i], sizeof *c->runs, added, out);
    }
    return ferror(out) ? -1 : 0;
}

/* Takes `size` bytes at *at, short of `end`; false when the report ends first. */
static bool take(const char **at, const char *end, void *into, size_t size) {
    if ((size_t)(end - *at) < size) return false;
    memcpy(into, *at, size);
    *at += size;
    return true;
}

static int malformed(char *err, size_t err_size) {
    return lm_error(err, err_size, "the round's process sent a malformed report");
}

int lm_round_report_read(const char *bytes, size_t size, lm_round_facts *facts, lm_results *r, bool *interrupted,
                         char *err, size_t err_size) {
    const char *at = bytes, *end = bytes + size;
    context_part context;
    if (!take(&at, end, facts, sizeof *facts) || !take(&at, end, &context, sizeof context) ||
        context.case_count != r->case_count || context.json_size > (size_t)(end - at))
        return malformed(err, err_size);
    facts->error[sizeof facts->error - 1] = '\0';
    r->num_cpus = context.num_cpus, r->mhz_per_cpu = context.mhz_per_cpu, r->cpu_scaling = context.cpu_scaling;
    snprintf(r->executable, sizeof r->executable, "%.*s", (int)sizeof context.executable, context.executable);
    snprintf(r->host_name, sizeof r->host_name, "%.*s", (int)sizeof context.host_name, context.host_name);
    if (context.json_size) {
        char *json = strndup(at, context.json_size);
        if (!json) return lm_error(err, err_size, "out of memory");
        free(r->gb_context_json);
        r->gb_context_json = json;
        at += context.json_size;
    }
    for (size_t i = 0; i < r->case_count; i++) {
        lm_result_case *c = &r->cases[i], reported;
        size_t added;
        if (!take(&at, end, &reported, sizeof reported) || !take(&at, end, &interrupted[i], sizeof interrupted[i]) ||
            !take(&at, end, &added, sizeof added) || added > (size_t)(end - at) / sizeof(lm_result_run))
            return malformed(err, err_size);
        reported.runs = c->runs, reported.run_count = c->run_count; /* the runs kept here */
        *c = reported;
        for (size_t k = 0; k < added; k++) {
            lm_result_run run;
            take(&at, end, &run, sizeof run);
            if (lm_result_case_add_run(c, &run) != 0) return lm_error(err, err_size, "out of memory");
        }
    }
    return at == end ? 0 : malformed(err, err_size);
}
