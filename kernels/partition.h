/* How the element-wise, pooling, data and FC kernels split a loop over the thread pool.
 *
 * Below LM_PAR_MIN_BYTES of memory traffic the calling thread works alone: handing work to the pool
 * costs about a microsecond, more than a small tensor takes. Above it, the work is cut into tasks of at
 * most LM_PAR_TASK_BYTES, their count rounded up to a multiple of the thread count: up to threads x
 * LM_PAR_TASK_BYTES that is one contiguous task per thread, and since the caller nearly always takes
 * task 0, each thread meets the same part every run and finds it in its own L2 (on a 2-core machine,
 * 32 KB tasks handed out dynamically ran at 0.6x of that). */
#ifndef LM_PARTITION_H
#define LM_PARTITION_H

#include <stddef.h>

#include "kernels/threadpool.h"

#ifndef LM_PAR_MIN_BYTES /* overridable (-D) so that tests can force the parallel paths on small shapes */
#define LM_PAR_MIN_BYTES ((size_t)96 * 1024)
/* The body of a partitioned loop: the units [lo, hi) of `job`, on whichever thread runs them. */
typedef void (*lm_range_fn)(const void *job, size_t lo, size_t hi);

/* Runs fn over the units [0, units) of a loop moving `bytes`: in lm_partition_tasks even ranges spread
 * over the pool, or whole on the calling thread (no pool round trip) when that is one task. */
void lm_partition_run(lm_threadpool *pool, size_t bytes, size_t units, lm_range_fn fn, const void *job);

#endif
#ifndef LM_PAR_TASK_BYTES
#define LM_PAR_TASK_BYTES ((size_t)512 * 1024)
/* The body of a partitioned loop: the units [lo, hi) of `job`, on whichever thread runs them. */
typedef void (*lm_range_fn)(const void *job, size_t lo, size_t hi);

/* Runs fn over the units [0, units) of a loop moving `bytes`: in lm_partition_tasks even ranges spread
 * over the pool, or whole on the calling thread (no pool round trip) when that is one task. */
void lm_partition_run(lm_threadpool *pool, size_t bytes, size_t units, lm_range_fn fn, const void *job);

#endif

/* Tasks for a loop of `units` indivisible pieces moving `bytes` in all (1: run it on the caller). */
static inline size_t lm_partition_tasks(const lm_threadpool *pool, size_t bytes, size_t units) {
    const size_t threads = (size_t)lm_threadpool_threads(pool);
    if (threads <= 1 || bytes < LM_PAR_MIN_BYTES || units < 2) return 1;
    size_t tasks = (bytes + LM_PAR_TASK_BYTES - 1) / LM_PAR_TASK_BYTES;
    tasks = (tasks + threads - 1) / threads * threads;
    return tasks < units ? tasks : units;
}

/* The units [*begin, *end) of `task`: even shares, in order. */
static inline void lm_partition_range(size_t task, size_t tasks, size_t units, size_t *begin, size_t *end) {
    *begin = units * task / tasks;
    *end = units * (task + 1) / tasks;
}

/* The body of a partitioned loop: the units [lo, hi) of `job`, on whichever thread runs them. */
typedef void (*lm_range_fn)(const void *job, size_t lo, size_t hi);

/* Runs fn over the units [0, units) of a loop moving `bytes`: in lm_partition_tasks even ranges spread
 * over the pool, or whole on the calling thread (no pool round trip) when that is one task. */
void lm_partition_run(lm_threadpool *pool, size_t bytes, size_t units, lm_range_fn fn, const void *job);

#endif
