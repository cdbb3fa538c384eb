/* Verdicts from a run's results: for each guideline experiment, thread count and instruction-set cap,
 * its groups' cases compared round by round by the rule of verdict.h, each comparison set beside the
 * paper's own ratio and the cases' MAdds, and checked against the run's noise floor (the A/A
 * experiment's pairs at the same thread count and cap). */
#ifndef LM_GUIDELINE_VERDICTS_H
#define LM_GUIDELINE_VERDICTS_H

#include <stddef.h>

#include "bench/results/result_records.h"
#include "guidelines/verdict.h"

typedef struct lm_guideline_comparison {
    const lm_result_case *faster, *slower; /* as predicted (faster: the reference of an equality claim) */
    double expected;                       /* the ratio an equality claim expects (1, or the MAdds ratio) */
    lm_log_ratio_interval effect;          /* the slower case's time over the faster one's, over rounds */
    lm_log_ratio_interval simultaneous;    /* the same, simultaneous over the `family` comparisons (verdict.h) */
    size_t family;
    lm_position position[LM_VERDICT_MARGINS];
    lm_outcome outcome[LM_VERDICT_MARGINS];
    /* The confounds: the cases' MAdds ratio, the ratio of what latmac's kernels execute (tile padding
     * included), and the time ratio per executed multiply-add (effect.ratio / executed ratio). 0:
     * unknown (a case without MAdds). */
    double madds_ratio, executed_madds_ratio, ratio_per_executed_madd;
    /* The paper's ratio for the same cells (its throughputs, faster over slower; 0: none) and how it
     * sits against the host's: `paper_agrees` when both lie on the same side of the margin (above,
     * within or below, the host's interval decided) at the primary margin, `paper_inside` when the
     * paper's ratio lies inside the host's interval. */
    double paper_ratio;
    const char *paper_platform; /* "GTX 1080Ti" or "Snapdragon 810"; NULL without a ratio */
    bool paper_agrees, paper_inside;
} lm_guideline_comparison;

typedef struct lm_guideline_group {
    char group[32];
    int scale;
    size_t first, count; /* its comparisons in the verdict's list */
    double trend_p, trend_p_adjusted, reversed_p_adjusted; /* NAN: not tested */
    lm_verdict verdict[LM_VERDICT_MARGINS];
} lm_guideline_group;

typedef struct lm_guideline_verdict {
    char experiment[8];
    int threads;
    char isa[12]; /* the cases' instruction-set cap (lm_result_case.isa) */
    lm_claim claim;
    bool noise_floor;        /* the A/A experiment itself */
    size_t rounds;           /* the fewest rounds any of its groups had */
    lm_verdict verdict[LM_VERDICT_MARGINS]; /* "too noisy to tell" where the noise floor is not equivalent */
    /* The run's noise at this thread count and cap: whether the A/A experiment was timed, its widest
     * pair's spread of round log ratios, and the rounds an interval at that spread needs to fit within
     * the primary margin (0: more than 1000). */
    bool noise_measured;
    double noise_log_sd;
    size_t rounds_needed;
    size_t group_count;
    lm_guideline_group *groups;
    size_t count; /* comparisons */
    lm_guideline_comparison *comparisons;
    /* At the primary margin: comparisons by outcome, groups by verdict, and paper cells. */
    size_t confirms, no_effect, contradicts;
    size_t groups_holding, groups_failing, groups_without_effect;
    size_t paper_cells, paper_agreeing;
    /* The comparisons undecided at the primary margin, and the rounds the slowest of them to decide
     * would need at its spread (lm_comparison_rounds_to_decide; 0: more than 1000): what pooling runs
     * would take to settle an inconclusive verdict. */
    size_t undecided, rounds_to_decide;
} lm_guideline_verdict;

/* Every experiment x thread count x instruction-set cap of `r` with at least one group whose cases
 * ran without error, in the experiments' order. Returns 0 and the verdicts (free with
 * lm_guideline_verdicts_free), or -1 when memory runs out. */
int lm_guideline_verdicts(const lm_results *r, lm_guideline_verdict **verdicts, size_t *count);
void lm_guideline_verdicts_free(lm_guideline_verdict *verdicts, size_t count);

#endif
