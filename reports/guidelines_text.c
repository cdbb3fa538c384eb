/* The guideline experiments in the summary `latmac run` prints: per experiment, its cases with their
 * MAdds and MAC and the speed measured at each thread count next to the paper's, then the verdict per
 * thread count with every comparison behind it. */
#include "reports/results.h"

#include <stdbool.h>
#include <string.h>

#include "guidelines/experiment.h"
#include "guidelines/guideline_verdicts.h"

/* The first case like `like` (experiment, group, label, scale, plan) in `column`, or NULL. */
static const lm_result_case *find(const lm_results *r, const lm_result_case *like, const lm_result_column *column) {
    for (size_t i = 0; i < r->case_count; i++) {
        const lm_result_case *c = &r->cases[i];
        if (lm_result_in_column(c, column) && c->scale == like->scale && strcmp(c->experiment, like->experiment) == 0 &&
            strcmp(c->group, like->group) == 0 && strcmp(c->label, like->label) == 0 &&
            c->separate_elementwise == like->separate_elementwise && c->concurrent_branches == like->concurrent_branches)
            return c;
    }
    return NULL;
}

/* The widest label of an experiment's cases (at least the header's). */
static int label_width(const lm_results *r, const char *experiment) {
    int width = 4;
    for (size_t i = 0; i < r->case_count; i++)
        if (strcmp(r->cases[i].experiment, experiment) == 0 && (int)strlen(r->cases[i].label) > width)
            width = (int)strlen(r->cases[i].label);
    return width;
}

static int write_cases(FILE *out, const lm_results *r, const char *experiment) {
    const int width = label_width(r, experiment);
    const lm_guideline *e = lm_guideline_find(experiment);
    if (e && fprintf(out, "%s: %s (%s)\nprediction: %s\n", e->id, e->title, e->source, e->prediction) < 0) return -1;
    if (fprintf(out, "%s  %-14s %-*s %9s %8s %9s %9s", experiment, "group", width, "case", "MAdds M", "MAC M",
                "paper GPU", "paper ARM") < 0)
        return -1;
    lm_result_column columns[LM_RESULT_MAX_COLUMNS];
    const size_t column_count = lm_results_columns(r, columns, LM_RESULT_MAX_COLUMNS);
    char label[32];
    for (size_t t = 0; t < column_count; t++)
        if (fprintf(out, "  %10s img/s   cv", lm_result_column_label(r, &columns[t], label, sizeof label)) < 0) return -1;
    if (fputc('\n', out) == EOF) return -1;
    for (size_t i = 0; i < r->case_count; i++) {
        const lm_result_case *c = &r->cases[i];
        /* one line per case: its first column's record stands for the others */
        if (strcmp(c->experiment, experiment) != 0 || !column_count || find(r, c, &columns[0]) != c) continue;
        char gpu[16] = "-", arm[16] = "-";
        if (c->paper_gpu > 0) snprintf(gpu, sizeof gpu, "%.0f", c->paper_gpu);
        if (c->paper_arm > 0) snprintf(arm, sizeof arm, "%.1f", c->paper_arm);
        if (fprintf(out, "%-2s  %-14s %-*s %9.1f %8.2f %9s %9s", "", c->group, width, c->label, c->madds / 1e6,
                    c->mac / 1e6, gpu, arm) < 0)
            return -1;
        for (size_t t = 0; t < column_count; t++) {
            const lm_result_case *at = find(r, c, &columns[t]);
            double images = 0, cv = 0;
            if (at && lm_result_images_per_second(at, &images)) {
                const bool has_cv = lm_result_cv(at, &cv);
                if (fprintf(out, "  %16.1f %5.1f%%", images, has_cv ? 100 * cv : 0.0) < 0) return -1;
            } else if (fprintf(out, "  %16s %6s", "-", "") < 0) {
                return -1;
            }
        }
        if (fputc('\n', out) == EOF) return -1;
    }
    return 0;
}

static int write_verdict(FILE *out, const lm_results *r, const lm_guideline_verdict *v) {
    const bool several_caps = (r->timed_isas & (r->timed_isas - 1)) != 0;
    if (fprintf(out, "%s at %d thread(s)%s%s: %s (%zu of %zu comparisons confirm, %zu contradict)\n", v->experiment,
                v->threads, several_caps ? ", " : "", several_caps ? v->isa : "", lm_verdict_name(v->verdict),
                v->confirms, v->count, v->contradicts) < 0)
        return -1;
    const int width = label_width(r, v->experiment);
    for (size_t k = 0; k < v->count; k++) {
        const lm_guideline_comparison *c = &v->comparisons[k];
        if (fprintf(out, "  %-14s %-*s takes %.3fx [%.3f, %.3f] the time of %s; p %.2g (corrected %.2g): %s\n",
                    c->slower->group, width, c->slower->label, c->effect.ratio, c->effect.low, c->effect.high,
                    c->faster->label, c->p, c->p_adjusted, lm_outcome_name(c->outcome)) < 0)
            return -1;
    }
    return 0;
}

int lm_results_write_guidelines(FILE *out, const lm_analysis *a) {
    const lm_results *r = a->results;
    char seen[16][8];
    size_t experiments = 0;
    for (size_t i = 0; i < r->case_count; i++) {
        const char *e = r->cases[i].experiment;
        bool known = !e[0];
        for (size_t k = 0; k < experiments; k++) known |= strcmp(seen[k], e) == 0;
        if (known || experiments == 16) continue;
        if (experiments && fputc('\n', out) == EOF) return -1;
        snprintf(seen[experiments++], sizeof seen[0], "%s", e);
        if (write_cases(out, r, e) != 0) return -1;
    }
    if (!experiments) return 0;
    int status = fprintf(out, "\nverdicts: the paper's predicted-fastest case of each group against each case it predicts\n"
                              "slower; time ratio (Hodges-Lehmann, %.0f%% interval) and two-sided Mann-Whitney U p, Holm-\n"
                              "corrected per guideline; confirms: corrected p < %.2f and ratio >= %.2f; holds: all confirm\n",
                         100 * LM_VERDICT_CONFIDENCE, LM_VERDICT_ALPHA, 1 + LM_VERDICT_MIN_EFFECT) < 0
                     ? -1
                     : 0;
    for (size_t i = 0; i < a->verdict_count && status == 0; i++) status = write_verdict(out, r, &a->verdicts[i]);
    return status;
}
