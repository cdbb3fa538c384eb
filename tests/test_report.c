/* The HTML report: reading and checking results files (report_run.h), and the page drawn from them
 * (html_report.h): its sections, charts, escaping, comparison of runs, and a failing writer. */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "reports/html_report.h"
#include "tests/report_fixture.h"
#include "reports/svg_chart.h"

static char dir[64];

static int make_dir(void **state) {
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/latmac-test-report-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **state) {
    (void)state;
    char command[128];
    snprintf(command, sizeof command, "rm -rf '%s'", dir);
    return system(command);
}

static void write_text(const char *name, const char *text) {
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* Loading dir/name must fail with a reason holding each of the fragments (NULL-terminated). */
static void assert_load_fails(const char *name, ...) {
    char path[256], err[512];
    lm_report_run run;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    assert_int_equal(lm_report_run_load(&run, path, err, sizeof err), -1);
    assert_non_null(strstr(err, path));
    va_list ap;
    va_start(ap, name);
    for (const char *fragment; (fragment = va_arg(ap, const char *));) {
        if (!strstr(err, fragment)) fail_msg("'%s' lacks '%s'", err, fragment);
    }
    va_end(ap);
}

static void test_bad_files_are_named_with_their_problem(void **state) {
    (void)state;
    assert_load_fails("missing.json", "cannot read", "No such file", NULL);
    write_text("empty.json", "");
    assert_load_fails("empty.json", "not valid JSON", NULL);
    write_text("syntax.json", "{\"context\": {}\n, \"benchmarks\": [1,,]}");
    assert_load_fails("syntax.json", "not valid JSON", "line 2", NULL);
    write_text("list.json", "[]");
    assert_load_fails("list.json", "not a benchmark results file", NULL);
    write_text("gbench.json", "{\"context\": {\"date\": \"x\"}, \"benchmarks\": []}");
    assert_load_fails("gbench.json", "context.latmac is missing", NULL);
    write_text("duplicate.json", "{\"context\": {}, \"context\": {}, \"benchmarks\": []}");
    assert_load_fails("duplicate.json", "duplicate", NULL);

    /* a good file cut short: truncated, said so */
    json_t *doc = fixture_results(&(fixture_options){.thread_counts = 1, .kernels = true});
    char *text = json_dumps(doc, JSON_INDENT(1));
    text[strlen(text) / 2] = '\0';
    write_text("truncated.json", text);
    free(text);
    assert_load_fails("truncated.json", "truncated", NULL);

    /* an entry without a time, or with an unknown unit, is named */
    json_t *first = json_array_get(json_object_get(doc, "benchmarks"), 0);
    json_object_set_new(first, "real_time", json_string("fast"));
    fixture_write(doc, dir, "no_time.json");
    assert_load_fails("no_time.json", "benchmarks[0] (kernels/pw_58x58_28/latmac/threads:1)", "'real_time'", NULL);
    json_object_set_new(first, "real_time", json_real(1));
    json_object_set_new(first, "time_unit", json_string("fortnights"));
    fixture_write(doc, dir, "unit.json");
    assert_load_fails("unit.json", "unknown time_unit 'fortnights'", NULL);
    json_array_clear(json_object_get(doc, "benchmarks"));
    fixture_write(doc, dir, "none.json");
    assert_load_fails("none.json", "holds no results", NULL);
    json_decref(doc);
}

static void test_each_case_is_read_at_its_median(void **state) {
    (void)state;
    json_t *doc = fixture_results(&(fixture_options){.thread_counts = 2, .kernels = true});
    /* a single-repetition case stands for itself; a failed case keeps its error */
    json_array_append_new(json_object_get(doc, "benchmarks"),
                          json_pack("{s:s, s:s, s:s, s:i, s:i, s:f, s:s, s:s, s:s, s:s}", "name", "kernels/x/latmac/threads:1",
                                    "run_name", "kernels/x/latmac/threads:1", "run_type", "iteration", "repetitions", 1,
                                    "threads", 1, "real_time", 3.0, "time_unit", "ms", "suite", "kernels", "case", "x",
                                    "backend", "latmac"));
    json_array_append_new(json_object_get(doc, "benchmarks"),
                          json_pack("{s:s, s:s, s:s, s:i, s:i, s:b, s:s, s:s, s:s, s:s, s:s}", "name",
                                    "kernels/y/latmac/threads:1", "run_name", "kernels/y/latmac/threads:1", "run_type",
                                    "iteration", "repetitions", 3, "threads", 1, "error_occurred", 1, "error_message",
                                    "cannot prepare", "time_unit", "us", "suite", "kernels", "case", "y", "backend",
                                    "latmac"));
    lm_report_run run;
    char err[256];
    assert_int_equal(lm_report_run_adopt(&run, doc, "mem", err, sizeof err), 0);
    assert_int_equal(run.thread_count, 2);
    assert_int_equal(run.threads[1], 2);
    assert_int_equal(json_array_size(run.order), 3 * 2 + 2); /* three cases at two thread counts, x, y */
    const json_t *pw = lm_report_case(&run, "kernels", "pw_58x58_28", "latmac", 2, "");
    assert_non_null(pw);
    assert_string_equal(lm_report_string(pw, "aggregate_name"), "median");
    assert_float_equal(lm_report_seconds(pw), 35e-6, 1e-12);
    assert_float_equal(lm_report_cv(&run, pw), 0.06, 1e-12);
    assert_float_equal(lm_report_seconds(lm_report_case(&run, "kernels", "x", "latmac", 1, "")), 3e-3, 1e-12);
    const json_t *y = lm_report_case(&run, "kernels", "y", "latmac", 1, "");
    assert_true(lm_report_failed(y));
    assert_true(isnan(lm_report_seconds(y)));
    assert_null(lm_report_case(&run, "kernels", "pw_58x58_28", "latmac", 4, ""));
    lm_report_run_free(&run);
}

/* The page for `count` documents (consumed), as a string. */
static char *page(json_t **docs, size_t count) {
    lm_report_run runs[4];
    char err[256], *text = NULL;
    size_t size = 0;
    for (size_t i = 0; i < count; i++) {
        char label[32];
        snprintf(label, sizeof label, "run%zu/results.json", i + 1);
        assert_int_equal(lm_report_run_adopt(&runs[i], docs[i], label, err, sizeof err), 0);
    }
    FILE *out = open_memstream(&text, &size);
    assert_non_null(out);
    assert_int_equal(lm_html_report_write(out, runs, count), 0);
    fclose(out);
    for (size_t i = 0; i < count; i++) lm_report_run_free(&runs[i]);
    return text;
}

static size_t occurrences(const char *text, const char *what) {
    size_t n = 0;
    for (const char *p = text; (p = strstr(p, what)); p += strlen(what)) n++;
    return n;
}

static void test_a_run_gets_every_section_and_chart(void **state) {
    (void)state;
    json_t *doc = fixture_results(&(fixture_options){.thread_counts = 2, .kernels = true, .nets = true, .guidelines = true});
    char *html = page(&doc, 1);
    assert_true(strncmp(html, "<!DOCTYPE html>", 15) == 0);
    assert_non_null(strstr(html, "</html>\n"));
    static const char *const sections[] = {"summary", "host", "guidelines", "networks", "decomposition", "kernels"};
    for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++) {
        char id[64];
        snprintf(id, sizeof id, "<section id=\"%s\">", sections[i]);
        assert_int_equal(occurrences(html, id), 1);
    }
    /* charts: G1's bars, latency against MAdds and against MAC, one decomposition per thread count */
    assert_int_equal(occurrences(html, "<svg class=\"chart\""), 1 + 2 + 2);
    /* points: 3 networks x 2 thread counts in each scatter; bars: 2 cases x 2 thread counts, plus the
     * paper's 2 markers; segments: 4 non-zero categories x 3 networks x 2 */
    assert_int_equal(occurrences(html, "<circle class=\"mark\""), 2 * 3 * 2);
    assert_int_equal(occurrences(html, "<rect class=\"mark\""), 2 * 2 + 4 * 3 * 2);
    assert_int_equal(occurrences(html, "<path class=\"mark marker\""), 2);
    /* every mark says what it is on hover */
    assert_int_equal(occurrences(html, "\"><title>"), occurrences(html, "class=\"mark"));
    assert_non_null(strstr(html, "shufflenet_v2_x1_0 @ 224x224 (2 threads): 3.700 ms"));
    /* the facts and figures the sections state */
    assert_non_null(strstr(html, "Test CPU @ 2.50GHz"));
    assert_non_null(strstr(html, "gcc 12.2.0 <code>-O3 -std=c17</code>"));
    assert_non_null(strstr(html, "<span class=\"badge holds\">holds</span>"));
    assert_non_null(strstr(html, "the rule in words"));
    assert_non_null(strstr(html, "<td class=\"num\">1480</td>")); /* the paper's figure */
    assert_non_null(strstr(html, ">1.02</td>"));                  /* latmac over oneDNN */
    assert_non_null(strstr(html, ">0.83</td>"));                  /* G1 1:2 relative to 1:1: 20000/24000 */
    assert_null(strstr(html, "Partial results"));
    assert_null(strstr(html, "id=\"roofline\"")); /* no ceilings measured */
    /* self-contained, and no number the browser cannot draw */
    assert_null(strstr(html, "<script"));
    assert_null(strstr(html, "src="));
    assert_int_equal(occurrences(html, "http"), occurrences(html, "xmlns=\"http://www.w3.org/2000/svg\""));
    assert_null(strstr(html, "nan"));
    assert_null(strstr(html, "inf\""));
    free(html);
}

