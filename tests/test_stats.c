/* The statistics module (bench/stats) on values worked out by hand: summaries of a sample, Mann-Whitney
 * p-values (exact and normal approximation, two- and one-sided), the Hodges-Lehmann ratio and its
 * interval, Holm's correction, Pearson's and Spearman's correlations and the least-squares fits, the
 * equivalence test, the seeded random numbers and the bootstrap, Student's t, the t interval of a ratio
 * from per-round log ratios and the rounds a margin needs, and Page's trend test.
 * tests/test_stats_oracle.py checks the same functions against SciPy and statsmodels on many samples. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "bench/stats/bootstrap.h"
#include "bench/stats/correlation.h"
#include "bench/stats/equivalence.h"
#include "bench/stats/log_ratio.h"
#include "bench/stats/multiplicity.h"
#include "bench/stats/random.h"
#include "bench/stats/rank_tests.h"
#include "bench/stats/student_t.h"
#include "bench/stats/summary.h"
#include "bench/stats/trend.h"
#include "tests/sample_fixture.h"

#define REPS 9

/* --- summaries ---------------------------------------------------------------------------------- */

static void test_median(void **state) {
    (void)state;
    double odd[] = {5, 1, 4, 2, 3}, even[] = {4, 1, 3, 2};
    const double kept[] = {4, 1, 3, 2};
    assert_near(lm_median(even, 4), 2.5, 0);
    assert_memory_equal(even, kept, sizeof kept); /* lm_median leaves the sample as it was */
    assert_near(lm_median_in_place(odd, 5), 3, 0);
    assert_near(odd[0], 1, 0); /* ... lm_median_in_place sorts it */
    assert_true(isnan(lm_median(odd, 0)) && isnan(lm_median_in_place(odd, 0)));
}

static void test_quantile(void **state) {
    (void)state;
    const double x[] = {10, 20, 30, 40, 50};
    assert_near(lm_quantile_sorted(x, 5, 0), 10, 0);
    assert_near(lm_quantile_sorted(x, 5, 1), 50, 0);
    assert_near(lm_quantile_sorted(x, 5, 0.5), 30, 0);
    assert_near(lm_quantile_sorted(x, 5, 0.1), 14, 1e-12); /* h = 0.4: 10 + 0.4 * 10 */
    assert_near(lm_quantile_sorted(x, 1, 0.7), 10, 0);
    assert_true(isnan(lm_quantile_sorted(x, 0, 0.5)) && isnan(lm_quantile_sorted(x, 5, 1.5)));
}

static void test_coefficient_of_variation(void **state) {
    (void)state;
    const double x[] = {2, 4, 4, 4, 5, 5, 7, 9}; /* mean 5, squares 32, sample variance 32/7 */
    assert_near(lm_coefficient_of_variation(x, 8), sqrt(32.0 / 7) / 5, 1e-15);
    assert_true(isnan(lm_coefficient_of_variation(x, 1)));
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
    assert_near(lm_mann_whitney_p(a, 9, b, 9, LM_TWO_SIDED), expected, expected * 1e-12);
    assert_near(lm_mann_whitney_p(b, 9, a, 9, LM_TWO_SIDED), expected, expected * 1e-12);
}

static void test_p_small_case_by_hand(void **state) {
    (void)state;
    /* n = m = 3: the 20 orderings have U = 0..9 with counts 1 1 2 3 3 3 3 2 1 1 */
    const double a1[] = {1, 2, 3}, b1[] = {4, 5, 6}; /* U = 9: p = 2 * 1/20 */
    assert_near(lm_mann_whitney_p(a1, 3, b1, 3, LM_TWO_SIDED), 0.1, 1e-15);
    const double a2[] = {1, 2, 4}, b2[] = {3, 5, 6}; /* U = 2 + 3 + 3 = 8: p = 2 * 2/20 */
    assert_near(lm_mann_whitney_p(a2, 3, b2, 3, LM_TWO_SIDED), 0.2, 1e-15);
    const double a3[] = {1, 3, 5}, b3[] = {2, 4, 6}; /* U = 1 + 2 + 3 = 6: p = 2 * P(U >= 6) = 2 * 7/20 */
    assert_near(lm_mann_whitney_p(a3, 3, b3, 3, LM_TWO_SIDED), 0.7, 1e-15);
    const double a4[] = {1, 4, 5}, b4[] = {2, 3, 6}; /* U = 1 + 1 + 3 = 5 > mean 4.5: 2 * 10/20 = 1 */
    assert_near(lm_mann_whitney_p(a4, 3, b4, 3, LM_TWO_SIDED), 1.0, 1e-15);
}

static void test_p_interleaved_samples_near_one(void **state) {
    (void)state;
    /* a b b a a b b a ... b: U = 41 against a mean of 40.5. U's distribution is symmetric about
     * 40.5, so P(U >= 41) = 1/2 and p = 1; one step further out (U = 42, swapping 17 and 18 above)
     * p = 2 P(U >= 42) stays close to 1. */
    const double a[] = {1, 4, 5, 8, 9, 12, 13, 16, 17}, b[] = {2, 3, 6, 7, 10, 11, 14, 15, 18};
    assert_near(lm_mann_whitney_p(a, 9, b, 9, LM_TWO_SIDED), 1.0, 1e-12);
    const double a2[] = {1, 4, 5, 8, 9, 12, 13, 16, 18}, b2[] = {2, 3, 6, 7, 10, 11, 14, 15, 17};
    double p = lm_mann_whitney_p(a2, 9, b2, 9, LM_TWO_SIDED);
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
    assert_near(lm_mann_whitney_p(a, 4, b, 4, LM_TWO_SIDED), 0.17203370892182296, 1e-12);
}

