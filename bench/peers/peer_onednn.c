/* The oneDNN peer: the backend (create, run, destroy, version) and the plumbing its translations use
 * (see peer_onednn.h). oneDNN here runs on OpenMP (libgomp): the thread count is the calling thread's
 * omp_set_num_threads, set at create (some primitives size their work split then) and at each run. */
#include "bench/peers/peer_onednn.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dnnl_debug.h>
#include <omp.h>

/* ---- the engine, shared by every peer of the process ---------------------------------------------- */

static pthread_once_t engine_once = PTHREAD_ONCE_INIT;
static dnnl_engine_t engine;
static dnnl_status_t engine_status;

static void engine_create(void) { engine_status = dnnl_engine_create(&engine, dnnl_cpu, 0); }

/* ---- plumbing ------------------------------------------------------------------------------------ */

int lm_dnnl_fail(lm_dnnl_build *b, const char *fmt, ...) {
    if (b->err && b->err_size) {
        const int used = snprintf(b->err, b->err_size, "onednn: ");
        if (used >= 0 && (size_t)used < b->err_size) {
            va_list ap;
            va_start(ap, fmt);
            vsnprintf(b->err + used, b->err_size - (size_t)used, fmt, ap);
            va_end(ap);
        }
    }
    return -1;
}

int lm_dnnl_fail_status(lm_dnnl_build *b, const char *what, dnnl_status_t status) {
    if (status == dnnl_unimplemented) return lm_dnnl_fail(b, "no implementation of %s for this shape", what);
    return lm_dnnl_fail(b, "%s failed: %s", what, dnnl_status2str(status));
}

dnnl_memory_desc_t lm_dnnl_md(int ndims, const dnnl_dim_t *dims, dnnl_format_tag_t tag) {
    dnnl_memory_desc_t md;
    dnnl_dims_t all = {0};
    memcpy(all, dims, (size_t)ndims * sizeof *dims);
    if (dnnl_memory_desc_init_by_tag(&md, ndims, all, dnnl_f32, tag) != dnnl_success) memset(&md, 0, sizeof md);
    return md; /* a zeroed (invalid) descriptor makes the primitive's creation fail with a status */
}

dnnl_memory_desc_t lm_dnnl_nhwc(lm_shape s) {
    const dnnl_dim_t dims[4] = {s.n, s.c, s.h, s.w};
    return lm_dnnl_md(4, dims, dnnl_nhwc);
}

dnnl_memory_t lm_dnnl_bind(lm_dnnl_build *b, const dnnl_memory_desc_t *md, bool output, int index) {
    lm_peer *p = b->peer;
    if (p->nbound == LM_DNNL_MAX_BOUND) return lm_dnnl_fail(b, "too many bound buffers"), NULL;
    dnnl_memory_t m;
    const dnnl_status_t st = dnnl_memory_create(&m, md, b->engine, DNNL_MEMORY_NONE);
    if (st != dnnl_success) return lm_dnnl_fail_status(b, "memory creation", st), NULL;
    p->bound[p->nbound++] = (lm_dnnl_bound){.memory = m, .output = output, .index = index};
    return m;
}

dnnl_memory_t lm_dnnl_own(lm_dnnl_build *b, const dnnl_memory_desc_t *md, const float *data) {
    lm_peer *p = b->peer;
    if (p->nowned == LM_DNNL_MAX_OWNED) return lm_dnnl_fail(b, "too many parameter tensors"), NULL;
    dnnl_memory_t m;
    dnnl_status_t st = dnnl_memory_create(&m, md, b->engine, DNNL_MEMORY_ALLOCATE);
    if (st != dnnl_success) return lm_dnnl_fail_status(b, "memory allocation", st), NULL;
    p->owned[p->nowned++] = m;
    void *handle = NULL;
    if (data && (st = dnnl_memory_get_data_handle(m, &handle)) != dnnl_success)
        return lm_dnnl_fail_status(b, "memory access", st), NULL;
    if (data) memcpy(handle, data, dnnl_memory_desc_get_size(md));
    return m;
}

dnnl_memory_t lm_dnnl_own_reordered(lm_dnnl_build *b, const dnnl_memory_desc_t *user, const float *data,
                                    const dnnl_memory_desc_t *target) {
    dnnl_memory_t dst = lm_dnnl_own(b, target, NULL), src = NULL;
    if (!dst) return NULL;
    dnnl_primitive_desc_t pd = NULL;
    dnnl_primitive_t reorder = NULL;
    /* The reorder only reads `data`; oneDNN's handle is not const-qualified. */
    dnnl_status_t st = dnnl_memory_create(&src, user, b->engine, (void *)data);
    if (st == dnnl_success) st = dnnl_reorder_primitive_desc_create(&pd, user, b->engine, target, b->engine, NULL);
    if (st == dnnl_success) st = dnnl_primitive_create(&reorder, pd);
    if (st == dnnl_success) {
        const dnnl_exec_arg_t args[2] = {{DNNL_ARG_FROM, src}, {DNNL_ARG_TO, dst}};
        st = dnnl_primitive_execute(reorder, b->peer->stream, 2, args);
    }
    if (st == dnnl_success) st = dnnl_stream_wait(b->peer->stream);
    dnnl_primitive_destroy(reorder);
    dnnl_primitive_desc_destroy(pd);
    dnnl_memory_destroy(src);
    return st == dnnl_success ? dst : (lm_dnnl_fail_status(b, "weights reorder", st), NULL);
}

