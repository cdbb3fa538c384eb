/* The neighbouring papers' claims (guidelines/n1_hswish.c .. n6_fused_relu.c): for every experiment
 * at scales 1, 2 and 4, the cases exist with unique ids, every group has a case of rank 0 and, where
 * the claim is an order or a MAdds ratio, one of rank 1 (N6's claim is equivalence: both rank 0),
 * every case builds without error into one output of the input's shape, and MAdds are held where the
 * design holds them: exactly within a group for N1 (and between its fused and separate plans), N4,
 * N5 and N6; N3's Ghost module at 0.45 to 0.55 of the 1x1 conv's; N2's SE adding under 5%. N5 and N6
 * are G4's c -> c/4 -> c/4 -> c unit: N5 folded (fewer steps) against separate, N6 with and without
 * its ReLUs in the fused plan (the same steps). Plus hand-computed MAdds, no cases at other scales,
 * and truncation at max. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "bench/net/schedule.h"
#include "guidelines/experiment.h"
#include "tests/guideline_fixture.h"

static const lm_guideline *const experiments[] = {&lm_guideline_n1, &lm_guideline_n2, &lm_guideline_n3,
                                                  &lm_guideline_n4, &lm_guideline_n5, &lm_guideline_n6};
#define EXPERIMENTS ((int)(sizeof experiments / sizeof experiments[0]))

typedef struct sweep {
    const lm_guideline *e;
    int scale;
} sweep;

static int find_index(const lm_guideline_case *cases, int n, const char *id) {
    return (int)(guideline_find_case(cases, n, id) - cases);
}

/* The number of steps of case c's plan. */
static int step_count(const lm_guideline *e, const lm_guideline_case *c) {
    lm_graph *g = lm_guideline_build(e, c);
    assert_non_null(g);
    const lm_plan_options o = {.separate_elementwise = c->separate_elementwise,
                               .concurrent_branches = c->concurrent_branches};
    lm_schedule sc;
    char err[256];
    if (lm_schedule_make(g, &o, &sc, err, sizeof err) != 0) fail_msg("%s %s: %s", e->id, c->id, err);
    const int steps = sc.step_count;
    lm_schedule_free(&sc);
    lm_graph_destroy(g);
    return steps;
}

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
        assert_true(c->height > 0 && c->width > 0 && c->channels > 0);
        assert_true(c->paper_gpu == 0 && c->paper_arm == 0); /* no paper times these comparisons */
        for (int j = i + 1; j < n; j++) assert_string_not_equal(c->id, cases[j].id);
        cost[i] = guideline_build_and_check(e, c);
        assert_true(cost[i].madds > 0);
        print_message("# %s x%d %-24s rank %d  %-58s %10.3f M MAdds\n", e->id, s->scale, c->id, c->rank, c->label,
                      cost[i].madds / 1e6);
    }
    for (int i = 0; i < n; i++) {
        bool first = true;
        for (int j = 0; j < i; j++)
            if (strcmp(cases[j].group, cases[i].group) == 0) first = false;
        if (!first) continue;
        /* cases[i] opens its group: look at the group as a whole */
        int members = 0, rank0 = 0, slower = 0;
        for (int j = i; j < n; j++) {
            if (strcmp(cases[j].group, cases[i].group) != 0) continue;
            members++;
            rank0 += cases[j].rank == 0;
            slower += cases[j].rank > 0;
            /* N1, N4, N5 and N6: MAdds equal within the group */
            if (strcmp(e->id, "N2") != 0 && strcmp(e->id, "N3") != 0 && cost[j].madds != cost[i].madds)
                fail_msg("%s %s: MAdds %llu, %s has %llu", e->id, cases[j].id, (unsigned long long)cost[j].madds,
                         cases[i].id, (unsigned long long)cost[i].madds);
        }
        assert_int_equal(members, 2);
        if (e->claim == LM_CLAIM_EQUIVALENT) {
            if (rank0 != 2) fail_msg("%s %s: want both cases of rank 0", e->id, cases[i].group);
        } else if (rank0 != 1 || slower != 1) {
            fail_msg("%s %s: want one case of rank 0 and one slower", e->id, cases[i].group);
        }
    }
    char id[80];
    if (strcmp(e->id, "N1") == 0) { /* the fused and separate plans run the same graph */
        const int c = 64 * s->scale;
        for (int a = 0; a < 2; a++) {
            snprintf(id, sizeof id, "fused_c%d/%s", c, a ? "hswish" : "relu");
            const int fused = find_index(cases, n, id);
            snprintf(id, sizeof id, "separate_c%d/%s", c, a ? "hswish" : "relu");
            const int separate = find_index(cases, n, id);
            assert_false(cases[fused].separate_elementwise);
            assert_true(cases[separate].separate_elementwise);
            assert_int_equal(cost[fused].madds, cost[separate].madds);
        }
    }
    if (strcmp(e->id, "N2") == 0) { /* SE adds MAdds, under 5% */
        const int c = 40 * s->scale;
        snprintf(id, sizeof id, "c%d/no_se", c);
        const int plain = find_index(cases, n, id);
        snprintf(id, sizeof id, "c%d/se", c);
        const int se = find_index(cases, n, id);
        assert_int_equal(cases[plain].rank, 0);
        const double ratio = (double)cost[se].madds / (double)cost[plain].madds;
        print_message("# N2 x%d: SE adds %.3f%% MAdds\n", s->scale, 100 * (ratio - 1));
        assert_true(ratio > 1 && ratio < 1.05);
    }
    if (strcmp(e->id, "N3") == 0) { /* the Ghost module has about half the MAdds */
        const int c = 64 * s->scale;
        snprintf(id, sizeof id, "c%d/ghost", c);
        const int ghost = find_index(cases, n, id);
        snprintf(id, sizeof id, "c%d/conv1x1", c);
        const int conv = find_index(cases, n, id);
        assert_int_equal(cases[ghost].rank, 0);
        const double ratio = (double)cost[ghost].madds / (double)cost[conv].madds;
        print_message("# N3 x%d: Ghost / 1x1 MAdds %.4f\n", s->scale, ratio);
        assert_true(ratio >= 0.45 && ratio <= 0.55);
        char text[16];
        snprintf(text, sizeof text, "x%.2f", ratio); /* the label states the ratio */
        assert_non_null(strstr(cases[ghost].label, text));
    }
    if (strcmp(e->id, "N4") == 0) {
        const int c = 240 * s->scale;
        snprintf(id, sizeof id, "g3_c%d/no_shuffle", c);
        assert_int_equal(guideline_find_case(cases, n, id)->rank, 0);
    }
    if (strcmp(e->id, "N5") == 0 || strcmp(e->id, "N6") == 0) { /* G4's unit at c = 32, 64, 128 */
        const bool n5 = strcmp(e->id, "N5") == 0;
        const int c = 32 * s->scale;
        snprintf(id, sizeof id, n5 ? "c%d/folded" : "c%d/relu", c);
        const int a = find_index(cases, n, id);
        snprintf(id, sizeof id, n5 ? "c%d/separate" : "c%d/no_relu", c);
        const int b = find_index(cases, n, id);
        assert_int_equal(cases[a].rank, 0);
        assert_int_equal(cases[b].rank, n5 ? 1 : 0);
        for (int k = 0; k < 2; k++) {
            const lm_guideline_case *x = &cases[k ? b : a];
            assert_int_equal(x->channels, c);
            assert_int_equal(x->height, 56);
            assert_int_equal(x->param[0], c);
            assert_int_equal(x->param[2], 1); /* shortcut on */
            assert_int_equal(x->param[3], c / 4);
            assert_true(x->paper_gpu == 0 && x->paper_arm == 0);
        }
        assert_int_equal(cost[a].madds, 10 * 56 * 56 * 17 * (uint64_t)c * c / 16);
        assert_false(cases[a].separate_elementwise);
        assert_int_equal(cases[b].separate_elementwise, n5);
        assert_true(cases[a].param[1] && cases[b].param[1] == n5); /* N5: ReLU on in both; N6: off in b */
        /* the plans: N5's separate has more steps than folded; N6's two cases the same steps */
        const int steps_a = step_count(e, &cases[a]), steps_b = step_count(e, &cases[b]);
        print_message("# %s x%d: %d steps against %d\n", e->id, s->scale, steps_a, steps_b);
        if (n5)
            assert_true(steps_b > steps_a);
        else
            assert_int_equal(steps_a, steps_b);
    }
}

