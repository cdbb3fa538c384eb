/* `latmac report` end to end: the page from one or several results files, and the errors for bad
 * files and for an output that would replace something. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/latmac_process.h"
#include "tests/report_fixture.h"

#define RUN(...) run_latmac(NULL, (const char *const[]){__VA_ARGS__, NULL})

static char dir[64], one[256], two[256], page[256];

static int make_files(void **state) {
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/latmac-test-cli-report-XXXXXX");
    if (!mkdtemp(dir)) return -1;
    json_t *a = fixture_results(&(fixture_options){.thread_counts = 2, .kernels = true, .nets = true, .guidelines = true});
    json_t *b = fixture_results(&(fixture_options){.thread_counts = 2, .kernels = true, .nets = true, .slowdown = 1.1});
    snprintf(one, sizeof one, "%s", fixture_write(a, dir, "one.json"));
    snprintf(two, sizeof two, "%s", fixture_write(b, dir, "two.json"));
    snprintf(page, sizeof page, "%s/page.html", dir);
    json_decref(a);
    json_decref(b);
    return 0;
}

static int remove_files(void **state) {
    (void)state;
    char command[128];
    snprintf(command, sizeof command, "rm -rf '%s'", dir);
    return system(command);
}

static char *read_text(const char *path) {
    FILE *f = fopen(path, "r");
    return f ? slurp(f) : NULL;
}

static void test_help(void **state) {
    (void)state;
    outcome o = RUN("report", "--help");
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "Usage: latmac report RESULTS.json [MORE.json ...] [--pool] [--out FILE] [--force]"));
    outcome_free(&o);
    o = RUN("--help");
    assert_non_null(strstr(o.out, "  report "));
    outcome_free(&o);
}

static void test_one_run_and_two_side_by_side(void **state) {
    (void)state;
    unlink(page);
    outcome o = RUN("report", one, "--out", page);
    assert_int_equal(o.status, 0);
    assert_string_equal(o.err, "");
    char expected[300];
    snprintf(expected, sizeof expected, "report: %s\n", page);
    assert_string_equal(o.out, expected);
    outcome_free(&o);
    char *html = read_text(page);
    assert_non_null(html);
    assert_true(strncmp(html, "<!DOCTYPE html>", 15) == 0);
    assert_non_null(strstr(html, "<section id=\"guidelines\">"));
    free(html);

    /* into a folder that does not exist yet */
    char nested[300];
    snprintf(nested, sizeof nested, "%s/new/folder/page.html", dir);
    o = RUN("report", one, "--out", nested);
    assert_int_equal(o.status, 0);
    outcome_free(&o);
    assert_int_equal(access(nested, R_OK), 0);

    /* --force replaces it with the comparison; '-' writes to standard output */
    o = RUN("report", one, two, "--out", page, "--force");
    assert_int_equal(o.status, 0);
    outcome_free(&o);
    html = read_text(page);
    assert_non_null(strstr(html, "2 runs compared"));
    free(html);
    o = RUN("report", "-o", "-", two);
    assert_int_equal(o.status, 0);
    assert_true(strncmp(o.out, "<!DOCTYPE html>", 15) == 0);
    assert_non_null(strstr(o.out, "</html>\n"));
    outcome_free(&o);
    char tmp[300];
    snprintf(tmp, sizeof tmp, "%s.tmp", page);
    assert_int_equal(access(tmp, F_OK), -1);

    /* --pool: two runs as one, their rounds added up (three a file here) */
    o = RUN("report", "--pool", "-o", "-", one, one);
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "pooled with 1 more"));
    assert_null(strstr(o.out, "2 runs compared"));
    assert_non_null(strstr(o.out, "; 6 rounds"));
    outcome_free(&o);
}

static void test_bad_invocations(void **state) {
    (void)state;
    assert_usage_error(RUN("report"), "latmac report: no results file given");
    assert_usage_error(RUN("report", one, "--bogus"), "unknown option '--bogus'");
    assert_usage_error(RUN("report", one, "--out", "dir/"), "--out: 'dir/' is not a file name");
    assert_usage_error(RUN("report", one, "--out", one, "--force"), "is one of the results files");
}

/* A bad input or an existing output: exit 2, one line naming the problem, and `page` as it was. */
static void assert_refused(outcome o, const char *message) {
    assert_int_equal(o.status, 2);
    assert_string_equal(o.out, "");
    if (!strstr(o.err, message)) fail_msg("stderr '%s' lacks '%s'", o.err, message);
    assert_non_null(strchr(o.err, '\n'));
    assert_string_equal(strchr(o.err, '\n'), "\n");
    outcome_free(&o);
    char *html = read_text(page);
    assert_string_equal(html, "previous page\n");
    free(html);
}

