/* Any Google Benchmark JSON file (latmac's results.json, or Google Benchmark's own
 * `--benchmark_format=json` output) read into cases: each case's repetitions of one metric. Several
 * files read into the same set pool their repetitions case by case (interleaved runs of one build),
 * each value remembering its file: its round. */
#ifndef LM_REPORTS_BENCHMARK_FILE_H
#define LM_REPORTS_BENCHMARK_FILE_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct lm_bench_case {
    char *name;          /* run_name (name when an old file has none) */
    char time_unit[8];   /* of its first entry, as the file says ("ns", "us", ...) */
    double *values;      /* the metric on each repetition, in file order; seconds for a time metric */
    size_t *rounds;      /* for each value, the file of the set it came from (0, 1, ...): its round */
    size_t count;
    bool failed;         /* an entry reports an error */
    char *error;         /* the first error_message, or NULL */
} lm_bench_case;

typedef struct lm_bench_set {
    lm_bench_case *cases; /* in the order first seen */
    size_t count, capacity;
    size_t files;         /* files read into the set: the rounds of interleaved runs */
    size_t metric_seen;   /* repetitions (of any case, filtered out or not) holding the metric */
    char missing[1024];   /* the first repetition read without the metric, named with its file; "" if none */
} lm_bench_set;

/* Whether `metric` is a time (its name ends in "_time"): converted to seconds, lower is better. */
bool lm_metric_is_time(const char *metric);

/* Adds the cases of the file at `path` whose name `filter` matches (NULL: every case) to `set`.
 * Aggregate entries (run_type "aggregate") are ignored but still make their case known, with no
 * repetitions; entries without run_type are repetitions, as old Google Benchmark wrote them.
 * 0, or -1 with a one-line reason naming the file (and the entry): unreadable, not JSON, not a
 * benchmark file, an entry that is not an object or has no name, or an unknown time_unit. A repetition
 * that succeeded without `metric` as a number is noted in `missing` rather than refused: whether the
 * metric is unknown altogether (metric_seen 0 on every side) or missing there is the caller's to say. */
int lm_bench_set_read(lm_bench_set *set, const char *path, const char *metric, const regex_t *filter, char *err,
                      size_t err_size);

void lm_bench_set_free(lm_bench_set *set);

#endif
