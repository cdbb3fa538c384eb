/* `latmac run` end to end: a tiny run writes results.json and results.csv that parse, and every bad
 * invocation exits 2 with one line; an --out holding files is refused unless --force; a run stopped by
 * SIGINT or SIGTERM writes the cases that finished, marked partial. Each test gets a new empty --out.
 * The binary's path comes from the LATMAC environment variable. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>

#include <dirent.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/latmac_process.h"

#define RUN(...) run_latmac(NULL, (const char *const[]){"run", __VA_ARGS__, NULL})

static char out_dir[64];
static char path[192]; /* scratch: a file in out_dir */

/* out_dir/name, in `path`. */
static const char *in_out(const char *name) {
    snprintf(path, sizeof path, "%s/%s", out_dir, name);
    return path;
}

static void write_text(const char *file, const char *text) {
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    assert_true(fputs(text, f) >= 0);
    assert_int_equal(fclose(f), 0);
}

/* The file's contents (freed by the caller); NULL when it does not exist. */
static char *read_text(const char *file) {
    FILE *f = fopen(file, "r");
    return f ? slurp(f) : NULL;
}

static void assert_file_holds(const char *file, const char *text) {
    char *got = read_text(file);
    if (!got) fail_msg("%s is missing", file);
    assert_string_equal(got, text);
    free(got);
}

/* Files in out_dir whose name ends with `suffix` ("": every file). */
static size_t files_in_out_dir(const char *suffix) {
    DIR *d = opendir(out_dir);
    assert_non_null(d);
    size_t n = 0;
    for (const struct dirent *e; (e = readdir(d));) {
        const size_t len = strlen(e->d_name), suffix_len = strlen(suffix);
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 && len >= suffix_len &&
            strcmp(e->d_name + len - suffix_len, suffix) == 0)
            n++;
    }
    closedir(d);
    return n;
}

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
    assert_non_null(strstr(o.out, "--merge-shuffle      nets: also time each ShuffleNet V2 network"));
    assert_non_null(strstr(o.out, "nets/<network>@<batch>x<H>x<W>"));
    assert_non_null(strstr(o.out, "-Q, --quiet"));
    assert_non_null(strstr(o.out, "--force"));
    assert_non_null(strstr(o.out, "results/YYYY-MM-DD_HHMMSS"));
    assert_non_null(strstr(o.out, "130 interrupted by SIGINT, 143 by SIGTERM"));
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
                       "--nets, --model, --input, --batch and --per-layer apply to --suite nets");
    assert_usage_error(RUN("--suite", "nets", "--nets", "mobilenet_v2,resnet50", "--out", o),
                       "--nets: unknown network 'resnet50' (see 'latmac list nets')");
    assert_usage_error(RUN("--suite", "nets", "--nets", "mobilenet_v2,", "--out", o), "--nets: 'mobilenet_v2,' is not");
    assert_usage_error(RUN("--suite", "nets", "--input", "224", "--out", o), "--input: '224' is not HEIGHTxWIDTH");
    assert_usage_error(RUN("--suite", "nets", "--input", "0x224", "--out", o), "--input: '0x224'");
    assert_usage_error(RUN("--suite", "nets", "--input", "16385x224", "--out", o), "--input: '16385x224'");
    assert_usage_error(RUN("--suite", "nets", "--batch", "0", "--out", o), "--batch: '0' is not a whole number");
    assert_usage_error(RUN("--suite", "nets", "--batch", "1025", "--out", o), "--batch: '1025'");
    assert_usage_error(RUN("--suite", "nets", "--only", "G1", "--out", o), "--only and --scale apply to --suite guidelines");
    assert_usage_error(RUN("--suite", "kernels", "--merge-shuffle", "--out", o),
                       "--merge-shuffle applies to --suite nets and guidelines");
    assert_usage_error(RUN("--suite", "guidelines", "--only", "G5", "--out", o),
                       "--only: unknown experiment 'G5' (expected G1 to G4, U1, N1 to N6 or AA)");
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
    assert_usage_error(RUN("--rounds", "0", "--out", o), "latmac run: --rounds: '0' is not a whole number from 1 to 100");
    assert_usage_error(RUN("--rounds", "101", "--out", o), "--rounds: '101'");
    assert_usage_error(RUN("--seed", "-1", "--out", o), "latmac run: --seed: '-1' is not a whole number from 0 to 9007199254740991");
    assert_usage_error(RUN("--seed", "9007199254740992", "--out", o), "--seed: '9007199254740992'");
    assert_usage_error(RUN("--seed", "7x", "--out", o), "--seed: '7x'");
    assert_usage_error(RUN("--min-time", "fast", "--out", o), "--min-time: 'fast' is not a number of seconds");
    assert_usage_error(RUN("--min-time", "0", "--out", o), "--min-time: '0'");
    assert_usage_error(RUN("--min-time", "nan", "--out", o), "--min-time: 'nan'");
    assert_usage_error(RUN("--suite", "kernels", "--filter", "no_such_case", "--out", o),
                       "no case matches the filter 'no_such_case'");
    assert_usage_error(RUN("--bogus"), "latmac run: unknown option '--bogus'");
    assert_usage_error(RUN("--out"), "latmac run: option '--out' needs a value");
    assert_usage_error(RUN("extra"), "latmac run: unexpected argument 'extra'");
    assert_usage_error(RUN("--benchmark_bogus=1"), "Google Benchmark does not accept '--benchmark_bogus=1'");
    assert_usage_error(RUN("--isa", "avx9", "--out", o), "--isa: 'avx9': unknown instruction set");
    assert_usage_error(RUN("--isa", "avx2,ref,avx2", "--out", o), "--isa: avx2 is listed twice");
    assert_usage_error(RUN("--isa", "", "--out", o), "--isa: '': expected instruction sets");
    assert_usage_error(RUN("--variants", "some", "--out", o), "--variants: 'some' is not 'all'");
    assert_usage_error(RUN("--suite", "nets", "--variants", "all", "--out", o), "--variants applies to --suite kernels");
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("avx512f")) /* an instruction set this host cannot run is refused */
        assert_usage_error(RUN("--isa", "avx512", "--out", o), "--isa: this host cannot run avx512 kernels");
    assert_int_equal(setenv("LATMAC_ISA", "sse9", 1), 0);
    assert_usage_error(RUN("--out", o), "latmac run: LATMAC_ISA=sse9: expected avx512, avx2 or reference");
    assert_int_equal(unsetenv("LATMAC_ISA"), 0);
    /* nothing was written by any of them */
    assert_int_equal(files_in_out_dir(""), 0);
}

