/* The verdict statistics: Mann-Whitney p-values against values worked out by hand (exact and normal
 * approximation), the Hodges-Lehmann ratio and its interval, Holm's correction, and the verdict rule on
 * synthetic measurements drawn from a fixed seed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "guidelines/verdict.h"

#define REPS 9

/* cmocka's float assertions work in single precision; these values need double. */
#define assert_near(got, want, tolerance)                                                                \
    do {                                                                                               \
        double got_ = (got), want_ = (want), tolerance_ = (tolerance);                                 \
        if (!(fabs(got_ - want_) <= tolerance_))                                                       \
            fail_msg("%s = %.17g, expected %.17g within %g", #got, got_, want_, tolerance_);           \
    } while (0)

/* --- deterministic noise ------------------------------------------------------------------------ */

static uint64_t next_u64(uint64_t *state) { /* splitmix64 */
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static double next_uniform(uint64_t *state) { /* in (0, 1) */
    return ((double)(next_u64(state) >> 11) + 0.5) / 9007199254740992.0;
}

static double next_gaussian(uint64_t *state) { /* Box-Muller */
    double u = next_uniform(state), v = next_uniform(state);
    return sqrt(-2 * log(u)) * cos(6.283185307179586 * v);
}

/* n timings around `base` seconds with relative noise `noise` (standard deviation). */
static void measure(double *x, size_t n, double base, double noise, uint64_t *state) {
    for (size_t i = 0; i < n; i++) {
        x[i] = base * (1 + noise * next_gaussian(state));
        if (x[i] <= 0) x[i] = base * 1e-3; /* times are positive; never reached at these noise levels */
    }
}

/* --- Mann-Whitney ------------------------------------------------------------------------------- */

static void test_p_complete_separation_is_exact(void **state) {
    (void)state;
    double a[9], b[9];
    for (int i = 0; i < 9; i++) {
        a[i] = i + 1;
        b[i] = i + 10;
    }
    /* U = 81 is the single most extreme of C(18, 9) = 48620 equally likely orderings, on each side */
    double expected = 2.0 / 48620;
    assert_near(lm_mann_whitney_p(a, 9, b, 9), expected, expected * 1e-12);
    assert_near(lm_mann_whitney_p(b, 9, a, 9), expected, expected * 1e-12);
}

static void test_p_small_case_by_hand(void **state) {
    (void)state;
    /* n = m = 3: the 20 orderings have U = 0..9 with counts 1 1 2 3 3 3 3 2 1 1 */
    const double a1[] = {1, 2, 3}, b1[] = {4, 5, 6}; /* U = 9: p = 2 * 1/20 */
    assert_near(lm_mann_whitney_p(a1, 3, b1, 3), 0.1, 1e-15);
    const double a2[] = {1, 2, 4}, b2[] = {3, 5, 6}; /* U = 2 + 3 + 3 = 8: p = 2 * 2/20 */
    assert_near(lm_mann_whitney_p(a2, 3, b2, 3), 0.2, 1e-15);
    const double a3[] = {1, 3, 5}, b3[] = {2, 4, 6}; /* U = 1 + 2 + 3 = 6: p = 2 * P(U >= 6) = 2 * 7/20 */
    assert_near(lm_mann_whitney_p(a3, 3, b3, 3), 0.7, 1e-15);
    const double a4[] = {1, 4, 5}, b4[] = {2, 3, 6}; /* U = 1 + 1 + 3 = 5 > mean 4.5: 2 * 10/20 = 1 */
    assert_near(lm_mann_whitney_p(a4, 3, b4, 3), 1.0, 1e-15);
}

static void test_p_interleaved_samples_near_one(void **state) {
    (void)state;
    /* a b b a a b b a ... b: U = 41 against a mean of 40.5. U's distribution is symmetric about
     * 40.5, so P(U >= 41) = 1/2 and p = 1; one step further out (U = 42, swapping 17 and 18 above)
     * p = 2 P(U >= 42) stays close to 1. */
    const double a[] = {1, 4, 5, 8, 9, 12, 13, 16, 17}, b[] = {2, 3, 6, 7, 10, 11, 14, 15, 18};
    assert_near(lm_mann_whitney_p(a, 9, b, 9), 1.0, 1e-12);
    const double a2[] = {1, 4, 5, 8, 9, 12, 13, 16, 18}, b2[] = {2, 3, 6, 7, 10, 11, 14, 15, 17};
    double p = lm_mann_whitney_p(a2, 9, b2, 9);
    assert_true(p > 0.9 && p < 1.0);
}

static void test_p_ties_use_normal_approximation(void **state) {
    (void)state;
    /* a = {1, 2, 2, 3}, b = {2, 3, 3, 4}; pooled: 1 2 2 2 3 3 3 4, two groups of three ties.
     * U = 4 (a=1) + 2 * 3.5 (a=2) + 2 (a=3) = 13, mean 8.
     * var = 16/12 * ((8 + 1) - (24 + 24) / (8 * 7)) = 10.857142857..., sd = 3.295017884...
     * z = (13 - 8 - 0.5) / sd = 1.365698202..., p = 2 (1 - Phi(z)) = erfc(z / sqrt 2) = 0.172033708921...
     * (R's wilcox.test(correct = TRUE) reports the same p with W = 3 from the other side.) */
    const double a[] = {1, 2, 2, 3}, b[] = {2, 3, 3, 4};
    assert_near(lm_mann_whitney_p(a, 4, b, 4), 0.17203370892182296, 1e-12);
}

static void test_p_is_symmetric(void **state) {
    (void)state;
    uint64_t seed = 42;
    double a[40], b[40];
    for (size_t n = 1; n <= 40; n += 13) {
        for (size_t m = 2; m <= 40; m += 9) {
            measure(a, n, 1.0, 0.1, &seed);
            measure(b, m, 1.05, 0.1, &seed);
            assert_true(lm_mann_whitney_p(a, n, b, m) == lm_mann_whitney_p(b, m, a, n));
        }
    }
    const double ta[] = {1, 2, 2, 3}, tb[] = {2, 3, 3, 4, 5}; /* with ties */
    assert_true(lm_mann_whitney_p(ta, 4, tb, 5) == lm_mann_whitney_p(tb, 5, ta, 4));
}

static void test_p_degenerate_inputs(void **state) {
    (void)state;
    const double a[] = {1, 2, 3}, same[] = {2, 2, 2};
    assert_near(lm_mann_whitney_p(a, 0, a, 3), 1.0, 0);
    assert_near(lm_mann_whitney_p(a, 3, a, 0), 1.0, 0);
    assert_near(lm_mann_whitney_p(same, 3, same, 3), 1.0, 0); /* all tied: no variance */
    const double with_nan[] = {1, NAN, 3};
    assert_near(lm_mann_whitney_p(with_nan, 3, a, 3), 1.0, 0);
}

static void test_p_exact_and_normal_agree_at_the_boundary(void **state) {
    (void)state;
    /* At n = m = 50 (exact) and 51 (normal) the two methods must give nearly the same p for the same
     * standardised U; this exercises the exact table where it is largest. Shift b by a fraction of a
     * gap so the samples overlap partly and nothing ties. */
    double a[51], b[51];
    for (size_t n = 50; n <= 51; n++) {
        for (size_t i = 0; i < n; i++) {
            a[i] = (double)i;
            b[i] = (double)i + 6.5; /* U = n^2 - (n-6)(n-7)/2, about 2.1 sd above the mean */
        }
        double p = lm_mann_whitney_p(a, n, b, n);
        /* the normal approximation with continuity correction, computed here independently */
        double nn = (double)(n * n), u = 0;
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < n; j++) u += b[j] > a[i];
        double sd = sqrt(nn * (2.0 * n + 1) / 12), z = (u - nn / 2 - 0.5) / sd;
        double normal = erfc(z / sqrt(2.0));
        assert_true(p > 0.0 && p < 0.5);
        print_message("# n = m = %zu: p = %.6g, normal approximation %.6g\n", n, p, normal);
        assert_near(p, normal, 0.02 * normal + 1e-4);
        /* U = 1554 at n = 50, its tails summed in exact integer arithmetic over C(100, 50) orderings */
        if (n == 50) assert_near(p, 0.0360178078648808, 1e-12);
    }
}

/* --- the effect --------------------------------------------------------------------------------- */

static void test_effect_of_exact_scaling(void **state) {
    (void)state;
    uint64_t seed = 7;
    double a[REPS], b[REPS];
    measure(a, REPS, 1.0, 0.05, &seed);
    for (int i = 0; i < REPS; i++) b[i] = 1.2 * a[i];
    lm_effect e = lm_effect_ratio(a, REPS, b, REPS, LM_VERDICT_CONFIDENCE);
    assert_near(e.ratio, 1.2, 1e-12);
    assert_true(e.low <= 1.2 && 1.2 <= e.high);
    assert_true(e.low < e.high);
    /* the estimate for the samples swapped is the reciprocal (also for an even number of pairs) */
    lm_effect back = lm_effect_ratio(b, REPS, a, REPS, LM_VERDICT_CONFIDENCE);
    assert_near(back.ratio * e.ratio, 1.0, 1e-12);
    lm_effect even = lm_effect_ratio(a, 4, b + 2, 5, LM_VERDICT_CONFIDENCE);
    lm_effect even_back = lm_effect_ratio(b + 2, 5, a, 4, LM_VERDICT_CONFIDENCE);
    assert_near(even.ratio * even_back.ratio, 1.0, 1e-12);
}

static void test_effect_interval_narrows_with_more_data(void **state) {
    (void)state;
    uint64_t seed = 11;
    double a[60], b[60];
    measure(a, 60, 1.0, 0.05, &seed);
    measure(b, 60, 1.2, 0.05, &seed);
    double previous_width = INFINITY;
    const size_t sizes[] = {5, 9, 20, 60}; /* 60 takes the normal approximation */
    for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
        size_t n = sizes[s];
        lm_effect e = lm_effect_ratio(a, n, b, n, LM_VERDICT_CONFIDENCE);
        double width = e.high / e.low;
        assert_true(e.low <= e.ratio && e.ratio <= e.high);
        assert_true(e.low < 1.2 && 1.2 < e.high);
        assert_true(width > 1.0);
        assert_true(width < previous_width);
        previous_width = width;
    }
}

