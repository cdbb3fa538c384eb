/* Synthetic results documents (see report_fixture.h). Each case gets three repetitions and the
 * aggregates Google Benchmark adds, as latmac writes them. */
#include "tests/report_fixture.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

/* Adds a case's repetitions and aggregates; `extra` (consumed) holds its latmac fields. */
static void add_case(json_t *benchmarks, const char *suite, const char *shape, const char *backend, int threads,
                     double median_us, json_t *extra) {
    char name[256];
    snprintf(name, sizeof name, "%s/%s/%s/threads:%d", suite, shape, backend, threads);
    const double reps[3] = {median_us * 0.95, median_us, median_us * 1.1};
    static const char *const aggregates[] = {"mean", "median", "stddev", "cv", "min", "max"};
    const double aggregate[6] = {median_us * 1.02, median_us, median_us * 0.06, 0.06, median_us * 0.95, median_us * 1.1};
    for (int i = 0; i < 9; i++) {
        const bool agg = i >= 3;
        json_t *e = json_pack("{s:s, s:s, s:s, s:i, s:i, s:f, s:f, s:s, s:s, s:s, s:s}", "name", name, "run_name", name,
                              "run_type", agg ? "aggregate" : "iteration", "repetitions", 3, "threads", threads,
                              "real_time", agg ? aggregate[i - 3] : reps[i], "cpu_time", agg ? aggregate[i - 3] : reps[i],
                              "time_unit", "us", "suite", suite, "case", shape, "backend", backend);
        assert_non_null(e);
        if (agg) {
            char full[300];
            snprintf(full, sizeof full, "%s_%s", name, aggregates[i - 3]);
            json_object_set_new(e, "name", json_string(full));
            json_object_set_new(e, "aggregate_name", json_string(aggregates[i - 3]));
            json_object_set_new(e, "aggregate_unit", json_string(i == 6 ? "percentage" : "time"));
        } else {
            json_object_set_new(e, "repetition_index", json_integer(i));
            json_object_set_new(e, "round", json_integer(i)); /* a repetition a round */
        }
        json_object_update(e, extra);
        json_array_append_new(benchmarks, e);
    }
    json_decref(extra);
}

/* Adds the fields of a case placed under the roofline to entry e. */
static void add_roof(json_t *e, const char *level, bool memory_bound, double fraction) {
    json_t *fields = json_pack("{s:s, s:f, s:f, s:b, s:f}", "roof_level", level, "roof_gbps", 150.0,
                               "attainable_gflops", 120.0, "memory_bound", memory_bound, "roof_fraction", fraction);
    json_object_update(e, fields);
    json_decref(fields);
}

static void add_kernels(json_t *b, int threads, double k, bool placed) {
    json_t *pw = json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:f, s:f, s:f, s:f, s:[s]}", "category", "conv",
                           "description", "conv 1x1, 28x28x58 -> 28x28x58", "kernel", "lm_f32_pwconv", "madds",
                           (json_int_t)2637376, "mac", (json_int_t)94424, "mac_bytes", (json_int_t)377696, "intensity",
                           13.97, "gflops", 70.0, "gbps", 5.0, "ratio_to_onednn", 1.02, "flags", "noisy");
    if (placed) add_roof(pw, "L2", false, 0.583);
    add_case(b, "kernels", "pw_58x58_28", "latmac", threads, 70 * k / threads, pw);
    add_case(b, "kernels", "pw_58x58_28", "onednn", threads, 68 * k / threads,
             json_pack("{s:s, s:s, s:I, s:I}", "category", "conv", "kernel", "onednn 2.6.3", "madds",
                       (json_int_t)2637376, "mac", (json_int_t)94424));
    add_case(b, "kernels", "relu_116_28", "latmac", threads, 5 * k / threads,
             json_pack("{s:s, s:s, s:I, s:I, s:I, s:f, s:f}", "category", "elementwise", "description",
                       "relu, 28x28x116", "madds", (json_int_t)0, "mac", (json_int_t)181888, "mac_bytes",
                       (json_int_t)727552, "gbps", 145.0, "copy_bandwidth_fraction", 0.8));
}

/* Three steps of the first network timed alone. */
static void add_layers(json_t *b, int threads, bool placed) {
    static const char *const names[] = {"conv1.0", "stage2.0.branch2.0", "fc"};
    for (int i = 0; i < 3; i++) {
        char shape[160];
        snprintf(shape, sizeof shape, "shufflenet_v2_x1_0@1x224x224/layer:%03d:%s", i, names[i]);
        json_t *e = json_pack("{s:s, s:s, s:s, s:i, s:i, s:s, s:s, s:f, s:f, s:f, s:f, s:f}", "category", "Conv",
                              "network", "shufflenet_v2_x1_0", "input", "224x224", "batch", 1, "layer_index", i, "layer", names[i],
                              "description", "conv", "madds", 1e6 * (i + 1), "mac", 1e5, "mac_bytes", 4e5, "intensity",
                              5.0 * (i + 1), "gflops", 30.0 + i);
        if (placed) add_roof(e, i ? "L2" : "L1", i == 0, 0.25 * (i + 1));
        add_case(b, "nets", shape, "latmac", threads, 60.0 / threads, e);
    }
}

