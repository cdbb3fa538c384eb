/* The kernel suite and the runner: the suite has every shape the guidelines need and one case of every
 * operator kind, all valid; planning names cases kernels/<shape>/<backend>/threads:<N> and filters
 * them; a tiny run through Google Benchmark records repetitions, aggregates and the kernel chosen. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/net/case_data.h"
#include "bench/host/isa.h"
#include "bench/measure/kernel_suite.h"
#include "bench/measure/net_suite.h"
#include "bench/peers/peer.h"
#include "bench/peers/parallel_region.h"
#include "bench/measure/runner.h"
#include "bench/stats/summary.h"

static const char *const required[] = {
    "pw_128x128_56", "pw_58x58_28", "pw_116x116_14", "pw_232x232_7", "pw_464x1024_7", "dw3x3s1_58_28",
    "dw3x3s1_116_14", "dw3x3s1_232_7", "dw3x3s2_116_28to14", "conv3x3s2_3x24_224to112", "gpw_g1_c128_56",
    "gpw_g2_c180_56", "gpw_g4_c256_56", "gpw_g8_c360_56", "shuffle_g2_116_28", "concat_58_58_28", "split_116_28",
    "add_116_28", "relu_116_28", "hswish_120_28",
};

static void test_suite_cases_are_valid_and_cover_every_kind(void **state) {
    (void)state;
    bool kinds[LM_OP_KIND_COUNT] = {false};
    for (int i = 0; i < lm_kernel_suite_count; i++) {
        const lm_kernel_case *c = &lm_kernel_suite[i];
        char err[256];
        if (c->category == LM_CASE_RUNTIME) continue; /* no operator to validate */
        if (lm_op_validate(&c->desc, err, sizeof err) != 0) fail_msg("%s: %s", c->name, err);
        assert_int_equal(c->desc.in.n, 1);
        assert_ptr_equal(lm_kernel_case_find(c->name), c); /* names are unique */
        kinds[c->desc.kind] = true;
        if (c->desc.kind == LM_OP_CONV) { /* what peers compute too */
            assert_true(c->desc.conv.bias);
            assert_int_equal(c->desc.act, LM_ACT_NONE);
            assert_int_equal(c->category, LM_CASE_CONV);
        }
    }
    for (int k = 0; k < LM_OP_KIND_COUNT; k++)
        if (!kinds[k]) fail_msg("no case of kind %s", lm_op_kind_name((lm_op_kind)k));
    assert_null(lm_kernel_case_find("nonesuch"));
}

static void test_suite_shapes_are_what_their_names_say(void **state) {
    (void)state;
    const lm_kernel_case *pw = lm_kernel_case_find("pw_128x128_56"), *dw = lm_kernel_case_find("dw3x3s2_116_28to14"),
                         *stem = lm_kernel_case_find("conv3x3s2_3x24_224to112"),
                         *g8 = lm_kernel_case_find("gpw_g8_c360_56"), *split = lm_kernel_case_find("split_116_28"),
                         *se = lm_kernel_case_find("mul_bcast_120_28");
    assert_non_null(pw);
    assert_int_equal(lm_op_cost_of(&pw->desc).madds, 56ull * 56 * 128 * 128);
    const lm_shape dw_out = lm_op_output_shape(&dw->desc, 0);
    assert_int_equal(dw_out.h, 14);
    assert_int_equal(dw->desc.conv.groups, 116);
    const lm_shape stem_out = lm_op_output_shape(&stem->desc, 0);
    assert_int_equal(stem_out.h, 112);
    assert_int_equal(stem_out.c, 24);
    assert_int_equal(g8->desc.conv.groups, 8);
    assert_int_equal(g8->desc.in.c, 360);
    assert_int_equal(lm_op_output_count(&split->desc), 2);
    assert_int_equal(lm_op_output_shape(&split->desc, 1).c, 58);
    assert_true(se->desc.binary.broadcast);
    for (int i = 0; i < lm_kernel_suite_count; i++) {
        const lm_kernel_case *c = &lm_kernel_suite[i];
        const bool arithmetic = c->category == LM_CASE_CONV || c->category == LM_CASE_FC || c->category == LM_CASE_RUNTIME;
        assert_int_equal(lm_case_category_memory_bound(c->category), !arithmetic);
    }
    char text[160];
    lm_op_describe(&dw->desc, text, sizeof text);
    assert_string_equal(text, "conv 3x3 stride 2 pad 1 groups 116 bias, 28x28x116 -> 14x14x116");
    lm_op_describe(&split->desc, text, sizeof text);
    assert_string_equal(text, "split, 28x28x116 -> 28x28x58+28x28x58");
}

