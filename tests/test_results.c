/* The result writers on synthetic records: results.json keeps Google Benchmark's layout and adds
 * latmac's fields with the right arithmetic; results.csv has its documented columns and quotes per
 * RFC 4180; files are replaced atomically, so a failed write leaves the previous file intact. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "reports/results.h"

/* ---- a synthetic run: relu on latmac, onednn and memcpy; a conv on latmac; a failed case ---- */

static const char *const aggregates[] = {"mean", "median", "stddev", "cv", "min", "max"};

/* A case with three repetitions around `median_us` (and aggregates) or, when failed, one error run. */
static lm_result_case make_case(const char *shape, const char *backend, const char *kernel, int threads,
                                double median_us, double cv, bool failed) {
    lm_result_case c;
    memset(&c, 0, sizeof c);
    lm_result_name(c.name, sizeof c.name, "kernels", shape, backend, NULL, NULL, threads);
    snprintf(c.suite, sizeof c.suite, "kernels");
    snprintf(c.shape, sizeof c.shape, "%s", shape);
    snprintf(c.backend, sizeof c.backend, "%s", backend);
    snprintf(c.kernel, sizeof c.kernel, "%s", kernel);
    snprintf(c.category, sizeof c.category, "elementwise");
    snprintf(c.op, sizeof c.op, "activation");
    snprintf(c.time_unit, sizeof c.time_unit, "us");
    c.threads = threads;
    c.placement_count = (size_t)threads;
    for (int i = 0; i < threads; i++) c.placement[i] = (unsigned)(2 * i);
    c.mac = 1000;
    c.repetitions = failed ? 1 : 3;
    if (failed) {
        lm_result_run run = {.repetition_index = 0, .error = true};
        snprintf(run.error_message, sizeof run.error_message, "preparing failed: out of memory");
        assert_int_equal(lm_result_case_add_run(&c, &run), 0);
        return c;
    }
    const double reps[3] = {median_us * 0.9, median_us, median_us * 1.2};
    for (int i = 0; i < 3; i++) {
        lm_result_run run = {.repetition_index = i, .iterations = 1000, .real_time = reps[i], .cpu_time = reps[i]};
        assert_int_equal(lm_result_case_add_run(&c, &run), 0);
    }
    const double values[6] = {median_us * 31 / 30, median_us, median_us * 0.1, cv, median_us * 0.9, median_us * 1.2};
    for (int i = 0; i < 6; i++) {
        lm_result_run run = {.is_aggregate = true, .is_percentage = i == 3, .repetition_index = -1, .iterations = 3,
                             .real_time = values[i], .cpu_time = values[i]};
        snprintf(run.aggregate_name, sizeof run.aggregate_name, "%s", aggregates[i]);
        assert_int_equal(lm_result_case_add_run(&c, &run), 0);
    }
    return c;
}

static const char gb_context[] =
    "{\"context\": {\"date\": \"2026-01-02T03:04:05+00:00\", \"host_name\": \"box\", \"executable\": \"latmac\", "
    "\"num_cpus\": 2, \"mhz_per_cpu\": 2500, \"cpu_scaling_enabled\": false, \"caches\": [{\"type\": \"Data\", "
    "\"level\": 1, \"size\": 32768, \"num_sharing\": 1}], \"load_avg\": [0.5,0.25,0.125], "
    "\"library_build_type\": \"release\"}, \"benchmarks\": []}";

static lm_results *make_results(void) {
    lm_results *r = calloc(1, sizeof *r);
    assert_non_null(r);
    snprintf(r->suite, sizeof r->suite, "kernels");
    r->command_line = strdup("latmac run --filter relu");
    r->gb_context_json = strdup(gb_context);
    r->usable_isas = 1;
    r->peer_count = 2;
    snprintf(r->peers[0].name, sizeof r->peers[0].name, "onednn");
    snprintf(r->peers[1].name, sizeof r->peers[1].name, "xnnpack");
    r->thread_count_count = 1;
    r->thread_counts[0].threads = 1;
    r->thread_counts[0].placement_count = 1;
    r->repetitions = 3;
    r->min_time = 0.05;
    r->warmup_time = 0.05;
    r->load_at_start = 0.5;
    r->cores = 2;
    snprintf(r->pinning, sizeof r->pinning, "test");
    r->case_count = 5;
    r->cases = calloc(r->case_count, sizeof *r->cases);
    assert_non_null(r->cases);
    r->cases[0] = make_case("relu_116_28", "latmac", "lm_f32_activation_nhwc__ref", 1, 2.0, 0.10, false);
    r->cases[1] = make_case("relu_116_28", "onednn", "onednn 2.6.3", 1, 1.0, 0.01, false);
    r->cases[2] = make_case("relu_116_28", "memcpy", "memcpy", 1, 1.5, 0.01, false);
    r->cases[3] = make_case("pw_58x58_28", "latmac", "a \"quoted\", kernel", 2, 4.0, 0.01, false);
    r->cases[4] = make_case("bn_116_28", "latmac", "lm_f32_batchnorm_nhwc__ref", 1, 0, 0, true);
    r->cases[3].madds = 2000000;
    snprintf(r->cases[3].isa, sizeof r->cases[3].isa, "avx512"); /* latmac's: its cap and the work it did */
    r->cases[3].executed_madds = 2200000;
    r->cases[3].mac = 100000;
    snprintf(r->cases[3].category, sizeof r->cases[3].category, "conv");
    for (size_t i = 0; i < r->case_count; i++) r->cases[i].family_index = (int64_t)i;
    return r;
}

