/* An empty parallel region: what it costs to wake a pool's threads, hand each one (empty) task and
 * wait for all of them. That cost is paid by every parallel operator, so fragmented networks of many
 * small operators pay it many times (the ShuffleNet V2 paper's guideline G3). latmac's own pool is
 * timed beside the maintained runtimes it could have used instead: OpenMP (GNU libgomp, oneDNN's
 * runtime) and pthreadpool (XNNPACK's), where they are built in. */
#ifndef LM_PARALLEL_REGION_H
#define LM_PARALLEL_REGION_H

#include "bench/host/host.h"
#include "kernels/threadpool.h"

typedef struct lm_region lm_region;

typedef struct lm_region_runtime {
    const char *name; /* "latmac", "openmp", "pthreadpool": the backend in case names */
    /* Prepares regions of `threads` threads; `pool` is latmac's pool of that many threads (already
     * placed), used by the latmac runtime only. NULL when out of memory or threads. */
    lm_region *(*create)(int threads, lm_threadpool *pool);
    void (*run)(lm_region *region); /* one empty parallel region */
    void (*destroy)(lm_region *region);
} lm_region_runtime;

/* The runtimes built in; latmac's first. */
extern const lm_region_runtime *const lm_region_runtimes[];
extern const int lm_region_runtime_count;

#endif
