/* Operator descriptions: output shapes, validation of impossible shapes, and the cost model against
 * hand-computed values (the ShuffleNet V2 paper's MAC formulas among them). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "kernels/op.h"

static void test_pointwise_cost_is_the_papers_formula(void **state) {
    (void)state;
    /* 1x1 conv c1 -> c2 on h x w, no bias: MAdds h*w*c1*c2, MAC h*w*(c1+c2) + c1*c2. */
    const int h = 56, w = 56, c1 = 128, c2 = 90;
    lm_op_desc d = lm_op_conv((lm_shape){1, h, w, c1}, c2, 1, 1, 0, 1, false, LM_ACT_NONE);
    lm_op_cost cost = lm_op_cost_of(&d);
    assert_int_equal(cost.madds, (uint64_t)h * w * c1 * c2);
    assert_int_equal(cost.mac, (uint64_t)h * w * (c1 + c2) + (uint64_t)c1 * c2);
    assert_int_equal(cost.params, (uint64_t)c1 * c2);
}

static void test_group_pointwise_cost_is_the_papers_formula(void **state) {
    (void)state;
    /* 1x1 group conv c -> c, g groups: MAdds h*w*c*c/g, MAC h*w*2c + c*c/g (paper Eq. 2). */
    const int h = 56, w = 56, c = 360, g = 8;
    lm_op_desc d = lm_op_conv((lm_shape){1, h, w, c}, c, 1, 1, 0, g, false, LM_ACT_NONE);
    lm_op_cost cost = lm_op_cost_of(&d);
    assert_int_equal(cost.madds, (uint64_t)h * w * c * c / g);
    assert_int_equal(cost.mac, (uint64_t)h * w * 2 * c + (uint64_t)c * c / g);
    /* Bias adds c parameters, read once. */
    d.conv.bias = true;
    assert_int_equal(lm_op_cost_of(&d).mac, cost.mac + c);
    assert_int_equal(lm_op_cost_of(&d).params, (uint64_t)c * c / g + c);
}

static void test_depthwise_and_strided_costs(void **state) {
    (void)state;
    /* dw 3x3 stride 2, 116 channels, 28x28 -> 14x14 with padding 1. */
    lm_op_desc d = lm_op_conv((lm_shape){1, 28, 28, 116}, 116, 3, 2, 1, 116, false, LM_ACT_NONE);
    lm_shape o = lm_op_output_shape(&d, 0);
    assert_int_equal(o.h, 14);
    assert_int_equal(o.w, 14);
    lm_op_cost cost = lm_op_cost_of(&d);
    assert_int_equal(cost.madds, 14ull * 14 * 116 * 9);
    assert_int_equal(cost.mac, 28ull * 28 * 116 + 14ull * 14 * 116 + 116 * 9);
    /* First layer: 3x3 stride 2, 3 -> 24, 224 -> 112. */
    lm_op_desc first = lm_op_conv((lm_shape){1, 224, 224, 3}, 24, 3, 2, 1, 1, false, LM_ACT_NONE);
    assert_int_equal(lm_op_output_shape(&first, 0).h, 112);
    assert_int_equal(lm_op_cost_of(&first).madds, 112ull * 112 * 24 * 27);
}

