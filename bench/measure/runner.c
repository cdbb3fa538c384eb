/* The benchmark runner (see runner.h). */
#include "bench/measure/runner.h"

#include "kernels/error.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE__)
#include <xmmintrin.h>
#endif

#include "bench/net/case_data.h"
#include "bench/measure/gbench_shim.h"
#include "bench/host/isa.h"
#include "kernels/kernel.h"
#include "bench/measure/kernel_suite.h"
#include "bench/measure/net_suite.h"
#include "bench/peers/parallel_region.h"
#include "bench/peers/peer.h"

const char *const lm_run_suites[] = {"kernels", "nets", NULL};

/* Denormals are flushed to zero so that timings do not depend on the data's smallest values; peers
 * (oneDNN, XNNPACK) run with the same setting on the calling thread. */
static void set_flush_to_zero(void) {
#if defined(__SSE__)
    _mm_setcsr(_mm_getcsr() | 0x8040); /* MXCSR bit 15 FTZ, bit 6 DAZ */
#endif
}

static const lm_peer_backend *peer_named(const char *name) {
    for (int i = 0; i < lm_peer_backend_count; i++)
        if (strcmp(lm_peer_backends[i]->name, name) == 0) return lm_peer_backends[i];
    return NULL;
}

/* ---- Planning ---------------------------------------------------------------------------------- */

static void place(const lm_host *host, int threads, size_t *count, unsigned *placement) {
    *count = 0;
    for (size_t i = 0; i < (size_t)threads && i < host->placement_count && i < LM_RESULT_MAX_THREADS; i++)
        placement[(*count)++] = host->placement[i];
}

static void copy_text(char *dst, size_t size, const char *src) { snprintf(dst, size, "%s", src ? src : ""); }

/* A layer alone takes microseconds: a tenth of the time still runs it hundreds of times. */
static double time_scale(const lm_result_case *c) { return c->network[0] && c->layer_index >= 0 ? 0.1 : 1.0; }

/* How long timing `c` should take: its warm-up and repetitions, as registered (for the progress). */
static double expected_seconds(const lm_run_config *cfg, const lm_result_case *c) {
    return (cfg->warmup_time + cfg->repetitions * cfg->min_time) * time_scale(c);
}

static bool interrupted(const lm_run_config *cfg) { return cfg->interrupted && *cfg->interrupted; }

/* Writes a note (a line) on cfg->notes, clearing the progress line first so that the note stands alone. */
__attribute__((format(printf, 2, 3))) static void note(const lm_run_config *cfg, const char *format, ...) {
    if (!cfg->notes) return;
    if (cfg->progress) lm_progress_clear(cfg->progress);
    va_list ap;
    va_start(ap, format);
    vfprintf(cfg->notes, format, ap);
    va_end(ap);
}

/* The instruction sets dispatch may use for a latmac case: the host's, up to the case's cap. */
static unsigned case_isas(const lm_results *r, const lm_result_case *c) { return lm_isas_up_to_named(r->usable_isas, c->isa); }

/* Fills `c` for shape `kc` on `backend` (NULL peer: latmac or memcpy as named) at `threads`; a latmac
 * case runs under `cap`, or runs `variant` when not NULL. */
