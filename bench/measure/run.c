/* One run across suites (see run.h). */
#include "bench/measure/run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/error.h"

static bool interrupted(const lm_run_config *cfg) { return cfg->interrupted && *cfg->interrupted; }

/* Plans every suite into parts[i]; the count of cases planned, or -1 (err says why). */
static long plan_all(const lm_run_request *q, lm_run_config *configs, lm_results **parts, char *err, size_t err_size) {
    long planned = 0;
    for (size_t i = 0; i < q->suite_count; i++) {
        configs[i] = q->config;
        configs[i].suite = q->suites[i];
        if (!configs[i].rounds) configs[i].rounds = q->suites[i]->rounds > 0 ? q->suites[i]->rounds : 1;
        if (!configs[i].repetitions)
            configs[i].repetitions = q->suites[i]->repetitions > 0 ? q->suites[i]->repetitions : LM_RUN_REPETITIONS;
        if (!(configs[i].min_time > 0))
            configs[i].min_time = configs[i].warmup_time =
                q->suites[i]->min_time > 0 ? q->suites[i]->min_time : LM_RUN_MIN_TIME;
        if (lm_runner_plan(&configs[i], parts[i], err, err_size) != 0) return -1;
        planned += (long)parts[i]->case_count;
    }
    return planned;
}

static lm_run_outcome measure_ceilings(const lm_run_request *q, lm_results *r, char *err, size_t err_size) {
    const lm_run_config *cfg = &q->config;
    if (cfg->progress && cfg->progress->terminal)
        fputs("latmac run: measuring the host's ceilings for the roofline\n", stderr);
    const lm_ceilings_config c = {.host = cfg->host, .usable_isas = r->usable_isas, .threads = cfg->threads,
                                  .thread_count = cfg->thread_count, .repetitions = q->ceiling_repetitions,
                                  .min_time = q->ceiling_min_time, .notes = cfg->notes,
                                  .interrupted = cfg->interrupted};
    if (lm_ceilings_measure(&c, q->ceilings, err, err_size) != 0)
        return interrupted(cfg) ? LM_RUN_NOTHING_FINISHED : LM_RUN_FAILED;
    r->ceilings = q->ceilings;
    return LM_RUN_DONE;
}

/* Times each planned suite in turn, moving its cases into r (parts[0]). */
static lm_run_outcome run_all(const lm_run_request *q, const lm_run_config *configs, lm_results **parts, char *err,
                              size_t err_size) {
    lm_results *r = parts[0];
    for (size_t i = 0; i < q->suite_count; i++) {
        if (!parts[i]->case_count) continue;
        if (interrupted(&q->config)) { /* no further suite starts; its cases count as planned, not finished */
            r->partial = true;
            r->cases_planned += parts[i]->case_count;
            continue;
        }
        if (lm_runner_run(&configs[i], parts[i], err, err_size) != 0) return LM_RUN_FAILED;
        if (!i) continue;
        if (parts[i]->rounds > r->rounds) r->rounds = parts[i]->rounds;
        r->partial |= parts[i]->partial;
        r->cases_planned += parts[i]->cases_planned;
        if (lm_results_move_cases(r, parts[i]) != 0 ||
            (!r->gb_context_json && parts[i]->gb_context_json &&
             !(r->gb_context_json = strdup(parts[i]->gb_context_json)))) {
            lm_error(err, err_size, "out of memory");
            return LM_RUN_FAILED;
        }
    }
    return lm_results_cases_finished(r) ? LM_RUN_DONE : LM_RUN_NOTHING_FINISHED;
}

lm_run_outcome lm_run(const lm_run_request *q, lm_results *results, char *err, size_t err_size) {
    lm_run_config configs[8];
    lm_results *parts[8] = {results};
    const size_t count = q->suite_count;
    if (!count || count > sizeof configs / sizeof configs[0]) {
        lm_error(err, err_size, "%zu suites: expected 1 to %zu", count, sizeof configs / sizeof configs[0]);
        return LM_RUN_REFUSED;
    }
    lm_run_outcome outcome = LM_RUN_FAILED;
    for (size_t i = 1; i < count; i++)
        if (!(parts[i] = calloc(1, sizeof *parts[i]))) {
            lm_error(err, err_size, "out of memory");
            goto done;
        }
    const long planned = plan_all(q, configs, parts, err, err_size);
    if (planned <= 0) {
        outcome = planned < 0 ? LM_RUN_REFUSED : LM_RUN_NO_CASE;
        goto done;
    }
    if (count > 1) snprintf(results->suite, sizeof results->suite, "all");
    const lm_run_config *cfg = &q->config;
    if (cfg->notes && results->cores && results->load_at_start > results->cores)
        fprintf(cfg->notes, "latmac run: the load average (%.2f) exceeds the %u cores; results are flagged 'load'\n",
                results->load_at_start, results->cores);
    if (q->ceilings && (outcome = measure_ceilings(q, results, err, err_size)) != LM_RUN_DONE) goto done;
    if (cfg->progress) lm_progress_start(cfg->progress);
    outcome = run_all(q, configs, parts, err, err_size);
    if (cfg->progress) lm_progress_end(cfg->progress); /* before any other line on stderr */
done:
    for (size_t i = 1; i < count; i++) {
        if (parts[i]) lm_results_free(parts[i]);
        free(parts[i]);
    }
    if (outcome != LM_RUN_DONE) lm_results_free(results); /* nothing half-made reaches the caller */
    return outcome;
}
