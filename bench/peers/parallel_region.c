/* Empty parallel regions on latmac's pool, OpenMP and pthreadpool (see parallel_region.h). */
#include "bench/peers/parallel_region.h"

#include <stdlib.h>

#ifdef LM_HAVE_OPENMP
#include <omp.h>
#endif
#ifdef LM_HAVE_PTHREADPOOL
#include <pthreadpool.h>
#endif

struct lm_region {
    int threads;
    lm_threadpool *pool;
#ifdef LM_HAVE_PTHREADPOOL
    pthreadpool_t pthreadpool;
#endif
};

static lm_region *region_new(int threads, lm_threadpool *pool) {
    lm_region *r = calloc(1, sizeof *r);
    if (r) r->threads = threads, r->pool = pool;
    return r;
}

static void no_task(void *context, size_t task, int thread) { (void)context, (void)task, (void)thread; }

static void latmac_run(lm_region *r) { lm_threadpool_parallelize(r->pool, (size_t)r->threads, no_task, NULL); }

static const lm_region_runtime latmac_runtime = {
    .name = "latmac", .create = region_new, .run = latmac_run, .destroy = (void (*)(lm_region *))free,
};

#ifdef LM_HAVE_OPENMP
static void openmp_run(lm_region *r) {
    volatile int sink = 0;
#pragma omp parallel num_threads(r->threads)
    sink = 1;
    (void)sink;
}

static const lm_region_runtime openmp_runtime = {
    .name = "openmp", .create = region_new, .run = openmp_run, .destroy = (void (*)(lm_region *))free,
};
#endif

#ifdef LM_HAVE_PTHREADPOOL
static void no_item(void *context, size_t item) { (void)context, (void)item; }

static lm_region *pthreadpool_new(int threads, lm_threadpool *pool) {
    (void)pool;
    lm_region *r = region_new(threads, NULL);
    if (r && !(r->pthreadpool = pthreadpool_create((size_t)threads))) {
        free(r);
        return NULL;
    }
    return r;
}

static void pthreadpool_run(lm_region *r) { pthreadpool_parallelize_1d(r->pthreadpool, no_item, NULL, (size_t)r->threads, 0); }

static void pthreadpool_free(lm_region *r) {
    if (!r) return;
    pthreadpool_destroy(r->pthreadpool);
    free(r);
}

static const lm_region_runtime pthreadpool_runtime = {
    .name = "pthreadpool", .create = pthreadpool_new, .run = pthreadpool_run, .destroy = pthreadpool_free,
};
#endif

const lm_region_runtime *const lm_region_runtimes[] = {
    &latmac_runtime,
#ifdef LM_HAVE_OPENMP
    &openmp_runtime,
#endif
#ifdef LM_HAVE_PTHREADPOOL
    &pthreadpool_runtime,
#endif
};
const int lm_region_runtime_count = (int)(sizeof lm_region_runtimes / sizeof lm_region_runtimes[0]);
