/* The guideline experiments' definitions (guidelines/experiment.h): for every experiment at scales 1,
 * 2 and 4, the cases exist with unique ids, every group has a case the paper predicts fastest (rank
 * 0), every case builds without error into one output of the input's shape, and MAdds are held where
 * the paper holds them: within the paper's channel rounding for G1 and G2 (max/min within a group at
 * most 1.06) and G3 (1.03), exactly for G4. MAC moves the way the paper says: G1's 1:1 has the least
 * in its group, G2's grows with the group count. Plus hand-computed values and the paper's figures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "guidelines/experiment.h"
#include "tests/guideline_fixture.h"

typedef struct sweep {
    const lm_guideline *e;
    int scale;
} sweep;

static void test_sweep(void **state) {
    const sweep *s = *state;
    const lm_guideline *e = s->e;
    lm_guideline_case cases[LM_GUIDELINE_MAX_CASES];
    lm_op_cost cost[LM_GUIDELINE_MAX_CASES];
    const int n = e->cases(s->scale, cases, LM_GUIDELINE_MAX_CASES);
    assert_true(n > 0);
    assert_true(n <= LM_GUIDELINE_MAX_CASES);
    for (int i = 0; i < n; i++) {
        const lm_guideline_case *c = &cases[i];
        assert_true(c->id[0] && c->label[0] && c->group[0]);
        /* ids read "<group>/<row>" */
        const size_t group_len = strlen(c->group);
        assert_true(strncmp(c->id, c->group, group_len) == 0 && c->id[group_len] == '/');
        assert_true(c->rank >= 0);
        assert_int_equal(c->height, 56);
        assert_int_equal(c->width, 56);
        assert_true(c->channels > 0);
        assert_true(c->paper_gpu >= 0 && c->paper_arm >= 0);
        for (int j = i + 1; j < n; j++) assert_string_not_equal(c->id, cases[j].id);
        cost[i] = guideline_build_and_check(e, c);
        assert_true(cost[i].madds > 0);
    }
    const double limit = strcmp(e->id, "G1") == 0 || strcmp(e->id, "G2") == 0 ? 1.06
                         : strcmp(e->id, "G3") == 0                            ? 1.03
                                                                               : 1.0;
    for (int i = 0; i < n; i++) {
        bool first = true;
        for (int j = 0; j < i; j++)
            if (strcmp(cases[j].group, cases[i].group) == 0) first = false;
        if (!first) continue;
        /* cases[i] opens its group: look at the group as a whole */
        int members = 0, rank0 = 0;
        uint64_t lo = UINT64_MAX, hi = 0;
        for (int j = i; j < n; j++) {
            if (strcmp(cases[j].group, cases[i].group) != 0) continue;
            members++;
            rank0 += cases[j].rank == 0;
            if (cost[j].madds < lo) lo = cost[j].madds;
            if (cost[j].madds > hi) hi = cost[j].madds;
        }
        assert_true(members >= 2);
        if (rank0 < 1) fail_msg("%s %s: no case of rank 0", e->id, cases[i].group);
        const double spread = (double)hi / (double)lo;
        print_message("# %s x%d %s: %d cases, MAdds %.2f to %.2f M, spread %.4f\n", e->id, s->scale, cases[i].group,
                      members, lo / 1e6, hi / 1e6, spread);
        if (spread > limit + 1e-12)
            fail_msg("%s %s: MAdds spread %.4f above %.2f", e->id, cases[i].group, spread, limit);
    }
    if (strcmp(e->id, "G1") == 0) { /* 1:1 (rank 0) has the least MAC of its group */
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                if (i != j && cases[i].rank == 0 && strcmp(cases[i].group, cases[j].group) == 0 &&
                    cost[i].mac >= cost[j].mac)
                    fail_msg("G1 %s: MAC %llu not below %s's %llu", cases[i].id, (unsigned long long)cost[i].mac,
                             cases[j].id, (unsigned long long)cost[j].mac);
    }
    if (strcmp(e->id, "G2") == 0) { /* MAC grows with g (param[1]) */
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                if (strcmp(cases[i].group, cases[j].group) == 0 && cases[i].param[1] < cases[j].param[1] &&
                    cost[i].mac >= cost[j].mac)
                    fail_msg("G2: MAC of %s (%llu) not below %s's (%llu)", cases[i].id,
                             (unsigned long long)cost[i].mac, cases[j].id, (unsigned long long)cost[j].mac);
    }
}

static void test_other_scales_have_no_cases(void **state) {
    (void)state;
    lm_guideline_case cases[LM_GUIDELINE_MAX_CASES];
    const int scales[] = {0, 3, 8, -1};
    for (int i = 0; i < lm_guideline_count; i++)
        for (size_t k = 0; k < sizeof scales / sizeof scales[0]; k++)
            assert_int_equal(lm_guidelines[i]->cases(scales[k], cases, LM_GUIDELINE_MAX_CASES), 0);
}