/* latmac's cases of `doc` timed at two caps, as `latmac run --isa avx512,avx2` names them: each once
 * per cap, the cap in the name and the field; avx2 twice as slow. */
static void at_two_caps(json_t *doc) {
    json_t *benchmarks = json_object_get(doc, "benchmarks"), *more = json_array();
    size_t i;
    json_t *e;
    json_array_foreach(benchmarks, i, e) {
        if (strcmp(json_string_value(json_object_get(e, "backend")), "latmac") != 0) continue;
        for (int cap = 1; cap >= 0; cap--) { /* the copy first, from the entry as the run named it */
            json_t *c = cap ? json_deep_copy(e) : e;
            for (int k = 0; k < 2; k++) { /* name and run_name: .../latmac/threads:N -> .../latmac/isa:<cap>/threads:N */
                const char *key = k ? "run_name" : "name", *old = json_string_value(json_object_get(c, key));
                const char *at = strstr(old, "/latmac/");
                char name[512];
                snprintf(name, sizeof name, "%.*s/latmac/isa:%s/%s", (int)(at - old), old, cap ? "avx2" : "avx512",
                         at + strlen("/latmac/"));
                json_object_set_new(c, key, json_string(name));
            }
            json_object_set_new(c, "isa", json_string(cap ? "avx2" : "avx512"));
            const json_int_t madds = json_integer_value(json_object_get(c, "madds")); /* 58 channels in 64 lanes */
            if (madds > 0) json_object_set_new(c, "executed_madds", json_integer(madds / 58 * 64));
            if (cap) {
                json_object_set_new(c, "real_time", json_real(2 * json_number_value(json_object_get(c, "real_time"))));
                json_array_append_new(more, c);
            }
        }
    }
    json_array_extend(benchmarks, more);
    json_decref(more);
    json_object_set_new(json_object_get(json_object_get(doc, "context"), "latmac"), "timed_isas",
                        json_pack("[s, s]", "avx512", "avx2"));
}

