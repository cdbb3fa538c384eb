/* results.json read back into the records a run fills (bench/results/result_records.h), so that
 * `latmac report` runs today's analysis (analysis.h) on a file through the same code as `latmac run`.
 *
 * What is read: every benchmarks entry's recorded fields (suite, case, backend, kernel, isa, variant,
 * category, op, description, threads, placement, madds, executed_madds, mac, params, the network,
 * layer and guideline fields, profile_time, repetitions, time_unit, family_index, and each run: type,
 * aggregate, repetition index, iterations, real and cpu time, error) and from context.latmac the run's
 * facts (suite, command_line, usable and timed isas, peers, thread counts, repetitions, min and warm-up
 * time, pinning, load at start, cores, partial, cases_planned, and the ceilings). The Google Benchmark
 * context (context without "latmac") is kept as the run keeps it, as JSON text (gb_context_json).
 *
 * Left out, since the analysis derives or does not read them: every derived field (mac_bytes,
 * intensity, gflops, gbps, images_per_second, ratio_to_*, copy_bandwidth_fraction, roof_*,
 * attainable_gflops, memory_bound, flags, category_time, layers_time, gap_time; verdict_rule,
 * verdicts, proxies, noisy_cv, cases_finished, statistic), the entries' name and
 * per_family_instance_index (rebuilt from run_name), and context.latmac's version and host probe
 * (results.host stays NULL; reanalysing keeps the file's, below).
 *
 * Required, as every latmac version wrote them: context, context.latmac, benchmarks; per entry
 * run_name, run_type, suite, case, backend, threads, repetitions, time_unit, real_time (unless
 * error_occurred), madds and mac, aggregate_name on aggregates, input and batch with network, group,
 * rank and scale with experiment; context.latmac's peers and thread_counts, and, with ceilings, each
 * of their fields (DRAM's capacity_bytes aside). Everything else is optional (files from before it
 * existed): absent, it takes the value a run without it would record (isa "", variant false,
 * layer_index -1, load and cores unknown, no ceilings...). A field of the wrong type, out of range or
 * longer than its record holds is refused with one line naming the file, the entry and the field. */
#ifndef LM_REPORTS_RESULTS_READ_H
#define LM_REPORTS_RESULTS_READ_H

#include <jansson.h>
#include <stddef.h>

#include "bench/ceilings/ceilings.h"
#include "bench/results/result_records.h"
#include "reports/report_run.h"

typedef struct lm_results_file {
    lm_results results;
    lm_ceilings *ceilings; /* owned; results.ceilings points here; NULL when the file has none */
} lm_results_file;

/* Reads a results.json document; `file` names it in errors. 0, or -1 with a one-line reason (out is
 * then empty). Free with lm_results_file_free either way. (results_read.c) */
int lm_results_read(const json_t *root, const char *file, lm_results_file *out, char *err, size_t err_size);
void lm_results_file_free(lm_results_file *f);

/* The document `latmac report` draws: the records of `root` analysed today and written by
 * lm_results_to_json, with the file's own context kept as it is but for what the analysis derives
 * (context.latmac's verdict_rule, verdicts, proxies and noisy_cv, taken from the new analysis). A new
 * reference, or NULL with a one-line reason. (results_reanalyse.c) */
json_t *lm_results_reanalyse(const json_t *root, const char *file, char *err, size_t err_size);

/* As lm_results_reanalyse over n documents pooled as the rounds of one run (lm_results_pool), with the
 * first's context, its "rounds" the pooled count and "pooled_from" the files' names. NULL with a
 * one-line reason. (results_reanalyse.c) */
json_t *lm_results_reanalyse_pooled(const json_t *const *roots, const char *const *files, size_t n, char *err,
                                    size_t err_size);

/* Pools `more` into `into` as further rounds: each case of `more` joins the case of the same name (a
 * new case when there is none), its repetitions' rounds numbered after into's, and every case's
 * aggregates are computed again over all of its rounds. Runs of the same build on the same host are
 * what may be pooled (separate processes, or days apart): a case whose MAdds or MAC differ between the
 * two is refused. 0, or -1 with a one-line reason. (results_pool.c) */
int lm_results_pool(lm_results *into, lm_results *more, char *err, size_t err_size);

/* Replaces a loaded run's document by lm_results_reanalyse's, keeping its label. 0, or -1 with a reason
 * (the run is then left as it was, or empty when the new document was refused). (results_reanalyse.c) */
int lm_report_run_reanalyse(lm_report_run *run, char *err, size_t err_size);

#endif
