/* Google Benchmark, seen from C.
 *
 * The only C++ in latmac sits behind this header (gbench_shim.cc). A case is a C function that runs
 * the timed loop on an opaque state; it is registered by name with an opaque context pointer. After
 * the run, every result (each repetition and each aggregate) is handed back to C through a reporter
 * callback, so latmac writes its own files.
 *
 * Typical use:
 *
 *     static void bench_copy(lm_gb_state *st, void *ctx) {
 *         while (lm_gb_keep_running(st)) copy(ctx);
 *         lm_gb_set_counter(st, "bytes", 4096, LM_GB_COUNTER_IS_ITERATION_INVARIANT_RATE);
 *     }
 *     lm_gb_case *c = lm_gb_register("copy_4k", bench_copy, &buffers);
 *     lm_gb_case_use_real_time(c);
 *     lm_gb_case_repetitions(c, 9);
 *     lm_gb_run(&(lm_gb_run_options){ .on_result = collect, .user = &results });
 *
 * Strings passed in are copied; strings handed to callbacks live only for the duration of the call.
 * Works with Google Benchmark 1.7.1 (Debian 12) and later.
 */
#ifndef LM_GBENCH_SHIM_H
#define LM_GBENCH_SHIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lm_gb_state lm_gb_state; /* benchmark::State of the running case */
typedef struct lm_gb_case lm_gb_case;   /* a registered case, for setting its options */

/* The body of a case: run the timed loop on `state`. `context` is the pointer given at registration. */
typedef void (*lm_gb_case_fn)(lm_gb_state *state, void *context);

/* ---- Process set-up ---------------------------------------------------------------------------- */

/* Hands every "--benchmark_*" and "--v=" argument of argv to Google Benchmark and removes them from
 * argv (updating *argc); other arguments stay, in order. Returns NULL on success, or the first
 * "--benchmark_*" argument Google Benchmark did not recognise (that argument is left in argv).
 * "--help" is never passed through, so the caller keeps its own help. */
const char *lm_gb_initialize(int *argc, char **argv);

/* Adds a key/value pair to the run's context (Google Benchmark's custom context). */
void lm_gb_add_context(const char *key, const char *value);

/* Forgets every registered case (their handles become invalid). */
void lm_gb_clear_cases(void);

/* ---- Registering a case ------------------------------------------------------------------------ */

/* Registers `fn` under `name` (copied). `context` may be NULL. Returns a handle for the options
 * below; the case stays registered until lm_gb_clear_cases(). */
lm_gb_case *lm_gb_register(const char *name, lm_gb_case_fn fn, void *context);

typedef enum lm_gb_time_unit {
    LM_GB_NANOSECOND,
    LM_GB_MICROSECOND,
    LM_GB_MILLISECOND,
    LM_GB_SECOND,
} lm_gb_time_unit;

/* Extra statistics over repetitions, beside Google Benchmark's mean, median, stddev and cv. */
typedef enum lm_gb_statistic {
    LM_GB_STAT_MIN,
    LM_GB_STAT_MAX,
} lm_gb_statistic;

void lm_gb_case_repetitions(lm_gb_case *c, int repetitions);     /* >= 1; default 1 */
void lm_gb_case_min_time(lm_gb_case *c, double seconds);         /* per repetition, > 0 */
void lm_gb_case_min_warmup_time(lm_gb_case *c, double seconds);  /* before the first repetition, >= 0 */
void lm_gb_case_iterations(lm_gb_case *c, int64_t iterations);   /* fixed count instead of min time */
void lm_gb_case_use_real_time(lm_gb_case *c);   /* wall clock decides the iteration count */
void lm_gb_case_use_manual_time(lm_gb_case *c); /* the case reports each iteration's time itself */
void lm_gb_case_time_unit(lm_gb_case *c, lm_gb_time_unit unit);
void lm_gb_case_threads(lm_gb_case *c, int threads); /* run the body on this many threads at once */
void lm_gb_case_aggregates_only(lm_gb_case *c);      /* report aggregates, not each repetition */
void lm_gb_case_add_statistic(lm_gb_case *c, lm_gb_statistic statistic);

/* ---- Inside a case ----------------------------------------------------------------------------- */

/* The timed loop: `while (lm_gb_keep_running(st)) { work(); }`. */
bool lm_gb_keep_running(lm_gb_state *st);
/* Batch form: each true return accounts for `n` iterations, run by the caller. */
bool lm_gb_keep_running_batch(lm_gb_state *st, int64_t n);
void lm_gb_pause_timing(lm_gb_state *st);
void lm_gb_resume_timing(lm_gb_state *st);
/* With lm_gb_case_use_manual_time: the time of the iteration just run. */
void lm_gb_set_iteration_time(lm_gb_state *st, double seconds);