/* out_dir/results.json, parsed; fails the test when it is not JSON. */
static json_t *load_results_json(void) {
    json_error_t error;
    json_t *root = json_load_file(in_out("results.json"), 0, &error);
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
    char results_line[256];
    snprintf(results_line, sizeof results_line, "\nresults: %s/results.json, %s/results.csv, %s/index.html\n",
             out_dir, out_dir, out_dir);
    assert_non_null(strstr(o.out, results_line));
    assert_null(strstr(o.out, "partial results"));
    /* progress only on a terminal: stderr is a file here */
    assert_null(strstr(o.err, "elapsed"));
    assert_null(strchr(o.err, '\r'));
    outcome_free(&o);

    json_t *root = load_results_json();
    json_t *ctx = json_object_get(root, "context"), *benchmarks = json_object_get(root, "benchmarks");
    assert_true(json_is_object(ctx));
    assert_true(json_is_string(json_object_get(ctx, "date")));
    json_t *latmac = json_object_get(ctx, "latmac");
    assert_true(json_is_object(json_object_get(latmac, "host")));
    assert_true(json_is_false(json_object_get(latmac, "partial")));
    assert_true(json_integer_value(json_object_get(latmac, "cases_planned")) >= 2);
    assert_int_equal(json_integer_value(json_object_get(latmac, "cases_finished")),
                     json_integer_value(json_object_get(latmac, "cases_planned")));
    assert_true(json_array_size(benchmarks) > 0);
    json_t *median = benchmark_named(benchmarks, "kernels/relu_116_28/latmac/threads:1_median");
    assert_non_null(median);
    assert_true(json_number_value(json_object_get(median, "real_time")) > 0);
    assert_true(json_number_value(json_object_get(median, "copy_bandwidth_fraction")) > 0);
    /* the host's ceilings, measured first, and the case placed under them */
    json_t *at = json_object_get(json_object_get(latmac, "ceilings"), "at");
    assert_int_equal(json_array_size(at), 1);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(at, 0), "threads")), 1);
    assert_true(json_number_value(json_object_get(json_array_get(at, 0), "peak_gflops")) > 0);
    assert_true(json_is_string(json_object_get(median, "roof_level")));
    assert_true(json_number_value(json_object_get(median, "roof_fraction")) > 0);
    assert_true(json_is_true(json_object_get(median, "memory_bound"))); /* a ReLU has no FLOP */
    for (size_t i = 0; i < json_array_size(benchmarks); i++) {
        const char *name = json_string_value(json_object_get(json_array_get(benchmarks, i), "name"));
        assert_non_null(strstr(name, "relu_116_28")); /* prelu_116_28 matches too: a regular expression */
        assert_non_null(strstr(name, "threads:1"));
    }
    json_decref(root);

    char *csv = read_text(in_out("results.csv"));
    assert_non_null(csv);
    assert_true(strncmp(csv, "suite,case,backend,kernel,threads,", 34) == 0);
    assert_non_null(strstr(csv, "\nkernels,relu_116_28,latmac,"));
    assert_non_null(strstr(csv, "\nkernels,relu_116_28,memcpy,memcpy,1,"));
    free(csv);
    assert_int_not_equal(access(in_out("results.json.tmp"), F_OK), 0);
}

