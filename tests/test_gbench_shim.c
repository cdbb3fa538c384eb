/* The Google Benchmark C shim: C cases run, and everything they report comes back through C. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench/measure/gbench_shim.h"

#define MAX_RESULTS 32
#define MAX_COUNTERS 8

/* A deep copy of what the reporter handed over (its strings live only during the callback). */
typedef struct saved_result {
    char name[128], aggregate[32], label[64], message[64], unit[4];
    bool is_aggregate, is_percentage;
    int64_t repetition_index, iterations, threads;
    double real_time, cpu_time;
    lm_gb_result_status status;
    size_t counter_count;
    char counter_names[MAX_COUNTERS][32];
    double counter_values[MAX_COUNTERS];
    unsigned counter_flags[MAX_COUNTERS];
    void *context;
} saved_result;

typedef struct collected {
    size_t count;
    saved_result results[MAX_RESULTS];
    bool saw_context;
    bool context_json_ok; /* lm_gb_context.json looked like Google Benchmark's JSON context */
    char custom[256]; /* "key=value;" for each custom context entry */
    int num_cpus;
    bool cancel;      /* on_context answers false */
} collected;

static void save(const lm_gb_result *r, void *user) {
    collected *c = user;
    assert_true(c->count < MAX_RESULTS);
    saved_result *s = &c->results[c->count++];
    snprintf(s->name, sizeof s->name, "%s", r->name);
    snprintf(s->aggregate, sizeof s->aggregate, "%s", r->aggregate_name);
    snprintf(s->label, sizeof s->label, "%s", r->label);
    snprintf(s->message, sizeof s->message, "%s", r->message);
    snprintf(s->unit, sizeof s->unit, "%s", r->time_unit_name);
    s->is_aggregate = r->is_aggregate;
    s->is_percentage = r->is_percentage;
    s->repetition_index = r->repetition_index;
    s->iterations = r->iterations;
    s->threads = r->threads;
    s->real_time = r->real_time;
    s->cpu_time = r->cpu_time;
    s->status = r->status;
    s->context = r->context;
    assert_true(r->counter_count <= MAX_COUNTERS);
    s->counter_count = r->counter_count;
    for (size_t i = 0; i < r->counter_count; i++) {
        snprintf(s->counter_names[i], sizeof s->counter_names[i], "%s", r->counters[i].name);
        s->counter_values[i] = r->counters[i].value;
        s->counter_flags[i] = r->counters[i].flags;
    }
}

static bool on_context(const lm_gb_context *ctx, void *user) {
    collected *c = user;
    c->saw_context = true;
    c->num_cpus = ctx->num_cpus;
    /* Google Benchmark's own JSON context, closed into a document. */
    c->context_json_ok = ctx->json && strncmp(ctx->json, "{", 1) == 0 && strstr(ctx->json, "\"context\"") &&
                         strstr(ctx->json, "\"library_build_type\"") && strstr(ctx->json, "\"caches\"") &&
                         strstr(ctx->json, "\"date\"") && strcmp(ctx->json + strlen(ctx->json) - 2, "]}") == 0;
    for (size_t i = 0; i < ctx->custom_count; i++) {
        size_t used = strlen(c->custom);
        snprintf(c->custom + used, sizeof c->custom - used, "%s=%s;", ctx->custom_keys[i], ctx->custom_values[i]);
    }
    return !c->cancel;
}

static size_t run_filtered(const char *filter, collected *c) {
    lm_gb_run_options options = {.filter = filter, .on_context = on_context, .on_result = save, .user = c};
    return lm_gb_run(&options);
}

static const saved_result *find(const collected *c, const char *aggregate, int64_t repetition) {
    for (size_t i = 0; i < c->count; i++)
        if (strcmp(c->results[i].aggregate, aggregate) == 0 && c->results[i].repetition_index == repetition)
            return &c->results[i];
    return NULL;
}

