/* Verdicts from results (see guideline_verdicts.h). */
#include "guidelines/guideline_verdicts.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The repetitions' times of a case, in seconds; 0 when it failed or has none. */
static size_t repetition_times(const lm_result_case *c, double *times, size_t max) {
    if (lm_result_failed(c)) return 0;
    const double unit = lm_time_unit_seconds(c->time_unit);
    size_t n = 0;
    for (size_t i = 0; i < c->run_count && n < max; i++)
        if (!c->runs[i].is_aggregate) times[n++] = c->runs[i].real_time * unit;
    return n;
}

static bool same_group(const lm_result_case *a, const lm_result_case *b) {
    return strcmp(a->experiment, b->experiment) == 0 && strcmp(a->group, b->group) == 0 && a->scale == b->scale &&
           a->threads == b->threads && strcmp(a->isa, b->isa) == 0;
}

/* Whether (a, b) is one of the experiment's comparisons at `threads` and instruction set `isa`: a the
 * group's predicted-fastest case, b one it predicts slower. */
static bool is_pair(const lm_result_case *a, const lm_result_case *b, const char *e, int threads, const char *isa) {
    return strcmp(a->experiment, e) == 0 && a->threads == threads && strcmp(a->isa, isa) == 0 && a->rank == 0 &&
           same_group(a, b) && b->rank > 0;
}

/* Builds the verdict of experiment `e` at `threads` and `isa`. */
static int decide(const lm_results *r, const char *e, int threads, const char *isa, lm_guideline_verdict *v) {
    memset(v, 0, sizeof *v);
    snprintf(v->experiment, sizeof v->experiment, "%s", e);
    snprintf(v->isa, sizeof v->isa, "%s", isa);
    v->threads = threads;
    /* every (predicted-fastest, predicted-slower) pair of a group */
    size_t pairs = 0;
    for (size_t i = 0; i < r->case_count; i++)
        for (size_t j = 0; j < r->case_count; j++) pairs += is_pair(&r->cases[i], &r->cases[j], e, threads, isa);
    if (!pairs) return 0;
    v->comparisons = calloc(pairs, sizeof *v->comparisons);
    lm_comparison *tests = calloc(pairs, sizeof *tests);
    double *times = malloc(2 * pairs * LM_RESULT_MAX_REPETITIONS * sizeof *times);
    if (!v->comparisons || !tests || !times) {
        free(tests), free(times);
        return -1;
    }
    for (size_t i = 0; i < r->case_count; i++)
        for (size_t j = 0; j < r->case_count; j++) {
            const lm_result_case *a = &r->cases[i], *b = &r->cases[j];
            if (!is_pair(a, b, e, threads, isa)) continue;
            double *fa = times + 2 * v->count * LM_RESULT_MAX_REPETITIONS, *sl = fa + LM_RESULT_MAX_REPETITIONS;
            const size_t nf = repetition_times(a, fa, LM_RESULT_MAX_REPETITIONS),
                         ns = repetition_times(b, sl, LM_RESULT_MAX_REPETITIONS);
            if (!nf || !ns) continue; /* a failed case decides nothing */
            tests[v->count] = (lm_comparison){.faster = fa, .faster_count = nf, .slower = sl, .slower_count = ns};
            v->comparisons[v->count].faster = a;
            v->comparisons[v->count].slower = b;
            v->count++;
        }
    v->verdict = lm_verdict_decide(tests, v->count, LM_VERDICT_ALPHA, LM_VERDICT_MIN_EFFECT);
    for (size_t k = 0; k < v->count; k++) {
        lm_guideline_comparison *c = &v->comparisons[k];
        c->p = tests[k].p;
        c->p_adjusted = tests[k].p_adjusted;
        c->effect = tests[k].effect;
        c->outcome = tests[k].outcome;
        v->confirms += c->outcome == LM_CONFIRMS;
        v->contradicts += c->outcome == LM_CONTRADICTS;
    }
    free(tests);
    free(times);
    return 0;
}

int lm_guideline_verdicts(const lm_results *r, lm_guideline_verdict **verdicts, size_t *count) {
    *verdicts = NULL;
    *count = 0;
    for (size_t i = 0; i < r->case_count; i++) {
        const lm_result_case *c = &r->cases[i];
        if (!c->experiment[0]) continue;
        bool seen = false;
        for (size_t k = 0; k < *count; k++)
            seen |= strcmp((*verdicts)[k].experiment, c->experiment) == 0 && (*verdicts)[k].threads == c->threads &&
                    strcmp((*verdicts)[k].isa, c->isa) == 0;
        if (seen) continue;
        lm_guideline_verdict *more = realloc(*verdicts, (*count + 1) * sizeof *more);
        if (!more) goto out_of_memory;
        *verdicts = more;
        if (decide(r, c->experiment, c->threads, c->isa, &more[*count]) != 0) {
            free(more[*count].comparisons);
            goto out_of_memory;
        }
        if (more[*count].count) (*count)++;
        else free(more[*count].comparisons);
    }
    return 0;
out_of_memory:
    lm_guideline_verdicts_free(*verdicts, *count);
    *verdicts = NULL;
    *count = 0;
    return -1;
}

void lm_guideline_verdicts_free(lm_guideline_verdict *verdicts, size_t count) {
    for (size_t i = 0; i < count; i++) free(verdicts[i].comparisons);
    free(verdicts);
}