static void free_results(lm_results *r) {
    lm_results_free(r);
    free(r);
}

/* ---- JSON ---- */

static json_t *find_row(json_t *benchmarks, const char *name) {
    for (size_t i = 0; i < json_array_size(benchmarks); i++) {
        json_t *b = json_array_get(benchmarks, i);
        if (strcmp(json_string_value(json_object_get(b, "name")), name) == 0) return b;
    }
    fail_msg("no benchmark named %s", name);
    return NULL;
}

static double real(json_t *obj, const char *key) {
    json_t *v = json_object_get(obj, key);
    if (!json_is_number(v)) fail_msg("%s is not a number", key);
    return json_number_value(v);
}

/* The writers format an analysis (reports/analysis.h): each call here analyses r first. */
static lm_analysis analysed(const lm_results *r) {
    lm_analysis a;
    assert_int_equal(lm_analyse(r, &a), 0);
    return a;
}
static json_t *to_json(const lm_results *r) {
    lm_analysis a = analysed(r);
    json_t *root = lm_results_to_json(&a);
    lm_analysis_free(&a);
    return root;
}
#define WITH_ANALYSIS(call)                                                                                            \
    lm_analysis a = analysed(r);                                                                                       \
    const int status = call;                                                                                           \
    lm_analysis_free(&a);                                                                                              \
    return status
static int write_json(FILE *out, const lm_results *r) { WITH_ANALYSIS(lm_results_write_json(out, &a)); }
static int write_csv(FILE *out, const lm_results *r) { WITH_ANALYSIS(lm_results_write_csv(out, &a)); }
static int write_summary(FILE *out, const lm_results *r) { WITH_ANALYSIS(lm_results_write_summary(out, &a)); }
static int save(const char *dir, const lm_results *r, char *err, size_t size) {
    WITH_ANALYSIS(lm_results_save(dir, &a, err, size));
}

