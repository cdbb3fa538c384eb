/* Reading results.json back into records (reports/results_read.h): a run written, read, analysed and
 * written again gives the same document, derived figures included; reanalysing a file keeps its
 * context and recomputes what was tampered with; files from before a field existed still load; and a
 * malformed field is refused with one line naming the file, the entry and the field, never a crash. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/kernel.h"
#include "reports/results.h"
#include "reports/results_read.h"
#include "tests/report_fixture.h"

/* ---- a run with every kind of case: kernels under two caps with peers, memcpy and a forced variant,
 * a failed peer and a single repetition, networks with profiles and layers, and a guideline group ---- */

static const char *const aggregates[] = {"mean", "median", "stddev", "cv", "min", "max"};

/* Appends a case named from its fields, with `reps` repetitions spread around `median_us` and, with
 * more than one, the six aggregates; returns it for the caller to add its facts (valid until the next). */
static lm_result_case *add(lm_results *r, const char *suite, const char *shape, const char *backend, const char *isa,
                           int threads, double median_us, int reps) {
    lm_result_case c;
    memset(&c, 0, sizeof c);
    snprintf(c.suite, sizeof c.suite, "%s", suite);
    snprintf(c.shape, sizeof c.shape, "%s", shape);
    snprintf(c.backend, sizeof c.backend, "%s", backend);
    snprintf(c.isa, sizeof c.isa, "%s", isa);
    snprintf(c.kernel, sizeof c.kernel, "%s", isa[0] ? "lm_f32_kernel__avx512" : backend);
    snprintf(c.time_unit, sizeof c.time_unit, "us");
    snprintf(c.category, sizeof c.category, "elementwise");
    snprintf(c.op, sizeof c.op, "activation");
    snprintf(c.description, sizeof c.description, "%s, 28x28x116 -> 28x28x116", shape);
    c.isa_in_name = isa[0] != '\0';
    c.threads = threads;
    c.placement_count = (size_t)threads;
    for (int i = 0; i < threads; i++) c.placement[i] = (unsigned)(3 * i + 1);
    c.layer_index = -1;
    c.repetitions = reps;
    c.family_index = (int64_t)r->case_count;
    lm_result_case_set_name(&c);
    for (int i = 0; i < reps; i++) {
        const double t = median_us * (1 + 0.01 * (i - reps / 2));
        lm_result_run run = {.repetition_index = i, .iterations = 100 + i, .real_time = t, .cpu_time = t * 0.99};
        assert_int_equal(lm_result_case_add_run(&c, &run), 0);
    }
    for (int i = 0; reps > 1 && i < 6; i++) {
        const double values[6] = {median_us * 1.001, median_us, median_us * 0.03, 0.03 + 0.01 * threads,
                                  median_us * 0.95, median_us * 1.05};
        lm_result_run run = {.is_aggregate = true, .is_percentage = i == 3, .repetition_index = -1, .iterations = reps,
                             .real_time = values[i], .cpu_time = values[i]};
        snprintf(run.aggregate_name, sizeof run.aggregate_name, "%s", aggregates[i]);
        assert_int_equal(lm_result_case_add_run(&c, &run), 0);
    }
    assert_int_equal(lm_results_add_case(r, &c), 0);
    return &r->cases[r->case_count - 1];
}

static void fail_case(lm_result_case *c) {
    c->runs[0].error = true;
    snprintf(c->runs[0].error_message, sizeof c->runs[0].error_message, "preparing failed: no equivalent");
}

