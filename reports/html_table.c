/* Table cells and badges shared by the report's sections (see html_sections.h). */
#include "reports/html_sections.h"

#include <math.h>
#include <string.h>

json_t *lm_report_column_case(const lm_report_column *c, const char *suite, const char *shape, const char *backend) {
    return lm_report_case(c->run, suite, shape, backend, c->threads, strcmp(backend, LM_BACKEND_LATMAC) == 0 ? c->isa : "");
}

json_t *lm_report_distinct_cases(const lm_report *r, bool (*keep)(const json_t *entry, const void *context),
                                 const void *context) {
    json_t *list = json_array(), *seen = json_object();
    for (size_t i = 0; i < r->run_count && list && seen; i++) {
        size_t k;
        json_t *e;
        json_array_foreach(r->runs[i].order, k, e) {
            const char *shape = lm_report_string(e, "case");
            if (!keep(e, context) || json_object_get(seen, shape)) continue;
            json_object_set_new(seen, shape, json_true());
            json_array_append(list, e);
        }
    }
    json_decref(seen);
    return list;
}

const lm_report_column *lm_report_baseline(const lm_report *r, const lm_report_column *c) {
    for (size_t k = 0; c->run_index > 0 && k < r->column_count; k++)
        if (r->columns[k].run_index == 0 && r->columns[k].threads == c->threads &&
            (strcmp(r->columns[k].isa, c->isa) == 0 || !r->columns[k].isa[0] || !c->isa[0]))
            return &r->columns[k];
    return NULL;
}

void lm_report_num(lm_html *h, const char *format, double v) {
    lm_html_raw(h, "<td class=\"num\">");
    if (isfinite(v)) lm_html_printf(h, format, v);
    else lm_html_raw(h, "&ndash;");
    lm_html_raw(h, "</td>");
}

void lm_report_interval(lm_html *h, double lo, double hi) {
    lm_html_raw(h, "<td class=\"num\">");
    if (isfinite(lo) && isfinite(hi)) lm_html_printf(h, "[%.3f, %.3f]", lo, hi);
    else lm_html_raw(h, "&ndash;");
    lm_html_raw(h, "</td>");
}

void lm_report_td(lm_html *h, const char *text) {
    lm_html_raw(h, "<td>");
    lm_html_text(h, text);
    lm_html_raw(h, "</td>");
}

void lm_report_th(lm_html *h, const char *text, bool num) {
    lm_html_raw(h, num ? "<th class=\"num\">" : "<th>");
    lm_html_text(h, text);
    lm_html_raw(h, "</th>");
}

void lm_report_group_th(lm_html *h, const char *text, size_t span) {
    lm_html_printf(h, "<th class=\"group\" colspan=\"%zu\">", span);
    lm_html_text(h, text);
    lm_html_raw(h, "</th>");
}

void lm_report_flags(lm_html *h, const json_t *entry) {
    if (lm_report_failed(entry)) {
        lm_html_raw(h, " <span class=\"badge error\" title=\"");
        lm_html_text(h, lm_report_string(entry, "error_message"));
        lm_html_raw(h, "\">error</span>");
    }
    size_t i;
    const json_t *flag;
    json_array_foreach(json_object_get(entry, "flags"), i, flag) {
        const char *name = json_string_value(flag);
        if (!name || strcmp(name, "error") == 0) continue;
        const char *why = strcmp(name, "noisy") == 0  ? "the repetitions' coefficient of variation exceeds the noisy_cv threshold"
                          : strcmp(name, "load") == 0 ? "the load average at the start exceeded the core count"
                                                      : name;
        lm_html_raw(h, " <span class=\"badge flag\" title=\"");
        lm_html_text(h, why);
        lm_html_raw(h, "\">");
        lm_html_text(h, name);
        lm_html_raw(h, "</span>");
    }
}

void lm_report_table_begin(lm_html *h, const char *caption) {
    lm_html_raw(h, "<div class=\"table-wrap\"><table>");
    if (caption) {
        lm_html_raw(h, "<caption>");
        lm_html_text(h, caption);
        lm_html_raw(h, "</caption>");
    }
    lm_html_raw(h, "\n");
}

void lm_report_table_end(lm_html *h) { lm_html_raw(h, "</table></div>\n"); }

const json_t *lm_report_find(const json_t *list, const char *key, const char *value, const lm_report_column *c) {
    size_t i;
    const json_t *e;
    json_array_foreach(list, i, e) {
        const char *isa = lm_report_string(e, "isa"); /* absent from runs before caps: any */
        if (strcmp(lm_report_string(e, key), value) == 0 && lm_report_number(e, "threads") == c->threads &&
            (!c->isa[0] || !isa[0] || strcmp(isa, c->isa) == 0))
            return e;
    }
    return NULL;
}

void lm_report_verdict(lm_html *h, const json_t *verdict) {
    const char *name = lm_report_string(verdict, "verdict");
    const char *style = strcmp(name, "holds") == 0 ? "holds" : strcmp(name, "does not hold") == 0 ? "not-hold" : "inconclusive";
    lm_html_printf(h, "<span class=\"badge %s\">", style);
    lm_html_text(h, name);
    lm_html_raw(h, "</span> <span class=\"muted\">");
    const json_t *margins = json_object_get(verdict, "verdicts");
    if (json_is_object(margins)) { /* the other margins' verdicts */
        lm_html_printf(h, "2%%: ");
        lm_html_text(h, lm_report_string(margins, "0.02"));
        lm_html_printf(h, ", 10%%: ");
        lm_html_text(h, lm_report_string(margins, "0.10"));
        lm_html_raw(h, "; ");
    }
    lm_html_printf(h, "%.0f of %.0f comparisons confirm", lm_report_number(verdict, "confirms"),
                   lm_report_number(verdict, "comparisons_count"));
    const double contradicts = lm_report_number(verdict, "contradicts");
    if (contradicts > 0) lm_html_printf(h, ", %.0f contradict", contradicts);
    const double cells = lm_report_number(verdict, "paper_cells");
    if (cells > 0) lm_html_printf(h, "; the paper agrees in %.0f of %.0f cells", lm_report_number(verdict, "paper_agreeing"), cells);
    const double rounds = lm_report_number(verdict, "rounds");
    if (rounds > 0) lm_html_printf(h, "; %.0f rounds", rounds);
    const json_t *to_decide = json_object_get(verdict, "rounds_to_decide");
    if (strcmp(name, "inconclusive") == 0 && to_decide) { /* present when comparisons are undecided */
        if (json_is_integer(to_decide))
            lm_html_printf(h, "; about %.0f rounds would decide it (pool runs)", (double)json_integer_value(to_decide));
        else
            lm_html_printf(h, "; too close to the margin for 1000 rounds");
    }
    lm_html_raw(h, "</span>");
}

void lm_report_roof_cell(lm_html *h, const json_t *entry) {
    const double fraction = lm_report_number(entry, "roof_fraction");
    if (!isfinite(fraction)) {
        lm_html_raw(h, "<td class=\"num\">&ndash;</td>");
        return;
    }
    lm_html_raw(h, "<td class=\"num\" title=\"");
    if (json_is_true(json_object_get(entry, "memory_bound")))
        lm_html_textf(h, "memory bound: held to %.1f GB/s, measured at its working set (in %s)",
                      lm_report_number(entry, "roof_gbps"), lm_report_string(entry, "roof_level"));
    else
        lm_html_textf(h, "compute bound: held to the peak, %.1f GFLOP/s attainable",
                      lm_report_number(entry, "attainable_gflops"));
    lm_html_printf(h, "\">%.2f</td>", fraction);
}