static void test_effect_interval_exact_rank(void **state) {
    (void)state;
    /* n = m = 4: P(U = 0) = 1/70 <= 0.025 < P(U <= 1) = 2/70, so k = 1: the interval spans all 16
     * ratios. n = m = 3: P(U = 0) = 1/20 > 0.025, too small for a 95% interval. */
    const double a[] = {1, 2, 3, 4}, b[] = {5, 6, 7, 8};
    lm_effect e4 = lm_effect_ratio(a, 4, b, 4, 0.95);
    assert_near(e4.low, 5.0 / 4, 1e-15);
    assert_near(e4.high, 8.0 / 1, 1e-15);
    lm_effect e3 = lm_effect_ratio(a, 3, b, 3, 0.95);
    assert_true(e3.low == e3.ratio && e3.high == e3.ratio);
    /* median of the 9 ratios b_j / a_i of {1,2,3} and {5,6,7} */
    double r[9];
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) r[i * 3 + j] = b[j] / a[i];
    int below = 0, above = 0;
    for (int i = 0; i < 9; i++) {
        below += r[i] < e3.ratio;
        above += r[i] > e3.ratio;
    }
    assert_int_equal(below, 4);
    assert_int_equal(above, 4);
}

static void test_effect_rejects_non_positive_samples(void **state) {
    (void)state;
    const double a[] = {1, 0, 3}, b[] = {2, 3, 4};
    lm_effect e = lm_effect_ratio(a, 3, b, 3, 0.95);
    assert_true(isnan(e.ratio) && isnan(e.low) && isnan(e.high));
    e = lm_effect_ratio(b, 0, b, 3, 0.95);
    assert_true(isnan(e.ratio));
}