static void plan_case(const lm_run_config *cfg, const lm_results *r, const lm_kernel_case *kc, const char *backend,
                      const lm_peer_backend *peer, int threads, lm_isa cap, const lm_kernel *variant,
                      lm_result_case *c) {
    memset(c, 0, sizeof *c);
    copy_text(c->suite, sizeof c->suite, cfg->suite);
    copy_text(c->shape, sizeof c->shape, kc->name);
    copy_text(c->category, sizeof c->category, lm_case_category_name(kc->category));
    copy_text(c->backend, sizeof c->backend, backend);
    c->threads = threads;
    c->repetitions = cfg->repetitions;
    copy_text(c->time_unit, sizeof c->time_unit, "us");
    c->family_index = -1;
    c->layer_index = -1;
    const bool copy = strcmp(backend, LM_BACKEND_MEMCPY) == 0;
    place(cfg->host, threads, &c->placement_count, c->placement);
    if (kc->category == LM_CASE_RUNTIME) { /* no operator: nothing to count */
        snprintf(c->kernel, sizeof c->kernel, "%s parallel region", backend);
        copy_text(c->op, sizeof c->op, "parallel_region");
        snprintf(c->description, sizeof c->description, "an empty parallel region of %d thread(s)", threads);
        lm_result_case_set_name(c);
        return;
    }
    const lm_kernel *kernel = NULL;
    if (peer) snprintf(c->kernel, sizeof c->kernel, "%s %s", peer->name, peer->version);
    else if (copy) copy_text(c->kernel, sizeof c->kernel, LM_BACKEND_MEMCPY);
    else {
        copy_text(c->isa, sizeof c->isa, lm_isa_name(variant ? variant->isa : cap));
        c->isa_in_name = !variant && cfg->isa_count > 1;
        c->variant = variant != NULL;
        kernel = variant ? variant : lm_kernel_select(&kc->desc, case_isas(r, c));
        copy_text(c->kernel, sizeof c->kernel, kernel->name);
    }
    lm_result_case_set_name(c);
    if (copy) {
        uint64_t elements = 0;
        for (int i = 0; i < lm_op_input_count(&kc->desc); i++)
            elements += lm_shape_elements(lm_op_input_shape(&kc->desc, i));
        copy_text(c->op, sizeof c->op, LM_BACKEND_MEMCPY);
        snprintf(c->description, sizeof c->description, "copy of the %s inputs, %llu bytes", kc->name,
                 (unsigned long long)(elements * sizeof(float)));
        c->mac = 2 * elements; /* each element read once and written once */
    } else {
        const lm_op_cost cost = lm_op_cost_of(&kc->desc);
        copy_text(c->op, sizeof c->op, lm_op_kind_name(kc->desc.kind));
        lm_op_describe(&kc->desc, c->description, sizeof c->description);
        c->madds = cost.madds;
        c->mac = cost.mac;
        c->params = cost.params;
        if (kernel) c->executed_madds = lm_kernel_executed_madds(kernel, &kc->desc);
    }
}

static void plan_facts(const lm_run_config *cfg, lm_results *r) {
    const lm_host *host = cfg->host;
    copy_text(r->suite, sizeof r->suite, cfg->suite);
    r->host = host;
    r->usable_isas = lm_usable_isas(host);
    r->timed_isas = 0;
    for (size_t i = 0; i < cfg->isa_count; i++) r->timed_isas |= LM_ISA_BIT(cfg->isas[i]);
    if (!r->timed_isas) r->timed_isas = LM_ISA_BIT(lm_isa_best(r->usable_isas));
    for (int i = 0; i < lm_peer_backend_count && r->peer_count < LM_RESULT_MAX_PEERS; i++) {
        copy_text(r->peers[r->peer_count].name, sizeof r->peers[0].name, lm_peer_backends[i]->name);
        copy_text(r->peers[r->peer_count].version, sizeof r->peers[0].version, lm_peer_backends[i]->version);
        r->peer_count++;
    }
    r->repetitions = cfg->repetitions;
    r->min_time = cfg->min_time;
    r->warmup_time = cfg->warmup_time;
    r->load_at_start = host->load_average[0];
    r->cores = host->cores ? host->cores : host->hw_threads;
    copy_text(r->pinning, sizeof r->pinning,
              "hwloc, placement slots in order (one hardware thread per physical core first): latmac's and "
              "memcpy's thread i bound to slot i (the calling thread is thread 0); a peer's calling thread and "
              "the threads its library creates confined to slots 0..N-1 together");
}

/* The nets suite, or a suite defined above bench/: latmac's executor on each network, at each thread
 * count. */
