/* One run as a library call: every suite planned before any is run (so a bad network or input stops
 * the run at once), the host's ceilings measured, then each suite timed in turn into one result set.
 * `latmac run` parses its options into a request, calls lm_run and writes what it returns. */
#ifndef LM_RUN_H
#define LM_RUN_H

#include <stdbool.h>
#include <stddef.h>

#include "bench/ceilings/ceilings.h"
#include "bench/measure/runner.h"

#define LM_RUN_REPETITIONS 9   /* a round's repetitions when neither the request nor the suite says */
#define LM_RUN_MIN_TIME 0.05   /* seconds a repetition, and of warm-up, likewise */

typedef struct lm_run_request {
    /* What every suite shares (host, filter, threads, caps, repetitions, times, nets options,
     * progress, notes, interruption); its suite is ignored. */
    lm_run_config config;
    const lm_suite *const *suites; /* timed in this order, each at most once */
    size_t suite_count;
    /* Where to measure the host's ceilings for the roofline first (bounded by ceiling_repetitions and
     * ceiling_min_time); NULL: not measured. The results borrow it. */
    lm_ceilings *ceilings;
    int ceiling_repetitions;
    double ceiling_min_time;
} lm_run_request;

typedef enum lm_run_outcome {
    LM_RUN_DONE,            /* results hold every case that finished; some may have failed (their runs say why) */
    LM_RUN_REFUSED,         /* planning refused the request (err): nothing ran */
    LM_RUN_NO_CASE,         /* no case matches the filter: nothing ran */
    LM_RUN_NOTHING_FINISHED, /* no case finished: interrupted, or Google Benchmark's own filter left none */
    LM_RUN_FAILED,          /* the run could not be carried out (err): threads, memory */
} lm_run_outcome;

/* Fills `results` (zeroed) with the request's facts and cases; with several suites its suite is
 * "all". When interrupted (*config.interrupted set), the cases that finished are kept and the results
 * are marked partial. Any other outcome than LM_RUN_DONE leaves results empty. The caller frees them
 * with lm_results_free. */
lm_run_outcome lm_run(const lm_run_request *request, lm_results *results, char *err, size_t err_size);

#endif