static void test_p_is_symmetric(void **state) {
    (void)state;
    uint64_t seed = 42;
    double a[40], b[40];
    for (size_t n = 1; n <= 40; n += 13) {
        for (size_t m = 2; m <= 40; m += 9) {
            sample_timings(a, n, 1.0, 0.1, &seed);
            sample_timings(b, m, 1.05, 0.1, &seed);
            assert_true(lm_mann_whitney_p(a, n, b, m, LM_TWO_SIDED) == lm_mann_whitney_p(b, m, a, n, LM_TWO_SIDED));
        }
    }
    const double ta[] = {1, 2, 2, 3}, tb[] = {2, 3, 3, 4, 5}; /* with ties */
    assert_true(lm_mann_whitney_p(ta, 4, tb, 5, LM_TWO_SIDED) == lm_mann_whitney_p(tb, 5, ta, 4, LM_TWO_SIDED));
}

static void test_p_degenerate_inputs(void **state) {
    (void)state;
    const double a[] = {1, 2, 3}, same[] = {2, 2, 2};
    assert_near(lm_mann_whitney_p(a, 0, a, 3, LM_TWO_SIDED), 1.0, 0);
    assert_near(lm_mann_whitney_p(a, 3, a, 0, LM_TWO_SIDED), 1.0, 0);
    assert_near(lm_mann_whitney_p(same, 3, same, 3, LM_TWO_SIDED), 1.0, 0); /* all tied: no variance */
    const double with_nan[] = {1, NAN, 3};
    assert_near(lm_mann_whitney_p(with_nan, 3, a, 3, LM_TWO_SIDED), 1.0, 0);
}

static void test_p_one_sided_by_hand(void **state) {
    (void)state;
    /* n = m = 3 as above: U = 9 has P(U >= 9) = 1/20 and P(U <= 9) = 1; U = 8, P(U >= 8) = 2/20 */
    const double a1[] = {1, 2, 3}, b1[] = {4, 5, 6}, a2[] = {1, 2, 4}, b2[] = {3, 5, 6};
    assert_near(lm_mann_whitney_p(a1, 3, b1, 3, LM_GREATER), 0.05, 1e-15);
    assert_near(lm_mann_whitney_p(a1, 3, b1, 3, LM_LESS), 1.0, 1e-15);
    assert_near(lm_mann_whitney_p(a2, 3, b2, 3, LM_GREATER), 0.1, 1e-15);
    assert_near(lm_mann_whitney_p(b2, 3, a2, 3, LM_LESS), 0.1, 1e-15);
    /* ties (the normal approximation of test_p_ties_use_normal_approximation): half the two-sided p */
    const double a[] = {1, 2, 2, 3}, b[] = {2, 3, 3, 4};
    assert_near(lm_mann_whitney_p(a, 4, b, 4, LM_GREATER), 0.17203370892182296 / 2, 1e-12);
}

