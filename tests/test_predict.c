/* bench/predict and its file: the relative non-negative fit recovers known coefficients, never returns
 * a negative one and refuses what it cannot solve; steps fall in the classes their kernels share;
 * the features split MAC into weights and near or far activations and count pooling windows; the
 * calibration's shapes are valid, of their class, bounded and the same for a seed; a calibration fit
 * on samples made from a known model gives that model back, per class and per kernel, and predicts
 * with the kernel's coefficients before the class's; the models' file round-trips and malformed ones
 * are refused with the field named; the proxies' comparison finds a latency that follows MAC. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench/predict/calibration.h"
#include "bench/predict/calibration_shapes.h"
#include "bench/predict/proxy_comparison.h"
#include "bench/predict/relative_fit.h"
#include "bench/predict/step_model.h"
#include "kernels/kernel.h"
#include "reports/step_model_file.h"

static void test_fit_recovers_known_coefficients(void **state) {
    (void)state;
    enum { N = 30 };
    double x[N * 3], y[N], beta[3];
    for (int i = 0; i < N; i++) {
        const double a = 1 + i, b = 100.0 / (1 + i % 7);
        x[3 * i] = 1, x[3 * i + 1] = a, x[3 * i + 2] = b;
        y[i] = 2e-6 + 3e-9 * a + 5e-10 * b; /* exact */
    }
    assert_int_equal(lm_relative_fit(x, y, N, 3, beta), 0);
    assert_true(fabs(beta[0] / 2e-6 - 1) < 1e-6 && fabs(beta[1] / 3e-9 - 1) < 1e-6 && fabs(beta[2] / 5e-10 - 1) < 1e-6);
}

static void test_fit_keeps_coefficients_non_negative(void **state) {
    (void)state;
    enum { N = 20 };
    double x[N * 2], y[N], beta[2];
    for (int i = 0; i < N; i++) { /* y falls with the second term: unconstrained, its coefficient is negative */
        x[2 * i] = 1 + i, x[2 * i + 1] = 1 + i * i;
        y[i] = 10.0 * (1 + i) - 0.1 * (1 + i * i) + 50;
    }
    assert_int_equal(lm_relative_fit(x, y, N, 2, beta), 0);
    assert_true(beta[0] >= 0 && beta[1] >= 0);
    assert_true(beta[1] == 0); /* dropped: any share of it makes the fit worse */
    double one = 1, two = 2, b;
    assert_int_equal(lm_relative_fit(&one, &two, 0, 1, &b), -1);   /* no sample */
    assert_int_equal(lm_relative_fit(&one, &two, 1, 9, &b), -1);   /* too many terms */
    double zeros[4] = {0, 0, 0, 0}, ys[2] = {1, 2};
    assert_int_equal(lm_relative_fit(zeros, ys, 2, 2, beta), -1); /* nothing to solve with */
}

static void test_classes(void **state) {
    (void)state;
    const lm_shape s = {1, 14, 14, 64};
    lm_op_desc d = lm_op_conv(s, 128, 1, 1, 0, 1, false, LM_ACT_NONE);
    assert_int_equal(lm_step_class_of(&d), LM_STEP_CONV_POINTWISE);
    d = lm_op_conv(s, 64, 3, 1, 1, 64, false, LM_ACT_NONE);
    assert_int_equal(lm_step_class_of(&d), LM_STEP_CONV_DEPTHWISE);
    d = lm_op_conv(s, 128, 1, 1, 0, 4, false, LM_ACT_NONE);
    assert_int_equal(lm_step_class_of(&d), LM_STEP_CONV_GROUPED);
    d = lm_op_conv(s, 128, 3, 2, 1, 1, false, LM_ACT_NONE);
    assert_int_equal(lm_step_class_of(&d), LM_STEP_CONV_DENSE);
    d = (lm_op_desc){.kind = LM_OP_CONCAT_SHUFFLE_SPLIT, .in = s};
    assert_int_equal(lm_step_class_of(&d), LM_STEP_DATA);
    d = (lm_op_desc){.kind = LM_OP_GLOBAL_AVGPOOL, .in = s};
    assert_int_equal(lm_step_class_of(&d), LM_STEP_POOL);
    d = (lm_op_desc){.kind = LM_OP_BATCHNORM, .in = s};
    assert_int_equal(lm_step_class_of(&d), LM_STEP_ELEMENTWISE);
    for (int c = 0; c < LM_STEP_CLASS_COUNT; c++) assert_string_not_equal(lm_step_class_name((lm_step_class)c), "unknown");
}

