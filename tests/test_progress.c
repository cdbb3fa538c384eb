/* The progress of a run: the estimate of the time left weights cases by their expected duration and
 * scales by the pace observed; durations and lines read as documented; on a "terminal" (a file here)
 * the line is rewritten in place, a failed case gets a line of its own, and the end closes the line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/measure/progress.h"

static void test_the_estimate_scales_the_expected_time_left_by_the_pace_so_far(void **state) {
    (void)state;
    /* 10 s expected done took 20 s: the 30 s expected left will take 60 s */
    assert_true(fabs(lm_progress_seconds_left(20, 10, 40) - 60) < 1e-9);
    /* faster than expected */
    assert_true(fabs(lm_progress_seconds_left(5, 10, 40) - 15) < 1e-9);
    assert_true(lm_progress_seconds_left(0, 0, 40) < 0);  /* nothing finished: unknown */
    assert_true(lm_progress_seconds_left(3, 0, 40) < 0);
    assert_true(lm_progress_seconds_left(20, 40, 40) == 0); /* all done */
    assert_true(lm_progress_seconds_left(20, 41, 40) == 0); /* rounding never gives a negative time */
}

/* Weighted by duration, not counted by case: one long network left after many short kernels. */
static void test_the_estimate_weights_cases_by_their_expected_duration(void **state) {
    (void)state;
    lm_progress p;
    lm_progress_init(&p, NULL);
    for (int i = 0; i < 9; i++) lm_progress_add(&p, 0.1); /* short cases */
    lm_progress_add(&p, 9.1);                              /* one long case */
    lm_progress_add(&p, 5);
    lm_progress_remove(&p, 5); /* planned, then left out (a peer without an equivalent) */
    assert_int_equal(p.total, 10);
    for (int i = 0; i < 9; i++) lm_progress_case_finished(&p, "short", 0.1, NULL);
    assert_int_equal(p.done, 9);
    /* the nine short cases took 1.8 s, twice what was expected: the long one should take 18.2 s,
     * where a per-case average would say 0.2 s */
    assert_true(fabs(lm_progress_seconds_left(1.8, p.expected_done, p.expected_total) - 18.2) < 1e-9);
}

static void test_durations_read_as_minutes_or_hours(void **state) {
    (void)state;
    static const struct {
        double seconds;
        const char *text;
    } cases[] = {{0, "0:00"}, {42, "0:42"}, {42.4, "0:42"}, {59.6, "1:00"}, {62, "1:02"}, {3599, "59:59"},
                 {3600, "1:00:00"}, {3723, "1:02:03"}, {36000 + 59, "10:00:59"}, {-1, "?"}, {NAN, "?"},
                 {INFINITY, "?"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[32];
        lm_progress_format_duration(cases[i].seconds, buf, sizeof buf);
        assert_string_equal(buf, cases[i].text);
    }
}

static void test_the_line(void **state) {
    (void)state;
    char line[256];
    lm_progress_format_line(123, 1500, 42, 190, "kernels/pw_128x128_56/latmac/threads:1", 0, line, sizeof line);
    assert_string_equal(line, "[ 123/1500] 0:42 elapsed, ~3:10 left  kernels/pw_128x128_56/latmac/threads:1");
    lm_progress_format_line(1, 9, 0.2, -1, "a", 0, line, sizeof line); /* no estimate yet */
    assert_string_equal(line, "[1/9] 0:00 elapsed  a");
    lm_progress_format_line(10, 10, 3723, 0, "b", 0, line, sizeof line);
    assert_string_equal(line, "[10/10] 1:02:03 elapsed, ~0:00 left  b");
    /* cut to the terminal's width, so that "\r" can rewrite it */
    lm_progress_format_line(1, 9, 0, -1, "a_long_case_name", 12, line, sizeof line);
    assert_string_equal(line, "[1/9] 0:00 e");
    lm_progress_format_line(1, 9, 0, -1, "a", 200, line, 8); /* and to the buffer */
    assert_string_equal(line, "[1/9] 0");
}

/* The lines written to a terminal (a file here: its width is unknown, so nothing is cut). */
static void test_the_lines_on_a_terminal(void **state) {
    (void)state;
    FILE *f = tmpfile();
    assert_non_null(f);
    lm_progress p;
    lm_progress_init(&p, f);
    lm_progress_add(&p, 1);
    lm_progress_add(&p, 1);
    lm_progress_start(&p);
    lm_progress_case_started(&p, "kernels/a/latmac/threads:1");
    lm_progress_case_finished(&p, "kernels/a/latmac/threads:1", 1, NULL);
    lm_progress_case_started(&p, "kernels/b/latmac/threads:1");
    lm_progress_case_finished(&p, "kernels/b/latmac/threads:1", 1, "cannot prepare the case: out of memory");
    lm_progress_end(&p);
    rewind(f);
    char text[1024] = "";
    const size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    assert_string_equal(text, "\r\033[K[1/2] 0:00 elapsed  kernels/a/latmac/threads:1"
                              "\r\033[K[2/2] 0:00 elapsed, ~0:00 left  kernels/b/latmac/threads:1"
                              "\r\033[K[2/2] kernels/b/latmac/threads:1  error: cannot prepare the case: out of memory\n"
                              "\r\033[K[2/2] 0:00 elapsed\n");
}

/* Without a terminal it counts, and prints nothing (no stream to print to). */
static void test_without_a_terminal_it_only_counts(void **state) {
    (void)state;
    lm_progress p;
    lm_progress_init(&p, NULL);
    lm_progress_add(&p, 2);
    lm_progress_case_started(&p, "a");
    lm_progress_case_finished(&p, "a", 2, "failed");
    lm_progress_end(&p);
    assert_int_equal(p.done, 1);
    assert_true(p.expected_done == 2 && p.expected_total == 2);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_the_estimate_scales_the_expected_time_left_by_the_pace_so_far),
        cmocka_unit_test(test_the_estimate_weights_cases_by_their_expected_duration),
        cmocka_unit_test(test_durations_read_as_minutes_or_hours),
        cmocka_unit_test(test_the_line),
        cmocka_unit_test(test_the_lines_on_a_terminal),
        cmocka_unit_test(test_without_a_terminal_it_only_counts),
    };
    return cmocka_run_group_tests_name("progress", tests, NULL, NULL);
}