static void test_other_scales_have_no_cases(void **state) {
    (void)state;
    lm_guideline_case cases[LM_GUIDELINE_MAX_CASES];
    const int scales[] = {0, 3, 8, -1};
    for (int i = 0; i < EXPERIMENTS; i++)
        for (size_t k = 0; k < sizeof scales / sizeof scales[0]; k++)
            assert_int_equal(experiments[i]->cases(scales[k], cases, LM_GUIDELINE_MAX_CASES), 0);
}

static void test_definitions(void **state) {
    (void)state;
    const char *ids[] = {"N1", "N2", "N3", "N4", "N5", "N6"};
    const lm_claim claims[] = {LM_CLAIM_ORDER, LM_CLAIM_MADDS_RATIO, LM_CLAIM_MADDS_RATIO,
                               LM_CLAIM_ORDER, LM_CLAIM_ORDER,      LM_CLAIM_EQUIVALENT};
    for (int i = 0; i < EXPERIMENTS; i++) {
        const lm_guideline *e = experiments[i];
        assert_string_equal(e->id, ids[i]);
        assert_int_equal(e->claim, claims[i]);
        assert_false(e->noise_floor);
        assert_true(e->title && e->prediction && e->source && e->cases && e->build);
    }
}

static lm_op_cost cost_of(const lm_guideline *e, const lm_guideline_case *c) {
    lm_graph *g = lm_guideline_build(e, c);
    assert_null(lm_graph_error(g));
    const lm_op_cost cost = lm_graph_cost(g);
    lm_graph_destroy(g);
    return cost;
}

