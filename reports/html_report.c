/* The report page: head and style, the title, navigation, and the sections in order (see
 * html_report.h). The style is inline and there is no script, so the file opens offline anywhere. */
#include "reports/html_report.h"

#include <string.h>

#include "reports/html_sections.h"

static const char style[] =
    ":root{--fg:#1b1b1b;--muted:#5a5a5a;--line:#d6d6d6;--head:#f3f4f6}\n"
    "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;color:var(--fg);"
    "background:#fff;margin:0}\n"
    "main{max-width:1200px;margin:0 auto;padding:12px 24px 48px}\n"
    "nav{position:sticky;top:0;background:#f7f7f8;border-bottom:1px solid var(--line);padding:6px 24px;z-index:2}\n"
    "nav a{margin-right:16px;color:#0b5394;text-decoration:none}\n"
    "h1{font-size:24px;margin:12px 0 2px}h2{font-size:20px;margin:36px 0 8px;border-bottom:2px solid var(--line)}\n"
    "h3{font-size:16px;margin:26px 0 4px}p{margin:6px 0;max-width:75em}.muted{color:var(--muted)}\n"
    ".table-wrap{overflow-x:auto;max-width:100%}\n"
    "table{border-collapse:collapse;font-size:12.5px;margin:8px 0}caption{text-align:left;color:var(--muted);"
    "padding:2px 0}\n"
    "th,td{border-bottom:1px solid var(--line);padding:3px 8px;text-align:left;vertical-align:top}\n"
    "th{background:var(--head);font-weight:600}.num{text-align:right;font-variant-numeric:tabular-nums;"
    "white-space:nowrap}\n"
    "th.group{text-align:center;border-left:1px solid var(--line)}td.first,th.first{border-left:1px solid var(--line)}\n"
    "td.operator{min-width:22em}\n"
    ".badge{display:inline-block;border-radius:3px;padding:0 5px;font-size:11px;line-height:16px;white-space:nowrap}\n"
    ".holds{background:#d7f0df;color:#0b5a25}.not-hold{background:#f9d6d5;color:#7d1010}"
    ".inconclusive{background:#eceff3;color:#3d4450}\n"
    ".flag{background:#fff1c2;color:#6a4b00}.error{background:#f9d6d5;color:#7d1010}\n"
    ".partial{background:#fff1c2;border:1px solid #d8b850;padding:8px 12px;margin:8px 0}\n"
    "figure.chart{margin:14px 0;break-inside:avoid}figcaption{color:var(--muted);font-size:12.5px;max-width:75em}\n"
    "svg.chart{display:block;width:100%;max-width:900px;height:auto}\n"
    "svg text{font-size:12px;fill:#222}svg .tick{font-size:11px;fill:#555}svg .axis-title{font-weight:600}\n"
    "svg .grid{stroke:#e6e6e6}svg .axis{stroke:#444}svg .reference{stroke:#333;stroke-dasharray:4 3}\n"
    "svg .mark:hover{stroke:#000;stroke-width:2}svg circle.mark{fill-opacity:.8}svg .note{fill:#444;font-size:11px}\n"
    "svg .line{fill:none;stroke:#555;stroke-width:1.5}svg .line-label{font-size:11px;fill:#333}\n"
    "details{margin:4px 0}summary{cursor:pointer;color:#0b5394}code{font-size:12.5px}\n"
    "@media print{nav{display:none}main{max-width:none;padding:0}body{font-size:11px}h2{break-after:avoid}"
    "table{font-size:9.5px}.table-wrap{overflow:visible}svg.chart{max-width:100%}}\n";

/* One column per run, thread count and cap, in the runs' order. */
static void make_columns(lm_report *r) {
    for (size_t i = 0; i < r->run_count; i++) {
        const lm_report_run *run = &r->runs[i];
        const size_t caps = run->isa_count ? run->isa_count : 1;
        for (size_t t = 0; t < run->thread_count; t++)
            for (size_t k = 0; k < caps && r->column_count < LM_REPORT_MAX_COLUMNS; k++) {
                lm_report_column *c = &r->columns[r->column_count++];
                c->run = run, c->run_index = i, c->threads = run->threads[t];
                snprintf(c->isa, sizeof c->isa, "%s", run->isa_count ? run->isas[k] : "");
                char cap[24] = "";
                if (run->isa_count > 1) snprintf(cap, sizeof cap, ", %s", c->isa);
                if (r->run_count > 1)
                    snprintf(c->name, sizeof c->name, "%c, %d thread%s%s", run->letter, c->threads,
                             c->threads == 1 ? "" : "s", cap);
                else
                    snprintf(c->name, sizeof c->name, "%d thread%s%s", c->threads, c->threads == 1 ? "" : "s", cap);
            }
    }
}