static int plan_networks(const lm_run_config *cfg, lm_results *r, char *err, size_t err_size) {
    lm_result_case bases[LM_RESULT_MAX_THREAD_COUNTS * LM_ISA_COUNT];
    size_t count = 0;
    for (size_t t = 0; t < r->thread_count_count; t++)
        for (int isa = LM_ISA_COUNT - 1; isa >= 0; isa--) {
            if (!(r->timed_isas & LM_ISA_BIT(isa))) continue;
            lm_result_case *c = &bases[count++];
            memset(c, 0, sizeof *c);
            copy_text(c->suite, sizeof c->suite, cfg->suite);
            copy_text(c->backend, sizeof c->backend, LM_BACKEND_LATMAC);
            copy_text(c->isa, sizeof c->isa, lm_isa_name((lm_isa)isa));
            c->isa_in_name = cfg->isa_count > 1;
            c->threads = r->thread_counts[t].threads;
            c->repetitions = cfg->repetitions;
            copy_text(c->time_unit, sizeof c->time_unit, "us");
            c->family_index = -1;
            place(cfg->host, c->threads, &c->placement_count, c->placement);
        }
    if (cfg->source)
        return cfg->source->add_cases(r, bases, count, cfg->filter, cfg->source->context, err, err_size);
    return lm_net_suite_add_cases(r, cfg->nets, cfg->net_count, cfg->batch ? cfg->batch : 1,
                                  cfg->input_h ? cfg->input_h : 224, cfg->input_w ? cfg->input_w : 224, cfg->per_layer,
                                  bases, count, cfg->filter, r->usable_isas, err, err_size);
}

static int add_planned(const lm_run_config *cfg, lm_results *r, const lm_result_case *c, char *err, size_t err_size) {
    if (cfg->filter && regexec(cfg->filter, c->name, 0, NULL, 0) != 0) return 0;
    return lm_results_add_case(r, c) == 0 ? 0 : lm_error(err, err_size, "out of memory while planning");
}

/* The shape's latmac cases: one per cap, then (--variants all) every other kernel that can run it. */
static int plan_latmac(const lm_run_config *cfg, lm_results *r, const lm_kernel_case *kc, int threads, char *err,
                       size_t err_size) {
    const lm_isa best = lm_isa_best(r->usable_isas);
    const size_t caps = cfg->isa_count ? cfg->isa_count : 1;
    const lm_kernel *picked[LM_ISA_COUNT];
    for (size_t i = 0; i < caps; i++) {
        const lm_isa cap = cfg->isa_count ? cfg->isas[i] : best;
        lm_result_case c;
        plan_case(cfg, r, kc, LM_BACKEND_LATMAC, NULL, threads, cap, NULL, &c);
        picked[i] = lm_kernel_find(c.kernel);
        if (add_planned(cfg, r, &c, err, err_size) != 0) return -1;
    }
    for (int k = 0; cfg->variants && k < lm_kernel_count; k++) {
        const lm_kernel *kernel = lm_kernels[k];
        bool timed = false;
        for (size_t i = 0; i < caps; i++) timed |= picked[i] == kernel;
        if (timed || kernel->kind != kc->desc.kind || !(r->usable_isas & LM_ISA_BIT(kernel->isa)) ||
            (kernel->supports && !kernel->supports(&kc->desc)))
            continue;
        lm_result_case c;
        plan_case(cfg, r, kc, LM_BACKEND_LATMAC, NULL, threads, kernel->isa, kernel, &c);
        if (add_planned(cfg, r, &c, err, err_size) != 0) return -1;
    }
    return 0;
}