static void test_case_data_is_seeded(void **state) {
    (void)state;
    const lm_kernel_case *bn = lm_kernel_case_find("bn_116_28");
    lm_case_data a, b;
    assert_int_equal(lm_case_data_create(&bn->desc, lm_seed_of(bn->name), &a), 0);
    assert_int_equal(lm_case_data_create(&bn->desc, lm_seed_of(bn->name), &b), 0);
    const size_t n = lm_shape_elements(bn->desc.in);
    assert_memory_equal(a.in[0], b.in[0], n * sizeof(float));
    assert_memory_equal(a.params, b.params, lm_op_param_floats(&bn->desc) * sizeof(float));
    for (int c = 0; c < bn->desc.in.c; c++) assert_true(a.params[3 * bn->desc.in.c + c] > 0); /* variances */
    for (size_t i = 0; i < n; i++) assert_true(a.in[0][i] >= -1 && a.in[0][i] < 1);
    assert_int_equal((uintptr_t)a.in[0] % 64, 0);
    lm_case_data_free(&a);
    lm_case_data_free(&b);
    assert_true(lm_seed_of("a") != lm_seed_of("b"));
}

/* ---- planning and running ---- */

static lm_host *host;

static int probe(void **state) {
    (void)state;
    host = lm_host_probe();
    return host ? 0 : -1;
}

static int release(void **state) {
    (void)state;
    lm_host_free(host);
    return 0;
}

static lm_run_config config(const int *threads, size_t count, const regex_t *filter) {
    return (lm_run_config){.host = host, .suite = &lm_suite_kernels, .filter = filter, .threads = threads,
                           .thread_count = count, .repetitions = 2, .min_time = 0.001, .warmup_time = 0.0005};
}

/* A run of the kernel cases `pattern` matches at the given thread counts, counted by `progress`. */
static lm_run_config filtered(const char *pattern, regex_t *filter, const int *threads, size_t count,
                              lm_progress *progress) {
    assert_int_equal(regcomp(filter, pattern, REG_EXTENDED | REG_NOSUB), 0);
    lm_progress_init(progress, NULL);
    lm_run_config cfg = config(threads, count, filter);
    cfg.progress = progress;
    return cfg;
}

static const lm_result_case *find_case(const lm_results *r, const char *name) {
    for (size_t i = 0; i < r->case_count; i++)
        if (strcmp(r->cases[i].name, name) == 0) return &r->cases[i];
    return NULL;
}

static void test_plan_names_every_case(void **state) {
    (void)state;
    const int threads[] = {1, 1};
    lm_results r = {0};
    char err[256], name[320];
    lm_run_config cfg = config(threads, 2, NULL);
    assert_int_equal(lm_runner_plan(&cfg, &r, err, sizeof err), 0);
    assert_int_equal(r.thread_count_count, 1); /* duplicates dropped */
    for (size_t i = 0; i < sizeof required / sizeof *required; i++) {
        snprintf(name, sizeof name, "kernels/%s/latmac/threads:1", required[i]);
        if (!find_case(&r, name)) fail_msg("no case %s", name);
    }
    size_t expected = 0;
    for (int i = 0; i < lm_kernel_suite_count; i++)
        expected += lm_kernel_suite[i].category == LM_CASE_RUNTIME
                        ? (size_t)lm_region_runtime_count /* an empty region per threading runtime */
                        : 1 + (size_t)lm_peer_backend_count + lm_case_category_memory_bound(lm_kernel_suite[i].category);
    assert_int_equal(r.case_count, expected);
    for (size_t i = 0; i < r.case_count; i++) {
        const lm_result_case *c = &r.cases[i];
        snprintf(name, sizeof name, "kernels/%s/%s/threads:%d", c->shape, c->backend, c->threads);
        assert_string_equal(c->name, name);
        assert_int_equal(c->run_count, 0);
        assert_true(c->mac > 0 || strcmp(c->shape, "parallel_empty") == 0);
    }
    assert_non_null(find_case(&r, "kernels/relu_116_28/memcpy/threads:1"));
    assert_null(find_case(&r, "kernels/pw_58x58_28/memcpy/threads:1")); /* convolutions have no yardstick */
    const lm_result_case *copy = find_case(&r, "kernels/add_116_28/memcpy/threads:1");
    assert_int_equal(copy->mac, 2 * 2 * 28 * 28 * 116); /* both inputs, read and written */
    assert_int_equal(copy->madds, 0);
    lm_results_free(&r);

    cfg.suite = NULL;
    assert_int_equal(lm_runner_plan(&cfg, &r, err, sizeof err), -1);
    assert_string_equal(err, "no suite to plan");
    lm_results_free(&r);
}

