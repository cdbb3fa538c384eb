/* The report's guideline experiments: per experiment, the paper-style table (its cases with MAdds,
 * MAC and the paper's speeds next to the measured ones), a chart of each case's speed relative to its
 * group's predicted-fastest case beside the paper's, and the verdict per run and thread count with
 * every comparison behind it. */
#include "reports/html_sections.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "guidelines/experiment.h"

static bool in_experiment(const json_t *e, const void *id) {
    return strcmp(lm_report_string(e, "suite"), "guidelines") == 0 && strcmp(lm_report_string(e, "experiment"), id) == 0;
}

/* The case of `group` with the lowest predicted rank (the first such): what the group's speeds are
 * relative to. */
static const json_t *group_reference(const json_t *cases, const char *group) {
    const json_t *best = NULL, *e;
    size_t i;
    json_array_foreach(cases, i, e) {
        if (strcmp(lm_report_string(e, "group"), group) != 0) continue;
        if (!best || lm_report_number(e, "rank") < lm_report_number(best, "rank")) best = e;
    }
    return best;
}

/* Case `e`'s speed over its group reference's in column c (1: as fast); NaN when either is missing. */
static double relative_speed(const lm_report_column *c, const json_t *cases, const json_t *e) {
    const json_t *ref = group_reference(cases, lm_report_string(e, "group"));
    const json_t *mine = lm_report_column_case(c, "guidelines", lm_report_string(e, "case"), "latmac");
    const json_t *theirs = ref ? lm_report_column_case(c, "guidelines", lm_report_string(ref, "case"), "latmac") : NULL;
    if (!mine || !theirs) return NAN;
    return lm_report_seconds(theirs) / lm_report_seconds(mine);
}

static double paper_relative(const json_t *cases, const json_t *e, const char *key) {
    const json_t *ref = group_reference(cases, lm_report_string(e, "group"));
    const double mine = lm_report_number(e, key), theirs = ref ? lm_report_number(ref, key) : NAN;
    return mine > 0 && theirs > 0 ? mine / theirs : NAN;
}

static bool any_paper(const json_t *cases, const char *key) {
    size_t i;
    const json_t *e;
    json_array_foreach(cases, i, e) if (lm_report_number(e, key) > 0) return true;
    return false;
}

static void cases_table(lm_report *r, const json_t *cases) {
    lm_html *h = r->h;
    lm_report_table_begin(h, NULL);
    lm_html_raw(h, "<thead><tr><th colspan=\"6\"></th>");
    for (size_t c = 0; c < r->column_count; c++) {
        lm_report_group_th(h, r->columns[c].name, 3);
    }
    lm_html_raw(h, "</tr><tr><th>group</th><th>case</th><th class=\"num\">MAdds M</th><th class=\"num\">MAC M</th>"
                   "<th class=\"num\">paper GPU batches/s</th><th class=\"num\">paper ARM images/s</th>");
    for (size_t c = 0; c < r->column_count; c++)
        lm_html_raw(h, "<th class=\"num first\">images/s</th><th class=\"num\">CV</th><th class=\"num\">relative</th>");
    lm_html_raw(h, "</tr></thead>\n<tbody>\n");
    size_t i;
    const json_t *e;
    json_array_foreach(cases, i, e) {
        lm_html_raw(h, "<tr>");
        lm_report_td(h, lm_report_string(e, "group"));
        lm_report_td(h, lm_report_string(e, "label"));
        lm_report_num(h, "%.1f", lm_report_number(e, "madds") / 1e6);
        lm_report_num(h, "%.2f", lm_report_number(e, "mac") / 1e6);
        lm_report_num(h, "%.0f", lm_report_number(e, "paper_gpu_batches_per_second"));
        lm_report_num(h, "%.1f", lm_report_number(e, "paper_arm_images_per_second"));
        for (size_t c = 0; c < r->column_count; c++) {
            const json_t *m = lm_report_column_case(&r->columns[c], "guidelines", lm_report_string(e, "case"), "latmac");
            lm_html_raw(h, "<td class=\"num first\">");
            if (m && !lm_report_failed(m)) lm_html_printf(h, "%.1f", lm_report_images_per_second(m));
            else lm_html_raw(h, "&ndash;");
            if (m) lm_report_flags(h, m);
            lm_html_raw(h, "</td>");
            lm_report_num(h, "%.1f%%", m ? 100 * lm_report_cv(r->columns[c].run, m) : NAN);
            lm_report_num(h, "%.2f", relative_speed(&r->columns[c], cases, e));
        }
        lm_html_raw(h, "</tr>\n");
    }
    lm_html_raw(h, "</tbody>");
    lm_report_table_end(h);
}