static int plan_cases(const lm_run_config *cfg, lm_results *r, char *err, size_t err_size) {
    bool known = cfg->source && cfg->suite && strcmp(cfg->suite, cfg->source->name) == 0;
    for (int i = 0; lm_run_suites[i]; i++) known |= cfg->suite && strcmp(cfg->suite, lm_run_suites[i]) == 0;
    if (!known) return lm_error(err, err_size, "unknown suite '%s'", cfg->suite ? cfg->suite : "");
    plan_facts(cfg, r);
    for (size_t i = 0; i < cfg->isa_count; i++)
        if (!(r->usable_isas & LM_ISA_BIT(cfg->isas[i])))
            return lm_error(err, err_size, "this host cannot run %s kernels", lm_isa_name(cfg->isas[i]));
    for (size_t i = 0; i < cfg->thread_count; i++) {
        bool seen = false;
        for (size_t j = 0; j < r->thread_count_count; j++) seen |= r->thread_counts[j].threads == cfg->threads[i];
        if (seen) continue;
        if (cfg->threads[i] < 1 || cfg->threads[i] > LM_RESULT_MAX_THREADS)
            return lm_error(err, err_size, "%d threads: expected 1 to %d", cfg->threads[i], LM_RESULT_MAX_THREADS);
        if (r->thread_count_count == LM_RESULT_MAX_THREAD_COUNTS)
            return lm_error(err, err_size, "more than %d thread counts", LM_RESULT_MAX_THREAD_COUNTS);
        lm_result_thread_count *t = &r->thread_counts[r->thread_count_count++];
        t->threads = cfg->threads[i];
        place(cfg->host, t->threads, &t->placement_count, t->placement);
    }
    if (strcmp(cfg->suite, "nets") == 0 || cfg->source) return plan_networks(cfg, r, err, err_size);
    for (int s = 0; s < lm_kernel_suite_count; s++) {
        const lm_kernel_case *kc = &lm_kernel_suite[s];
        for (size_t t = 0; t < r->thread_count_count; t++) {
            const int threads = r->thread_counts[t].threads;
            if (kc->category == LM_CASE_RUNTIME) { /* each threading runtime, latmac's first */
                for (int rt = 0; rt < lm_region_runtime_count; rt++) {
                    lm_result_case c;
                    plan_case(cfg, r, kc, lm_region_runtimes[rt]->name, NULL, threads, LM_ISA_REFERENCE, NULL, &c);
                    if (add_planned(cfg, r, &c, err, err_size) != 0) return -1;
                }
                continue;
            }
            /* latmac, then each peer, then the copy yardstick */
            if (plan_latmac(cfg, r, kc, threads, err, err_size) != 0) return -1;
            for (int b = 0; b <= lm_peer_backend_count; b++) {
                const lm_peer_backend *peer = b < lm_peer_backend_count ? lm_peer_backends[b] : NULL;
                const char *backend = peer ? peer->name : LM_BACKEND_MEMCPY;
                if (!peer && !lm_case_category_memory_bound(kc->category)) continue;
                lm_result_case c;
                plan_case(cfg, r, kc, backend, peer, threads, LM_ISA_REFERENCE, NULL, &c);
                if (add_planned(cfg, r, &c, err, err_size) != 0) return -1;
            }
        }
    }
    return 0;
}

int lm_runner_plan(const lm_run_config *cfg, lm_results *r, char *err, size_t err_size) {
    if (plan_cases(cfg, r, err, err_size) != 0) return -1;
    for (size_t i = 0; cfg->progress && i < r->case_count; i++)
        lm_progress_add(cfg->progress, expected_seconds(cfg, &r->cases[i]));
    return 0;
}

/* ---- Running ----------------------------------------------------------------------------------- */

#define COPY_OFFSET (17 * 64)

typedef enum backend_kind {
    BACKEND_LATMAC, /* one operator through kernel dispatch */
    BACKEND_PEER,
    BACKEND_MEMCPY,
    BACKEND_REGION,
    BACKEND_NETWORK, /* a whole network through latmac's executor */
    BACKEND_LAYER,   /* one step of a network's plan */
} backend_kind;

typedef struct runner runner;

/* A registered case: what it runs on, and its prepared state while it is the current case. */
typedef struct bench_case {
    runner *runner;
    lm_result_case *result;
    const lm_kernel_case *shape;
    backend_kind kind;
    const lm_peer_backend *peer;
    lm_threadpool *pool;
    int prepared; /* 0 not prepared, 1 ready, -1 failed (error says why) */
    char error[256];
    lm_case_data data;
    lm_op *op;
    lm_peer *primitive;
    const lm_region_runtime *runtime; /* BACKEND_REGION */
    lm_region *region;
    lm_plan *plan; /* BACKEND_NETWORK and BACKEND_LAYER: the runner's cached plan */
    unsigned char *copy_from, *copy_to; /* copy_to starts COPY_OFFSET into copy_block */
    unsigned char *copy_block;
    size_t copy_bytes, copy_chunk;
    double expected_seconds; /* for the progress */
    bool reported;    /* counted as finished by the progress */
    bool interrupted; /* a repetition was skipped because the run was interrupted */
} bench_case;

struct runner {
    const lm_run_config *cfg;
    lm_results *results;
    bench_case *cases;
    size_t count;
    bench_case *current; /* the case holding prepared state */
    int64_t next_family;
    bool out_of_memory;
    int bind_error; /* the first binding failure (negative errno), or 0 */
    lm_net_cache nets; /* the plan of the network whose cases are running */
};

