/* `latmac compare`'s engine on synthetic samples drawn from fixed seeds: what is a regression, an
 * improvement, unchanged, noisy or too few; no false alarm over many unchanged cases; pooling files;
 * a higher-is-better metric; the geometric mean; cases on one side only. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "reports/compare.h"

#define REPS 9

static const lm_compare_options time_options = {.metric = "real_time", .threshold = 5, .alpha = 0.05, .max_cv = 0.10};

/* xorshift64* draws, made Gaussian by Marsaglia's polar method (one value per accepted pair). */
static double gaussian(uint64_t *s) {
    for (;;) {
        double uv[2];
        for (int k = 0; k < 2; k++) {
            *s ^= *s >> 12, *s ^= *s << 25, *s ^= *s >> 27;
            uv[k] = (double)((*s * 2685821657736338717ull) >> 11) / 4503599627370496.0 - 1; /* [-1, 1) */
        }
        const double r = uv[0] * uv[0] + uv[1] * uv[1];
        if (r > 0 && r < 1) return uv[0] * sqrt(-2 * log(r) / r);
    }
}

/* Adds a case of `reps` repetitions around `center` with relative noise `cv` (cv 0: all equal). */
static void add(lm_bench_set *set, const char *name, size_t reps, double center, double cv, uint64_t *seed) {
    set->cases = realloc(set->cases, (set->count + 1) * sizeof *set->cases);
    assert_non_null(set->cases);
    lm_bench_case *c = &set->cases[set->count++];
    *c = (lm_bench_case){.name = strdup(name), .values = malloc(reps * sizeof(double)), .count = reps};
    for (size_t i = 0; i < reps; i++) c->values[i] = center * (1 + cv * (seed ? gaussian(seed) : 0));
}

/* One case on each side, compared. */
typedef struct pair {
    lm_bench_set base, next;
    lm_compare_result r;
} pair;

static const lm_case_comparison *one(pair *p, const lm_compare_options *o, size_t reps, double base, double next,
                                     double cv, uint64_t seed) {
    *p = (pair){0};
    add(&p->base, "case", reps, base, cv, &seed);
    add(&p->next, "case", reps, next, cv, &seed);
    assert_int_equal(lm_compare(&p->base, &p->next, o, &p->r), 0);
    assert_int_equal(p->r.count, 1);
    return &p->r.cases[0];
}

static void pair_free(pair *p) {
    lm_compare_result_free(&p->r);
    lm_bench_set_free(&p->base);
    lm_bench_set_free(&p->next);
}

static void test_identical_runs(void **state) {
    (void)state;
    lm_bench_set a = {0};
    uint64_t seed = 1;
    add(&a, "x", REPS, 1e-4, 0.01, &seed);
    add(&a, "y", REPS, 2e-3, 0.02, &seed);
    lm_compare_result r;
    assert_int_equal(lm_compare(&a, &a, &time_options, &r), 0);
    assert_int_equal(r.status_counts[LM_COMPARE_UNCHANGED], 2);
    assert_true(r.cases[0].ratio == 1 && r.cases[1].ratio == 1 && r.geomean == 1);
    assert_true(r.cases[0].effect == 1);
    lm_compare_result_free(&r);
    lm_bench_set_free(&a);
}

static void test_slowdown_is_a_regression(void **state) {
    (void)state;
    pair r;
    const lm_case_comparison *c = one(&r, &time_options, REPS, 1e-4, 1.2e-4, 0.01, 2);
    assert_int_equal(c->status, LM_COMPARE_REGRESSION);
    assert_true(c->p_adjusted < 0.01 && fabs(c->change - 0.2) < 0.03);
    assert_true(c->effect_low > 1.1 && c->effect_high < 1.3 && c->effect_low <= c->effect && c->effect <= c->effect_high);
    assert_true(c->base_cv < 0.03 && c->new_cv < 0.03);
    pair_free(&r);
}

static void test_slowdown_in_noise_is_noisy(void **state) {
    (void)state;
    pair r;
    const lm_case_comparison *c = one(&r, &time_options, REPS, 1e-4, 1.2e-4, 0.30, 3);
    assert_int_equal(c->status, LM_COMPARE_NOISY);
    assert_true(isnan(c->p_adjusted));
    assert_int_equal(r.r.status_counts[LM_COMPARE_REGRESSION], 0);
    pair_free(&r);
}

static void test_speedup_is_an_improvement(void **state) {
    (void)state;
    pair r;
    const lm_case_comparison *c = one(&r, &time_options, REPS, 1e-4, 0.8e-4, 0.01, 4);
    assert_int_equal(c->status, LM_COMPARE_IMPROVEMENT);
    pair_free(&r);
}

