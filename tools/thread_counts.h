/* The thread counts `latmac run` and `latmac roofline` time, chosen the same way by both. */
#ifndef LM_THREAD_COUNTS_H
#define LM_THREAD_COUNTS_H

#include <stddef.h>

#include "bench/host/host.h"

/* --threads LIST when `text` is not NULL (lm_cli_parse_threads, within the machine's hardware threads
 * and latmac's limit `max`), else 1 and the physical core count (capped likewise). Hardware threads
 * come from the probe, else the OS. Returns LM_EXIT_OK, or a usage error of `command` (printed). */
int lm_choose_thread_counts(const char *command, const lm_host *host, const char *text, unsigned long max,
                            int *threads, size_t capacity, size_t *count);

#endif
