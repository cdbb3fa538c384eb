/* Verdicts from a run's results: for each guideline experiment and thread count, the paper's
 * predicted-fastest case of every group compared with each case it predicts slower, by the rule of
 * verdict.h, over the repetitions' times. */
#ifndef LM_GUIDELINE_VERDICTS_H
#define LM_GUIDELINE_VERDICTS_H

#include <stddef.h>

#include "bench/results/result_records.h"
#include "guidelines/verdict.h"

typedef struct lm_guideline_comparison {
    const lm_result_case *faster, *slower; /* as predicted */
    double p, p_adjusted;
    lm_ratio_estimate effect; /* the slower case's time over the faster one's: above 1 confirms */
    lm_outcome outcome;
} lm_guideline_comparison;

typedef struct lm_guideline_verdict {
    char experiment[8];
    int threads;
    char isa[12]; /* the cases' instruction-set cap (lm_result_case.isa) */
    lm_verdict verdict;
    size_t count, confirms, contradicts;
    lm_guideline_comparison *comparisons; /* count of them */
} lm_guideline_verdict;

/* Every experiment x thread count x instruction-set cap of `r` with at least one comparison whose cases ran without error.
 * Returns 0 and the verdicts (free with lm_guideline_verdicts_free), or -1 when memory runs out. */
int lm_guideline_verdicts(const lm_results *r, lm_guideline_verdict **verdicts, size_t *count);
void lm_guideline_verdicts_free(lm_guideline_verdict *verdicts, size_t count);

#endif