static void release(bench_case *c) {
    if (!c) return;
    lm_op_destroy(c->op);
    if (c->peer && c->primitive) c->peer->destroy(c->primitive);
    if (c->runtime && c->region) c->runtime->destroy(c->region);
    c->region = NULL;
    lm_case_data_free(&c->data);
    free(c->copy_from);
    free(c->copy_block);
    c->op = NULL;
    c->primitive = NULL;
    c->plan = NULL; /* the runner's cache keeps it for the network's next case */
    c->copy_from = c->copy_to = c->copy_block = NULL;
    c->prepared = 0;
}

static int prepare(bench_case *c) {
    char why[200] = "";
    if (c->kind == BACKEND_NETWORK || c->kind == BACKEND_LAYER) {
        const lm_suite_source *source = c->runner->cfg->source;
        c->plan = lm_net_cache_load(&c->runner->nets, c->result, source ? source->build : NULL,
                                    source ? source->context : NULL, case_isas(c->runner->results, c->result), why,
                                    sizeof why);
        if (!c->plan) goto failed;
        return c->prepared = 1;
    }
    const lm_op_desc *d = &c->shape->desc;
    if (c->kind == BACKEND_REGION) {
        c->region = c->runtime->create(c->result->threads, c->pool);
        if (!c->region) goto out_of_memory;
        return c->prepared = 1;
    }
    if (c->kind == BACKEND_MEMCPY) {
        c->copy_bytes = lm_result_mac_bytes(c->result) / 2;
        const int threads = c->result->threads;
        /* one chunk per thread, in whole cache lines; the last may be shorter */
        c->copy_chunk = ((c->copy_bytes + (size_t)threads - 1) / (size_t)threads + 63) / 64 * 64;
        /* Source and destination at different offsets within a page, like the cases' own buffers
         * (case_data.h), so the yardstick is not slowed by 4K aliasing either. */
        c->copy_from = lm_aligned_alloc(c->copy_bytes);
        c->copy_block = lm_aligned_alloc(c->copy_bytes + COPY_OFFSET);
        if (!c->copy_from || !c->copy_block) goto out_of_memory;
        c->copy_to = c->copy_block + COPY_OFFSET;
        for (size_t i = 0; i < c->copy_bytes; i++) c->copy_from[i] = (unsigned char)(i * 131u + 7u);
        memset(c->copy_to, 0, c->copy_bytes);
        return c->prepared = 1;
    }
    if (lm_case_data_create(d, lm_seed_of(c->shape->name), &c->data) != 0) goto out_of_memory;
    if (c->kind == BACKEND_LATMAC) {
        const lm_kernel *variant = c->result->variant ? lm_kernel_find(c->result->kernel) : NULL;
        c->op = lm_op_create(d, c->data.params, variant, case_isas(c->runner->results, c->result), why, sizeof why);
        if (!c->op) goto failed;
        copy_text(c->result->kernel, sizeof c->result->kernel, lm_op_kernel(c->op)->name);
    } else {
        c->primitive = c->peer->create(d, c->data.params, c->result->threads, why, sizeof why);
        if (!c->primitive) goto failed;
    }
    return c->prepared = 1;
out_of_memory:
    snprintf(why, sizeof why, "out of memory");
failed:
    snprintf(c->error, sizeof c->error, "cannot prepare the case: %s", why);
    release(c);
    return c->prepared = -1;
}

/* Places the calling thread for `c`: on slot 0 for latmac and memcpy (the pool places the others); for
 * a peer, on its case's slots together, before it creates threads that inherit the set. */
static void place_calling_thread(bench_case *c) {
    runner *rn = c->runner;
    const lm_host *host = rn->cfg->host;
    const bool foreign = c->kind == BACKEND_PEER || (c->kind == BACKEND_REGION && c->runtime != lm_region_runtimes[0]);
    const int rc = foreign ? lm_host_bind_current_thread_to_slots(host, (size_t)c->result->threads)
                           : lm_host_bind_current_thread(host, 0);
    if (rc && !rn->bind_error) rn->bind_error = rc;
}