/* Peak 150 GFLOP/s a thread; L1 and DRAM; a sweep of three working sets. */
static json_t *ceilings(int thread_counts) {
    json_t *at = json_array();
    for (int t = 1; t <= thread_counts; t++)
        json_array_append_new(
            at, json_pack("{s:i, s:f, s:[{s:s, s:s, s:f}, {s:s, s:s, s:f}], s:[{s:s, s:I, s:I, s:f, s:f, s:f, s:f}, "
                          "{s:s, s:I, s:f, s:f, s:f, s:f}], s:[{s:I, s:f, s:f, s:f}, {s:I, s:f, s:f, s:f}, {s:I, s:f, "
                          "s:f, s:f}]}",
                          "threads", t, "peak_gflops", 150.0 * t, "peaks", "isa", "avx512", "mix", "fma", "gflops",
                          150.0 * t, "isa", "avx512", "mix", "fma+add", "gflops", 100.0 * t, "levels", "name", "L1",
                          "capacity_bytes", (json_int_t)32768 * t, "working_set_bytes", (json_int_t)16384 * t,
                          "read_gbps", 300.0 * t, "write_gbps", 150.0 * t, "copy_gbps", 200.0 * t, "roof_gbps",
                          300.0 * t, "name", "DRAM", "working_set_bytes", (json_int_t)1 << 27, "read_gbps", 12.0,
                          "write_gbps", 8.0, "copy_gbps", 10.0, "roof_gbps", 12.0, "sweep", "bytes", (json_int_t)8192,
                          "read_gbps", 280.0 * t, "write_gbps", 140.0, "copy_gbps", 190.0, "bytes",
                          (json_int_t)1 << 20, "read_gbps", 90.0, "write_gbps", 50.0, "copy_gbps", 60.0, "bytes",
                          (json_int_t)1 << 27, "read_gbps", 12.0, "write_gbps", 8.0, "copy_gbps", 10.0));
    return json_pack("{s:i, s:f, s:o}", "repetitions", 3, "min_time_seconds", 0.002, "at", at);
}

static void add_nets(json_t *b, int threads, double k, const char *second) {
    const struct {
        const char *name;
        double madds, mac, params, ms;
    } nets[] = {{"shufflenet_v2_x1_0", 145e6, 11e6, 2278604, 7.4}, {second, 301e6, 17e6, 3504872, 14.8},
                {"mobilenet_v3_small", 56e6, 6.5e6, 2542856, 4.7}};
    for (int i = 0; i < 3; i++) {
        char shape[160];
        snprintf(shape, sizeof shape, "%s@1x224x224", nets[i].name);
        const double us = 1e3 * nets[i].ms * k / threads;
        add_case(b, "nets", shape, "latmac", threads, us,
                 json_pack("{s:s, s:s, s:s, s:i, s:f, s:f, s:f, s:i, s:f, s:{s:f, s:f, s:f, s:f, s:f}}", "category",
                           "network", "network", nets[i].name, "input", "224x224", "batch", 1, "madds", nets[i].madds,
                           "mac", nets[i].mac, "params", nets[i].params, "peak_activation_bytes", 2107392,
                           "images_per_second", 1e6 / us, "profile_time", "Conv", us * 0.8, "Concat/Split", us * 0.1,
                           "Elemwise", 0.0, "Shuffle", us * 0.05, "Other", us * 0.05));
    }
}

static void add_guidelines(json_t *b, int threads, double k) {
    static const char *const labels[] = {"c1:c2 = 1:1 (128, 128)", "c1:c2 = 1:2 (90, 180)"};
    for (int i = 0; i < 2; i++) {
        char shape[64];
        snprintf(shape, sizeof shape, "G1/gpu_x1/1_%d", i + 1);
        const double us = (20000 + 4000 * i) * k / threads;
        add_case(b, "guidelines", shape, "latmac", threads, us,
                 json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:i, s:f, s:f, s:f, s:s}", "experiment", "G1", "group",
                           "gpu_x1", "label", labels[i], "network", shape, "input", "56x56", "batch", 1, "rank", i, "scale",
                           1, "madds", 1.0276e9, "mac",
                           16.4e6, "paper_gpu_batches_per_second", i ? 1296.0 : 1480.0, "category", "guideline"));
    }
}