static void add_kernels(lm_results *r, int t) {
    static const struct {
        const char *shape, *category;
        uint64_t madds, mac;
        double us;
    } shapes[] = {{"relu_116_28", "elementwise", 0, 181888, 9}, {"pw_58x58_28", "conv", 2637376, 94366, 40},
                  {"add_116_28", "elementwise", 0, 272832, 14}};
    const char *isas[] = {"avx512", "avx2"};
    for (size_t s = 0; s < 3; s++) {
        for (int i = 0; i < 2; i++) {
            lm_result_case *c = add(r, "kernels", shapes[s].shape, "latmac", isas[i], t, shapes[s].us * (1 + i) / t, 5);
            snprintf(c->category, sizeof c->category, "%s", shapes[s].category);
            c->madds = shapes[s].madds, c->mac = shapes[s].mac, c->executed_madds = shapes[s].madds * 17 / 16;
            c->params = shapes[s].madds ? 3480 : 0;
        }
        for (int p = 0; p < 2; p++) {
            const char *peer = p ? "xnnpack" : "onednn";
            lm_result_case *c = add(r, "kernels", shapes[s].shape, peer, "", t, shapes[s].us * 1.1 / t, 5);
            c->madds = shapes[s].madds, c->mac = shapes[s].mac;
            if (s == 1 && p == 1) fail_case(c);
        }
        if (!shapes[s].madds)
            add(r, "kernels", shapes[s].shape, "memcpy", "", t, shapes[s].us * 0.7 / t, 5)->mac = shapes[s].mac;
    }
    lm_result_case *v = add(r, "kernels", "dw3x3s1_58_28", "latmac", "avx2", t, 12.0 / t, 5);
    v->variant = true; /* a forced variant: named by its kernel, left out of ratios and proxies */
    snprintf(v->kernel, sizeof v->kernel, "lm_f32_dwconv_nhwc__avx2");
    lm_result_case_set_name(v);
    v->madds = 409248, v->mac = 91524, v->executed_madds = 451584;
    if (t == 1) add(r, "kernels", "gap_1024_7", "latmac", "avx512", t, 3.0, 1)->mac = 51200; /* one repetition */
}

static void add_nets(lm_results *r, int t) {
    static const char *const nets[] = {"shufflenet_v2_x1_0", "mobilenet_v2", "mnasnet0_5"};
    static const char *const categories[] = {"Conv", "Concat/Split", "Elemwise"};
    for (int n = 0; n < 3; n++) {
        char shape[96];
        snprintf(shape, sizeof shape, "%s@1x224x224", nets[n]);
        lm_result_case *c = add(r, "nets", shape, "latmac", "avx512", t, 4000.0 * (n + 1) / t, 5);
        snprintf(c->network, sizeof c->network, "%s", nets[n]);
        snprintf(c->category, sizeof c->category, "network");
        snprintf(c->op, sizeof c->op, "network");
        c->batch = 1, c->input_h = 224, c->input_w = 224, c->layers = 150 + n, c->steps = 60 + n;
        c->madds = 145000000ull * (n + 1), c->mac = 11000000ull + 3000000ull * (unsigned)n, c->params = 2278604;
        c->executed_madds = c->madds * 9 / 8, c->peak_activation_bytes = 2107392;
        c->predicted_seconds = n == 2 ? 0 : 4.1e-3 * (n + 1) / t; /* the third without a calibration */
        c->has_profile = true;
        for (int k = 0; k < LM_RESULT_LAYER_CATEGORIES; k++) c->profile_seconds[k] = 1e-4 * (k + 1) * (n + 1) / t;
        for (int l = 0; n == 0 && l < 3; l++) {
            char layer[160];
            snprintf(layer, sizeof layer, "%s/layer:%03d:stage2.%d", shape, l, l);
            lm_result_case *s = add(r, "nets", layer, "latmac", "avx512", t, 300.0 * (l + 1) / t, 5);
            snprintf(s->network, sizeof s->network, "%s", nets[n]);
            snprintf(s->category, sizeof s->category, "%s", categories[l]);
            snprintf(s->layer, sizeof s->layer, "stage2.%d", l);
            s->batch = 1, s->input_h = 224, s->input_w = 224, s->layer_index = l;
            s->madds = l ? 0 : 5000000, s->mac = 400000, s->executed_madds = l ? 0 : 5400000;
        }
    }
}

/* G1's group: the paper's fastest case clearly fastest (every repetition below the others'), each
 * repetition its own round, so the verdict is decided, not inconclusive. */
