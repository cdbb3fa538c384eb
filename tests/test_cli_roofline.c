/* `latmac roofline` end to end: the JSON it prints, its help, usage errors and a failing stdout. The
 * binary's path comes from the LATMAC environment variable (set by meson). */
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

#define ROOFLINE(...) run_latmac(NULL, (const char *const[]){"roofline", __VA_ARGS__, NULL})

static void test_quick_json(void **state) {
    (void)state;
    outcome o = ROOFLINE("--quick", "--format", "json", "--threads", "1");
    if (o.status != 0) fail_msg("exit %d, stderr: %s", o.status, o.err);
    json_error_t error;
    json_t *root = json_loads(o.out, 0, &error);
    if (!root) fail_msg("not JSON: %s (line %d)", error.text, error.line);
    assert_int_equal(json_object_size(root), 3);
    assert_int_equal(json_integer_value(json_object_get(root, "repetitions")), 5);
    assert_true(json_real_value(json_object_get(root, "min_time_seconds")) == 0.005);
    json_t *at = json_object_get(root, "at");
    assert_int_equal(json_array_size(at), 1);
    json_t *one = json_array_get(at, 0);
    assert_int_equal(json_integer_value(json_object_get(one, "threads")), 1);
    const char *keys[] = {"peak_gflops", "peaks", "levels", "sweep"};
    for (size_t i = 0; i < 4; i++)
        if (!json_object_get(one, keys[i])) fail_msg("'%s' missing", keys[i]);
    json_t *levels = json_object_get(one, "levels");
    assert_true(json_array_size(levels) >= 1);
    json_t *dram = json_array_get(levels, json_array_size(levels) - 1);
    assert_string_equal(json_string_value(json_object_get(dram, "name")), "DRAM");
    assert_true(json_real_value(json_object_get(dram, "roof_gbps")) > 0);
    assert_true(json_array_size(json_object_get(one, "sweep")) >= 2);
    json_decref(root);
    outcome_free(&o);
    /* under the reference cap no SIMD peak is measured, whatever the host has; bandwidth still is */
    o = ROOFLINE("--quick", "--format", "json", "--threads", "1", "--isa", "ref");
    if (o.status != 0) fail_msg("exit %d, stderr: %s", o.status, o.err);
    root = json_loads(o.out, 0, &error);
    if (!root) fail_msg("not JSON: %s (line %d)", error.text, error.line);
    one = json_array_get(json_object_get(root, "at"), 0);
    assert_int_equal(json_array_size(json_object_get(one, "peaks")), 0);
    assert_true(json_array_size(json_object_get(one, "sweep")) >= 2);
    json_decref(root);
    outcome_free(&o);
}

static void test_help(void **state) {
    (void)state;
    outcome o = ROOFLINE("--help");
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "Usage: latmac roofline [--format text|json] [--threads LIST]"));
    assert_non_null(strstr(o.out, "--quick"));
    assert_string_equal(o.err, "");
    outcome_free(&o);
    o = run_latmac(NULL, (const char *const[]){"--help", NULL});
    assert_non_null(strstr(o.out, "  roofline "));
    outcome_free(&o);
}

static void test_bad_invocations(void **state) {
    (void)state;
    assert_usage_error(ROOFLINE("--format", "csv"), "latmac roofline: unknown format 'csv' (expected text or json)");
    assert_usage_error(ROOFLINE("--threads", "0"), "latmac roofline: --threads: '0' is not a positive whole number");
    assert_usage_error(ROOFLINE("--threads", "1,,2"), "--threads: '1,,2' has an empty item");
    assert_usage_error(ROOFLINE("--threads", ",1"), "--threads: ',1' is not a comma-separated list");
    assert_usage_error(ROOFLINE("--threads", "100000"), "--threads: 100000 is more than the");
    assert_usage_error(ROOFLINE("--repetitions", "0"), "--repetitions: '0' is not a whole number from 1 to 1000");
    assert_usage_error(ROOFLINE("--repetitions", "many"), "--repetitions: 'many' is not a whole number");
    assert_usage_error(ROOFLINE("--min-time", "0"), "--min-time: '0' is not a number of seconds");
    assert_usage_error(ROOFLINE("--min-time"), "latmac roofline: option '--min-time' needs a value");
    assert_usage_error(ROOFLINE("--bogus"), "latmac roofline: unknown option '--bogus'");
    assert_usage_error(ROOFLINE("extra"), "latmac roofline: unexpected argument 'extra'");
    assert_usage_error(ROOFLINE("--isa", "avx9"), "latmac roofline: --isa: 'avx9': unknown instruction set");
    assert_usage_error(ROOFLINE("--isa", ""), "latmac roofline: --isa: '': expected instruction sets");
}

static void test_write_error_fails(void **state) {
    (void)state;
    if (access("/dev/full", W_OK) != 0) skip();
    outcome o = run_latmac("/dev/full", (const char *const[]){"roofline", "--quick", "--threads", "1", NULL});
    assert_int_equal(o.status, 1);
    assert_non_null(strstr(o.err, "latmac roofline: writing the output failed"));
    outcome_free(&o);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quick_json),
        cmocka_unit_test(test_help),
        cmocka_unit_test(test_bad_invocations),
        cmocka_unit_test(test_write_error_fails),
    };
    return cmocka_run_group_tests_name("cli_roofline", tests, NULL, NULL);
}
