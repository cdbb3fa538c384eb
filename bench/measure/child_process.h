/* Work done in a child process, its output collected by the parent.
 *
 * Why: what stays fixed for a process's life (which physical pages its heap got, whether they came as
 * huge pages, the allocator's state) moved guideline effects between runs by more than one run's
 * intervals, so each round of a run is timed in a process of its own (runner.h).
 *
 * The parent must have no threads of its own running when it calls lm_child_run (fork copies only the
 * calling thread). The child dies with its parent; SIGINT and SIGTERM in the child only set the flag
 * lm_child_stop_requested reads, so that it can end its work cleanly and still report. */
#ifndef LM_CHILD_PROCESS_H
#define LM_CHILD_PROCESS_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* In the child: writes what the parent is to receive on `out`; 0 on success, -1 otherwise (the child
 * then exits with status 1). */
typedef int (*lm_child_work)(FILE *out, void *context);

/* Forks, runs work(out, context) in the child and reads all it writes into *bytes (malloc'd, *size
 * bytes; the caller frees it). While it waits, once *stop (when not NULL) is set, the child is sent
 * SIGTERM, once. Returns 0 when the child wrote its output and exited with status 0; otherwise -1
 * with a one-line reason in err (the fork or pipe failed, the work failed, the child was killed by a
 * signal), and *bytes NULL. */
int lm_child_run(lm_child_work work, void *context, const volatile sig_atomic_t *stop, char **bytes, size_t *size,
                 char *err, size_t err_size);

/* In a child of lm_child_run: whether SIGINT or SIGTERM has arrived. false in any other process. */
bool lm_child_stop_requested(void);

#endif