/* Makes `c` the prepared case, releasing the previous one. */
static bool ensure_prepared(bench_case *c) {
    runner *rn = c->runner;
    if (rn->current != c) {
        release(rn->current);
        rn->current = c;
        place_calling_thread(c);
        prepare(c);
    }
    return c->prepared == 1;
}

static void copy_task(void *context, size_t task, int thread) {
    (void)thread;
    const bench_case *c = context;
    const size_t begin = task * c->copy_chunk;
    if (begin >= c->copy_bytes) return;
    const size_t n = c->copy_bytes - begin < c->copy_chunk ? c->copy_bytes - begin : c->copy_chunk;
    memcpy(c->copy_to + begin, c->copy_from + begin, n);
}

static void bench_body(lm_gb_state *st, void *context) {
    bench_case *c = context;
    runner *rn = c->runner;
    set_flush_to_zero();
    /* Before preparing: once interrupted, the remaining cases skip without building anything. The
     * loops below then end at once (Google Benchmark's state holds the error). */
    if (interrupted(rn->cfg)) {
        c->interrupted = true;
        lm_gb_skip_with_error(st, LM_RUN_INTERRUPTED);
    } else {
        if (rn->current != c && rn->cfg->progress) lm_progress_case_started(rn->cfg->progress, c->result->name);
        if (!ensure_prepared(c)) lm_gb_skip_with_error(st, c->error);
    }
    const float *const *in = (const float *const *)c->data.in;
    float *const *out = c->data.out;
    switch (c->kind) {
    case BACKEND_LATMAC:
        while (lm_gb_keep_running(st)) lm_op_run(c->op, in, out, c->pool);
        break;
    case BACKEND_PEER:
        while (lm_gb_keep_running(st)) {
            if (c->peer->run(c->primitive, in, out) != 0) {
                lm_gb_skip_with_error(st, "the peer failed while running");
                break;
            }
        }
        break;
    case BACKEND_MEMCPY:
        while (lm_gb_keep_running(st)) lm_threadpool_parallelize(c->pool, (size_t)c->result->threads, copy_task, c);
        break;
    case BACKEND_REGION:
        while (lm_gb_keep_running(st)) c->runtime->run(c->region);
        break;
    case BACKEND_NETWORK:
        while (lm_gb_keep_running(st)) lm_plan_run(c->plan, c->pool);
        break;
    case BACKEND_LAYER:
        while (lm_gb_keep_running(st)) lm_plan_run_step(c->plan, c->result->layer_index, c->pool);
        break;
    }
}

static bool on_context(const lm_gb_context *g, void *user) {
    lm_results *r = ((runner *)user)->results;
    free(r->gb_context_json);
    r->gb_context_json = g->json ? strdup(g->json) : NULL;
    copy_text(r->executable, sizeof r->executable, g->executable);
    copy_text(r->host_name, sizeof r->host_name, g->host_name);
    r->num_cpus = g->num_cpus;
    r->mhz_per_cpu = g->mhz_per_cpu;
    r->cpu_scaling = g->cpu_scaling;
    return true;
}

/* A case is over at its first failure or at its median (its only repetition); an interrupted case
 * never is: it is dropped when the run ends. */
static void progress(runner *rn, bench_case *c, const lm_gb_result *g) {
    lm_progress *p = rn->cfg->progress;
    if (!p || c->reported || c->interrupted) return;
    const bool failed = g->status != LM_GB_RESULT_OK;
    const bool last = g->is_aggregate ? strcmp(g->aggregate_name, "median") == 0 : g->repetitions == 1;
    if (!failed && !last) return;
    c->reported = true;
    lm_progress_case_finished(p, c->result->name, c->expected_seconds, failed ? g->message : NULL);
}

