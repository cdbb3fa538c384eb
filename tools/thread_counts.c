/* Choosing the thread counts (see thread_counts.h). */
#include "tools/thread_counts.h"

#include <unistd.h>

#include "tools/cli.h"

int lm_choose_thread_counts(const char *command, const lm_host *host, const char *text, unsigned long max,
                            int *threads, size_t capacity, size_t *count) {
    const long online = sysconf(_SC_NPROCESSORS_ONLN);
    const unsigned long hardware = host->hw_threads ? host->hw_threads : online > 0 ? (unsigned long)online : 1;
    if (hardware < max) max = hardware;
    if (text) return lm_cli_parse_threads(command, text, max, hardware, threads, capacity, count);
    const unsigned long cores = host->cores ? host->cores : hardware;
    *count = 0;
    threads[(*count)++] = 1;
    if (cores > 1 && capacity > 1) threads[(*count)++] = (int)(cores < max ? cores : max);
    return LM_EXIT_OK;
}
