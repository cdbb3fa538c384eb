/* The guideline experiments in the summary `latmac run` prints: per experiment, its cases with their
 * MAdds and MAC and the speed measured at each thread count next to the paper's, then the verdict per
 * thread count with every comparison behind it. */
#include "reports/results.h"

#include <math.h>
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

/* "holds (2%: holds, 10%: holds)": the primary margin's verdict, then the others'. */
static void margins_text(char *buf, size_t size, const lm_verdict *v) {
    int used = snprintf(buf, size, "%s (", lm_verdict_name(v[LM_VERDICT_PRIMARY]));
    for (int m = 0, first = 1; m < LM_VERDICT_MARGINS && used > 0 && (size_t)used < size; m++) {
        if (m == LM_VERDICT_PRIMARY) continue;
        used += snprintf(buf + used, size - (size_t)used, "%s%.0f%%: %s", first ? "" : ", ",
                         100 * lm_verdict_margins[m], lm_verdict_name(v[m]));
        first = 0;
    }
    if (used > 0 && (size_t)used < size) snprintf(buf + used, size - (size_t)used, ")");
}

static int write_comparison(FILE *out, const lm_guideline_comparison *c, int width) {
    char expected[32] = "", paper[96] = "", madds[64] = "";
    if (c->expected != 1) snprintf(expected, sizeof expected, " (MAdds ratio %.3fx)", c->expected);
    if (c->executed_madds_ratio > 0)
        snprintf(madds, sizeof madds, "; executed MAdds x%.3f, time per executed MAdd x%.3f", c->executed_madds_ratio,
                 c->ratio_per_executed_madd);
    if (c->paper_ratio > 0)
        snprintf(paper, sizeof paper, "; paper %.3fx (%s): %s%s", c->paper_ratio, c->paper_platform,
                 c->paper_agrees ? "agrees" : "differs", c->paper_inside ? ", inside" : "");
    return fprintf(out, "  %-14s %-*s takes %.3fx [%.3f, %.3f; simultaneous %.3f, %.3f] the time of %s%s: %s%s%s\n",
                   c->slower->group, width, c->slower->label, c->effect.ratio, c->effect.lo, c->effect.hi,
                   c->simultaneous.lo, c->simultaneous.hi, c->faster->label, expected,
                   lm_outcome_name(c->outcome[LM_VERDICT_PRIMARY]), madds, paper) < 0
               ? -1
               : 0;
}

static int write_verdict(FILE *out, const lm_results *r, const lm_guideline_verdict *v) {
    const bool several_caps = (r->timed_isas & (r->timed_isas - 1)) != 0;
    char verdict[160], noise[160] = "", paper[64] = "";
    if (v->paper_cells) snprintf(paper, sizeof paper, "; paper: %zu of %zu cells agree", v->paper_agreeing, v->paper_cells);
    margins_text(verdict, sizeof verdict, v->verdict);
    if (v->noise_measured && !v->noise_floor && v->verdict[LM_VERDICT_PRIMARY] == LM_VERDICT_TOO_NOISY) {
        if (v->rounds_needed)
            snprintf(noise, sizeof noise, "; at the A/A pairs' spread (log sd %.3f) at least %zu rounds would resolve %.0f%%",
                     v->noise_log_sd, v->rounds_needed, 100 * lm_verdict_margins[LM_VERDICT_PRIMARY]);
        else
            snprintf(noise, sizeof noise, "; the A/A pairs' spread (log sd %.3f) is too wide for 1000 rounds", v->noise_log_sd);
    } else if (!v->noise_measured) {
        snprintf(noise, sizeof noise, "; noise floor not measured (no A/A cases)");
    } else if (v->verdict[LM_VERDICT_PRIMARY] == LM_VERDICT_INCONCLUSIVE && v->undecided) {
        if (v->rounds_to_decide)
            snprintf(noise, sizeof noise, "; at their spread about %zu rounds would decide its %zu undecided (pool runs)",
                     v->rounds_to_decide, v->undecided);
        else
            snprintf(noise, sizeof noise, "; its %zu undecided sit too close to the margin for 1000 rounds", v->undecided);
    }
    if (fprintf(out,
                "%s at %d thread(s)%s%s: %s; %s claim, %zu rounds; groups: %zu hold, %zu no effect, %zu do not hold "
                "of %zu; comparisons: %zu confirm, %zu no effect, %zu contradict of %zu%s%s\n",
                v->experiment, v->threads, several_caps ? ", " : "", several_caps ? v->isa : "", verdict,
                lm_claim_name(v->claim), v->rounds, v->groups_holding, v->groups_without_effect, v->groups_failing, v->group_count,
                v->confirms, v->no_effect, v->contradicts, v->count, paper, noise) < 0)
        return -1;
    const int width = label_width(r, v->experiment);
    for (size_t g = 0; g < v->group_count; g++) {
        const lm_guideline_group *group = &v->groups[g];
        char trend[64] = "";
        if (!isnan(group->trend_p_adjusted))
            snprintf(trend, sizeof trend, ", trend test p %.2g (corrected %.2g)", group->trend_p,
                     group->trend_p_adjusted);
        if (fprintf(out, " %s x%d: %s%s\n", group->group, group->scale, lm_verdict_name(group->verdict[LM_VERDICT_PRIMARY]),
                    trend) < 0)
            return -1;
        for (size_t k = group->first; k < group->first + group->count; k++)
            if (write_comparison(out, &v->comparisons[k], width) != 0) return -1;
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
    int status = fprintf(out, "\nverdicts (guidelines/README.md): per comparison the time ratio over rounds (their %.0f%%-trimmed\n"
                              "mean) with its %.0f%% interval and the interval simultaneous over the experiment's\n"
                              "comparisons at that thread count, which alone can decide a difference, against the claim\n"
                              "at a margin of %.0f%% (2%% and 10%% in brackets)\n",
                         100 * LM_VERDICT_TRIM, 100 * LM_VERDICT_CONFIDENCE,
                         100 * lm_verdict_margins[LM_VERDICT_PRIMARY]) < 0
                     ? -1
                     : 0;
    for (size_t i = 0; i < a->verdict_count && status == 0; i++) status = write_verdict(out, r, &a->verdicts[i]);
    return status;
}
