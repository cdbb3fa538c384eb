/* Verdicts from results (see guideline_verdicts.h). */
#include "guidelines/guideline_verdicts.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/stats/summary.h"

#define MAX_ROUNDS 1000 /* latmac run's own limit is lower */
#define ROUNDS_SEARCHED 1000

static bool same_key(const lm_result_case *c, const char *experiment, int threads, const char *isa) {
    return strcmp(c->experiment, experiment) == 0 && c->threads == threads && strcmp(c->isa, isa) == 0;
}

/* Round k's median time of case c in seconds into medians[k] (NAN when the round has none); the
 * rounds seen, at most max. */
static size_t round_medians(const lm_result_case *c, double *medians, size_t max, double *scratch) {
    size_t rounds = 0;
    for (size_t i = 0; i < c->run_count; i++)
        if (!c->runs[i].is_aggregate && c->runs[i].round >= 0 && (size_t)c->runs[i].round + 1 > rounds)
            rounds = (size_t)c->runs[i].round + 1;
    if (rounds > max) rounds = max;
    const double unit = lm_time_unit_seconds(c->time_unit);
    for (size_t k = 0; k < rounds; k++) {
        size_t n = 0;
        for (size_t i = 0; i < c->run_count; i++)
            if (!c->runs[i].is_aggregate && (size_t)c->runs[i].round == k) scratch[n++] = c->runs[i].real_time * unit;
        medians[k] = n ? lm_median_in_place(scratch, n) : NAN;
    }
    return rounds;
}

/* The paper's time ratio slower / faster from its throughputs: the Snapdragon 810's (a CPU, like this
 * host) when both cases have one, else the GTX 1080Ti's; 0 without. */
static double paper_ratio(const lm_result_case *faster, const lm_result_case *slower, const char **platform) {
    if (faster->paper_arm > 0 && slower->paper_arm > 0) {
        *platform = "Snapdragon 810";
        return faster->paper_arm / slower->paper_arm;
    }
    if (faster->paper_gpu > 0 && slower->paper_gpu > 0) {
        *platform = "GTX 1080Ti";
        return faster->paper_gpu / slower->paper_gpu;
    }
    *platform = NULL;
    return 0;
}

static double ratio_of(uint64_t a, uint64_t b) { return a && b ? (double)a / (double)b : 0; }

/* The result of comparison k of a group, with its confounds and the paper's figure. */
static lm_guideline_comparison describe(const lm_comparison *k, const lm_result_case *const *cases) {
    lm_guideline_comparison c = {.faster = cases[k->faster], .slower = cases[k->slower], .expected = k->expected,
                                 .effect = k->effect, .simultaneous = k->simultaneous, .family = k->family};
    memcpy(c.position, k->position, sizeof c.position);
    memcpy(c.outcome, k->outcome, sizeof c.outcome);
    c.madds_ratio = ratio_of(c.slower->madds, c.faster->madds);
    c.executed_madds_ratio = ratio_of(c.slower->executed_madds, c.faster->executed_madds);
    if (c.executed_madds_ratio > 0) c.ratio_per_executed_madd = c.effect.ratio / c.executed_madds_ratio;
    c.paper_ratio = paper_ratio(c.faster, c.slower, &c.paper_platform);
    if (c.paper_ratio > 0) {
        const double margin = lm_verdict_margins[LM_VERDICT_PRIMARY];
        const lm_position paper = lm_position_of_value(c.paper_ratio, c.expected, margin);
        c.paper_agrees = paper != LM_UNDECIDED && paper == c.position[LM_VERDICT_PRIMARY];
        c.paper_inside = c.paper_ratio >= c.effect.lo && c.paper_ratio <= c.effect.hi;
    }
    return c;
}

/* The cases of one group of key (experiment, threads, isa), in the results' order: those without a
 * failure. */
static size_t group_cases(const lm_results *r, const lm_result_case *first, const lm_result_case **cases) {
    size_t n = 0;
    for (size_t i = 0; i < r->case_count && n < LM_VERDICT_MAX_CASES; i++) {
        const lm_result_case *c = &r->cases[i];
        if (same_key(c, first->experiment, first->threads, first->isa) && c->scale == first->scale &&
            strcmp(c->group, first->group) == 0 && !lm_result_failed(c) && c->run_count)
            cases[n++] = c;
    }
    return n;
}

typedef struct workspace {
    double *medians;   /* MAX_ROUNDS x LM_VERDICT_MAX_CASES, round-major */
    double *per_case;  /* MAX_ROUNDS x LM_VERDICT_MAX_CASES, case-major */
    double *scratch;   /* a round's repetitions */
} workspace;

