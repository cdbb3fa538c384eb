/* FLOPs and MAC as latency proxies: the analysis of a run picks latmac's whole networks and kernel cases
 * only (the correlation and the fit themselves are tests/test_stats.c's). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guidelines/proxy.h"

/* A case of `suite` with a median of `seconds`. */
static lm_result_case make(const char *suite, const char *network, const char *backend, uint64_t madds, uint64_t mac,
                           double seconds) {
    lm_result_case c = {.threads = 1, .madds = madds, .mac = mac, .layer_index = -1};
    snprintf(c.suite, sizeof c.suite, "%s", suite);
    snprintf(c.network, sizeof c.network, "%s", network);
    snprintf(c.backend, sizeof c.backend, "%s", backend);
    snprintf(c.time_unit, sizeof c.time_unit, "s");
    c.run_count = 1;
    c.runs = calloc(1, sizeof *c.runs);
    c.runs[0] = (lm_result_run){.real_time = seconds, .repetition_index = 0};
    return c;
}

static void test_analysis_of_a_run(void **state) {
    (void)state;
    lm_results r = {.thread_count_count = 1};
    r.thread_counts[0].threads = 1;
    /* networks whose latency follows MAC exactly while MAdds run the other way */
    lm_result_case cases[] = {
        make("nets", "a", "latmac", 400, 100, 0.001),  make("nets", "b", "latmac", 300, 200, 0.002),
        make("nets", "c", "latmac", 200, 300, 0.003),  make("nets", "d", "latmac", 100, 400, 0.004),
        make("nets", "e", "onednn", 100, 400, 9.0),    /* a peer: left out */
        make("kernels", "", "latmac", 10, 5, 1e-6),    make("kernels", "", "latmac", 20, 6, 2e-6),
    };
    r.cases = cases;
    r.case_count = sizeof cases / sizeof cases[0];
    lm_proxy_result p[4];
    const size_t n = lm_proxy_analyse(&r, p, 4);
    assert_int_equal(n, 1); /* two kernel cases are too few */
    assert_string_equal(p[0].population, "networks");
    assert_int_equal(p[0].count, 4);
    assert_true(fabs(p[0].mac.spearman - 1) < 1e-12);
    assert_true(fabs(p[0].madds.spearman + 1) < 1e-12);
    assert_true(fabs(p[0].mac.slope - 1) < 1e-12 && fabs(p[0].mac.r2 - 1) < 1e-12);
    for (size_t i = 0; i < r.case_count; i++) free(cases[i].runs);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_analysis_of_a_run),
    };
    return cmocka_run_group_tests_name("proxy", tests, NULL, NULL);
}
