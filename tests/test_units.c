/* U1, the unit comparison of the ShuffleNet V2 paper's appendix Table 1(b) (guidelines/u1_units.c):
 * cases at scales 1, 2 and 4 (c = 64, 128, 256) and none at others; unique ids; two rank-0 cases, the
 * ShuffleNet V2 unit and the same unit with concat, shuffle and split merged, per group, the merged
 * one with the same MAdds and params and less MAC; every case builds without error into one output of the input's
 * shape; every unit's MAdds within 5% of the ShuffleNet V2 unit's in its group; hand-computed widths
 * and MAdds; the paper's figures. Uses lm_guideline_u1 directly (not the list in experiment.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "guidelines/experiment.h"
#include "tests/guideline_fixture.h"


static const lm_guideline *const e = &lm_guideline_u1;

static void test_sweep(void **state) {
    const int scale = *(const int *)*state;
    lm_guideline_case cases[LM_GUIDELINE_MAX_CASES];
    lm_op_cost cost[LM_GUIDELINE_MAX_CASES];
    const int n = e->cases(scale, cases, LM_GUIDELINE_MAX_CASES);
    assert_int_equal(n, 10);
    const int c = scale * 64;
    for (int i = 0; i < n; i++) {
        const lm_guideline_case *k = &cases[i];
        assert_true(k->id[0] && k->label[0] && k->group[0]);
        const size_t group_len = strlen(k->group);
        assert_true(strncmp(k->id, k->group, group_len) == 0 && k->id[group_len] == '/');
        char group[32];
        snprintf(group, sizeof group, "s%d_c%d", k->height, c);
        assert_string_equal(k->group, group);
        assert_true(k->height == 56 || k->height == 28);
        assert_int_equal(k->width, k->height);
        assert_true(k->channels > 0);
        assert_int_equal(k->param[1], k->channels);
        assert_int_equal(k->param[2], c);
        assert_false(k->separate_elementwise);
        /* the width is in the label: "(..., c = <w>)" */
        char tail[32];
        snprintf(tail, sizeof tail, "c = %d)", k->channels);
        assert_non_null(strstr(k->label, tail));
        /* rank 0 is the ShuffleNet V2 unit at c, and only it */
        const bool v2 = strstr(k->id, "/shufflenet_v2") != NULL;
        assert_int_equal(k->rank, v2 ? 0 : 1);
        if (v2) assert_int_equal(k->channels, c);
        for (int j = i + 1; j < n; j++) assert_string_not_equal(k->id, cases[j].id);
        cost[i] = guideline_build_and_check(e, k);
        assert_true(cost[i].madds > 0);
    }
    for (int i = 0; i < n; i++) {
        bool first = true;
        for (int j = 0; j < i; j++)
            if (strcmp(cases[j].group, cases[i].group) == 0) first = false;
        if (!first) continue;
        int members = 0, rank0 = 0, ref = -1;
        for (int j = i; j < n; j++)
            if (strcmp(cases[j].group, cases[i].group) == 0) {
                members++;
                if (cases[j].rank == 0) rank0++, ref = j;
            }
        assert_int_equal(members, 5);
        if (rank0 != 2) fail_msg("U1 %s: %d cases of rank 0", cases[i].group, rank0);
        for (int j = i; j < n; j++) /* the unmerged unit is the reference; the merged one comes next */
            if (strcmp(cases[j].group, cases[i].group) == 0 && cases[j].rank == 0 && !strstr(cases[j].id, "_merged"))
                ref = j;
        assert_true(strstr(cases[ref + 1].id, "/shufflenet_v2_merged") && strstr(cases[ref + 1].label, "merged"));
        assert_int_equal(cost[ref + 1].madds, cost[ref].madds);
        assert_int_equal(cost[ref + 1].params, cost[ref].params);
        assert_true(cost[ref + 1].mac < cost[ref].mac);
        const double base = (double)cost[ref].madds;
        double worst = 0, lo = base, hi = base;
        char detail[256];
        int len = 0;
        for (int j = i; j < n; j++) {
            if (strcmp(cases[j].group, cases[i].group) != 0 || j == ref) continue;
            const double m = (double)cost[j].madds, dev = m / base - 1;
            if (m < lo) lo = m;
            if (m > hi) hi = m;
            if ((dev < 0 ? -dev : dev) > worst) worst = dev < 0 ? -dev : dev;
            len += snprintf(detail + len, sizeof detail - (size_t)len, "%s%s %+.2f%%", len ? ", " : "",
                            strchr(cases[j].id, '/') + 1, 100 * dev);
            if (dev < -0.05 - 1e-12 || dev > 0.05 + 1e-12)
                fail_msg("U1 %s: %s MAdds %.0f, %+.2f%% from ShuffleNet V2's %.0f", cases[i].group, cases[j].id, m,
                         100 * dev, base);
        }
        print_message("# U1 x%d %s: ShuffleNet V2 %.2f M MAdds; %s; max |dev| %.2f%%, max/min %.4f\n", scale,
                      cases[i].group, base / 1e6, detail, 100 * worst, hi / lo);
    }
}

