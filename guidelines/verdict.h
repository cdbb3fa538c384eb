/* Turning repeated measurements into a verdict: the rule every guideline experiment shares.
 *
 * A comparison pits the case a guideline predicts faster against one it predicts slower, each timed
 * over repetitions (seconds per run). It gets a two-sided Mann-Whitney U test and an effect: the
 * Hodges-Lehmann estimate of the ratio slower/faster with its distribution-free confidence interval
 * (bench/stats/rank_tests.h).
 *
 * The rule (also in README.md): p-values are corrected for the number of comparisons of a guideline
 * (Holm, bench/stats/multiplicity.h). A comparison confirms the prediction when its corrected p is
 * below alpha and the estimated ratio is at least 1 + min_effect; it contradicts it when its corrected
 * p is below alpha and the ratio is at most 1 / (1 + min_effect); otherwise it is undecided. The
 * guideline holds when every comparison confirms, does not hold when any contradicts, and is
 * inconclusive otherwise. */
#ifndef LM_VERDICT_H
#define LM_VERDICT_H

#include <stddef.h>

#include "bench/stats/rank_tests.h"

#define LM_VERDICT_ALPHA 0.05
#define LM_VERDICT_MIN_EFFECT 0.05 /* a 5% difference in time */
#define LM_VERDICT_CONFIDENCE 0.95

typedef enum lm_outcome { LM_UNDECIDED = 0, LM_CONFIRMS = 1, LM_CONTRADICTS = -1 } lm_outcome;

typedef struct lm_comparison {
    /* inputs: repetitions' times of the case predicted faster and of the one predicted slower */
    const double *faster;
    size_t faster_count;
    const double *slower;
    size_t slower_count;
    /* results */
    double p, p_adjusted;
    lm_ratio_estimate effect; /* slower / faster: above 1 when the prediction holds */
    lm_outcome outcome;
} lm_comparison;

typedef enum lm_verdict { LM_VERDICT_INCONCLUSIVE, LM_VERDICT_HOLDS, LM_VERDICT_DOES_NOT_HOLD } lm_verdict;

/* Tests every comparison, corrects the p-values together, classifies each and returns the verdict
 * (inconclusive for k = 0). */
lm_verdict lm_verdict_decide(lm_comparison *c, size_t k, double alpha, double min_effect);

const char *lm_verdict_name(lm_verdict v); /* "holds", "does not hold", "inconclusive" */
const char *lm_outcome_name(lm_outcome o); /* "confirms", "contradicts", "undecided" */

#endif
