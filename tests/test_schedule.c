/* Schedules, the cost analysis planning reads instead of plans: for every network of the zoo, at a
 * few batches and inputs, under each instruction set the host can use (capped by LATMAC_ISA) and with
 * every plan option that changes the steps, a schedule reports what the plan built with weights
 * reports, field by field; a graph a plan refuses (an impossible or overflowing input, a layer that
 * cannot take its input, no output) is refused with the plan's own message; and a graph whose
 * activations (72 GiB) would not fit a test machine's memory is still scheduled, since a schedule
 * allocates none of them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "bench/host/host.h"
#include "bench/host/isa.h"
#include "tests/isa_fixture.h"
#include "tests/zoo_fixture.h"
#include "bench/net/schedule.h"
#include "bench/net/zoo.h"

static unsigned usable_isas;

typedef struct input {
    int batch, height, width;
} input;

/* The papers' input; a batch of two at a non-square one (shapes no single resolution covers); small. */
static const input inputs[] = {{1, 224, 224}, {2, 96, 128}, {1, 64, 64}};

/* The options that change the steps or the layout (the seed changes only the weights). */
static const lm_plan_options variants[] = {
    {.seed = 7},
    {.separate_elementwise = true, .seed = 7},
    {.concurrent_branches = true, .seed = 7},
};

/* Whether two descriptions run the same operator, by everything a cost or a kernel reads of them. */
static void assert_same_desc(const lm_op_desc *a, const lm_op_desc *b, const char *where) {
    if (a->kind != b->kind || a->act != b->act || memcmp(&a->in, &b->in, sizeof a->in) != 0)
        fail_msg("%s: the operator differs", where);
    const lm_op_cost ca = lm_op_cost_of(a), cb = lm_op_cost_of(b);
    if (ca.madds != cb.madds || ca.mac != cb.mac || ca.params != cb.params || lm_op_param_floats(a) != lm_op_param_floats(b))
        fail_msg("%s: the operator's cost differs", where);
    assert_int_equal(lm_op_output_count(a), lm_op_output_count(b));
    for (int i = 0; i < lm_op_output_count(a); i++) {
        const lm_shape sa = lm_op_output_shape(a, i), sb = lm_op_output_shape(b, i);
        if (memcmp(&sa, &sb, sizeof sa) != 0) fail_msg("%s: output %d differs", where, i);
    }
    for (int isa = 0; isa < LM_ISA_COUNT; isa++) {
        const unsigned isas = lm_isas_up_to(usable_isas, (lm_isa)isa);
        if (lm_kernel_executed_madds(lm_kernel_select(a, isas), a) != lm_kernel_executed_madds(lm_kernel_select(b, isas), b))
            fail_msg("%s: executed MAdds under %s differ", where, lm_isa_name((lm_isa)isa));
    }
}

/* Schedule and plan of g under o report the same steps, costs, executed MAdds, peak and arena. */
static void assert_schedule_matches_plan(const lm_graph *g, const lm_plan_options *o) {
    char err[256], where[256];
    lm_schedule s;
    if (lm_schedule_make(g, o, &s, err, sizeof err) != 0) fail_msg("schedule: %s", err);
    lm_plan *p = lm_plan_create(g, o, err, sizeof err);
    if (!p) fail_msg("plan: %s", err);
    assert_int_equal(s.step_count, lm_plan_step_count(p));
    for (int i = 0; i < s.step_count; i++) {
        const lm_plan_step *a = &s.steps[i].info, *b = lm_plan_step_at(p, i);
        snprintf(where, sizeof where, "%s step %d (%s)", lm_graph_name(g), i, b->name);
        assert_string_equal(a->name, b->name);
        assert_string_equal(a->absorbed, b->absorbed);
        assert_same_desc(&a->desc, &b->desc, where);
        if (a->kernel != b->kernel) fail_msg("%s: kernel %s, the plan's %s", where, a->kernel->name, b->kernel->name);
        assert_int_equal(a->category, b->category);
        assert_int_equal(a->cost.madds, b->cost.madds);
        assert_int_equal(a->cost.mac, b->cost.mac);
        assert_int_equal(a->cost.params, b->cost.params);
        assert_int_equal(a->nodes, b->nodes);
    }
    const lm_op_cost a = lm_schedule_cost(&s), b = lm_plan_cost(p);
    assert_int_equal(a.madds, b.madds);
    assert_int_equal(a.mac, b.mac);
    assert_int_equal(a.params, b.params);
    for (int isa = 0; isa < LM_ISA_COUNT; isa++) {
        const unsigned isas = lm_isas_up_to(usable_isas, (lm_isa)isa);
        assert_int_equal(lm_schedule_executed_madds(&s, isas), lm_plan_executed_madds(p, isas));
    }
    assert_int_equal(s.peak_activation_bytes, lm_plan_peak_activation_bytes(p));
    assert_int_equal(s.arena_bytes, lm_plan_arena_bytes(p));
    lm_plan_destroy(p);
    lm_schedule_free(&s);
}

