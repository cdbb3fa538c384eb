/* The benchmark runner: from a suite's cases to result records, through Google Benchmark.
 *
 * Planning lists the cases that match (shape x thread count x backend, named
 * "kernels/<shape>/<backend>/threads:<N>"; networks and their layers as net_suite.h names them)
 * without running anything. Running registers them with
 * Google Benchmark and collects every repetition and aggregate into the plan's records.
 *
 * Backends: "latmac" (kernel dispatch, lm_op_create with the host's usable instruction sets up to the
 * case's cap, or a forced variant), every
 * compiled-in peer (bench/peers/peer.h) that has an equivalent of the shape, and "memcpy" for memory-bound
 * cases: a copy of the case's input bytes, split across the same threads on the same pool.
 *
 * How cases are timed: wall clock; a warm-up, then `repetitions` repetitions of at least `min_time`
 * each, with min and max added to Google Benchmark's mean, median, stddev and cv. Data are seeded per
 * shape (case_data.h); operators, buffers and peer primitives are prepared before the timed loop
 * (each case when it first runs, released when the next case starts, so memory holds one case).
 * Threads: in each round's process, one pool per thread count whose worker i is bound to placement
 * slot i; that process's thread is bound to slot 0 and stays bound. The calling process starts no
 * threads of its own. Every thread that runs latmac's kernels has flush-to-zero and
 * denormals-are-zero set. Peers run on their own libraries' threads. */
#ifndef LM_RUNNER_H
#define LM_RUNNER_H

#include <regex.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "bench/host/host.h"
#include "bench/net/graph.h"
#include "kernels/kernel.h"
#include "bench/measure/progress.h"
#include "bench/results/result_records.h"
#include "bench/measure/suite.h"

typedef struct lm_run_config {
    const lm_host *host;
    const lm_suite *suite;  /* what to plan and run (bench/measure/suite.h) */
    const regex_t *filter;  /* matched against case names; NULL: every case */
    const int *threads;     /* thread counts, each >= 1 */
    size_t thread_count;
    /* The instruction-set caps latmac's cases run under, each usable here (bench/host/isa.h), best first;
     * none: the best the host can use. With several, each latmac case runs once per cap, named with
     * "/isa:<cap>". */
    const lm_isa *isas;
    size_t isa_count;
    /* The kernel suite also times every registered kernel this host can run for each shape, not only
     * the one dispatch picks: "<suite>/<shape>/latmac/kernel:<kernel>/threads:<N>". */
    bool variants;
    int repetitions;        /* per round, >= 1; 0 in a request (run.h): the suite's default */
    /* Rounds, the unit of replication: each round times every case again, in a process of its own
     * (child_process.h), with fresh plans and buffers at a new arena offset, in a new random order
     * (networks' cases kept together) drawn from `seed`. Repetitions within a round are consecutive
     * windows of one layout; rounds sample what changes between runs, the process's memory included.
     * 1: the suite's order, no reshuffling; 0 in a request: the suite's default. */
    int rounds;
    uint64_t seed;
    double min_time;        /* seconds per repetition, > 0; 0 in a request: the suite's default */
    double warmup_time;     /* seconds before the first repetition, >= 0; with min_time 0 in a request, as
                               much as the suite's min_time */
    /* The nets suite (net_suite.h): which networks (NULL: the whole zoo), at what input, and
     * whether each layer is also timed alone (with a tenth of min_time and warmup_time). */
    const char *const *nets;
    size_t net_count;
    int batch, input_h, input_w; /* 0: 1, 224, 224 */
    bool per_layer;
    /* The nets suite also times each ShuffleNet V2 network of the selection built with concat, shuffle
     * and split merged (bench/net/zoo.h's lm_zoo_merged), as "<network>_merged", right after it. */
    bool merge_shuffle;
    /* Planning counts each case (with its expected duration) in progress, running tells it as cases
     * start and finish; several suites share one. NULL: none. */
    lm_progress *progress;
    FILE *notes;            /* skipped peers, binding failures; NULL: none */
    /* Set (non-zero) by a signal handler to stop the run: see lm_runner_run. NULL: never. */
    const volatile sig_atomic_t *interrupted;
} lm_run_config;

/* The error of the repetitions skipped once the run is interrupted. */
#define LM_RUN_INTERRUPTED "interrupted"

/* Fills `r` (empty, e.g. zeroed) with the run's facts and the cases of the suite that match, each
 * without runs. Thread counts are used in the order given (duplicates dropped). Returns 0, or -1 with
 * a one-line reason in err (an unknown suite or network, a network that cannot take the input, too
 * many thread counts, an instruction-set cap the host cannot run, out of memory). */
int lm_runner_plan(const lm_run_config *config, lm_results *r, char *err, size_t err_size);

/* For suites planning their cases: a case of cfg->suite at thread count r->thread_counts[t] (its
 * threads and placement), run on `backend` under instruction-set cap `isa`, with nothing else set. */
struct lm_backend;
void lm_runner_base_case(const lm_run_config *cfg, const lm_results *r, size_t t, const struct lm_backend *backend,
                         lm_isa isa, lm_result_case *c);
/* Adds c to r when its name matches cfg->filter; 0, or -1 with a reason in err (out of memory). */
int lm_runner_add_case(const lm_run_config *cfg, lm_results *r, const lm_result_case *c, char *err, size_t err_size);

/* Runs the planned cases and records their results in `r`. Peer cases whose backend has no
 * equivalent of the shape are dropped (noted once per peer and shape); r->cases_planned counts the
 * rest. Cases that fail while running keep their error in their runs.
 *
 * Once *config->interrupted is set, every repetition still to come is skipped (without preparing
 * its case) and, when the run is over, the cases that did not finish every repetition are dropped
 * and r->partial is set. Returns 0, or -1 with a one-line reason in err when the run itself could not
 * be carried out (threads could not be created, memory ran out). */
int lm_runner_run(const lm_run_config *config, lm_results *r, char *err, size_t err_size);

#endif
