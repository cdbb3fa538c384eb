/* lm_run (bench/measure/run.h): one run across suites as a library call, in process. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <regex.h>
#include <signal.h>
#include <string.h>

#include "bench/measure/kernel_suite.h"
#include "bench/measure/net_suite.h"
#include "bench/measure/backend.h"
#include "bench/measure/run.h"

static lm_host *host;
static const int one_thread[] = {1};

static int probe(void **state) {
    (void)state;
    host = lm_host_probe();
    return host ? 0 : -1;
}

static int release(void **state) {
    (void)state;
    lm_host_free(host);
    return 0;
}

static const lm_suite *const kernels_and_nets[] = {&lm_suite_kernels, &lm_suite_nets};
static const char *const small_net[] = {"shufflenet_v2_x0_5"};

/* Both suites, one latmac case each, as briefly as Google Benchmark allows. */
static lm_run_request request(const regex_t *filter) {
    return (lm_run_request){
        .config = {.host = host, .filter = filter, .threads = one_thread, .thread_count = 1, .repetitions = 2,
                   .min_time = 0.001, .warmup_time = 0.0005, .nets = small_net, .net_count = 1, .input_h = 64,
                   .input_w = 64},
        .suites = kernels_and_nets,
        .suite_count = 2,
    };
}

static regex_t compiled(const char *pattern) {
    regex_t re;
    assert_int_equal(regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB), 0);
    return re;
}

static void test_one_result_set_across_suites(void **state) {
    (void)state;
    regex_t filter = compiled("^(kernels/relu_116_28|nets/shufflenet_v2_x0_5@1x64x64)/latmac/");
    const lm_run_request q = request(&filter);
    lm_results r = {0};
    char err[256] = "";
    assert_int_equal(lm_run(&q, &r, err, sizeof err), LM_RUN_DONE);
    assert_string_equal(r.suite, "all");
    assert_int_equal(r.case_count, 2);
    assert_int_equal(r.cases_planned, 2);
    assert_false(r.partial);
    assert_string_equal(r.cases[0].name, "kernels/relu_116_28/latmac/threads:1");
    assert_string_equal(r.cases[1].name, "nets/shufflenet_v2_x0_5@1x64x64/latmac/threads:1");
    for (size_t i = 0; i < r.case_count; i++) {
        assert_int_equal(r.cases[i].run_count, 2 + 6); /* two repetitions, six aggregates */
        assert_false(lm_result_failed(&r.cases[i]));
        assert_true(r.cases[i].family_index >= 0);
    }
    assert_ptr_equal(r.cases[0].runs_on, &lm_backend_latmac);
    assert_ptr_equal(r.cases[1].runs_on, &lm_backend_network);
    assert_null(r.ceilings); /* none asked for */
    lm_results_free(&r);
    regfree(&filter);
}

static void test_no_case_and_refusals_run_nothing(void **state) {
    (void)state;
    regex_t none = compiled("^nothing matches this$");
    lm_run_request q = request(&none);
    lm_results r = {0};
    char err[256] = "";
    assert_int_equal(lm_run(&q, &r, err, sizeof err), LM_RUN_NO_CASE);
    lm_results_free(&r);
    regfree(&none);

    static const char *const unknown[] = {"no_such_net"};
    q = request(NULL);
    q.config.nets = unknown;
    assert_int_equal(lm_run(&q, &r, err, sizeof err), LM_RUN_REFUSED);
    assert_string_equal(err, "unknown network 'no_such_net' (see 'latmac list nets')");
    assert_int_equal(r.case_count, 0);
    lm_results_free(&r);

    q = request(NULL);
    q.suite_count = 0;
    assert_int_equal(lm_run(&q, &r, err, sizeof err), LM_RUN_REFUSED);
    lm_results_free(&r);
}

static void test_interrupted_before_the_first_case(void **state) {
    (void)state;
    static volatile sig_atomic_t stop = 1;
    regex_t filter = compiled("^kernels/relu_116_28/latmac/");
    lm_run_request q = request(&filter);
    q.config.interrupted = &stop;
    lm_results r = {0};
    char err[256] = "";
    assert_int_equal(lm_run(&q, &r, err, sizeof err), LM_RUN_NOTHING_FINISHED);
    assert_int_equal(lm_results_cases_finished(&r), 0);
    lm_results_free(&r);
    regfree(&filter);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_result_set_across_suites),
        cmocka_unit_test(test_no_case_and_refusals_run_nothing),
        cmocka_unit_test(test_interrupted_before_the_first_case),
    };
    return cmocka_run_group_tests(tests, probe, release);
}
