/* The model zoo against the publications: every network builds at 224x224 without a shape error,
 * its parameter count equals the published one exactly, and its MAdds (conv + FC) are within 1% of
 * the published figure, wherever the zoo's table quotes one (bench/net/zoo.c names each source). Also the
 * builder's contract: names, lookup and errors that name the layer. */
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

int main(void) {
    struct CMUnitTest *tests = calloc((size_t)lm_zoo_count + 3, sizeof *tests);
    if (!tests) return 1;
    int n = 0;
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_names_and_aliases);
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_shape_errors_name_the_layer);
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_impossible_input_is_an_error);
    for (int i = 0; i < lm_zoo_count; i++)
        tests[n++] = (struct CMUnitTest){.name = lm_zoo[i].name, .test_func = test_network_matches_its_publication,
                                         .initial_state = (void *)&lm_zoo[i]};
    const int failed = _cmocka_run_group_tests("zoo", tests, (size_t)n, NULL, NULL);
    free(tests);
    return failed;
}