static void test_json_keeps_google_benchmark_layout(void **state) {
    (void)state;
    lm_results *r = make_results();
    json_t *root = to_json(r);
    assert_non_null(root);
    json_t *ctx = json_object_get(root, "context");
    /* Google Benchmark's context, as its reporter wrote it */
    assert_string_equal(json_string_value(json_object_get(ctx, "date")), "2026-01-02T03:04:05+00:00");
    assert_string_equal(json_string_value(json_object_get(ctx, "library_build_type")), "release");
    assert_int_equal(json_array_size(json_object_get(ctx, "caches")), 1);
    assert_int_equal(json_array_size(json_object_get(ctx, "load_avg")), 3);
    /* latmac's facts */
    json_t *l = json_object_get(ctx, "latmac");
    assert_string_equal(json_string_value(json_object_get(l, "suite")), "kernels");
    assert_string_equal(json_string_value(json_object_get(l, "command_line")), "latmac run --filter relu");
    assert_string_equal(json_string_value(json_object_get(l, "statistic")), "median");
    assert_int_equal(json_integer_value(json_object_get(l, "repetitions")), 3);
    assert_string_equal(json_string_value(json_array_get(json_object_get(l, "usable_isas"), 0)), "reference");
    assert_int_equal(json_array_size(json_object_get(l, "peers")), 2);
    assert_int_equal(json_array_size(json_object_get(l, "thread_counts")), 1);
    assert_non_null(json_object_get(l, "pinning"));

    json_t *benchmarks = json_object_get(root, "benchmarks");
    assert_int_equal(json_array_size(benchmarks), 4 * 9 + 1); /* 3 repetitions + 6 aggregates; 1 error */
    json_t *rep = json_array_get(benchmarks, 0);
    const char *iteration_fields[] = {"name", "family_index", "per_family_instance_index", "run_name", "run_type",
                                      "repetitions", "repetition_index", "threads", "iterations", "real_time",
                                      "cpu_time", "time_unit", "suite", "case", "backend", "kernel", "madds", "mac",
                                      "mac_bytes", "params", "intensity", "placement", "gbps"};
    for (size_t i = 0; i < sizeof iteration_fields / sizeof *iteration_fields; i++)
        if (!json_object_get(rep, iteration_fields[i])) fail_msg("iteration row lacks %s", iteration_fields[i]);
    assert_string_equal(json_string_value(json_object_get(rep, "name")), "kernels/relu_116_28/latmac/threads:1");
    assert_string_equal(json_string_value(json_object_get(rep, "run_type")), "iteration");
    assert_null(json_object_get(rep, "aggregate_name"));
    assert_string_equal(json_string_value(json_object_get(rep, "time_unit")), "us");
    assert_null(json_object_get(rep, "gflops")); /* relu has no MAdds */
    json_t *conv_row = find_row(benchmarks, "kernels/pw_58x58_28/latmac/threads:2");
    assert_non_null(json_object_get(conv_row, "gflops"));
    assert_string_equal(json_string_value(json_object_get(conv_row, "isa")), "avx512");
    assert_int_equal(json_integer_value(json_object_get(conv_row, "executed_madds")), 2200000);
    assert_null(json_object_get(rep, "executed_madds")); /* relu records no cap: nothing counted */

    json_t *median = find_row(benchmarks, "kernels/relu_116_28/latmac/threads:1_median");
    assert_string_equal(json_string_value(json_object_get(median, "run_name")), "kernels/relu_116_28/latmac/threads:1");
    assert_string_equal(json_string_value(json_object_get(median, "run_type")), "aggregate");
    assert_string_equal(json_string_value(json_object_get(median, "aggregate_name")), "median");
    assert_string_equal(json_string_value(json_object_get(median, "aggregate_unit")), "time");
    assert_null(json_object_get(median, "repetition_index"));
    assert_float_equal(real(median, "ratio_to_onednn"), 2.0, 1e-12);       /* 2 us / 1 us */
    assert_null(json_object_get(median, "ratio_to_xnnpack"));                /* no such case */
    assert_float_equal(real(median, "copy_bandwidth_fraction"), 0.75, 1e-12); /* 1.5 us / 2 us */
    assert_string_equal(json_string_value(json_array_get(json_object_get(median, "flags"), 0)), "noisy");
    /* only latmac's median carries ratios */
    json_t *peer_median = find_row(benchmarks, "kernels/relu_116_28/onednn/threads:1_median");
    assert_null(json_object_get(peer_median, "ratio_to_onednn"));
    assert_null(json_object_get(find_row(benchmarks, "kernels/relu_116_28/latmac/threads:1_mean"), "ratio_to_onednn"));
    json_t *cv = find_row(benchmarks, "kernels/relu_116_28/latmac/threads:1_cv");
    assert_string_equal(json_string_value(json_object_get(cv, "aggregate_unit")), "percentage");
    assert_float_equal(real(cv, "real_time"), 0.10, 1e-12);
    assert_null(json_object_get(cv, "gflops")); /* rates only on times of one iteration */
    assert_null(json_object_get(find_row(benchmarks, "kernels/relu_116_28/latmac/threads:1_stddev"), "gbps"));
    assert_non_null(json_object_get(find_row(benchmarks, "kernels/relu_116_28/latmac/threads:1_min"), "gbps"));

    /* rates and intensity of the conv: 2e6 MAdds, 100000 elements (400000 bytes) in 4 us */
    json_t *conv = find_row(benchmarks, "kernels/pw_58x58_28/latmac/threads:2_median");
    assert_float_equal(real(conv, "gflops"), 2 * 2e6 / 4e-6 * 1e-9, 1e-9);
    assert_float_equal(real(conv, "gbps"), 400000 / 4e-6 * 1e-9, 1e-9);
    assert_float_equal(real(conv, "intensity"), 2 * 2e6 / 400000, 1e-12);
    assert_int_equal(json_integer_value(json_object_get(conv, "mac_bytes")), 400000);
    assert_int_equal(json_integer_value(json_object_get(conv, "threads")), 2);
    assert_int_equal(json_integer_value(json_array_get(json_object_get(conv, "placement"), 1)), 2);

    json_t *error = find_row(benchmarks, "kernels/bn_116_28/latmac/threads:1");
    assert_true(json_is_true(json_object_get(error, "error_occurred")));
    assert_string_equal(json_string_value(json_object_get(error, "error_message")), "preparing failed: out of memory");
    assert_null(json_object_get(error, "gflops"));
    json_decref(root);
    free_results(r);
}

