/* Plans and the executor: BatchNorm folding and activation fusion only where they are safe, the
 * liveness planner's arena and peak on hand-computed graphs, and, for every network of the zoo at a
 * reduced resolution, the optimized plan (dispatched kernels, folded and fused, 2 threads) computing
 * what the literal graph computes through the reference kernels.
 *
 * Tolerance: every output element within 1e-4 * (1 + max |reference output|). Folding BatchNorm
 * and a different summation order change the rounding of each layer, and a network compounds it
 * over tens of layers; a wrong kernel or a wrong fold is off by the order of the output itself. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/host/host.h"
#include "bench/host/isa.h"
#include "tests/isa_fixture.h"
#include "tests/zoo_fixture.h"
#include "bench/net/plan.h"
#include "bench/net/zoo.h"

#define TEST_RESOLUTION 64
#define TOLERANCE 1e-4

static unsigned usable_isas;
static lm_threadpool *pool;

static const lm_plan_options reference_options = {.usable_isas = 0, .separate_elementwise = true, .seed = 7};

static lm_plan_options optimized_options(void) {
    return (lm_plan_options){.usable_isas = usable_isas, .separate_elementwise = false, .seed = 7};
}

static lm_plan *plan_or_fail(const lm_graph *g, const lm_plan_options *o) {
    char err[256];
    lm_plan *p = lm_plan_create(g, o, err, sizeof err);
    if (!p) fail_msg("%s", err);
    return p;
}

/* The largest difference between two runs' output 0, relative to 1 + the reference's magnitude
 * (which goes to *magnitude when it is not NULL). */
static double output_error(const lm_graph *g, lm_plan *ref, lm_plan *opt, double *magnitude) {
    const size_t n = lm_shape_elements(lm_graph_shape(g, lm_graph_output_at(g, 0)));
    const float *a = lm_plan_output(ref, 0), *b = lm_plan_output(opt, 0);
    double scale = 0, worst = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(a[i]) || !isfinite(b[i])) return INFINITY;
        scale = fmax(scale, fabs(a[i]));
        worst = fmax(worst, fabs((double)a[i] - b[i]));
    }
    if (magnitude) *magnitude = scale;
    return worst / (1 + scale);
}

static void test_network_matches_reference(void **state) {
    const lm_zoo_net *net = *state;
    lm_graph *g = lm_zoo_build(net, 1, TEST_RESOLUTION, TEST_RESOLUTION);
    assert_non_null(g);
    if (lm_graph_error(g)) fail_msg("%s", lm_graph_error(g));
    const lm_plan_options opt_options = optimized_options();
    lm_plan *ref = plan_or_fail(g, &reference_options), *opt = plan_or_fail(g, &opt_options);
    assert_true(lm_plan_step_count(opt) < lm_plan_step_count(ref)); /* BatchNorm folded, activations fused */
    assert_int_equal(lm_plan_step_count(ref), lm_graph_node_count(g));
    lm_plan_run(ref, NULL);
    lm_plan_run(opt, pool);
    double magnitude;
    const double error = output_error(g, ref, opt, &magnitude);
    print_message("# %s: %d steps (%d nodes), outputs up to %.3g, max error %.2e\n", net->name,
                  lm_plan_step_count(opt), lm_graph_node_count(g), magnitude, error);
    /* Activations that died out on the way would make the comparison vacuous. */
    if (!(magnitude > 1e-2)) fail_msg("%s: the outputs are all near zero (%g)", net->name, magnitude);
    if (!(error <= TOLERANCE)) fail_msg("%s: output differs from the reference by %g", net->name, error);
    /* Running again gives the same output (to rounding: threads may split a reduction differently),
     * so no step depends on what a buffer held before. */
    const size_t n = lm_shape_elements(lm_graph_shape(g, lm_graph_output_at(g, 0)));
    float *first = malloc(n * sizeof *first);
    assert_non_null(first);
    memcpy(first, lm_plan_output(opt, 0), n * sizeof *first);
    lm_plan_run(opt, pool);
    double again = 0;
    for (size_t i = 0; i < n; i++) again = fmax(again, fabs((double)first[i] - lm_plan_output(opt, 0)[i]));
    if (!(again <= 1e-5 * (1 + magnitude))) fail_msg("%s: a second run differs by %g", net->name, again);
    free(first);
    lm_plan_destroy(ref);
    lm_plan_destroy(opt);
    lm_graph_destroy(g);
}