/* Several caps side by side, and every variant: each latmac case says what it ran and what it
 * executed; the host's lower sets are timed whatever it has (the reference always, AVX2 where the
 * host has it). */
static void test_caps_and_variants_side_by_side(void **state) {
    (void)state;
    __builtin_cpu_init();
    const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    outcome o = RUN("--suite", "kernels", "--filter", "^kernels/pw_58x58_28/latmac/", "--isa", avx2 ? "ref,avx2" : "ref",
                    "--variants", "all", "--repetitions", "2", "--min-time", "0.001", "--threads", "1", "--no-roofline",
                    "--out", out_dir, "--benchmark_min_warmup_time=0");
    if (o.status != 0) fail_msg("exit %d, stderr: %s", o.status, o.err);
    assert_non_null(strstr(o.out, "isa: the instruction-set cap"));
    assert_non_null(strstr(o.out, "variant lm_f32_"));
    outcome_free(&o);
    json_t *root = load_results_json(), *benchmarks = json_object_get(root, "benchmarks");
    json_t *timed = json_object_get(json_object_get(json_object_get(root, "context"), "latmac"), "timed_isas");
    assert_int_equal(json_array_size(timed), avx2 ? 2 : 1);
    assert_string_equal(json_string_value(json_array_get(timed, 0)), avx2 ? "avx2" : "reference");
    /* the plain cases: with several caps the name carries the cap; dispatch's pick under it */
    json_t *ref = benchmark_named(benchmarks, avx2 ? "kernels/pw_58x58_28/latmac/isa:reference/threads:1_median"
                                                   : "kernels/pw_58x58_28/latmac/threads:1_median");
    assert_non_null(ref);
    assert_string_equal(json_string_value(json_object_get(ref, "isa")), "reference");
    assert_string_equal(json_string_value(json_object_get(ref, "kernel")), "lm_f32_conv_nhwc__ref");
    const json_int_t madds = json_integer_value(json_object_get(ref, "madds"));
    assert_int_equal(json_integer_value(json_object_get(ref, "executed_madds")), madds); /* plain C: no tiles */
    if (avx2) {
        json_t *a = benchmark_named(benchmarks, "kernels/pw_58x58_28/latmac/isa:avx2/threads:1_median");
        assert_non_null(a);
        assert_string_equal(json_string_value(json_object_get(a, "isa")), "avx2");
        assert_string_equal(json_string_value(json_object_get(a, "kernel")), "lm_f32_pwconv_nhwc__avx2");
        /* 58 output channels in vectors of 8: 64 lanes, the one vector's rounding */
        assert_int_equal(json_integer_value(json_object_get(a, "executed_madds")), madds / 58 * 64);
        json_t *v = benchmark_named(benchmarks, "kernels/pw_58x58_28/latmac/kernel:lm_f32_conv_nhwc__avx2/threads:1_median");
        assert_non_null(v); /* a variant dispatch does not pick, named by its kernel */
        assert_true(json_is_true(json_object_get(v, "variant")));
        assert_string_equal(json_string_value(json_object_get(v, "isa")), "avx2");
    }
    /* every latmac case: at least the counted work, a time */
    size_t latmac_cases = 0;
    for (size_t i = 0; i < json_array_size(benchmarks); i++) {
        json_t *b = json_array_get(benchmarks, i);
        if (strcmp(json_string_value(json_object_get(b, "run_type")), "aggregate") != 0) continue;
        if (strcmp(json_string_value(json_object_get(b, "aggregate_name")), "median") != 0) continue;
        latmac_cases++;
        assert_true(json_integer_value(json_object_get(b, "executed_madds")) >= madds);
        assert_true(json_is_string(json_object_get(b, "isa")));
    }
    assert_true(latmac_cases >= (avx2 ? 3u : 1u));
    json_decref(root);
    char *csv = read_text(in_out("results.csv"));
    assert_non_null(csv);
    assert_non_null(strstr(csv, ",isa,variant,executed_madds,predicted_ms\n"));
    free(csv);
}