static void test_other_scales_have_no_cases(void **state) {
    (void)state;
    lm_guideline_case cases[LM_GUIDELINE_MAX_CASES];
    const int scales[] = {0, 3, 5, 8, -1};
    for (size_t k = 0; k < sizeof scales / sizeof scales[0]; k++)
        assert_int_equal(e->cases(scales[k], cases, LM_GUIDELINE_MAX_CASES), 0);
}

static void test_definition(void **state) {
    (void)state;
    assert_string_equal(e->id, "U1");
    assert_string_equal(e->title, "unit comparison at equal MAdds (appendix Table 1(b))");
    assert_true(e->prediction && e->source && e->cases && e->build);
}

static uint64_t madds_of(const lm_guideline_case *c) {
    lm_graph *g = lm_guideline_build(e, c);
    assert_non_null(g);
    assert_null(lm_graph_error(g));
    const uint64_t m = lm_graph_cost(g).madds;
    lm_graph_destroy(g);
    return m;
}

static void test_hand_computed(void **state) {
    (void)state;
    lm_guideline_case cases[LM_GUIDELINE_MAX_CASES];
    const uint64_t hw56 = 56 * 56, hw28 = 28 * 28;

    int n = e->cases(1, cases, LM_GUIDELINE_MAX_CASES);
    /* ShuffleNet V2 at c = 64: two 1x1 32 -> 32 and a depthwise 3x3 on 32 channels per unit */
    const lm_guideline_case *c = guideline_find_case(cases, n, "s56_c64/shufflenet_v2");
    assert_string_equal(c->label, "ShuffleNet V2 unit (c = 64)");
    assert_int_equal(madds_of(c), 10 * hw56 * (2 * 32 * 32 + 9 * 32));
    /* ShuffleNet V1 g = 3 at w = 111, m = 27: two 1x1 group convs, a depthwise 3x3 */
    c = guideline_find_case(cases, n, "s56_c64/shufflenet_v1");
    assert_string_equal(c->label, "ShuffleNet V1 unit (g = 3, c = 111)");
    assert_int_equal(c->param[3], 27);
    assert_int_equal(madds_of(c), 10 * hw56 * (2 * 111 * 27 / 3 + 9 * 27));
    /* MobileNet V2 t = 6 at w = 12: 1x1 12 -> 72, depthwise 3x3 on 72, 1x1 72 -> 12 */
    c = guideline_find_case(cases, n, "s28_c64/mobilenet_v2");
    assert_string_equal(c->label, "MobileNet V2 unit (t = 6, c = 12)");
    assert_int_equal(madds_of(c), 10 * hw28 * (2 * 12 * 72 + 9 * 72));
    /* Xception at w = 24: three (depthwise 3x3, 1x1 24 -> 24) */
    c = guideline_find_case(cases, n, "s28_c64/xception");
    assert_string_equal(c->label, "Xception unit (c = 24)");
    assert_int_equal(madds_of(c), 10 * hw28 * 3 * (9 * 24 + 24 * 24));

    n = e->cases(2, cases, LM_GUIDELINE_MAX_CASES);
    assert_int_equal(guideline_find_case(cases, n, "s56_c128/shufflenet_v1")->channels, 219);
    assert_int_equal(guideline_find_case(cases, n, "s56_c128/mobilenet_v2")->channels, 25);
    assert_int_equal(guideline_find_case(cases, n, "s28_c128/xception")->channels, 50);
    n = e->cases(4, cases, LM_GUIDELINE_MAX_CASES);
    assert_int_equal(guideline_find_case(cases, n, "s28_c256/shufflenet_v1")->channels, 444);
    assert_int_equal(guideline_find_case(cases, n, "s28_c256/shufflenet_v1")->param[3], 111);
    assert_int_equal(guideline_find_case(cases, n, "s56_c256/mobilenet_v2")->channels, 51);
    assert_int_equal(guideline_find_case(cases, n, "s56_c256/xception")->channels, 102);
    assert_int_equal(guideline_find_case(cases, n, "s56_c256/shufflenet_v2")->channels, 256);
}