static void test_the_list(void **state) {
    (void)state;
    assert_int_equal(lm_guideline_count, 9); /* G1-G4, U1, N1-N4 */
    assert_ptr_equal(lm_guideline_find("G1"), &lm_guideline_g1);
    assert_ptr_equal(lm_guideline_find("U1"), &lm_guideline_u1);
    assert_ptr_equal(lm_guideline_find("N4"), &lm_guideline_n4);
    assert_ptr_equal(lm_guideline_find("G2"), &lm_guideline_g2);
    assert_ptr_equal(lm_guideline_find("G3"), &lm_guideline_g3);
    assert_ptr_equal(lm_guideline_find("G4"), &lm_guideline_g4);
    assert_null(lm_guideline_find("G5"));
    for (int i = 0; i < lm_guideline_count; i++) {
        const lm_guideline *e = lm_guidelines[i];
        assert_true(e->title && e->prediction && e->source && e->cases && e->build);
    }
}

static lm_op_cost cost_of(const lm_guideline *e, const lm_guideline_case *c) {
    lm_graph *g = lm_guideline_build(e, c);
    assert_non_null(g);
    assert_null(lm_graph_error(g));
    const lm_op_cost cost = lm_graph_cost(g);
    lm_graph_destroy(g);
    return cost;
}

static void test_hand_computed(void **state) {
    (void)state;
    lm_guideline_case cases[LM_GUIDELINE_MAX_CASES];
    const uint64_t hw = 56 * 56;

    /* G1: 10 blocks of two 1x1 convs */
    int n = lm_guideline_g1.cases(1, cases, LM_GUIDELINE_MAX_CASES);
    const lm_guideline_case *c = guideline_find_case(cases, n, "gpu_x1/1_1");
    assert_int_equal(c->rank, 0);
    assert_int_equal(cost_of(&lm_guideline_g1, c).madds, 10 * 2 * hw * 128 * 128);
    /* MAC per the paper's formula: each conv reads and writes its maps and reads its weights */
    assert_int_equal(cost_of(&lm_guideline_g1, c).mac, 10 * 2 * (hw * (128 + 128) + 128 * 128));
    assert_string_equal(guideline_find_case(cases, n, "gpu_x1/1_2")->label, "c1:c2 = 1:2 (90, 180)");
    c = guideline_find_case(cases, n, "arm_x1/1_12");
    assert_int_equal(c->rank, 3);
    assert_int_equal(c->channels, 9);
    assert_int_equal(cost_of(&lm_guideline_g1, c).madds, 10 * 2 * hw * 9 * 108);
    n = lm_guideline_g1.cases(4, cases, LM_GUIDELINE_MAX_CASES);
    c = guideline_find_case(cases, n, "arm_x4/1_6");
    assert_int_equal(c->param[0], 52);
    assert_int_equal(c->param[1], 312);

    /* G2: 10 group convs, c^2 / g weights each */
    n = lm_guideline_g2.cases(2, cases, LM_GUIDELINE_MAX_CASES);
    c = guideline_find_case(cases, n, "gpu_x2/g8");
    assert_int_equal(c->channels, 720);
    assert_int_equal(cost_of(&lm_guideline_g2, c).madds, 10 * hw * 720 * 720 / 8);
    assert_int_equal(cost_of(&lm_guideline_g2, c).mac, 10 * (hw * 2 * 720 + 720 * 720 / 8));

    /* G3: 4-fragment-parallel at c = 128: four 64 -> 64 convs and three adds per block */
    n = lm_guideline_g3.cases(1, cases, LM_GUIDELINE_MAX_CASES);
    c = guideline_find_case(cases, n, "gpu_c128/4_parallel");
    assert_int_equal(c->channels, 64);
    assert_int_equal(cost_of(&lm_guideline_g3, c).madds, 10 * hw * 128 * 128);
    assert_int_equal(guideline_find_case(cases, n, "gpu_c128/2_series")->channels, 91);
    assert_int_equal(guideline_find_case(cases, n, "cpu_c64/2_parallel")->channels, 45);
    n = lm_guideline_g3.cases(4, cases, LM_GUIDELINE_MAX_CASES);
    assert_int_equal(guideline_find_case(cases, n, "cpu_c256/1_fragment")->channels, 256);

    /* G4: the bottleneck's 17 c^2 hw MAdds per block, input 4c */
    n = lm_guideline_g4.cases(2, cases, LM_GUIDELINE_MAX_CASES);
    c = guideline_find_case(cases, n, "fused_c64/none");
    assert_int_equal(c->channels, 256);
    assert_false(c->separate_elementwise);
    assert_true(guideline_find_case(cases, n, "separate_c64/none")->separate_elementwise);
    assert_int_equal(cost_of(&lm_guideline_g4, c).madds, 10 * hw * 17 * 64 * 64);
}