static void test_zero_madds_ops_still_have_mac(void **state) {
    (void)state;
    lm_op_desc shuffle = {.kind = LM_OP_CHANNEL_SHUFFLE, .in = {1, 28, 28, 116}, .shuffle.groups = 2};
    lm_op_cost cost = lm_op_cost_of(&shuffle);
    assert_int_equal(cost.madds, 0);
    assert_int_equal(cost.mac, 2ull * 28 * 28 * 116);
    assert_int_equal(cost.params, 0);
    lm_op_desc concat = {.kind = LM_OP_CONCAT, .in = {1, 28, 28, 0}, .parts = {.count = 2, .channels = {58, 58}}};
    assert_int_equal(lm_op_output_shape(&concat, 0).c, 116);
    assert_int_equal(lm_op_cost_of(&concat).mac, 2ull * 28 * 28 * 116);
    lm_op_desc add = {.kind = LM_OP_ADD, .in = {1, 28, 28, 116}};
    assert_int_equal(lm_op_cost_of(&add).mac, 3ull * 28 * 28 * 116);
    add.binary.broadcast = true; /* squeeze-and-excitation scaling: the second input is one row per image */
    assert_int_equal(lm_op_cost_of(&add).mac, 2ull * 28 * 28 * 116 + 116);
    lm_op_desc relu = {.kind = LM_OP_ACTIVATION, .in = {1, 28, 28, 116}, .act = LM_ACT_RELU};
    assert_int_equal(lm_op_cost_of(&relu).mac, 2ull * 28 * 28 * 116);
    lm_op_desc gap = {.kind = LM_OP_GLOBAL_AVGPOOL, .in = {1, 7, 7, 1024}};
    assert_int_equal(lm_op_cost_of(&gap).mac, 49ull * 1024 + 1024);
}

static void expect_invalid(lm_op_desc d, const char *reason);

/* The merged concat, shuffle and split reads both inputs once and writes the tensor once: a third of
 * the MAC of concat + shuffle + split, each of which reads and writes the whole tensor. */
static void test_concat_shuffle_split(void **state) {
    (void)state;
    lm_op_desc d = {.kind = LM_OP_CONCAT_SHUFFLE_SPLIT, .in = {2, 28, 28, 58}, .merged.outputs = 2};
    assert_int_equal(lm_op_input_count(&d), 2);
    assert_int_equal(lm_op_output_count(&d), 2);
    assert_int_equal(lm_op_input_shape(&d, 1).c, 58);
    assert_int_equal(lm_op_output_shape(&d, 1).c, 58);
    assert_int_equal(lm_op_output_shape(&d, 1).n, 2);
    const lm_op_cost cost = lm_op_cost_of(&d);
    assert_int_equal(cost.madds, 0);
    assert_int_equal(cost.params, 0);
    assert_int_equal(cost.mac, 2ull * 2 * 28 * 28 * 116);
    const lm_op_desc shuffle = {.kind = LM_OP_CHANNEL_SHUFFLE, .in = {2, 28, 28, 116}, .shuffle.groups = 2};
    assert_int_equal(lm_op_cost_of(&shuffle).mac, cost.mac); /* so are concat's and split's */
    d.merged.outputs = 1; /* concat and shuffle: one output of both inputs' channels */
    assert_int_equal(lm_op_output_count(&d), 1);
    assert_int_equal(lm_op_output_shape(&d, 0).c, 116);
    assert_int_equal(lm_op_cost_of(&d).mac, cost.mac);
    assert_int_equal(lm_op_param_floats(&d), 0);
    assert_string_equal(lm_op_kind_name(d.kind), "concat_shuffle_split");
    d.merged.outputs = 3;
    expect_invalid(d, "3 outputs (expected 1 or 2)");
    d.merged.outputs = 2;
    d.act = LM_ACT_RELU;
    expect_invalid(d, "takes no activation");
}

static void test_batchnorm_and_fc_params(void **state) {
    (void)state;
    lm_op_desc bn = {.kind = LM_OP_BATCHNORM, .in = {1, 14, 14, 232}, .bn.eps = 1e-5f};
    assert_int_equal(lm_op_param_floats(&bn), 4 * 232);       /* gamma, beta, mean, variance */
    assert_int_equal(lm_op_cost_of(&bn).params, 2 * 232);     /* trained: gamma and beta */
    assert_int_equal(lm_op_cost_of(&bn).mac, 2ull * 14 * 14 * 232 + 2 * 232);
    lm_op_desc fc = {.kind = LM_OP_FC, .in = {1, 1, 1, 1024}, .fc = {.out_c = 1000, .bias = true}};
    assert_int_equal(lm_op_cost_of(&fc).madds, 1024000);
    assert_int_equal(lm_op_cost_of(&fc).params, 1024000 + 1000);
    fc.act = LM_ACT_PRELU;
    assert_int_equal(lm_op_param_floats(&fc), 1024000 + 2000);
}

