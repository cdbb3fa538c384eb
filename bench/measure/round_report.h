/* A round's results as bytes, sent by the process that timed the round to the process that runs the
 * rounds (runner.c, child_process.h): what the round learnt, each case's record as the round left it
 * (the kernel dispatch chose, a network's profile) and the runs it added. Both ends are one
 * executable, forked, so records travel as their bytes; the reader checks every length. */
#ifndef LM_ROUND_REPORT_H
#define LM_ROUND_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "bench/measure/progress.h"
#include "bench/results/result_records.h"

/* What the round's process knew at its end, besides the records. */
typedef struct lm_round_facts {
    int status; /* 0, or -1 when the round could not be carried out: error says why */
    char error[256];
    bool out_of_memory;
    int bind_error;      /* the first binding failure (negative errno), or 0 */
    int64_t next_family; /* the family index the next case to run gets */
    lm_progress progress; /* the count after the round */
} lm_round_facts;

/* Writes `facts`, r's Google Benchmark context, and for each case of r its record, interrupted[i] and
 * its runs from runs_before[i] on. 0, or -1 when writing failed. */
int lm_round_report_write(FILE *out, const lm_round_facts *facts, const lm_results *r, const size_t *runs_before,
                          const bool *interrupted);

/* Reads a report into `facts`, `interrupted` (one per case) and r, whose cases are those of the writer
 * before its round: each record is replaced but for its runs, to which the round's are added, and the
 * context is replaced. 0, or -1 with a reason in err (a report of other cases or cut short, out of
 * memory). */
int lm_round_report_read(const char *bytes, size_t size, lm_round_facts *facts, lm_results *r, bool *interrupted,
                         char *err, size_t err_size);

#endif