lm_dnnl_step *lm_dnnl_step_from(lm_dnnl_build *b, dnnl_primitive_desc_t pd, const char *what) {
    lm_peer *p = b->peer;
    if (p->nsteps == LM_DNNL_MAX_STEPS) {
        dnnl_primitive_desc_destroy(pd);
        return lm_dnnl_fail(b, "too many primitives"), NULL;
    }
    lm_dnnl_step *s = &p->steps[p->nsteps];
    const dnnl_status_t st = dnnl_primitive_create(&s->primitive, pd);
    dnnl_primitive_desc_destroy(pd);
    if (st != dnnl_success) return lm_dnnl_fail_status(b, what, st), NULL;
    s->nargs = 0;
    p->nsteps++;
    return s;
}

void lm_dnnl_arg(lm_dnnl_step *s, int arg, dnnl_memory_t memory) {
    if (s->nargs < LM_DNNL_MAX_ARGS) s->args[s->nargs++] = (dnnl_exec_arg_t){arg, memory};
}

/* ---- the backend --------------------------------------------------------------------------------- */

static void onednn_destroy(lm_peer *p) {
    if (!p) return;
    for (int i = 0; i < p->nsteps; i++) dnnl_primitive_destroy(p->steps[i].primitive);
    for (int i = 0; i < p->nbound; i++) dnnl_memory_destroy(p->bound[i].memory);
    for (int i = 0; i < p->nowned; i++) dnnl_memory_destroy(p->owned[i]);
    if (p->stream) dnnl_stream_destroy(p->stream);
    free(p);
}

static lm_peer *onednn_create(const lm_op_desc *d, const float *params, int threads, char *err, size_t err_size) {
    lm_dnnl_build b = {.d = d, .params = params, .err = err, .err_size = err_size};
    if (threads < 1) return lm_dnnl_fail(&b, "%d threads (expected at least 1)", threads), NULL;
    pthread_once(&engine_once, engine_create);
    if (engine_status != dnnl_success) return lm_dnnl_fail_status(&b, "CPU engine creation", engine_status), NULL;
    b.engine = engine;
    lm_peer *p = calloc(1, sizeof *p);
    if (!p) return lm_dnnl_fail(&b, "out of memory"), NULL;
    p->threads = threads;
    b.peer = p;
    const dnnl_status_t st = dnnl_stream_create(&p->stream, engine, dnnl_stream_default_flags);
    if (st != dnnl_success) {
        lm_dnnl_fail_status(&b, "stream creation", st);
        onednn_destroy(p);
        return NULL;
    }
    omp_set_num_threads(threads);
    if (lm_dnnl_translate(&b) != 0) {
        onednn_destroy(p);
        return NULL;
    }
    return p;
}

static int onednn_run(lm_peer *p, const float *const *inputs, float *const *outputs) {
    for (int i = 0; i < p->nbound; i++) {
        const lm_dnnl_bound *m = &p->bound[i];
        /* Inputs are only read; oneDNN's handle is not const-qualified. */
        void *data = m->output ? (void *)outputs[m->index] : (void *)inputs[m->index];
        if (dnnl_memory_set_data_handle(m->memory, data) != dnnl_success) return -1;
    }
    omp_set_num_threads(p->threads);
    for (int i = 0; i < p->nsteps; i++)
        if (dnnl_primitive_execute(p->steps[i].primitive, p->stream, p->steps[i].nargs, p->steps[i].args) !=
            dnnl_success)
            return -1;
    return dnnl_stream_wait(p->stream) == dnnl_success ? 0 : -1;
}

/* The version the loaded library reports, filled before main (the backend table is constant). */
static char version[64] = "unknown";

__attribute__((constructor)) static void onednn_version(void) {
    const dnnl_version_t *v = dnnl_version();
    if (!v) return;
    const bool hash = v->hash && v->hash[0] && strcmp(v->hash, "N/A") != 0; /* Debian's build has none */
    snprintf(version, sizeof version, "%d.%d.%d%s%s", v->major, v->minor, v->patch, hash ? " " : "",
             hash ? v->hash : "");
}

const lm_peer_backend lm_peer_onednn = {
    .name = "onednn", .version = version, .create = onednn_create, .run = onednn_run, .destroy = onednn_destroy,
};