static void test_json_context_without_google_benchmarks_own(void **state) {
    (void)state;
    const char *variants[] = {NULL, "{not json", "{\"context\": 3}"};
    for (size_t v = 0; v < 3; v++) {
        lm_results *r = make_results();
        free(r->gb_context_json);
        r->gb_context_json = variants[v] ? strdup(variants[v]) : NULL;
        snprintf(r->host_name, sizeof r->host_name, "box");
        r->num_cpus = 2;
        json_t *root = to_json(r);
        json_t *ctx = json_object_get(root, "context");
        const char *fields[] = {"date", "host_name", "executable", "num_cpus", "mhz_per_cpu", "cpu_scaling_enabled",
                                "caches", "load_avg", "library_build_type", "latmac"};
        for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
            if (!json_object_get(ctx, fields[i])) fail_msg("variant %zu: context lacks %s", v, fields[i]);
        assert_int_equal(strlen(json_string_value(json_object_get(ctx, "date"))), strlen("2026-01-02T03:04:05+00:00"));
        assert_string_equal(json_string_value(json_object_get(ctx, "host_name")), "box");
        json_decref(root);
        free_results(r);
    }
}

static void test_json_writes_a_parsable_document(void **state) {
    (void)state;
    lm_results *r = make_results();
    FILE *f = tmpfile();
    assert_non_null(f);
    assert_int_equal(write_json(f, r), 0);
    rewind(f);
    json_error_t error;
    json_t *root = json_loadf(f, 0, &error);
    if (!root) fail_msg("not JSON: %s", error.text);
    assert_true(json_is_array(json_object_get(root, "benchmarks")));
    json_decref(root);
    fclose(f);
    if (access("/dev/full", W_OK) == 0) {
        FILE *full = fopen("/dev/full", "w");
        assert_non_null(full);
        setvbuf(full, NULL, _IONBF, 0); /* fail at the first write, not at a later flush */
        assert_int_equal(write_json(full, r), -1);
        fclose(full);
    }
    free_results(r);
}

/* ---- CSV ---- */

/* Splits one CSV record (RFC 4180) starting at *p into fields; returns their count. */
static int parse_record(const char **p, char fields[][128], int max) {
    int n = 0;
    const char *s = *p;
    for (;;) {
        assert_true(n < max);
        char *out = fields[n++];
        size_t len = 0;
        if (*s == '"') {
            for (s++;; s++) {
                if (*s == '"' && s[1] == '"') out[len++] = '"', s++;
                else if (*s == '"') break;
                else out[len++] = *s;
            }
            s++;
        } else {
            while (*s && *s != ',' && *s != '\n') out[len++] = *s++;
        }
        out[len] = '\0';
        if (*s == ',') {
            s++;
            continue;
        }
        assert_int_equal(*s, '\n');
        *p = s + 1;
        return n;
    }
}

static char *write_to_string(int (*write)(FILE *, const lm_results *), const lm_results *r) {
    FILE *f = tmpfile();
    assert_non_null(f);
    assert_int_equal(write(f, r), 0);
    const long n = ftell(f);
    rewind(f);
    char *text = calloc((size_t)n + 1, 1);
    assert_non_null(text);
    assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    return text;
}

/* The header of the CSV under test, and the index of a column in it. */
static char (*header)[128];
static int header_columns;

static int column(const char *name) {
    for (int i = 0; i < header_columns; i++)
        if (strcmp(header[i], name) == 0) return i;
    fail_msg("no column %s", name);
    return -1;
}

/* latmac against a peer over a column: the geometric mean of the ratios its cases have. */
static void test_geometric_mean_of_the_ratios(void **state) {
    (void)state;
    lm_results *r = make_results();
    double g;
    size_t n;
    lm_result_column one = {.threads = 1}, two = {.threads = 2};
    assert_true(lm_result_peer_geomean(r, "onednn", &one, &g, &n));
    assert_int_equal(n, 1);
    assert_float_equal(g, 2.0, 1e-12); /* relu: 2 us against 1 us */
    assert_false(lm_result_peer_geomean(r, "xnnpack", &one, &g, &n)); /* no such case */
    assert_false(lm_result_peer_geomean(r, "onednn", &two, &g, &n));
    /* a second shape at half the peer's time: sqrt(2 * 0.5) = 1 */
    lm_result_case latmac = make_case("add_116_28", "latmac", "k", 1, 1.0, 0.01, false),
                   peer = make_case("add_116_28", "onednn", "onednn 2.6", 1, 2.0, 0.01, false);
    assert_int_equal(lm_results_add_case(r, &latmac), 0);
    assert_int_equal(lm_results_add_case(r, &peer), 0);
    assert_true(lm_result_peer_geomean(r, "onednn", &one, &g, &n));
    assert_int_equal(n, 2);
    assert_float_equal(g, 1.0, 1e-12);
    r->cases[r->case_count - 2].variant = true; /* a forced variant is not what latmac runs there */
    assert_true(lm_result_peer_geomean(r, "onednn", &one, &g, &n));
    assert_int_equal(n, 1);
    lm_results_free(r);
    free(r);
}