static void test_plan_filters_by_name(void **state) {
    (void)state;
    regex_t filter;
    assert_int_equal(regcomp(&filter, "^kernels/(relu|add)_116_28/latmac/", REG_EXTENDED | REG_NOSUB), 0);
    const int threads[] = {1};
    lm_results r = {0};
    char err[256];
    lm_run_config cfg = config(threads, 1, &filter);
    assert_int_equal(lm_runner_plan(&cfg, &r, err, sizeof err), 0);
    assert_int_equal(r.case_count, 2);
    assert_string_equal(r.cases[0].name, "kernels/add_116_28/latmac/threads:1");
    assert_string_equal(r.cases[1].name, "kernels/relu_116_28/latmac/threads:1");
    lm_results_free(&r);
    regfree(&filter);
    assert_int_equal(regcomp(&filter, "matches nothing", REG_EXTENDED | REG_NOSUB), 0);
    assert_int_equal(lm_runner_plan(&cfg, &r, err, sizeof err), 0);
    assert_int_equal(r.case_count, 0);
    lm_results_free(&r);
    regfree(&filter);
}

/* Caps side by side: each latmac case once per cap, named with it and dispatched under it; peers once;
 * a cap the host cannot run refused before anything is planned. */
static void test_plan_times_each_cap(void **state) {
    (void)state;
    regex_t filter;
    assert_int_equal(regcomp(&filter, "^kernels/pw_58x58_28/", REG_EXTENDED | REG_NOSUB), 0);
    const int threads[] = {1};
    const unsigned usable = lm_usable_isas(host);
    const lm_isa caps[] = {lm_isa_best(usable), LM_ISA_REFERENCE};
    lm_results r = {0};
    char err[256];
    lm_run_config cfg = config(threads, 1, &filter);
    cfg.isas = caps, cfg.isa_count = caps[0] == LM_ISA_REFERENCE ? 1 : 2;
    assert_int_equal(lm_runner_plan(&cfg, &r, err, sizeof err), 0);
    const lm_result_case *ref = find_case(&r, cfg.isa_count == 2 ? "kernels/pw_58x58_28/latmac/isa:reference/threads:1"
                                                                 : "kernels/pw_58x58_28/latmac/threads:1");
    assert_non_null(ref);
    assert_string_equal(ref->isa, "reference");
    assert_string_equal(ref->kernel, "lm_f32_conv_nhwc__ref");
    assert_int_equal(ref->executed_madds, ref->madds);
    assert_int_equal(r.timed_isas, LM_ISA_BIT(caps[0]) | LM_ISA_BIT(LM_ISA_REFERENCE));
    size_t latmac = 0, peers = 0;
    for (size_t i = 0; i < r.case_count; i++) {
        const lm_result_case *c = &r.cases[i];
        if (strcmp(c->backend, LM_BACKEND_LATMAC) == 0) {
            latmac++;
            assert_true(c->executed_madds >= c->madds); /* 58 channels: whole vectors at most */
        } else {
            peers++;
            assert_string_equal(c->isa, ""); /* a peer dispatches on its own */
            assert_null(strstr(c->name, "/isa:"));
        }
    }
    assert_int_equal(latmac, cfg.isa_count);
    assert_int_equal(peers, (size_t)lm_peer_backend_count);
    lm_results_free(&r);
    for (int isa = 0; isa < LM_ISA_COUNT; isa++) { /* a cap this host cannot run, where there is one */
        if (usable & LM_ISA_BIT(isa)) continue;
        const lm_isa beyond = (lm_isa)isa;
        cfg.isas = &beyond, cfg.isa_count = 1;
        assert_int_equal(lm_runner_plan(&cfg, &r, err, sizeof err), -1);
        assert_non_null(strstr(err, "this host cannot run"));
        lm_results_free(&r);
    }
    regfree(&filter);
}

