/* Benchmark results as files and text: results.json (Google Benchmark's JSON layout with latmac's
 * fields added), results.csv (one row per case, aggregated) and a summary table. reports/README.md
 * documents every field and column. */
#ifndef LM_REPORTS_RESULTS_H
#define LM_REPORTS_RESULTS_H

#include <jansson.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "bench/results/result_records.h"
#include "reports/analysis.h"

/* ---- results.json (results_json.c) ---- */

/* The whole document: {"context": {...}, "benchmarks": [...]}. NULL when out of memory. The caller
 * owns the reference. */
json_t *lm_results_to_json(const lm_analysis *a);
/* Writes the document, indented, ending with a newline. 0, or -1 when writing failed. */
int lm_results_write_json(FILE *out, const lm_analysis *a);

/* ---- results.csv (results_csv.c) ---- */

/* Columns as reports/README.md lists them, with one "ratio_to_<peer>" column per peer of the run. */
/* Writes the header and one row per case that ran (fields quoted per RFC 4180; lines end with "\n").
 * 0, or -1 when writing failed. */
int lm_results_write_csv(FILE *out, const lm_analysis *a);
/* Writes `field` quoted when it holds a comma, a double quote, a CR or a LF (quotes doubled). 0, or -1. */
int lm_csv_write_field(FILE *out, const char *field);

/* ---- the summary on stdout (results_text.c) ---- */

/* A table of every case: case, backend, threads, median, GFLOP/s, GB/s and latmac's ratios. 0, or -1. */
int lm_results_write_summary(FILE *out, const lm_analysis *a);
/* The guideline experiments' tables and verdicts (nothing when the results have none). 0, or -1.
 * (guidelines_text.c) */
int lm_results_write_guidelines(FILE *out, const lm_analysis *a);

/* ---- writing files safely (atomic_file.c) ---- */

typedef int (*lm_file_writer)(FILE *out, const void *context);

/* A file written in two steps, so several files can be replaced together: write `name`.tmp in the
 * same directory (flushed and fsync'ed), then rename it over `name`. Until the rename, readers see
 * the previous `name` (if any) intact. */
typedef struct lm_atomic_file {
    char dir[PATH_MAX], path[PATH_MAX], temp[PATH_MAX];
    bool written; /* the temporary file exists and is complete */
} lm_atomic_file;

/* Step one: `write` fills `dir`/`name`.tmp. On failure the temporary file is removed and err holds a
 * one-line reason. Returns 0 or -1. */
int lm_atomic_file_write(lm_atomic_file *f, const char *dir, const char *name, lm_file_writer write,
                         const void *context, char *err, size_t err_size);
/* Step two: renames the temporary file over `name` (and syncs the directory). 0, or -1 with a reason
 * (the temporary file is removed). */
int lm_atomic_file_commit(lm_atomic_file *f, char *err, size_t err_size);
/* Removes a written temporary file instead of committing it. */
void lm_atomic_file_discard(lm_atomic_file *f);

/* Both steps for one file. */
int lm_write_file_atomically(const char *dir, const char *name, lm_file_writer write, const void *context, char *err,
                             size_t err_size);

/* The same for a path: its folder (".", or "/" at the root) and name split at its last '/'. */
int lm_write_path_atomically(const char *path, lm_file_writer write, const void *context, char *err, size_t err_size);

/* Creates `dir` (and missing parents) if it does not exist. 0, or -1 with a reason in err. */
int lm_make_directory(const char *dir, char *err, size_t err_size);

/* Writes results.json, results.csv and index.html (the HTML report, html_report.h) into `dir`
 * (created if missing): all three are written to temporary files first and replace the previous ones
 * only when all are complete. 0, or -1 with a one-line reason in err (the previous files are then
 * intact). (results_save.c) */
int lm_results_save(const char *dir, const lm_analysis *a, char *err, size_t err_size);

#endif