static void test_small_change_is_unchanged(void **state) {
    (void)state;
    pair r;
    const lm_case_comparison *c = one(&r, &time_options, REPS, 1e-4, 1.03e-4, 0.01, 5);
    assert_true(c->p_adjusted < 0.05); /* significant, but below the threshold */
    assert_int_equal(c->status, LM_COMPARE_UNCHANGED);
    pair_free(&r);
}

static void test_too_few_repetitions(void **state) {
    (void)state;
    pair p;
    /* 3 against 3: even separated samples give p = 0.1 */
    const lm_case_comparison *c = one(&p, &time_options, 3, 1e-4, 2e-4, 0.01, 6);
    assert_int_equal(c->status, LM_COMPARE_TOO_FEW);
    assert_true(fabs(c->ratio - 2) < 0.1); /* the medians are still given */
    pair_free(&p);
    /* 4 against 4 can reach 0.029 */
    c = one(&p, &time_options, 4, 1e-4, 2e-4, 0.01, 6);
    assert_int_equal(c->status, LM_COMPARE_REGRESSION);
    pair_free(&p);
    lm_compare_result r;
    /* a single repetition, and none (aggregates only) */
    lm_bench_set a = {0}, b = {0};
    add(&a, "one", 1, 1e-4, 0, NULL);
    add(&b, "one", REPS, 1e-4, 0, NULL);
    add(&a, "none", 0, 1e-4, 0, NULL);
    add(&b, "none", REPS, 1e-4, 0, NULL);
    assert_int_equal(lm_compare(&a, &b, &time_options, &r), 0);
    assert_int_equal(r.status_counts[LM_COMPARE_TOO_FEW], 2);
    assert_true(isnan(r.cases[1].base_median) && isnan(r.cases[1].ratio));
    assert_int_equal(r.geomean_cases, 1);
    lm_compare_result_free(&r);
    lm_bench_set_free(&a);
    lm_bench_set_free(&b);
}

static void test_failed_case(void **state) {
    (void)state;
    lm_bench_set a = {0}, b = {0};
    uint64_t seed = 7;
    add(&a, "x", REPS, 1e-4, 0.01, &seed);
    add(&b, "x", 0, 1e-4, 0.01, &seed);
    b.cases[0].failed = true;
    lm_compare_result r;
    assert_int_equal(lm_compare(&a, &b, &time_options, &r), 0);
    assert_int_equal(r.cases[0].status, LM_COMPARE_FAILED);
    assert_int_equal(r.status_counts[LM_COMPARE_REGRESSION], 0);
    assert_int_equal(r.geomean_cases, 0);
    assert_true(isnan(r.geomean));
    lm_compare_result_free(&r);
    lm_bench_set_free(&a);
    lm_bench_set_free(&b);
}

/* 200 unchanged cases with 2% noise: Holm keeps the family-wise error below alpha, so no seed raises
 * an alarm (and no raw p below alpha survives correction). */
static void test_no_false_alarm(void **state) {
    (void)state;
    size_t raw_significant = 0;
    for (uint64_t seed = 1; seed <= 5; seed++) {
        lm_bench_set a = {0}, b = {0};
        uint64_t s = seed * 1000003;
        for (int i = 0; i < 200; i++) {
            char name[32];
            snprintf(name, sizeof name, "case%d", i);
            const double center = 1e-6 * (1 + i);
            add(&a, name, REPS, center, 0.02, &s);
            add(&b, name, REPS, center, 0.02, &s);
        }
        lm_compare_result r;
        assert_int_equal(lm_compare(&a, &b, &time_options, &r), 0);
        assert_int_equal(r.count, 200);
        assert_int_equal(r.status_counts[LM_COMPARE_REGRESSION], 0);
        assert_int_equal(r.status_counts[LM_COMPARE_IMPROVEMENT], 0);
        for (size_t i = 0; i < r.count; i++) {
            raw_significant += r.cases[i].p < 0.05;
            assert_true(r.cases[i].p_adjusted >= 0.05);
        }
        assert_true(fabs(r.geomean - 1) < 0.01);
        lm_compare_result_free(&r);
        lm_bench_set_free(&a);
        lm_bench_set_free(&b);
    }
    assert_true(raw_significant > 0); /* without the correction there would have been alarms */
}

/* Writes a Google Benchmark file of one case's repetitions (seconds as "ms") plus an aggregate. */
static void write_file(const char *path, const char *name, const double *seconds, size_t n) {
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("{\"context\": {}, \"benchmarks\": [", f);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "{\"name\": \"%s\", \"run_name\": \"%s\", \"run_type\": \"iteration\", \"real_time\": %.17g, "
                   "\"time_unit\": \"ms\"},\n", name, name, seconds[i] * 1e3);
    fprintf(f, "{\"name\": \"%s_median\", \"run_name\": \"%s\", \"run_type\": \"aggregate\", \"real_time\": 1, "
               "\"time_unit\": \"ms\"}]}\n", name, name);
    fclose(f);
}