static void test_nothing_is_lost(void **state) {
    (void)state;
    FILE *f = fopen(page, "w");
    assert_non_null(f);
    fputs("previous page\n", f);
    fclose(f);
    assert_refused(RUN("report", one, "--out", page), "exists; pass --force to replace it");

    char bad[300], missing[300];
    snprintf(bad, sizeof bad, "%s/bad.json", dir);
    snprintf(missing, sizeof missing, "%s/missing.json", dir);
    char *text = read_text(one);
    text[strlen(text) * 2 / 3] = '\0'; /* cut short, as by a full disk or a killed writer */
    f = fopen(bad, "w");
    fputs(text, f);
    fclose(f);
    free(text);
    char expected[400];
    snprintf(expected, sizeof expected, "latmac report: %s is not valid JSON (it ends too early: truncated?)", bad);
    assert_refused(RUN("report", one, bad, "--out", page, "--force"), expected);
    snprintf(expected, sizeof expected, "latmac report: cannot read %s: No such file or directory", missing);
    assert_refused(RUN("report", missing, "--out", page, "--force"), expected);
}

/* Reports `doc`, written to dir/derived.json, into dir/derived.html; returns the page. */
static char *report_of(json_t *doc) {
    char out[300];
    const char *in = fixture_write(doc, dir, "derived.json");
    snprintf(out, sizeof out, "%s/derived.html", dir);
    outcome o = RUN("report", in, "--out", out, "--force");
    assert_int_equal(o.status, 0);
    outcome_free(&o);
    return read_text(out);
}

/* The page shows what today's analysis derives from the file's records, not the file's own figures. */
static void test_derived_figures_are_recomputed(void **state) {
    (void)state;
    json_t *doc = fixture_results(&(fixture_options){.thread_counts = 2, .kernels = true, .nets = true,
                                                     .guidelines = true, .ceilings = true, .layers = true});
    char *honest = report_of(doc);
    json_t *latmac = json_object_get(json_object_get(doc, "context"), "latmac");
    json_t *pw = fixture_median(doc, "kernels/pw_58x58_28/latmac/threads:1");
    json_object_set_new(pw, "ratio_to_onednn", json_real(9.87)); /* latmac's 70 us over oneDNN's 68: 1.03 */
    json_object_set_new(pw, "roof_fraction", json_real(0.123));
    json_t *verdict = json_array_get(json_object_get(latmac, "verdicts"), 0);
    json_object_set_new(verdict, "verdict", json_string("does not hold"));
    json_object_set_new(verdict, "contradicts", json_integer(1));
    json_object_set_new(latmac, "verdict_rule", json_string("an edited rule"));
    char *tampered = report_of(doc);
    assert_string_equal(tampered, honest);
    assert_null(strstr(tampered, "9.87"));
    assert_null(strstr(tampered, "an edited rule"));
    assert_null(strstr(tampered, "badge not-hold"));
    assert_non_null(strstr(tampered, ">1.03<"));
    assert_non_null(strstr(tampered, "L trend test"));
    free(honest);
    free(tampered);
    json_decref(doc);
}

/* A file whose records are malformed: exit 2, one line naming the file, the entry and the field. */
static void test_malformed_records_are_refused(void **state) {
    (void)state;
    FILE *f = fopen(page, "w");
    assert_non_null(f);
    fputs("previous page\n", f);
    fclose(f);
    static const struct {
        const char *key, *value, *message;
    } edits[] = {
        {"madds", "\"many\"", "benchmarks[0] (kernels/pw_58x58_28/latmac/threads:1): 'madds' is not a whole number"},
        {"run_type", "\"bogus\"", "benchmarks[0] (kernels/pw_58x58_28/latmac/threads:1): 'run_type' is not"},
        {"peers", "\"onednn\"", "context.latmac: 'peers' is not a list"},
        {"benchmarks", "[]", "holds no results (no case finished)"},
    };
    for (size_t i = 0; i < sizeof edits / sizeof *edits; i++) {
        json_t *doc = fixture_results(&(fixture_options){.thread_counts = 1, .kernels = true});
        json_t *o = strcmp(edits[i].key, "peers") == 0        ? json_object_get(json_object_get(doc, "context"), "latmac")
                    : strcmp(edits[i].key, "benchmarks") == 0 ? doc
                                                              : json_array_get(json_object_get(doc, "benchmarks"), 0);
        json_object_set_new(o, edits[i].key, json_loads(edits[i].value, JSON_DECODE_ANY, NULL));
        char path[300], expected[600];
        snprintf(path, sizeof path, "%s", fixture_write(doc, dir, "malformed.json"));
        snprintf(expected, sizeof expected, "latmac report: %s%s%s", path, edits[i].key[0] == 'b' ? " " : ": ",
                 edits[i].message);
        assert_refused(RUN("report", path, "--out", page, "--force"), expected);
        json_decref(doc);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_help),
        cmocka_unit_test(test_one_run_and_two_side_by_side),
        cmocka_unit_test(test_bad_invocations),
        cmocka_unit_test(test_nothing_is_lost),
        cmocka_unit_test(test_derived_figures_are_recomputed),
        cmocka_unit_test(test_malformed_records_are_refused),
    };
    return cmocka_run_group_tests(tests, make_files, remove_files);
}