static void test_network_schedule_matches_plan(void **state) {
    const lm_zoo_net *net = *state;
    for (size_t k = 0; k < sizeof inputs / sizeof inputs[0]; k++) {
        lm_graph *g = lm_zoo_build(net, inputs[k].batch, inputs[k].height, inputs[k].width);
        assert_non_null(g);
        if (lm_graph_error(g)) fail_msg("%s", lm_graph_error(g));
        /* The fused steps under every usable set (their kernels differ); the other options under all
         * of them (the steps do not depend on the kernels). */
        for (int isa = 0; isa < LM_ISA_COUNT; isa++) {
            if (!(usable_isas & LM_ISA_BIT(isa))) continue;
            lm_plan_options o = variants[0];
            o.usable_isas = lm_isas_up_to(usable_isas, (lm_isa)isa);
            assert_schedule_matches_plan(g, &o);
        }
        for (size_t v = 1; v < sizeof variants / sizeof variants[0]; v++) {
            lm_plan_options o = variants[v];
            o.usable_isas = usable_isas;
            assert_schedule_matches_plan(g, &o);
        }
        lm_graph_destroy(g);
    }
}

/* Both refuse g with the same message, which contains `expected`; the schedule is left empty. */
static void assert_both_refuse(const lm_graph *g, const char *expected) {
    const lm_plan_options o = {.usable_isas = usable_isas};
    char plan_err[512] = "", schedule_err[512] = "";
    lm_schedule s;
    assert_null(lm_plan_create(g, &o, plan_err, sizeof plan_err));
    assert_int_equal(lm_schedule_make(g, &o, &s, schedule_err, sizeof schedule_err), -1);
    assert_string_equal(schedule_err, plan_err);
    if (!strstr(schedule_err, expected)) fail_msg("'%s' does not say '%s'", schedule_err, expected);
    assert_int_equal(s.step_count, 0);
    assert_null(s.steps);
    lm_schedule_free(&s); /* an empty one is allowed */
}

static void test_impossible_inputs_are_refused_like_plans(void **state) {
    (void)state;
    static const struct {
        input in;
        const char *expected;
    } cases[] = {
        {{0, 224, 224}, "must be positive"}, /* no image */
        {{1024, 16384, 16384}, "too large"}, /* more elements than a tensor may hold */
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        lm_graph *g = lm_zoo_build(lm_zoo_find("shufflenet_v2_x1_0"), cases[c].in.batch, cases[c].in.height,
                                   cases[c].in.width);
        assert_non_null(g);
        assert_non_null(lm_graph_error(g));
        assert_both_refuse(g, cases[c].expected);
        lm_graph_destroy(g);
    }
    lm_graph *g = lm_graph_create("broken", (lm_shape){1, 8, 8, 3});
    lm_graph_conv(g, "stem", 0, 16, 3, 1, 2, false); /* 3 channels in 2 groups */
    assert_both_refuse(g, "'stem'");
    lm_graph_destroy(g);
    g = lm_graph_create("no_output", (lm_shape){1, 8, 8, 3});
    lm_graph_conv(g, "stem", 0, 16, 3, 1, 1, false);
    assert_both_refuse(g, "no output");
    lm_graph_destroy(g);
}

static void test_schedule_allocates_no_activations(void **state) {
    (void)state;
    /* 16 branches of 4 GiB each, all alive until the sums: a plan would need some 70 GiB of arena. */
    enum { BRANCHES = 16 };
    const lm_shape in = {1, 16384, 16384, 4}; /* 2^30 elements, as large as a tensor may be */
    const size_t tensor = lm_shape_elements(in) * sizeof(float);
    lm_graph *g = lm_graph_create("wide", in);
    lm_tensor branch[BRANCHES];
    for (int b = 0; b < BRANCHES; b++) {
        char name[16];
        snprintf(name, sizeof name, "conv%d", b);
        branch[b] = lm_graph_conv(g, name, 0, 4, 1, 1, 1, false);
    }
    lm_tensor sum = branch[0];
    for (int b = 1; b < BRANCHES; b++) {
        char name[16];
        snprintf(name, sizeof name, "add%d", b);
        sum = lm_graph_add2(g, name, sum, branch[b]);
    }
    lm_graph_output(g, sum);
    if (lm_graph_error(g)) fail_msg("%s", lm_graph_error(g));
    const lm_plan_options o = {.usable_isas = usable_isas};
    char err[256];
    lm_schedule s;
    if (lm_schedule_make(g, &o, &s, err, sizeof err) != 0) fail_msg("%s", err);
    print_message("# wide: arena %.1f GiB, peak %.1f GiB\n", (double)s.arena_bytes / (1u << 30),
                  (double)s.peak_activation_bytes / (1u << 30));
    assert_true(s.peak_activation_bytes >= (BRANCHES + 1) * tensor); /* the input and every branch */
    assert_true(s.arena_bytes >= s.peak_activation_bytes);
    lm_schedule_free(&s);
    lm_graph_destroy(g);
}

static int group_setup(void **state) {
    (void)state;
    lm_host *host = lm_host_probe();
    if (!host) return -1;
    const int status = fixture_isas(host, &usable_isas); /* LATMAC_ISA caps what dispatch may use */
    lm_host_free(host);
    return status;
}

int main(void) {
    const struct CMUnitTest fixed[] = {
        cmocka_unit_test(test_impossible_inputs_are_refused_like_plans),
        cmocka_unit_test(test_schedule_allocates_no_activations),
    };
    return fixture_run_with_zoo("schedule", fixed, sizeof fixed / sizeof fixed[0], test_network_schedule_matches_plan, group_setup,
                                NULL);
}