/* Whether any run has a result of `suite`. */
static bool has_suite(const lm_report *r, const char *suite) {
    for (size_t i = 0; i < r->run_count; i++) {
        size_t k;
        const json_t *e;
        json_array_foreach(r->runs[i].order, k, e) if (strcmp(lm_report_string(e, "suite"), suite) == 0) return true;
    }
    return false;
}

static void title(lm_report *r) {
    lm_html *h = r->h;
    const json_t *ctx = r->runs[0].context;
    lm_html_raw(h, "<title>latmac report: ");
    if (r->run_count == 1)
        lm_html_textf(h, "%s, %s", lm_report_string(ctx, "host_name"), lm_report_string(ctx, "date"));
    else
        lm_html_textf(h, "%zu runs compared", r->run_count);
    lm_html_raw(h, "</title>\n");
}

static void heading(lm_report *r, bool roofline, bool guidelines, bool nets, bool kernels) {
    lm_html *h = r->h;
    lm_html_raw(h, "<nav aria-label=\"sections\"><a href=\"#summary\">Summary</a><a href=\"#host\">Host and method</a>");
    if (roofline) lm_html_raw(h, "<a href=\"#roofline\">Roofline</a>");
    if (guidelines) lm_html_raw(h, "<a href=\"#guidelines\">Guidelines</a>");
    if (nets) lm_html_raw(h, "<a href=\"#networks\">Networks</a><a href=\"#decomposition\">Where the time goes</a>");
    if (kernels) lm_html_raw(h, "<a href=\"#kernels\">Kernels</a>");
    lm_html_raw(h, "</nav>\n<main>\n<h1>latmac report</h1>\n<p class=\"muted\">");
    if (r->run_count == 1) {
        const lm_report_run *run = &r->runs[0];
        lm_html_textf(h, "%s on %s, %s: ", lm_report_string(run->latmac, "command_line"),
                      lm_report_string(run->context, "host_name"), lm_report_string(run->context, "date"));
        lm_html_text(h, run->label);
    } else {
        lm_html_textf(h, "%zu runs side by side: ", r->run_count);
        for (size_t i = 0; i < r->run_count; i++)
            lm_html_textf(h, "%s%c = %s (%s, %s)", i ? "; " : "", r->runs[i].letter, r->runs[i].label,
                          lm_report_string(r->runs[i].context, "host_name"), lm_report_string(r->runs[i].context, "date"));
    }
    lm_html_raw(h, "</p>\n");
    for (size_t i = 0; i < r->run_count; i++) {
        const lm_report_run *run = &r->runs[i];
        if (!json_is_true(json_object_get(run->latmac, "partial"))) continue;
        char which[16] = "The run";
        if (r->run_count > 1) snprintf(which, sizeof which, "Run %c", run->letter);
        lm_html_raw(h, "<p class=\"partial\"><strong>Partial results.</strong> ");
        lm_html_textf(h, "%s was interrupted: %.0f of %.0f planned cases finished; the rest are missing below.", which,
                      lm_report_number(run->latmac, "cases_finished"), lm_report_number(run->latmac, "cases_planned"));
        lm_html_raw(h, "</p>\n");
    }
}

int lm_html_report_write(FILE *out, lm_report_run *runs, size_t count) {
    lm_html h = {.out = out};
    for (size_t i = 0; i < count; i++) runs[i].letter = (char)('A' + (int)(i % 26));
    lm_report r = {.h = &h, .runs = runs, .run_count = count};
    make_columns(&r);
    const bool guidelines = has_suite(&r, "guidelines"), nets = has_suite(&r, "nets"),
               kernels = has_suite(&r, "kernels"), roofline = lm_report_has_ceilings(&r);
    lm_html_raw(&h, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                    "<meta name=\"generator\" content=\"latmac\">\n");
    title(&r);
    lm_html_printf(&h, "<style>\n%s</style>\n</head>\n<body>\n", style);
    heading(&r, roofline, guidelines, nets, kernels);
    lm_report_summary_section(&r);
    lm_report_host_section(&r);
    if (roofline) lm_report_roofline_section(&r);
    if (guidelines) lm_report_guideline_section(&r);
    if (nets) lm_report_network_sections(&r);
    if (kernels) lm_report_kernel_section(&r);
    lm_html_raw(&h, "</main>\n</body>\n</html>\n");
    return h.failed ? -1 : 0;
}
