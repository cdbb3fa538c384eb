/* What the guideline experiments' tests share (uses cmocka's assertions). */
#ifndef LM_TEST_GUIDELINE_FIXTURE_H
#define LM_TEST_GUIDELINE_FIXTURE_H

#include "guidelines/experiment.h"

/* Builds case c of experiment e and checks what every experiment promises: no graph error, one
 * output of the input's shape (1 x height x width x channels), at least 10 nodes, all named
 * "block..." and unique. Returns the network's cost. */
lm_op_cost guideline_build_and_check(const lm_guideline *e, const lm_guideline_case *c);

/* The case with `id` among cases[0..n); fails the test when there is none. */
const lm_guideline_case *guideline_find_case(const lm_guideline_case *cases, int n, const char *id);

#endif
