/* The guideline experiments' definitions (guidelines/experiment.h): for every experiment at scales 1,
 * 2 and 4, the cases exist with unique ids, every group has a case the paper predicts fastest (rank
 * 0), every case builds without error into one output of the input's shape, and MAdds are held where
 * the paper holds them: within the paper's channel rounding for G1 and G2 (max/min within a group at
 * most 1.06) and G3 (1.03), exactly for G4 and for G1's and G2's x32 groups, whose every conv has
 * channels (and channels per group) that are multiples of 32. MAC moves the way the paper says: G1's
 * 1:1 has the least in its group, G2's grows with the group count. Plus hand-computed values (G4's
 * c -> c/4 -> c/4 -> c unit and its 4c variant), the paper's figures, the list of experiments and
 * their claims, and the A/A experiment's pairs (the same network twice, scale 1 only). */
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

/* Fails unless every conv of case c has input and output channels, and channels per group, that are
 * multiples of 32; returns how many convs there are. */
static int check_multiples_of_32(const lm_guideline *e, const lm_guideline_case *c) {
    lm_graph *g = lm_guideline_build(e, c);
    assert_non_null(g);
    int convs = 0;
    for (int i = 0; i < lm_graph_node_count(g); i++) {
        const lm_graph_node *node = lm_graph_node_at(g, i);
        if (node->desc.kind != LM_OP_CONV) continue;
        convs++;
        const int in = node->desc.in.c, out = node->desc.conv.out_c, groups = node->desc.conv.groups;
        if (in % 32 || out % 32 || (in / groups) % 32 || (out / groups) % 32)
            fail_msg("%s %s: %s is %d -> %d in %d groups", e->id, c->id, node->name, in, out, groups);
    }
    lm_graph_destroy(g);
    return convs;
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
    /* the x32 groups: equal MAdds, every conv's channels a multiple of 32 */
    for (int i = 0; i < n; i++) {
        if (strncmp(cases[i].group, "x32_", 4) != 0) continue;
        for (int j = 0; j < n; j++)
            if (strcmp(cases[j].group, cases[i].group) == 0 && cost[j].madds != cost[i].madds)
                fail_msg("%s %s: MAdds %llu, %s has %llu", e->id, cases[j].id, (unsigned long long)cost[j].madds,
                         cases[i].id, (unsigned long long)cost[i].madds);
        assert_int_equal(check_multiples_of_32(e, &cases[i]), 20 / (strcmp(e->id, "G2") == 0 ? 2 : 1));
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
    /* G1-G4, U1, N1-N6, then AA, in that order, with their claims */
    static const struct {
        const char *id;
        const lm_guideline *e;
        lm_claim claim;
    } expected[] = {
        {"G1", &lm_guideline_g1, LM_CLAIM_ORDER},       {"G2", &lm_guideline_g2, LM_CLAIM_ORDER},
        {"G3", &lm_guideline_g3, LM_CLAIM_ORDER},       {"G4", &lm_guideline_g4, LM_CLAIM_ORDER},
        {"U1", &lm_guideline_u1, LM_CLAIM_ORDER},       {"N1", &lm_guideline_n1, LM_CLAIM_ORDER},
        {"N2", &lm_guideline_n2, LM_CLAIM_MADDS_RATIO}, {"N3", &lm_guideline_n3, LM_CLAIM_MADDS_RATIO},
        {"N4", &lm_guideline_n4, LM_CLAIM_ORDER},       {"N5", &lm_guideline_n5, LM_CLAIM_ORDER},
        {"N6", &lm_guideline_n6, LM_CLAIM_EQUIVALENT},  {"AA", &lm_guideline_aa, LM_CLAIM_EQUIVALENT},
    };
    assert_int_equal(lm_guideline_count, (int)(sizeof expected / sizeof expected[0]));
    for (int i = 0; i < lm_guideline_count; i++) {
        const lm_guideline *e = lm_guidelines[i];
        assert_ptr_equal(e, expected[i].e);
        assert_string_equal(e->id, expected[i].id);
        assert_ptr_equal(lm_guideline_find(expected[i].id), expected[i].e);
        assert_int_equal(e->claim, expected[i].claim);
        assert_int_equal(e->noise_floor, strcmp(e->id, "AA") == 0); /* only AA is the noise floor */
        assert_true(e->title && e->prediction && e->source && e->cases && e->build);
    }
    assert_null(lm_guideline_find("G5"));
    assert_null(lm_guideline_find("N7"));
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

    /* G4: the unit c -> c/4 -> c/4 -> c, per block and pixel 1x1 c * c/4 + 3x3 9 (c/4)^2 + 1x1 c/4 * c
     * = 17 c^2 / 16 MAdds, input 1 x 56 x 56 x c, every BatchNorm and ReLU a step of its own */
    for (int scale = 1; scale <= 4; scale *= 2) {
        const uint64_t w = 32 * (uint64_t)scale, q = w / 4;
        char id[64];
        n = lm_guideline_g4.cases(scale, cases, LM_GUIDELINE_MAX_CASES);
        assert_int_equal(n, 8);
        snprintf(id, sizeof id, "c%d/none", (int)w);
        c = guideline_find_case(cases, n, id);
        assert_int_equal(c->channels, w);
        assert_int_equal(c->height, 56);
        assert_int_equal(c->width, 56);
        assert_int_equal(c->rank, 0);
        assert_true(c->separate_elementwise);
        assert_int_equal(cost_of(&lm_guideline_g4, c).madds, 10 * hw * (w * q + 9 * q * q + q * w));
        assert_int_equal(cost_of(&lm_guideline_g4, c).madds, 10 * hw * 17 * w * w / 16);
        snprintf(id, sizeof id, "c%d/relu_shortcut", (int)w);
        const lm_guideline_case *full = guideline_find_case(cases, n, id);
        assert_int_equal(full->rank, 2);
        assert_int_equal(cost_of(&lm_guideline_g4, full).madds, 10 * hw * 17 * w * w / 16);
        /* three ReLUs and an add per block: 40 nodes more than "none"'s 60 */
        lm_graph *with = lm_guideline_build(&lm_guideline_g4, full), *without = lm_guideline_build(&lm_guideline_g4, c);
        assert_int_equal(lm_graph_node_count(without), 60);
        assert_int_equal(lm_graph_node_count(with), 100);
        lm_graph_destroy(with);
        lm_graph_destroy(without);
        /* the labelled variant: ResNet's 4c -> c -> c -> 4c, 17 c^2 per pixel, 16 times as many */
        snprintf(id, sizeof id, "resnet4c_c%d/none", (int)w);
        c = guideline_find_case(cases, n, id);
        assert_int_equal(c->channels, 4 * w);
        assert_true(c->separate_elementwise);
        assert_true(c->paper_gpu == 0 && c->paper_arm == 0);
        assert_int_equal(cost_of(&lm_guideline_g4, c).madds, 10 * hw * 17 * w * w);
    }

    /* G1 and G2's x32 groups at scale 2: every channel count doubled, c1 c2 and c^2 / g held */
    n = lm_guideline_g1.cases(2, cases, LM_GUIDELINE_MAX_CASES);
    c = guideline_find_case(cases, n, "x32_x2/1_16");
    assert_int_equal(c->param[0], 64);
    assert_int_equal(c->param[1], 1024);
    assert_int_equal(c->rank, 2);
    assert_int_equal(cost_of(&lm_guideline_g1, c).madds, 10 * 2 * hw * 256 * 256);
    assert_int_equal(guideline_find_case(cases, n, "x32_x2/1_4")->rank, 1);
    n = lm_guideline_g2.cases(1, cases, LM_GUIDELINE_MAX_CASES);
    c = guideline_find_case(cases, n, "x32_x1/g16");
    assert_int_equal(c->channels, 512);
    assert_int_equal(c->rank, 2);
    assert_int_equal(cost_of(&lm_guideline_g2, c).madds, 10 * hw * 128 * 128);
    assert_int_equal(guideline_find_case(cases, n, "x32_x1/g4")->channels, 256);
}

/* AA at scale 1: two groups of two copies, each pair the same network as the case it copies (same
 * MAdds, MAC, params and node count, same input and plan), rank 0, no paper figures; none elsewhere. */
static void test_aa_pairs(void **state) {
    (void)state;
    const lm_guideline *e = &lm_guideline_aa;
    lm_guideline_case cases[LM_GUIDELINE_MAX_CASES], originals[LM_GUIDELINE_MAX_CASES];
    assert_int_equal(e->cases(2, cases, LM_GUIDELINE_MAX_CASES), 0);
    assert_int_equal(e->cases(4, cases, LM_GUIDELINE_MAX_CASES), 0);
    const int n = e->cases(1, cases, LM_GUIDELINE_MAX_CASES);
    assert_int_equal(n, 4);
    static const struct {
        const char *group;
        const lm_guideline *source;
        const char *id;
    } pairs[2] = {{"g1_arm_x1", &lm_guideline_g1, "arm_x1/1_1"}, {"u1_s28_c64", &lm_guideline_u1, "s28_c64/shufflenet_v2"}};
    for (int p = 0; p < 2; p++) {
        char id[64];
        snprintf(id, sizeof id, "%s/a", pairs[p].group);
        const lm_guideline_case *a = guideline_find_case(cases, n, id);
        snprintf(id, sizeof id, "%s/b", pairs[p].group);
        const lm_guideline_case *b = guideline_find_case(cases, n, id);
        const int m = pairs[p].source->cases(1, originals, LM_GUIDELINE_MAX_CASES);
        const lm_guideline_case *o = guideline_find_case(originals, m, pairs[p].id);
        const lm_op_cost original = guideline_build_and_check(pairs[p].source, o);
        lm_graph *go = lm_guideline_build(pairs[p].source, o);
        for (int k = 0; k < 2; k++) {
            const lm_guideline_case *x = k ? b : a;
            assert_string_equal(x->group, pairs[p].group);
            assert_int_equal(x->rank, 0);
            assert_true(x->paper_gpu == 0 && x->paper_arm == 0);
            assert_int_equal(x->height, o->height);
            assert_int_equal(x->width, o->width);
            assert_int_equal(x->channels, o->channels);
            assert_memory_equal(x->param, o->param, sizeof x->param);
            assert_int_equal(x->separate_elementwise, o->separate_elementwise);
            assert_int_equal(x->concurrent_branches, o->concurrent_branches);
            const lm_op_cost copy = guideline_build_and_check(e, x);
            assert_int_equal(copy.madds, original.madds);
            assert_int_equal(copy.mac, original.mac);
            assert_int_equal(copy.params, original.params);
            lm_graph *g = lm_guideline_build(e, x);
            assert_int_equal(lm_graph_node_count(g), lm_graph_node_count(go));
            for (int i = 0; i < lm_graph_node_count(g); i++)
                assert_string_equal(lm_graph_node_at(g, i)->name, lm_graph_node_at(go, i)->name);
            lm_graph_destroy(g);
        }
        lm_graph_destroy(go);
    }
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
    assert_true(guideline_find_case(cases, n, "c128/relu")->paper_gpu == 1735);
    assert_true(guideline_find_case(cases, n, "c128/relu")->paper_arm == 5.2);
    assert_true(guideline_find_case(cases, n, "resnet4c_c128/relu")->paper_gpu == 0);
    n = lm_guideline_g4.cases(1, cases, LM_GUIDELINE_MAX_CASES);
    assert_true(guideline_find_case(cases, n, "c32/relu_shortcut")->paper_gpu == 2427);
    assert_true(guideline_find_case(cases, n, "c32/none")->paper_arm == 66.3);
    /* every case of G1-G4 and U1 carries a figure, except our own groups: G1's and G2's x32 sets and
     * G4's ResNet-width variant (the N experiments and AA have none: no paper times them) */
    for (int i = 0; i < lm_guideline_count; i++) {
        const lm_guideline *e = lm_guidelines[i];
        const bool paper = e->id[0] == 'G' || e->id[0] == 'U';
        for (int scale = 1; scale <= 4; scale *= 2) {
            n = e->cases(scale, cases, LM_GUIDELINE_MAX_CASES);
            for (int k = 0; k < n; k++) {
                const bool ours = strncmp(cases[k].group, "x32_", 4) == 0 || strncmp(cases[k].group, "resnet4c_", 9) == 0;
                const bool figure = cases[k].paper_gpu > 0 || cases[k].paper_arm > 0;
                if (figure != (paper && !ours))
                    fail_msg("%s %s: %s paper figure", e->id, cases[k].id, figure ? "a" : "no");
            }
        }
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
    struct CMUnitTest tests[4 * 3 + 6];
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
    tests[t++] = (struct CMUnitTest)cmocka_unit_test(test_aa_pairs);
    tests[t++] = (struct CMUnitTest)cmocka_unit_test(test_paper_figures);
    tests[t++] = (struct CMUnitTest)cmocka_unit_test(test_truncates_at_max);
    if (t != (int)(sizeof tests / sizeof tests[0])) {
        fprintf(stderr, "test_guidelines: %d tests set up, expected %zu\n", t, sizeof tests / sizeof tests[0]);
        return 1;
    }
    return cmocka_run_group_tests_name("guidelines", tests, NULL, NULL);
}
