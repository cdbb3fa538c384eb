/* The model zoo against the publications: every network builds at 224x224 without a shape error,
 * its parameter count equals the published one exactly, and its MAdds (conv + FC) are within 1% of
 * the published figure, wherever the zoo's table quotes one (bench/net/zoo.c names each source). Also the
 * builder's contract: names, lookup and errors that name the layer. And ShuffleNet V2 with concat,
 * shuffle and split merged (lm_zoo_merged): the published counts too, the same MAdds and params as
 * its network and less MAC, no concat or split left, and the same output bit for bit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/net/graph.h"
#include "bench/net/plan.h"
#include "bench/net/schedule.h"
#include "bench/net/zoo.h"

static void test_network_matches_its_publication(void **state) {
    const lm_zoo_net *net = *state;
    lm_graph *g = lm_zoo_build(net, 1, 224, 224);
    assert_non_null(g);
    if (lm_graph_error(g)) fail_msg("%s", lm_graph_error(g));
    assert_true(lm_graph_node_count(g) > 10);
    assert_int_equal(lm_graph_output_count(g), 1);
    const lm_shape out = lm_graph_shape(g, lm_graph_output_at(g, 0));
    if (net->classes == 1000) {
        assert_int_equal(out.h * out.w * out.c, 1000);
    } else { /* segmentation: a map of classes at the input's resolution */
        assert_int_equal(out.h, 224);
        assert_int_equal(out.w, 224);
        assert_int_equal(out.c, net->classes);
    }
    const lm_op_cost cost = lm_graph_cost(g);
    print_message("# %s: %.3f M MAdds, %llu params, %.3f M MAC\n", net->name, cost.madds / 1e6,
                  (unsigned long long)cost.params, cost.mac / 1e6);
    if (net->published_params && cost.params != net->published_params)
        fail_msg("%s: %llu params, published %llu (%s)", net->name, (unsigned long long)cost.params,
                 (unsigned long long)net->published_params, net->published_source);
    if (net->published_madds) {
        const double off = fabs((double)cost.madds / (double)net->published_madds - 1);
        if (off > 0.01)
            fail_msg("%s: %.3f M MAdds, published %.3f M (%s): %.2f%% off", net->name, cost.madds / 1e6,
                     net->published_madds / 1e6, net->published_source, 100 * off);
    }
    lm_graph_destroy(g);
}

static void test_names_and_aliases(void **state) {
    (void)state;
    assert_ptr_equal(lm_zoo_find("mobilenet_v2_x1_0"), lm_zoo_find("mobilenet_v2"));
    assert_ptr_equal(lm_zoo_find("mobilenet_v3_large_x1_0"), lm_zoo_find("mobilenet_v3_large"));
    assert_non_null(lm_zoo_find("shufflenet_v2_x1_0"));
    assert_null(lm_zoo_find("shufflenet_v2_x1_0_x1_0"));
    assert_null(lm_zoo_find("resnet50"));
    for (int i = 0; i < lm_zoo_count; i++)
        for (int j = i + 1; j < lm_zoo_count; j++) assert_string_not_equal(lm_zoo[i].name, lm_zoo[j].name);
}

static void test_shape_errors_name_the_layer(void **state) {
    (void)state;
    lm_graph *g = lm_graph_create("broken", (lm_shape){1, 8, 8, 6});
    lm_graph_scope(g, "stage%d", 2);
    lm_tensor x = lm_graph_conv(g, "conv1", 0, 12, 1, 1, 1, false);
    assert_int_not_equal(x, LM_NO_TENSOR);
    x = lm_graph_conv(g, "conv2", x, 10, 1, 1, 4, false); /* 12 channels in 4 groups, 10 out: impossible */
    assert_int_equal(x, LM_NO_TENSOR);
    assert_non_null(lm_graph_error(g));
    assert_non_null(strstr(lm_graph_error(g), "'stage2.conv2'"));
    /* Later calls do nothing and keep the first error. */
    assert_int_equal(lm_graph_act(g, "relu", x, LM_ACT_RELU), LM_NO_TENSOR);
    assert_non_null(strstr(lm_graph_error(g), "'stage2.conv2'"));
    assert_int_equal(lm_graph_node_count(g), 1);
    lm_graph_destroy(g);

    g = lm_graph_create("mismatch", (lm_shape){1, 8, 8, 4});
    const lm_tensor a = lm_graph_conv(g, "a", 0, 4, 3, 2, 1, false);
    assert_int_equal(lm_graph_add2(g, "sum", a, 0), LM_NO_TENSOR); /* 4x4 + 8x8 */
    assert_non_null(strstr(lm_graph_error(g), "'sum'"));
    lm_graph_destroy(g);
}

static void test_impossible_input_is_an_error(void **state) {
    (void)state;
    lm_graph *g = lm_zoo_build(lm_zoo_find("shufflenet_v2_x1_0"), 1, 0, 224);
    assert_non_null(g);
    assert_non_null(lm_graph_error(g));
    lm_graph_destroy(g);
    g = lm_zoo_build(lm_zoo_find("mobilenet_v2"), 0, 224, 224);
    assert_non_null(g);
    assert_non_null(lm_graph_error(g));
    lm_graph_destroy(g);
    /* Any positive size works, as in PyTorch: padding keeps every layer at least 1x1. */
    g = lm_zoo_build(lm_zoo_find("shufflenet_v2_x1_0"), 1, 1, 1);
    assert_null(lm_graph_error(g));
    lm_graph_destroy(g);
}

