/* The thread pool that runs kernels' parallel loops (intra-op parallelism).
 *
 * A pool of T threads is the calling thread plus T-1 workers. Workers wait spinning for a short
 * while, then sleep on a futex, so back-to-back parallel regions (a network's layers) do not pay a
 * wake-up each. Placement is the caller's business: the pool calls `bind` once in each worker, with
 * the worker's index (1..T-1); the caller binds its own thread (index 0). latmac binds with hwloc
 * through the host probe, one hardware thread per physical core first. */
#ifndef LM_THREADPOOL_H
#define LM_THREADPOOL_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lm_threadpool lm_threadpool;

/* Binds the calling worker thread to the place of `index`; returns 0 or a negative errno. */
typedef int (*lm_bind_fn)(void *context, int index);

/* The body of a parallel loop: one task, run on thread `thread` (0..threads-1, for per-thread scratch). */
typedef void (*lm_task_fn)(void *context, size_t task, int thread);

/* Creates a pool of `threads` (>= 1) threads; `bind` may be NULL (threads float). Returns NULL when
 * threads cannot be created. */
lm_threadpool *lm_threadpool_create(int threads, lm_bind_fn bind, void *bind_context);
void lm_threadpool_destroy(lm_threadpool *pool); /* NULL is allowed */

/* Threads in the pool; 1 for NULL. */
int lm_threadpool_threads(const lm_threadpool *pool);

/* Runs fn(context, task, thread) for every task in [0, tasks) and returns when all are done. Tasks
 * are handed out dynamically, so they may be uneven. A NULL pool, or a single task, runs on the
 * calling thread. Not reentrant: do not call it from inside a task. */
void lm_threadpool_parallelize(lm_threadpool *pool, size_t tasks, lm_task_fn fn, void *context);

/* Parallel regions the pool has handed to its workers so far (calls of lm_threadpool_parallelize with
 * more than one task and thread): whether a kernel spread its work, for tests. Read it from the thread
 * that calls lm_threadpool_parallelize; 0 for NULL. */
size_t lm_threadpool_regions(const lm_threadpool *pool);

/* The first bind failure a worker met (negative errno), or 0. */
int lm_threadpool_bind_error(const lm_threadpool *pool);

#ifdef __cplusplus
}
#endif

#endif