static void test_a_tiny_run_records_everything(void **state) {
    (void)state;
    regex_t filter;
    const int threads[] = {1, 2};
    const size_t thread_counts = host->placement_count >= 2 ? 2 : 1;
    lm_results r = {0};
    char err[256];
    lm_progress progress;
    lm_run_config cfg = filtered("^kernels/relu_116_28/(latmac|memcpy)/", &filter, threads, thread_counts, &progress);
    assert_int_equal(lm_runner_plan(&cfg, &r, err, sizeof err), 0);
    assert_int_equal(r.case_count, 2 * thread_counts);
    assert_int_equal(progress.total, r.case_count);
    if (lm_runner_run(&cfg, &r, err, sizeof err) != 0) fail_msg("run failed: %s", err);
    assert_non_null(r.gb_context_json);
    assert_false(r.partial);
    assert_int_equal(r.cases_planned, r.case_count);
    assert_int_equal(progress.done, r.case_count); /* each case counted once, at its median */
    assert_true(fabs(progress.expected_done - progress.expected_total) < 1e-12);
    for (size_t i = 0; i < r.case_count; i++) {
        const lm_result_case *c = &r.cases[i];
        assert_false(lm_result_failed(c));
        assert_int_equal(c->family_index, (int64_t)i); /* ran in the planned order */
        assert_int_equal(c->run_count, 2 + 6);          /* two repetitions; mean median stddev cv min max */
        assert_string_equal(c->time_unit, "us");
        assert_non_null(lm_result_aggregate(c, "min"));
        assert_non_null(lm_result_aggregate(c, "max"));
        double median;
        assert_true(lm_result_seconds(c, "median", &median));
        assert_true(median > 0);
        assert_int_equal(c->placement_count, (size_t)c->threads);
        assert_int_equal(c->placement[0], host->placement[0]);
        if (strcmp(c->backend, "latmac") == 0) assert_non_null(strstr(c->kernel, "lm_f32_activation_nhwc__"));
        else assert_string_equal(c->kernel, "memcpy");
    }
    double fraction;
    assert_true(lm_result_copy_fraction(&r, &r.cases[0], &fraction));
    assert_true(fraction > 0);
    lm_results_free(&r);
    regfree(&filter);
}

/* Rounds: every case is timed again each round, each repetition marked with its round, the aggregates
 * computed once over all of them; the progress counts a case once a round. */
static void test_rounds_replicate_every_case(void **state) {
    (void)state;
    regex_t filter;
    const int threads[] = {1};
    lm_results r = {0};
    char err[256];
    lm_progress progress;
    lm_run_config cfg = filtered("^kernels/(relu|add)_116_28/latmac/", &filter, threads, 1, &progress);
    cfg.rounds = 3;
    cfg.seed = 5;
    assert_int_equal(lm_runner_plan(&cfg, &r, err, sizeof err), 0);
    assert_int_equal(r.case_count, 2);
    assert_int_equal(progress.total, 3 * r.case_count);
    if (lm_runner_run(&cfg, &r, err, sizeof err) != 0) fail_msg("run failed: %s", err);
    assert_int_equal(r.rounds, 3);
    assert_int_equal(r.seed, 5);
    assert_int_equal(progress.done, 3 * r.case_count); /* each round's process tells this one its count */
    for (size_t i = 0; i < r.case_count; i++) {
        const lm_result_case *c = &r.cases[i];
        assert_string_not_equal(c->kernel, ""); /* what dispatch chose in the round's process */
        int per_round[3] = {0, 0, 0};
        double times[6];
        size_t n = 0;
        for (size_t k = 0; k < c->run_count; k++) {
            if (c->runs[k].is_aggregate) continue;
            assert_true(c->runs[k].round >= 0 && c->runs[k].round < 3);
            per_round[c->runs[k].round]++;
            assert_int_equal(c->runs[k].repetition_index, (int64_t)n); /* numbered across rounds */
            times[n++] = c->runs[k].real_time;
        }
        assert_int_equal(n, 6);
        for (int k = 0; k < 3; k++) assert_int_equal(per_round[k], 2);
        assert_int_equal(c->run_count, 6 + 6); /* one set of aggregates, over every round */
        assert_int_equal(c->repetitions, 6);
        const lm_result_run *median = lm_result_aggregate(c, "median");
        assert_non_null(median);
        assert_true(median->real_time == lm_median(times, n));
        assert_true(lm_result_aggregate(c, "min")->real_time <= median->real_time);
    }
    lm_results_free(&r);
    regfree(&filter);
}

