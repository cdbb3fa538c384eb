/* Running the `latmac` binary from a test: its exit status and everything it printed. The binary's
 * path comes from the LATMAC environment variable (meson sets it). Uses cmocka's assertions. */
#ifndef LM_TEST_LATMAC_PROCESS_H
#define LM_TEST_LATMAC_PROCESS_H

#include <stdio.h>

typedef struct outcome {
    int status; /* exit status */
    char *out, *err;
} outcome;

/* Runs latmac with `args` (NULL-terminated, without argv[0]); stdout goes to `stdout_path` when it is
 * not NULL (e.g. /dev/full), else it is captured. */
outcome run_latmac(const char *stdout_path, const char *const *args);

/* Runs latmac with `args` (stdout captured), sends it `signo` after `delay` seconds and collects it. */
outcome run_latmac_signalled(const char *const *args, double delay, int signo);

void outcome_free(outcome *o);

/* The rest of an open file as a string (freed by the caller); closes the file. */
char *slurp(FILE *f);

/* A usage error: exit 2, nothing on stdout, exactly one line on stderr, containing `message` and
 * ending with the pointer to `--help`; frees the outcome. */
void assert_usage_error(outcome o, const char *message);

#endif