static void expect_invalid(lm_op_desc d, const char *reason) {
    char err[256] = "";
    assert_int_equal(lm_op_validate(&d, err, sizeof err), -1);
    if (!strstr(err, reason)) fail_msg("expected '%s' in '%s'", reason, err);
}

static void test_impossible_shapes_are_rejected(void **state) {
    (void)state;
    expect_invalid(lm_op_conv((lm_shape){1, 7, 7, 30}, 30, 1, 1, 0, 4, false, LM_ACT_NONE), "not divisible by 4 groups");
    expect_invalid(lm_op_conv((lm_shape){1, 2, 2, 8}, 8, 5, 1, 0, 1, false, LM_ACT_NONE), "does not fit");
    expect_invalid(lm_op_conv((lm_shape){1, 0, 7, 8}, 8, 1, 1, 0, 1, false, LM_ACT_NONE), "empty or too large");
    expect_invalid(lm_op_conv((lm_shape){1, 7, 7, 8}, 8, 1, 0, 0, 1, false, LM_ACT_NONE), "must be positive");
    expect_invalid(lm_op_conv((lm_shape){1, 7, 7, 8}, 8, 3, 1, -1, 1, false, LM_ACT_NONE), "must not be negative");
    expect_invalid(lm_op_conv((lm_shape){1, 65536, 65536, 8}, 8, 1, 1, 0, 1, false, LM_ACT_NONE), "too large");
    expect_invalid(lm_op_conv((lm_shape){1, 8, 8, 65536}, 65536, 1, 1, 0, 1, false, LM_ACT_NONE), "too large");
    expect_invalid((lm_op_desc){.kind = LM_OP_CHANNEL_SHUFFLE, .in = {1, 4, 4, 10}, .shuffle.groups = 3}, "not divisible");
    expect_invalid((lm_op_desc){.kind = LM_OP_SPLIT, .in = {1, 4, 4, 10}, .parts = {.count = 2, .channels = {4, 5}}},
                   "add up to 9");
    expect_invalid((lm_op_desc){.kind = LM_OP_CONCAT, .in = {1, 4, 4, 0}, .parts = {.count = 9}}, "9 parts");
    expect_invalid((lm_op_desc){.kind = LM_OP_MAXPOOL, .in = {1, 2, 2, 4}, .pool = {3, 2, 0}}, "does not fit");
    expect_invalid((lm_op_desc){.kind = LM_OP_SPLIT, .in = {1, 4, 4, 8}, .act = LM_ACT_RELU,
                                .parts = {.count = 2, .channels = {4, 4}}}, "takes no activation");
    expect_invalid((lm_op_desc){.kind = LM_OP_ACTIVATION, .in = {1, 4, 4, 8}}, "none given");
    expect_invalid((lm_op_desc){.kind = LM_OP_KIND_COUNT, .in = {1, 4, 4, 8}}, "unknown operator kind");
}

static void test_names(void **state) {
    (void)state;
    assert_string_equal(lm_op_kind_name(LM_OP_CHANNEL_SHUFFLE), "shuffle");
    assert_string_equal(lm_act_name(LM_ACT_HSWISH), "hswish");
    assert_string_equal(lm_op_kind_name(LM_OP_KIND_COUNT), "unknown");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pointwise_cost_is_the_papers_formula),
        cmocka_unit_test(test_group_pointwise_cost_is_the_papers_formula),
        cmocka_unit_test(test_depthwise_and_strided_costs),
        cmocka_unit_test(test_zero_madds_ops_still_have_mac),
        cmocka_unit_test(test_concat_shuffle_split),
        cmocka_unit_test(test_batchnorm_and_fc_params),
        cmocka_unit_test(test_impossible_shapes_are_rejected),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests_name("op", tests, NULL, NULL);
}
