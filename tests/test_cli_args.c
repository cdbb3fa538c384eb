/* Parsing of option values shared by every command. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>

#include "tools/cli.h"

static void test_parse_uint_accepts_whole_numbers_in_range(void **state) {
    (void)state;
    unsigned long v = 0;
    assert_true(lm_cli_parse_uint("9", 1, 100, &v));
    assert_int_equal(v, 9);
    assert_true(lm_cli_parse_uint("100", 1, 100, &v));
    assert_int_equal(v, 100);
    assert_true(lm_cli_parse_uint("007", 0, 10, &v));
    assert_int_equal(v, 7);
}

static void test_parse_uint_rejects_malformed_and_out_of_range(void **state) {
    (void)state;
    const char *bad[] = {"", " 1", "1 ", "-1", "+1", "1x", "x1", "1.5", "0x10", "1e3",
                         "99999999999999999999999999", "0", "101"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        unsigned long v = 12345;
        if (lm_cli_parse_uint(bad[i], 1, 100, &v)) fail_msg("accepted '%s'", bad[i]);
        assert_int_equal(v, 12345); /* left untouched */
    }
    unsigned long v;
    assert_false(lm_cli_parse_uint(NULL, 0, 1, &v));
    assert_true(lm_cli_parse_uint("18446744073709551615", 0, ULONG_MAX, &v));
    assert_false(lm_cli_parse_uint("18446744073709551616", 0, ULONG_MAX, &v));
}

static void test_comma_lists(void **state) {
    (void)state;
    assert_true(lm_cli_list_well_formed("a"));
    assert_true(lm_cli_list_well_formed("avx2,avx512,ref"));
    const char *bad[] = {"", ",", "a,", ",a", "a,,b"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) assert_false(lm_cli_list_well_formed(bad[i]));
    const char *cursor = "1,22,333", *item;
    size_t n, lengths[4], count = 0;
    while ((item = lm_cli_list_next(&cursor, &n))) {
        assert_true(count < 3);
        assert_true(item[n] == ',' || item[n] == '\0'); /* the item ends where its comma is */
        lengths[count++] = n;
    }
    assert_int_equal(count, 3);
    assert_int_equal(lengths[0], 1);
    assert_int_equal(lengths[1], 2);
    assert_int_equal(lengths[2], 3);
    assert_null(lm_cli_list_next(&cursor, &n)); /* stays at the end */
}

static void test_parse_choice(void **state) {
    (void)state;
    const char *const choices[] = {"text", "json", NULL};
    assert_int_equal(lm_cli_parse_choice("text", choices), 0);
    assert_int_equal(lm_cli_parse_choice("json", choices), 1);
    assert_int_equal(lm_cli_parse_choice("JSON", choices), -1);
    assert_int_equal(lm_cli_parse_choice("", choices), -1);
    assert_int_equal(lm_cli_parse_choice(NULL, choices), -1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_uint_accepts_whole_numbers_in_range),
        cmocka_unit_test(test_parse_uint_rejects_malformed_and_out_of_range),
        cmocka_unit_test(test_parse_choice),
        cmocka_unit_test(test_comma_lists),
    };
    return cmocka_run_group_tests_name("cli_args", tests, NULL, NULL);
}
