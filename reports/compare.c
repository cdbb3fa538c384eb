/* The comparison engine (see compare.h). The statistics are bench/stats', shared with the guideline
 * experiments. */
#include "reports/compare.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bench/stats/multiplicity.h"
#include "bench/stats/rank_tests.h"
#include "bench/stats/summary.h"

const char *lm_compare_status_name(lm_compare_status s) {
    static const char *const names[LM_COMPARE_STATUS_COUNT] = {
        "regression", "improvement", "unchanged", "noisy", "too few repetitions", "failed",
    };
    return (unsigned)s < LM_COMPARE_STATUS_COUNT ? names[s] : "?";
}

/* Whether samples of n and m values can show a difference at all: the p of two completely separated
 * samples (the smallest the test can give) must be below alpha. */
static bool can_decide(size_t n, size_t m, double alpha) {
    return n >= 2 && m >= 2 && lm_mann_whitney_min_p(n, m) < alpha;
}

/* The round of value i (0 without rounds: one file) and the case's number of rounds. */
static size_t round_of(const lm_bench_case *c, size_t i) { return c->rounds ? c->rounds[i] : 0; }
static size_t round_count(const lm_bench_case *c) {
    size_t n = 0;
    for (size_t i = 0; i < c->count; i++)
        if (round_of(c, i) + 1 > n) n = round_of(c, i) + 1;
    return n;
}

/* Each round's median and CV (NaN for a round without values), into median_of[] and cv_of[], which
 * hold round_count(c) entries. False when memory runs out. */
static bool per_round(const lm_bench_case *c, double *median_of, double *cv_of) {
    double *x = malloc((c->count ? c->count : 1) * sizeof *x);
    if (!x) return false;
    for (size_t k = 0; k < round_count(c); k++) {
        size_t n = 0;
        for (size_t i = 0; i < c->count; i++)
            if (round_of(c, i) == k) x[n++] = c->values[i];
        median_of[k] = lm_median(x, n);
        cv_of[k] = lm_coefficient_of_variation(x, n);
    }
    free(x);
    return true;
}

/* The noise of a side: the largest coefficient of variation within one of its rounds. Drift between
 * interleaved rounds is not noise: it hits both builds alike and the rounds' agreement checks it. */
static double noise_of(const lm_bench_case *c) {
    const size_t rounds = round_count(c);
    double *m = malloc((rounds ? 2 * rounds : 1) * sizeof *m), worst = NAN;
    if (!m || !per_round(c, m, m + rounds)) {
        free(m);
        return lm_coefficient_of_variation(c->values, c->count);
    }
    for (size_t k = 0; k < rounds; k++) {
        const double cv = m[rounds + k];
        if (isfinite(cv) && (isnan(worst) || cv > worst)) worst = cv;
    }
    free(m);
    return worst;
}

/* Whether the rounds of `n` differ from those of `b` by more than `threshold` (a fraction) in the
 * direction `worse` says (true: slower for a time): round k against round k when both sides have as
 * many (interleaved runs: measured side by side in time), else every round against every round. One
 * round a side: always. */
static bool rounds_agree(const lm_bench_case *b, const lm_bench_case *n, double threshold, bool worse,
                         bool higher_is_better) {
    const size_t rb = round_count(b), rn = round_count(n);
    if (rb < 2 && rn < 2) return true;
    double *mb = malloc(2 * (rb + rn) * sizeof *mb);
    if (!mb || !per_round(b, mb, mb + rb) || !per_round(n, mb + 2 * rb, mb + 2 * rb + rn)) {
        free(mb);
        return false; /* cannot tell: claim nothing */
    }
    const double *mn = mb + 2 * rb;
    /* "up": the new value is above the base's, by more than the threshold */
    const bool up = worse != higher_is_better;
    bool agree = true;
    for (size_t i = 0; i < rb; i++)
        for (size_t j = 0; j < rn; j++) {
            if (rb == rn && i != j) continue; /* as many rounds: each against its neighbour in time */
            const double change = mn[j] / mb[i] - 1;
            if (isfinite(change)) agree &= up ? change > threshold : change < -threshold; /* NaN: no such round */
        }
    free(mb);
    return agree;
}

static const lm_bench_case *find(const lm_bench_set *set, const char *name) {
    for (size_t i = 0; i < set->count; i++)
        if (strcmp(set->cases[i].name, name) == 0) return &set->cases[i];
    return NULL;
}

