/* The report's kernels: every operator case with its cost, the rates latmac reached, and its time
 * relative to each peer library that ran the same case and to copying its input (memory-bound
 * cases). */
#include "reports/html_sections.h"

#include <math.h>
#include <string.h>

#define MAX_PEERS 8

static bool latmac_kernel(const json_t *e, const void *context) {
    (void)context;
    return strcmp(lm_report_string(e, "suite"), "kernels") == 0 && strcmp(lm_report_string(e, "backend"), "latmac") == 0;
}

/* The peers compiled into any run, each once. */
static size_t peer_names(const lm_report *r, const char **names) {
    size_t n = 0;
    for (size_t i = 0; i < r->run_count; i++) {
        size_t k;
        const json_t *p;
        json_array_foreach(json_object_get(r->runs[i].latmac, "peers"), k, p) {
            const char *name = lm_report_string(p, "name");
            bool seen = !*name;
            for (size_t j = 0; j < n; j++) seen |= strcmp(names[j], name) == 0;
            if (!seen && n < MAX_PEERS) names[n++] = name;
        }
    }
    return n;
}

static void header(lm_report *r, const char *const *peers, size_t peer_count) {
    lm_html *h = r->h;
    lm_html_raw(h, "<thead><tr><th colspan=\"6\"></th>");
    for (size_t c = 0; c < r->column_count; c++) {
        const size_t span = 6 + peer_count + (lm_report_baseline(r, &r->columns[c]) != NULL);
        lm_report_group_th(h, r->columns[c].name, span);
    }
    lm_html_raw(h, "</tr><tr><th>case</th><th>kind</th><th>operator</th><th class=\"num\">MAdds M</th>"
                   "<th class=\"num\">MAC MB</th><th class=\"num\">FLOP/B</th>");
    for (size_t c = 0; c < r->column_count; c++) {
        lm_html_raw(h, "<th class=\"num first\">&micro;s</th><th class=\"num\">GFLOP/s</th><th class=\"num\">GB/s</th>"
                       "<th class=\"num\" title=\"multiply-adds the kernel executed over MAdds: its tiles' padding and "
                       "masked-off lanes (1: none)\">exec</th>");
        for (size_t p = 0; p < peer_count; p++) {
            lm_html_raw(h, "<th class=\"num\" title=\"latmac's time over the peer's (below 1: latmac is faster)\">vs ");
            lm_html_text(h, peers[p]);
            lm_html_raw(h, "</th>");
        }
        lm_html_raw(h, "<th class=\"num\" title=\"the case's speed as a fraction of copying its input with memcpy (1: as "
                       "fast)\">of copy</th>");
        lm_html_raw(h, "<th class=\"num\" title=\"the fraction of the measured roofline reached at the case's "
                       "intensity and working set (1: at the roof)\">of roof</th>");
        const lm_report_column *base = lm_report_baseline(r, &r->columns[c]);
        if (base) lm_html_printf(h, "<th class=\"num\" title=\"time over run %c's\">vs %c</th>", base->run->letter,
                                 base->run->letter);
    }
    lm_html_raw(h, "</tr></thead>\n");
}

static void row(lm_report *r, const json_t *e, const char *const *peers, size_t peer_count) {
    lm_html *h = r->h;
    const char *shape = lm_report_string(e, "case");
    lm_html_raw(h, "<tr>");
    lm_report_td(h, shape);
    lm_report_td(h, lm_report_string(e, "category"));
    lm_html_raw(h, "<td class=\"operator\">");
    lm_html_text(h, lm_report_string(e, "description"));
    lm_html_raw(h, "</td>");
    const double madds = lm_report_number(e, "madds");
    lm_report_num(h, "%.2f", madds > 0 ? madds / 1e6 : NAN);
    lm_report_num(h, "%.3f", lm_report_number(e, "mac_bytes") / 1e6);
    lm_report_num(h, "%.2f", madds > 0 ? lm_report_number(e, "intensity") : NAN);
    for (size_t c = 0; c < r->column_count; c++) {
        const json_t *m = lm_report_column_case(&r->columns[c], "kernels", shape, "latmac");
        lm_html_raw(h, "<td class=\"num first\">");
        if (m && !lm_report_failed(m)) lm_html_printf(h, "%.2f", 1e6 * lm_report_seconds(m));
        else lm_html_raw(h, "&ndash;");
        if (m) lm_report_flags(h, m);
        lm_html_raw(h, "</td>");
        lm_report_num(h, "%.1f", m ? lm_report_number(m, "gflops") : NAN);
        lm_report_num(h, "%.1f", m && lm_report_number(m, "mac_bytes") > 0 ? lm_report_number(m, "gbps") : NAN);
        lm_report_num(h, "%.2f", m && madds > 0 ? lm_report_number(m, "executed_madds") / madds : NAN);
        for (size_t p = 0; p < peer_count; p++) {
            char key[48];
            snprintf(key, sizeof key, "ratio_to_%s", peers[p]);
            lm_report_num(h, "%.2f", m ? lm_report_number(m, key) : NAN);
        }
        lm_report_num(h, "%.2f", m ? lm_report_number(m, "copy_bandwidth_fraction") : NAN);
        lm_report_roof_cell(h, m);
        const lm_report_column *base = lm_report_baseline(r, &r->columns[c]);
        if (!base) continue;
        const json_t *b = lm_report_column_case(base, "kernels", shape, "latmac");
        lm_report_num(h, "%.3f", m && b ? lm_report_seconds(m) / lm_report_seconds(b) : NAN);
    }
    lm_html_raw(h, "</tr>\n");
}

void lm_report_kernel_section(lm_report *r) {
    lm_html *h = r->h;
    const char *peers[MAX_PEERS];
    const size_t peer_count = peer_names(r, peers);
    json_t *cases = lm_report_distinct_cases(r, latmac_kernel, NULL);
    lm_html_raw(h, "<section id=\"kernels\">\n<h2>Kernels</h2>\n<p>Isolated operators at the shapes of the networks "
                   "above. &micro;s: median time per run of latmac's kernel; GFLOP/s from its MAdds (2 FLOP each); "
                   "GB/s from its MAC bytes; exec: the multiply-adds latmac's kernel executed (its SIMD tiles "
                   "round channels up to whole vectors) over the MAdds counted. &ldquo;vs&rdquo; a peer: latmac's time over the peer's on the same case "
                   "and threads (below 1: latmac is faster); &ldquo;of copy&rdquo;: for memory-bound operators, the "
                   "case's speed as a fraction of copying its input with memcpy on the same threads.</p>\n");
    lm_report_table_begin(h, NULL);
    header(r, peers, peer_count);
    lm_html_raw(h, "<tbody>\n");
    size_t i;
    const json_t *e;
    json_array_foreach(cases, i, e) row(r, e, peers, peer_count);
    lm_html_raw(h, "</tbody>");
    lm_report_table_end(h);
    lm_html_raw(h, "</section>\n");
    json_decref(cases);
}
