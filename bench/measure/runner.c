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

#include "bench/host/isa.h"
#include "bench/measure/backend.h"
#include "bench/measure/child_process.h"
#include "bench/measure/round_report.h"
#include "bench/measure/gbench_shim.h"
#include "bench/net/plan.h"
#include "bench/stats/random.h"
#include "kernels/kernel.h"

/* Denormals are flushed to zero so that timings do not depend on the data's smallest values; peers
 * (oneDNN, XNNPACK) run with the same setting on the calling thread. */
static void set_flush_to_zero(void) {
#if defined(__SSE__)
    _mm_setcsr(_mm_getcsr() | 0x8040); /* MXCSR bit 15 FTZ, bit 6 DAZ */
#endif
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

/* The caller's flag; in a round's process also a stop signal forwarded to it (child_process.h). */
static bool interrupted(const lm_run_config *cfg) {
    return (cfg->interrupted && *cfg->interrupted) || lm_child_stop_requested();
}

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

void lm_runner_base_case(const lm_run_config *cfg, const lm_results *r, size_t t, const lm_backend *backend, lm_isa isa,
                         lm_result_case *c) {
    memset(c, 0, sizeof *c);
    copy_text(c->suite, sizeof c->suite, cfg->suite->name);
    copy_text(c->backend, sizeof c->backend, backend->name);
    c->runs_on = backend;
    if (isa < LM_ISA_COUNT) copy_text(c->isa, sizeof c->isa, lm_isa_name(isa));
    c->threads = r->thread_counts[t].threads;
    c->placement_count = r->thread_counts[t].placement_count;
    memcpy(c->placement, r->thread_counts[t].placement, c->placement_count * sizeof c->placement[0]);
    c->repetitions = cfg->repetitions;
    copy_text(c->time_unit, sizeof c->time_unit, "us");
    c->family_index = -1;
    c->layer_index = -1;
}

int lm_runner_add_case(const lm_run_config *cfg, lm_results *r, const lm_result_case *c, char *err, size_t err_size) {
    if (cfg->filter && regexec(cfg->filter, c->name, 0, NULL, 0) != 0) return 0;
    return lm_results_add_case(r, c) == 0 ? 0 : lm_error(err, err_size, "out of memory while planning");
}

static void plan_facts(const lm_run_config *cfg, lm_results *r) {
    const lm_host *host = cfg->host;
    copy_text(r->suite, sizeof r->suite, cfg->suite->name);
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
    r->rounds = cfg->rounds > 0 ? cfg->rounds : 1;
    r->seed = cfg->seed;
    r->min_time = cfg->min_time;
    r->warmup_time = cfg->warmup_time;
    r->load_at_start = host->load_average[0];
    r->cores = host->cores ? host->cores : host->hw_threads;
    copy_text(r->pinning, sizeof r->pinning,
              "hwloc, placement slots in order (one hardware thread per physical core first): latmac's and "
              "memcpy's thread i bound to slot i (the calling thread is thread 0); a peer's calling thread and "
              "the threads its library creates confined to slots 0..N-1 together");
}

static int plan_cases(const lm_run_config *cfg, lm_results *r, char *err, size_t err_size) {
    if (!cfg->suite) return lm_error(err, err_size, "no suite to plan");
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
    /* One latmac case per thread count and cap: what a network suite's cases start from. */
    lm_result_case bases[LM_RESULT_MAX_THREAD_COUNTS * LM_ISA_COUNT];
    size_t count = 0;
    for (size_t t = 0; t < r->thread_count_count; t++)
        for (int isa = LM_ISA_COUNT - 1; isa >= 0; isa--) {
            if (!(r->timed_isas & LM_ISA_BIT(isa))) continue;
            lm_runner_base_case(cfg, r, t, &lm_backend_network, (lm_isa)isa, &bases[count]);
            bases[count++].isa_in_name = cfg->isa_count > 1;
        }
    return cfg->suite->add_cases(cfg->suite, cfg, r, bases, count, err, err_size);
}

int lm_runner_plan(const lm_run_config *cfg, lm_results *r, char *err, size_t err_size) {
    if (plan_cases(cfg, r, err, err_size) != 0) return -1;
    for (int round = 0; cfg->progress && round < r->rounds; round++)
        for (size_t i = 0; i < r->case_count; i++) lm_progress_add(cfg->progress, expected_seconds(cfg, &r->cases[i]));
    return 0;
}

/* ---- Running ----------------------------------------------------------------------------------- */

typedef struct runner runner;

/* A registered case: its backend's state, and how far it got. */
typedef struct bench_case {
    runner *runner;
    lm_bench_case state;
    const lm_backend *backend;
    int prepared; /* 0 not prepared, 1 ready, -1 failed (error says why) */
    char error[256];
    double expected_seconds; /* for the progress */
    bool reported;    /* counted as finished by the progress in this round (each round's process starts
                         from this process's cases, none reported) */
    bool interrupted; /* a repetition was skipped because the run was interrupted */
} bench_case;

struct runner {
    const lm_run_config *cfg;
    lm_results *results;
    bench_case *cases;
    size_t count;
    bench_case *current; /* the case holding prepared state */
    int64_t next_family;
    int round, rounds;
    bool out_of_memory;
    int bind_error; /* the first binding failure (negative errno), or 0 */
    lm_net_cache nets; /* the plan of the network whose cases are running */
};

static void release(bench_case *c) {
    if (!c) return;
    c->backend->release(&c->state, c->backend);
    c->prepared = 0;
}

static void prepare(bench_case *c) {
    char why[200] = "";
    if (c->backend->prepare(&c->state, c->backend, why, sizeof why) == 0) {
        c->prepared = 1;
        return;
    }
    snprintf(c->error, sizeof c->error, "cannot prepare the case: %s", why);
    release(c);
    c->prepared = -1;
}

/* Places the calling thread for `c`: on slot 0 when latmac's pool places the others; for a library
 * with threads of its own, on the case's slots together, before it creates threads that inherit them. */
static void place_calling_thread(bench_case *c) {
    runner *rn = c->runner;
    const lm_host *host = rn->cfg->host;
    const int rc = c->backend->own_threads ? lm_host_bind_current_thread_to_slots(host, (size_t)c->state.result->threads)
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

static void bench_body(lm_gb_state *st, void *context) {
    bench_case *c = context;
    runner *rn = c->runner;
    set_flush_to_zero();
    /* Before preparing: once interrupted, the remaining cases skip without building anything. The
     * loop then ends at once (Google Benchmark's state holds the error). */
    if (interrupted(rn->cfg)) {
        c->interrupted = true;
        lm_gb_skip_with_error(st, LM_RUN_INTERRUPTED);
    } else {
        if (rn->current != c && rn->cfg->progress) lm_progress_case_started(rn->cfg->progress, c->state.result->name);
        if (!ensure_prepared(c)) lm_gb_skip_with_error(st, c->error);
    }
    if (c->prepared == 1 && !c->interrupted) c->backend->time(&c->state, c->backend, st);
    else while (lm_gb_keep_running(st)) {} /* ends at once: the state holds the error */
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
    lm_progress_case_finished(p, c->state.result->name, c->expected_seconds, failed ? g->message : NULL);
}

static void on_result(const lm_gb_result *g, void *user) {
    runner *rn = user;
    bench_case *c = g->context;
    if (!c) return;
    lm_result_case *rc = c->state.result;
    if (rc->family_index < 0) rc->family_index = rn->next_family++;
    rc->repetitions = g->repetitions;
    copy_text(rc->time_unit, sizeof rc->time_unit, g->time_unit_name);
    lm_result_run run = {
        .is_aggregate = g->is_aggregate,
        .is_percentage = g->is_percentage,
        .repetition_index = g->is_aggregate ? g->repetition_index
                                            : (int64_t)rn->round * rn->cfg->repetitions + g->repetition_index,
        .round = rn->round,
        .iterations = g->iterations,
        .real_time = g->real_time,
        .cpu_time = g->cpu_time,
        .error = g->status != LM_GB_RESULT_OK,
    };
    copy_text(run.aggregate_name, sizeof run.aggregate_name, g->aggregate_name);
    copy_text(run.error_message, sizeof run.error_message, g->message);
    /* With rounds, a round's own aggregates are left out: the case's span every round (lm_runner_run). */
    if (!(run.is_aggregate && rn->rounds > 1) && lm_result_case_add_run(rc, &run) != 0) rn->out_of_memory = true;
    /* A network's timing is done: profile where its time goes, outside the timed runs. */
    const bool last = (run.is_aggregate ? strcmp(run.aggregate_name, "median") == 0 : rn->cfg->repetitions == 1) &&
                      rn->round == rn->rounds - 1;
    if (c->backend == &lm_backend_network && c->state.plan && last && !run.error && !interrupted(rn->cfg)) {
        memset(rc->profile_seconds, 0, sizeof rc->profile_seconds);
        if (lm_net_profile(c->state.plan, c->state.pool, rn->cfg->repetitions, rc->profile_seconds) != 0)
            rn->out_of_memory = true;
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
        const lm_kernel_case *kc = c->kernel_case;
        const lm_peer_backend *peer = c->runs_on ? c->runs_on->peer : NULL;
        if (peer && kc) {
            int b = 0;
            while (b < lm_peer_backend_count && lm_peer_backends[b] != peer) b++;
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

/* After a round other than the first was interrupted: drops that round's runs from every case, so each
 * keeps whole rounds only. */
static void drop_round(lm_results *r, int round) {
    for (size_t i = 0; i < r->case_count; i++) {
        lm_result_case *c = &r->cases[i];
        size_t kept = 0;
        for (size_t k = 0; k < c->run_count; k++)
            if (c->runs[k].round != round) c->runs[kept++] = c->runs[k];
        c->run_count = kept;
    }
    r->partial = true;
}

/* A unit of a round's order: consecutive cases of one network (its plan is made once a round), or one
 * case; and the random keys it is sorted by. */
typedef struct round_unit {
    size_t first, end;
    uint64_t block, within;
} round_unit;

/* Whether two cases belong to the same block of a round: a guideline experiment's group (at one scale,
 * thread count and cap), whose cases are compared with each other and so run close together. */
static bool same_block(const lm_result_case *a, const lm_result_case *b) {
    return a->experiment[0] && strcmp(a->experiment, b->experiment) == 0 && strcmp(a->group, b->group) == 0 &&
           a->scale == b->scale && a->threads == b->threads && strcmp(a->isa, b->isa) == 0;
}

static int by_keys(const void *x, const void *y) {
    const round_unit *a = x, *b = y;
    if (a->block != b->block) return a->block < b->block ? -1 : 1;
    return a->within < b->within ? -1 : a->within > b->within;
}

/* The order of a round into order[0..case_count): blocks in a random order, the units of a block in a
 * random order, a unit's cases in the suite's; the suite's order when the run has one round. -1 when
 * memory runs out. */
static int round_order(const lm_results *r, int rounds, uint64_t *random, size_t *order) {
    const size_t n = r->case_count;
    round_unit *units = malloc((n ? n : 1) * sizeof *units);
    if (!units) return -1;
    size_t count = 0;
    for (size_t i = 0; i < n; i++) {
        const lm_result_case *c = &r->cases[i];
        if (count && c->network[0] && strcmp(c->network, r->cases[units[count - 1].first].network) == 0) {
            units[count - 1].end = i + 1;
            continue;
        }
        round_unit u = {.first = i, .end = i + 1, .block = count, .within = 0};
        if (rounds > 1) {
            u.block = lm_random_next(random), u.within = lm_random_next(random);
            for (size_t k = 0; k < count; k++)
                if (same_block(c, &r->cases[units[k].first])) {
                    u.block = units[k].block;
                    break;
                }
        }
        units[count++] = u;
    }
    if (rounds > 1) qsort(units, count, sizeof *units, by_keys);
    size_t filled = 0;
    for (size_t k = 0; k < count; k++)
        for (size_t i = units[k].first; i < units[k].end; i++) order[filled++] = i;
    free(units);
    return 0;
}

/* Binds a pool worker to its placement slot; its kernels flush denormals like the calling thread. */
static int bind_worker(void *host, int index) {
    set_flush_to_zero();
    return lm_bind_to_slot(host, index);
}

/* ---- A round, in a process of its own --------------------------------------------------------- */

/* Times the cases of a round in `order`, with pools of threads made for it; 0, or -1 with a reason. */
static int time_round(runner *rn, const size_t *order, char *err, size_t err_size) {
    const lm_run_config *cfg = rn->cfg;
    lm_results *r = rn->results;
    lm_threadpool *pools[LM_RESULT_MAX_THREAD_COUNTS] = {NULL};
    int status = -1;
    set_flush_to_zero();
    rn->bind_error = lm_host_bind_current_thread(cfg->host, 0); /* the pools' workers start from here */
    for (size_t t = 0; t < r->thread_count_count; t++) {
        bool used = false; /* no idle pool for a thread count the filter left without cases */
        for (size_t i = 0; i < rn->count; i++) used |= r->cases[i].threads == r->thread_counts[t].threads;
        if (!used) continue;
        pools[t] = lm_threadpool_create(r->thread_counts[t].threads, bind_worker, (void *)cfg->host);
        if (!pools[t]) {
            lm_error(err, err_size, "cannot start %d threads", r->thread_counts[t].threads);
            goto done;
        }
    }
    for (size_t i = 0; i < rn->count; i++)
        for (size_t t = 0; t < r->thread_count_count; t++)
            if (r->thread_counts[t].threads == r->cases[i].threads) rn->cases[i].state.pool = pools[t];

    lm_gb_clear_cases();
    for (size_t k = 0; k < rn->count; k++) {
        bench_case *c = &rn->cases[order[k]];
        const lm_result_case *result = c->state.result;
        lm_gb_case *g = lm_gb_register(result->name, bench_body, c);
        lm_gb_case_use_real_time(g);
        lm_gb_case_time_unit(g, LM_GB_MICROSECOND);
        const double scale = time_scale(result);
        lm_gb_case_min_warmup_time(g, cfg->warmup_time * scale);
        lm_gb_case_min_time(g, cfg->min_time * scale);
        lm_gb_case_repetitions(g, cfg->repetitions);
        lm_gb_case_add_statistic(g, LM_GB_STAT_MIN);
        lm_gb_case_add_statistic(g, LM_GB_STAT_MAX);
    }
    lm_gb_run(&(lm_gb_run_options){.display = LM_GB_DISPLAY_NONE, .on_context = on_context, .on_result = on_result,
                                   .user = rn});
    release(rn->current);
    rn->current = NULL;
    lm_net_cache_clear(&rn->nets);
    status = 0;

done:
    lm_gb_clear_cases();
    for (size_t t = 0; t < r->thread_count_count; t++) {
        if (!rn->bind_error) rn->bind_error = lm_threadpool_bind_error(pools[t]);
        lm_threadpool_destroy(pools[t]);
    }
    return status;
}

typedef struct round_job {
    runner *rn;
    const size_t *order;
} round_job;

/* In the round's process: times the round and reports it on `out` (round_report.h). */
static int time_round_and_report(FILE *out, void *context) {
    const round_job *job = context;
    runner *rn = job->rn;
    const lm_results *r = rn->results;
    size_t *runs_before = malloc((rn->count ? rn->count : 1) * sizeof *runs_before);
    bool *interrupted = malloc(rn->count ? rn->count : 1);
    if (!runs_before || !interrupted) {
        free(runs_before), free(interrupted);
        return -1;
    }
    for (size_t i = 0; i < rn->count; i++) runs_before[i] = r->cases[i].run_count;
    lm_round_facts facts = {0};
    facts.status = time_round(rn, job->order, facts.error, sizeof facts.error);
    facts.out_of_memory = rn->out_of_memory;
    facts.bind_error = rn->bind_error;
    facts.next_family = rn->next_family;
    if (rn->cfg->progress) facts.progress = *rn->cfg->progress;
    for (size_t i = 0; i < rn->count; i++) interrupted[i] = rn->cases[i].interrupted;
    const int status = lm_round_report_write(out, &facts, r, runs_before, interrupted);
    free(runs_before), free(interrupted);
    return status;
}

/* In the runner's process: times a round in a process of its own and takes its report, as if the
 * round had run here. 0, or -1 with a reason. */
static int run_round(runner *rn, const size_t *order, char *err, size_t err_size) {
    char *bytes = NULL;
    size_t size = 0;
    const round_job job = {.rn = rn, .order = order};
    if (lm_child_run(time_round_and_report, (void *)&job, rn->cfg->interrupted, &bytes, &size, err, err_size) != 0)
        return -1;
    lm_round_facts facts;
    bool *interrupted = malloc(rn->count ? rn->count : 1);
    int status = interrupted ? lm_round_report_read(bytes, size, &facts, rn->results, interrupted, err, err_size)
                             : lm_error(err, err_size, "out of memory");
    free(bytes);
    if (status == 0 && facts.status != 0) status = lm_error(err, err_size, "%s", facts.error);
    if (status == 0) {
        for (size_t i = 0; i < rn->count; i++) rn->cases[i].interrupted = interrupted[i];
        rn->out_of_memory |= facts.out_of_memory;
        if (!rn->bind_error) rn->bind_error = facts.bind_error;
        rn->next_family = facts.next_family;
        if (rn->cfg->progress) *rn->cfg->progress = facts.progress;
    }
    free(interrupted);
    return status;
}

int lm_runner_run(const lm_run_config *cfg, lm_results *r, char *err, size_t err_size) {
    if (drop_unsupported_peers(cfg, r, err, err_size) != 0) return -1;
    runner rn = {.cfg = cfg, .results = r, .count = r->case_count};
    int status = -1;
    rn.cases = calloc(rn.count ? rn.count : 1, sizeof *rn.cases);
    size_t *order = malloc((rn.count ? rn.count : 1) * sizeof *order);
    if (!rn.cases || !order) {
        free(rn.cases), free(order);
        return lm_error(err, err_size, "out of memory");
    }
    for (size_t i = 0; i < rn.count; i++) {
        bench_case *c = &rn.cases[i];
        c->runner = &rn;
        lm_result_case *result = &r->cases[i];
        c->backend = result->runs_on;
        c->state = (lm_bench_case){.result = result, .shape = result->kernel_case, .isas = case_isas(r, result),
                                   .nets = &rn.nets, .suite = cfg->suite};
        bool threads_planned = false;
        for (size_t t = 0; t < r->thread_count_count; t++) threads_planned |= r->thread_counts[t].threads == result->threads;
        if (!c->backend || !threads_planned || (!c->state.shape && !result->network[0])) {
            lm_error(err, err_size, "%s was not planned by this runner", result->name);
            goto done;
        }
        c->expected_seconds = expected_seconds(cfg, result);
    }
    rn.rounds = r->rounds;
    uint64_t random = cfg->seed;
    for (rn.round = 0; rn.round < rn.rounds; rn.round++) {
        if (round_order(r, rn.rounds, &random, order) != 0) {
            lm_error(err, err_size, "out of memory");
            goto done;
        }
        if (rn.rounds > 1) rn.nets.arena_offset = 64 * lm_random_below(&random, LM_ARENA_OFFSET_SPAN / 64);
        /* Each round in a process of its own (child_process.h says why); this one starts no threads,
         * so forking it is safe. */
        char why[300];
        if (run_round(&rn, order, why, sizeof why) != 0) {
            lm_error(err, err_size, "round %d of %d: %s", rn.round + 1, rn.rounds, why);
            goto done;
        }
        if (rn.out_of_memory) {
            lm_error(err, err_size, "out of memory while collecting results");
            goto done;
        }
        if (!interrupted(cfg)) continue;
        if (rn.round == 0) drop_unfinished(&rn, r);
        else drop_round(r, rn.round);
        break;
    }
    for (size_t i = 0; rn.rounds > 1 && i < r->case_count; i++)
        if (lm_result_case_add_aggregates(&r->cases[i]) != 0) {
            lm_error(err, err_size, "out of memory while collecting results");
            goto done;
        }
    status = 0;

done:
    if (rn.bind_error) {
        const size_t used = strlen(r->pinning);
        snprintf(r->pinning + used, sizeof r->pinning - used, "; binding failed (%s): threads may have run unpinned",
                 strerror(-rn.bind_error));
        note(cfg, "latmac run: binding threads failed (%s); they may have run unpinned\n", strerror(-rn.bind_error));
    }
    free(rn.cases);
    free(order);
    return status;
}