static double counter(const saved_result *r, const char *name, unsigned *flags) {
    for (size_t i = 0; i < r->counter_count; i++)
        if (strcmp(r->counter_names[i], name) == 0) {
            if (flags) *flags = r->counter_flags[i];
            return r->counter_values[i];
        }
    fail_msg("counter %s missing from %s", name, r->name);
    return NAN;
}

static int clear_cases(void **state) {
    (void)state;
    lm_gb_clear_cases();
    return 0;
}

/* ---- cases ------------------------------------------------------------------------------------- */

static volatile double sink;

static void case_with_counters(lm_gb_state *st, void *context) {
    int *calls = context;
    (*calls)++;
    while (lm_gb_keep_running(st)) {
        double x = 0;
        for (int i = 0; i < 100; i++) x += i * 0.5;
        sink = x;
    }
    lm_gb_set_counter(st, "items", 10, LM_GB_COUNTER_IS_ITERATION_INVARIANT_RATE);
    lm_gb_set_counter(st, "plain", 42, LM_GB_COUNTER_DEFAULT);
    lm_gb_set_counter(st, "per_iteration", 8, LM_GB_COUNTER_AVG_ITERATIONS);
    lm_gb_set_label(st, "hello from C");
}

static void test_counters_label_and_repetitions_arrive_in_c(void **state) {
    (void)state;
    int calls = 0;
    lm_gb_case *c = lm_gb_register("shim_counters", case_with_counters, &calls);
    lm_gb_case_use_real_time(c);
    lm_gb_case_repetitions(c, 3);
    lm_gb_case_min_time(c, 0.002);
    lm_gb_case_min_warmup_time(c, 0.001);
    lm_gb_case_add_statistic(c, LM_GB_STAT_MIN);
    lm_gb_case_add_statistic(c, LM_GB_STAT_MAX);
    collected got = {0};
    assert_int_equal(run_filtered("^shim_counters/", &got), 1);
    assert_true(got.saw_context);
    assert_true(got.context_json_ok);
    assert_true(calls >= 3); /* at least once per repetition */

    for (int64_t rep = 0; rep < 3; rep++) {
        const saved_result *r = find(&got, "", rep);
        assert_non_null(r);
        assert_ptr_equal(r->context, &calls); /* each result hands back its case's own context */
        assert_false(r->is_aggregate);
        assert_int_equal(r->status, LM_GB_RESULT_OK);
        assert_string_equal(r->label, "hello from C");
        assert_true(r->iterations > 0);
        assert_true(r->real_time > 0 && r->cpu_time > 0);
        assert_string_equal(r->unit, "ns");
        assert_int_equal(r->threads, 1);
        assert_non_null(strstr(r->name, "shim_counters"));
        unsigned flags = 0;
        assert_float_equal(counter(r, "plain", &flags), 42.0, 1e-12);
        assert_int_equal(flags, LM_GB_COUNTER_DEFAULT);
        assert_float_equal(counter(r, "per_iteration", NULL), 8.0 / (double)r->iterations, 1e-12);
        /* A rate of 10 per iteration over wall time: 10 / (seconds per iteration). */
        const double items = counter(r, "items", &flags);
        assert_int_equal(flags, LM_GB_COUNTER_IS_ITERATION_INVARIANT_RATE);
        assert_float_equal(items * r->real_time * 1e-9, 10.0, 1e-6);
    }
    const saved_result *median = find(&got, "median", -1), *min = find(&got, "min", -1),
                       *max = find(&got, "max", -1), *mean = find(&got, "mean", -1),
                       *stddev = find(&got, "stddev", -1);
    assert_non_null(median);
    assert_non_null(min);
    assert_non_null(max);
    assert_non_null(mean);
    assert_non_null(stddev);
    assert_true(median->is_aggregate && !median->is_percentage);
    assert_true(min->real_time <= median->real_time && median->real_time <= max->real_time);
    /* Google Benchmark derives aggregates by other arithmetic than repetitions' times: allow an ulp or so. */
    for (int64_t rep = 0; rep < 3; rep++) assert_true(find(&got, "", rep)->real_time >= min->real_time * (1 - 1e-12));
    const saved_result *cv = find(&got, "cv", -1); /* the coefficient of variation, as a ratio */
    assert_non_null(cv);
    assert_true(cv->is_percentage);
    assert_float_equal(cv->real_time, stddev->real_time / mean->real_time, 1e-9);
}