static void on_result(const lm_gb_result *g, void *user) {
    runner *rn = user;
    bench_case *c = NULL;
    for (size_t i = 0; i < rn->count && !c; i++)
        if (strcmp(rn->cases[i].result->name, g->case_name) == 0) c = &rn->cases[i];
    if (!c) return;
    lm_result_case *rc = c->result;
    if (rc->family_index < 0) rc->family_index = rn->next_family++;
    rc->repetitions = g->repetitions;
    copy_text(rc->time_unit, sizeof rc->time_unit, g->time_unit_name);
    lm_result_run run = {
        .is_aggregate = g->is_aggregate,
        .is_percentage = g->is_percentage,
        .repetition_index = g->repetition_index,
        .iterations = g->iterations,
        .real_time = g->real_time,
        .cpu_time = g->cpu_time,
        .error = g->status != LM_GB_RESULT_OK,
    };
    copy_text(run.aggregate_name, sizeof run.aggregate_name, g->aggregate_name);
    copy_text(run.error_message, sizeof run.error_message, g->message);
    if (lm_result_case_add_run(rc, &run) != 0) rn->out_of_memory = true;
    /* A network's timing is done: profile where its time goes, outside the timed runs. */
    const bool last = run.is_aggregate ? strcmp(run.aggregate_name, "median") == 0 : rn->cfg->repetitions == 1;
    if (c->kind == BACKEND_NETWORK && c->plan && last && !run.error && !interrupted(rn->cfg)) {
        memset(rc->profile_seconds, 0, sizeof rc->profile_seconds);
        if (lm_net_profile(c->plan, c->pool, rn->cfg->repetitions, rc->profile_seconds) != 0) rn->out_of_memory = true;
        else rc->has_profile = true;
    }
    progress(rn, c, g);
}

/* Drops peer cases whose backend has no equivalent of their shape; asks (and notes) once per peer and
 * shape. */
static int drop_unsupported_peers(const lm_run_config *cfg, lm_results *r, char *err, size_t err_size) {
    /* per (peer, shape): 0 not asked yet, 1 supported, -1 not */
    signed char *answer = calloc((size_t)(lm_peer_backend_count * lm_kernel_suite_count) + 1, 1);
    if (!answer) return lm_error(err, err_size, "out of memory");
    size_t kept = 0;
    for (size_t i = 0; i < r->case_count; i++) {
        const lm_result_case *c = &r->cases[i];
        const lm_kernel_case *kc = lm_kernel_case_find(c->shape);
        int b = 0;
        while (b < lm_peer_backend_count && strcmp(lm_peer_backends[b]->name, c->backend) != 0) b++;
        if (b < lm_peer_backend_count && kc) {
            const lm_peer_backend *peer = lm_peer_backends[b];
            signed char *a = &answer[b * lm_kernel_suite_count + (int)(kc - lm_kernel_suite)];
            if (*a == 0) {
                lm_case_data data;
                if (lm_case_data_create(&kc->desc, lm_seed_of(kc->name), &data) != 0) {
                    free(answer);
                    return lm_error(err, err_size, "out of memory while preparing %s", c->name);
                }
                char why[200] = "no reason given";
                /* One thread: asking spawns no worker threads, which would outlive the question. */
                lm_peer *primitive = peer->create(&kc->desc, data.params, 1, why, sizeof why);
                *a = primitive ? 1 : -1;
                if (primitive) peer->destroy(primitive);
                lm_case_data_free(&data);
                if (!primitive) note(cfg, "latmac run: %s skipped for %s: %s\n", peer->name, c->shape, why);
            }
            if (*a < 0) {
                if (cfg->progress) lm_progress_remove(cfg->progress, expected_seconds(cfg, c));
                continue;
            }
        }
        r->cases[kept++] = *c;
    }
    r->case_count = kept;
    r->cases_planned = kept;
    free(answer);
    return 0;
}

/* After an interrupted run: keeps the cases that finished every repetition, marks the results partial. */
static void drop_unfinished(const runner *rn, lm_results *r) {
    size_t kept = 0;
    for (size_t i = 0; i < r->case_count; i++) {
        if (rn->cases[i].interrupted || !r->cases[i].run_count) {
            free(r->cases[i].runs);
            continue;
        }
        r->cases[kept++] = r->cases[i];
    }
    r->partial = kept < r->case_count;
    r->case_count = kept;
}

/* Binds a pool worker to its placement slot; its kernels flush denormals like the calling thread. */
static int bind_worker(void *host, int index) {
    set_flush_to_zero();
    return lm_bind_to_slot(host, index);
}