static void add_guidelines(lm_results *r, int t) {
    for (int rank = 0; rank < 3; rank++) {
        char shape[64];
        snprintf(shape, sizeof shape, "G1/gpu_x1/1_%d", rank + 1);
        lm_result_case *c = add(r, "guidelines", shape, "latmac", "avx512", t, 20000.0 * (1 + 0.3 * rank) / t, 10);
        snprintf(c->network, sizeof c->network, "G1/1_%d", rank + 1);
        snprintf(c->experiment, sizeof c->experiment, "G1");
        snprintf(c->group, sizeof c->group, "gpu_x1");
        snprintf(c->label, sizeof c->label, "c1:c2 = 1:%d", rank + 1);
        snprintf(c->category, sizeof c->category, "network");
        c->batch = 1, c->input_h = 56, c->input_w = 56, c->rank = rank, c->scale = 1;
        c->madds = 1027600000, c->mac = 16400000, c->layers = 10, c->steps = 8;
        c->separate_elementwise = rank == 1, c->concurrent_branches = rank == 2;
        c->paper_gpu = rank == 2 ? 0 : 1480.0 - 184 * rank, c->paper_arm = rank ? 0 : 76.2;
        for (size_t k = 0; k < c->run_count; k++)
            if (!c->runs[k].is_aggregate) c->runs[k].round = (int)c->runs[k].repetition_index;
    }
}

/* Peaks per set and mix; L1, L2 and DRAM (unbounded); a sweep of three working sets. */
static void make_ceilings(lm_ceilings *c) {
    memset(c, 0, sizeof *c);
    c->repetitions = 3, c->min_time = 0.002, c->count = 2;
    for (int t = 0; t < 2; t++) {
        lm_ceilings_at *at = &c->at[t];
        at->threads = t + 1, at->peak_gflops = 150.0 * (t + 1), at->peak_count = 2, at->level_count = 3;
        at->peaks[0] = (lm_peak_flops){"avx512", "fma", 150.0 * (t + 1)};
        at->peaks[1] = (lm_peak_flops){"avx2", "fma+add", 90.5 * (t + 1)};
        const char *names[] = {"L1", "L2", "DRAM"};
        const size_t capacity[] = {(size_t)48 << (10 + t), (size_t)1280 << (10 + t), SIZE_MAX};
        for (int k = 0; k < 3; k++) {
            lm_memory_level *l = &at->levels[k];
            snprintf(l->name, sizeof l->name, "%s", names[k]);
            l->capacity_bytes = capacity[k], l->working_set = capacity[k] == SIZE_MAX ? (size_t)1 << 28 : capacity[k] / 2;
            for (int b = 0; b < LM_BW_KINDS; b++) l->gbps[b] = (300.0 - 90 * k) * (t + 1) / (b + 1);
            l->roof_gbps = l->gbps[0];
        }
        at->sweep_count = 3;
        for (int i = 0; i < 3; i++) {
            at->sweep[i].bytes = (size_t)16384 << (6 * i);
            for (int b = 0; b < LM_BW_KINDS; b++) at->sweep[i].gbps[b] = (280.0 - 85 * i) * (t + 1) / (b + 1);
        }
    }
}

static const char gb_context[] =
    "{\"context\": {\"date\": \"2026-01-02T03:04:05+00:00\", \"host_name\": \"box\", \"executable\": \"latmac\", "
    "\"num_cpus\": 2, \"mhz_per_cpu\": 2500, \"cpu_scaling_enabled\": false, \"caches\": [{\"type\": \"Data\", "
    "\"level\": 1, \"size\": 49152, \"num_sharing\": 1}], \"load_avg\": [0.42,0.3,0.2], "
    "\"library_build_type\": \"debug\"}, \"benchmarks\": []}";

static lm_ceilings ceilings;