/* Cases record what they saw; the test asserts afterwards (never inside Google Benchmark's frames). */
typedef struct observed {
    _Atomic int bodies;
    _Atomic int bad;
} observed;

static void case_fails(lm_gb_state *st, void *context) {
    observed *seen = context;
    lm_gb_skip_with_error(st, "no input file");
    if (!lm_gb_error_occurred(st)) seen->bad++;
    while (lm_gb_keep_running(st)) seen->bodies++;
}

static void test_error_state_arrives_in_c(void **state) {
    (void)state;
    observed seen = {0};
    lm_gb_register("shim_error", case_fails, &seen);
    collected got = {0};
    assert_int_equal(run_filtered("^shim_error", &got), 1);
    assert_int_equal(seen.bad, 0);    /* the state knew about the error */
    assert_int_equal(seen.bodies, 0); /* and the timed loop never ran */
    assert_int_equal(got.count, 1);
    assert_int_equal(got.results[0].status, LM_GB_RESULT_ERROR);
    assert_string_equal(got.results[0].message, "no input file");
}

static void case_manual_time(lm_gb_state *st, void *context) {
    (void)context;
    while (lm_gb_keep_running(st)) lm_gb_set_iteration_time(st, 0.002);
}

static void test_manual_time_and_unit(void **state) {
    (void)state;
    lm_gb_case *c = lm_gb_register("shim_manual", case_manual_time, NULL);
    lm_gb_case_use_manual_time(c);
    lm_gb_case_iterations(c, 5);
    lm_gb_case_time_unit(c, LM_GB_MILLISECOND);
    collected got = {0};
    assert_int_equal(run_filtered("^shim_manual", &got), 1);
    assert_int_equal(got.count, 1);
    assert_int_equal(got.results[0].iterations, 5);
    assert_string_equal(got.results[0].unit, "ms");
    assert_float_equal(got.results[0].real_time, 2.0, 1e-9); /* exactly what the case reported */
}

static void sleep_ms(int ms) {
    struct timespec t = {.tv_sec = 0, .tv_nsec = ms * 1000000L};
    while (nanosleep(&t, &t) != 0) {}
}

static void case_paused(lm_gb_state *st, void *context) {
    (void)context;
    while (lm_gb_keep_running(st)) {
        lm_gb_pause_timing(st);
        sleep_ms(30);
        lm_gb_resume_timing(st);
    }
}

static void test_pause_excludes_time(void **state) {
    (void)state;
    lm_gb_case *c = lm_gb_register("shim_paused", case_paused, NULL);
    lm_gb_case_use_real_time(c);
    lm_gb_case_iterations(c, 3);
    collected got = {0};
    assert_int_equal(run_filtered("^shim_paused", &got), 1);
    /* Each iteration slept 30 ms with the timer paused; what was timed is an empty loop body. */
    assert_true(got.results[0].real_time < 15e6);
}

static void case_batched(lm_gb_state *st, void *context) {
    int *bodies = context;
    while (lm_gb_keep_running_batch(st, 4)) (*bodies)++;
}

static void test_batch_loop(void **state) {
    (void)state;
    int bodies = 0;
    lm_gb_case *c = lm_gb_register("shim_batch", case_batched, &bodies);
    lm_gb_case_iterations(c, 8);
    collected got = {0};
    assert_int_equal(run_filtered("^shim_batch", &got), 1);
    assert_int_equal(got.results[0].iterations, 8);
    assert_int_equal(bodies, 2); /* two batches of four */
}