/* Measures one group into d; false when it has fewer than 2 cases or no round they share. */
static bool measure_group(const lm_result_case *const *cases, size_t n, const lm_claim claim, workspace *w,
                          lm_group_decision *d, size_t *rounds_used) {
    if (n < 2) return false;
    size_t rounds = MAX_ROUNDS;
    for (size_t j = 0; j < n; j++) {
        const size_t seen = round_medians(cases[j], w->per_case + j * MAX_ROUNDS, MAX_ROUNDS, w->scratch);
        if (seen < rounds) rounds = seen;
    }
    size_t kept = 0; /* rounds every case has */
    for (size_t k = 0; k < rounds; k++) {
        bool all = true;
        for (size_t j = 0; j < n; j++) all &= w->per_case[j * MAX_ROUNDS + k] > 0;
        if (!all) continue;
        for (size_t j = 0; j < n; j++) w->medians[kept * n + j] = w->per_case[j * MAX_ROUNDS + k];
        kept++;
    }
    if (!kept) return false;
    int ranks[LM_VERDICT_MAX_CASES];
    double madds[LM_VERDICT_MAX_CASES];
    for (size_t j = 0; j < n; j++) ranks[j] = cases[j]->rank, madds[j] = (double)cases[j]->madds;
    const lm_group_input in = {.claim = claim, .cases = n, .rounds = kept, .ranks = ranks, .madds = madds,
                               .medians = w->medians};
    *rounds_used = kept;
    return lm_group_measure(&in, d) == 0;
}

static void count_primary(lm_guideline_verdict *v) {
    const int m = LM_VERDICT_PRIMARY;
    for (size_t i = 0; i < v->count; i++) {
        const lm_guideline_comparison *c = &v->comparisons[i];
        v->confirms += c->outcome[m] == LM_CONFIRMS;
        v->no_effect += c->outcome[m] == LM_NO_EFFECT;
        v->contradicts += c->outcome[m] == LM_CONTRADICTS;
        v->paper_cells += c->paper_ratio > 0;
        v->paper_agreeing += c->paper_ratio > 0 && c->paper_agrees;
    }
    for (size_t g = 0; g < v->group_count; g++) {
        v->groups_holding += v->groups[g].verdict[m] == LM_VERDICT_HOLDS;
        v->groups_failing += v->groups[g].verdict[m] == LM_VERDICT_DOES_NOT_HOLD;
        v->groups_without_effect += v->groups[g].verdict[m] == LM_VERDICT_NO_EFFECT;
    }
}

/* Counts an undecided comparison; the experiment needs as many rounds as its slowest one to decide. */
static void note_undecided(lm_guideline_verdict *v, const lm_comparison *c) {
    const size_t rounds = lm_comparison_rounds_to_decide(c, lm_verdict_margins[LM_VERDICT_PRIMARY], ROUNDS_SEARCHED);
    if (v->undecided++ == 0)
        v->rounds_to_decide = rounds;
    else if (v->rounds_to_decide && (!rounds || rounds > v->rounds_to_decide))
        v->rounds_to_decide = rounds; /* 0, beyond the search, stays */
}

/* Builds the verdict of the experiment of case `key` at its thread count and cap; -1 when memory runs
 * out. v->group_count 0: nothing to decide. */
static int decide(const lm_results *r, const lm_result_case *key, workspace *w, lm_guideline_verdict *v) {
    memset(v, 0, sizeof *v);
    snprintf(v->experiment, sizeof v->experiment, "%s", key->experiment);
    snprintf(v->isa, sizeof v->isa, "%s", key->isa);
    v->threads = key->threads;
    const lm_guideline *e = lm_guideline_find(key->experiment);
    v->claim = e ? e->claim : LM_CLAIM_ORDER;
    v->noise_floor = e && e->noise_floor;
    /* the groups: the first case of each (scale, group) */
    const lm_result_case **firsts = malloc(r->case_count * sizeof *firsts);
    lm_group_decision *decisions = malloc(r->case_count * sizeof *decisions);
    const lm_result_case *(*members)[LM_VERDICT_MAX_CASES] = malloc(r->case_count * sizeof *members);
    if (!firsts || !decisions || !members) {
        free(firsts), free(decisions), free(members);
        return -1;
    }
    size_t groups = 0;
    v->rounds = SIZE_MAX;
    for (size_t i = 0; i < r->case_count; i++) {
        const lm_result_case *c = &r->cases[i];
        if (!same_key(c, key->experiment, key->threads, key->isa)) continue;
        bool seen = false;
        for (size_t g = 0; g < groups && !seen; g++)
            seen = firsts[g]->scale == c->scale && strcmp(firsts[g]->group, c->group) == 0;
        if (seen) continue;
        const size_t n = group_cases(r, c, members[groups]);
        size_t rounds;
        if (!measure_group(members[groups], n, v->claim, w, &decisions[groups], &rounds)) continue;
        if (rounds < v->rounds) v->rounds = rounds;
        firsts[groups++] = c;
    }
    lm_groups_decide(decisions, groups);
    size_t comparisons = 0;
    for (size_t g = 0; g < groups; g++) comparisons += decisions[g].count;
    v->groups = calloc(groups ? groups : 1, sizeof *v->groups);
    v->comparisons = calloc(comparisons ? comparisons : 1, sizeof *v->comparisons);
    if (!v->groups || !v->comparisons) {
        free(firsts), free(decisions), free(members);
        return -1;
    }
    for (size_t g = 0; g < groups; g++) {
        const lm_group_decision *d = &decisions[g];
        lm_guideline_group *out = &v->groups[g];
        snprintf(out->group, sizeof out->group, "%s", firsts[g]->group);
        out->scale = firsts[g]->scale;
        out->first = v->count;
        out->count = d->count;
        out->trend_p = d->trend_p;
        out->trend_p_adjusted = d->trend_p_adjusted;
        out->reversed_p_adjusted = d->reversed_p_adjusted;
        memcpy(out->verdict, d->verdict, sizeof out->verdict);
        for (size_t k = 0; k < d->count; k++) {
            v->comparisons[v->count++] = describe(&d->comparisons[k], members[g]);
            if (d->comparisons[k].position[LM_VERDICT_PRIMARY] == LM_UNDECIDED) note_undecided(v, &d->comparisons[k]);
        }
    }
    v->group_count = groups;
    for (int m = 0; m < LM_VERDICT_MARGINS; m++) v->verdict[m] = lm_experiment_verdict(v->claim, decisions, groups, m);
    if (!groups) v->rounds = 0;
    count_primary(v);
    free(firsts), free(decisions), free(members);
    return 0;
}