static void test_csv_columns_rows_and_arithmetic(void **state) {
    (void)state;
    lm_results *r = make_results();
    char *text = write_to_string(write_csv, r);
    const char *p = text;
    char fields[48][128];
    const int columns = parse_record(&p, fields, 48);
    header = fields, header_columns = columns;
    const char *expected = "suite,case,backend,kernel,threads,placement,repetitions,median_ms,min_ms,mean_ms,cv,madds,"
                           "mac_bytes,params,intensity,gflops,gbps,ratio_to_onednn,ratio_to_xnnpack,"
                           "copy_bandwidth_fraction,flags,network,input,batch,layer,images_per_second,"
                           "peak_activation_bytes,experiment,group,label,rank,scale,paper_gpu_batches_per_second,"
                           "paper_arm_images_per_second,roof_level,attainable_gflops,roof_fraction,isa,variant,"
                           "executed_madds,predicted_ms\n";
    assert_memory_equal(text, expected, strlen(expected));
    char rows[5][48][128];
    for (int i = 0; i < 5; i++) assert_int_equal(parse_record(&p, rows[i], 48), columns);
    assert_int_equal(*p, '\0'); /* one row per case */

    char(*relu)[128] = rows[0], (*onednn)[128] = rows[1], (*memcpy_row)[128] = rows[2], (*conv)[128] = rows[3],
    (*failed)[128] = rows[4];
    assert_string_equal(relu[column("case")], "relu_116_28");
    assert_string_equal(relu[column("backend")], "latmac");
    assert_float_equal(atof(relu[column("median_ms")]), 0.002, 1e-12);
    assert_float_equal(atof(relu[column("min_ms")]), 0.0018, 1e-12);
    assert_float_equal(atof(relu[column("mean_ms")]), 0.002 * 31 / 30, 1e-8); /* six significant digits */
    assert_float_equal(atof(relu[column("cv")]), 0.10, 1e-12);
    assert_float_equal(atof(relu[column("ratio_to_onednn")]), 2.0, 1e-12);
    assert_string_equal(relu[column("ratio_to_xnnpack")], ""); /* no xnnpack case */
    assert_float_equal(atof(relu[column("copy_bandwidth_fraction")]), 0.75, 1e-12);
    assert_string_equal(relu[column("gflops")], ""); /* no MAdds: not applicable */
    assert_float_equal(atof(relu[column("gbps")]), 4000 / 2e-6 * 1e-9, 1e-6);
    assert_string_equal(relu[column("flags")], "noisy");
    assert_string_equal(relu[column("network")], ""); /* the network columns are for the nets suite */
    assert_string_equal(relu[column("images_per_second")], "");
    assert_string_equal(onednn[column("ratio_to_onednn")], ""); /* ratios are latmac's */
    assert_string_equal(memcpy_row[column("copy_bandwidth_fraction")], "");
    /* the kernel name holds a comma and quotes: quoted, quotes doubled, and read back intact */
    assert_string_equal(conv[column("kernel")], "a \"quoted\", kernel");
    assert_non_null(strstr(text, ",\"a \"\"quoted\"\", kernel\","));
    assert_string_equal(conv[column("placement")], "0 2");
    assert_string_equal(conv[column("madds")], "2000000");
    assert_string_equal(conv[column("isa")], "avx512");
    assert_string_equal(conv[column("variant")], "false");
    assert_string_equal(conv[column("executed_madds")], "2200000");
    assert_string_equal(onednn[column("isa")], ""); /* a peer's own dispatch: no cap, no count */
    assert_string_equal(onednn[column("executed_madds")], "");
    assert_string_equal(conv[column("mac_bytes")], "400000");
    assert_float_equal(atof(conv[column("gflops")]), 1000.0, 1e-6);
    assert_float_equal(atof(conv[column("intensity")]), 10.0, 1e-12);
    assert_string_equal(failed[column("median_ms")], "");
    assert_string_equal(failed[column("flags")], "error");
    free(text);

    /* a loaded machine flags every row */
    r->load_at_start = 3.5;
    text = write_to_string(write_csv, r);
    assert_non_null(strstr(text, ",noisy load,"));
    free(text);

    /* one ratio column per peer of the run, named after it */
    snprintf(r->peers[0].name, sizeof r->peers[0].name, "xnnpack");
    r->peer_count = 1;
    text = write_to_string(write_csv, r);
    assert_non_null(strstr(text, ",gbps,ratio_to_xnnpack,copy_bandwidth_fraction,"));
    assert_null(strstr(text, "ratio_to_onednn"));
    free(text);
    free_results(r);
}