/* --- Holm --------------------------------------------------------------------------------------- */

static void test_holm_by_hand(void **state) {
    (void)state;
    /* sorted: 0.005 * 4 = 0.02, 0.01 * 3 = 0.03, 0.03 * 2 = 0.06, 0.04 * 1 = 0.04 -> max(0.06, 0.04) */
    const double p[] = {0.01, 0.04, 0.03, 0.005};
    const double expected[] = {0.03, 0.06, 0.06, 0.02};
    double adjusted[4];
    lm_holm(p, 4, adjusted);
    for (int i = 0; i < 4; i++) assert_near(adjusted[i], expected[i], 1e-15);
    /* in place */
    double q[] = {0.01, 0.04, 0.03, 0.005};
    lm_holm(q, 4, q);
    for (int i = 0; i < 4; i++) assert_near(q[i], expected[i], 1e-15);
    /* capped at 1, and monotone: 0.5 * 2 = 1, then max(1, 0.6) */
    double big[] = {0.6, 0.5};
    lm_holm(big, 2, big);
    assert_near(big[0], 1.0, 0);
    assert_near(big[1], 1.0, 0);
    /* a single p is unchanged */
    double one[] = {0.042};
    lm_holm(one, 1, one);
    assert_near(one[0], 0.042, 0);
}

