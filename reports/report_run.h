/* A results.json as the HTML report reads it: the document, checked, with each case's result (its
 * median, or its only repetition, or its error) indexed by name. Reports read what the file says,
 * so a report of old files shows what was measured then. */
#ifndef LM_REPORTS_REPORT_RUN_H
#define LM_REPORTS_REPORT_RUN_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "bench/results/result_records.h"

typedef struct lm_report_run {
    char label[256];     /* how the report names the run: its file, or its host for a run just made */
    char letter;         /* 'A', 'B', ...: the run's column tag when a report compares several */
    json_t *root;        /* the document (owned) */
    json_t *context;     /* borrowed from root */
    json_t *latmac;      /* context.latmac, borrowed */
    json_t *results;     /* run_name -> the case's result entry (owned object; entries borrowed) */
    json_t *order;       /* the same entries in the file's order (owned array) */
    json_t *cvs;         /* run_name -> the case's "cv" aggregate (owned object; entries borrowed) */
    int threads[LM_RESULT_MAX_THREAD_COUNTS]; /* context.latmac.thread_counts, in order */
    size_t thread_count;
    char isas[3][12];    /* context.latmac.timed_isas, best first (none in files before caps) */
    size_t isa_count;
} lm_report_run;

/* Reads and checks a results.json. 0, or -1 with a one-line reason naming the file and the problem
 * (unreadable, not JSON and where, truncated, not latmac's results, a malformed entry). */
int lm_report_run_load(lm_report_run *run, const char *path, char *err, size_t err_size);
/* The same checks on a document in memory; takes over the caller's reference to root either way. */
int lm_report_run_adopt(lm_report_run *run, json_t *root, const char *label, char *err, size_t err_size);
void lm_report_run_free(lm_report_run *run);

/* The result of the case "<suite>/<shape>/<backend>[/isa:<isa>]/threads:<threads>", or NULL; the cap
 * is part of the name only in a run that timed several (`isa` "" for peers). */
json_t *lm_report_case(const lm_report_run *run, const char *suite, const char *shape, const char *backend,
                       int threads, const char *isa);

/* Fields of an entry: a number (NaN when missing or not a number), a string ("" when missing). */
double lm_report_number(const json_t *entry, const char *key);
const char *lm_report_string(const json_t *entry, const char *key);
/* The entry's real time in seconds; NaN when the case failed. */
double lm_report_seconds(const json_t *entry);
bool lm_report_failed(const json_t *entry);
/* A network's images per second at its median (batch 1 when the entry gives none); NaN when failed. */
double lm_report_images_per_second(const json_t *entry);
/* The coefficient of variation of the entry's case (a ratio); NaN without one. */
double lm_report_cv(const lm_report_run *run, const json_t *entry);

#endif
