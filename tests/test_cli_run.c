/* `latmac run` end to end: a tiny run writes results.json and results.csv that parse, and every bad
 * invocation exits 2 with one line. The binary's path comes from the LATMAC environment variable. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "latmac_process.h"

#define RUN(...) run_latmac(NULL, (const char *const[]){"run", __VA_ARGS__, NULL})

static char out_dir[64];

static int make_out_dir(void **state) {
    (void)state;
    snprintf(out_dir, sizeof out_dir, "/tmp/latmac-test-run-XXXXXX");
    return mkdtemp(out_dir) ? 0 : -1;
}

static int remove_out_dir(void **state) {
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", out_dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void test_help(void **state) {
    (void)state;
    outcome o = RUN("--help");
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "Usage: latmac run [--suite all|kernels|nets|guidelines] [--quick]"));
    assert_non_null(strstr(o.out, "--only LIST"));
    assert_non_null(strstr(o.out, "--benchmark_"));
    assert_non_null(strstr(o.out, "--per-layer"));
    assert_non_null(strstr(o.out, "nets/<network>@<batch>x<H>x<W>"));
    outcome_free(&o);
    o = run_latmac(NULL, (const char *const[]){"--help", NULL});
    assert_non_null(strstr(o.out, "  run "));
    outcome_free(&o);
}

static void test_bad_invocations(void **state) {
    (void)state;
    const char *o = out_dir;
    assert_usage_error(RUN("--suite", "guess", "--out", o),
                       "latmac run: unknown suite 'guess' (expected kernels, nets, guidelines or all)");
    assert_usage_error(RUN("--suite", "kernels", "--nets", "mobilenet_v2", "--out", o),
                       "--nets, --input, --batch and --per-layer apply to --suite nets");
    assert_usage_error(RUN("--suite", "nets", "--nets", "mobilenet_v2,resnet50", "--out", o),
                       "--nets: unknown network 'resnet50' (see 'latmac list nets')");
    assert_usage_error(RUN("--suite", "nets", "--nets", "mobilenet_v2,", "--out", o), "--nets: 'mobilenet_v2,' is not");
    assert_usage_error(RUN("--suite", "nets", "--input", "224", "--out", o), "--input: '224' is not HEIGHTxWIDTH");
    assert_usage_error(RUN("--suite", "nets", "--input", "0x224", "--out", o), "--input: '0x224'");
    assert_usage_error(RUN("--suite", "nets", "--input", "16385x224", "--out", o), "--input: '16385x224'");
    assert_usage_error(RUN("--suite", "nets", "--batch", "0", "--out", o), "--batch: '0' is not a whole number");
    assert_usage_error(RUN("--suite", "nets", "--batch", "1025", "--out", o), "--batch: '1025'");
    assert_usage_error(RUN("--suite", "nets", "--only", "G1", "--out", o), "--only and --scale apply to --suite guidelines");
    assert_usage_error(RUN("--suite", "guidelines", "--only", "G5", "--out", o),
                       "--only: unknown experiment 'G5' (expected G1 to G4, U1 or N1 to N4)");
    assert_usage_error(RUN("--suite", "guidelines", "--only", "G1,", "--out", o), "--only: 'G1,' is not");
    assert_usage_error(RUN("--suite", "guidelines", "--scale", "3", "--out", o), "--scale: '3' is not 1, 2 or 4");
    assert_usage_error(RUN("--suite", "guidelines", "--scale", "1,x", "--out", o), "--scale: 'x' is not 1, 2 or 4");
    /* a shape too large for one tensor: the network and the layer are named, before anything runs */
    assert_usage_error(RUN("--suite", "nets", "--nets", "mobilenet_v2", "--input", "16384x16384", "--batch", "1024",
                           "--out", o),
                       "mobilenet_v2 cannot take a 1024x16384x16384 input");
    assert_usage_error(RUN("--filter", "relu(", "--out", o),
                       "latmac run: --filter: 'relu(' is not a valid regular expression");
    assert_usage_error(RUN("--threads", "0", "--out", o), "--threads: '0' is not a positive whole number");
    assert_usage_error(RUN("--threads", "1,x", "--out", o), "--threads: 'x' is not a positive whole number");
    assert_usage_error(RUN("--threads", "1,,2", "--out", o), "--threads: '1,,2' has an empty item");
    assert_usage_error(RUN("--threads", "", "--out", o), "--threads: '' is not a comma-separated list");
    assert_usage_error(RUN("--threads", "100000", "--out", o), "hardware threads of this machine");
    assert_usage_error(RUN("--repetitions", "0", "--out", o),
                       "latmac run: --repetitions: '0' is not a whole number from 1 to 1000");
    assert_usage_error(RUN("--repetitions", "1001", "--out", o), "--repetitions: '1001'");
    assert_usage_error(RUN("--min-time", "fast", "--out", o), "--min-time: 'fast' is not a number of seconds");
    assert_usage_error(RUN("--min-time", "0", "--out", o), "--min-time: '0'");
    assert_usage_error(RUN("--min-time", "nan", "--out", o), "--min-time: 'nan'");
    assert_usage_error(RUN("--suite", "kernels", "--filter", "no_such_case", "--out", o),
                       "no case matches the filter 'no_such_case'");
    assert_usage_error(RUN("--bogus"), "latmac run: unknown option '--bogus'");
    assert_usage_error(RUN("--out"), "latmac run: option '--out' needs a value");
    assert_usage_error(RUN("extra"), "latmac run: unexpected argument 'extra'");
    assert_usage_error(RUN("--benchmark_bogus=1"), "Google Benchmark does not accept '--benchmark_bogus=1'");
    /* nothing was written by any of them */
    char path[128];
    snprintf(path, sizeof path, "%s/results.json", out_dir);
    assert_int_not_equal(access(path, F_OK), 0);
}