static void test_csv_quoting(void **state) {
    (void)state;
    const struct {
        const char *in, *out;
    } cases[] = {
        {"plain", "plain"}, {"", ""}, {"a,b", "\"a,b\""}, {"say \"hi\"", "\"say \"\"hi\"\"\""},
        {"two\nlines", "\"two\nlines\""}, {"cr\r", "\"cr\r\""}, {"0 1", "0 1"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[64] = "";
        FILE *f = fmemopen(buf, sizeof buf, "w");
        assert_non_null(f);
        assert_int_equal(lm_csv_write_field(f, cases[i].in), 0);
        fclose(f);
        assert_string_equal(buf, cases[i].out);
    }
}

static void test_summary_lists_every_case(void **state) {
    (void)state;
    lm_results *r = make_results();
    char *text = write_to_string(write_summary, r);
    assert_non_null(strstr(text, "case"));
    assert_non_null(strstr(text, "median ms"));
    assert_non_null(strstr(text, "onednn 2.00"));
    assert_non_null(strstr(text, "copy 0.75"));
    assert_non_null(strstr(text, "error"));
    free(text);
    free_results(r);
}

/* ---- the roofline ---- */

/* One thread: peak 100 GFLOP/s, L1 64 KiB at 200 GB/s, DRAM 10 GB/s; two: twice the peak, L1 128 KiB
 * at 400 GB/s, L2 4 MiB at 150 GB/s, DRAM 20 GB/s. */
static void add_ceilings(lm_ceilings *c) {
    memset(c, 0, sizeof *c);
    c->count = 2;
    for (int t = 0; t < 2; t++) {
        lm_ceilings_at *at = &c->at[t];
        at->threads = t + 1;
        at->peak_gflops = 100.0 * (t + 1);
        const char *names[] = {"L1", "L2", "DRAM"};
        const size_t capacity[] = {(size_t)64 << (10 + t), (size_t)4 << 20, SIZE_MAX};
        const double gbps[] = {200.0 * (t + 1), 150, 10.0 * (t + 1)};
        for (int k = 0; k < 3; k++) {
            if (t == 0 && k == 1) continue; /* one thread: no L2 */
            lm_memory_level *l = &at->levels[at->level_count++];
            snprintf(l->name, sizeof l->name, "%s", names[k]);
            l->capacity_bytes = capacity[k];
            l->roof_gbps = gbps[k];
        }
    }
}

static void test_cases_are_placed_under_the_roofline(void **state) {
    (void)state;
    lm_results *r = make_results();
    lm_ceilings ceilings;
    add_ceilings(&ceilings);
    r->ceilings = &ceilings;
    json_t *root = to_json(r);
    json_t *benchmarks = json_object_get(root, "benchmarks");
    /* relu, 1 thread: 4000 bytes in L1 in 2 us: 2 GB/s of L1's 200, memory bound, no FLOP */
    json_t *relu = find_row(benchmarks, "kernels/relu_116_28/latmac/threads:1_median");
    assert_string_equal(json_string_value(json_object_get(relu, "roof_level")), "L1");
    assert_true(json_is_true(json_object_get(relu, "memory_bound")));
    assert_float_equal(real(relu, "roof_fraction"), 0.01, 1e-12);
    assert_float_equal(real(relu, "roof_gbps"), 200, 0);
    assert_null(json_object_get(relu, "attainable_gflops"));
    /* the conv, 2 threads: 4 MFLOP over 400 KB (L2) in 4 us is 1000 GFLOP/s, 5x the peak: flagged */
    json_t *conv = find_row(benchmarks, "kernels/pw_58x58_28/latmac/threads:2_median");
    assert_string_equal(json_string_value(json_object_get(conv, "roof_level")), "L2");
    assert_false(json_is_true(json_object_get(conv, "memory_bound")));
    assert_float_equal(real(conv, "attainable_gflops"), 200, 1e-9);
    assert_float_equal(real(conv, "roof_fraction"), 5, 1e-9);
    json_t *flags = json_object_get(conv, "flags");
    assert_string_equal(json_string_value(json_array_get(flags, json_array_size(flags) - 1)), "above_roof");
    /* repetitions carry no placement; the failed case none at all */
    assert_null(json_object_get(find_row(benchmarks, "kernels/pw_58x58_28/latmac/threads:2"), "roof_fraction"));
    assert_null(json_object_get(find_row(benchmarks, "kernels/bn_116_28/latmac/threads:1"), "roof_fraction"));
    json_decref(root);

    char *text = write_to_string(write_csv, r);
    const char *p = text;
    char fields[48][128], rows[5][48][128];
    header = fields, header_columns = parse_record(&p, fields, 48);
    for (int i = 0; i < 5; i++) parse_record(&p, rows[i], 48);
    assert_string_equal(rows[0][column("roof_level")], "L1");
    assert_string_equal(rows[0][column("attainable_gflops")], "");
    assert_float_equal(atof(rows[0][column("roof_fraction")]), 0.01, 1e-9);
    assert_string_equal(rows[3][column("roof_level")], "L2");
    assert_float_equal(atof(rows[3][column("attainable_gflops")]), 200, 1e-9);
    assert_float_equal(atof(rows[3][column("roof_fraction")]), 5, 1e-9);
    assert_non_null(strstr(rows[3][column("flags")], "above_roof"));
    assert_string_equal(rows[4][column("roof_fraction")], ""); /* failed */
    free(text);
    /* a layer of a network is placed like a kernel; the whole network is not: its MAC is no working set */
    lm_roof_placement roof;
    lm_result_case *layer = &r->cases[3];
    snprintf(layer->network, sizeof layer->network, "net");
    layer->layer_index = 7;
    assert_true(lm_result_roof(r, layer, &roof));
    layer->layer_index = -1;
    assert_false(lm_result_roof(r, layer, &roof));
    r->ceilings = NULL;
    free_results(r);
}

/* ---- atomic files ---- */

static char *read_file(const char *path) {
    FILE *f = fopen(path, "r");
    if (!f) return NULL;
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    const long size = ftell(f);
    rewind(f);
    char *text = calloc((size_t)size + 1, 1);
    assert_non_null(text);
    assert_int_equal(fread(text, 1, (size_t)size, f), (size_t)size);
    fclose(f);
    return text;
}

static bool exists(const char *path) { return access(path, F_OK) == 0; }

static int write_text(FILE *out, const void *text) { return fputs(text, out) == EOF ? -1 : 0; }
static int write_half_then_fail(FILE *out, const void *text) {
    fputs(text, out);
    errno = EIO;
    return -1;
}

static void make_temp_dir(char dir[64]) {
    snprintf(dir, 64, "/tmp/latmac-test-results-XXXXXX");
    assert_non_null(mkdtemp(dir));
}

static void remove_tree(const char *dir) {
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static void test_atomic_write_replaces_or_keeps_the_old_file(void **state) {
    (void)state;
    char dir[64], path[512], temp[512], err[256];
    make_temp_dir(dir);
    snprintf(path, sizeof path, "%s/out.txt", dir);
    snprintf(temp, sizeof temp, "%s/out.txt.tmp", dir);
    assert_int_equal(lm_write_file_atomically(dir, "out.txt", write_text, "old\n", err, sizeof err), 0);
    char *text = read_file(path);
    assert_string_equal(text, "old\n");
    free(text);

    /* the writer fails half-way: the old file stays, no temporary file is left */
    err[0] = '\0';
    assert_int_equal(lm_write_file_atomically(dir, "out.txt", write_half_then_fail, "partial", err, sizeof err), -1);
    assert_non_null(strstr(err, "out.txt"));
    assert_null(strchr(err, '\n'));
    text = read_file(path);
    assert_string_equal(text, "old\n");
    free(text);
    assert_false(exists(temp));

    /* the temporary file cannot be created (its name is taken by a directory): old file kept, and
     * what was in the way is not removed */
    assert_int_equal(mkdir(temp, 0700), 0);
    assert_int_equal(lm_write_file_atomically(dir, "out.txt", write_text, "new\n", err, sizeof err), -1);
    assert_non_null(strstr(err, "cannot create"));
    text = read_file(path);
    assert_string_equal(text, "old\n");
    free(text);
    assert_int_equal(rmdir(temp), 0);

    /* two files written, then one discarded: neither replaces anything */
    lm_atomic_file a, b;
    assert_int_equal(lm_atomic_file_write(&a, dir, "out.txt", write_text, "a\n", err, sizeof err), 0);
    assert_int_equal(lm_atomic_file_write(&b, dir, "other.txt", write_text, "b\n", err, sizeof err), 0);
    lm_atomic_file_discard(&a);
    lm_atomic_file_discard(&b);
    assert_false(exists(temp));
    text = read_file(path);
    assert_string_equal(text, "old\n");
    free(text);

    /* success replaces the file */
    assert_int_equal(lm_write_file_atomically(dir, "out.txt", write_text, "new\n", err, sizeof err), 0);
    text = read_file(path);
    assert_string_equal(text, "new\n");
    free(text);
    assert_false(exists(temp));
    remove_tree(dir);
}

/* Tries to replace dir/out.txt; exits 0 when the write failed as it should (for a child process). */
static int try_to_replace(const char *dir) {
    char err[256] = "";
    const int rc = lm_write_file_atomically(dir, "out.txt", write_text, "new\n", err, sizeof err);
    return rc == -1 && strstr(err, "cannot create") && strstr(err, "Permission denied") ? 0 : 1;
}

static void test_atomic_write_into_an_unwritable_directory(void **state) {
    (void)state;
    char dir[64], path[512], err[256];
    make_temp_dir(dir);
    snprintf(path, sizeof path, "%s/out.txt", dir);
    assert_int_equal(lm_write_file_atomically(dir, "out.txt", write_text, "old\n", err, sizeof err), 0);
    assert_int_equal(chmod(dir, 0500), 0);
    if (geteuid() != 0) {
        assert_int_equal(try_to_replace(dir), 0);
    } else { /* root writes anyway: try as nobody, in a child */
        const pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) _exit(setgid(65534) != 0 || setuid(65534) != 0 ? 77 : try_to_replace(dir));
        int status;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status));
        if (WEXITSTATUS(status) == 77) print_message("# cannot drop privileges here; the directory was not tested\n");
        else assert_int_equal(WEXITSTATUS(status), 0);
    }
    char *text = read_file(path);
    assert_string_equal(text, "old\n");
    free(text);
    assert_int_equal(chmod(dir, 0700), 0);
    remove_tree(dir);
}

