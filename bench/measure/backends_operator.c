/* The backends of operator cases (see backend.h): latmac's dispatch, each peer, the copy yardstick,
 * and the threading runtimes' empty parallel regions. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/measure/backend.h"
#include "kernels/kernel.h"

/* ---- latmac ----------------------------------------------------------------------------------- */

static int latmac_prepare(lm_bench_case *c, const lm_backend *self, char *why, size_t why_size) {
    (void)self;
    if (lm_case_data_create(&c->shape->desc, lm_seed_of(c->shape->name), &c->data) != 0)
        return snprintf(why, why_size, "out of memory"), -1;
    const lm_kernel *variant = c->result->variant ? lm_kernel_find(c->result->kernel) : NULL;
    c->op = lm_op_create(&c->shape->desc, c->data.params, variant, c->isas, why, why_size);
    if (!c->op) return -1;
    snprintf(c->result->kernel, sizeof c->result->kernel, "%s", lm_op_kernel(c->op)->name);
    return 0;
}

static void latmac_time(lm_bench_case *c, const lm_backend *self, lm_gb_state *st) {
    (void)self;
    const float *const *in = (const float *const *)c->data.in;
    while (lm_gb_keep_running(st)) lm_op_run(c->op, in, c->data.out, c->pool);
}

static void latmac_release(lm_bench_case *c, const lm_backend *self) {
    (void)self;
    lm_op_destroy(c->op);
    c->op = NULL;
    lm_case_data_free(&c->data);
}

const lm_backend lm_backend_latmac = {
    .name = LM_BACKEND_LATMAC, .prepare = latmac_prepare, .time = latmac_time, .release = latmac_release};

/* ---- peers ------------------------------------------------------------------------------------ */

static int peer_prepare(lm_bench_case *c, const lm_backend *self, char *why, size_t why_size) {
    if (lm_case_data_create(&c->shape->desc, lm_seed_of(c->shape->name), &c->data) != 0)
        return snprintf(why, why_size, "out of memory"), -1;
    c->primitive = self->peer->create(&c->shape->desc, c->data.params, c->result->threads, why, why_size);
    return c->primitive ? 0 : -1;
}

static void peer_time(lm_bench_case *c, const lm_backend *self, lm_gb_state *st) {
    const float *const *in = (const float *const *)c->data.in;
    while (lm_gb_keep_running(st)) {
        if (self->peer->run(c->primitive, in, c->data.out) != 0) {
            lm_gb_skip_with_error(st, "the peer failed while running");
            break;
        }
    }
}

static void peer_release(lm_bench_case *c, const lm_backend *self) {
    if (c->primitive) self->peer->destroy(c->primitive);
    c->primitive = NULL;
    lm_case_data_free(&c->data);
}

/* ---- the copy yardstick ----------------------------------------------------------------------- */

#define COPY_OFFSET (17 * 64)

static int copy_prepare(lm_bench_case *c, const lm_backend *self, char *why, size_t why_size) {
    (void)self;
    c->copy_bytes = lm_result_mac_bytes(c->result) / 2;
    const int threads = c->result->threads;
    /* one chunk per thread, in whole cache lines; the last may be shorter */
    c->copy_chunk = ((c->copy_bytes + (size_t)threads - 1) / (size_t)threads + 63) / 64 * 64;
    /* Source and destination at different offsets within a page, like the cases' own buffers
     * (case_data.h), so the yardstick is not slowed by 4K aliasing either. */
    c->copy_from = lm_aligned_alloc(c->copy_bytes);
    c->copy_block = lm_aligned_alloc(c->copy_bytes + COPY_OFFSET);
    if (!c->copy_from || !c->copy_block) return snprintf(why, why_size, "out of memory"), -1;
    c->copy_to = c->copy_block + COPY_OFFSET;
    for (size_t i = 0; i < c->copy_bytes; i++) c->copy_from[i] = (unsigned char)(i * 131u + 7u);
    memset(c->copy_to, 0, c->copy_bytes);
    return 0;
}

static void copy_task(void *context, size_t task, int thread) {
    (void)thread;
    const lm_bench_case *c = context;
    const size_t begin = task * c->copy_chunk;
    if (begin >= c->copy_bytes) return;
    const size_t n = c->copy_bytes - begin < c->copy_chunk ? c->copy_bytes - begin : c->copy_chunk;
    memcpy(c->copy_to + begin, c->copy_from + begin, n);
}

static void copy_time(lm_bench_case *c, const lm_backend *self, lm_gb_state *st) {
    (void)self;
    while (lm_gb_keep_running(st)) lm_threadpool_parallelize(c->pool, (size_t)c->result->threads, copy_task, c);
}

static void copy_release(lm_bench_case *c, const lm_backend *self) {
    (void)self;
    free(c->copy_from);
    free(c->copy_block);
    c->copy_from = c->copy_to = c->copy_block = NULL;
}

const lm_backend lm_backend_memcpy = {
    .name = LM_BACKEND_MEMCPY, .prepare = copy_prepare, .time = copy_time, .release = copy_release};

/* ---- threading runtimes ----------------------------------------------------------------------- */

static int region_prepare(lm_bench_case *c, const lm_backend *self, char *why, size_t why_size) {
    c->region = self->runtime->create(c->result->threads, c->pool);
    return c->region ? 0 : (snprintf(why, why_size, "out of memory"), -1);
}

static void region_time(lm_bench_case *c, const lm_backend *self, lm_gb_state *st) {
    while (lm_gb_keep_running(st)) self->runtime->run(c->region);
}

static void region_release(lm_bench_case *c, const lm_backend *self) {
    if (c->region) self->runtime->destroy(c->region);
    c->region = NULL;
}

/* ---- the tables of peers and runtimes, made once from what was compiled in -------------------- */

static lm_backend peer_backends[LM_RESULT_MAX_PEERS];
static lm_backend runtime_backends[8];
static pthread_once_t tables_made = PTHREAD_ONCE_INIT;

static void make_tables(void) {
    for (int i = 0; i < lm_peer_backend_count && i < LM_RESULT_MAX_PEERS; i++)
        peer_backends[i] = (lm_backend){.name = lm_peer_backends[i]->name, .prepare = peer_prepare,
                                        .time = peer_time, .release = peer_release, .own_threads = true,
                                        .peer = lm_peer_backends[i]};
    for (int i = 0; i < lm_region_runtime_count && i < (int)(sizeof runtime_backends / sizeof runtime_backends[0]); i++)
        /* latmac's own pool (runtime 0) places its threads like latmac's kernels */
        runtime_backends[i] = (lm_backend){.name = lm_region_runtimes[i]->name, .prepare = region_prepare,
                                           .time = region_time, .release = region_release, .own_threads = i > 0,
                                           .runtime = lm_region_runtimes[i]};
}

const lm_backend *lm_backend_of_peer(int i) {
    pthread_once(&tables_made, make_tables);
    return i >= 0 && i < lm_peer_backend_count && i < LM_RESULT_MAX_PEERS ? &peer_backends[i] : NULL;
}

const lm_backend *lm_backend_of_runtime(int i) {
    pthread_once(&tables_made, make_tables);
    return i >= 0 && i < lm_region_runtime_count && i < (int)(sizeof runtime_backends / sizeof runtime_backends[0])
               ? &runtime_backends[i]
               : NULL;
}