/* --- the verdict rule --------------------------------------------------------------------------- */

#define MAX_COMPARISONS 20

typedef struct experiment {
    double faster[MAX_COMPARISONS][REPS], slower[MAX_COMPARISONS][REPS];
    lm_comparison c[MAX_COMPARISONS];
} experiment;

/* Comparison i: the predicted-faster case takes 1 s, the predicted-slower one `ratio[i]` s, both with
 * relative noise `noise`. */
static lm_verdict run(experiment *x, size_t k, const double *ratio, double noise, uint64_t seed) {
    for (size_t i = 0; i < k; i++) {
        measure(x->faster[i], REPS, 1.0, noise, &seed);
        measure(x->slower[i], REPS, ratio[i], noise, &seed);
        x->c[i] = (lm_comparison){.faster = x->faster[i], .faster_count = REPS, .slower = x->slower[i],
                                  .slower_count = REPS};
    }
    return lm_verdict_decide(x->c, k, LM_VERDICT_ALPHA, LM_VERDICT_MIN_EFFECT);
}

static void test_verdict_clear_win_holds(void **state) {
    (void)state;
    experiment x;
    const double ratio[] = {1.2, 1.2, 1.2};
    assert_int_equal(run(&x, 3, ratio, 0.01, 1), LM_VERDICT_HOLDS);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(x.c[i].outcome, LM_CONFIRMS);
        assert_true(x.c[i].p_adjusted >= x.c[i].p);
        assert_true(x.c[i].effect.low > 1.1 && x.c[i].effect.high < 1.3);
        assert_near(x.c[i].effect.ratio, 1.2, 0.02);
    }
}

static void test_verdict_clear_loss_does_not_hold(void **state) {
    (void)state;
    experiment x;
    const double ratio[] = {0.8, 1.2, 1.2}; /* one predicted-slower case is in fact 20% faster */
    assert_int_equal(run(&x, 3, ratio, 0.01, 2), LM_VERDICT_DOES_NOT_HOLD);
    assert_int_equal(x.c[0].outcome, LM_CONTRADICTS);
    assert_near(x.c[0].effect.ratio, 0.8, 0.02);
}

static void test_verdict_noise_only_is_inconclusive(void **state) {
    (void)state;
    experiment x;
    const double ratio[] = {1.0};
    assert_int_equal(run(&x, 1, ratio, 0.10, 3), LM_VERDICT_INCONCLUSIVE);
    assert_int_equal(x.c[0].outcome, LM_UNDECIDED);
}

static void test_verdict_small_real_difference_is_inconclusive(void **state) {
    (void)state;
    experiment x;
    const double ratio[] = {1.02};
    assert_int_equal(run(&x, 1, ratio, 0.002, 4), LM_VERDICT_INCONCLUSIVE);
    /* the difference is real and detected, only below the minimum effect */
    assert_true(x.c[0].p_adjusted < LM_VERDICT_ALPHA);
    assert_near(x.c[0].effect.ratio, 1.02, 0.005);
    assert_int_equal(x.c[0].outcome, LM_UNDECIDED);
}