static void test_instruction_set_caps_side_by_side(void **state) {
    (void)state;
    json_t *doc = fixture_results(&(fixture_options){.thread_counts = 1, .kernels = true, .ceilings = true});
    at_two_caps(doc);
    lm_report_run run;
    char err[256];
    assert_int_equal(lm_report_run_adopt(&run, json_incref(doc), "mem", err, sizeof err), 0);
    assert_int_equal(run.isa_count, 2);
    const json_t *fast = lm_report_case(&run, "kernels", "pw_58x58_28", "latmac", 1, "avx512"),
                 *slow = lm_report_case(&run, "kernels", "pw_58x58_28", "latmac", 1, "avx2");
    assert_non_null(fast);
    assert_non_null(slow);
    assert_float_equal(lm_report_seconds(slow), 2 * lm_report_seconds(fast), 1e-12);
    assert_non_null(lm_report_case(&run, "kernels", "pw_58x58_28", "onednn", 1, "")); /* a peer has no cap */
    lm_report_run_free(&run);
    char *html = page(&doc, 1);
    /* a column per thread count and cap in the kernels table, the machine's ceilings once */
    assert_true(occurrences(html, ">1 thread, avx512</th>") >= 2);
    assert_true(occurrences(html, ">1 thread, avx2</th>") >= 1);
    assert_non_null(strstr(html, "<td>peak GFLOP/s, avx512, fma+add</td><td class=\"num\">100.0</td></tr>"));
    assert_null(strstr(html, "1 thread, avx2, read"));
    assert_int_equal(occurrences(html, "<td class=\"num\">1.10</td>"), 2); /* executed over MAdds, per cap */
    free(html);
    /* a file whose caps are not instruction sets is refused */
    doc = fixture_results(&(fixture_options){.thread_counts = 1, .kernels = true});
    json_object_set_new(json_object_get(json_object_get(doc, "context"), "latmac"), "timed_isas", json_pack("[s]", "sse9"));
    assert_int_equal(lm_report_run_adopt(&run, doc, "mem", err, sizeof err), -1);
    assert_non_null(strstr(err, "context.latmac.timed_isas[0] is not an instruction set"));
}