/* Interrupted before it starts: no case is prepared or kept, and the results say they are partial. */
static void test_an_interrupted_run_keeps_no_unfinished_case(void **state) {
    (void)state;
    regex_t filter;
    const int threads[] = {1};
    lm_results r = {0};
    char err[256];
    lm_progress progress;
    static volatile sig_atomic_t stop = SIGINT;
    lm_run_config cfg = filtered("^kernels/relu_116_28/(latmac|memcpy)/", &filter, threads, 1, &progress);
    cfg.interrupted = &stop;
    assert_int_equal(lm_runner_plan(&cfg, &r, err, sizeof err), 0);
    assert_int_equal(r.case_count, 2);
    if (lm_runner_run(&cfg, &r, err, sizeof err) != 0) fail_msg("run failed: %s", err);
    assert_true(r.partial);
    assert_int_equal(r.cases_planned, 2);
    assert_int_equal(r.case_count, 0);
    assert_int_equal(progress.done, 0); /* an interrupted case is not counted as finished */
    lm_results_free(&r);
    regfree(&filter);
}

/* ---- the nets suite ---- */

static void test_nets_plan_names_networks_and_layers(void **state) {
    (void)state;
    const int threads[] = {1, 2};
    const char *const nets[] = {"shufflenet_v2_x0_5", "mobilenet_v2_x1_0"};
    lm_results r = {0};
    char err[256];
    lm_run_config cfg = config(threads, 2, NULL);
    cfg.suite = &lm_suite_nets;
    cfg.nets = nets;
    cfg.net_count = 2;
    cfg.input_h = 160, cfg.input_w = 128;
    assert_int_equal(lm_runner_plan(&cfg, &r, err, sizeof err), 0);
    assert_int_equal(r.case_count, 4);
    const lm_result_case *c = find_case(&r, "nets/shufflenet_v2_x0_5@1x160x128/latmac/threads:2");
    assert_non_null(c);
    assert_string_equal(c->network, "shufflenet_v2_x0_5");
    assert_int_equal(c->layer_index, -1);
    assert_int_equal(c->params, 1366792); /* the definition's, as published */
    assert_true(c->steps < c->layers);  /* BatchNorm folded, activations fused */
    assert_true(c->peak_activation_bytes > 160 * 128 * 3 * sizeof(float));
    /* the torchvision name answers to the _x1_0 pattern; cases keep the zoo's name */
    assert_non_null(find_case(&r, "nets/mobilenet_v2@1x160x128/latmac/threads:1"));
    lm_results_free(&r);

    cfg.per_layer = true;
    cfg.net_count = 1;
    lm_progress progress;
    lm_progress_init(&progress, NULL);
    cfg.progress = &progress;
    assert_int_equal(lm_runner_plan(&cfg, &r, err, sizeof err), 0);
    const lm_result_case *net = find_case(&r, "nets/shufflenet_v2_x0_5@1x160x128/latmac/threads:1");
    assert_non_null(net);
    assert_int_equal(r.case_count, 2 * (size_t)(1 + net->steps));
    /* the progress expects each case's warm-up and repetitions, a layer's at a tenth of the time */
    const double one = cfg.warmup_time + cfg.repetitions * cfg.min_time;
    assert_int_equal(progress.total, r.case_count);
    assert_true(fabs(progress.expected_total - 2 * (one + net->steps * one / 10)) < 1e-9);
    const lm_result_case *first = net + 1;
    assert_string_equal(first->name, "nets/shufflenet_v2_x0_5@1x160x128/layer:000:conv1.0/latmac/threads:1");
    assert_int_equal(first->layer_index, 0);
    assert_string_equal(first->category, "Conv");
    assert_non_null(strstr(first->description, "absorbed bn+relu"));
    uint64_t madds = 0;
    for (size_t i = 0; i < r.case_count; i++)
        if (r.cases[i].layer_index >= 0 && r.cases[i].threads == 1) madds += r.cases[i].madds;
    assert_int_equal(madds, net->madds); /* the layers add up to the network */
    lm_results_free(&r);
}

