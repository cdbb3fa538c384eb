/* `latmac compare` end to end: synthetic files (latmac's layout and a plain Google Benchmark file) with
 * exit codes 0, 1 and 2; the markdown and JSON outputs; --filter and --metric; bad command lines and
 * bad files (one line each); and two real tiny runs compared with each other and with themselves. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ftw.h>
#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/latmac_process.h"

#define RUN(...) run_latmac(NULL, (const char *const[]){"compare", __VA_ARGS__, NULL})
#define CASES 3

static char dir[64];

typedef struct doc {
    bool latmac;           /* latmac's context and case names, else a plain Google Benchmark file */
    double factor[CASES];  /* each case's times multiplied by this (0: 1) */
    int repetitions;       /* 0: 9 */
    bool aggregates_only;  /* as --benchmark_report_aggregates_only writes */
    bool extra_case;       /* a case no other file has */
} doc;

static const char *const latmac_names[CASES + 1] = {"kernels/pw_58x58_28/latmac/threads:1",
                                                     "kernels/relu_116_28/latmac/threads:1",
                                                     "kernels/add_116_28/latmac/threads:1", "kernels/extra/latmac/threads:1"};
static const char *const gbench_names[CASES + 1] = {"BM_pw/real_time", "BM_relu/real_time", "BM_add/real_time",
                                                     "BM_extra/real_time"};

/* The entries of one case: repetitions spread by +-1.6% around its median (CV about 1%), and Google
 * Benchmark's aggregates. Only the first case has MAdds, hence gflops. */
static void add_case(json_t *list, const doc *d, int k) {
    const char *name = (d->latmac ? latmac_names : gbench_names)[k];
    const double factor = k < CASES && d->factor[k] ? d->factor[k] : 1;
    const double median = (d->latmac ? 1 : 1000) * (20.0 + 10 * k) * factor; /* us, or ns */
    const int reps = d->repetitions ? d->repetitions : 9;
    static const char *const aggregates[] = {"mean", "median", "stddev", "cv"};
    for (int i = 0; i < reps + 4; i++) {
        const bool aggregate = i >= reps;
        if (!aggregate && d->aggregates_only) continue;
        const double t = aggregate ? median : median * (1 + 0.004 * (i - reps / 2));
        json_t *e = json_pack("{s:s, s:s, s:s, s:i, s:f, s:f, s:s}", "name", name, "run_name", name, "run_type",
                              aggregate ? "aggregate" : "iteration", "repetitions", reps, "real_time", t, "cpu_time",
                              0.9 * t, "time_unit", d->latmac ? "us" : "ns");
        if (aggregate) json_object_set_new(e, "aggregate_name", json_string(aggregates[i - reps]));
        if (k == 0) json_object_set_new(e, "gflops", json_real(5.0e3 / t));
        if (d->latmac) json_object_set_new(e, "suite", json_string("kernels"));
        json_array_append_new(list, e);
    }
}

/* Writes the document to dir/name and returns its path (static buffer, one per slot). */
static const char *write_doc(const doc *d, const char *name) {
    static char paths[16][128];
    static int slot;
    char *path = paths[slot++ % 16];
    snprintf(path, 128, "%s/%s", dir, name);
    json_t *list = json_array();
    for (int k = 0; k < CASES + d->extra_case; k++) add_case(list, d, k);
    json_t *root = json_pack("{s:{s:s, s:s}, s:o}", "context", "date", "2024-01-01T00:00:00", "library_build_type",
                             "release", "benchmarks", list);
    if (d->latmac) json_object_set_new(json_object_get(root, "context"), "latmac", json_pack("{s:s}", "version", "0.1.0"));
    assert_int_equal(json_dump_file(root, path, JSON_INDENT(1)), 0);
    json_decref(root);
    return path;
}

static void write_text(const char *name, const char *text) {
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_true(f && fputs(text, f) >= 0 && fclose(f) == 0);
}

static const char *base, *same, *slower, *faster, *gb_base, *gb_slower, *extra, *aggregates, *few1, *few2, *few3,
    *few4;