/* The A/A experiment's verdicts set the noise floor of every other at the same thread count and cap:
 * where its pairs are not equivalent at a margin, the others cannot be told apart from noise there. */
static void apply_noise_floor(lm_guideline_verdict *verdicts, size_t count) {
    for (size_t i = 0; i < count; i++) {
        const lm_guideline_verdict *aa = &verdicts[i];
        if (!aa->noise_floor) continue;
        double sd = 0;
        for (size_t k = 0; k < aa->count; k++)
            if (!(aa->comparisons[k].effect.log_sd <= sd)) sd = aa->comparisons[k].effect.log_sd; /* NAN wins */
        for (size_t j = 0; j < count; j++) {
            lm_guideline_verdict *v = &verdicts[j];
            if (v->threads != aa->threads || strcmp(v->isa, aa->isa) != 0) continue;
            v->noise_measured = true;
            v->noise_log_sd = sd;
            v->rounds_needed = lm_rounds_to_resolve(sd, lm_verdict_margins[LM_VERDICT_PRIMARY], LM_VERDICT_CONFIDENCE,
                                                    LM_VERDICT_TRIM, ROUNDS_SEARCHED);
            for (int m = 0; m < LM_VERDICT_MARGINS && !v->noise_floor; m++)
                if (aa->verdict[m] != LM_VERDICT_HOLDS) v->verdict[m] = LM_VERDICT_TOO_NOISY;
        }
    }
}

int lm_guideline_verdicts(const lm_results *r, lm_guideline_verdict **verdicts, size_t *count) {
    *verdicts = NULL;
    *count = 0;
    workspace w = {.medians = malloc(2 * MAX_ROUNDS * LM_VERDICT_MAX_CASES * sizeof(double))};
    if (!w.medians) return -1;
    w.per_case = w.medians + MAX_ROUNDS * LM_VERDICT_MAX_CASES;
    size_t most_runs = 1;
    for (size_t i = 0; i < r->case_count; i++)
        if (r->cases[i].run_count > most_runs) most_runs = r->cases[i].run_count;
    if (!(w.scratch = malloc(most_runs * sizeof *w.scratch))) goto out_of_memory;
    for (size_t i = 0; i < r->case_count; i++) {
        const lm_result_case *c = &r->cases[i];
        if (!c->experiment[0]) continue;
        bool seen = false;
        for (size_t k = 0; k < *count && !seen; k++)
            seen = strcmp((*verdicts)[k].experiment, c->experiment) == 0 && (*verdicts)[k].threads == c->threads &&
                   strcmp((*verdicts)[k].isa, c->isa) == 0;
        if (seen) continue;
        lm_guideline_verdict *more = realloc(*verdicts, (*count + 1) * sizeof *more);
        if (!more) goto out_of_memory;
        *verdicts = more;
        if (decide(r, c, &w, &more[*count]) != 0) {
            free(more[*count].groups), free(more[*count].comparisons);
            goto out_of_memory;
        }
        if (more[*count].group_count) (*count)++;
        else free(more[*count].groups), free(more[*count].comparisons);
    }
    apply_noise_floor(*verdicts, *count);
    free(w.medians), free(w.scratch);
    return 0;
out_of_memory:
    free(w.medians), free(w.scratch);
    lm_guideline_verdicts_free(*verdicts, *count);
    *verdicts = NULL;
    *count = 0;
    return -1;
}

void lm_guideline_verdicts_free(lm_guideline_verdict *verdicts, size_t count) {
    for (size_t i = 0; i < count; i++) free(verdicts[i].groups), free(verdicts[i].comparisons);
    free(verdicts);
}