/* out_dir/results.json, parsed; fails the test when it is not JSON. */
static json_t *load_results_json(void) {
    char path[128];
    snprintf(path, sizeof path, "%s/results.json", out_dir);
    json_error_t error;
    json_t *root = json_load_file(path, 0, &error);
    if (!root) fail_msg("results.json is not JSON: %s", error.text);
    return root;
}

static json_t *benchmark_named(json_t *benchmarks, const char *name) {
    for (size_t i = 0; i < json_array_size(benchmarks); i++) {
        json_t *b = json_array_get(benchmarks, i);
        if (strcmp(json_string_value(json_object_get(b, "name")), name) == 0) return b;
    }
    return NULL;
}

static void test_a_tiny_run_writes_both_files(void **state) {
    (void)state;
    outcome o = RUN("--suite", "kernels", "--filter", "relu_116_28", "--repetitions", "2", "--min-time", "0.001",
                    "--threads", "1", "--out", out_dir, "--benchmark_min_warmup_time=0");
    if (o.status != 0) fail_msg("exit %d, stderr: %s", o.status, o.err);
    assert_non_null(strstr(o.out, "median ms"));
    assert_non_null(strstr(o.out, "relu_116_28"));
    assert_null(strstr(o.err, "[1/")); /* progress only on a terminal */
    outcome_free(&o);

    char path[128];
    json_t *root = load_results_json();
    json_t *ctx = json_object_get(root, "context"), *benchmarks = json_object_get(root, "benchmarks");
    assert_true(json_is_object(ctx));
    assert_true(json_is_string(json_object_get(ctx, "date")));
    assert_true(json_is_object(json_object_get(json_object_get(ctx, "latmac"), "host")));
    assert_true(json_array_size(benchmarks) > 0);
    json_t *median = benchmark_named(benchmarks, "kernels/relu_116_28/latmac/threads:1_median");
    assert_non_null(median);
    assert_true(json_number_value(json_object_get(median, "real_time")) > 0);
    assert_true(json_number_value(json_object_get(median, "copy_bandwidth_fraction")) > 0);
    for (size_t i = 0; i < json_array_size(benchmarks); i++) {
        const char *name = json_string_value(json_object_get(json_array_get(benchmarks, i), "name"));
        assert_non_null(strstr(name, "relu_116_28")); /* prelu_116_28 matches too: a regular expression */
        assert_non_null(strstr(name, "threads:1"));
    }
    json_decref(root);

    snprintf(path, sizeof path, "%s/results.csv", out_dir);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char *csv = slurp(f);
    assert_true(strncmp(csv, "suite,case,backend,kernel,threads,", 34) == 0);
    assert_non_null(strstr(csv, "\nkernels,relu_116_28,latmac,"));
    assert_non_null(strstr(csv, "\nkernels,relu_116_28,memcpy,memcpy,1,"));
    free(csv);
    snprintf(path, sizeof path, "%s/results.json.tmp", out_dir);
    assert_int_not_equal(access(path, F_OK), 0);
}

