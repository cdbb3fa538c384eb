/* Equivalence of two samples' times: is the ratio b/a within [1/(1 + margin), 1 + margin]? A
 * difference test that finds nothing does not show that nothing changed; this asks the question the
 * other way round, so that "unchanged" can be a finding rather than the absence of one.
 *
 * Two one-sided tests (TOST) on the log ratio, each a one-sided Mann-Whitney U test (rank_tests.h)
 * of a against b moved to an edge of the margin:
 *   lower: H0 "b/a <= 1/(1 + margin)", tested on b (1 + margin) against a, alternative greater;
 *   upper: H0 "b/a >= 1 + margin",     tested on b / (1 + margin) against a, alternative less.
 * Equivalence is shown at level alpha when both reject: p = max(p_lower, p_upper) < alpha. Each test
 * is valid at its edge and more so beyond it when b is a scaled by a ratio (a shift of log times), the
 * model the Hodges-Lehmann ratio assumes too, whose 1 - 2 alpha interval lying inside the margin is
 * nearly the same criterion. The exact null distribution of U is used for small samples without ties,
 * as in lm_mann_whitney_p. Small samples cannot show equivalence at all: with 3 values a side no
 * one-sided p is below 0.05. */
#ifndef LM_STATS_EQUIVALENCE_H
#define LM_STATS_EQUIVALENCE_H

#include <stddef.h>

typedef struct lm_equivalence {
    double p_lower, p_upper; /* the two one-sided tests */
    double p;                /* their maximum: equivalence at level alpha when p < alpha */
} lm_equivalence;

/* The test of b/a against the margin (> 0, e.g. 0.05 for 5%) on positive samples. Every p is 1 (no
 * equivalence claimed) for empty, non-positive or non-finite samples, a margin not above 0, or when
 * memory runs out. */
lm_equivalence lm_equivalence_ratio(const double *a, size_t n, const double *b, size_t m, double margin);

#endif
