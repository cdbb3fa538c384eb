/* A loop partitioned over the thread pool (see partition.h). */
#include "kernels/partition.h"

typedef struct partition_job {
    lm_range_fn fn;
    const void *job;
    size_t units, tasks;
} partition_job;

static void partition_task(void *context, size_t task, int thread) {
    (void)thread;
    const partition_job *p = context;
    size_t lo, hi;
    lm_partition_range(task, p->tasks, p->units, &lo, &hi);
    p->fn(p->job, lo, hi);
}

void lm_partition_run(lm_threadpool *pool, size_t bytes, size_t units, lm_range_fn fn, const void *job) {
    partition_job p = {.fn = fn, .job = job, .units = units, .tasks = lm_partition_tasks(pool, bytes, units)};
    if (p.tasks == 1) fn(job, 0, units);
    else lm_threadpool_parallelize(pool, p.tasks, partition_task, &p);
}