static void test_hand_computed(void **state) {
    (void)state;
    lm_guideline_case cases[LM_GUIDELINE_MAX_CASES];
    const uint64_t small = 28 * 28, large = 56 * 56;

    /* N1: 1x1 c -> c and depthwise 3x3 per unit, c = 64 at 28 x 28 */
    int n = lm_guideline_n1.cases(1, cases, LM_GUIDELINE_MAX_CASES);
    assert_int_equal(n, 4);
    const lm_guideline_case *c = guideline_find_case(cases, n, "separate_c64/hswish");
    assert_int_equal(c->rank, 1);
    assert_int_equal(c->height, 28);
    assert_int_equal(c->channels, 64);
    assert_int_equal(c->param[1], LM_ACT_HSWISH);
    assert_int_equal(cost_of(&lm_guideline_n1, c).madds, 10 * small * (64 * 64 + 9 * 64));
    assert_int_equal(guideline_find_case(cases, n, "fused_c64/relu")->param[1], LM_ACT_RELU);

    /* N2: expand c -> 4c, depthwise 4c, project 4c -> c; SE two 1x1 convs on a 1x1 map, c = 40 */
    n = lm_guideline_n2.cases(1, cases, LM_GUIDELINE_MAX_CASES);
    c = guideline_find_case(cases, n, "c40/no_se");
    assert_int_equal(c->channels, 40);
    const uint64_t block = small * (2 * 40 * 160 + 9 * 160);
    assert_int_equal(cost_of(&lm_guideline_n2, c).madds, 10 * block);
    assert_int_equal(cost_of(&lm_guideline_n2, guideline_find_case(cases, n, "c40/se")).madds, 10 * (block + 2 * 160 * 40));

    /* N3: 1x1 2c -> 2c against primary 2c -> c plus depthwise c, c = 128 at scale 2 */
    n = lm_guideline_n3.cases(2, cases, LM_GUIDELINE_MAX_CASES);
    c = guideline_find_case(cases, n, "c128/conv1x1");
    assert_int_equal(c->channels, 256);
    assert_int_equal(c->height, 56);
    assert_int_equal(cost_of(&lm_guideline_n3, c).madds, 10 * large * 256 * 256);
    assert_int_equal(cost_of(&lm_guideline_n3, guideline_find_case(cases, n, "c128/ghost")).madds,
                     10 * large * (256 * 128 + 9 * 128));

    /* N4: two 1x1 group convs (3 groups) c <-> c/4 and a depthwise c/4, c = 240 */
    n = lm_guideline_n4.cases(1, cases, LM_GUIDELINE_MAX_CASES);
    c = guideline_find_case(cases, n, "g3_c240/shuffle");
    assert_int_equal(c->channels, 240);
    assert_int_equal(c->rank, 1);
    assert_int_equal(cost_of(&lm_guideline_n4, c).madds, 10 * small * (2 * 240 * 60 / 3 + 9 * 60));
    /* the only difference is the shuffle node: one per unit */
    lm_graph *with = lm_guideline_build(&lm_guideline_n4, c);
    lm_graph *without = lm_guideline_build(&lm_guideline_n4, guideline_find_case(cases, n, "g3_c240/no_shuffle"));
    assert_int_equal(lm_graph_node_count(with), lm_graph_node_count(without) + 10);
    lm_graph_destroy(with);
    lm_graph_destroy(without);

    /* N5 and N6: G4's unit, 1x1 c -> c/4, 3x3 c/4 -> c/4, 1x1 c/4 -> c per block, c = 64 at scale 2 */
    n = lm_guideline_n5.cases(2, cases, LM_GUIDELINE_MAX_CASES);
    assert_int_equal(n, 2);
    c = guideline_find_case(cases, n, "c64/separate");
    assert_int_equal(c->channels, 64);
    assert_true(c->separate_elementwise);
    assert_int_equal(cost_of(&lm_guideline_n5, c).madds, 10 * large * (64 * 16 + 9 * 16 * 16 + 16 * 64));
    n = lm_guideline_n6.cases(4, cases, LM_GUIDELINE_MAX_CASES);
    assert_int_equal(n, 2);
    c = guideline_find_case(cases, n, "c128/no_relu");
    assert_int_equal(c->rank, 0);
    assert_false(c->separate_elementwise);
    assert_int_equal(cost_of(&lm_guideline_n6, c).madds, 10 * large * (128 * 32 + 9 * 32 * 32 + 32 * 128));
    /* three ReLUs per block are the only difference */
    with = lm_guideline_build(&lm_guideline_n6, guideline_find_case(cases, n, "c128/relu"));
    without = lm_guideline_build(&lm_guideline_n6, c);
    assert_int_equal(lm_graph_node_count(with), lm_graph_node_count(without) + 30);
    lm_graph_destroy(with);
    lm_graph_destroy(without);
}