static void test_features(void **state) {
    (void)state;
    const lm_op_desc conv = lm_op_conv((lm_shape){1, 14, 14, 64}, 128, 1, 1, 0, 1, true, LM_ACT_NONE);
    const lm_kernel *k = lm_kernel_reference(LM_OP_CONV);
    const lm_op_cost cost = lm_op_cost_of(&conv);
    const double activations = (double)(14 * 14 * (64 + 128)) * 4;
    lm_step_features f = lm_step_features_of(&conv, k, 1e9);
    assert_true(f.work == (double)lm_kernel_executed_madds(k, &conv));
    assert_true(f.weight_bytes == (double)cost.params * 4 && f.weight_bytes == (64 * 128 + 128) * 4.0);
    assert_true(f.near_bytes == activations && f.far_bytes == 0);
    assert_true(f.weight_bytes + f.near_bytes == (double)cost.mac * 4);
    f = lm_step_features_of(&conv, k, activations - 1); /* no longer fits: far */
    assert_true(f.near_bytes == 0 && f.far_bytes == activations);
    lm_op_desc pool = {.kind = LM_OP_MAXPOOL, .in = {1, 14, 14, 8}};
    pool.pool.kernel = 3, pool.pool.stride = 2, pool.pool.pad = 1;
    f = lm_step_features_of(&pool, lm_kernel_reference(LM_OP_MAXPOOL), 1e9);
    assert_true(f.work == 7.0 * 7 * 8 * 9); /* output cells x window taps */
}

static void test_shapes(void **state) {
    (void)state;
    lm_op_desc a[LM_CALIBRATION_SHAPES], b[LM_CALIBRATION_SHAPES];
    for (int c = 0; c < LM_STEP_CLASS_COUNT; c++) {
        const size_t n = lm_calibration_shapes((lm_step_class)c, 7, a, LM_CALIBRATION_SHAPES);
        assert_int_equal(n, LM_CALIBRATION_SHAPES);
        assert_int_equal(lm_calibration_shapes((lm_step_class)c, 7, b, LM_CALIBRATION_SHAPES), n);
        assert_memory_equal(a, b, n * sizeof a[0]); /* the same for a seed */
        for (size_t i = 0; i < n; i++) {
            assert_int_equal(lm_op_validate(&a[i], NULL, 0), 0);
            assert_int_equal(lm_step_class_of(&a[i]), c);
            const lm_op_cost cost = lm_op_cost_of(&a[i]);
            assert_true(cost.madds <= 150000000u && cost.mac * 4 <= 64u << 20);
        }
    }
}

/* Samples of every class timed as `truth` predicts (exactly), for the fit to find it again. */
static size_t synthetic_samples(const lm_step_model *truth, lm_calibration_sample *out) {
    size_t n = 0;
    for (int c = 0; c < LM_STEP_CLASS_COUNT; c++) {
        lm_op_desc shapes[LM_CALIBRATION_SHAPES];
        const size_t count = lm_calibration_shapes((lm_step_class)c, 3, shapes, LM_CALIBRATION_SHAPES);
        for (size_t i = 0; i < count; i++) {
            lm_calibration_sample *s = &out[n++];
            s->desc = shapes[i];
            s->step_class = (lm_step_class)c;
            s->kernel = lm_kernel_select(&shapes[i], 0); /* the references */
            s->features = lm_step_features_of(&shapes[i], s->kernel, truth->near_limit);
            s->seconds = lm_step_predict(truth, &shapes[i], s->kernel);
        }
    }
    return n;
}

