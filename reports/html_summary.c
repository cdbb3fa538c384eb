/* The report's summary: whether MAdds (FLOPs) or MAC predict latency here, and each guideline's
 * verdict, per run and thread count. */
#include "reports/html_sections.h"

#include <math.h>
#include <string.h>

#include "guidelines/experiment.h"

static bool proxies(lm_report *r) {
    lm_html *h = r->h;
    static const char *const populations[] = {"networks", "kernels"};
    bool any = false;
    for (size_t c = 0; c < r->column_count; c++)
        for (int p = 0; p < 2; p++)
            any |= lm_report_find(json_object_get(r->columns[c].run->latmac, "proxies"), "cases", populations[p],
                                  &r->columns[c]) != NULL;
    if (!any) return false;
    lm_html_raw(h, "<h3>Do FLOPs predict speed here?</h3>\n<p>How well each proxy orders the measured median latency: "
                   "Spearman's rank correlation (1: the proxy sorts the cases exactly as their latency does), and the "
                   "fit of log(latency) on log(proxy) (R&sup2;; a slope of 1 means latency grows in proportion). MAdds "
                   "count multiply-adds of convolutions and fully connected layers (FLOPs = 2 &times; MAdds); MAC counts "
                   "every element read and written.</p>\n");
    lm_report_table_begin(h, NULL);
    lm_html_raw(h, "<thead><tr>");
    static const char *const head[] = {"cases", "run", "count", "MAdds: Spearman", "MAdds: R\xc2\xb2", "MAdds: slope",
                                       "MAC: Spearman", "MAC: R\xc2\xb2", "MAC: slope", "better proxy"};
    for (size_t k = 0; k < sizeof head / sizeof head[0]; k++) lm_report_th(h, head[k], k >= 2 && k <= 8);
    lm_html_raw(h, "</tr></thead>\n<tbody>\n");
    for (int p = 0; p < 2; p++)
        for (size_t c = 0; c < r->column_count; c++) {
            const json_t *e = lm_report_find(json_object_get(r->columns[c].run->latmac, "proxies"), "cases", populations[p],
                                   &r->columns[c]);
            if (!e) continue;
            lm_html_printf(h, "<tr><td>%s</td><td>", populations[p]);
            lm_html_text(h, r->columns[c].name);
            lm_html_raw(h, "</td>");
            lm_report_num(h, "%.0f", lm_report_number(e, "count"));
            static const char *const keys[] = {"madds_spearman", "madds_log_r2", "madds_log_slope",
                                               "mac_spearman", "mac_log_r2", "mac_log_slope"};
            for (int k = 0; k < 6; k++) lm_report_num(h, "%.3f", lm_report_number(e, keys[k]));
            const double madds = lm_report_number(e, "madds_spearman"), mac = lm_report_number(e, "mac_spearman");
            lm_html_raw(h, "<td>");
            if (isfinite(madds) && isfinite(mac)) lm_html_raw(h, mac > madds ? "MAC" : mac < madds ? "MAdds" : "equal");
            lm_html_raw(h, "</td></tr>\n");
        }
    lm_html_raw(h, "</tbody>");
    lm_report_table_end(h);
    return true;
}

/* The experiments that have a verdict in any run, in the order of lm_guidelines. */
static bool verdicts(lm_report *r) {
    lm_html *h = r->h;
    bool any = false;
    for (size_t i = 0; i < r->run_count; i++) any |= json_array_size(json_object_get(r->runs[i].latmac, "verdicts")) > 0;
    if (!any) return false;
    lm_html_raw(h, "<h3>The guidelines on this machine</h3>\n<p>Each verdict compares, within every group of an "
                   "experiment, the case the paper predicts fastest with each case it predicts slower "
                   "(<a href=\"#guidelines\">details and rule</a>).</p>\n");
    lm_report_table_begin(h, NULL);
    lm_html_raw(h, "<thead><tr><th>experiment</th><th>claim</th>");
    for (size_t c = 0; c < r->column_count; c++) lm_report_th(h, r->columns[c].name, false);
    lm_html_raw(h, "</tr></thead>\n<tbody>\n");
    for (int g = 0; g < lm_guideline_count; g++) {
        const lm_guideline *e = lm_guidelines[g];
        bool present = false;
        for (size_t c = 0; c < r->column_count; c++)
            present |= lm_report_find(json_object_get(r->columns[c].run->latmac, "verdicts"), "experiment", e->id,
                            &r->columns[c]) != NULL;
        if (!present) continue;
        lm_html_printf(h, "<tr><td><a href=\"#%s\">%s</a></td><td>", e->id, e->id);
        lm_html_text(h, e->title);
        lm_html_raw(h, "</td>");
        for (size_t c = 0; c < r->column_count; c++) {
            const json_t *v = lm_report_find(json_object_get(r->columns[c].run->latmac, "verdicts"), "experiment", e->id,
                                   &r->columns[c]);
            lm_html_raw(h, "<td>");
            if (v) lm_report_verdict(h, v);
            lm_html_raw(h, "</td>");
        }
        lm_html_raw(h, "</tr>\n");
    }
    lm_html_raw(h, "</tbody>");
    lm_report_table_end(h);
    return true;
}

void lm_report_summary_section(lm_report *r) {
    lm_html_raw(r->h, "<section id=\"summary\">\n<h2>Summary</h2>\n");
    const bool shown = proxies(r);
    if (!verdicts(r) && !shown)
        lm_html_raw(r->h, "<p>These results hold no guideline experiments and too few cases to judge MAdds and MAC "
                          "as predictors of latency; the sections below show what was measured.</p>\n");
    lm_html_raw(r->h, "</section>\n");
}