static void test_a_tiny_network_run(void **state) {
    (void)state;
    outcome o = RUN("--suite", "nets", "--nets", "mobilenet_v3_small_x1_0,shufflenet_v2_x0_5", "--input", "64x48",
                    "--batch", "2", "--per-layer", "--repetitions", "2", "--min-time", "0.001", "--threads", "1",
                    "--out", out_dir, "--benchmark_min_warmup_time=0");
    if (o.status != 0) fail_msg("exit %d, stderr: %s", o.status, o.err);
    assert_non_null(strstr(o.out, "images/s"));
    assert_non_null(strstr(o.out, "where the time goes in an end-to-end run"));
    assert_non_null(strstr(o.out, "where the time goes (ms; each layer timed alone"));
    assert_non_null(strstr(o.out, "mobilenet_v3_small  "));
    outcome_free(&o);

    char path[128];
    json_t *root = load_results_json();
    json_t *benchmarks = json_object_get(root, "benchmarks");
    json_t *median = benchmark_named(benchmarks, "nets/shufflenet_v2_x0_5@2x64x48/latmac/threads:1_median");
    assert_non_null(median);
    assert_string_equal(json_string_value(json_object_get(median, "network")), "shufflenet_v2_x0_5");
    assert_string_equal(json_string_value(json_object_get(median, "input")), "64x48");
    assert_int_equal(json_integer_value(json_object_get(median, "batch")), 2);
    assert_true(json_number_value(json_object_get(median, "images_per_second")) > 0);
    assert_true(json_integer_value(json_object_get(median, "peak_activation_bytes")) > 2 * 64 * 48 * 3 * 4);
    json_t *profile = json_object_get(median, "profile_time"); /* each step timed inside the runs */
    assert_true(json_number_value(json_object_get(profile, "Conv")) > 0);
    assert_true(json_number_value(json_object_get(profile, "Shuffle")) > 0);
    json_t *categories = json_object_get(median, "category_time");
    assert_true(json_number_value(json_object_get(categories, "Shuffle")) > 0);
    assert_true(json_is_number(json_object_get(median, "gap_time")));
    json_t *layer =
        benchmark_named(benchmarks, "nets/shufflenet_v2_x0_5@2x64x48/layer:000:conv1.0/latmac/threads:1_median");
    assert_non_null(layer);
    assert_string_equal(json_string_value(json_object_get(layer, "layer")), "conv1.0");
    assert_string_equal(json_string_value(json_object_get(layer, "category")), "Conv");
    json_decref(root);

    snprintf(path, sizeof path, "%s/results.csv", out_dir);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char *csv = slurp(f);
    assert_non_null(strstr(csv, ",network,input,batch,layer,images_per_second,peak_activation_bytes,"));
    assert_non_null(strstr(csv, "\nnets,mobilenet_v3_small@2x64x48,latmac,latmac executor,1,"));
    assert_non_null(strstr(csv, ",mobilenet_v3_small,64x48,2,,"));
    free(csv);
}

static void test_a_tiny_guideline_run(void **state) {
    (void)state;
    outcome o = RUN("--suite", "guidelines", "--only", "G2", "--filter", "cpu_x1", "--repetitions", "3", "--min-time",
                    "0.001", "--threads", "1", "--out", out_dir, "--benchmark_min_warmup_time=0");
    if (o.status != 0) fail_msg("exit %d, stderr: %s", o.status, o.err);
    assert_non_null(strstr(o.out, "G2  group"));
    assert_non_null(strstr(o.out, "g = 8, c = 184"));
    assert_non_null(strstr(o.out, "G2 at 1 thread(s): "));
    outcome_free(&o);
    json_t *root = load_results_json();
    json_t *median = benchmark_named(json_object_get(root, "benchmarks"), "guidelines/G2/cpu_x1/g2/latmac/threads:1_median");
    assert_non_null(median);
    assert_string_equal(json_string_value(json_object_get(median, "experiment")), "G2");
    assert_string_equal(json_string_value(json_object_get(median, "group")), "cpu_x1");
    assert_int_equal(json_integer_value(json_object_get(median, "rank")), 1);
    assert_true(json_number_value(json_object_get(median, "paper_arm_images_per_second")) > 0);
    json_t *verdicts = json_object_get(json_object_get(json_object_get(root, "context"), "latmac"), "verdicts");
    assert_int_equal(json_array_size(verdicts), 1);
    json_t *v = json_array_get(verdicts, 0);
    assert_string_equal(json_string_value(json_object_get(v, "experiment")), "G2");
    assert_int_equal(json_array_size(json_object_get(v, "comparisons")), 3);
    json_decref(root);
}

/* Every experiment runs end to end and gets a verdict (scale 1, two short repetitions, its smallest
 * group or two so that the test stays quick under the sanitizers). */