static void chart(lm_report *r, const char *id, const json_t *cases) {
    const bool gpu = any_paper(cases, "paper_gpu_batches_per_second"), arm = any_paper(cases, "paper_arm_images_per_second");
    const size_t rows = json_array_size(cases), markers = (size_t)gpu + (size_t)arm, series = r->column_count + markers;
    char (*labels)[160] = calloc(rows ? rows : 1, sizeof *labels);
    const char **row_labels = calloc(rows ? rows : 1, sizeof *row_labels);
    const char **names = calloc(series, sizeof *names);
    lm_chart_value *values = calloc(rows ? rows * series : 1, sizeof *values);
    if (!labels || !row_labels || !names || !values) {
        r->h->failed = true;
        goto done;
    }
    for (size_t c = 0; c < r->column_count; c++) names[c] = r->columns[c].name;
    if (gpu) names[r->column_count] = "paper, GTX 1080Ti";
    if (arm) names[r->column_count + gpu] = "paper, Snapdragon 810";
    for (size_t i = 0; i < rows; i++) {
        const json_t *e = json_array_get(cases, i);
        snprintf(labels[i], sizeof labels[i], "%s: %s", lm_report_string(e, "group"), lm_report_string(e, "label"));
        row_labels[i] = labels[i];
        for (size_t s = 0; s < series; s++) {
            lm_chart_value *v = &values[i * series + s];
            if (s < r->column_count) {
                const json_t *m = lm_report_column_case(&r->columns[s], "guidelines", lm_report_string(e, "case"), "latmac");
                v->v = relative_speed(&r->columns[s], cases, e);
                snprintf(v->tip, sizeof v->tip, "%s (%s): %.2fx the group's reference speed; %.1f images/s, %.3f ms",
                         labels[i], names[s], v->v, m ? lm_report_images_per_second(m) : NAN,
                         m ? 1e3 * lm_report_seconds(m) : NAN);
            } else {
                const char *key = s == r->column_count && gpu ? "paper_gpu_batches_per_second" : "paper_arm_images_per_second";
                v->v = paper_relative(cases, e, key);
                snprintf(v->tip, sizeof v->tip, "%s (%s): %.2fx the group's reference speed; %g %s", labels[i], names[s],
                         v->v, lm_report_number(e, key), strstr(key, "gpu") ? "batches/s" : "images/s");
            }
        }
    }
    char caption[512];
    snprintf(caption, sizeof caption,
             "%s: each case's speed relative to its group's first case (the one the paper predicts fastest), "
             "measured per run and thread count%s. Bars shorter than 1 agree with the prediction.",
             id, markers ? ", with the paper's own ratios as diamonds" : "");
    lm_chart_bars(r->h, &(lm_bar_chart){.caption = caption,
                                        .value_title = "speed relative to the group's predicted-fastest case (x)",
                                        .rows = rows, .series = series, .marker_series = markers,
                                        .row_labels = row_labels, .series_names = names, .values = values,
                                        .reference = 1.0});
done:
    free(labels);
    free(row_labels);
    free(names);
    free(values);
}