static void case_threaded(lm_gb_state *st, void *context) {
    observed *seen = context;
    if (lm_gb_thread_index(st) < 0 || lm_gb_thread_index(st) >= lm_gb_threads(st)) seen->bad++;
    seen->bodies++;
    while (lm_gb_keep_running(st)) sink = 1.0;
    lm_gb_set_counter(st, "per_thread", 3, LM_GB_COUNTER_AVG_THREADS);
}

static void test_threads_and_thread_average(void **state) {
    (void)state;
    observed seen = {0};
    lm_gb_case *c = lm_gb_register("shim_threads", case_threaded, &seen);
    lm_gb_case_threads(c, 2);
    lm_gb_case_iterations(c, 10);
    collected got = {0};
    assert_int_equal(run_filtered("^shim_threads", &got), 1);
    assert_int_equal(seen.bodies, 2); /* the body ran once on each thread */
    assert_int_equal(seen.bad, 0);
    assert_int_equal(got.results[0].threads, 2);
    assert_float_equal(counter(&got.results[0], "per_thread", NULL), 3.0, 1e-12); /* 2 x 3, averaged */
}

static void case_trivial(lm_gb_state *st, void *context) {
    (void)context;
    while (lm_gb_keep_running(st)) sink = 2.0;
}

static void test_context_and_cancel(void **state) {
    (void)state;
    lm_gb_add_context("latmac_case", "context-test");
    lm_gb_case *c = lm_gb_register("shim_context", case_trivial, NULL);
    lm_gb_case_iterations(c, 1);
    collected got = {.cancel = true};
    run_filtered("^shim_context/", &got);
    assert_true(got.saw_context);
    assert_true(got.num_cpus > 0);
    assert_non_null(strstr(got.custom, "latmac_case=context-test;"));
    assert_non_null(strstr(got.custom, "from_flag=passed;")); /* --benchmark_context, via initialize */
    assert_int_equal(got.count, 0); /* cancelled before any case ran */
}

static void test_filter_without_match(void **state) {
    (void)state;
    lm_gb_register("shim_unmatched", case_trivial, NULL);
    collected got = {0};
    assert_int_equal(run_filtered("^no_such_case$", &got), 0);
    assert_int_equal(got.count, 0);
}

/* Google Benchmark's flags are taken out of argv; everything else stays, in order. Runs first. */
static void test_initialize_passes_only_benchmark_flags(void **state) {
    (void)state;
    char *argv[] = {"prog", "--benchmark_context=from_flag=passed", "info", "--help",
                    "--benchmark_no_such_flag=1", "--format", "json", NULL};
    int argc = 7;
    const char *unknown = lm_gb_initialize(&argc, argv);
    assert_non_null(unknown);
    assert_string_equal(unknown, "--benchmark_no_such_flag=1");
    assert_int_equal(argc, 6);
    const char *expected[] = {"prog", "info", "--help", "--benchmark_no_such_flag=1", "--format", "json"};
    for (int i = 0; i < argc; i++) assert_string_equal(argv[i], expected[i]);
    assert_null(argv[argc]);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_initialize_passes_only_benchmark_flags),
        cmocka_unit_test_teardown(test_counters_label_and_repetitions_arrive_in_c, clear_cases),
        cmocka_unit_test_teardown(test_error_state_arrives_in_c, clear_cases),
        cmocka_unit_test_teardown(test_manual_time_and_unit, clear_cases),
        cmocka_unit_test_teardown(test_pause_excludes_time, clear_cases),
        cmocka_unit_test_teardown(test_batch_loop, clear_cases),
        cmocka_unit_test_teardown(test_threads_and_thread_average, clear_cases),
        cmocka_unit_test_teardown(test_context_and_cancel, clear_cases),
        cmocka_unit_test_teardown(test_filter_without_match, clear_cases),
    };
    return cmocka_run_group_tests_name("gbench_shim", tests, NULL, NULL);
}