static void test_folds_and_fuses_only_sole_readers(void **state) {
    (void)state;
    lm_graph *g = lm_graph_create("fold", (lm_shape){1, 9, 9, 8});
    lm_tensor a = lm_graph_conv_bn_act(g, "a", 0, 16, 3, 1, 1, LM_ACT_RELU);     /* one step: conv+bn+relu */
    lm_tensor b = lm_graph_conv(g, "b", a, 16, 1, 1, 1, false);                  /* read twice: not folded */
    lm_tensor bn = lm_graph_batchnorm(g, "b.bn", b);
    lm_tensor sum = lm_graph_add2(g, "sum", bn, b);
    lm_tensor out = lm_graph_act(g, "sum.act", sum, LM_ACT_HSWISH);             /* fused into the add */
    lm_graph_output(g, out);
    assert_null(lm_graph_error(g));
    const lm_plan_options o = optimized_options();
    lm_plan *p = plan_or_fail(g, &o);
    assert_int_equal(lm_plan_step_count(p), 4); /* a+bn+relu, b, b.bn, sum+hswish */
    assert_string_equal(lm_plan_step_at(p, 0)->name, "a");
    assert_string_equal(lm_plan_step_at(p, 0)->absorbed, "bn+relu");
    assert_int_equal(lm_plan_step_at(p, 0)->desc.act, LM_ACT_RELU);
    assert_true(lm_plan_step_at(p, 0)->desc.conv.bias);
    assert_string_equal(lm_plan_step_at(p, 1)->absorbed, "");
    assert_int_equal(lm_plan_step_at(p, 2)->desc.kind, LM_OP_BATCHNORM);
    assert_int_equal(lm_plan_step_at(p, 3)->desc.act, LM_ACT_HSWISH);
    assert_int_equal(lm_plan_step_at(p, 3)->category, LM_LAYER_ELEMWISE);
    assert_int_equal(lm_plan_step_at(p, 0)->category, LM_LAYER_CONV);
    /* The literal graph through the reference kernels computes the same. */
    lm_plan *ref = plan_or_fail(g, &reference_options);
    assert_int_equal(lm_plan_step_count(ref), 7);
    lm_plan_run(ref, NULL);
    lm_plan_run(p, pool);
    assert_true(output_error(g, ref, p, NULL) <= 1e-5);
    /* MAdds do not change with folding; executed MAC drops by the BatchNorm's and ReLU's traffic. */
    assert_int_equal(lm_plan_cost(p).madds, lm_graph_cost(g).madds);
    assert_true(lm_plan_cost(p).mac < lm_plan_cost(ref).mac);
    lm_plan_destroy(ref);
    lm_plan_destroy(p);
    lm_graph_destroy(g);
}

static void test_separate_elementwise_keeps_every_node(void **state) {
    (void)state;
    lm_graph *g = lm_graph_create("separate", (lm_shape){1, 8, 8, 8});
    lm_graph_output(g, lm_graph_conv_bn_act(g, "c", 0, 8, 1, 1, 1, LM_ACT_RELU));
    lm_plan_options o = optimized_options();
    o.separate_elementwise = true;
    lm_plan *p = plan_or_fail(g, &o);
    assert_int_equal(lm_plan_step_count(p), 3);
    assert_int_equal(lm_plan_step_at(p, 1)->desc.kind, LM_OP_BATCHNORM);
    assert_int_equal(lm_plan_step_at(p, 2)->desc.kind, LM_OP_ACTIVATION);
    lm_plan_destroy(p);
    lm_graph_destroy(g);
}

static void test_planner_reuses_memory_by_liveness(void **state) {
    (void)state;
    /* A chain of 10 same-sized convs: the network's input (kept throughout) and one step's input and
     * output are alive at once. */
    const lm_shape s = {1, 16, 16, 16};
    const size_t bytes = lm_shape_elements(s) * sizeof(float); /* 16 KiB, a multiple of 64 */
    lm_graph *g = lm_graph_create("chain", s);
    lm_tensor x = 0;
    for (int i = 0; i < 10; i++) {
        char name[16];
        snprintf(name, sizeof name, "conv%d", i);
        x = lm_graph_conv(g, name, x, 16, 1, 1, 1, false);
    }
    lm_graph_output(g, x);
    const lm_plan_options o = optimized_options();
    lm_plan *p = plan_or_fail(g, &o);
    assert_int_equal(lm_plan_peak_activation_bytes(p), 3 * bytes);
    /* the room of three tensors, and the holes that starting each at its own place in a page leaves */
    print_message("# chain: arena %zu bytes for a peak of %zu\n", lm_plan_arena_bytes(p), 3 * bytes);
    assert_true(lm_plan_arena_bytes(p) >= 3 * bytes && lm_plan_arena_bytes(p) <= 4 * bytes);
    lm_plan_destroy(p);
    lm_graph_destroy(g);

    /* A residual: the shortcut stays alive across the branch: input, a, b and c at c's step; then the
     * sum takes b's place. */
    g = lm_graph_create("residual", s);
    lm_tensor a = lm_graph_conv(g, "a", 0, 16, 1, 1, 1, false);
    lm_tensor b = lm_graph_conv(g, "b", a, 16, 1, 1, 1, false);
    lm_tensor c = lm_graph_conv(g, "c", b, 16, 1, 1, 1, false);
    lm_graph_output(g, lm_graph_add2(g, "sum", a, c));
    p = plan_or_fail(g, &o);
    assert_int_equal(lm_plan_peak_activation_bytes(p), 4 * bytes);
    print_message("# residual: arena %zu bytes for a peak of %zu\n", lm_plan_arena_bytes(p), 4 * bytes);
    assert_true(lm_plan_arena_bytes(p) >= 4 * bytes && lm_plan_arena_bytes(p) <= 5 * bytes);
    lm_plan_destroy(p);
    lm_graph_destroy(g);
}