static void test_save_writes_the_three_files_and_creates_the_directory(void **state) {
    (void)state;
    char dir[64], out[512], path[600], err[256];
    make_temp_dir(dir);
    snprintf(out, sizeof out, "%s/a/b", dir);
    lm_results *r = make_results();
    assert_int_equal(save(out, r, err, sizeof err), 0);
    snprintf(path, sizeof path, "%s/results.json", out);
    json_t *root = json_load_file(path, 0, NULL);
    assert_non_null(root);
    json_decref(root);
    snprintf(path, sizeof path, "%s/results.csv", out);
    assert_true(exists(path));
    snprintf(path, sizeof path, "%s/index.html", out); /* the report of the same results */
    char *html = read_file(path);
    assert_non_null(html);
    assert_true(strncmp(html, "<!DOCTYPE html>", 15) == 0);
    assert_non_null(strstr(html, "<section id=\"kernels\">"));
    assert_non_null(strstr(html, "pw_58x58_28"));
    free(html);
    static const char *const temporary[] = {"results.json.tmp", "results.csv.tmp", "index.html.tmp"};
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", out, temporary[i]);
        assert_false(exists(path));
    }

    /* a directory that cannot be made (a file is in the way) fails with a reason */
    snprintf(path, sizeof path, "%s/file", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fclose(f);
    snprintf(out, sizeof out, "%s/file/sub", dir);
    assert_int_equal(save(out, r, err, sizeof err), -1);
    assert_non_null(strstr(err, "file"));
    free_results(r);
    remove_tree(dir);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_keeps_google_benchmark_layout),
        cmocka_unit_test(test_json_context_without_google_benchmarks_own),
        cmocka_unit_test(test_json_writes_a_parsable_document),
        cmocka_unit_test(test_csv_columns_rows_and_arithmetic),
        cmocka_unit_test(test_geometric_mean_of_the_ratios),
        cmocka_unit_test(test_csv_quoting),
        cmocka_unit_test(test_cases_are_placed_under_the_roofline),
        cmocka_unit_test(test_summary_lists_every_case),
        cmocka_unit_test(test_atomic_write_replaces_or_keeps_the_old_file),
        cmocka_unit_test(test_atomic_write_into_an_unwritable_directory),
        cmocka_unit_test(test_save_writes_the_three_files_and_creates_the_directory),
    };
    return cmocka_run_group_tests_name("results", tests, NULL, NULL);
}
