/* A round's report (bench/measure/round_report.h): what one process writes, the other reads back into
 * its records, keeping its own runs and adding the round's; a report cut short, with extra bytes or of
 * other cases is refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/measure/round_report.h"

/* Two cases, each with `runs` runs of round 0. */
static void two_cases(lm_results *r, int runs) {
    memset(r, 0, sizeof *r);
    for (int i = 0; i < 2; i++) {
        lm_result_case c = {.threads = 1 + i, .family_index = -1};
        snprintf(c.name, sizeof c.name, "case%d", i);
        assert_int_equal(lm_results_add_case(r, &c), 0);
        for (int k = 0; k < runs; k++) {
            const lm_result_run run = {.round = 0, .repetition_index = k, .real_time = 10.0 * (i + 1) + k};
            assert_int_equal(lm_result_case_add_run(&r->cases[i], &run), 0);
        }
    }
}

/* The report of a round that added one run of round 1 to each case and chose case 0's kernel. */
static char *a_report(size_t *size) {
    lm_results r;
    two_cases(&r, 1);
    const size_t before[2] = {1, 1};
    for (int i = 0; i < 2; i++) {
        const lm_result_run run = {.round = 1, .repetition_index = 1, .real_time = 100.0 + i};
        assert_int_equal(lm_result_case_add_run(&r.cases[i], &run), 0);
    }
    snprintf(r.cases[0].kernel, sizeof r.cases[0].kernel, "lm_f32_relu__avx2");
    r.cases[1].family_index = 7;
    r.gb_context_json = strdup("{\"num_cpus\": 2}");
    snprintf(r.host_name, sizeof r.host_name, "host-a");
    r.num_cpus = 2;
    const lm_round_facts facts = {.bind_error = -22, .next_family = 8, .progress = {.done = 2, .total = 4}};
    const bool interrupted[2] = {false, true};
    char *bytes;
    FILE *out = open_memstream(&bytes, size);
    assert_int_equal(lm_round_report_write(out, &facts, &r, before, interrupted), 0);
    fclose(out);
    lm_results_free(&r);
    return bytes;
}

static void test_a_report_reads_back_into_the_records(void **state) {
    (void)state;
    size_t size;
    char *bytes = a_report(&size);
    lm_results r;
    two_cases(&r, 1);
    lm_round_facts facts;
    bool interrupted[2];
    char err[256];
    if (lm_round_report_read(bytes, size, &facts, &r, interrupted, err, sizeof err) != 0) fail_msg("%s", err);
    assert_int_equal(facts.bind_error, -22);
    assert_int_equal(facts.next_family, 8);
    assert_int_equal(facts.progress.done, 2);
    assert_false(interrupted[0]);
    assert_true(interrupted[1]);
    assert_string_equal(r.cases[0].kernel, "lm_f32_relu__avx2");
    assert_int_equal(r.cases[1].family_index, 7);
    assert_string_equal(r.gb_context_json, "{\"num_cpus\": 2}");
    assert_string_equal(r.host_name, "host-a");
    for (int i = 0; i < 2; i++) { /* this side's run of round 0, then the round's */
        assert_int_equal(r.cases[i].run_count, 2);
        assert_true(r.cases[i].runs[0].real_time == 10.0 * (i + 1));
        assert_int_equal(r.cases[i].runs[1].round, 1);
        assert_true(r.cases[i].runs[1].real_time == 100.0 + i);
    }
    lm_results_free(&r);
    free(bytes);
}

static void test_a_report_cut_short_longer_or_of_other_cases_is_refused(void **state) {
    (void)state;
    size_t size;
    char *bytes = a_report(&size);
    char *longer = malloc(size + 1);
    memcpy(longer, bytes, size);
    longer[size] = 0;
    lm_round_facts facts;
    bool interrupted[3];
    char err[256];
    const size_t lengths[] = {0, sizeof facts - 1, size / 2, size - 1};
    for (size_t k = 0; k < sizeof lengths / sizeof lengths[0]; k++) {
        lm_results r;
        two_cases(&r, 1);
        assert_int_equal(lm_round_report_read(bytes, lengths[k], &facts, &r, interrupted, err, sizeof err), -1);
        assert_string_equal(err, "the round's process sent a malformed report");
        lm_results_free(&r);
    }
    lm_results r;
    two_cases(&r, 1);
    assert_int_equal(lm_round_report_read(longer, size + 1, &facts, &r, interrupted, err, sizeof err), -1);
    lm_results_free(&r);
    lm_result_case third = {.family_index = -1}; /* the reader planned three cases, the report has two */
    two_cases(&r, 1);
    assert_int_equal(lm_results_add_case(&r, &third), 0);
    assert_int_equal(lm_round_report_read(bytes, size, &facts, &r, interrupted, err, sizeof err), -1);
    lm_results_free(&r);
    free(longer);
    free(bytes);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_report_reads_back_into_the_records),
        cmocka_unit_test(test_a_report_cut_short_longer_or_of_other_cases_is_refused),
    };
    return cmocka_run_group_tests_name("round_report", tests, NULL, NULL);
}