static void test_nets_plan_rejects_bad_networks_and_inputs(void **state) {
    (void)state;
    const int threads[] = {1};
    const char *const unknown[] = {"shufflenet_v2_x1_0", "resnet50"};
    lm_results r = {0};
    char err[256];
    lm_run_config cfg = config(threads, 1, NULL);
    cfg.suite = &lm_suite_nets;
    cfg.nets = unknown;
    cfg.net_count = 2;
    assert_int_equal(lm_runner_plan(&cfg, &r, err, sizeof err), -1);
    assert_non_null(strstr(err, "unknown network 'resnet50'"));
    lm_results_free(&r);
    /* 50000 x 50000 x 24 floats after the stem overflow what one tensor may hold: named, not crashed */
    cfg.net_count = 1;
    cfg.input_h = 100000, cfg.input_w = 100000;
    assert_int_equal(lm_runner_plan(&cfg, &r, err, sizeof err), -1);
    assert_non_null(strstr(err, "shufflenet_v2_x1_0 cannot take a 1x100000x100000 input"));
    assert_non_null(strstr(err, "layer '"));
    lm_results_free(&r);
}

static void test_a_tiny_network_run_breaks_down_by_category(void **state) {
    (void)state;
    const int threads[] = {1, 2};
    const size_t thread_counts = host->placement_count >= 2 ? 2 : 1;
    const char *const nets[] = {"shufflenet_v2_x0_5"};
    lm_results r = {0};
    char err[256];
    lm_run_config cfg = config(threads, thread_counts, NULL);
    cfg.suite = &lm_suite_nets;
    cfg.nets = nets;
    cfg.net_count = 1;
    cfg.input_h = cfg.input_w = 64;
    cfg.per_layer = true;
    assert_int_equal(lm_runner_plan(&cfg, &r, err, sizeof err), 0);
    if (lm_runner_run(&cfg, &r, err, sizeof err) != 0) fail_msg("run failed: %s", err);
    for (size_t i = 0; i < r.case_count; i++) {
        const lm_result_case *c = &r.cases[i];
        if (lm_result_failed(c)) fail_msg("%s failed: %s", c->name, c->runs[0].error_message);
        assert_int_equal(c->run_count, 2 + 6);
        if (c->layer_index >= 0) continue;
        double images, median;
        assert_true(lm_result_seconds(c, "median", &median));
        assert_true(lm_result_images_per_second(c, &images));
        assert_true(fabs(images * median - 1) < 1e-9);
        assert_true(c->has_profile); /* where an end-to-end run's time goes */
        double profiled = 0;
        for (int k = 0; k < LM_RESULT_LAYER_CATEGORIES; k++) profiled += c->profile_seconds[k];
        assert_true(c->profile_seconds[0] > 0 && profiled > 0);
        lm_result_breakdown b;
        assert_true(lm_result_net_breakdown(&r, c, &b));
        assert_int_equal(b.layers_timed, c->steps);
        double sum = 0;
        for (int k = 0; k < LM_RESULT_LAYER_CATEGORIES; k++) sum += b.category_seconds[k];
        assert_true(fabs(sum - b.layers_seconds) <= 1e-12 + 1e-9 * sum);
        assert_true(b.category_seconds[0] > 0); /* Conv */
        assert_true(b.category_seconds[1] > 0); /* Concat/Split: split and concat */
        assert_true(b.category_seconds[3] > 0); /* Shuffle */
        assert_true(fabs(b.gap_seconds - (median - b.layers_seconds)) < 1e-12);
    }
    lm_results_free(&r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_suite_cases_are_valid_and_cover_every_kind),
        cmocka_unit_test(test_suite_shapes_are_what_their_names_say),
        cmocka_unit_test(test_case_data_is_seeded),
        cmocka_unit_test(test_plan_names_every_case),
        cmocka_unit_test(test_plan_filters_by_name),
        cmocka_unit_test(test_plan_times_each_cap),
        cmocka_unit_test(test_a_tiny_run_records_everything),
        cmocka_unit_test(test_rounds_replicate_every_case),
        cmocka_unit_test(test_an_interrupted_run_keeps_no_unfinished_case),
        cmocka_unit_test(test_nets_plan_names_networks_and_layers),
        cmocka_unit_test(test_nets_plan_rejects_bad_networks_and_inputs),
        cmocka_unit_test(test_a_tiny_network_run_breaks_down_by_category),
    };
    return cmocka_run_group_tests_name("runner", tests, probe, release);
}