/* Everything but the status's significance: medians, CVs, effect, and the statuses that need no test. */
static void describe(lm_case_comparison *c, const lm_bench_case *b, const lm_bench_case *n,
                     const lm_compare_options *o) {
    *c = (lm_case_comparison){.name = b->name, .base_repetitions = b->count, .new_repetitions = n->count};
    c->base_median = c->new_median = c->ratio = c->change = c->p = c->p_adjusted = NAN;
    c->effect = c->effect_low = c->effect_high = NAN;
    c->base_cv = noise_of(b);
    c->new_cv = noise_of(n);
    if (b->failed || n->failed) { /* what a failing case did time says nothing reliable */
        c->status = LM_COMPARE_FAILED;
        return;
    }
    c->base_median = lm_median(b->values, b->count);
    c->new_median = lm_median(n->values, n->count);
    c->ratio = c->new_median / c->base_median;
    if (!(c->base_median > 0) || !isfinite(c->ratio)) c->ratio = NAN;
    c->change = c->ratio - 1;
    const lm_ratio_estimate e =
        lm_hodges_lehmann_ratio(b->values, b->count, n->values, n->count, LM_COMPARE_CONFIDENCE);
    c->effect = e.ratio;
    c->effect_low = e.low;
    c->effect_high = e.high;
    if (!can_decide(b->count, n->count, o->alpha)) c->status = LM_COMPARE_TOO_FEW;
    else if (c->base_cv > o->max_cv || c->new_cv > o->max_cv) c->status = LM_COMPARE_NOISY;
    else {
        c->status = LM_COMPARE_UNCHANGED; /* until the test says otherwise */
        c->p = lm_mann_whitney_p(b->values, b->count, n->values, n->count, LM_TWO_SIDED);
    }
}

/* Holm over the decidable cases, then the direction and size of each significant change; with
 * interleaved rounds, a change every round does not show is the machine drifting: noisy. */
static int decide(lm_compare_result *r, const lm_bench_set *base, const lm_bench_set *next) {
    double *p = malloc((r->count ? r->count : 1) * sizeof *p);
    if (!p) return -1;
    size_t k = 0;
    for (size_t i = 0; i < r->count; i++)
        if (r->cases[i].status == LM_COMPARE_UNCHANGED) p[k++] = r->cases[i].p;
    lm_holm(p, k, p);
    const lm_compare_options *o = &r->options;
    k = 0;
    for (size_t i = 0; i < r->count; i++) {
        lm_case_comparison *c = &r->cases[i];
        if (c->status != LM_COMPARE_UNCHANGED) continue;
        c->p_adjusted = p[k++];
        /* the plain percent change both ways, as the reports print it */
        const double worse = 100 * (o->higher_is_better ? -c->change : c->change);
        if (c->p_adjusted < o->alpha && worse > o->threshold) c->status = LM_COMPARE_REGRESSION;
        else if (c->p_adjusted < o->alpha && -worse > o->threshold) c->status = LM_COMPARE_IMPROVEMENT;
        if (c->status != LM_COMPARE_UNCHANGED &&
            !rounds_agree(find(base, c->name), find(next, c->name), o->threshold / 100,
                          c->status == LM_COMPARE_REGRESSION, o->higher_is_better))
            c->status = LM_COMPARE_NOISY;
    }
    free(p);
    return 0;
}

static void summarise(lm_compare_result *r) {
    double logs = 0;
    for (size_t i = 0; i < r->count; i++) {
        const lm_case_comparison *c = &r->cases[i];
        r->status_counts[c->status]++;
        if (c->ratio > 0 && isfinite(c->ratio)) {
            logs += log(c->ratio);
            r->geomean_cases++;
        }
    }
    r->geomean = r->geomean_cases ? exp(logs / (double)r->geomean_cases) : NAN;
}

int lm_compare(const lm_bench_set *base, const lm_bench_set *next, const lm_compare_options *options,
               lm_compare_result *r) {
    memset(r, 0, sizeof *r);
    r->options = *options;
    const size_t room = (base->count ? base->count : 1);
    r->cases = malloc(room * sizeof *r->cases);
    r->only_in_base = malloc(room * sizeof *r->only_in_base);
    r->only_in_new = malloc((next->count ? next->count : 1) * sizeof *r->only_in_new);
    if (!r->cases || !r->only_in_base || !r->only_in_new) {
        lm_compare_result_free(r);
        return -1;
    }
    for (size_t i = 0; i < base->count; i++) {
        const lm_bench_case *b = &base->cases[i], *n = find(next, b->name);
        if (n) describe(&r->cases[r->count++], b, n, options);
        else r->only_in_base[r->only_in_base_count++] = b->name;
    }
    for (size_t i = 0; i < next->count; i++)
        if (!find(base, next->cases[i].name)) r->only_in_new[r->only_in_new_count++] = next->cases[i].name;
    if (decide(r, base, next) != 0) {
        lm_compare_result_free(r);
        return -1;
    }
    summarise(r);
    return 0;
}

void lm_compare_result_free(lm_compare_result *r) {
    free(r->cases);
    free(r->only_in_base);
    free(r->only_in_new);
    memset(r, 0, sizeof *r);
}