static void test_paper_figures(void **state) {
    (void)state;
    lm_guideline_case cases[LM_GUIDELINE_MAX_CASES];
    int n = lm_guideline_g1.cases(1, cases, LM_GUIDELINE_MAX_CASES);
    assert_true(guideline_find_case(cases, n, "gpu_x1/1_1")->paper_gpu == 1480);
    assert_true(guideline_find_case(cases, n, "gpu_x1/1_1")->paper_arm == 0);
    assert_true(guideline_find_case(cases, n, "arm_x1/1_1")->paper_arm == 76.2);
    assert_true(guideline_find_case(cases, n, "arm_x1/1_1")->paper_gpu == 0);
    n = lm_guideline_g1.cases(4, cases, LM_GUIDELINE_MAX_CASES);
    assert_true(guideline_find_case(cases, n, "gpu_x4/1_12")->paper_gpu == 163);
    assert_true(guideline_find_case(cases, n, "arm_x4/1_12")->paper_arm == 4.4);
    n = lm_guideline_g2.cases(2, cases, LM_GUIDELINE_MAX_CASES);
    assert_true(guideline_find_case(cases, n, "gpu_x2/g4")->paper_gpu == 644);
    assert_true(guideline_find_case(cases, n, "cpu_x2/g8")->paper_arm == 7.5);
    n = lm_guideline_g3.cases(2, cases, LM_GUIDELINE_MAX_CASES);
    assert_true(guideline_find_case(cases, n, "gpu_c256/4_series")->paper_gpu == 745);
    assert_true(guideline_find_case(cases, n, "cpu_c128/4_parallel")->paper_arm == 8.4);
    n = lm_guideline_g4.cases(4, cases, LM_GUIDELINE_MAX_CASES);
    assert_true(guideline_find_case(cases, n, "fused_c128/relu")->paper_gpu == 1735);
    assert_true(guideline_find_case(cases, n, "separate_c128/relu")->paper_arm == 5.2);
    assert_true(guideline_find_case(cases, n, "bn_c128/separate")->paper_gpu == 0);
    /* every case of G1-G4 except "BatchNorm separate" carries a figure (the N experiments have none:
     * no paper times them) */
    for (int i = 0; i < lm_guideline_count && lm_guidelines[i]->id[0] != 'N'; i++)
        for (int scale = 1; scale <= 4; scale *= 2) {
            n = lm_guidelines[i]->cases(scale, cases, LM_GUIDELINE_MAX_CASES);
            for (int k = 0; k < n; k++)
                if (!strstr(cases[k].id, "bn_c") && cases[k].paper_gpu == 0 && cases[k].paper_arm == 0)
                    fail_msg("%s %s: no paper figure", lm_guidelines[i]->id, cases[k].id);
        }
}

static void test_truncates_at_max(void **state) {
    (void)state;
    lm_guideline_case cases[3], all[LM_GUIDELINE_MAX_CASES];
    for (int i = 0; i < lm_guideline_count; i++) {
        const int n = lm_guidelines[i]->cases(1, all, LM_GUIDELINE_MAX_CASES);
        assert_int_equal(lm_guidelines[i]->cases(1, cases, 3), n < 3 ? n : 3);
        assert_int_equal(lm_guidelines[i]->cases(1, cases, 0), 0);
    }
}

int main(void) {
    static sweep sweeps[4 * 3];
    struct CMUnitTest tests[4 * 3 + 5];
    static char names[4 * 3][32];
    int t = 0;
    for (int i = 0; i < lm_guideline_count && i < 4; i++)
        for (int k = 0; k < 3; k++) {
            sweep *s = &sweeps[3 * i + k];
            *s = (sweep){lm_guidelines[i], 1 << k};
            snprintf(names[3 * i + k], sizeof names[0], "%s_x%d", lm_guidelines[i]->id, s->scale);
            tests[t++] = (struct CMUnitTest){names[3 * i + k], test_sweep, NULL, NULL, s};
        }
    tests[t++] = (struct CMUnitTest)cmocka_unit_test(test_other_scales_have_no_cases);
    tests[t++] = (struct CMUnitTest)cmocka_unit_test(test_the_list);
    tests[t++] = (struct CMUnitTest)cmocka_unit_test(test_hand_computed);
    tests[t++] = (struct CMUnitTest)cmocka_unit_test(test_paper_figures);
    tests[t++] = (struct CMUnitTest)cmocka_unit_test(test_truncates_at_max);
    if (t != (int)(sizeof tests / sizeof tests[0])) {
        fprintf(stderr, "test_guidelines: %d tests set up, expected %zu\n", t, sizeof tests / sizeof tests[0]);
        return 1;
    }
    return cmocka_run_group_tests_name("guidelines", tests, NULL, NULL);
}