static void test_calibration_fit_finds_the_model(void **state) {
    (void)state;
    lm_step_model truth = {.isa = LM_ISA_REFERENCE, .threads = 1, .near_limit = 1 << 20};
    for (int c = 0; c < LM_STEP_CLASS_COUNT; c++)
        truth.classes[c] = (lm_step_coefficients){.tau = 1e-6 * (c + 1), .seconds_per_madd = 1e-10,
                                                  .seconds_per_weight_byte = 2e-11, .seconds_per_near_byte = 1e-11,
                                                  .seconds_per_far_byte = 3e-11, .samples = 1};
    lm_calibration_sample *samples = malloc(LM_STEP_CLASS_COUNT * LM_CALIBRATION_SHAPES * sizeof *samples);
    assert_non_null(samples);
    const size_t n = synthetic_samples(&truth, samples);
    lm_step_model m = {.isa = LM_ISA_REFERENCE, .threads = 1, .near_limit = truth.near_limit};
    lm_calibration_fit(samples, n, &m);
    for (size_t i = 0; i < n; i++) { /* every sample predicted again, through its kernel's or class's coefficients */
        const double p = lm_step_predict(&m, &samples[i].desc, samples[i].kernel);
        assert_true(fabs(p / samples[i].seconds - 1) < 1e-6);
    }
    for (int c = 0; c < LM_STEP_CLASS_COUNT; c++) {
        assert_true(m.classes[c].samples >= LM_STEP_TERMS);
        assert_true(m.classes[c].median_error < 1e-6);
    }
    assert_true(m.kernel_count > 0);
    /* a kernel's own coefficients come before its class's */
    const lm_op_desc pw = lm_op_conv((lm_shape){1, 14, 14, 64}, 64, 1, 1, 0, 1, false, LM_ACT_NONE);
    const lm_kernel *k = lm_kernel_select(&pw, 0);
    for (size_t i = 0; i < m.kernel_count; i++)
        if (strcmp(m.kernels[i].kernel, k->name) == 0 && m.kernels[i].step_class == LM_STEP_CONV_POINTWISE)
            m.kernels[i].c.tau += 1.0;
    assert_true(lm_step_predict(&m, &pw, k) > 1.0);
    free(samples);
}

static const char *temp_path(const char *name) {
    static char path[128];
    snprintf(path, sizeof path, "/tmp/latmac-test-predict-%ld-%s", (long)getpid(), name);
    return path;
}

