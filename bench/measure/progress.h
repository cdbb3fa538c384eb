/* Progress of a run on a terminal: case i of n, the time elapsed and an estimate of the time left, on
 * one line rewritten in place; a failed case gets a line of its own.
 *
 * The estimate weights cases by their expected duration (the runner's warm-up plus repetitions x
 * min_time, scaled as it times them), scaled by how long the finished cases really took against what
 * was expected of them: after a suite of short kernel cases, long network cases are not estimated at
 * the kernels' pace. The arithmetic and the line are pure functions, testable without a terminal. */
#ifndef LM_PROGRESS_H
#define LM_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef struct lm_progress {
    FILE *terminal;        /* where the lines go; NULL: keep count, print nothing */
    size_t total, done;    /* cases to run; cases finished (failed ones included) */
    double expected_total; /* seconds all cases to run are expected to take */
    double expected_done;  /* the finished cases' share of it */
    double start;          /* monotonic clock at lm_progress_start, seconds */
    bool line_open;        /* the rewritten line is on the terminal, without its newline */
} lm_progress;

/* An empty count, printing to `terminal` (NULL: nothing); the clock starts now. */
void lm_progress_init(lm_progress *p, FILE *terminal);
/* Restarts the clock: call when timing begins. */
void lm_progress_start(lm_progress *p);
/* A case to run, expected to take `expected_seconds`; or one counted before that will not run. */
void lm_progress_add(lm_progress *p, double expected_seconds);
void lm_progress_remove(lm_progress *p, double expected_seconds);
/* Case `name` starts: the line shows it as case done + 1. */
void lm_progress_case_started(lm_progress *p, const char *name);
/* Case `name` is over; `error` (NULL or "" when it succeeded) gets a line of its own. */
void lm_progress_case_finished(lm_progress *p, const char *name, double expected_seconds, const char *error);
/* Clears the line, so that another message starts on a line of its own (the next case redraws it). */
void lm_progress_clear(lm_progress *p);
/* Ends the line with the final count and the time elapsed. */
void lm_progress_end(lm_progress *p);

/* ---- The arithmetic and the line ---- */

/* Seconds left: the expected seconds still to run times elapsed / expected_done (how much slower or
 * faster than expected the finished cases were). Negative when unknown (nothing finished yet). */
double lm_progress_seconds_left(double elapsed, double expected_done, double expected_total);

/* "m:ss" below an hour, "h:mm:ss" above (0:42, 1:02:03); "?" for a negative or non-finite time. */
void lm_progress_format_duration(double seconds, char *buf, size_t size);

/* "[ 123/1500] 0:42 elapsed, ~3:10 left  NAME" (without the estimate when `left` is negative), cut to
 * `width` characters when width is above 0. */
void lm_progress_format_line(size_t position, size_t total, double elapsed, double left, const char *name, size_t width,
                             char *buf, size_t size);

#endif