static void test_plan_of_a_broken_graph_is_an_error(void **state) {
    (void)state;
    lm_graph *g = lm_graph_create("broken", (lm_shape){1, 8, 8, 3});
    lm_graph_conv(g, "stem", 0, 16, 3, 1, 2, false); /* 3 channels in 2 groups */
    char err[256] = "";
    const lm_plan_options o = optimized_options();
    assert_null(lm_plan_create(g, &o, err, sizeof err));
    assert_non_null(strstr(err, "'stem'"));
    lm_graph_destroy(g);
    g = lm_graph_create("no_output", (lm_shape){1, 8, 8, 3});
    lm_graph_conv(g, "stem", 0, 16, 3, 1, 1, false);
    assert_null(lm_plan_create(g, &o, err, sizeof err));
    assert_non_null(strstr(err, "no output"));
    lm_graph_destroy(g);
}

static void test_batch_of_two_matches_reference(void **state) {
    (void)state;
    lm_graph *g = lm_zoo_build(lm_zoo_find("shufflenet_v2_x1_0"), 2, 48, 40);
    if (lm_graph_error(g)) fail_msg("%s", lm_graph_error(g));
    const lm_plan_options o = optimized_options();
    lm_plan *ref = plan_or_fail(g, &reference_options), *opt = plan_or_fail(g, &o);
    lm_plan_run(ref, NULL);
    lm_plan_run(opt, pool);
    assert_true(output_error(g, ref, opt, NULL) <= TOLERANCE);
    lm_plan_destroy(ref);
    lm_plan_destroy(opt);
    lm_graph_destroy(g);
}

static void test_concurrent_branches_compute_the_same(void **state) {
    (void)state;
    /* G3's 4-fragment-parallel block, twice: four convs of one input, merged by adds */
    lm_graph *g = lm_graph_create("branches", (lm_shape){1, 14, 14, 32});
    lm_tensor x = 0;
    for (int b = 0; b < 2; b++) {
        lm_graph_scope(g, "block%d", b);
        lm_tensor branch[4];
        for (int k = 0; k < 4; k++) {
            char name[16];
            snprintf(name, sizeof name, "conv%d", k);
            branch[k] = lm_graph_conv(g, name, x, 32, 1, 1, 1, true);
        }
        x = lm_graph_add2(g, "add1", branch[0], branch[1]);
        x = lm_graph_add2(g, "add2", x, branch[2]);
        x = lm_graph_add2(g, "add3", x, branch[3]);
    }
    lm_graph_output(g, x);
    assert_null(lm_graph_error(g));
    lm_plan_options o = optimized_options();
    lm_plan *plain = plan_or_fail(g, &o);
    o.concurrent_branches = true;
    lm_plan *concurrent = plan_or_fail(g, &o);
    lm_plan_run(plain, pool);
    lm_plan_run(concurrent, pool); /* the convs of a block at once, one per thread */
    assert_true(output_error(g, plain, concurrent, NULL) <= 1e-6);
    lm_plan_run(concurrent, pool); /* and again: no step overwrote what another still read */
    assert_true(output_error(g, plain, concurrent, NULL) <= 1e-6);
    lm_plan_destroy(plain);
    lm_plan_destroy(concurrent);
    lm_graph_destroy(g);
}

/* The arena offset moves every tensor by the offset modulo LM_ARENA_OFFSET_SPAN, in steps of 64 bytes,
 * across pages as well as within one, and changes no output bit. */