static void test_the_roofline_and_the_layers(void **state) {
    (void)state;
    json_t *doc = fixture_results(
        &(fixture_options){.thread_counts = 2, .kernels = true, .nets = true, .layers = true, .ceilings = true});
    char *html = page(&doc, 1);
    assert_int_equal(occurrences(html, "<section id=\"roofline\">"), 1);
    assert_non_null(strstr(html, "<a href=\"#roofline\">"));
    /* the ceilings, per thread count */
    assert_non_null(strstr(html, "<td>peak GFLOP/s, avx512, fma+add</td><td class=\"num\">100.0</td><td class=\"num\">200.0</td>"));
    assert_non_null(strstr(html, "<td>L1 read GB/s</td><td class=\"num\">300.0</td><td class=\"num\">600.0</td>"));
    assert_non_null(strstr(html, "<td>DRAM roof GB/s</td>"));
    /* charts: the sweep, a roofline per thread count, two latency scatters, two decompositions */
    assert_int_equal(occurrences(html, "<svg class=\"chart\""), 1 + 2 + 2 + 2);
    /* roofs: L1, DRAM and the peak in each roofline */
    assert_int_equal(occurrences(html, "<polyline class=\"line\""), 2 * 3);
    assert_non_null(strstr(html, ">peak 300 GFLOP/s</text>"));
    assert_non_null(strstr(html, ">L1 600 GB/s</text>"));
    /* points: rooflines (the conv, not the relu without FLOP, and 3 layers), sweep (2 x 3 kinds x 3 sizes),
     * latency scatters (2 x 3 networks x 2) */
    assert_int_equal(occurrences(html, "<circle class=\"mark\""), 2 * 4 + 18 + 12);
    assert_non_null(strstr(html, "pw_58x58_28 (2 threads): 13.97 FLOP/B, 70.0 GFLOP/s; 0.58 of the compute roof"));
    /* fractions of roof in the kernels' and the layers' tables */
    assert_non_null(strstr(html, ">of roof</th>"));
    assert_non_null(strstr(html, "title=\"compute bound: held to the peak, 120.0 GFLOP/s attainable\">0.58</td>"));
    assert_int_equal(occurrences(html, "Layers timed alone</h3>"), 1);
    assert_non_null(strstr(html, "shufflenet_v2_x1_0@1x224x224: 3 steps timed alone"));
    assert_non_null(strstr(html, "title=\"memory bound: held to 150.0 GB/s, measured at its working set (in L1)\">0.25</td>"));
    assert_null(strstr(html, "nan"));
    free(html);

    /* a run of networks alone: the layers, and no empty "kernel cases" series */
    doc = fixture_results(&(fixture_options){.thread_counts = 1, .nets = true, .layers = true, .ceilings = true});
    html = page(&doc, 1);
    assert_int_equal(occurrences(html, "class=\"legend\">network layers</text>"), 1);
    assert_null(strstr(html, "kernel cases"));
    free(html);
}

static void test_text_from_the_file_is_escaped(void **state) {
    (void)state;
    json_t *doc = fixture_results(&(fixture_options){.thread_counts = 1, .nets = true, .host_name = "<b>box</b> & co"});
    json_t *first = json_array_get(json_object_get(doc, "benchmarks"), 0);
    json_object_set_new(first, "network", json_string("net<script>alert(1)</script>"));
    char *html = page(&doc, 1);
    assert_null(strstr(html, "<script"));
    assert_null(strstr(html, "<b>box"));
    assert_non_null(strstr(html, "&lt;b&gt;box&lt;/b&gt; &amp; co"));
    free(html);
}