static void test_a_tiny_network_run(void **state) {
    (void)state;
    outcome o = RUN("--suite", "nets", "--nets", "mobilenet_v3_small_x1_0,shufflenet_v2_x0_5", "--input", "64x48",
                    "--batch", "2", "--per-layer", "--merge-shuffle", "--repetitions", "2", "--min-time", "0.001",
                    "--threads", "1", "--out", out_dir, "--benchmark_min_warmup_time=0");
    if (o.status != 0) fail_msg("exit %d, stderr: %s", o.status, o.err);
    assert_non_null(strstr(o.out, "shufflenet_v2_x0_5_merged "));
    assert_null(strstr(o.out, "mobilenet_v3_small_merged"));
    assert_non_null(strstr(o.out, "images/s"));
    assert_non_null(strstr(o.out, "where the time goes in an end-to-end run"));
    assert_non_null(strstr(o.out, "where the time goes (ms; each layer timed alone"));
    assert_non_null(strstr(o.out, "mobilenet_v3_small  "));
    outcome_free(&o);

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
    assert_true(json_number_value(json_object_get(profile, "Concat/Split")) > 0);
    json_t *categories = json_object_get(median, "category_time");
    assert_true(json_number_value(json_object_get(categories, "Shuffle")) > 0);
    /* --merge-shuffle: the merged network right after it, its concat, shuffle and split one step */
    json_t *merged = benchmark_named(benchmarks, "nets/shufflenet_v2_x0_5_merged@2x64x48/latmac/threads:1_median");
    assert_non_null(merged);
    assert_true(json_number_value(json_object_get(merged, "mac")) < json_number_value(json_object_get(median, "mac")));
    assert_true(json_number_value(json_object_get(merged, "madds")) == json_number_value(json_object_get(median, "madds")));
    profile = json_object_get(merged, "profile_time");
    assert_true(json_number_value(json_object_get(profile, "Concat/Split")) == 0);
    assert_true(json_number_value(json_object_get(profile, "Shuffle")) > 0);
    json_t *step = benchmark_named(
        benchmarks, "nets/shufflenet_v2_x0_5_merged@2x64x48/layer:007:stage2.0.concat_shuffle_split/latmac/threads:1_median");
    assert_non_null(step);
    assert_string_equal(json_string_value(json_object_get(step, "category")), "Shuffle");
    assert_string_equal(json_string_value(json_object_get(step, "op")), "concat_shuffle_split");
    assert_true(json_is_number(json_object_get(median, "gap_time")));
    json_t *layer =
        benchmark_named(benchmarks, "nets/shufflenet_v2_x0_5@2x64x48/layer:000:conv1.0/latmac/threads:1_median");
    assert_non_null(layer);
    assert_string_equal(json_string_value(json_object_get(layer, "layer")), "conv1.0");
    assert_string_equal(json_string_value(json_object_get(layer, "category")), "Conv");
    json_decref(root);

    char *csv = read_text(in_out("results.csv"));
    assert_non_null(csv);
    assert_non_null(strstr(csv, ",network,input,batch,layer,images_per_second,peak_activation_bytes,"));
    assert_non_null(strstr(csv, "\nnets,mobilenet_v3_small@2x64x48,latmac,latmac executor,1,"));
    assert_non_null(strstr(csv, ",mobilenet_v3_small,64x48,2,,"));
    free(csv);
}

