/* Turning repeated measurements into a verdict: the statistics every guideline experiment shares.
 *
 * A comparison pits the case a guideline predicts faster against one it predicts slower, each timed
 * over repetitions (seconds per run). It gets a two-sided Mann-Whitney U test (exact for small samples
 * without ties, else the normal approximation with tie and continuity corrections), and an effect: the
 * Hodges-Lehmann estimate of the ratio slower/faster (the median of all pairwise ratios) with its
 * distribution-free confidence interval from the same U statistic.
 *
 * The rule (also in README.md): p-values are corrected for the number of comparisons of a guideline
 * (Holm). A comparison confirms the prediction when its corrected p is below alpha and the estimated
 * ratio is at least 1 + min_effect; it contradicts it when its corrected p is below alpha and the
 * ratio is at most 1 / (1 + min_effect); otherwise it is undecided. The guideline holds when every
 * comparison confirms, does not hold when any contradicts, and is inconclusive otherwise. */
#ifndef LM_VERDICT_H
#define LM_VERDICT_H

#include <stddef.h>

#define LM_VERDICT_ALPHA 0.05
#define LM_VERDICT_MIN_EFFECT 0.05 /* a 5% difference in time */
#define LM_VERDICT_CONFIDENCE 0.95

/* Two-sided p-value of the Mann-Whitney U test of samples a[0..n) and b[0..m) (n, m >= 1); 1 when
 * either is empty. */
double lm_mann_whitney_p(const double *a, size_t n, const double *b, size_t m);

/* The Hodges-Lehmann estimate of b / a (positive samples): the median of the n*m ratios b_j / a_i,
 * and the interval holding the true ratio with probability `confidence` (from the order statistics
 * of those ratios). low = high = estimate when the samples are too small for the interval. */
typedef struct lm_effect {
    double ratio, low, high;
} lm_effect;
lm_effect lm_effect_ratio(const double *a, size_t n, const double *b, size_t m, double confidence);

/* Holm's step-down correction: adjusted[i] for p[i], i < k (adjusted may be p). */
void lm_holm(const double *p, size_t k, double *adjusted);

typedef enum lm_outcome { LM_UNDECIDED = 0, LM_CONFIRMS = 1, LM_CONTRADICTS = -1 } lm_outcome;

typedef struct lm_comparison {
    /* inputs: repetitions' times of the case predicted faster and of the one predicted slower */
    const double *faster;
    size_t faster_count;
    const double *slower;
    size_t slower_count;
    /* results */
    double p, p_adjusted;
    lm_effect effect; /* slower / faster: above 1 when the prediction holds */
    lm_outcome outcome;
} lm_comparison;

typedef enum lm_verdict { LM_VERDICT_INCONCLUSIVE, LM_VERDICT_HOLDS, LM_VERDICT_DOES_NOT_HOLD } lm_verdict;

/* Tests every comparison, corrects the p-values together, classifies each and returns the verdict
 * (inconclusive for k = 0). */
lm_verdict lm_verdict_decide(lm_comparison *c, size_t k, double alpha, double min_effect);

const char *lm_verdict_name(lm_verdict v); /* "holds", "does not hold", "inconclusive" */
const char *lm_outcome_name(lm_outcome o); /* "confirms", "contradicts", "undecided" */

#endif