static void test_runs_are_compared_side_by_side(void **state) {
    (void)state;
    json_t *docs[2] = {
        fixture_results(&(fixture_options){.thread_counts = 1, .kernels = true, .nets = true, .host_name = "before"}),
        fixture_results(&(fixture_options){.thread_counts = 1, .kernels = true, .nets = true, .host_name = "after",
                                           .slowdown = 1.25, .partial = true}),
    };
    char *html = page(docs, 2);
    assert_non_null(strstr(html, "<title>latmac report: 2 runs compared</title>"));
    assert_non_null(strstr(html, "A = run1/results.json (before,"));
    assert_non_null(strstr(html, "B = run2/results.json (after,"));
    assert_non_null(strstr(html, "B, 1 thread"));
    /* B's times over A's: the slowdown, in the networks' and the kernels' tables */
    assert_int_equal(occurrences(html, ">vs A</th>"), 2);
    assert_int_equal(occurrences(html, "<td class=\"num\">1.250</td>"), 3 + 2);
    /* one scatter series per run */
    assert_int_equal(occurrences(html, "<circle class=\"mark\""), 2 * 3 * 2);
    assert_non_null(strstr(html, "Run B was interrupted: 40 of 100 planned cases finished"));
    assert_null(strstr(html, "guidelines\">")); /* no guideline cases: no section, no link */
    free(html);
}

static void test_sections_without_cases_are_left_out(void **state) {
    (void)state;
    json_t *doc = fixture_results(&(fixture_options){.thread_counts = 1, .kernels = true});
    char *html = page(&doc, 1);
    assert_non_null(strstr(html, "<section id=\"kernels\">"));
    assert_null(strstr(html, "<section id=\"networks\">"));
    assert_null(strstr(html, "href=\"#networks\""));
    assert_null(strstr(html, "<section id=\"guidelines\">"));
    assert_non_null(strstr(html, "hold no guideline experiments"));
    assert_int_equal(occurrences(html, "<svg"), 0);
    free(html);
}

static void test_charts_leave_out_what_they_cannot_place(void **state) {
    (void)state;
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    lm_html h = {.out = out};
    lm_chart_point points[] = {{3, 2, "a"}, {30, 20, "b"}, {0, 5, "zero on a log axis"}, {NAN, 1, "nan"}, {INFINITY, 1, "inf"}};
    lm_chart_series s = {.name = "one", .count = 5, .points = points};
    lm_chart_scatter(&h, "caption", (lm_chart_axis){"x (units)", true}, (lm_chart_axis){"y (ms)", true}, &s, 1, NULL, 0);
    fclose(out);
    assert_false(h.failed);
    assert_int_equal(occurrences(text, "class=\"mark\""), 2);
    /* decades around the data, labelled */
    assert_non_null(strstr(text, ">1</text>"));
    assert_non_null(strstr(text, ">100</text>"));
    assert_non_null(strstr(text, "x (units)"));
    assert_null(strstr(text, "nan"));
    free(text);
}

static void test_a_failing_writer_is_reported(void **state) {
    (void)state;
    json_t *doc = fixture_results(&(fixture_options){.thread_counts = 2, .kernels = true, .nets = true, .guidelines = true});
    lm_report_run run;
    char err[256];
    assert_int_equal(lm_report_run_adopt(&run, doc, "x", err, sizeof err), 0);
    FILE *full = fopen("/dev/full", "w");
    assert_non_null(full);
    setvbuf(full, NULL, _IONBF, 0);
    assert_int_equal(lm_html_report_write(full, &run, 1), -1);
    fclose(full);
    lm_report_run_free(&run);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_files_are_named_with_their_problem),
        cmocka_unit_test(test_each_case_is_read_at_its_median),
        cmocka_unit_test(test_a_run_gets_every_section_and_chart),
        cmocka_unit_test(test_the_roofline_and_the_layers),
        cmocka_unit_test(test_instruction_set_caps_side_by_side),
        cmocka_unit_test(test_text_from_the_file_is_escaped),
        cmocka_unit_test(test_runs_are_compared_side_by_side),
        cmocka_unit_test(test_sections_without_cases_are_left_out),
        cmocka_unit_test(test_charts_leave_out_what_they_cannot_place),
        cmocka_unit_test(test_a_failing_writer_is_reported),
    };
    return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