static void comparisons(lm_html *h, const json_t *verdict) {
    lm_html_raw(h, "<details><summary>the comparisons</summary>");
    lm_report_table_begin(h, NULL);
    lm_html_raw(h, "<thead><tr><th>group</th><th>case</th><th>against</th><th class=\"num\">time ratio</th>"
                   "<th class=\"num\">95% interval</th><th class=\"num\">simultaneous 95%</th>"
                   "<th class=\"num\">expected</th><th>outcome</th>"
                   "<th class=\"num\">executed MAdds ratio</th><th class=\"num\">time per executed MAdd</th>"
                   "<th class=\"num\">paper</th><th>paper agrees</th></tr></thead>\n<tbody>\n");
    size_t i;
    const json_t *c;
    json_array_foreach(json_object_get(verdict, "comparisons"), i, c) {
        lm_html_raw(h, "<tr>");
        lm_report_td(h, lm_report_string(c, "group"));
        lm_report_td(h, lm_report_string(c, "slower_label"));
        lm_report_td(h, lm_report_string(c, "faster_label"));
        lm_report_num(h, "%.3f", lm_report_number(c, "time_ratio"));
        lm_report_interval(h, lm_report_number(c, "time_ratio_low"), lm_report_number(c, "time_ratio_high"));
        lm_report_interval(h, lm_report_number(c, "simultaneous_low"), lm_report_number(c, "simultaneous_high"));
        lm_report_num(h, "%.3f", lm_report_number(c, "expected_ratio"));
        lm_report_td(h, lm_report_string(c, "outcome"));
        lm_report_num(h, "%.3f", lm_report_number(c, "executed_madds_ratio"));
        lm_report_num(h, "%.3f", lm_report_number(c, "time_ratio_per_executed_madd"));
        lm_report_num(h, "%.3f", lm_report_number(c, "paper_ratio"));
        const json_t *agrees = json_object_get(c, "paper_agrees");
        lm_report_td(h, !agrees ? "" : json_is_true(agrees) ? "yes" : "no");
        lm_html_raw(h, "</tr>\n");
    }
    lm_html_raw(h, "</tbody>");
    lm_report_table_end(h);
    lm_html_raw(h, "</details>\n");
}

static void verdicts(lm_report *r, const char *id) {
    lm_html *h = r->h;
    lm_html_raw(h, "<ul class=\"verdicts\">\n");
    for (size_t c = 0; c < r->column_count; c++) {
        const json_t *v = lm_report_find(json_object_get(r->columns[c].run->latmac, "verdicts"), "experiment", id,
                                         &r->columns[c]);
        lm_html_raw(h, "<li>");
        lm_html_text(h, r->columns[c].name);
        lm_html_raw(h, ": ");
        if (v) {
            lm_report_verdict(h, v);
            comparisons(h, v);
        } else {
            lm_html_raw(h, "no verdict (no comparison of cases that ran)");
        }
        lm_html_raw(h, "</li>\n");
    }
    lm_html_raw(h, "</ul>\n");
}

void lm_report_guideline_section(lm_report *r) {
    lm_html *h = r->h;
    lm_html_raw(h, "<section id=\"guidelines\">\n<h2>Guideline experiments</h2>\n<p>Each experiment times small "
                   "networks built the way its paper describes, with the paper's own speeds alongside (GPU: batches "
                   "per second on a GTX 1080Ti; ARM: images per second on a Snapdragon 810). The verdict rule: ");
    const char *rule = "";
    for (size_t i = 0; i < r->run_count && !*rule; i++) rule = lm_report_string(r->runs[i].latmac, "verdict_rule");
    lm_html_text(h, rule);
    lm_html_raw(h, ".</p>\n");
    for (int k = 0; k < lm_guideline_count; k++) {
        const lm_guideline *g = lm_guidelines[k];
        json_t *cases = lm_report_distinct_cases(r, in_experiment, g->id);
        if (json_array_size(cases)) {
            lm_html_printf(h, "<h3 id=\"%s\">%s: ", g->id, g->id);
            lm_html_text(h, g->title);
            lm_html_raw(h, "</h3>\n<p class=\"muted\">");
            lm_html_text(h, g->source);
            lm_html_raw(h, ". Prediction: ");
            lm_html_text(h, g->prediction);
            lm_html_raw(h, "</p>\n");
            cases_table(r, cases);
            chart(r, g->id, cases);
            verdicts(r, g->id);
        }
        json_decref(cases);
    }
    lm_html_raw(h, "</section>\n");
}
