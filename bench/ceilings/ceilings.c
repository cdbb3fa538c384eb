/* Measuring the host's ceilings (see ceilings.h): which working sets and levels to measure at, the
 * threads that run the loops of ceilings_loops.h, and the timing. */
#include "bench/ceilings/ceilings.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bench/ceilings/ceilings_loops.h"
#include "kernels/error.h"
#include "bench/host/isa.h"
#include "kernels/kernel.h"
#include "kernels/threadpool.h"
#include "bench/host/clock.h"
#include "bench/stats/summary.h"

const char *const lm_bandwidth_kind_names[LM_BW_KINDS] = {"read", "write", "copy"};

#define KIB ((size_t)1 << 10)
#define MIB ((size_t)1 << 20)
#define SWEEP_FIRST (8 * KIB)
#define DRAM_MIN (64 * MIB)  /* DRAM's working set is at least this ... */
#define DRAM_CACHE_FACTOR 4  /* ... and at least this many times the largest cache's capacity */
/* A thread's share is a whole number of these: a copy's source and destination halves are each whole
 * blocks of the loops. */
#define SHARE_UNIT (2 * LM_CEILING_BLOCK_BYTES)
#define BUFFER_ALIGN 4096    /* a page: no two threads' shares meet in a line or a page */

/* ---- Working sets and levels ------------------------------------------------------------------- */

/* The working set actually measured for `bytes` over `threads`: equal shares, each a whole number of
 * SHARE_UNIT and at least one. Every working set goes through it, so levels and sweep points agree. */
static size_t fit_working_set(size_t bytes, int threads) {
    size_t share = bytes / (size_t)threads / SHARE_UNIT * SHARE_UNIT;
    return (share ? share : SHARE_UNIT) * (size_t)threads;
}

/* Whether the OS cpu list `list` ("0-3,8") holds `cpu`. */
static bool cpu_list_has(const char *list, unsigned cpu) {
    for (const char *s = list; s && *s;) {
        char *end;
        const unsigned long lo = strtoul(s, &end, 10);
        unsigned long hi = lo;
        if (end == s) return false;
        if (*end == '-') {
            s = end + 1;
            hi = strtoul(s, &end, 10);
            if (end == s) return false;
        }
        if (cpu >= lo && cpu <= hi) return true;
        s = *end == ',' ? end + 1 : NULL;
    }
    return false;
}

/* The instances of `c` that the first `threads` placement slots run on. Private and shared caches follow
 * the same rule: an L1 or L2 private to a core counts once per core used (two hardware threads of one
 * core share it), a shared L3 once per instance (socket, CCX) the threads reach. When the probe gives no
 * cpu lists, the threads are assumed to fill instances in turn, cores_per_instance at a time. */
static size_t instances_used(const lm_host *host, const lm_host_cache *c, int threads) {
    const size_t slots = (size_t)threads < host->placement_count ? (size_t)threads : host->placement_count;
    size_t used = 0;
    for (unsigned i = 0; i < c->instances && c->shared_cpus; i++) {
        bool reached = false;
        for (size_t s = 0; s < slots && !reached; s++) reached = cpu_list_has(c->shared_cpus[i], host->placement[s]);
        used += reached;
    }
    if (used) return used;
    const size_t per = c->cores_per_instance ? c->cores_per_instance : (size_t)threads;
    used = ((size_t)threads + per - 1) / per;
    return c->instances && used > c->instances ? c->instances : used;
}

/* The cache levels at `threads` (data or unified; instruction caches hold no working set), from L1 out,
 * each capacity_bytes = size x instances_used and working_set = half of that. A level that holds no
 * more than the one inside it (an odd probe) is left out: it would add no roof. Returns the count. */
static size_t plan_cache_levels(const lm_host *host, int threads, lm_memory_level *levels) {
    size_t n = 0;
    int last_level = 0;
    for (size_t i = 0; i < host->cache_count && n < LM_CEILING_MAX_LEVELS - 1; i++) {
        const lm_host_cache *c = &host->caches[i];
        if (c->level <= last_level || strcmp(c->type, "instruction") == 0 || !c->size_bytes) continue;
        const size_t capacity = (size_t)c->size_bytes * instances_used(host, c, threads);
        if (n && capacity <= levels[n - 1].capacity_bytes) continue;
        last_level = c->level;
        lm_memory_level *l = &levels[n++];
        memset(l, 0, sizeof *l);
        snprintf(l->name, sizeof l->name, "L%d", c->level);
        l->capacity_bytes = capacity;
        l->working_set = fit_working_set(capacity / 2, threads);
    }
    return n;
}