static int make_files(void **state) {
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/latmac-test-cli-compare-XXXXXX");
    if (!mkdtemp(dir)) return -1;
    base = write_doc(&(doc){.latmac = true}, "base.json");
    same = write_doc(&(doc){.latmac = true}, "same.json");
    slower = write_doc(&(doc){.latmac = true, .factor = {1.2}}, "slower.json");
    faster = write_doc(&(doc){.latmac = true, .factor = {0.8}}, "faster.json");
    gb_base = write_doc(&(doc){0}, "gb_base.json");
    gb_slower = write_doc(&(doc){.factor = {1, 1.3, 1.25}}, "gb_slower.json");
    extra = write_doc(&(doc){.latmac = true, .extra_case = true}, "extra.json");
    aggregates = write_doc(&(doc){.latmac = true, .aggregates_only = true}, "aggregates.json");
    few1 = write_doc(&(doc){.latmac = true, .repetitions = 2}, "few1.json");
    few2 = write_doc(&(doc){.latmac = true, .repetitions = 2}, "few2.json");
    few3 = write_doc(&(doc){.latmac = true, .repetitions = 2, .factor = {1.5}}, "few3.json");
    few4 = write_doc(&(doc){.latmac = true, .repetitions = 2, .factor = {1.5}}, "few4.json");
    return 0;
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw) {
    (void)st, (void)type, (void)ftw;
    return remove(path);
}

