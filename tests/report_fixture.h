/* Synthetic results documents in results.json's layout, for testing what reads them (the HTML report,
 * `latmac report`): a run with kernel, network and guideline cases at one or two thread counts. */
#ifndef LM_TEST_REPORT_FIXTURE_H
#define LM_TEST_REPORT_FIXTURE_H

#include <jansson.h>
#include <stdbool.h>

typedef struct fixture_options {
    int thread_counts;       /* 1 or 2 (threads 1 and 2) */
    bool kernels, nets, guidelines;
    bool partial;
    bool ceilings;           /* the host's roofline in the context, cases placed under it */
    bool layers;             /* per-layer cases of the first network */
    const char *host_name;   /* NULL: "box" */
    double slowdown;         /* every time multiplied by this; 0: 1 */
    const char *net_name;    /* the second network's name (for escaping tests); NULL: "mobilenet_v2" */
} fixture_options;

/* A new document (the caller owns it). */
json_t *fixture_results(const fixture_options *o);

/* The `median` aggregate entry of case `run_name` in a results document (a test failure when absent). */
json_t *fixture_median(json_t *doc, const char *run_name);

/* Writes `doc` to dir/name; returns the path (static buffer, overwritten by the next call). */
const char *fixture_write(json_t *doc, const char *dir, const char *name);

#endif
