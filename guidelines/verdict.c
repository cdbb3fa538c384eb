/* The verdict rule (see verdict.h); the statistics are bench/stats'. */
#include "guidelines/verdict.h"

#include <math.h>
#include <stdlib.h>

#include "bench/stats/multiplicity.h"
#include "bench/stats/trend.h"

const double lm_verdict_margins[LM_VERDICT_MARGINS] = {0.02, 0.05, 0.10};

lm_position lm_position_of(double lo, double hi, double expected, double margin) {
    if (!(lo > 0) || !(hi >= lo) || !(expected > 0)) return LM_UNDECIDED; /* NAN fails every test */
    const double up = expected * (1 + margin), down = expected / (1 + margin);
    if (lo > up) return LM_ABOVE;
    if (hi < down) return LM_BELOW;
    if (lo >= down && hi <= up) return LM_WITHIN;
    return LM_UNDECIDED;
}

lm_position lm_position_of_value(double ratio, double expected, double margin) {
    return lm_position_of(ratio, ratio, expected, margin);
}

lm_position lm_comparison_position(const lm_comparison *c, double margin) {
    const lm_position beyond = lm_position_of(c->simultaneous.lo, c->simultaneous.hi, c->expected, margin);
    if (beyond == LM_ABOVE || beyond == LM_BELOW) return beyond;
    return lm_position_of(c->effect.lo, c->effect.hi, c->expected, margin) == LM_WITHIN ? LM_WITHIN : LM_UNDECIDED;
}

size_t lm_comparison_rounds_to_decide(const lm_comparison *c, double margin, size_t max) {
    const double estimate = fabs(c->effect.log_mean - log(c->expected)), bound = log1p(margin);
    const double distance = fabs(estimate - bound);
    if (!(distance > 0) || !(c->expected > 0)) return 0;
    const double confidence =
        estimate < bound ? LM_VERDICT_CONFIDENCE : 1 - (1 - LM_VERDICT_CONFIDENCE) / (double)(c->family ? c->family : 1);
    return lm_rounds_to_resolve_after(c->effect.log_sd, expm1(distance), confidence, LM_VERDICT_TRIM, c->effect.n, max);
}

/* A comparison of cases a (predicted faster, or the reference) and b over the rounds. */
static lm_comparison compare(const lm_group_input *in, size_t a, size_t b, double *d) {
    lm_comparison c = {.faster = a, .slower = b, .expected = 1};
    if (in->claim == LM_CLAIM_MADDS_RATIO && in->madds && in->madds[a] > 0 && in->madds[b] > 0)
        c.expected = in->madds[b] / in->madds[a];
    for (size_t r = 0; r < in->rounds; r++)
        d[r] = log(in->medians[r * in->cases + b] / in->medians[r * in->cases + a]);
    c.effect = lm_log_ratio_trimmed_interval(d, in->rounds, LM_VERDICT_CONFIDENCE, LM_VERDICT_TRIM);
    return c;
}

/* Page's L over the rounds, ranks as the predicted order: not tested without 3 cases and 2 ranks. */
static void trend(const lm_group_input *in, lm_group_decision *out) {
    out->trend_p = out->reversed_p = NAN;
    if (in->claim != LM_CLAIM_ORDER || in->cases < 3 || in->rounds < 2) return;
    double weights[LM_VERDICT_MAX_CASES];
    bool ranked = false;
    for (size_t j = 0; j < in->cases; j++) {
        weights[j] = in->ranks[j];
        ranked |= in->ranks[j] != in->ranks[0];
    }
    if (!ranked) return;
    out->trend_p = lm_page_trend_test(in->medians, in->rounds, in->cases, weights, LM_GREATER).p;
    out->reversed_p = lm_page_trend_test(in->medians, in->rounds, in->cases, weights, LM_LESS).p;
}

int lm_group_measure(const lm_group_input *in, lm_group_decision *out) {
    *out = (lm_group_decision){.claim = in->claim};
    if (!in->cases || in->cases > LM_VERDICT_MAX_CASES || !in->ranks || !in->medians) return -1;
    for (size_t i = 0; i < in->cases * in->rounds; i++)
        if (!(in->medians[i] > 0) || !isfinite(in->medians[i])) return -1;
    double *d = malloc((in->rounds ? in->rounds : 1) * sizeof *d);
    if (!d) return -1;
    /* The reference: the first case of the lowest rank. */
    size_t ref = 0;
    for (size_t j = 1; j < in->cases; j++)
        if (in->ranks[j] < in->ranks[ref]) ref = j;
    for (size_t j = 0; j < in->cases; j++) {
        if (j == ref) continue;
        const bool compared = in->claim == LM_CLAIM_EQUIVALENT || in->ranks[j] > in->ranks[ref];
        if (compared && (in->claim != LM_CLAIM_MADDS_RATIO || out->count == 0))
            out->comparisons[out->count++] = compare(in, ref, j, d);
    }
    free(d);
    trend(in, out);
    out->trend_p_adjusted = out->trend_p;
    out->reversed_p_adjusted = out->reversed_p;
    return 0;
}

static lm_outcome outcome_of(lm_claim claim, lm_position p) {
    if (p == LM_UNDECIDED) return LM_INCONCLUSIVE;
    if (claim == LM_CLAIM_ORDER) return p == LM_ABOVE ? LM_CONFIRMS : p == LM_WITHIN ? LM_NO_EFFECT : LM_CONTRADICTS;
    return p == LM_WITHIN ? LM_CONFIRMS : LM_CONTRADICTS;
}