static void test_pooling_files(void **state) {
    (void)state;
    char dir[] = "/tmp/latmac-test-compare-XXXXXX", paths[4][64];
    assert_non_null(mkdtemp(dir));
    uint64_t seed = 9;
    for (int k = 0; k < 4; k++) {
        double x[2];
        for (int i = 0; i < 2; i++) x[i] = (k < 2 ? 1e-3 : 1.2e-3) * (1 + 0.01 * gaussian(&seed));
        snprintf(paths[k], sizeof paths[k], "%s/%d.json", dir, k);
        write_file(paths[k], "BM_x", x, 2);
    }
    lm_bench_set base = {0}, next = {0}, single = {0};
    char err[256];
    for (int k = 0; k < 2; k++) {
        assert_int_equal(lm_bench_set_read(&base, paths[k], "real_time", NULL, err, sizeof err), 0);
        assert_int_equal(lm_bench_set_read(&next, paths[k + 2], "real_time", NULL, err, sizeof err), 0);
    }
    assert_int_equal(lm_bench_set_read(&single, paths[0], "real_time", NULL, err, sizeof err), 0);
    assert_int_equal(base.count, 1);
    assert_int_equal(base.cases[0].count, 4);
    assert_true(fabs(base.cases[0].values[0] - 1e-3) < 1e-4); /* in seconds */
    assert_int_equal(base.metric_seen, 4);
    lm_compare_result r;
    assert_int_equal(lm_compare(&base, &next, &time_options, &r), 0); /* 4 against 4: decidable */
    assert_int_equal(r.cases[0].status, LM_COMPARE_REGRESSION);
    assert_int_equal(r.cases[0].new_repetitions, 4);
    lm_compare_result_free(&r);
    assert_int_equal(lm_compare(&single, &next, &time_options, &r), 0); /* 2 against 4: not */
    assert_int_equal(r.cases[0].status, LM_COMPARE_TOO_FEW);
    lm_compare_result_free(&r);
    lm_bench_set_free(&base);
    lm_bench_set_free(&next);
    lm_bench_set_free(&single);
    for (int k = 0; k < 4; k++) unlink(paths[k]);
    rmdir(dir);
}

/* Adds `reps` values around `center` as round `round` of case 0 of `set` (made on first use). */
static void add_round(lm_bench_set *set, size_t round, size_t reps, double center, uint64_t *seed) {
    if (!set->count) add(set, "case", 0, 0, 0, NULL);
    lm_bench_case *c = &set->cases[0];
    c->values = realloc(c->values, (c->count + reps) * sizeof *c->values);
    c->rounds = realloc(c->rounds, (c->count + reps) * sizeof *c->rounds);
    assert_true(c->values && c->rounds);
    for (size_t i = 0; i < reps; i++, c->count++) {
        c->values[c->count] = center * (1 + 0.01 * gaussian(seed));
        c->rounds[c->count] = round;
    }
    if (round + 1 > set->files) set->files = round + 1;
}

/* Interleaved rounds: drift between rounds is neither noise nor a change; a change must show in every
 * round. Base and new are each measured in 3 rounds of 9 repetitions, 1% noise within a round. */
static lm_compare_status rounds_status(const double base[3], const double next[3], uint64_t seed, double *cv) {
    lm_bench_set b = {0}, n = {0};
    for (size_t k = 0; k < 3; k++) {
        add_round(&b, k, REPS, base[k], &seed);
        add_round(&n, k, REPS, next[k], &seed);
    }
    lm_compare_result r;
    assert_int_equal(lm_compare(&b, &n, &time_options, &r), 0);
    const lm_compare_status s = r.cases[0].status;
    *cv = r.cases[0].base_cv;
    lm_compare_result_free(&r);
    lm_bench_set_free(&b);
    lm_bench_set_free(&n);
    return s;
}

static void test_interleaved_rounds(void **state) {
    (void)state;
    double cv;
    /* the machine drifts by 30% from round to round, alike for both builds: unchanged, not noisy */
    const double drift[3] = {1e-3, 1.3e-3, 1.1e-3};
    assert_int_equal(rounds_status(drift, drift, 1, &cv), LM_COMPARE_UNCHANGED);
    assert_true(cv < 0.05); /* the noise is within a round's */
    /* 20% slower in every round, through the drift: a regression */
    const double slower[3] = {1.2e-3, 1.56e-3, 1.32e-3};
    assert_int_equal(rounds_status(drift, slower, 2, &cv), LM_COMPARE_REGRESSION);
    /* two rounds of the new build caught a burst of load (40%), its first round did not: significant
     * pooled, but not every round agrees, so it is drift and nobody is paged */
    const double flat[3] = {1e-3, 1e-3, 1e-3}, burst[3] = {1e-3, 1.4e-3, 1.4e-3};
    assert_int_equal(rounds_status(flat, burst, 3, &cv), LM_COMPARE_NOISY);
    /* 20% faster in every round: an improvement */
    const double faster[3] = {0.8e-3, 1.04e-3, 0.88e-3};
    assert_int_equal(rounds_status(drift, faster, 4, &cv), LM_COMPARE_IMPROVEMENT);
}