static int compare_sizes(const void *a, const void *b) {
    const size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

/* Adds the levels and DRAM to `at` and the sweep's working sets: SWEEP_FIRST and its doublings below
 * DRAM's working set, and every level's, in increasing order. Returns DRAM's working set. */
static size_t plan_working_sets(const lm_host *host, lm_ceilings_at *at) {
    const int threads = at->threads;
    at->level_count = plan_cache_levels(host, threads, at->levels);
    const size_t largest = at->level_count ? at->levels[at->level_count - 1].capacity_bytes : 0;
    const size_t dram_target = largest > DRAM_MIN / DRAM_CACHE_FACTOR ? DRAM_CACHE_FACTOR * largest : DRAM_MIN;
    lm_memory_level *dram = &at->levels[at->level_count++];
    memset(dram, 0, sizeof *dram);
    snprintf(dram->name, sizeof dram->name, "DRAM");
    dram->capacity_bytes = SIZE_MAX;
    dram->working_set = fit_working_set(dram_target, threads);

    size_t points[LM_CEILING_MAX_SWEEP], n = 0;
    for (size_t i = 0; i < at->level_count; i++) points[n++] = at->levels[i].working_set;
    for (size_t b = SWEEP_FIRST; b < dram->working_set && n < LM_CEILING_MAX_SWEEP; b *= 2)
        points[n++] = fit_working_set(b, threads);
    qsort(points, n, sizeof points[0], compare_sizes);
    at->sweep_count = 0;
    for (size_t i = 0; i < n; i++)
        if (!i || points[i] != points[i - 1]) at->sweep[at->sweep_count++] = (lm_bandwidth_point){.bytes = points[i]};
    return dram->working_set;
}

/* ---- Running the loops on every thread ---------------------------------------------------------- */

typedef enum work { WORK_TOUCH, WORK_FMA, WORK_FMA_ADD, WORK_READ, WORK_WRITE, WORK_COPY } work;

/* One parallel region's work: each of `threads` threads runs it once on its own share. */
typedef struct job {
    const lm_ceiling_loops *loops;
    int threads;
    float **shares;     /* per thread, BUFFER_ALIGN-aligned, share_capacity bytes */
    size_t share_capacity;
    float *sinks;       /* per thread: what its loop returned */
    work what;
    size_t share;       /* bytes per thread at the working set being measured */
    uint64_t count;     /* iterations or passes */
    _Atomic int arrived;
} job;

static void spin_pause(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

/* The pool hands tasks out dynamically; each task first waits for all of them to start, so no thread
 * can take a second one and every thread runs its share exactly once, all at the same time. */
static void run_share(void *context, size_t task, int thread) {
    (void)task;
    job *j = context;
    atomic_fetch_add_explicit(&j->arrived, 1, memory_order_acq_rel);
    while (atomic_load_explicit(&j->arrived, memory_order_acquire) < j->threads) spin_pause();
    float *p = j->shares[thread];
    const size_t half = j->share / 2;
    float r = 0;
    switch (j->what) {
    case WORK_TOUCH: /* by the thread that uses it: pages land on its NUMA node */
        for (size_t i = 0; i < j->share_capacity / sizeof *p; i++) p[i] = 1.0f;
        break;
    case WORK_FMA: r = j->loops->fma(j->count); break;
    case WORK_FMA_ADD: r = j->loops->fma_add(j->count); break;
    case WORK_READ: r = j->loops->read(p, j->share, j->count); break;
    case WORK_WRITE: r = j->loops->write(p, j->share, j->count); break;
    case WORK_COPY: r = j->loops->copy(p + half / sizeof *p, p, half, j->count); break;
    }
    j->sinks[thread] = r;
}


/* Wall time of one parallel region running `count` iterations or passes on every thread. */
static double run_timed(lm_threadpool *pool, job *j, uint64_t count) {
    j->count = count;
    atomic_store(&j->arrived, 0);
    const double start = lm_now_seconds();
    lm_threadpool_parallelize(pool, (size_t)j->threads, run_share, j);
    return lm_now_seconds() - start;
}

/* Where the sinks end up: the compiler must assume someone reads it. */
static volatile float sink;

/* The median rate of `j`, in units of `work_per_count` (FLOP or bytes over all threads per iteration or
 * pass) per second. Google Benchmark's calibration: runs with a growing count (by the ratio that should
 * reach 1.4 x min_time, at most 10x) until one lasts min_time; they are the warm-up. The repetitions
 * reuse that count, as Google Benchmark's do. */
static double median_rate(lm_threadpool *pool, job *j, double work_per_count, int repetitions, double min_time,
                          double *rates) {
    uint64_t count = 1;
    for (double t; (t = run_timed(pool, j, count)) < min_time;) {
        const double grow = t > min_time / 10 ? 1.4 * min_time / t : 10;
        const uint64_t next = (uint64_t)((double)count * grow);
        count = next > count ? next : count + 1;
    }
    for (int r = 0; r < repetitions; r++) rates[r] = work_per_count * (double)count / run_timed(pool, j, count);
    for (int t = 0; t < j->threads; t++) sink += j->sinks[t];
    return lm_median_in_place(rates, (size_t)repetitions);
}

/* ---- Measuring ---------------------------------------------------------------------------------- */

static const lm_ceiling_loops *loops_of(lm_isa isa) {
    return isa == LM_ISA_AVX512 ? &lm_ceiling_loops_avx512
           : isa == LM_ISA_AVX2 ? &lm_ceiling_loops_avx2
                                : &lm_ceiling_loops_ref;
}

static void measure_peaks(const lm_ceilings_config *cfg, lm_threadpool *pool, job *j, lm_ceilings_at *at,
                          double *rates) {
    static const lm_isa isas[] = {LM_ISA_AVX2, LM_ISA_AVX512};
    for (size_t i = 0; i < sizeof isas / sizeof isas[0]; i++) {
        if (!(cfg->usable_isas & LM_ISA_BIT(isas[i]))) continue;
        j->loops = loops_of(isas[i]);
        for (int mix = 0; mix < 2; mix++) {
            lm_peak_flops *p = &at->peaks[at->peak_count++];
            snprintf(p->isa, sizeof p->isa, "%s", lm_isa_name(isas[i]));
            snprintf(p->mix, sizeof p->mix, "%s", mix ? "fma+add" : "fma");
            j->what = mix ? WORK_FMA_ADD : WORK_FMA;
            const double flop = (mix ? j->loops->fma_add_flop : j->loops->fma_flop) * j->threads;
            p->gflops = median_rate(pool, j, flop, cfg->repetitions, cfg->min_time, rates) / 1e9;
            if (p->gflops > at->peak_gflops) at->peak_gflops = p->gflops;
        }
    }
}

/* Every sweep point with the best usable instruction set's loops; then each level takes its working
 * set's figures. Bytes as MAC counts them: a copy of half the share into the other half moves a share. */
static bool interrupted(const lm_ceilings_config *cfg) { return cfg->interrupted && *cfg->interrupted; }

static void measure_bandwidth(const lm_ceilings_config *cfg, lm_threadpool *pool, job *j, lm_ceilings_at *at,
                              double *rates) {
    j->loops = loops_of(cfg->usable_isas & LM_ISA_BIT(LM_ISA_AVX512) ? LM_ISA_AVX512
                        : cfg->usable_isas & LM_ISA_BIT(LM_ISA_AVX2) ? LM_ISA_AVX2
                                                                      : LM_ISA_REFERENCE);
    static const work kinds[LM_BW_KINDS] = {
        [LM_BW_READ] = WORK_READ, [LM_BW_WRITE] = WORK_WRITE, [LM_BW_COPY] = WORK_COPY};
    for (size_t i = 0; i < at->sweep_count && !interrupted(cfg); i++) {
        lm_bandwidth_point *p = &at->sweep[i];
        j->share = p->bytes / (size_t)j->threads;
        for (int k = 0; k < LM_BW_KINDS; k++) {
            j->what = kinds[k];
            p->gbps[k] = median_rate(pool, j, (double)p->bytes, cfg->repetitions, cfg->min_time, rates) / 1e9;
        }
    }
    for (size_t l = 0; l < at->level_count; l++) {
        lm_memory_level *level = &at->levels[l];
        for (size_t i = 0; i < at->sweep_count; i++)
            if (at->sweep[i].bytes == level->working_set) memcpy(level->gbps, at->sweep[i].gbps, sizeof level->gbps);
        for (int k = 0; k < LM_BW_KINDS; k++)
            if (level->gbps[k] > level->roof_gbps) level->roof_gbps = level->gbps[k];
    }
}

static void free_shares(job *j) {
    for (int t = 0; j->shares && t < j->threads; t++) free(j->shares[t]);
    free(j->shares);
    free(j->sinks);
}

/* Allocates every thread's share of the largest working set and has each thread touch its own. */
static int allocate_shares(lm_threadpool *pool, job *j, size_t largest, char *err, size_t err_size) {
    j->share_capacity = largest / (size_t)j->threads;
    j->shares = calloc((size_t)j->threads, sizeof *j->shares);
    j->sinks = calloc((size_t)j->threads, sizeof *j->sinks);
    bool ok = j->shares && j->sinks;
    for (int t = 0; ok && t < j->threads; t++) ok = (j->shares[t] = aligned_alloc(BUFFER_ALIGN, j->share_capacity));
    if (!ok)
        return lm_error(err, err_size, "cannot allocate %zu MiB for the largest working set at %d thread(s)",
                        largest / MIB, j->threads);
    j->what = WORK_TOUCH;
    run_timed(pool, j, 0);
    return 0;
}

/* Binds a pool worker to its placement slot, as the runner does. */
static int bind_worker(void *host, int index) { return lm_bind_to_slot(host, index); }

static int measure_at(const lm_ceilings_config *cfg, int threads, lm_ceilings_at *at, double *rates, int *bind_error,
                      char *err, size_t err_size) {
    memset(at, 0, sizeof *at);
    at->threads = threads;
    const size_t largest = plan_working_sets(cfg->host, at);
    lm_threadpool *pool = lm_threadpool_create(threads, bind_worker, (void *)cfg->host);
    if (!pool) return lm_error(err, err_size, "cannot start %d threads", threads);
    job j = {.threads = threads};
    int status = allocate_shares(pool, &j, largest, err, err_size);
    if (status == 0) {
        measure_peaks(cfg, pool, &j, at, rates);
        measure_bandwidth(cfg, pool, &j, at, rates);
    }
    if (!*bind_error) *bind_error = lm_threadpool_bind_error(pool);
    lm_threadpool_destroy(pool);
    free_shares(&j);
    return status;
}

int lm_ceilings_measure(const lm_ceilings_config *cfg, lm_ceilings *out, char *err, size_t err_size) {
    if (!cfg || !cfg->host || !out) return lm_error(err, err_size, "no host to measure");
    if (cfg->thread_count > LM_CEILING_MAX_THREAD_COUNTS)
        return lm_error(err, err_size, "more than %d thread counts", LM_CEILING_MAX_THREAD_COUNTS);
    if (cfg->repetitions < 1 || !(cfg->min_time > 0))
        return lm_error(err, err_size, "repetitions must be at least 1 and the minimum time above 0");
    for (size_t i = 0; i < cfg->thread_count; i++)
        if (cfg->threads[i] < 1) return lm_error(err, err_size, "%d threads: expected at least 1", cfg->threads[i]);
    double *rates = malloc((size_t)cfg->repetitions * sizeof *rates);
    if (!rates) return lm_error(err, err_size, "out of memory");
    memset(out, 0, sizeof *out);
    out->repetitions = cfg->repetitions;
    out->min_time = cfg->min_time;
    int bind_error = lm_host_bind_current_thread(cfg->host, 0); /* the pools' workers start from here */
    int status = 0;
    for (size_t i = 0; i < cfg->thread_count && status == 0; i++) {
        status = measure_at(cfg, cfg->threads[i], &out->at[i], rates, &bind_error, err, err_size);
        if (status == 0) out->count++;
    }
    if (status == 0 && interrupted(cfg)) status = lm_error(err, err_size, "interrupted while measuring the ceilings");
    free(rates);
    if (bind_error && cfg->notes)
        fprintf(cfg->notes, "latmac: binding threads failed (%s); the ceilings may have been measured unpinned\n",
                strerror(-bind_error));
    return status;
}

