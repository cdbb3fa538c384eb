/* The `latmac` program end to end: exit codes, messages and output of good and bad invocations.
 * The binary's path comes from the LATMAC environment variable (set by meson). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/latmac_process.h"
#include "lm_build_info.h"

#define RUN(...) run_latmac(NULL, (const char *const[]){__VA_ARGS__, NULL})

static void test_help_and_version(void **state) {
    (void)state;
    outcome o = RUN("--help");
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "Usage: latmac <command>"));
    assert_non_null(strstr(o.out, "info"));
    assert_string_equal(o.err, "");
    outcome_free(&o);
    o = RUN("--version");
    assert_int_equal(o.status, 0);
    assert_string_equal(o.out, "latmac " LM_VERSION "\n");
    outcome_free(&o);
    o = RUN("info", "--help");
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "Usage: latmac info [--format text|json]"));
    outcome_free(&o);
}

static void test_bad_program_invocations(void **state) {
    (void)state;
    assert_usage_error(run_latmac(NULL, (const char *const[]){NULL}), "latmac: no command given");
    assert_usage_error(RUN("bogus"), "latmac: unknown command 'bogus'");
    assert_usage_error(RUN("--bogus"), "latmac: unknown option '--bogus'");
    assert_usage_error(RUN("-x", "info"), "latmac: unknown option '-x'");
}

static void test_bad_info_invocations(void **state) {
    (void)state;
    assert_usage_error(RUN("info", "--format", "xml"), "latmac info: unknown format 'xml'");
    assert_usage_error(RUN("info", "--format"), "latmac info: option '--format' needs a value");
    assert_usage_error(RUN("info", "-f"), "latmac info: option '-f' needs a value");
    assert_usage_error(RUN("info", "--frobnicate"), "latmac info: unknown option '--frobnicate'");
    assert_usage_error(RUN("info", "-q"), "latmac info: unknown option '-q'");
    assert_usage_error(RUN("info", "extra"), "latmac info: unexpected argument 'extra'");
}

static void test_info_text(void **state) {
    (void)state;
    outcome o = RUN("info");
    assert_int_equal(o.status, 0);
    assert_string_equal(o.err, "");
    const char *lines[] = {"latmac " LM_VERSION "\n", "\nCPU ", "\n  SIMD ", "\nTopology ", "\nCaches ",
                           "\nClock ", "\nOS ", "\nBuild "};
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) assert_non_null(strstr(o.out, lines[i]));
    outcome_free(&o);
}

static void test_info_json_parses_with_the_essentials(void **state) {
    (void)state;
    const char *const variants[][4] = {{"info", "--format", "json", NULL}, {"info", "--format=json", NULL},
                                       {"info", "-f", "json", NULL}};
    for (size_t v = 0; v < 3; v++) {
        outcome o = run_latmac(NULL, variants[v]);
        assert_int_equal(o.status, 0);
        json_error_t error;
        json_t *root = json_loads(o.out, 0, &error);
        if (!root) fail_msg("not JSON: %s (line %d)", error.text, error.line);
        json_t *cpu = json_object_get(root, "cpu"), *topo = json_object_get(root, "topology");
        assert_true(json_is_string(json_object_get(cpu, "brand")));
        json_t *simd = json_object_get(cpu, "simd");
        assert_true(json_is_object(simd) || json_is_string(simd));
        if (json_is_object(simd)) {
            const char *features[] = {"sse4_2", "avx", "avx2", "fma", "avx512f"};
            for (size_t i = 0; i < 5; i++) assert_true(json_is_boolean(json_object_get(simd, features[i])));
        }
        assert_true(json_integer_value(json_object_get(topo, "physical_cores")) > 0);
        json_t *caches = json_object_get(topo, "caches");
        assert_true(json_array_size(caches) > 0);
        for (size_t i = 0; i < json_array_size(caches); i++) {
            json_t *c = json_array_get(caches, i);
            assert_true(json_integer_value(json_object_get(c, "level")) >= 1);
            assert_true(json_integer_value(json_object_get(c, "size_bytes")) > 0);
        }
        json_decref(root);
        outcome_free(&o);
    }
}

static void test_write_error_fails(void **state) {
    (void)state;
    if (access("/dev/full", W_OK) != 0) skip();
    outcome o = run_latmac("/dev/full", (const char *const[]){"info", "--format", "json", NULL});
    assert_int_equal(o.status, 1);
    assert_non_null(strstr(o.err, "latmac info: writing the output failed"));
    outcome_free(&o);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_help_and_version),
        cmocka_unit_test(test_bad_program_invocations),
        cmocka_unit_test(test_bad_info_invocations),
        cmocka_unit_test(test_info_text),
        cmocka_unit_test(test_info_json_parses_with_the_essentials),
        cmocka_unit_test(test_write_error_fails),
    };
    return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