static void test_every_experiment_runs(void **state) {
    (void)state;
    outcome o = RUN("--suite", "guidelines", "--filter", "/(arm_x1|cpu_x1|cpu_c64|bn_c32|s28_c64|fused_c64|c40|c64|g3_c240)/",
                    "--repetitions", "2", "--min-time", "0.0001", "--threads", "1", "--out", out_dir,
                    "--benchmark_min_warmup_time=0");
    if (o.status != 0) fail_msg("exit %d, stderr: %s", o.status, o.err);
    static const char *const experiments[] = {"G1", "G2", "G3", "G4", "U1", "N1", "N2", "N3", "N4"};
    for (size_t i = 0; i < sizeof experiments / sizeof experiments[0]; i++) {
        char verdict[64], prediction[64];
        snprintf(verdict, sizeof verdict, "\n%s at 1 thread(s): ", experiments[i]);
        snprintf(prediction, sizeof prediction, "%s: ", experiments[i]);
        if (!strstr(o.out, verdict)) fail_msg("no verdict for %s", experiments[i]);
        assert_non_null(strstr(o.out, prediction));
    }
    assert_non_null(strstr(o.out, "prediction: "));
    outcome_free(&o);
}

/* Without --suite every suite runs, into one pair of files; --quick shortens the repetitions. */
static void test_every_suite_by_default(void **state) {
    (void)state;
    outcome o = RUN("--quick", "--filter",
                    "^(kernels/relu_116_28/latmac|nets/shufflenet_v2_x0_5@|guidelines/G2/cpu_x1/g[12]/)", "--threads",
                    "1", "--min-time", "0.001", "--out", out_dir, "--benchmark_min_warmup_time=0");
    if (o.status != 0) fail_msg("exit %d, stderr: %s", o.status, o.err);
    assert_non_null(strstr(o.out, "shufflenet_v2_x0_5 "));
    assert_non_null(strstr(o.out, "G2 at 1 thread(s): "));
    assert_non_null(strstr(o.out, "relu_116_28"));
    outcome_free(&o);
    json_t *root = load_results_json();
    json_t *latmac = json_object_get(json_object_get(root, "context"), "latmac");
    assert_string_equal(json_string_value(json_object_get(latmac, "suite")), "all");
    json_t *b = json_object_get(root, "benchmarks");
    json_t *kernel = benchmark_named(b, "kernels/relu_116_28/latmac/threads:1_median");
    assert_non_null(kernel);
    assert_int_equal(json_integer_value(json_object_get(kernel, "repetitions")), 9);
    assert_non_null(benchmark_named(b, "nets/shufflenet_v2_x0_5@1x224x224/latmac/threads:1_median"));
    /* --quick: guideline scale 1 only */
    assert_non_null(benchmark_named(b, "guidelines/G2/cpu_x1/g2/latmac/threads:1_median"));
    assert_null(benchmark_named(b, "guidelines/G2/cpu_x2/g2/latmac/threads:1_median"));
    json_decref(root);
}

/* A run whose results cannot be written exits 1 and leaves the previous results as they were. */
static void test_a_failed_write_keeps_the_previous_results(void **state) {
    (void)state;
    char json_path[128], blocker[128], path[128];
    snprintf(json_path, sizeof json_path, "%s/results.json", out_dir);
    FILE *f = fopen(json_path, "w");
    assert_non_null(f);
    fputs("previous\n", f);
    fclose(f);
    snprintf(blocker, sizeof blocker, "%s/results.csv.tmp", out_dir); /* results.csv's temporary file cannot be made */
    assert_int_equal(mkdir(blocker, 0700), 0);
    outcome o = RUN("--filter", "^kernels/relu_116_28/latmac/", "--repetitions", "1", "--min-time", "0.001",
                    "--threads", "1", "--out", out_dir);
    assert_int_equal(o.status, 1);
    assert_non_null(strstr(o.err, "latmac run: cannot create"));
    assert_string_equal(o.out, "");
    outcome_free(&o);
    f = fopen(json_path, "r");
    assert_non_null(f);
    char *text = slurp(f);
    assert_string_equal(text, "previous\n");
    free(text);
    snprintf(path, sizeof path, "%s/results.json.tmp", out_dir);
    assert_int_not_equal(access(path, F_OK), 0);
    assert_int_equal(rmdir(blocker), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_help),
        cmocka_unit_test(test_bad_invocations),
        cmocka_unit_test(test_a_tiny_run_writes_both_files),
        cmocka_unit_test(test_a_tiny_network_run),
        cmocka_unit_test(test_a_tiny_guideline_run),
        cmocka_unit_test(test_every_experiment_runs),
        cmocka_unit_test(test_every_suite_by_default),
        cmocka_unit_test(test_a_failed_write_keeps_the_previous_results),
    };
    return cmocka_run_group_tests_name("cli_run", tests, make_out_dir, remove_out_dir);
}
