/* The suite interface: a named set of cases `latmac run --suite NAME` times. kernels and nets are
 * defined in bench/measure/, guidelines in guidelines/; tools/suites.h lists them all in one table that
 * `latmac run`, `latmac list` and the --help texts read.
 *
 * Planning asks a suite for its cases (add_cases); running times each through the backend the suite
 * chose for it (bench/measure/backend.h). A network suite's cases run whole networks through latmac's
 * executor; the runner then asks the suite to build a case's network (build). */
#ifndef LM_SUITE_H
#define LM_SUITE_H

#include <stddef.h>

#include "bench/net/graph.h"
#include "bench/results/result_records.h"

struct lm_run_config;

typedef struct lm_suite lm_suite;
struct lm_suite {
    const char *name;  /* as --suite takes it and as its case names begin: "kernels" */
    const char *about; /* one sentence, for `latmac list` and --help */
    const char *names; /* how its cases are named, e.g. "kernels/<case>/<backend>/threads:<N>" */
    /* How many cases of its own the suite has with its default options (shapes, networks,
     * experiment cases), before backends, thread counts and caps multiply them. */
    size_t (*count)(const lm_suite *suite);
    /* Adds the cases matching cfg->filter to r (cfg->suite is this suite). `bases` holds one latmac
     * case per thread count and cap of the run, with suite, backend, isa, threads, placement,
     * repetitions and time unit set: what a network suite's cases start from. Returns 0, or -1 with a
     * one-line reason in err. */
    int (*add_cases)(const lm_suite *suite, const struct lm_run_config *cfg, lm_results *r,
                     const lm_result_case *bases, size_t base_count, char *err, size_t err_size);
    /* A network suite: the network of case c, one it added; NULL when out of memory. NULL for a suite
     * of operators. */
    lm_graph *(*build)(const lm_suite *suite, const lm_result_case *c);
    /* The suite's own selection (e.g. guidelines/guideline_suite.h's lm_guideline_selection); NULL:
     * its default. A caller sets it on a copy of the suite. */
    const void *options;
    /* Its defaults when the run names none (0: 1 round; 9 repetitions a round; 0.05 s a repetition and
     * as much warm-up). */
    int rounds, repetitions;
    double min_time;
};

#endif