static void test_a_tiny_guideline_run(void **state) {
    (void)state;
    outcome o = RUN("--suite", "guidelines", "--only", "G2", "--filter", "cpu_x1", "--repetitions", "3", "--min-time",
                    "0.001", "--threads", "1", "--rounds", "2", "--seed", "42", "--out", out_dir,
                    "--benchmark_min_warmup_time=0");
    if (o.status != 0) fail_msg("exit %d, stderr: %s", o.status, o.err);
    assert_non_null(strstr(o.out, "G2  group"));
    assert_non_null(strstr(o.out, "g = 8, c = 184"));
    assert_non_null(strstr(o.out, "G2 at 1 thread(s): "));
    outcome_free(&o);
    json_t *root = load_results_json();
    json_t *median = benchmark_named(json_object_get(root, "benchmarks"), "guidelines/G2/cpu_x1/g2/latmac/threads:1_median");
    assert_non_null(median);
    /* two rounds of three repetitions, each repetition marked with its round; the seed recorded */
    assert_int_equal(json_integer_value(json_object_get(median, "repetitions")), 6);
    json_t *latmac_context = json_object_get(json_object_get(root, "context"), "latmac");
    assert_int_equal(json_integer_value(json_object_get(latmac_context, "rounds")), 2);
    assert_int_equal(json_integer_value(json_object_get(latmac_context, "seed")), 42);
    size_t per_round[2] = {0, 0}, i;
    json_t *e;
    json_array_foreach(json_object_get(root, "benchmarks"), i, e) {
        if (strcmp(json_string_value(json_object_get(e, "run_name")), "guidelines/G2/cpu_x1/g2/latmac/threads:1") != 0 ||
            strcmp(json_string_value(json_object_get(e, "run_type")), "iteration") != 0)
            continue;
        const json_int_t round = json_integer_value(json_object_get(e, "round"));
        assert_true(round == 0 || round == 1);
        per_round[round]++;
    }
    assert_int_equal(per_round[0], 3);
    assert_int_equal(per_round[1], 3);
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

/* --only names experiments, and the A/A noise floor AA comes along with any of them: a filter that
 * keeps only AA's G1 pair still finds cases under --only G2. --only AA itself is accepted too. */
static void test_the_noise_floor_comes_with_only(void **state) {
    (void)state;
    outcome o = RUN("--suite", "guidelines", "--only", "G2", "--filter", "/g1_arm_x1/", "--repetitions", "2",
                    "--min-time", "0.0001", "--threads", "1", "--no-roofline", "--out", out_dir,
                    "--benchmark_min_warmup_time=0");
    if (o.status != 0) fail_msg("exit %d, stderr: %s", o.status, o.err);
    assert_non_null(strstr(o.out, "\nAA  group "));
    assert_non_null(strstr(o.out, "g1_arm_x1"));
    assert_null(strstr(o.out, "\nG2  group "));
    outcome_free(&o);
    json_t *root = load_results_json();
    json_t *b = json_object_get(root, "benchmarks");
    assert_non_null(benchmark_named(b, "guidelines/AA/g1_arm_x1/a/latmac/threads:1_median"));
    assert_non_null(benchmark_named(b, "guidelines/AA/g1_arm_x1/b/latmac/threads:1_median"));
    json_decref(root);
    o = RUN("--suite", "guidelines", "--only", "AA,N6", "--filter", "/nothing_matches_this/", "--out", out_dir);
    assert_int_equal(o.status, 2); /* AA and N6 are known experiments; only the filter is refused */
    assert_null(strstr(o.err, "unknown experiment"));
    outcome_free(&o);
}

/* Every experiment runs end to end (scale 1, two short repetitions, its smallest group or two so that
 * the test stays quick under the sanitizers): its table of cases is printed, and every experiment
 * gets a verdict, whatever its claim (order, equivalence or MAdds ratio). */
static void test_every_experiment_runs(void **state) {
    (void)state;
    outcome o = RUN("--suite", "guidelines", "--filter",
                    "/(arm_x1|cpu_x1|cpu_c64|c32|s28_c64|fused_c64|c40|c64|g3_c240|g1_arm_x1|u1_s28_c64)/",
                    "--repetitions", "2", "--rounds", "2", "--min-time", "0.0001", "--threads", "1", "--out", out_dir,
                    "--benchmark_min_warmup_time=0");
    if (o.status != 0) fail_msg("exit %d, stderr: %s", o.status, o.err);
    static const char *const experiments[] = {"G1", "G2", "G3", "G4", "U1", "N1", "N2", "N3", "N4", "N5", "N6", "AA"};
    for (size_t i = 0; i < sizeof experiments / sizeof experiments[0]; i++) {
        char verdict[64], prediction[64], table[64];
        snprintf(verdict, sizeof verdict, "\n%s at 1 thread(s): ", experiments[i]);
        snprintf(prediction, sizeof prediction, "%s: ", experiments[i]);
        snprintf(table, sizeof table, "\n%s  group ", experiments[i]);
        if (!strstr(o.out, verdict)) fail_msg("no verdict for %s", experiments[i]);
        if (!strstr(o.out, prediction) || !strstr(o.out, table)) fail_msg("no table for %s", experiments[i]);
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

/* A run whose results cannot be written exits 1 and leaves the previous results as they were; --quiet
 * does not silence the error. */
static void test_a_failed_write_keeps_the_previous_results(void **state) {
    (void)state;
    char blocker[192];
    write_text(in_out("results.json"), "previous\n");
    /* results.csv's temporary file cannot be made */
    snprintf(blocker, sizeof blocker, "%s", in_out("results.csv.tmp"));
    assert_int_equal(mkdir(blocker, 0700), 0);
    outcome o = RUN("--filter", "^kernels/relu_116_28/latmac/", "--repetitions", "1", "--min-time", "0.001",
                    "--threads", "1", "--out", out_dir, "--force", "--quiet");
    assert_int_equal(o.status, 1);
    assert_non_null(strstr(o.err, "latmac run: cannot create"));
    assert_string_equal(o.out, "");
    outcome_free(&o);
    assert_file_holds(in_out("results.json"), "previous\n");
    assert_int_not_equal(access(in_out("results.json.tmp"), F_OK), 0);
    assert_int_equal(rmdir(blocker), 0);
}

#define TINY_RUN "--suite", "kernels", "--filter", "^kernels/relu_116_28/latmac/", "--repetitions", "1", \
                 "--min-time", "0.001", "--threads", "1", "--benchmark_min_warmup_time=0"

/* An --out that holds files is refused before anything runs, and the files stay as they were. */
static void test_an_out_holding_files_is_refused(void **state) {
    (void)state;
    write_text(in_out("results.json"), "previous\n");
    write_text(in_out("notes.txt"), "mine\n");
    char message[256];
    snprintf(message, sizeof message,
             "latmac run: --out: %s already holds files (a previous run?); pass --force to replace latmac's files in "
             "it, or choose another --out",
             out_dir);
    assert_usage_error(RUN(TINY_RUN, "--out", out_dir), message);
    assert_file_holds(in_out("results.json"), "previous\n");
    assert_file_holds(in_out("notes.txt"), "mine\n");
    assert_int_equal(files_in_out_dir(""), 2);
}

/* --force writes into it: latmac's files are replaced, the others left alone. */
static void test_force_replaces_latmac_files_only(void **state) {
    (void)state;
    write_text(in_out("results.json"), "previous\n");
    write_text(in_out("results.csv"), "previous\n");
    write_text(in_out("notes.txt"), "mine\n");
    outcome o = RUN(TINY_RUN, "--out", out_dir, "--force");
    if (o.status != 0) fail_msg("exit %d, stderr: %s", o.status, o.err);
    outcome_free(&o);
    json_t *root = load_results_json();
    assert_non_null(benchmark_named(json_object_get(root, "benchmarks"), "kernels/relu_116_28/latmac/threads:1"));
    json_decref(root);
    char *csv = read_text(in_out("results.csv"));
    assert_non_null(strstr(csv, "\nkernels,relu_116_28,latmac,"));
    free(csv);
    assert_file_holds(in_out("notes.txt"), "mine\n");
}

/* An --out that is a file is refused, with or without --force. */
static void test_an_out_that_is_a_file_is_refused(void **state) {
    (void)state;
    char file[192];
    snprintf(file, sizeof file, "%s", in_out("results"));
    write_text(file, "not a directory\n");
    char message[256];
    snprintf(message, sizeof message, "latmac run: --out: %s is a file, not a directory", file);
    assert_usage_error(RUN(TINY_RUN, "--out", file), message);
    assert_usage_error(RUN(TINY_RUN, "--out", file, "--force"), message);
    assert_file_holds(file, "not a directory\n");
}

/* Without --out, each run gets a new folder: results/YYYY-MM-DD_HHMMSS under the current directory. */
static void test_the_default_out_is_a_new_folder_per_run(void **state) {
    (void)state;
    char cwd[4096];
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(out_dir), 0);
    outcome o = RUN(TINY_RUN);
    assert_int_equal(chdir(cwd), 0);
    if (o.status != 0) fail_msg("exit %d, stderr: %s", o.status, o.err);
    const char *line = strstr(o.out, "\nresults: results/");
    assert_non_null(line);
    int year, month, day, hms, end = 0;
    assert_int_equal(
        sscanf(line, "\nresults: results/%4d-%2d-%2d_%6d/results.json, %n", &year, &month, &day, &hms, &end), 4);
    assert_true(end > 0 && year >= 2024 && month >= 1 && month <= 12 && day >= 1 && day <= 31);
    char json[64];
    snprintf(json, sizeof json, "results/%.17s/results.json", line + strlen("\nresults: results/"));
    assert_int_equal(access(in_out(json), F_OK), 0);
    outcome_free(&o);
}

/* --no-roofline: no ceilings measured, so no case is placed under them. */
static void test_no_roofline_leaves_the_ceilings_out(void **state) {
    (void)state;
    outcome o = RUN("--suite", "kernels", "--filter", "^kernels/relu_116_28/latmac/", "--repetitions", "2", "--min-time",
                    "0.001", "--threads", "1", "--out", out_dir, "--no-roofline");
    if (o.status != 0) fail_msg("exit %d, stderr: %s", o.status, o.err);
    outcome_free(&o);
    json_t *root = load_results_json();
    assert_null(json_object_get(json_object_get(json_object_get(root, "context"), "latmac"), "ceilings"));
    json_t *median = benchmark_named(json_object_get(root, "benchmarks"), "kernels/relu_116_28/latmac/threads:1_median");
    assert_non_null(median);
    assert_null(json_object_get(median, "roof_fraction"));
    json_decref(root);
}

/* --quiet: no notes and no progress, so a run that succeeds prints nothing on stderr. */
static void test_quiet_prints_nothing_on_stderr(void **state) {
    (void)state;
    outcome o = RUN(TINY_RUN, "--out", out_dir, "--quiet");
    if (o.status != 0) fail_msg("exit %d, stderr: %s", o.status, o.err);
    assert_string_equal(o.err, "");
    assert_non_null(strstr(o.out, "relu_116_28"));
    outcome_free(&o);
}

/* Many short cases, timed long enough that a signal a second in lands in the middle. */
#define LONG_RUN "run", "--suite", "kernels", "--filter", "/(latmac|memcpy)/", "--threads", "1", "--repetitions", "3", \
                 "--min-time", "0.04", "--no-roofline"

/* A run stopped by `signo` exits `status` with the cases that finished, marked partial. */
static void check_an_interrupted_run(int signo, int status) {
    const char *const args[] = {LONG_RUN, "--out", out_dir, NULL};
    outcome o;
    /* a slow build (sanitizers) may not finish a case in a second: then wait longer */
    for (double delay = 1;; delay *= 2) {
        o = run_latmac_signalled(args, delay, signo);
        if (o.status != status || access(in_out("results.json"), F_OK) == 0 || delay >= 4) break;
        outcome_free(&o);
    }
    if (o.status != status) fail_msg("exit %d, stderr: %s", o.status, o.err);
    assert_null(strstr(o.err, "elapsed")); /* no progress: stderr is not a terminal */

    json_t *root = load_results_json();
    json_t *latmac = json_object_get(json_object_get(root, "context"), "latmac");
    assert_true(json_is_true(json_object_get(latmac, "partial")));
    const json_int_t planned = json_integer_value(json_object_get(latmac, "cases_planned"));
    const json_int_t finished = json_integer_value(json_object_get(latmac, "cases_finished"));
    if (finished < 1 || finished >= planned)
        fail_msg("%lld of %lld cases finished", (long long)finished, (long long)planned);
    /* only cases that finished every repetition, without an error */
    json_t *benchmarks = json_object_get(root, "benchmarks");
    json_int_t repetitions = 0;
    for (size_t i = 0; i < json_array_size(benchmarks); i++) {
        json_t *b = json_array_get(benchmarks, i);
        assert_false(json_is_true(json_object_get(b, "error_occurred")));
        repetitions += strcmp(json_string_value(json_object_get(b, "run_type")), "iteration") == 0;
    }
    assert_int_equal(repetitions, 3 * finished);
    json_decref(root);
    char line[128];
    snprintf(line, sizeof line, "\npartial results: %lld of %lld cases (the run was interrupted)\n",
             (long long)finished, (long long)planned);
    assert_non_null(strstr(o.out, line));
    outcome_free(&o);

    char *csv = read_text(in_out("results.csv"));
    assert_non_null(csv);
    json_int_t rows = -1; /* the header */
    for (const char *c = csv; *c; c++) rows += *c == '\n';
    assert_int_equal(rows, finished);
    free(csv);
    assert_int_equal(files_in_out_dir(".tmp"), 0);
}

static void test_sigterm_writes_partial_results(void **state) {
    (void)state;
    check_an_interrupted_run(SIGTERM, 128 + SIGTERM);
}

static void test_sigint_writes_partial_results(void **state) {
    (void)state;
    check_an_interrupted_run(SIGINT, 128 + SIGINT);
}

/* Stopped before any case finished: nothing is written, the previous results stay. */
static void test_a_signal_before_any_case_finished_writes_nothing(void **state) {
    (void)state;
    static const char previous[] = "{\"context\": {}, \"benchmarks\": []}\n";
    write_text(in_out("results.json"), previous);
    /* the first case takes over two seconds: a warm-up and two repetitions of a second */
    const char *const args[] = {"run", "--suite", "kernels", "--filter", "^kernels/relu_116_28/latmac/", "--threads",
                                "1", "--repetitions", "2", "--min-time", "1", "--out", out_dir, "--force", "--quiet",
                                NULL};
    outcome o = run_latmac_signalled(args, 0.3, SIGINT);
    if (o.status != 128 + SIGINT) fail_msg("exit %d, stderr: %s", o.status, o.err);
    assert_string_equal(o.err, "latmac run: interrupted before any case finished; nothing was written\n");
    assert_string_equal(o.out, "");
    outcome_free(&o);
    assert_file_holds(in_out("results.json"), previous);
    assert_int_equal(files_in_out_dir(""), 1);
}

int main(void) {
#define TEST(f) cmocka_unit_test_setup_teardown(f, make_out_dir, remove_out_dir)
    const struct CMUnitTest tests[] = {
        TEST(test_help),
        TEST(test_bad_invocations),
        TEST(test_a_tiny_run_writes_both_files),
        TEST(test_caps_and_variants_side_by_side),
        TEST(test_a_tiny_network_run),
        TEST(test_a_tiny_guideline_run),
        TEST(test_the_noise_floor_comes_with_only),
        TEST(test_every_experiment_runs),
        TEST(test_every_suite_by_default),
        TEST(test_a_failed_write_keeps_the_previous_results),
        TEST(test_an_out_holding_files_is_refused),
        TEST(test_force_replaces_latmac_files_only),
        TEST(test_an_out_that_is_a_file_is_refused),
        TEST(test_the_default_out_is_a_new_folder_per_run),
        TEST(test_no_roofline_leaves_the_ceilings_out),
        TEST(test_quiet_prints_nothing_on_stderr),
        TEST(test_sigterm_writes_partial_results),
        TEST(test_sigint_writes_partial_results),
        TEST(test_a_signal_before_any_case_finished_writes_nothing),
    };
    return cmocka_run_group_tests_name("cli_run", tests, NULL, NULL);
}