/* Counter flags, as Google Benchmark defines them; OR them together. */
#define LM_GB_COUNTER_DEFAULT 0u
#define LM_GB_COUNTER_IS_RATE (1u << 0)                /* divided by the run's duration */
#define LM_GB_COUNTER_AVG_THREADS (1u << 1)            /* divided by the number of threads */
#define LM_GB_COUNTER_IS_ITERATION_INVARIANT (1u << 2) /* per iteration: multiplied by iterations */
#define LM_GB_COUNTER_AVG_ITERATIONS (1u << 3)         /* divided by the number of iterations */
#define LM_GB_COUNTER_INVERT (1u << 31)                /* 1/x, applied last */
#define LM_GB_COUNTER_IS_ITERATION_INVARIANT_RATE (LM_GB_COUNTER_IS_RATE | LM_GB_COUNTER_IS_ITERATION_INVARIANT)

/* Sets (or replaces) the user counter `name`; `flags` is an OR of LM_GB_COUNTER_*. */
void lm_gb_set_counter(lm_gb_state *st, const char *name, double value, unsigned flags);
void lm_gb_set_label(lm_gb_state *st, const char *label);
/* Marks the case failed with `message`. Call it before the loop, or break out of the loop after it. */
void lm_gb_skip_with_error(lm_gb_state *st, const char *message);
bool lm_gb_error_occurred(const lm_gb_state *st);
int64_t lm_gb_iterations(const lm_gb_state *st); /* iterations run so far */
int lm_gb_thread_index(const lm_gb_state *st);
int lm_gb_threads(const lm_gb_state *st);

/* Keeps the compiler from optimising away the computation of *p. */
static inline void lm_gb_do_not_optimize(const void *p) { __asm__ volatile("" : : "g"(p) : "memory"); }
static inline void lm_gb_clobber_memory(void) { __asm__ volatile("" : : : "memory"); }

/* ---- Running and reporting --------------------------------------------------------------------- */

typedef struct lm_gb_counter {
    const char *name;
    double value; /* after Google Benchmark applied the flags */
    unsigned flags;
} lm_gb_counter;

typedef enum lm_gb_result_status {
    LM_GB_RESULT_OK,
    LM_GB_RESULT_ERROR,   /* lm_gb_skip_with_error was called */
    LM_GB_RESULT_SKIPPED, /* skipped without an error (newer Google Benchmark versions only) */
} lm_gb_result_status;

/* One result: a repetition (is_aggregate false) or an aggregate over repetitions. */
typedef struct lm_gb_result {
    const char *name;           /* full name, as Google Benchmark prints it */
    const char *case_name;      /* the name given to lm_gb_register */
    void *context;              /* the context given to lm_gb_register with that name (NULL: none) */
    bool is_aggregate;
    const char *aggregate_name; /* "mean", "median", "stddev", "cv", "min", "max"; "" otherwise */
    bool is_percentage;         /* aggregate is a ratio (cv): real_time and cpu_time hold the ratio */
    int64_t repetition_index;   /* 0-based; -1 for aggregates */
    int64_t repetitions;
    int64_t iterations;
    int64_t threads;
    double real_time;           /* per iteration, in time_unit */
    double cpu_time;
    lm_gb_time_unit time_unit;
    const char *time_unit_name; /* "ns", "us", "ms", "s" */
    const char *label;          /* "" when none */
    lm_gb_result_status status;
    const char *message;        /* error or skip message; "" when none */
    size_t counter_count;
    const lm_gb_counter *counters;
} lm_gb_result;

/* What Google Benchmark knows of the run's context; custom entries come from lm_gb_add_context and
 * --benchmark_context. */
typedef struct lm_gb_context {
    const char *executable;
    const char *host_name;
    int num_cpus;
    double mhz_per_cpu;
    int cpu_scaling; /* 1 enabled, 0 disabled, -1 unknown */
    size_t custom_count;
    const char *const *custom_keys;
    const char *const *custom_values;
    /* The same context as Google Benchmark's JSON reporter writes it (date, caches, load_avg,
     * library_build_type, custom entries, ...), as a complete document: {"context": {...},
     * "benchmarks": []}. Google Benchmark does not escape strings there, so parse it defensively. */
    const char *json;
} lm_gb_context;

typedef enum lm_gb_display {
    LM_GB_DISPLAY_NONE,   /* nothing printed */
    LM_GB_DISPLAY_STDOUT, /* Google Benchmark's own table (respects --benchmark_format) on stdout */
    LM_GB_DISPLAY_STDERR, /* the same on stderr */
} lm_gb_display;

typedef struct lm_gb_run_options {
    const char *filter;    /* regular expression over case names; NULL: --benchmark_filter or all */
    lm_gb_display display;
    /* Called once before any case runs; return false to cancel the run. May be NULL. */
    bool (*on_context)(const lm_gb_context *context, void *user);
    /* Called for each result, repetitions first, then that case's aggregates. May be NULL. */
    void (*on_result)(const lm_gb_result *result, void *user);
    void *user;
} lm_gb_run_options;

/* Runs every registered case matching the filter. Returns the number of matching cases (0 when none
 * matched or the filter is not a valid regular expression). */
size_t lm_gb_run(const lm_gb_run_options *options);

#ifdef __cplusplus
}
#endif

#endif