static lm_results *make_results(void) {
    lm_results *r = calloc(1, sizeof *r);
    assert_non_null(r);
    snprintf(r->suite, sizeof r->suite, "all");
    r->command_line = strdup("latmac run --isa avx512,avx2 --threads 1,2 --per-layer");
    r->gb_context_json = strdup(gb_context);
    r->usable_isas = LM_ISA_BIT(LM_ISA_REFERENCE) | LM_ISA_BIT(LM_ISA_AVX2) | LM_ISA_BIT(LM_ISA_AVX512);
    r->timed_isas = LM_ISA_BIT(LM_ISA_AVX2) | LM_ISA_BIT(LM_ISA_AVX512);
    r->peer_count = 2;
    r->peers[0] = (lm_result_peer){"onednn", "3.0.0"};
    r->peers[1] = (lm_result_peer){"xnnpack", "0.0~git"};
    r->thread_count_count = 2;
    for (int t = 0; t < 2; t++) {
        r->thread_counts[t].threads = t + 1;
        r->thread_counts[t].placement_count = (size_t)t + 1;
        for (int i = 0; i <= t; i++) r->thread_counts[t].placement[i] = (unsigned)(3 * i + 1);
    }
    r->repetitions = 5, r->min_time = 0.05, r->warmup_time = 0.025;
    r->load_at_start = 0.42, r->cores = 2;
    snprintf(r->pinning, sizeof r->pinning, "hwloc: one hardware thread per core");
    make_ceilings(&ceilings);
    r->ceilings = &ceilings;
    for (int t = 1; t <= 2; t++) {
        add_kernels(r, t);
        add_nets(r, t);
        add_guidelines(r, t);
    }
    r->partial = true, r->cases_planned = r->case_count + 7;
    return r;
}

static void free_results(lm_results *r) {
    lm_results_free(r);
    free(r);
}

static json_t *to_json(const lm_results *r) {
    lm_analysis a;
    assert_int_equal(lm_analyse(r, &a), 0);
    json_t *doc = lm_results_to_json(&a);
    lm_analysis_free(&a);
    assert_non_null(doc);
    return doc;
}