/* The schedule's cost of `g` (BatchNorm folded, activations fused: MAC as executed). */
static lm_op_cost executed_cost(const lm_graph *g) {
    lm_schedule s;
    char err[256];
    const lm_plan_options o = {0};
    if (lm_schedule_make(g, &o, &s, err, sizeof err) != 0) fail_msg("%s", err);
    const lm_op_cost cost = lm_schedule_cost(&s);
    lm_schedule_free(&s);
    return cost;
}

static void test_merged_shufflenet_v2_costs(void **state) {
    (void)state;
    int merged = 0;
    for (int i = 0; i < lm_zoo_count; i++) {
        const lm_zoo_net *net = &lm_zoo[i], *m = lm_zoo_merged(net);
        if (strcmp(net->family, "shufflenet_v2") != 0) {
            assert_null(m);
            continue;
        }
        assert_non_null(m);
        merged++;
        char name[64];
        snprintf(name, sizeof name, "%s_merged", net->name);
        assert_string_equal(m->name, name);
        assert_ptr_equal(lm_zoo_find(name), m);
        assert_null(lm_zoo_merged(m));
        lm_graph *g = lm_zoo_build(net, 1, 224, 224), *gm = lm_zoo_build(m, 1, 224, 224);
        assert_non_null(g);
        assert_non_null(gm);
        if (lm_graph_error(gm)) fail_msg("%s", lm_graph_error(gm));
        const lm_op_cost a = lm_graph_cost(g), b = lm_graph_cost(gm), ae = executed_cost(g), be = executed_cost(gm);
        assert_int_equal(a.madds, b.madds);
        assert_int_equal(a.params, b.params);
        assert_true(b.mac < a.mac);
        assert_true(be.mac < ae.mac);
        int merged_nodes = 0;
        for (int k = 0; k < lm_graph_node_count(gm); k++) {
            const lm_op_kind kind = lm_graph_node_at(gm, k)->desc.kind;
            assert_true(kind != LM_OP_CONCAT && kind != LM_OP_SPLIT && kind != LM_OP_CHANNEL_SHUFFLE);
            merged_nodes += kind == LM_OP_CONCAT_SHUFFLE_SPLIT;
        }
        assert_int_equal(merged_nodes, 16); /* one per unit */
        print_message("# %s: MAC %.3f M -> %.3f M (definition), %.3f M -> %.3f M (as executed)\n", m->name,
                      a.mac / 1e6, b.mac / 1e6, ae.mac / 1e6, be.mac / 1e6);
        lm_graph_destroy(g);
        lm_graph_destroy(gm);
    }
    assert_int_equal(merged, 4);
    assert_null(lm_zoo_find("mobilenet_v2_merged"));
}

/* Both ways, with the same weights (seeded by node name) and input, on the reference kernels at a
 * small input (batch 2, so the merged operator's rows span images): the same output bits. */
static void test_merged_shufflenet_v2_computes_the_same(void **state) {
    (void)state;
    const char *const names[] = {"shufflenet_v2_x0_5", "shufflenet_v2_x1_0"};
    for (size_t i = 0; i < 2; i++) {
        const lm_zoo_net *net = lm_zoo_find(names[i]);
        lm_graph *g[2] = {lm_zoo_build(net, 2, 64, 64), lm_zoo_build(lm_zoo_merged(net), 2, 64, 64)};
        lm_plan *p[2];
        char err[256];
        const lm_plan_options o = {.seed = 7};
        for (int k = 0; k < 2; k++) {
            assert_non_null(g[k]);
            if (!(p[k] = lm_plan_create(g[k], &o, err, sizeof err))) fail_msg("%s: %s", names[i], err);
        }
        const size_t in = lm_shape_elements(lm_graph_shape(g[0], 0));
        assert_memory_equal(lm_plan_input(p[0]), lm_plan_input(p[1]), in * sizeof(float));
        lm_plan_run(p[0], NULL);
        lm_plan_run(p[1], NULL);
        const size_t out = lm_shape_elements(lm_graph_shape(g[0], lm_graph_output_at(g[0], 0)));
        assert_memory_equal(lm_plan_output(p[0], 0), lm_plan_output(p[1], 0), out * sizeof(float));
        for (int k = 0; k < 2; k++) {
            lm_plan_destroy(p[k]);
            lm_graph_destroy(g[k]);
        }
    }
}

int main(void) {
    struct CMUnitTest *tests = calloc((size_t)lm_zoo_count + 5, sizeof *tests);
    if (!tests) return 1;
    int n = 0;
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_names_and_aliases);
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_shape_errors_name_the_layer);
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_impossible_input_is_an_error);
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_merged_shufflenet_v2_costs);
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_merged_shufflenet_v2_computes_the_same);
    for (int i = 0; i < lm_zoo_count; i++)
        tests[n++] = (struct CMUnitTest){.name = lm_zoo[i].name, .test_func = test_network_matches_its_publication,
                                         .initial_state = (void *)&lm_zoo[i]};
    const int failed = _cmocka_run_group_tests("zoo", tests, (size_t)n, NULL, NULL);
    free(tests);
    return failed;
}