static lm_verdict group_verdict(const lm_group_decision *g, int m) {
    size_t confirms = 0, no_effect = 0, contradicts = 0;
    for (size_t i = 0; i < g->count; i++) {
        confirms += g->comparisons[i].outcome[m] == LM_CONFIRMS;
        no_effect += g->comparisons[i].outcome[m] == LM_NO_EFFECT;
        contradicts += g->comparisons[i].outcome[m] == LM_CONTRADICTS;
    }
    if (!g->count) return LM_VERDICT_INCONCLUSIVE;
    if (g->claim != LM_CLAIM_ORDER) {
        if (contradicts) return LM_VERDICT_DOES_NOT_HOLD;
        return confirms == g->count ? LM_VERDICT_HOLDS : LM_VERDICT_INCONCLUSIVE;
    }
    const bool tested = !isnan(g->trend_p_adjusted);
    /* A reversed trend alone does not contradict: within the margin it is no effect, beyond it a
     * comparison says so. */
    if (contradicts) return LM_VERDICT_DOES_NOT_HOLD;
    if (no_effect == g->count) return LM_VERDICT_NO_EFFECT;
    if (confirms && (!tested || g->trend_p_adjusted < LM_VERDICT_ALPHA)) return LM_VERDICT_HOLDS;
    return LM_VERDICT_INCONCLUSIVE;
}

/* Holm over the groups' tested p-values (`reversed` picks which), in place. */
static void holm(lm_group_decision *groups, size_t n, bool reversed) {
    double *p = malloc((n ? n : 1) * sizeof *p);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const double v = reversed ? groups[i].reversed_p : groups[i].trend_p;
        if (!isnan(v) && p) p[k++] = v;
    }
    if (p && k) lm_holm(p, k, p);
    for (size_t i = 0, j = 0; i < n; i++) {
        double *adjusted = reversed ? &groups[i].reversed_p_adjusted : &groups[i].trend_p_adjusted;
        const double raw = reversed ? groups[i].reversed_p : groups[i].trend_p;
        if (isnan(raw)) continue;
        *adjusted = p ? p[j++] : lm_bonferroni(raw, n); /* without memory, the cruder correction */
    }
    free(p);
}

void lm_groups_decide(lm_group_decision *groups, size_t n) {
    holm(groups, n, false);
    holm(groups, n, true);
    size_t family = 0;
    for (size_t i = 0; i < n; i++) family += groups[i].count;
    const double simultaneous = 1 - (1 - LM_VERDICT_CONFIDENCE) / (double)(family ? family : 1); /* Bonferroni */
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < groups[i].count; k++) {
            groups[i].comparisons[k].family = family;
            groups[i].comparisons[k].simultaneous = lm_log_ratio_at(groups[i].comparisons[k].effect, simultaneous);
        }
    for (size_t i = 0; i < n; i++)
        for (int m = 0; m < LM_VERDICT_MARGINS; m++) {
            for (size_t k = 0; k < groups[i].count; k++) {
                lm_comparison *c = &groups[i].comparisons[k];
                c->position[m] = lm_comparison_position(c, lm_verdict_margins[m]);
                c->outcome[m] = outcome_of(groups[i].claim, c->position[m]);
            }
            groups[i].verdict[m] = group_verdict(&groups[i], m);
        }
}

lm_verdict lm_experiment_verdict(lm_claim claim, const lm_group_decision *groups, size_t n, int m) {
    size_t holds = 0, fails = 0, no_effect = 0;
    for (size_t i = 0; i < n; i++) {
        holds += groups[i].verdict[m] == LM_VERDICT_HOLDS;
        fails += groups[i].verdict[m] == LM_VERDICT_DOES_NOT_HOLD;
        no_effect += groups[i].verdict[m] == LM_VERDICT_NO_EFFECT;
    }
    if (!n) return LM_VERDICT_INCONCLUSIVE;
    if (fails) return LM_VERDICT_DOES_NOT_HOLD;
    if (claim != LM_CLAIM_ORDER) return holds == n ? LM_VERDICT_HOLDS : LM_VERDICT_INCONCLUSIVE;
    if (no_effect == n) return LM_VERDICT_NO_EFFECT;
    return holds ? LM_VERDICT_HOLDS : LM_VERDICT_INCONCLUSIVE;
}

const char *lm_verdict_name(lm_verdict v) {
    switch (v) {
    case LM_VERDICT_HOLDS: return "holds";
    case LM_VERDICT_DOES_NOT_HOLD: return "does not hold";
    case LM_VERDICT_NO_EFFECT: return "no effect";
    case LM_VERDICT_TOO_NOISY: return "too noisy to tell";
    case LM_VERDICT_INCONCLUSIVE: return "inconclusive";
    }
    return "unknown";
}

const char *lm_outcome_name(lm_outcome o) {
    switch (o) {
    case LM_CONFIRMS: return "confirms";
    case LM_NO_EFFECT: return "no effect";
    case LM_CONTRADICTS: return "contradicts";
    case LM_INCONCLUSIVE: return "inconclusive";
    }
    return "unknown";
}

const char *lm_position_name(lm_position p) {
    return p == LM_ABOVE ? "above" : p == LM_WITHIN ? "within" : p == LM_BELOW ? "below" : "undecided";
}

const char *lm_claim_name(lm_claim c) {
    return c == LM_CLAIM_EQUIVALENT ? "equivalent" : c == LM_CLAIM_MADDS_RATIO ? "MAdds ratio" : "order";
}
