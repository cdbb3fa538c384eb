/* The verdict rule (see verdict.h); the statistics are bench/stats'. */
#include "guidelines/verdict.h"

#include <stdbool.h>
#include <stdlib.h>

#include "bench/stats/multiplicity.h"

lm_verdict lm_verdict_decide(lm_comparison *c, size_t k, double alpha, double min_effect) {
    if (k == 0 || !c) return LM_VERDICT_INCONCLUSIVE;
    for (size_t i = 0; i < k; i++) {
        c[i].p = lm_mann_whitney_p(c[i].faster, c[i].faster_count, c[i].slower, c[i].slower_count, LM_TWO_SIDED);
        c[i].effect = lm_hodges_lehmann_ratio(c[i].faster, c[i].faster_count, c[i].slower, c[i].slower_count,
                                              LM_VERDICT_CONFIDENCE);
    }

    double *adjusted = malloc(k * sizeof *adjusted);
    if (adjusted) {
        for (size_t i = 0; i < k; i++) adjusted[i] = c[i].p;
        lm_holm(adjusted, k, adjusted);
        for (size_t i = 0; i < k; i++) c[i].p_adjusted = adjusted[i];
        free(adjusted);
    } else {
        for (size_t i = 0; i < k; i++) c[i].p_adjusted = lm_bonferroni(c[i].p, k); /* as lm_holm without memory */
    }

    /* A NAN ratio fails both comparisons below, so it leaves the comparison undecided. */
    double up = 1 + min_effect, down = 1 / (1 + min_effect);
    size_t confirming = 0;
    bool contradicted = false;
    for (size_t i = 0; i < k; i++) {
        bool significant = c[i].p_adjusted < alpha;
        if (significant && c[i].effect.ratio >= up) c[i].outcome = LM_CONFIRMS;
        else if (significant && c[i].effect.ratio <= down) c[i].outcome = LM_CONTRADICTS;
        else c[i].outcome = LM_UNDECIDED;
        confirming += c[i].outcome == LM_CONFIRMS;
        contradicted |= c[i].outcome == LM_CONTRADICTS;
    }
    if (contradicted) return LM_VERDICT_DOES_NOT_HOLD;
    return confirming == k ? LM_VERDICT_HOLDS : LM_VERDICT_INCONCLUSIVE;
}

const char *lm_verdict_name(lm_verdict v) {
    switch (v) {
    case LM_VERDICT_HOLDS: return "holds";
    case LM_VERDICT_DOES_NOT_HOLD: return "does not hold";
    case LM_VERDICT_INCONCLUSIVE: return "inconclusive";
    }
    return "unknown";
}

const char *lm_outcome_name(lm_outcome o) {
    return o == LM_CONFIRMS ? "confirms" : o == LM_CONTRADICTS ? "contradicts" : "undecided";
}
