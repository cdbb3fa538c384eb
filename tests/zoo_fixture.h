/* A test program's cases followed by one case per network of the zoo, as one cmocka group. */
#ifndef LM_TEST_ZOO_FIXTURE_H
#define LM_TEST_ZOO_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

/* Runs the `count` tests of `fixed`, then `per_network` once per zoo network (named after it, with
 * the network's lm_zoo_net as its state), as the group `group` with `setup` and `teardown` (either
 * may be NULL). Returns the number of failures, or 1 when memory runs out. */
int fixture_run_with_zoo(const char *group, const struct CMUnitTest *fixed, size_t count,
                         CMUnitTestFunction per_network, CMFixtureFunction setup, CMFixtureFunction teardown);

#endif