static void test_higher_is_better(void **state) {
    (void)state;
    const lm_compare_options rate = {.metric = "gflops", .higher_is_better = true, .threshold = 5, .alpha = 0.05,
                                     .max_cv = 0.10};
    pair r;
    const lm_case_comparison *c = one(&r, &rate, REPS, 100, 80, 0.01, 10);
    assert_int_equal(c->status, LM_COMPARE_REGRESSION); /* fewer GFLOP/s */
    pair_free(&r);
    c = one(&r, &rate, REPS, 100, 120, 0.01, 11);
    assert_int_equal(c->status, LM_COMPARE_IMPROVEMENT);
    pair_free(&r);
    assert_true(lm_metric_is_time("real_time") && lm_metric_is_time("cpu_time"));
    assert_false(lm_metric_is_time("gflops") || lm_metric_is_time("_time") || lm_metric_is_time("time"));
}

static void test_geometric_mean(void **state) {
    (void)state;
    lm_bench_set a = {0}, b = {0};
    const double base[] = {1.0, 2.0, 4.0, 8.0}, next[] = {2.0, 1.0, 5.0, 8.8}; /* 2, 1/2, 1.25, 1.1 */
    for (int i = 0; i < 4; i++) {
        char name[8];
        snprintf(name, sizeof name, "c%d", i);
        add(&a, name, REPS, base[i], 0, NULL);
        add(&b, name, REPS, next[i], 0, NULL);
    }
    lm_compare_result r;
    assert_int_equal(lm_compare(&a, &b, &time_options, &r), 0);
    assert_int_equal(r.geomean_cases, 4);
    assert_true(fabs(r.geomean - pow(1.375, 0.25)) < 1e-12);
    assert_true(fabs(r.cases[0].change - 1) < 1e-15 && fabs(r.cases[1].change + 0.5) < 1e-15);
    /* constant samples: fully separated, so the doubling is a regression */
    assert_int_equal(r.cases[0].status, LM_COMPARE_REGRESSION);
    assert_int_equal(r.cases[1].status, LM_COMPARE_IMPROVEMENT);
    lm_compare_result_free(&r);
    lm_bench_set_free(&a);
    lm_bench_set_free(&b);
}

static void test_cases_on_one_side(void **state) {
    (void)state;
    lm_bench_set a = {0}, b = {0};
    add(&a, "both", REPS, 1, 0, NULL);
    add(&a, "gone", REPS, 1, 0, NULL);
    add(&b, "added", REPS, 1, 0, NULL);
    add(&b, "both", REPS, 1, 0, NULL);
    lm_compare_result r;
    assert_int_equal(lm_compare(&a, &b, &time_options, &r), 0);
    assert_int_equal(r.count, 1);
    assert_string_equal(r.cases[0].name, "both");
    assert_int_equal(r.only_in_base_count, 1);
    assert_string_equal(r.only_in_base[0], "gone");
    assert_int_equal(r.only_in_new_count, 1);
    assert_string_equal(r.only_in_new[0], "added");
    lm_compare_result_free(&r);
    /* nothing in common */
    assert_int_equal(lm_compare(&b, &(lm_bench_set){0}, &time_options, &r), 0);
    assert_int_equal(r.count, 0);
    assert_int_equal(r.only_in_base_count, 2);
    lm_compare_result_free(&r);
    lm_bench_set_free(&a);
    lm_bench_set_free(&b);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_identical_runs),
        cmocka_unit_test(test_slowdown_is_a_regression),
        cmocka_unit_test(test_slowdown_in_noise_is_noisy),
        cmocka_unit_test(test_speedup_is_an_improvement),
        cmocka_unit_test(test_small_change_is_unchanged),
        cmocka_unit_test(test_too_few_repetitions),
        cmocka_unit_test(test_failed_case),
        cmocka_unit_test(test_no_false_alarm),
        cmocka_unit_test(test_pooling_files),
        cmocka_unit_test(test_interleaved_rounds),
        cmocka_unit_test(test_higher_is_better),
        cmocka_unit_test(test_geometric_mean),
        cmocka_unit_test(test_cases_on_one_side),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