static void test_verdict_mixed_is_inconclusive(void **state) {
    (void)state;
    experiment x;
    const double ratio[] = {1.2, 1.0};
    assert_int_equal(run(&x, 2, ratio, 0.01, 5), LM_VERDICT_INCONCLUSIVE);
    assert_int_equal(x.c[0].outcome, LM_CONFIRMS);
    assert_int_equal(x.c[1].outcome, LM_UNDECIDED);
}

static void test_verdict_many_noise_comparisons_confirm_nothing(void **state) {
    (void)state;
    /* With 20 comparisons of pure noise about one in 20 would pass alpha uncorrected; after Holm none
     * does. Noise of 10% keeps some ratios beyond the minimum effect, so only the correction stops them. */
    experiment x;
    double ratio[MAX_COMPARISONS];
    for (int i = 0; i < MAX_COMPARISONS; i++) ratio[i] = 1.0;
    assert_int_equal(run(&x, MAX_COMPARISONS, ratio, 0.10, 6), LM_VERDICT_INCONCLUSIVE);
    int uncorrected = 0; /* comparisons the rule would have decided without the correction */
    for (int i = 0; i < MAX_COMPARISONS; i++) {
        double r = x.c[i].effect.ratio;
        bool large = r >= 1 + LM_VERDICT_MIN_EFFECT || r <= 1 / (1 + LM_VERDICT_MIN_EFFECT);
        uncorrected += x.c[i].p < LM_VERDICT_ALPHA && large;
    }
    assert_true(uncorrected >= 1); /* this seed draws some: the test shows the correction at work */
    for (int i = 0; i < MAX_COMPARISONS; i++) {
        assert_int_not_equal(x.c[i].outcome, LM_CONFIRMS);
        assert_int_not_equal(x.c[i].outcome, LM_CONTRADICTS);
        assert_true(x.c[i].p_adjusted >= x.c[i].p);
    }
}

static void test_verdict_without_comparisons_and_names(void **state) {
    (void)state;
    assert_int_equal(lm_verdict_decide(NULL, 0, LM_VERDICT_ALPHA, LM_VERDICT_MIN_EFFECT),
                     LM_VERDICT_INCONCLUSIVE);
    assert_string_equal(lm_verdict_name(LM_VERDICT_HOLDS), "holds");
    assert_string_equal(lm_verdict_name(LM_VERDICT_DOES_NOT_HOLD), "does not hold");
    assert_string_equal(lm_verdict_name(LM_VERDICT_INCONCLUSIVE), "inconclusive");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_p_complete_separation_is_exact),
        cmocka_unit_test(test_p_small_case_by_hand),
        cmocka_unit_test(test_p_interleaved_samples_near_one),
        cmocka_unit_test(test_p_ties_use_normal_approximation),
        cmocka_unit_test(test_p_is_symmetric),
        cmocka_unit_test(test_p_degenerate_inputs),
        cmocka_unit_test(test_p_exact_and_normal_agree_at_the_boundary),
        cmocka_unit_test(test_effect_of_exact_scaling),
        cmocka_unit_test(test_effect_interval_narrows_with_more_data),
        cmocka_unit_test(test_effect_interval_exact_rank),
        cmocka_unit_test(test_effect_rejects_non_positive_samples),
        cmocka_unit_test(test_holm_by_hand),
        cmocka_unit_test(test_verdict_clear_win_holds),
        cmocka_unit_test(test_verdict_clear_loss_does_not_hold),
        cmocka_unit_test(test_verdict_noise_only_is_inconclusive),
        cmocka_unit_test(test_verdict_small_real_difference_is_inconclusive),
        cmocka_unit_test(test_verdict_mixed_is_inconclusive),
        cmocka_unit_test(test_verdict_many_noise_comparisons_confirm_nothing),
        cmocka_unit_test(test_verdict_without_comparisons_and_names),
    };
    return cmocka_run_group_tests_name("verdict", tests, NULL, NULL);
}