static void test_min_p(void **state) {
    (void)state;
    assert_near(lm_mann_whitney_min_p(3, 3), 0.1, 1e-15);     /* 2 / C(6, 3) */
    assert_near(lm_mann_whitney_min_p(2, 2), 1.0 / 3, 1e-15); /* 2 / C(4, 2) */
    assert_near(lm_mann_whitney_min_p(9, 9), 2.0 / 48620, 1e-17);
    assert_near(lm_mann_whitney_min_p(0, 4), 1.0, 0);
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
        double p = lm_mann_whitney_p(a, n, b, n, LM_TWO_SIDED);
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

/* --- Hodges-Lehmann --------------------------------------------------------------------------------- */

static void test_effect_of_exact_scaling(void **state) {
    (void)state;
    uint64_t seed = 7;
    double a[REPS], b[REPS];
    sample_timings(a, REPS, 1.0, 0.05, &seed);
    for (int i = 0; i < REPS; i++) b[i] = 1.2 * a[i];
    lm_ratio_estimate e = lm_hodges_lehmann_ratio(a, REPS, b, REPS, 0.95);
    assert_near(e.ratio, 1.2, 1e-12);
    assert_true(e.low <= 1.2 && 1.2 <= e.high);
    assert_true(e.low < e.high);
    /* the estimate for the samples swapped is the reciprocal (also for an even number of pairs) */
    lm_ratio_estimate back = lm_hodges_lehmann_ratio(b, REPS, a, REPS, 0.95);
    assert_near(back.ratio * e.ratio, 1.0, 1e-12);
    lm_ratio_estimate even = lm_hodges_lehmann_ratio(a, 4, b + 2, 5, 0.95);
    lm_ratio_estimate even_back = lm_hodges_lehmann_ratio(b + 2, 5, a, 4, 0.95);
    assert_near(even.ratio * even_back.ratio, 1.0, 1e-12);
}

static void test_effect_interval_narrows_with_more_data(void **state) {
    (void)state;
    uint64_t seed = 11;
    double a[60], b[60];
    sample_timings(a, 60, 1.0, 0.05, &seed);
    sample_timings(b, 60, 1.2, 0.05, &seed);
    double previous_width = INFINITY;
    const size_t sizes[] = {5, 9, 20, 60}; /* 60 takes the normal approximation */
    for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
        size_t n = sizes[s];
        lm_ratio_estimate e = lm_hodges_lehmann_ratio(a, n, b, n, 0.95);
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
    lm_ratio_estimate e4 = lm_hodges_lehmann_ratio(a, 4, b, 4, 0.95);
    assert_near(e4.low, 5.0 / 4, 1e-15);
    assert_near(e4.high, 8.0 / 1, 1e-15);
    lm_ratio_estimate e3 = lm_hodges_lehmann_ratio(a, 3, b, 3, 0.95);
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
    lm_ratio_estimate e = lm_hodges_lehmann_ratio(a, 3, b, 3, 0.95);
    assert_true(isnan(e.ratio) && isnan(e.low) && isnan(e.high));
    e = lm_hodges_lehmann_ratio(b, 0, b, 3, 0.95);
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

/* --- correlation and fits ---------------------------------------------------------------------- */

static void test_spearman(void **state) {
    (void)state;
    const double x[] = {1, 2, 3, 4, 5}, up[] = {10, 20, 25, 80, 81}, down[] = {9, 7, 5, 3, 1};
    assert_true(fabs(lm_spearman(x, up, 5) - 1) < 1e-12);   /* monotone: 1 whatever the spacing */
    assert_true(fabs(lm_spearman(x, down, 5) + 1) < 1e-12);
    const double swapped[] = {2, 1, 3, 4, 5}; /* one adjacent swap: 1 - 6*2/(5*24) = 0.9 */
    assert_true(fabs(lm_spearman(x, swapped, 5) - 0.9) < 1e-12);
    const double ties[] = {1, 1, 2, 2, 3};   /* ranks 1.5 1.5 3.5 3.5 5 */
    assert_true(lm_spearman(x, ties, 5) > 0.9 && lm_spearman(x, ties, 5) < 1);
    const double flat[] = {4, 4, 4, 4, 4};
    assert_true(lm_spearman(x, flat, 5) == 0);
}

static void test_pearson_and_line(void **state) {
    (void)state;
    const double x[] = {1, 2, 3, 4}, y[] = {3, 5, 7, 9}, flat[] = {2, 2, 2, 2};
    assert_near(lm_pearson(x, y, 4), 1, 1e-15);
    assert_near(lm_pearson(x, flat, 4), 0, 0);
    const lm_line_fit fit = lm_fit_line(x, y, 4); /* y = 1 + 2 x */
    assert_near(fit.intercept, 1, 1e-12);
    assert_near(fit.slope, 2, 1e-12);
    assert_near(fit.r2, 1, 1e-12);
    const lm_line_fit vertical = lm_fit_line(flat, y, 4); /* x constant: no line */
    assert_true(isnan(vertical.slope) && isnan(vertical.intercept) && isnan(vertical.r2));
}

static void test_log_log_fit(void **state) {
    (void)state;
    const double x[] = {1, 2, 4, 8}, y[] = {3, 12, 48, 192}; /* y = 3 x^2 */
    const lm_line_fit fit = lm_fit_log_log(x, y, 4);
    assert_true(fabs(fit.slope - 2) < 1e-12);
    assert_true(fabs(fit.r2 - 1) < 1e-12);
    assert_near(fit.intercept, log(3), 1e-12);
    assert_true(isnan(lm_fit_log_log(x, y, 1).slope));
}

/* --- equivalence ------------------------------------------------------------------------------- */

static void test_equivalence_by_hand(void **state) {
    (void)state;
    /* a = b = {1, 2, 3}, margin 10: b * 11 lies wholly above a (U = 9, P(U >= 9) = 1/20) and b / 11
     * wholly below (U = 0, P(U <= 0) = 1/20): 3 values a side cannot get below 0.05 */
    const double a[] = {1, 2, 3};
    const lm_equivalence e = lm_equivalence_ratio(a, 3, a, 3, 10);
    assert_near(e.p_lower, 0.05, 1e-15);
    assert_near(e.p_upper, 0.05, 1e-15);
    assert_near(e.p, 0.05, 1e-15);
}

static void test_equivalence_on_samples(void **state) {
    (void)state;
    uint64_t seed = 3;
    double a[40], b[40], slower[40];
    sample_timings(a, 40, 1.0, 0.02, &seed);
    sample_timings(b, 40, 1.0, 0.02, &seed);
    sample_timings(slower, 40, 1.3, 0.02, &seed);
    /* the same time within 2% noise: equivalent within 5%, and then surely within 20% */
    const lm_equivalence same = lm_equivalence_ratio(a, 40, b, 40, 0.05), wide = lm_equivalence_ratio(a, 40, b, 40, 0.2);
    assert_true(same.p < 0.05);
    assert_true(wide.p <= same.p);
    /* 30% slower: not equivalent within 5%, because the upper test cannot reject */
    const lm_equivalence off = lm_equivalence_ratio(a, 40, slower, 40, 0.05);
    assert_true(off.p > 0.5 && off.p == off.p_upper && off.p_lower < 1e-6);
    /* nothing is claimed of samples a ratio cannot be taken of */
    const double bad[] = {1, -1, 2};
    assert_near(lm_equivalence_ratio(bad, 3, b, 40, 0.05).p, 1, 0);
    assert_near(lm_equivalence_ratio(a, 40, b, 0, 0.05).p, 1, 0);
    assert_near(lm_equivalence_ratio(a, 40, b, 40, 0).p, 1, 0);
}

/* --- random numbers and the bootstrap ---------------------------------------------------------- */

static void test_random_below_is_uniform(void **state) {
    (void)state;
    uint64_t seed = 5;
    size_t counts[7] = {0};
    for (int i = 0; i < 70000; i++) counts[lm_random_below(&seed, 7)]++;
    for (int k = 0; k < 7; k++) assert_true(counts[k] > 9500 && counts[k] < 10500); /* 10000 +- 5 sd */
    assert_int_equal(lm_random_below(&seed, 1), 0);
    for (int i = 0; i < 1000; i++) {
        const double u = lm_random_uniform(&seed);
        assert_true(u > 0 && u < 1);
    }
}

static void test_bootstrap_median_ratio(void **state) {
    (void)state;
    uint64_t seed = 9;
    double a[15], b[15];
    sample_timings(a, 15, 1.0, 0.05, &seed);
    sample_timings(b, 15, 1.2, 0.05, &seed);
    const lm_ratio_estimate e = lm_bootstrap_median_ratio(a, 15, b, 15, 0.95, 2000, 42);
    assert_near(e.ratio, lm_median(b, 15) / lm_median(a, 15), 0);
    assert_true(e.low < e.ratio && e.ratio < e.high);
    assert_true(e.low > 1.05 && e.high < 1.35);
    /* deterministic: the same seed gives the same interval bit for bit, another seed another one */
    const lm_ratio_estimate again = lm_bootstrap_median_ratio(a, 15, b, 15, 0.95, 2000, 42);
    assert_memory_equal(&again, &e, sizeof e);
    const lm_ratio_estimate other = lm_bootstrap_median_ratio(a, 15, b, 15, 0.95, 2000, 43);
    assert_true(other.low != e.low || other.high != e.high);
    /* a wider confidence, a wider interval */
    const lm_ratio_estimate wider = lm_bootstrap_median_ratio(a, 15, b, 15, 0.99, 2000, 42);
    assert_true(wider.low <= e.low && wider.high >= e.high);
    /* no interval asked for, and samples a ratio cannot be taken of */
    const lm_ratio_estimate point = lm_bootstrap_median_ratio(a, 15, b, 15, 1, 2000, 42);
    assert_true(point.low == point.ratio && point.high == point.ratio);
    const double bad[] = {1, 0};
    assert_true(isnan(lm_bootstrap_median_ratio(bad, 2, b, 15, 0.95, 100, 1).ratio));
    assert_true(isnan(lm_bootstrap_median_ratio(a, 0, b, 15, 0.95, 100, 1).low));
}

/* --- Student's t -------------------------------------------------------------------------------- */

static void test_student_t_closed_forms(void **state) {
    (void)state;
    /* df 1 is Cauchy: 1/2 + atan(t)/pi, quantile tan(pi (p - 1/2)); df 2: 1/2 + t / (2 sqrt(2 + t^2)),
     * quantile (2p - 1) / sqrt(2 p (1 - p)) */
    const double ts[] = {-50, -3, -1, -0.2, 0, 0.2, 1, 3, 50};
    for (size_t i = 0; i < sizeof ts / sizeof *ts; i++) {
        const double t = ts[i];
        assert_near(lm_student_t_cdf(t, 1), 0.5 + atan(t) / M_PI, 1e-14);
        assert_near(lm_student_t_cdf(t, 2), 0.5 + t / (2 * sqrt(2 + t * t)), 1e-14);
    }
    const double ps[] = {1e-6, 0.01, 0.1, 0.3, 0.7, 0.975, 1 - 1e-6};
    for (size_t i = 0; i < sizeof ps / sizeof *ps; i++) {
        const double p = ps[i], cauchy = tan(M_PI * (p - 0.5)), two = (2 * p - 1) / sqrt(2 * p * (1 - p));
        assert_near(lm_student_t_quantile(p, 1), cauchy, 1e-9 * fabs(cauchy));
        assert_near(lm_student_t_quantile(p, 2), two, 1e-10 * fabs(two));
    }
    /* the lower tail keeps its relative accuracy far out: P(T <= -1e10) = atan(1e-10) / pi for df 1 */
    assert_near(lm_student_t_cdf(-1e10, 1), atan(1e-10) / M_PI, 1e-12 * atan(1e-10) / M_PI);
}

static void test_student_t_quantile_inverts_cdf(void **state) {
    (void)state;
    const double dfs[] = {1, 2.5, 3, 7, 30, 1000};
    const double ps[] = {1e-6, 0.001, 0.025, 0.4, 0.6, 0.975, 0.999999};
    for (size_t i = 0; i < sizeof dfs / sizeof *dfs; i++)
        for (size_t j = 0; j < sizeof ps / sizeof *ps; j++) {
            const double t = lm_student_t_quantile(ps[j], dfs[i]), p = ps[j];
            const double tail = p < 0.5 ? lm_student_t_cdf(t, dfs[i]) : lm_student_t_cdf(-t, dfs[i]);
            assert_near(tail, p < 0.5 ? p : 1 - p, 1e-12 * (p < 0.5 ? p : 1 - p));
        }
    /* a large df is nearly normal: Phi(1.959963984540054) = 0.975 */
    assert_near(lm_student_t_cdf(1.959963984540054, 1e7), 0.975, 1e-7);
    /* the textbook table: t_{0.975} at df 10 is 2.228 */
    assert_near(lm_student_t_quantile(0.975, 10), 2.228138851986274, 1e-12);
}

static void test_student_t_edges(void **state) {
    (void)state;
    assert_near(lm_student_t_cdf(0, 5), 0.5, 0);
    assert_near(lm_student_t_cdf(-INFINITY, 5), 0, 0);
    assert_near(lm_student_t_cdf(INFINITY, 5), 1, 0);
    assert_near(lm_student_t_quantile(0.5, 5), 0, 0);
    assert_true(lm_student_t_quantile(0, 5) == -INFINITY && lm_student_t_quantile(1, 5) == INFINITY);
    assert_true(isnan(lm_student_t_cdf(NAN, 5)) && isnan(lm_student_t_cdf(1, 0)) && isnan(lm_student_t_cdf(1, -2)));
    assert_true(isnan(lm_student_t_cdf(1, NAN)) && isnan(lm_student_t_cdf(1, INFINITY)));
    assert_true(isnan(lm_student_t_quantile(1.5, 5)) && isnan(lm_student_t_quantile(NAN, 5)));
    assert_true(isnan(lm_student_t_quantile(0.3, 0)));
}

/* --- the ratio over rounds ---------------------------------------------------------------------- */

static void test_log_ratio_interval_by_hand(void **state) {
    (void)state;
    /* mean 0.2, sample SD 0.1; t_{2, 0.975} = 0.95 / sqrt(2 * 0.975 * 0.025) (df 2's closed form) */
    const double d[] = {0.1, 0.3, 0.2};
    const lm_log_ratio_interval r = lm_log_ratio_t_interval(d, 3, 0.95);
    const double half = 0.95 / sqrt(2 * 0.975 * 0.025) * 0.1 / sqrt(3.0);
    assert_int_equal(r.n, 3);
    assert_near(r.log_mean, 0.2, 1e-15);
    assert_near(r.log_sd, 0.1, 1e-15);
    assert_near(r.ratio, exp(0.2), 1e-15);
    assert_near(r.lo, exp(0.2 - half), 1e-12);
    assert_near(r.hi, exp(0.2 + half), 1e-12);
    /* a wider confidence gives a wider interval, around the same ratio */
    const lm_log_ratio_interval wide = lm_log_ratio_t_interval(d, 3, 0.99);
    assert_true(wide.lo < r.lo && wide.hi > r.hi && wide.ratio == r.ratio);
    /* rounds that agree exactly: no spread, the interval is the ratio */
    const double same[] = {0.05, 0.05, 0.05, 0.05};
    const lm_log_ratio_interval tight = lm_log_ratio_t_interval(same, 4, 0.95);
    assert_near(tight.log_sd, 0, 0);
    assert_true(tight.lo == tight.ratio && tight.hi == tight.ratio);
}

static void test_log_ratio_interval_edges(void **state) {
    (void)state;
    const double one[] = {0.1};
    const lm_log_ratio_interval single = lm_log_ratio_t_interval(one, 1, 0.95);
    assert_near(single.ratio, exp(0.1), 1e-15); /* one round: the ratio, and nothing about its spread */
    assert_true(isnan(single.log_sd) && isnan(single.lo) && isnan(single.hi) && single.n == 1);
    const lm_log_ratio_interval none = lm_log_ratio_t_interval(one, 0, 0.95);
    assert_true(isnan(none.ratio) && isnan(none.lo) && none.n == 0);
    const double bad[] = {0.1, NAN, 0.2}, infinite[] = {0.1, -INFINITY};
    const lm_log_ratio_interval nan = lm_log_ratio_t_interval(bad, 3, 0.95);
    assert_true(isnan(nan.ratio) && isnan(nan.log_mean) && isnan(nan.log_sd) && isnan(nan.lo) && isnan(nan.hi));
    assert_true(isnan(lm_log_ratio_t_interval(infinite, 2, 0.95).ratio));
    /* no interval without a confidence in (0, 1), but the ratio and spread still */
    const double d[] = {0.1, 0.2};
    const lm_log_ratio_interval no_confidence = lm_log_ratio_t_interval(d, 2, 1);
    assert_true(isnan(no_confidence.lo) && isnan(no_confidence.hi) && no_confidence.log_sd > 0);
}

/* Ten rounds, one disturbed: the plain interval spreads over the outlier, the 20%-trimmed one (two
 * rounds from each end) keeps to the others. By hand: sorted, the middle six are 0.02, 0.03, 0.03,
 * 0.04, 0.04, 0.05, mean 0.035; winsorized {0.02 x3, 0.03 x2, 0.04 x2, 0.05 x3}: mean 0.035, sum of
 * squares 0.00145, so s_w = sqrt(0.00145 / 9); half-width t_{5,0.975} s_w / (0.6 sqrt(10)), with
 * t_{5,0.975} = 2.5705818366147395 (SciPy's mstats.trimmed_mean_ci gives [0.01780339, 0.05219661]). */
static void test_log_ratio_trimmed_by_hand(void **state) {
    (void)state;
    const double d[] = {0.03, 0.01, 0.05, 0.02, 0.9, 0.04, 0.0, 0.06, 0.03, 0.04};
    const lm_log_ratio_interval r = lm_log_ratio_trimmed_interval(d, 10, 0.95, 0.2);
    const double sw = sqrt(0.00145 / 9), half = 2.5705818366147395 * sw / (0.6 * sqrt(10.0));
    assert_int_equal(r.trimmed, 2);
    assert_near(r.log_mean, 0.035, 1e-15);
    assert_near(r.log_sd, sw, 1e-15);
    assert_near(r.lo, exp(0.035 - half), 1e-9);
    assert_near(r.hi, exp(0.035 + half), 1e-9);
    assert_near(r.lo, exp(0.01780339), 1e-8);
    assert_near(r.hi, exp(0.05219661), 1e-8);
    const lm_log_ratio_interval plain = lm_log_ratio_t_interval(d, 10, 0.95);
    assert_true(plain.hi - plain.lo > 4 * (r.hi - r.lo));
    /* the same rounds at another confidence keep their trimming */
    const lm_log_ratio_interval wide = lm_log_ratio_at(r, 0.99);
    assert_true(wide.lo < r.lo && wide.hi > r.hi && wide.trimmed == 2);
    /* trim 0 is the plain interval; a trim outside [0, 0.5), or fewer than 2 rounds kept, gives none */
    const lm_log_ratio_interval zero = lm_log_ratio_trimmed_interval(d, 10, 0.95, 0);
    assert_true(zero.lo == plain.lo && zero.hi == plain.hi);
    assert_true(isnan(lm_log_ratio_trimmed_interval(d, 10, 0.95, 0.5).ratio));
    assert_true(isnan(lm_log_ratio_trimmed_interval(d, 10, 0.95, -0.1).ratio));
    assert_true(isnan(lm_log_ratio_trimmed_interval(d, 3, 0.95, 0.49).lo)); /* g 1: one round kept */
    assert_int_equal(lm_rounds_to_resolve(0.02, 0.02, 0.95, 0.5, 100), 0);
    /* trimming costs rounds on clean data: more are needed for the same spread */
    assert_true(lm_rounds_to_resolve(0.02, 0.02, 0.95, 0.2, 100) > lm_rounds_to_resolve(0.02, 0.02, 0.95, 0, 100));
}

/* With trimming, the first count that fits can be followed by one that does not (a count that trims
 * one more round from each end keeps fewer): the answer after `from` is where fitting starts for good. */
static void test_rounds_to_resolve_after(void **state) {
    (void)state;
    const double sd = 0.0275, margin = expm1(0.0131); /* 48 rounds fit, 50 (g 10, not 9) does not */
    const size_t first = lm_rounds_to_resolve(sd, margin, 0.95, 0.2, 1000);
    const size_t after = lm_rounds_to_resolve_after(sd, margin, 0.95, 0.2, 0, 1000);
    assert_true(after > first);
    for (size_t n = after; n <= 1000; n++) {
        const size_t g = (size_t)floor(0.2 * (double)n + 1e-9);
        const double half = lm_student_t_quantile(0.975, (double)(n - 2 * g - 1)) * sd /
                            ((double)(n - 2 * g) / (double)n * sqrt((double)n));
        assert_true(half < log1p(margin));
    }
    if (after > 2) { /* and the count before it does not fit */
        const size_t n = after - 1, g = (size_t)floor(0.2 * (double)n + 1e-9);
        const double half = lm_student_t_quantile(0.975, (double)(n - 2 * g - 1)) * sd /
                            ((double)(n - 2 * g) / (double)n * sqrt((double)n));
        assert_true(half >= log1p(margin));
    }
    /* counted from a sample's size: never at or below it */
    assert_int_equal(lm_rounds_to_resolve_after(sd, margin, 0.95, 0.2, after + 5, 1000), after + 6);
    assert_int_equal(lm_rounds_to_resolve_after(sd, margin, 0.95, 0.2, 0, after - 1), 0); /* beyond max */
    assert_int_equal(lm_rounds_to_resolve_after(sd, margin, 0.95, 0.2, 1000, 1000), 0);
    assert_int_equal(lm_rounds_to_resolve_after(NAN, margin, 0.95, 0.2, 0, 1000), 0);
    /* without trimming, the first that fits is the answer */
    assert_int_equal(lm_rounds_to_resolve_after(0.02, 0.02, 0.95, 0, 0, 100), lm_rounds_to_resolve(0.02, 0.02, 0.95, 0, 100));
}

static void test_rounds_to_resolve(void **state) {
    (void)state;
    /* log SD 0.02 within 2% at 95%: t_{5,0.975} 0.02 / sqrt(6) = 0.0210 > log(1.02) = 0.0198, while
     * t_{6,0.975} 0.02 / sqrt(7) = 0.0185 fits: 7 rounds */
    assert_int_equal(lm_rounds_to_resolve(0.02, 0.02, 0.95, 0, 100), 7);
    assert_int_equal(lm_rounds_to_resolve(0.02, 0.02, 0.95, 0, 7), 7);
    assert_int_equal(lm_rounds_to_resolve(0.02, 0.02, 0.95, 0, 6), 0); /* not within the maximum */
    /* the answer is the first n that fits, for many spreads */
    for (double sd = 0.001; sd < 0.2; sd *= 1.7) {
        const size_t n = lm_rounds_to_resolve(sd, 0.05, 0.9, 0, 1000);
        assert_true(n >= 2);
        const double fits = log(1.05) * sqrt((double)n) / sd;
        assert_true(lm_student_t_quantile(0.95, (double)(n - 1)) < fits);
        if (n > 2)
            assert_true(lm_student_t_quantile(0.95, (double)(n - 2)) >= log(1.05) * sqrt((double)(n - 1)) / sd);
    }
    assert_int_equal(lm_rounds_to_resolve(0, 0.01, 0.95, 0, 10), 2); /* no noise: the fewest rounds */
    /* nothing to search */
    assert_int_equal(lm_rounds_to_resolve(0.02, 0.02, 0.95, 0, 1), 0);
    assert_int_equal(lm_rounds_to_resolve(NAN, 0.02, 0.95, 0, 10), 0);
    assert_int_equal(lm_rounds_to_resolve(-0.1, 0.02, 0.95, 0, 10), 0);
    assert_int_equal(lm_rounds_to_resolve(0.02, 0, 0.95, 0, 10), 0);
    assert_int_equal(lm_rounds_to_resolve(0.02, 0.02, 1, 0, 10), 0);
}

/* --- Page's trend test ------------------------------------------------------------------------- */

static void test_page_by_hand(void **state) {
    (void)state;
    const double w[] = {1, 2, 3};
    /* one round in the predicted order: L = 1 + 4 + 9 = 14, the largest of 3! equally likely orders */
    const double up[] = {10, 20, 30, 11, 25, 31};
    lm_page_trend t = lm_page_trend_test(up, 1, 3, w, LM_GREATER);
    assert_near(t.l, 14, 0);
    assert_near(t.p, 1.0 / 6, 1e-15);
    assert_true(t.exact);
    /* two such rounds: (1/6)^2 on the greater side, certain on the less side, twice 1/36 both ways */
    assert_near(lm_page_trend_test(up, 2, 3, w, LM_GREATER).p, 1.0 / 36, 1e-15);
    assert_near(lm_page_trend_test(up, 2, 3, w, LM_LESS).p, 1, 1e-15);
    assert_near(lm_page_trend_test(up, 2, 3, w, LM_TWO_SIDED).p, 2.0 / 36, 1e-15);
    /* scipy's page_trend_test([[1,2,3],[1,3,2],[3,2,1]], method='exact'): L = 37, p = 4/9 */
    const double mixed[] = {1, 2, 3, 1, 3, 2, 3, 2, 1};
    t = lm_page_trend_test(mixed, 3, 3, w, LM_GREATER);
    assert_near(t.l, 37, 0);
    assert_near(t.p, 4.0 / 9, 1e-15);
    /* k = 2: each round is a coin flip, three rounds up give (1/2)^3 */
    const double pairs[] = {1, 2, 5, 6, 0.1, 0.3}, w2[] = {0, 1};
    t = lm_page_trend_test(pairs, 3, 2, w2, LM_GREATER);
    assert_near(t.l, 6, 0);
    assert_near(t.p, 0.125, 1e-15);
}

static void test_page_null_moments(void **state) {
    (void)state;
    /* weights 1..k: E[L] = n k (k + 1)^2 / 4, Var[L] = n k^2 (k + 1)(k^2 - 1) / 144 (Page, scipy) */
    const double w[] = {1, 2, 3, 4};
    double data[5 * 4];
    uint64_t seed = 11;
    for (size_t i = 0; i < 20; i++) data[i] = sample_gaussian(&seed);
    const lm_page_trend t = lm_page_trend_test(data, 5, 4, w, LM_GREATER);
    assert_near(t.mean, 5 * 4 * 25 / 4.0, 1e-12);
    assert_near(t.sd, sqrt(5 * 16 * 5 * 15 / 144.0), 1e-12);
    /* L and its mirror: reversing the weights turns P(L >= l) into P(L <= l') */
    const double reversed[] = {4, 3, 2, 1};
    const lm_page_trend r = lm_page_trend_test(data, 5, 4, reversed, LM_LESS);
    assert_near(r.p, t.p, 1e-14);
    assert_near(t.l + r.l, 2 * t.mean, 1e-12);
}

static void test_page_ties(void **state) {
    (void)state;
    /* tied weights 0, 1, 1: L = 6 - rank of case 0, so P(L >= 5) = P(rank 1) = 1/3 */
    const double w[] = {0, 1, 1}, x[] = {1, 2, 3};
    lm_page_trend t = lm_page_trend_test(x, 1, 3, w, LM_GREATER);
    assert_near(t.l, 5, 0);
    assert_near(t.p, 1.0 / 3, 1e-15);
    assert_true(t.exact);
    /* tied values 1, 1, 2: midranks 1.5, 1.5, 3, which the null permutes: L = 9 + 1.5 w_j for the case j
     * holding the 3, so L in {10.5, 12, 13.5} each 1/3, variance 1.5 */
    const double w3[] = {1, 2, 3}, tied[] = {1, 1, 2};
    t = lm_page_trend_test(tied, 1, 3, w3, LM_GREATER);
    assert_near(t.l, 13.5, 0);
    assert_near(t.p, 1.0 / 3, 1e-15);
    assert_near(t.mean, 12, 1e-15);
    assert_near(t.sd, sqrt(1.5), 1e-15);
    /* half-integer weights stay exact; others fall back to the normal approximation */
    const double halves[] = {0, 0.5, 1.5}, thirds[] = {0, 0.3, 1};
    assert_true(lm_page_trend_test(x, 1, 3, halves, LM_GREATER).exact);
    assert_near(lm_page_trend_test(x, 1, 3, halves, LM_GREATER).p, 1.0 / 6, 1e-15);
    assert_false(lm_page_trend_test(x, 1, 3, thirds, LM_GREATER).exact);
    /* every round all ties, or all weights equal: L cannot vary, nothing is claimed */
    const double flat[] = {4, 4, 4, 7, 7, 7}, equal[] = {2, 2, 2};
    t = lm_page_trend_test(flat, 2, 3, w3, LM_GREATER);
    assert_near(t.p, 1, 0);
    assert_near(t.l, t.mean, 0);
    assert_near(t.sd, 0, 0);
    assert_near(lm_page_trend_test(x, 1, 3, equal, LM_TWO_SIDED).p, 1, 0);
}

static void test_page_normal_approximation(void **state) {
    (void)state;
    /* 10 cases: past LM_PAGE_EXACT_MAX_K, so z = (L - E) / sd in the normal tail */
    double w[10], data[3 * 10];
    for (int j = 0; j < 10; j++) {
        w[j] = j + 1;
        for (int i = 0; i < 3; i++) data[i * 10 + j] = j + (i == 1 && j < 2 ? 5 : 0); /* round 1 out of order */
    }
    const lm_page_trend t = lm_page_trend_test(data, 3, 10, w, LM_GREATER);
    assert_false(t.exact);
    const double z = (t.l - t.mean) / t.sd;
    assert_near(t.p, 0.5 * erfc(z / sqrt(2.0)), 1e-15);
    assert_true(t.p < 1e-3);
    /* many rounds of few cases also leave the table for the approximation */
    double many[500 * 8], w8[8];
    for (int j = 0; j < 8; j++) w8[j] = j;
    uint64_t seed = 4;
    for (size_t i = 0; i < 500 * 8; i++) many[i] = sample_gaussian(&seed);
    const lm_page_trend big = lm_page_trend_test(many, 500, 8, w8, LM_TWO_SIDED);
    assert_false(big.exact);
    assert_true(big.p > 0.001);
}

static void test_page_rejects_bad_input(void **state) {
    (void)state;
    const double w[] = {1, 2, 3}, x[] = {1, 2, 3, 4, 5, 6}, with_nan[] = {1, NAN, 3}, bad_w[] = {1, INFINITY, 3};
    lm_page_trend t = lm_page_trend_test(with_nan, 1, 3, w, LM_GREATER);
    assert_true(isnan(t.l) && t.p == 1 && !t.exact);
    assert_true(isnan(lm_page_trend_test(x, 1, 3, bad_w, LM_GREATER).l));
    assert_near(lm_page_trend_test(x, 0, 3, w, LM_GREATER).p, 1, 0);
    assert_near(lm_page_trend_test(x, 3, 1, w, LM_GREATER).p, 1, 0); /* one case: nothing to order */
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_median),
        cmocka_unit_test(test_quantile),
        cmocka_unit_test(test_coefficient_of_variation),
        cmocka_unit_test(test_p_complete_separation_is_exact),
        cmocka_unit_test(test_p_small_case_by_hand),
        cmocka_unit_test(test_p_interleaved_samples_near_one),
        cmocka_unit_test(test_p_ties_use_normal_approximation),
        cmocka_unit_test(test_p_is_symmetric),
        cmocka_unit_test(test_p_degenerate_inputs),
        cmocka_unit_test(test_p_one_sided_by_hand),
        cmocka_unit_test(test_min_p),
        cmocka_unit_test(test_p_exact_and_normal_agree_at_the_boundary),
        cmocka_unit_test(test_effect_of_exact_scaling),
        cmocka_unit_test(test_effect_interval_narrows_with_more_data),
        cmocka_unit_test(test_effect_interval_exact_rank),
        cmocka_unit_test(test_effect_rejects_non_positive_samples),
        cmocka_unit_test(test_holm_by_hand),
        cmocka_unit_test(test_spearman),
        cmocka_unit_test(test_pearson_and_line),
        cmocka_unit_test(test_log_log_fit),
        cmocka_unit_test(test_equivalence_by_hand),
        cmocka_unit_test(test_equivalence_on_samples),
        cmocka_unit_test(test_random_below_is_uniform),
        cmocka_unit_test(test_bootstrap_median_ratio),
        cmocka_unit_test(test_student_t_closed_forms),
        cmocka_unit_test(test_student_t_quantile_inverts_cdf),
        cmocka_unit_test(test_student_t_edges),
        cmocka_unit_test(test_log_ratio_interval_by_hand),
        cmocka_unit_test(test_log_ratio_interval_edges),
        cmocka_unit_test(test_log_ratio_trimmed_by_hand),
        cmocka_unit_test(test_rounds_to_resolve),
        cmocka_unit_test(test_rounds_to_resolve_after),
        cmocka_unit_test(test_page_by_hand),
        cmocka_unit_test(test_page_null_moments),
        cmocka_unit_test(test_page_ties),
        cmocka_unit_test(test_page_normal_approximation),
        cmocka_unit_test(test_page_rejects_bad_input),
    };
    return cmocka_run_group_tests_name("stats", tests, NULL, NULL);
}