static void write_text(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_file_round_trip_and_malformed(void **state) {
    (void)state;
    lm_step_model_file f = {.calibration_seconds = 12.5, .count = 1};
    snprintf(f.fingerprint, sizeof f.fingerprint, "a host");
    lm_step_model *m = &f.models[0];
    *m = (lm_step_model){.isa = LM_ISA_AVX2, .threads = 2, .near_limit = 2097152, .kernel_count = 1};
    m->classes[LM_STEP_FC] = (lm_step_coefficients){1e-6, 2e-10, 3e-11, 4e-11, 5e-11, 40, 0.05};
    m->kernels[0] = (lm_step_kernel_coefficients){.kernel = "lm_f32_fc_nhwc__avx2", .step_class = LM_STEP_FC,
                                                  .c = m->classes[LM_STEP_FC]};
    char err[512];
    const char *path = temp_path("models.json");
    assert_int_equal(lm_step_model_file_write(path, &f, err, sizeof err), 0);
    lm_step_model_file back;
    assert_int_equal(lm_step_model_file_read(path, &back, err, sizeof err), 0);
    assert_string_equal(back.fingerprint, "a host");
    assert_int_equal(back.count, 1);
    const lm_step_model *b = lm_step_model_find(&back, LM_ISA_AVX2, 2);
    assert_non_null(b);
    assert_null(lm_step_model_find(&back, LM_ISA_AVX2, 1));
    assert_true(fabs(b->classes[LM_STEP_FC].seconds_per_far_byte / 5e-11 - 1) < 1e-9);
    assert_int_equal(b->classes[LM_STEP_FC].samples, 40);
    assert_int_equal(b->classes[LM_STEP_CONV_POINTWISE].samples, 0); /* not calibrated stays so */
    assert_int_equal(b->kernel_count, 1);
    assert_string_equal(b->kernels[0].kernel, "lm_f32_fc_nhwc__avx2");
    assert_int_equal(b->kernels[0].step_class, LM_STEP_FC);

    static const struct {
        const char *text, *expected;
    } bad[] = {
        {"[]", "not a JSON object"},
        {"{\"latmac_step_models\": 2, \"host\": \"h\", \"calibration_seconds\": 1, \"models\": []}", "latmac_step_models"},
        {"{\"latmac_step_models\": 1, \"calibration_seconds\": 1, \"models\": []}", "'host'"},
        {"{\"latmac_step_models\": 1, \"host\": \"h\", \"calibration_seconds\": 1, \"models\": [{\"isa\": \"sse9\", "
         "\"threads\": 1, \"near_limit\": 1, \"classes\": {}, \"kernels\": []}]}",
         "names no instruction set"},
        {"{\"latmac_step_models\": 1, \"host\": \"h\", \"calibration_seconds\": 1, \"models\": [{\"isa\": \"avx2\", "
         "\"threads\": 1, \"near_limit\": 1, \"classes\": {\"fc\": {\"tau\": -1, \"seconds_per_madd\": 0, "
         "\"seconds_per_weight_byte\": 0, \"seconds_per_near_byte\": 0, \"seconds_per_far_byte\": 0, \"samples\": 3, "
         "\"median_error\": 0}}, \"kernels\": []}]}",
         "models[0].classes.fc: a coefficient is negative"},
        {"{\"latmac_step_models\": 1, \"host\": \"h\", \"calibration_seconds\": 1, \"models\": [{\"isa\": \"avx2\", "
         "\"threads\": 1, \"near_limit\": 1, \"classes\": {\"warp\": {}}, \"kernels\": []}]}",
         "no such class"},
        {"{\"latmac_step_models\": 1, \"host\": \"h\", \"calibration_seconds\": 1, \"models\": [{\"isa\": \"avx2\", "
         "\"threads\": 1, \"near_limit\": 1, \"classes\": {}}]}",
         "'kernels' not a list"},
        {"{\"latmac_step_models\": 1, \"host\": \"h\"", "truncated"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        write_text(path, bad[i].text);
        err[0] = '\0';
        assert_int_equal(lm_step_model_file_read(path, &back, err, sizeof err), -1);
        if (!strstr(err, bad[i].expected)) fail_msg("case %zu: expected '%s' in: %s", i, bad[i].expected, err);
    }
    assert_int_equal(lm_step_model_file_read(temp_path("missing.json"), &back, err, sizeof err), -1);
    unlink(path);
}

/* Networks whose latency follows MAC exactly (and MAdds only loosely): MAC and the layer model predict
 * them exactly, MAdds does not, MAC orders every pair of nearly equal MAdds, and what MAC adds to
 * MAdds shows in the partial correlation. */
static void test_proxy_comparison(void **state) {
    (void)state;
    lm_proxy_network nets[40];
    uint64_t seed = 5;
    for (int i = 0; i < 40; i++) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        const double wobble = 0.5 + (double)(seed >> 11) / 9007199254740992.0; /* [0.5, 1.5) */
        const double madds = 40e6 * (1 + i % 4 * 2.5) * (1 + 0.01 * (i / 4)), mac = 1e6 * (1 + i) * wobble;
        nets[i] = (lm_proxy_network){.family = i / 5, .latency = 2e-9 * mac, .madds = madds, .mac = mac,
                                     .predicted = 2e-9 * mac};
    }
    lm_proxy_comparison c;
    assert_int_equal(lm_proxy_compare(nets, 40, 500, 1, &c), 0);
    assert_int_equal(c.networks, 40);
    assert_int_equal(c.families, 8);
    assert_true(c.scores[LM_PROXY_MAC].mape.value < 1e-9 && c.scores[LM_PROXY_LAYER_MODEL].mape.value < 1e-9);
    assert_true(c.scores[LM_PROXY_MADDS].mape.value > 0.1);
    assert_true(c.scores[LM_PROXY_MAC].spearman.value > 0.999);
    assert_true(c.scores[LM_PROXY_MADDS].mape.low <= c.scores[LM_PROXY_MADDS].mape.value &&
                c.scores[LM_PROXY_MADDS].mape.value <= c.scores[LM_PROXY_MADDS].mape.high);
    assert_true(c.partial_mac_given_madds.value > 0.99);
    assert_true(c.bin_pairs > 0 && c.bin_concordance.value == 1.0);
    assert_string_equal(lm_proxy_kind_name(LM_PROXY_MADDS_AND_MAC), "MAdds+MAC");
    for (int i = 0; i < 40; i++) nets[i].family = i % 2; /* two families: nothing to leave out and still fit */
    assert_int_equal(lm_proxy_compare(nets, 40, 10, 1, &c), -1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fit_recovers_known_coefficients),
        cmocka_unit_test(test_fit_keeps_coefficients_non_negative),
        cmocka_unit_test(test_classes),
        cmocka_unit_test(test_features),
        cmocka_unit_test(test_shapes),
        cmocka_unit_test(test_calibration_fit_finds_the_model),
        cmocka_unit_test(test_file_round_trip_and_malformed),
        cmocka_unit_test(test_proxy_comparison),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