static void test_arena_offset_moves_tensors_not_results(void **state) {
    (void)state;
    lm_graph *g = lm_zoo_build(lm_zoo_find("shufflenet_v2_x1_0"), 1, 48, 40);
    if (lm_graph_error(g)) fail_msg("%s", lm_graph_error(g));
    const size_t n = lm_shape_elements(lm_graph_shape(g, lm_graph_output_at(g, 0)));
    const size_t offsets[] = {0, 64 + 100, 5 * 4096 + 64, LM_ARENA_OFFSET_SPAN - 64, LM_ARENA_OFFSET_SPAN + 128};
    const size_t expected_shift[] = {0, 128, 5 * 4096 + 64, LM_ARENA_OFFSET_SPAN - 64, 128};
    lm_plan_options o = optimized_options();
    lm_plan *base = plan_or_fail(g, &o);
    lm_plan_run(base, pool);
    const uintptr_t base_input = (uintptr_t)lm_plan_input(base);
    for (size_t k = 1; k < sizeof offsets / sizeof *offsets; k++) {
        o.arena_offset = offsets[k];
        lm_plan *moved = plan_or_fail(g, &o);
        /* both arenas start page-aligned, so the input's distance from its page start shows the shift */
        assert_int_equal(((uintptr_t)lm_plan_input(moved) - base_input) % 4096, expected_shift[k] % 4096);
        assert_true(lm_plan_arena_bytes(moved) == lm_plan_arena_bytes(base));
        lm_plan_run(moved, pool);
        assert_memory_equal(lm_plan_output(base, 0), lm_plan_output(moved, 0), n * sizeof(float));
        lm_plan_destroy(moved);
    }
    lm_plan_destroy(base);
    lm_graph_destroy(g);
}

static void test_weights_are_seeded_and_denormal_free(void **state) {
    (void)state;
    lm_graph *g = lm_zoo_build(lm_zoo_find("espnetv2_x0_5"), 1, 32, 32); /* conv, BatchNorm, PReLU, FC */
    assert_null(lm_graph_error(g));
    size_t checked = 0;
    for (int i = 0; i < lm_graph_node_count(g); i++) {
        const size_t n = lm_op_param_floats(&lm_graph_node_at(g, i)->desc);
        if (!n) continue;
        float *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b), *c = malloc(n * sizeof *c);
        assert_true(a && b && c);
        lm_graph_fill_params(g, i, 7, a);
        lm_graph_fill_params(g, i, 7, b);
        lm_graph_fill_params(g, i, 8, c);
        assert_memory_equal(a, b, n * sizeof *a);        /* the same seed, the same weights */
        if (lm_graph_node_at(g, i)->desc.kind != LM_OP_ACTIVATION) /* PReLU slopes start at 0.25 always */
            assert_memory_not_equal(a, c, n * sizeof *a);          /* another seed, other weights */
        for (size_t k = 0; k < n; k++) {
            if (!isfinite(a[k]) || (a[k] != 0 && fabsf(a[k]) < FLT_MIN))
                fail_msg("%s: parameter %zu is %g", lm_graph_node_at(g, i)->name, k, a[k]);
        }
        if (lm_graph_node_at(g, i)->desc.kind == LM_OP_BATCHNORM) /* variances positive */
            for (int k = 0; k < lm_graph_node_at(g, i)->desc.in.c; k++)
                assert_true(a[3 * lm_graph_node_at(g, i)->desc.in.c + k] > 0);
        checked += n;
        free(a), free(b), free(c);
    }
    assert_true(checked > lm_graph_cost(g).params); /* every parameter, and BatchNorm's statistics besides */
    lm_graph_destroy(g);
}

static int group_setup(void **state) {
    (void)state;
    lm_host *host = lm_host_probe();
    if (!host) return -1;
    if (fixture_isas(host, &usable_isas) != 0) { /* LATMAC_ISA caps what dispatch may use */
        lm_host_free(host);
        return -1;
    }
    lm_host_free(host);
    pool = lm_threadpool_create(2, NULL, NULL);
    return pool ? 0 : -1;
}

static int group_teardown(void **state) {
    (void)state;
    lm_threadpool_destroy(pool);
    return 0;
}

int main(void) {
    const struct CMUnitTest fixed[] = {
        cmocka_unit_test(test_folds_and_fuses_only_sole_readers),
        cmocka_unit_test(test_separate_elementwise_keeps_every_node),
        cmocka_unit_test(test_planner_reuses_memory_by_liveness),
        cmocka_unit_test(test_plan_of_a_broken_graph_is_an_error),
        cmocka_unit_test(test_batch_of_two_matches_reference),
        cmocka_unit_test(test_weights_are_seeded_and_denormal_free),
        cmocka_unit_test(test_concurrent_branches_compute_the_same),
        cmocka_unit_test(test_arena_offset_moves_tensors_not_results),
    };
    return fixture_run_with_zoo("plan", fixed, sizeof fixed / sizeof fixed[0], test_network_matches_reference, group_setup,
                                group_teardown);
}
