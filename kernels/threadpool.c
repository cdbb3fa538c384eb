/* A small fork-join pool (see threadpool.h).
 *
 * A parallel region publishes a job and bumps a generation counter; workers notice it by spinning on
 * the counter for a while (a few tens of microseconds), then by sleeping on a futex. Tasks are taken
 * from a shared atomic counter, so uneven tasks balance. The caller works too and then waits for the
 * workers to report the job done. */
#include "kernels/threadpool.h"

#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define cpu_relax() _mm_pause()
#else
#define cpu_relax() ((void)0)
#endif

/* Iterations a worker spins (each a pause, ~40 ns on recent x86) before it sleeps. */
#define SPIN_ITERATIONS 20000

typedef struct worker {
    lm_threadpool *pool;
    int index;
    pthread_t thread;
} worker;

struct lm_threadpool {
    int threads;
    worker *workers;
    lm_bind_fn bind;
    void *bind_context;
    _Atomic int bind_error;

    /* The current job. */
    lm_task_fn fn;
    void *context;
    size_t tasks;
    _Atomic size_t next_task;
    _Atomic int busy_workers; /* workers still working on the current generation */

    _Atomic uint32_t generation; /* futex word: bumped for each job, and to stop */
    _Atomic int sleepers;        /* workers asleep, or about to sleep, on the futex */
    _Atomic bool stopping;
    size_t regions; /* jobs published (written and read by the calling thread only) */
};

static void futex_wait(_Atomic uint32_t *word, uint32_t expected) {
    syscall(SYS_futex, (uint32_t *)word, FUTEX_WAIT_PRIVATE, expected, NULL, NULL, 0);
}

static void futex_wake_all(_Atomic uint32_t *word) {
    syscall(SYS_futex, (uint32_t *)word, FUTEX_WAKE_PRIVATE, INT32_MAX, NULL, NULL, 0);
}

static void run_tasks(lm_threadpool *pool, int thread) {
    for (;;) {
        const size_t task = atomic_fetch_add_explicit(&pool->next_task, 1, memory_order_relaxed);
        if (task >= pool->tasks) return;
        pool->fn(pool->context, task, thread);
    }
}

/* Waits until the generation differs from `seen`; returns the new one. */
static uint32_t wait_for_job(lm_threadpool *pool, uint32_t seen) {
    for (int i = 0; i < SPIN_ITERATIONS; i++) {
        const uint32_t g = atomic_load_explicit(&pool->generation, memory_order_acquire);
        if (g != seen) return g;
        cpu_relax();
    }
    atomic_fetch_add(&pool->sleepers, 1);
    uint32_t g;
    while ((g = atomic_load(&pool->generation)) == seen) futex_wait(&pool->generation, seen);
    atomic_fetch_sub(&pool->sleepers, 1);
    return g;
}

static void *worker_main(void *arg) {
    worker *w = arg;
    lm_threadpool *pool = w->pool;
    if (pool->bind) {
        const int rc = pool->bind(pool->bind_context, w->index);
        int none = 0;
        if (rc != 0) atomic_compare_exchange_strong(&pool->bind_error, &none, rc);
    }
    uint32_t seen = 0;
    for (;;) {
        seen = wait_for_job(pool, seen);
        if (atomic_load_explicit(&pool->stopping, memory_order_acquire)) return NULL;
        run_tasks(pool, w->index);
        atomic_fetch_sub_explicit(&pool->busy_workers, 1, memory_order_release);
    }
}

lm_threadpool *lm_threadpool_create(int threads, lm_bind_fn bind, void *bind_context) {
    if (threads < 1) return NULL;
    lm_threadpool *pool = calloc(1, sizeof *pool);
    if (!pool) return NULL;
    pool->threads = threads;
    pool->bind = bind;
    pool->bind_context = bind_context;
    pool->workers = calloc((size_t)threads, sizeof *pool->workers);
    if (!pool->workers) {
        free(pool);
        return NULL;
    }
    for (int i = 1; i < threads; i++) {
        pool->workers[i] = (worker){.pool = pool, .index = i};
        if (pthread_create(&pool->workers[i].thread, NULL, worker_main, &pool->workers[i]) != 0) {
            pool->threads = i; /* stop the ones that started */
            lm_threadpool_destroy(pool);
            return NULL;
        }
    }
    return pool;
}

void lm_threadpool_destroy(lm_threadpool *pool) {
    if (!pool) return;
    atomic_store_explicit(&pool->stopping, true, memory_order_release);
    atomic_fetch_add_explicit(&pool->generation, 1, memory_order_acq_rel);
    futex_wake_all(&pool->generation);
    for (int i = 1; i < pool->threads; i++) pthread_join(pool->workers[i].thread, NULL);
    free(pool->workers);
    free(pool);
}

int lm_threadpool_threads(const lm_threadpool *pool) { return pool ? pool->threads : 1; }

size_t lm_threadpool_regions(const lm_threadpool *pool) { return pool ? pool->regions : 0; }

int lm_threadpool_bind_error(const lm_threadpool *pool) { return pool ? atomic_load(&pool->bind_error) : 0; }

void lm_threadpool_parallelize(lm_threadpool *pool, size_t tasks, lm_task_fn fn, void *context) {
    if (!pool || pool->threads == 1 || tasks <= 1) {
        for (size_t t = 0; t < tasks; t++) fn(context, t, 0);
        return;
    }
    pool->regions++;
    pool->fn = fn;
    pool->context = context;
    pool->tasks = tasks;
    atomic_store_explicit(&pool->next_task, 0, memory_order_relaxed);
    atomic_store_explicit(&pool->busy_workers, pool->threads - 1, memory_order_relaxed);
    /* Sequentially consistent, against the worker's "sleepers++, then read generation": either it sees
     * the new generation, or this sees it asleep (and the futex re-checks the word anyway). */
    atomic_fetch_add(&pool->generation, 1); /* publishes the job */
    if (atomic_load(&pool->sleepers) > 0) futex_wake_all(&pool->generation);
    run_tasks(pool, 0);
    while (atomic_load_explicit(&pool->busy_workers, memory_order_acquire) > 0) cpu_relax();
}