/* The first place where a and b differ, as a path ("benchmarks[3].ratio_to_onednn"), for a failure. */
static bool difference(const json_t *a, const json_t *b, char *path, size_t size) {
    if (json_equal(a, b)) return false;
    const size_t used = strlen(path);
    if (json_is_object(a) && json_is_object(b)) {
        const char *key;
        const json_t *v;
        for (int pass = 0; pass < 2; pass++)
            json_object_foreach((json_t *)(pass ? b : a), key, v) {
                snprintf(path + used, size - used, ".%s", key);
                if (difference(json_object_get(a, key), json_object_get(b, key), path, size)) return true;
            }
    } else if (json_is_array(a) && json_is_array(b) && json_array_size(a) == json_array_size(b)) {
        for (size_t i = 0; i < json_array_size(a); i++) {
            snprintf(path + used, size - used, "[%zu]", i);
            if (difference(json_array_get(a, i), json_array_get(b, i), path, size)) return true;
        }
    }
    path[used] = '\0';
    char *x = a ? json_dumps(a, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
    char *y = b ? json_dumps(b, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
    snprintf(path + used, size - used, ": %.60s against %.60s", x ? x : "absent", y ? y : "absent");
    free(x), free(y);
    return true;
}

static void assert_same(const json_t *expected, const json_t *actual) {
    char path[512] = "";
    if (difference(expected, actual, path, sizeof path)) fail_msg("the documents differ at %s", path);
}

/* doc's records read back, analysed, and written again. */
static json_t *round_trip(const json_t *doc) {
    lm_results_file f;
    char err[512] = "";
    if (lm_results_read(doc, "r.json", &f, err, sizeof err) != 0) fail_msg("%s", err);
    json_t *again = to_json(&f.results);
    lm_results_file_free(&f);
    return again;
}

#define PW "kernels/pw_58x58_28/latmac/isa:avx512/threads:1"
#define NET "nets/shufflenet_v2_x1_0@1x224x224/latmac/isa:avx512/threads:1"

static void test_round_trip_gives_the_same_document(void **state) {
    (void)state;
    lm_results *r = make_results();
    json_t *doc = to_json(r);
    /* the fixture reaches every derived figure */
    json_t *latmac = json_object_get(json_object_get(doc, "context"), "latmac");
    assert_true(json_array_size(json_object_get(latmac, "verdicts")) == 2);
    json_t *verdict = json_array_get(json_object_get(latmac, "verdicts"), 0);
    assert_string_equal(json_string_value(json_object_get(verdict, "verdict")), "holds");
    assert_true(json_array_size(json_object_get(latmac, "proxies")) >= 4);
    json_t *pw = fixture_median(doc, PW), *net = fixture_median(doc, NET);
    const char *derived[] = {"ratio_to_onednn", "roof_fraction", "roof_level", "attainable_gflops", "gflops", "flags"};
    for (size_t i = 0; i < sizeof derived / sizeof *derived; i++)
        if (!json_object_get(pw, derived[i])) fail_msg("the fixture's pw median lacks %s", derived[i]);
    json_t *relu = fixture_median(doc, "kernels/relu_116_28/latmac/isa:avx2/threads:2");
    assert_non_null(json_object_get(relu, "copy_bandwidth_fraction"));
    assert_non_null(json_object_get(net, "category_time"));
    assert_non_null(json_object_get(net, "profile_time"));
    assert_non_null(json_object_get(latmac, "ceilings"));

    json_t *again = round_trip(doc);
    assert_same(doc, again);
    json_t *third = round_trip(again);
    assert_same(doc, third);
    json_decref(third);
    json_decref(again);
    json_decref(doc);
    free_results(r);
}

static void test_reanalysis_keeps_the_context_and_recomputes_the_rest(void **state) {
    (void)state;
    lm_results *r = make_results();
    json_t *doc = to_json(r);
    json_t *latmac = json_object_get(json_object_get(doc, "context"), "latmac");
    /* what a run has and records cannot hold: the host probe and the version */
    json_object_set_new(latmac, "host", json_pack("{s:{s:s}}", "cpu", "brand", "Test CPU"));
    json_object_set_new(latmac, "version", json_string("0.0.9"));
    json_t *tampered = json_deep_copy(doc);
    json_t *t_latmac = json_object_get(json_object_get(tampered, "context"), "latmac");
    json_t *pw = fixture_median(tampered, PW);
    json_object_set_new(pw, "ratio_to_onednn", json_real(9.87));
    json_object_set_new(pw, "flags", json_pack("[s]", "above_roof"));
    json_object_set_new(pw, "roof_fraction", json_real(0.5));
    json_object_set_new(pw, "gflops", json_real(1e6));
    json_object_set_new(fixture_median(tampered, NET), "gap_time", json_real(-1));
    json_t *verdict = json_array_get(json_object_get(t_latmac, "verdicts"), 0);
    json_object_set_new(verdict, "verdict", json_string("does not hold"));
    json_object_set_new(t_latmac, "verdict_rule", json_string("an edited rule"));
    json_object_set_new(t_latmac, "proxies", json_array());
    json_object_set_new(t_latmac, "noisy_cv", json_real(0.5));

    char err[256] = "";
    json_t *fresh = lm_results_reanalyse(tampered, "t.json", err, sizeof err);
    if (!fresh) fail_msg("%s", err);
    assert_same(doc, fresh);
    json_decref(fresh);

    /* a loaded run takes the new document under its own label */
    lm_report_run run;
    assert_int_equal(lm_report_run_adopt(&run, json_incref(tampered), "t.json", err, sizeof err), 0);
    assert_int_equal(lm_report_run_reanalyse(&run, err, sizeof err), 0);
    assert_string_equal(run.label, "t.json");
    assert_same(doc, run.root);
    lm_report_run_free(&run);
    json_decref(tampered);
    json_decref(doc);
    free_results(r);
}

/* Deletes `keys` (NULL-terminated) from every object of `list`. */
static void strip(json_t *list, const char *const *keys) {
    size_t i;
    json_t *e;
    json_array_foreach(list, i, e) for (const char *const *k = keys; *k; k++) json_object_del(e, *k);
}

static void test_files_from_before_a_field_existed_still_load(void **state) {
    (void)state;
    lm_results *r = make_results();
    json_t *doc = to_json(r);
    static const char *const entry_fields[] = {
        "isa", "variant", "executed_madds", "kernel", "category", "op", "description", "params", "placement",
        "family_index", "per_family_instance_index", "iterations", "cpu_time", "repetition_index", "aggregate_unit",
        "layer", "layers", "steps", "peak_activation_bytes", "profile_time", "label", "separate_elementwise",
        "concurrent_branches", "paper_gpu_batches_per_second", "paper_arm_images_per_second", "name", "round", NULL};
    strip(json_object_get(doc, "benchmarks"), entry_fields);
    json_t *latmac = json_object_get(json_object_get(doc, "context"), "latmac");
    static const char *const context_fields[] = {"timed_isas", "usable_isas", "ceilings", "partial", "cases_planned",
                                                 "suite", "command_line", "pinning", "repetitions", "min_time_seconds",
                                                 "warmup_time_seconds", "verdicts", "proxies", "rounds", "seed", NULL};
    for (const char *const *k = context_fields; *k; k++) json_object_del(latmac, *k);
    strip(json_object_get(latmac, "peers"), (const char *const[]){"version", NULL});
    strip(json_object_get(latmac, "thread_counts"), (const char *const[]){"placement", NULL});
    json_object_set_new(latmac, "load_average_at_start", json_string("unknown"));
    json_object_set_new(latmac, "cores", json_string("unknown"));

    lm_results_file f;
    char err[512] = "";
    if (lm_results_read(doc, "old.json", &f, err, sizeof err) != 0) fail_msg("%s", err);
    const lm_results *back = &f.results;
    assert_int_equal(back->case_count, r->case_count);
    assert_null(f.ceilings);
    assert_null(back->ceilings);
    assert_true(back->load_at_start < 0);
    assert_int_equal(back->cores, 0);
    assert_int_equal(back->timed_isas, 0);
    assert_string_equal(back->command_line, "");
    for (size_t i = 0; i < back->case_count; i++) {
        const lm_result_case *c = &back->cases[i], *was = &r->cases[i];
        assert_string_equal(c->name, was->name);
        assert_string_equal(c->isa, "");
        assert_int_equal(c->family_index, (int64_t)i); /* the order the cases come in */
        assert_int_equal(c->layer_index, was->layer_index);
        assert_int_equal(c->run_count, was->run_count);
        for (size_t k = 0; k < c->run_count; k++) {
            assert_int_equal(c->runs[k].repetition_index, was->runs[k].repetition_index);
            assert_true(c->runs[k].real_time == was->runs[k].real_time);
        }
    }
    lm_analysis a;
    assert_int_equal(lm_analyse(back, &a), 0);
    json_t *written = lm_results_to_json(&a);
    assert_non_null(written);
    json_decref(written);
    lm_analysis_free(&a);
    lm_results_file_free(&f);
    json_decref(doc);
    free_results(r);
}

/* ---- malformed files ---- */

/* The object an edit applies to: "latmac", "thread_count" (the first), "level" (the ceilings' first),
 * "first:<run_name>" (a case's first entry, where its fields are read), "median:<run_name>", or the
 * index of an entry. */
static json_t *target(json_t *doc, const char *which) {
    json_t *latmac = json_object_get(json_object_get(doc, "context"), "latmac");
    if (strcmp(which, "latmac") == 0) return latmac;
    if (strcmp(which, "level") == 0)
        return json_array_get(json_object_get(json_array_get(json_object_get(json_object_get(latmac, "ceilings"), "at"), 0),
                                              "levels"),
                              0);
    if (strcmp(which, "thread_count") == 0) return json_array_get(json_object_get(latmac, "thread_counts"), 0);
    if (strncmp(which, "median:", 7) == 0) return fixture_median(doc, which + 7);
    size_t i;
    json_t *e;
    if (strncmp(which, "first:", 6) == 0)
        json_array_foreach(json_object_get(doc, "benchmarks"), i, e) {
            if (strcmp(json_string_value(json_object_get(e, "run_name")), which + 6) == 0) return e;
        }
    return json_array_get(json_object_get(doc, "benchmarks"), (size_t)atoi(which));
}

static void test_malformed_files_are_refused_with_one_line(void **state) {
    (void)state;
    static const struct {
        const char *which, *key, *value; /* value: JSON text; NULL deletes the key */
        const char *message;
    } edits[] = {
        {"0", "madds", "\"many\"",
         "r.json: benchmarks[0] (kernels/relu_116_28/latmac/isa:avx512/threads:1): 'madds' is not a whole number from 0"},
        {"0", "threads", "0", "'threads' is not a whole number from 1 to 256"},
        {"0", "run_type", "\"bogus\"", "'run_type' is not \"iteration\" or \"aggregate\""},
        {"0", "time_unit", "\"yr\"", "unknown time_unit 'yr'"},
        {"0", "time_unit", "7", "'time_unit' is not a string of at most 3 characters"},
        {"0", "case", NULL, "benchmarks[0] (kernels/relu_116_28/latmac/isa:avx512/threads:1): 'case' is missing"},
        {"0", "run_name", NULL, "benchmarks[0] (unnamed): 'run_name' is missing"},
        {"0", "real_time", NULL, "'real_time' is missing"},
        {"0", "placement", "[-1]", "'placement' is not a list of hardware threads"},
        {"0", "variant", "\"yes\"", "'variant' is not true or false"},
        {"0", "description", "\"" /* 200 characters */
                             "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"
                             "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789\"",
         "'description' is not a string of at most 159 characters"},
        {"1", "repetition_index", "-2", "'repetition_index' is not a whole number from 0"},
        {"median:" PW, "aggregate_name", NULL, "'aggregate_name' is missing"},
        {"first:" NET, "input", "\"224\"", "'input' is not <height>x<width>"},
        {"first:" NET, "batch", "0", "'batch' is not a whole number from 1"},
        {"first:" NET, "predicted_seconds", "\"soon\"", "'predicted_seconds' is not a number"},
        {"first:" NET, "predicted_seconds", "-1", "'predicted_seconds' is negative"},
        {"median:" NET, "profile_time", "3", "'profile_time' is not an object"},
        {"median:" NET, "profile_time", "{\"Conv\": \"slow\"}", "threads:1).profile_time: 'Conv' is not a number"},
        {"first:guidelines/G1/gpu_x1/1_2/latmac/isa:avx512/threads:2", "rank", NULL, "'rank' is missing"},
        {"latmac", "peers", "3", "r.json: context.latmac: 'peers' is not a list of at most 4 items"},
        {"latmac", "peers", "[{\"version\": \"1\"}]", "context.latmac.peers[0]: 'name' is missing"},
        {"latmac", "thread_counts", NULL, "context.latmac: 'thread_counts' is missing"},
        {"latmac", "usable_isas", "[\"sse9\"]", "'usable_isas' holds something that is not an instruction set"},
        {"latmac", "cores", "-2", "'cores' is not a whole number from 0"},
        {"latmac", "command_line", "[]", "'command_line' is not a string"},
        {"latmac", "ceilings", "[]", "context.latmac.ceilings: not an object"},
        {"thread_count", "threads", "\"one\"", "context.latmac.thread_counts[0]: 'threads' is not a whole number"},
        {"level", "roof_gbps", "\"fast\"", "context.latmac.ceilings.at[0].levels[0]: 'roof_gbps' is not a number"},
        {"level", "capacity_bytes", "-1", "levels[0]: 'capacity_bytes' is not a whole number from 0"},
    };
    lm_results *r = make_results();
    json_t *good = to_json(r);
    for (size_t i = 0; i < sizeof edits / sizeof *edits; i++) {
        json_t *doc = json_deep_copy(good), *o = target(doc, edits[i].which);
        assert_non_null(o);
        if (edits[i].value) json_object_set_new(o, edits[i].key, json_loads(edits[i].value, JSON_DECODE_ANY, NULL));
        else json_object_del(o, edits[i].key);
        lm_results_file f;
        char err[512] = "";
        if (lm_results_read(doc, "r.json", &f, err, sizeof err) == 0)
            fail_msg("edit %zu (%s) was accepted", i, edits[i].key);
        if (!strstr(err, edits[i].message)) fail_msg("edit %zu: '%s' lacks '%s'", i, err, edits[i].message);
        assert_true(strncmp(err, "r.json", 6) == 0);
        assert_null(strchr(err, '\n'));
        assert_int_equal(f.results.case_count, 0); /* nothing half-read is left */
        assert_null(f.ceilings);
        json_decref(doc);
    }
    /* not a results file, not latmac's */
    lm_results_file f;
    char err[512];
    json_t *list = json_array();
    assert_int_equal(lm_results_read(list, "l.json", &f, err, sizeof err), -1);
    assert_non_null(strstr(err, "l.json is not a benchmark results file"));
    json_decref(list);
    json_object_del(json_object_get(good, "context"), "latmac");
    assert_int_equal(lm_results_read(good, "g.json", &f, err, sizeof err), -1);
    assert_non_null(strstr(err, "g.json is not latmac's results"));
    json_decref(good);
    free_results(r);
}

/* Every field of a few entries and of context.latmac given each wrong type in turn: the reader
 * refuses or accepts, and what it accepts analyses and writes; nothing crashes (a fuzzer's view). */
static void test_no_field_of_any_type_crashes_the_reader(void **state) {
    (void)state;
    lm_results *r = make_results();
    json_t *doc = to_json(r);
    const char *whichs[] = {"0", "median:" PW, "first:" NET, "median:" NET,
                            "first:nets/shufflenet_v2_x1_0@1x224x224/layer:001:stage2.1/latmac/isa:avx512/threads:2",
                            "first:guidelines/G1/gpu_x1/1_1/latmac/isa:avx512/threads:1", "latmac", "thread_count", "level"};
    const char *values[] = {"{}", "\"x\"", "-1"};
    size_t accepted = 0, refused = 0;
    for (size_t w = 0; w < sizeof whichs / sizeof *whichs; w++) {
        json_t *o = target(doc, whichs[w]), *original = json_deep_copy(o);
        const char *key;
        json_t *unused;
        json_object_foreach(original, key, unused) {
            for (size_t v = 0; v < sizeof values / sizeof *values; v++) {
                json_object_set_new(o, key, json_loads(values[v], JSON_DECODE_ANY, NULL));
                lm_results_file f;
                char err[512] = "";
                if (lm_results_read(doc, "f.json", &f, err, sizeof err) == 0) {
                    json_decref(to_json(&f.results));
                    accepted++;
                } else {
                    if (!err[0] || strchr(err, '\n')) fail_msg("%s = %s: '%s'", key, values[v], err);
                    refused++;
                }
                lm_results_file_free(&f);
            }
            json_object_set(o, key, json_object_get(original, key));
        }
        json_decref(original);
    }
    print_message("# %zu variants accepted, %zu refused\n", accepted, refused);
    assert_true(refused > 0 && accepted > 0);
    json_decref(doc);
    free_results(r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_gives_the_same_document),
        cmocka_unit_test(test_reanalysis_keeps_the_context_and_recomputes_the_rest),
        cmocka_unit_test(test_files_from_before_a_field_existed_still_load),
        cmocka_unit_test(test_malformed_files_are_refused_with_one_line),
        cmocka_unit_test(test_no_field_of_any_type_crashes_the_reader),
    };
    return cmocka_run_group_tests_name("results_read", tests, NULL, NULL);
}