static int remove_files(void **state) { /* depth first: a folder after what it holds */
    (void)state;
    return nftw(dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
}

static void expect(outcome o, int status, const char *text) {
    if (o.status != status) fail_msg("exit %d, expected %d; stderr: %s", o.status, status, o.err);
    assert_string_equal(o.err, "");
    if (text && !strstr(o.out, text)) fail_msg("expected '%s' in: %s", text, o.out);
    outcome_free(&o);
}

/* Bad input: exit 2, nothing on stdout, one line on stderr holding `message`. */
static void assert_input_error(outcome o, const char *message) {
    if (o.status != 2) fail_msg("exit %d, stdout: %s", o.status, o.out);
    assert_string_equal(o.out, "");
    if (!strstr(o.err, message)) fail_msg("expected '%s' in: %s", message, o.err);
    assert_true(strncmp(o.err, "latmac compare: ", 16) == 0);
    assert_ptr_equal(strchr(o.err, '\n'), o.err + strlen(o.err) - 1);
    outcome_free(&o);
}

static json_t *json_of(outcome o, int status) {
    if (o.status != status) fail_msg("exit %d, expected %d; stderr: %s", o.status, status, o.err);
    json_error_t why;
    json_t *root = json_loads(o.out, 0, &why);
    if (!root) fail_msg("not JSON: %s in %s", why.text, o.out);
    outcome_free(&o);
    return root;
}

static double number(const json_t *object, const char *key) {
    const json_t *v = json_object_get(object, key);
    if (!json_is_number(v)) fail_msg("'%s' is not a number", key);
    return json_number_value(v);
}

static void test_help(void **state) {
    (void)state;
    expect(RUN("--help"), 0, "Usage: latmac compare BASE NEW [--threshold PCT] [--alpha A] [--max-cv CV] [--metric NAME]");
    expect(run_latmac(NULL, (const char *const[]){"--help", NULL}), 0, "  compare ");
}

static void test_exit_codes(void **state) {
    (void)state;
    expect(RUN(base, same), 0, "0 regressions, 0 improvements, 3 unchanged");
    expect(RUN(base, slower), 1, "kernels/pw_58x58_28/latmac/threads:1");
    expect(RUN(base, slower), 1, "  regression\n");
    expect(RUN(base, faster), 0, "  improvement\n");
    expect(RUN(gb_base, gb_slower), 1, "2 regressions, 0 improvements, 1 unchanged");
    expect(RUN(gb_base, gb_base), 0, "geometric mean of new/base medians: 1.0000 over 3 cases (above 1: slower)");
    /* latmac's file against a plain one: nothing in common */
    assert_input_error(RUN(base, gb_base), "latmac compare: no case is in both BASE and NEW: nothing to compare");
}

static void test_markdown(void **state) {
    (void)state;
    outcome o = RUN(base, slower, "--format", "markdown");
    assert_int_equal(o.status, 1);
    assert_true(strncmp(o.out, "**latmac compare: 1 regression** (threshold 5%, alpha 0.05)\n\n", 61) == 0);
    assert_non_null(strstr(o.out, "| `kernels/pw_58x58_28/latmac/threads:1` | 20 us | 24 us | +20.0% |"));
    assert_non_null(strstr(o.out, "<details><summary>2 other cases</summary>\n\n| case |"));
    assert_non_null(strstr(o.out, "\n</details>\n"));
    outcome_free(&o);
    o = RUN(base, extra, "--format", "markdown", "--threshold", "2.5");
    assert_int_equal(o.status, 0);
    assert_true(strncmp(o.out, "**latmac compare: no regression** (threshold 2.5%, alpha 0.05)\n", 63) == 0);
    assert_non_null(strstr(o.out, "No change beyond the threshold."));
    assert_non_null(strstr(o.out, "**Only in new** (1, not compared): `kernels/extra/latmac/threads:1`\n"));
    outcome_free(&o);
}

static void test_json(void **state) {
    (void)state;
    json_t *root = json_of(RUN(gb_base, gb_slower, "--format", "json", "--alpha", "0.01", "--max-cv", "0.2"), 1);
    assert_string_equal(json_string_value(json_object_get(root, "metric")), "real_time");
    assert_true(number(root, "threshold") == 5 && number(root, "alpha") == 0.01 && number(root, "max_cv") == 0.2);
    assert_string_equal(json_string_value(json_array_get(json_object_get(root, "base"), 0)), gb_base);
    const json_t *summary = json_object_get(root, "summary");
    assert_true(number(summary, "regressions") == 2 && number(summary, "unchanged") == 1);
    assert_true(number(summary, "noisy") == 0 && number(summary, "too_few_repetitions") == 0);
    assert_true(number(summary, "only_in_base") == 0 && number(summary, "geomean_cases") == 3);
    assert_true(fabs(number(summary, "geomean_ratio") - cbrt(1.3 * 1.25)) < 1e-9);
    const json_t *relu = json_array_get(json_object_get(root, "cases"), 1);
    assert_string_equal(json_string_value(json_object_get(relu, "name")), "BM_relu/real_time");
    assert_string_equal(json_string_value(json_object_get(relu, "status")), "regression");
    assert_true(fabs(number(relu, "base_median") - 30e-6) < 1e-12); /* seconds */
    assert_true(fabs(number(relu, "change") - 0.3) < 1e-9 && fabs(number(relu, "ratio") - 1.3) < 1e-9);
    assert_true(number(relu, "p_adjusted") < 0.01 && number(relu, "p") <= number(relu, "p_adjusted"));
    assert_true(number(relu, "effect_low") <= 1.3 && number(relu, "effect_high") >= 1.3);
    assert_true(number(relu, "base_cv") < 0.02 && number(relu, "new_repetitions") == 9);
    json_decref(root);

    /* pooled files, cases on one side, aggregates only; no NaN anywhere */
    char pooled[300];
    snprintf(pooled, sizeof pooled, "%s,%s", few1, few2);
    root = json_of(RUN(pooled, aggregates, "--format", "json"), 0);
    assert_int_equal(json_array_size(json_object_get(root, "base")), 2);
    const json_t *pw = json_array_get(json_object_get(root, "cases"), 0);
    assert_string_equal(json_string_value(json_object_get(pw, "status")), "too few repetitions");
    assert_true(number(pw, "base_repetitions") == 4 && number(pw, "new_repetitions") == 0);
    assert_null(json_object_get(pw, "new_median"));
    assert_null(json_object_get(pw, "p"));
    assert_null(json_object_get(json_object_get(root, "summary"), "geomean_ratio"));
    json_decref(root);
    snprintf(pooled, sizeof pooled, "%s,%s", few3, few4);
    char pooled_base[300];
    snprintf(pooled_base, sizeof pooled_base, "%s,%s", few1, few2);
    expect(RUN(few1, few3), 0, "  too few repetitions\n"); /* 2 against 2 */
    /* 4 against 4 can reach p = 0.029, alone: Holm over three cases would lift it above alpha */
    expect(RUN(pooled_base, pooled, "--filter", "pw_"), 1, "  regression\n");
    expect(RUN(pooled_base, pooled), 0, "  unchanged\n");
    root = json_of(RUN(base, extra, "--format", "json"), 0);
    assert_string_equal(json_string_value(json_array_get(json_object_get(root, "only_in_new"), 0)),
                        "kernels/extra/latmac/threads:1");
    assert_int_equal(json_array_size(json_object_get(root, "only_in_base")), 0);
    json_decref(root);
}

static void test_filter_and_metrics(void **state) {
    (void)state;
    json_t *root = json_of(RUN(base, slower, "--format", "json", "--filter", "/(relu|add)_"), 0);
    assert_true(number(json_object_get(root, "summary"), "cases") == 2);
    json_decref(root);
    assert_input_error(RUN(base, slower, "--filter", "^nothing"), "no case matching --filter is in both BASE and NEW");
    expect(RUN(base, slower, "--metric", "cpu_time"), 1, "metric: cpu_time (lower is better)");
    /* gflops: higher is better, and only the case with MAdds has it */
    assert_input_error(RUN(base, slower, "--metric", "gflops"),
                       "base.json: benchmarks[13] (kernels/relu_116_28/latmac/threads:1) has no number 'gflops'");
    root = json_of(RUN(base, slower, "--metric", "gflops", "--filter", "pw_", "--format", "json"), 1);
    assert_true(json_is_true(json_object_get(root, "higher_is_better")));
    const json_t *pw = json_array_get(json_object_get(root, "cases"), 0);
    assert_string_equal(json_string_value(json_object_get(pw, "status")), "regression");
    assert_true(fabs(number(pw, "ratio") - 1 / 1.2) < 1e-9);
    json_decref(root);
    expect(RUN(base, faster, "--metric", "gflops", "--filter", "pw_"), 0, "  improvement\n");
    assert_input_error(RUN(base, slower, "--metric", "bogus"),
                       "latmac compare: unknown metric 'bogus': no repetition in BASE or NEW has it as a number");
}

static void test_bad_command_lines(void **state) {
    (void)state;
    assert_usage_error(RUN(base), "latmac compare: needs BASE and NEW results files");
    assert_usage_error(RUN(base, same, same), "unexpected argument");
    assert_usage_error(RUN(base, same, "--bogus"), "unknown option '--bogus'");
    assert_usage_error(RUN(base, same, "--threshold"), "option '--threshold' needs a value");
    static const char *const bad[][3] = {
        {"--threshold", "0", "--threshold: '0' is not a percentage above 0 and at most 1000"},
        {"--threshold", "1001", "--threshold: '1001'"},
        {"--threshold", "5%", "--threshold: '5%'"},
        {"--alpha", "0", "--alpha: '0' is not a number above 0 and at most 0.5"},
        {"--alpha", "0.6", "--alpha: '0.6'"},
        {"--max-cv", "-1", "--max-cv: '-1' is not a number above 0"},
        {"--max-cv", "nan", "--max-cv: 'nan'"},
        {"--format", "html", "unknown format 'html' (expected text, markdown or json)"},
        {"--filter", "(", "--filter: '(' is not a regular expression"},
        {"--metric", "", "--metric: empty name"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) assert_usage_error(RUN(base, same, bad[i][0], bad[i][1]), bad[i][2]);
    char list[300];
    snprintf(list, sizeof list, "%s,", base);
    assert_usage_error(RUN(list, same), "BASE: '");
    assert_usage_error(RUN(base, ""), "NEW: '' has an empty file name");
}

static void test_bad_files(void **state) {
    (void)state;
    write_text("broken.json", "{\"benchmarks\": [}\n");
    write_text("notbench.json", "{\"context\": {}}\n");
    write_text("dup.json", "{\"benchmarks\": [], \"benchmarks\": []}\n");
    write_text("notime.json", "{\"benchmarks\": [{\"name\": \"BM_x\", \"run_type\": \"iteration\", \"cpu_time\": 1, "
                              "\"time_unit\": \"ns\"}, {\"name\": \"BM_x\", \"real_time\": 1, \"time_unit\": \"ns\"}]}\n");
    write_text("unit.json", "{\"benchmarks\": [{\"name\": \"BM_x\", \"real_time\": 1, \"time_unit\": \"weeks\"}]}\n");
    FILE *f = fopen(base, "r");
    char *text = slurp(f);
    text[strlen(text) / 2] = '\0';
    write_text("truncated.json", text);
    free(text);
    char path[200], expected[300];
    static const char *const cases[][2] = {
        {"broken.json", "broken.json is not valid JSON: line 1, column 17"},
        {"truncated.json", "truncated.json is not valid JSON (it ends too early: truncated?)"},
        {"missing.json", "cannot read %s/missing.json: No such file or directory"},
        {"notbench.json", "notbench.json is not a benchmark results file: it needs a \"benchmarks\" list"},
        {"dup.json", "dup.json is not valid JSON: line 1, column"},
        {"notime.json", "notime.json: benchmarks[0] (BM_x) has no number 'real_time'"},
        {"unit.json", "unit.json: benchmarks[0] (BM_x): unknown time_unit 'weeks'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, cases[i][0]);
        snprintf(expected, sizeof expected, cases[i][1], dir);
        assert_input_error(RUN(gb_base, path), expected);
        char pooled[450];
        snprintf(pooled, sizeof pooled, "%s,%s", gb_base, path); /* the bad file named among several */
        assert_input_error(RUN(pooled, gb_base), expected);
    }
}

/* Two real tiny runs of two kernels, 9 repetitions each. */
static void real_run(const char *name, char *results) {
    char out[160];
    snprintf(out, sizeof out, "%s/%s", dir, name);
    outcome o = run_latmac(NULL, (const char *const[]){"run", "--suite", "kernels", "--filter",
                                                        "^kernels/(relu_116_28|add_116_28)/latmac/", "--threads", "1",
                                                        "--repetitions", "9", "--min-time", "0.002", "--no-roofline",
                                                        "--quiet", "--out", out, NULL});
    if (o.status != 0) fail_msg("latmac run exited %d: %s", o.status, o.err);
    outcome_free(&o);
    snprintf(results, 200, "%s/results.json", out);
}

/* Every table row of the markdown has the header's 7 cells. */
static void assert_markdown_tables(const char *md) {
    int rows = 0;
    for (const char *line = md; *line; line = strchr(line, '\n') + 1) {
        if (line[0] == '|') {
            int bars = 0;
            for (const char *c = line; *c != '\n'; c++) bars += *c == '|' && (c == line || c[-1] != '\\');
            assert_int_equal(bars, 8);
            rows++;
        }
        if (!strchr(line, '\n')) break;
    }
    assert_true(rows >= 2 + 2); /* header and rule, two cases */
}

static void test_real_runs(void **state) {
    (void)state;
    char one[200], two[200];
    real_run("run1", one);
    real_run("run2", two);
    outcome o = RUN(one, two, "--format", "markdown");
    if (o.status != 0 && o.status != 1) fail_msg("exit %d: %s", o.status, o.err);
    assert_string_equal(o.err, "");
    assert_true(strncmp(o.out, "**latmac compare: ", 18) == 0);
    assert_non_null(strstr(o.out, "| `kernels/relu_116_28/latmac/threads:1` |"));
    assert_non_null(strstr(o.out, "| `kernels/add_116_28/latmac/threads:1` |"));
    assert_markdown_tables(o.out);
    outcome_free(&o);
    /* a run against itself; the tiny run's noise may exceed the default --max-cv, which says "noisy" */
    json_t *root = json_of(RUN(one, one, "--format", "json", "--max-cv", "1000"), 0);
    const json_t *summary = json_object_get(root, "summary");
    assert_true(number(summary, "cases") == 2 && number(summary, "unchanged") == 2);
    assert_true(number(summary, "geomean_ratio") == 1.0);
    json_decref(root);
    o = RUN(one, one);
    assert_int_equal(o.status, 0);
    assert_null(strstr(o.out, "regression\n"));
    outcome_free(&o);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_help),
        cmocka_unit_test(test_exit_codes),
        cmocka_unit_test(test_markdown),
        cmocka_unit_test(test_json),
        cmocka_unit_test(test_filter_and_metrics),
        cmocka_unit_test(test_bad_command_lines),
        cmocka_unit_test(test_bad_files),
        cmocka_unit_test(test_real_runs),
    };
    return cmocka_run_group_tests(tests, make_files, remove_files);
}