static void test_paper_figures(void **state) {
    (void)state;
    lm_guideline_case cases[LM_GUIDELINE_MAX_CASES];
    for (int scale = 1; scale <= 4; scale *= 2) {
        const int n = e->cases(scale, cases, LM_GUIDELINE_MAX_CASES);
        for (int k = 0; k < n; k++)
            if (!(cases[k].paper_gpu > 0 && cases[k].paper_arm > 0))
                fail_msg("U1 %s: paper figures %g / %g", cases[k].id, cases[k].paper_gpu, cases[k].paper_arm);
    }
    int n = e->cases(1, cases, LM_GUIDELINE_MAX_CASES);
    assert_true(guideline_find_case(cases, n, "s56_c64/shufflenet_v2")->paper_gpu == 216);
    assert_true(guideline_find_case(cases, n, "s56_c64/shufflenet_v2")->paper_arm == 34.8);
    assert_true(guideline_find_case(cases, n, "s28_c64/xception")->paper_gpu == 254);
    assert_true(guideline_find_case(cases, n, "s28_c64/xception")->paper_arm == 117.0);
    n = e->cases(2, cases, LM_GUIDELINE_MAX_CASES);
    assert_true(guideline_find_case(cases, n, "s56_c128/mobilenet_v2")->paper_gpu == 125);
    assert_true(guideline_find_case(cases, n, "s56_c128/mobilenet_v2")->paper_arm == 10.0);
    assert_true(guideline_find_case(cases, n, "s28_c128/shufflenet_v1")->paper_arm == 43.9);
    n = e->cases(4, cases, LM_GUIDELINE_MAX_CASES);
    assert_true(guideline_find_case(cases, n, "s56_c256/xception")->paper_gpu == 68);
    assert_true(guideline_find_case(cases, n, "s28_c256/shufflenet_v1")->paper_gpu == 60);
    assert_true(guideline_find_case(cases, n, "s28_c256/shufflenet_v2")->paper_arm == 16.6);
    assert_true(guideline_find_case(cases, n, "s28_c256/mobilenet_v2")->paper_arm == 13.3);
}

static void test_truncates_at_max(void **state) {
    (void)state;
    lm_guideline_case cases[3];
    assert_int_equal(e->cases(1, cases, 3), 3);
    assert_int_equal(e->cases(1, cases, 0), 0);
}

int main(void) {
    static const int scales[3] = {1, 2, 4};
    const struct CMUnitTest tests[] = {
        {"U1_x1", test_sweep, NULL, NULL, (void *)&scales[0]},
        {"U1_x2", test_sweep, NULL, NULL, (void *)&scales[1]},
        {"U1_x4", test_sweep, NULL, NULL, (void *)&scales[2]},
        cmocka_unit_test(test_other_scales_have_no_cases),
        cmocka_unit_test(test_definition),
        cmocka_unit_test(test_hand_computed),
        cmocka_unit_test(test_paper_figures),
        cmocka_unit_test(test_truncates_at_max),
    };
    return cmocka_run_group_tests_name("units", tests, NULL, NULL);
}
