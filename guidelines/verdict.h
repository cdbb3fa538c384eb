/* Turning rounds of measurements into a verdict: the rule every guideline experiment shares (in words,
 * with the reasons, in guidelines/README.md, "The verdict rule").
 *
 * The replicate is the round (bench/measure/runner.h): each round gives one median per case, and a
 * comparison of two cases is their per-round log ratio, whose 95% interval across rounds, Yuen's for
 * the 20%-trimmed mean (bench/stats/log_ratio.h; a disturbed round or two do not decide it), is the
 * comparison's effect. Since one comparison beyond the margin can
 * decide an experiment, a difference is claimed on the simultaneous interval of the experiment's k
 * comparisons at that thread count (Bonferroni: each at 1 - 0.05 / k); an equivalence, which needs
 * every comparison, on the plain one. With a margin d, a comparison against the ratio e the claim
 * expects lies
 *   above   when the simultaneous lo > e (1 + d),
 *   below   when the simultaneous hi < e / (1 + d),
 *   within  when e / (1 + d) <= lo and hi <= e (1 + d),
 * and nowhere decided otherwise. What that means depends on the experiment's claim
 * (guidelines/experiment.h):
 *   order       (e = 1, slower-predicted over faster-predicted): above confirms, within is no effect,
 *               below contradicts; and where a group has three cases or more, Page's L test of the
 *               predicted ranks against the rounds' ranks (bench/stats/trend.h), one-sided, Holm-corrected
 *               over the experiment's groups, must find the predicted trend for the group to hold;
 *   equivalent  (e = 1): within confirms, above or below contradicts;
 *   MAdds ratio (e = the MAdds ratio): within confirms, above or below contradicts.
 * A group holds when its comparisons are as its claim says (order: at least one confirms, none
 * contradicts, the trend test passes; equality: every comparison confirms); does not hold when one
 * contradicts (a reversed trend within the margin is no effect); shows no effect (order only) when every
 * comparison is within; is inconclusive otherwise. An experiment holds when at least one of its groups
 * holds and none contradicts (equality claims: when all hold), does not hold when any group does not,
 * shows no effect when every group shows none, and is inconclusive otherwise. Every verdict is given
 * at the margins 2%, 5% (the primary) and 10%. */
#ifndef LM_VERDICT_H
#define LM_VERDICT_H

#include <stdbool.h>
#include <stddef.h>

#include "bench/stats/log_ratio.h"
#include "guidelines/experiment.h"

#define LM_VERDICT_ALPHA 0.05      /* of the trend tests, after Holm */
#define LM_VERDICT_CONFIDENCE 0.95 /* of each comparison's interval, and of the family's together */
#define LM_VERDICT_TRIM 0.2        /* of the rounds, from each end: 2 of 10, 1 of 5 */
#define LM_VERDICT_MARGINS 3
#define LM_VERDICT_PRIMARY 1 /* lm_verdict_margins[1]: 5% */
extern const double lm_verdict_margins[LM_VERDICT_MARGINS]; /* 0.02, 0.05, 0.10 */

/* Where an interval lies against the expected ratio and the margin. */
typedef enum lm_position { LM_UNDECIDED = 0, LM_ABOVE, LM_WITHIN, LM_BELOW } lm_position;

typedef enum lm_outcome { LM_INCONCLUSIVE = 0, LM_CONFIRMS, LM_NO_EFFECT, LM_CONTRADICTS } lm_outcome;

typedef enum lm_verdict {
    LM_VERDICT_INCONCLUSIVE = 0,
    LM_VERDICT_HOLDS,
    LM_VERDICT_DOES_NOT_HOLD,
    LM_VERDICT_NO_EFFECT,
    LM_VERDICT_TOO_NOISY, /* the run's A/A pairs are not equivalent at this margin: nothing can be told */
} lm_verdict;

#define LM_VERDICT_MAX_CASES LM_GUIDELINE_MAX_CASES

/* One group's rounds: medians[r * cases + j] is round r's median time of case j (seconds, > 0). */
typedef struct lm_group_input {
    lm_claim claim;
    size_t cases, rounds;
    const int *ranks;     /* per case: the predicted order, 0 fastest */
    const double *madds;  /* per case; used by LM_CLAIM_MADDS_RATIO */
    const double *medians;
} lm_group_input;

typedef struct lm_comparison {
    size_t faster, slower;        /* case indexes: predicted faster (or the reference) and the other */
    double expected;              /* the ratio an equality claim expects: 1, or the MAdds ratio */
    lm_log_ratio_interval effect; /* slower / faster, over the rounds, at LM_VERDICT_CONFIDENCE */
    lm_log_ratio_interval simultaneous; /* the same at 1 - (1 - LM_VERDICT_CONFIDENCE) / family */
    size_t family;                /* the comparisons decided together (lm_groups_decide) */
    lm_position position[LM_VERDICT_MARGINS];
    lm_outcome outcome[LM_VERDICT_MARGINS];
} lm_comparison;

typedef struct lm_group_decision {
    lm_claim claim;
    size_t count;
    lm_comparison comparisons[LM_VERDICT_MAX_CASES];
    /* Page's L, one-sided for the predicted trend and for its reverse; NAN when not tested (not an
     * order claim, fewer than 3 cases or 2 rounds, or one rank only). Adjusted: Holm over the groups
     * decided together. */
    double trend_p, reversed_p, trend_p_adjusted, reversed_p_adjusted;
    lm_verdict verdict[LM_VERDICT_MARGINS];
} lm_group_decision;

/* The comparisons of a group and its trend tests (unadjusted: adjusted = raw until lm_groups_decide).
 * -1 when the input is unusable (no case, more than LM_VERDICT_MAX_CASES, a median not above 0). */
int lm_group_measure(const lm_group_input *in, lm_group_decision *out);

/* Holm-corrects the trend tests over the n groups of an experiment at one thread count, gives every
 * comparison its simultaneous interval over all the groups' comparisons, then every comparison and
 * group its outcome and verdict at each margin. */
void lm_groups_decide(lm_group_decision *groups, size_t n);

/* The experiment's verdict at margin index m from its groups' (see above). */
lm_verdict lm_experiment_verdict(lm_claim claim, const lm_group_decision *groups, size_t n, int m);

lm_position lm_position_of(double lo, double hi, double expected, double margin);
/* A decided comparison's position: above or below on its simultaneous interval, within on its own. */
lm_position lm_comparison_position(const lm_comparison *c, double margin);
/* The rounds an undecided comparison would need (more than it has, and from there on every count up
 * to `max`), at its rounds' spread and with its estimate as it is, for its interval to clear the
 * margin's bound nearest the estimate: to lie within (its own interval) when the estimate lies inside
 * the margin, beyond (the simultaneous interval) when outside. 0 when more than `max` would be
 * needed, the estimate sits on the bound, or there is no spread. A planning figure: the estimate
 * itself moves as rounds are added. */
size_t lm_comparison_rounds_to_decide(const lm_comparison *c, double margin, size_t max);
/* The paper's own ratio (exact: no interval) against the margin. */
lm_position lm_position_of_value(double ratio, double expected, double margin);

const char *lm_verdict_name(lm_verdict v);   /* "holds", "does not hold", "no effect", "too noisy to tell", "inconclusive" */
const char *lm_outcome_name(lm_outcome o);   /* "confirms", "no effect", "contradicts", "inconclusive" */
const char *lm_position_name(lm_position p); /* "above", "within", "below", "undecided" */
const char *lm_claim_name(lm_claim c);       /* "order", "equivalent", "MAdds ratio" */

#endif
