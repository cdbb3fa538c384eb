/* One case per zoo network (see zoo_fixture.h). */
#include "tests/zoo_fixture.h"

#include <stdlib.h>
#include <string.h>

#include "bench/net/zoo.h"

int fixture_run_with_zoo(const char *group, const struct CMUnitTest *fixed, size_t count,
                         CMUnitTestFunction per_network, CMFixtureFunction setup, CMFixtureFunction teardown) {
    struct CMUnitTest *tests = calloc(count + (size_t)lm_zoo_count, sizeof *tests);
    if (!tests) return 1;
    memcpy(tests, fixed, count * sizeof *tests);
    size_t n = count;
    for (int i = 0; i < lm_zoo_count; i++)
        tests[n++] = (struct CMUnitTest){.name = lm_zoo[i].name, .test_func = per_network,
                                         .initial_state = (void *)&lm_zoo[i]};
    const int failed = _cmocka_run_group_tests(group, tests, n, setup, teardown);
    free(tests);
    return failed;
}