int lm_runner_run(const lm_run_config *cfg, lm_results *r, char *err, size_t err_size) {
    if (drop_unsupported_peers(cfg, r, err, err_size) != 0) return -1;
    runner rn = {.cfg = cfg, .results = r, .count = r->case_count};
    lm_threadpool *pools[LM_RESULT_MAX_THREAD_COUNTS] = {NULL};
    int status = -1;
    rn.cases = calloc(rn.count ? rn.count : 1, sizeof *rn.cases);
    if (!rn.cases) return lm_error(err, err_size, "out of memory");

    set_flush_to_zero();
    rn.bind_error = lm_host_bind_current_thread(cfg->host, 0); /* the pools' workers start from here */
    for (size_t t = 0; t < r->thread_count_count; t++) {
        bool used = false; /* no idle pool for a thread count the filter left without cases */
        for (size_t i = 0; i < rn.count; i++) used |= r->cases[i].threads == r->thread_counts[t].threads;
        if (!used) continue;
        pools[t] = lm_threadpool_create(r->thread_counts[t].threads, bind_worker, (void *)cfg->host);
        if (!pools[t]) {
            lm_error(err, err_size, "cannot start %d threads", r->thread_counts[t].threads);
            goto done;
        }
    }

    lm_gb_clear_cases();
    for (size_t i = 0; i < rn.count; i++) {
        bench_case *c = &rn.cases[i];
        c->runner = &rn;
        c->result = &r->cases[i];
        const bool network = c->result->network[0] != '\0';
        c->shape = network ? NULL : lm_kernel_case_find(c->result->shape);
        c->peer = peer_named(c->result->backend);
        const bool copy = strcmp(c->result->backend, LM_BACKEND_MEMCPY) == 0;
        c->kind = c->peer ? BACKEND_PEER : copy ? BACKEND_MEMCPY : BACKEND_LATMAC;
        if (network) c->kind = c->result->layer_index >= 0 ? BACKEND_LAYER : BACKEND_NETWORK;
        if (c->shape && c->shape->category == LM_CASE_RUNTIME) {
            c->kind = BACKEND_REGION;
            for (int rt = 0; rt < lm_region_runtime_count; rt++)
                if (strcmp(lm_region_runtimes[rt]->name, c->result->backend) == 0) c->runtime = lm_region_runtimes[rt];
            c->peer = NULL;
        }
        for (size_t t = 0; t < r->thread_count_count; t++)
            if (r->thread_counts[t].threads == c->result->threads) c->pool = pools[t];
        if ((!c->shape && !network) || !c->pool) {
            lm_error(err, err_size, "%s was not planned by this runner", c->result->name);
            goto done;
        }
        c->expected_seconds = expected_seconds(cfg, c->result);
        lm_gb_case *g = lm_gb_register(c->result->name, bench_body, c);
        lm_gb_case_use_real_time(g);
        lm_gb_case_time_unit(g, LM_GB_MICROSECOND);
        const double scale = time_scale(c->result);
        lm_gb_case_min_warmup_time(g, cfg->warmup_time * scale);
        lm_gb_case_min_time(g, cfg->min_time * scale);
        lm_gb_case_repetitions(g, cfg->repetitions);
        lm_gb_case_add_statistic(g, LM_GB_STAT_MIN);
        lm_gb_case_add_statistic(g, LM_GB_STAT_MAX);
    }
    lm_gb_run(&(lm_gb_run_options){.display = LM_GB_DISPLAY_NONE, .on_context = on_context, .on_result = on_result,
                                   .user = &rn});
    release(rn.current);
    lm_net_cache_clear(&rn.nets);
    if (rn.out_of_memory) {
        lm_error(err, err_size, "out of memory while collecting results");
        goto done;
    }
    if (interrupted(cfg)) drop_unfinished(&rn, r);
    status = 0;

done:
    lm_gb_clear_cases();
    int bind_error = rn.bind_error;
    for (size_t t = 0; t < r->thread_count_count; t++) {
        if (!bind_error) bind_error = lm_threadpool_bind_error(pools[t]);
        lm_threadpool_destroy(pools[t]);
    }
    if (bind_error) {
        const size_t used = strlen(r->pinning);
        snprintf(r->pinning + used, sizeof r->pinning - used, "; binding failed (%s): threads may have run unpinned",
                 strerror(-bind_error));
        note(cfg, "latmac run: binding threads failed (%s); they may have run unpinned\n", strerror(-bind_error));
    }
    free(rn.cases);
    return status;
}