static void test_truncates_at_max(void **state) {
    (void)state;
    lm_guideline_case cases[LM_GUIDELINE_MAX_CASES];
    for (int i = 0; i < EXPERIMENTS; i++) {
        const int all = experiments[i]->cases(1, cases, LM_GUIDELINE_MAX_CASES);
        assert_int_equal(experiments[i]->cases(1, cases, 1), 1);
        assert_int_equal(experiments[i]->cases(1, cases, 0), 0);
        assert_int_equal(experiments[i]->cases(1, cases, all - 1), all - 1);
    }
}

int main(void) {
    static sweep sweeps[6 * 3];
    static char names[6 * 3][32];
    struct CMUnitTest tests[6 * 3 + 4];
    int t = 0;
    for (int i = 0; i < EXPERIMENTS; i++)
        for (int k = 0; k < 3; k++) {
            sweep *s = &sweeps[3 * i + k];
            *s = (sweep){experiments[i], 1 << k};
            snprintf(names[3 * i + k], sizeof names[0], "%s_x%d", experiments[i]->id, s->scale);
            tests[t++] = (struct CMUnitTest){names[3 * i + k], test_sweep, NULL, NULL, s};
        }
    tests[t++] = (struct CMUnitTest)cmocka_unit_test(test_other_scales_have_no_cases);
    tests[t++] = (struct CMUnitTest)cmocka_unit_test(test_definitions);
    tests[t++] = (struct CMUnitTest)cmocka_unit_test(test_hand_computed);
    tests[t++] = (struct CMUnitTest)cmocka_unit_test(test_truncates_at_max);
    if (t != (int)(sizeof tests / sizeof tests[0])) {
        fprintf(stderr, "test_neighbours: %d tests set up, expected %zu\n", t, sizeof tests / sizeof tests[0]);
        return 1;
    }
    return cmocka_run_group_tests_name("neighbours", tests, NULL, NULL);
}