json_t *fixture_results(const fixture_options *o) {
    const double k = o->slowdown > 0 ? o->slowdown : 1;
    json_t *threads = json_array(), *verdicts = json_array(), *proxies = json_array(), *b = json_array();
    for (int t = 1; t <= o->thread_counts; t++) {
        json_array_append_new(threads, json_pack("{s:i, s:[i]}", "threads", t, "placement", t - 1));
        if (o->kernels) add_kernels(b, t, k, o->ceilings);
        if (o->layers) add_layers(b, t, o->ceilings);
        if (o->nets) {
            add_nets(b, t, k, o->net_name ? o->net_name : "mobilenet_v2");
            json_array_append_new(proxies, json_pack("{s:s, s:i, s:i, s:f, s:f, s:f, s:f, s:f, s:f}", "cases",
                                                     "networks", "threads", t, "count", 3, "madds_spearman", 0.5,
                                                     "madds_log_r2", 0.4, "madds_log_slope", 0.7, "mac_spearman", 1.0,
                                                     "mac_log_r2", 0.9, "mac_log_slope", 1.1));
        }
        if (o->guidelines) {
            add_guidelines(b, t, k);
            json_array_append_new(
                verdicts, json_pack("{s:s, s:i, s:s, s:i, s:i, s:i, s:[{s:s, s:s, s:s, s:f, s:f, s:f, s:f, s:f, s:s}]}",
                                    "experiment", "G1", "threads", t, "verdict", t == 1 ? "holds" : "inconclusive",
                                    "comparisons_count", 1, "confirms", t == 1, "contradicts", 0, "comparisons", "group",
                                    "gpu_x1", "faster_label", "c1:c2 = 1:1 (128, 128)", "slower_label",
                                    "c1:c2 = 1:2 (90, 180)", "time_ratio", 1.2, "time_ratio_low", 1.1,
                                    "time_ratio_high", 1.3, "p", 0.004, "p_adjusted", 0.004, "outcome",
                                    t == 1 ? "confirms" : "undecided"));
        }
    }
    json_t *latmac = json_pack("{s:s, s:s, s:s, s:o, s:[{s:s, s:s}], s:[s, s], s:i, s:f, s:f, s:s, s:s, s:f, s:i, "
                               "s:f, s:b, s:i, s:i, s:o, s:o, s:s}",
                               "version", "0.1.0", "command_line", "latmac run --quick", "suite", "all", "thread_counts",
                               threads, "peers", "name", "onednn", "version", "2.6.3", "usable_isas", "reference",
                               "avx2", "repetitions", 3, "min_time_seconds", 0.01, "warmup_time_seconds", 0.01,
                               "statistic", "median", "pinning", "hwloc", "load_average_at_start", 0.5, "cores", 2,
                               "noisy_cv", 0.05, "partial", o->partial, "cases_planned", 100, "cases_finished",
                               o->partial ? 40 : 100, "verdicts", verdicts, "proxies", proxies, "verdict_rule",
                               "the rule in words");
    json_t *host = json_pack("{s:{s:s, s:s, s:[s]}, s:{s:i, s:i, s:i}, s:{s:f, s:s, s:s}, s:{s:s, s:s}}", "cpu", "brand",
                             "Test CPU @ 2.50GHz", "microarchitecture", "Skylake", "usable_simd", "avx2", "topology",
                             "physical_cores", 2, "hardware_threads", 2, "packages", 1, "clock", "current_mhz", 2500.0,
                             "max_mhz", "unknown", "governor", "unknown", "build", "compiler", "gcc 12.2.0", "flags",
                             "-O3 -std=c17");
    json_object_set_new(latmac, "host", host);
    if (o->ceilings) json_object_set_new(latmac, "ceilings", ceilings(o->thread_counts));
    json_t *context = json_pack("{s:s, s:s, s:b, s:s, s:o}", "date", "2026-11-27T23:07:16+00:00", "host_name",
                                o->host_name ? o->host_name : "box", "cpu_scaling_enabled", 0, "library_build_type",
                                "debug", "latmac", latmac);
    json_t *doc = json_pack("{s:o, s:o}", "context", context, "benchmarks", b);
    assert_non_null(doc);
    return doc;
}

const char *fixture_write(json_t *doc, const char *dir, const char *name) {
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    assert_int_equal(json_dump_file(doc, path, JSON_INDENT(1)), 0);
    return path;
}

json_t *fixture_median(json_t *doc, const char *run_name) {
    char name[300];
    snprintf(name, sizeof name, "%s_median", run_name);
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(doc, "benchmarks"), i, e) {
        if (strcmp(json_string_value(json_object_get(e, "name")), name) == 0) return e;
    }
    fail_msg("no entry %s", name);
    return NULL;
}
