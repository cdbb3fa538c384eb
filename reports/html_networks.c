/* The report's networks: a table of the zoo's costs and measured latency, latency plotted against
 * MAdds and against MAC with the proxies' quality, and where each network's time goes (Conv,
 * Concat/Split, Elemwise, Shuffle, Other: the ShuffleNet V2 paper's Figure 2, categories as
 * bench/net/layer_category.h names them). */
#include "reports/html_sections.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>


static bool whole_network(const json_t *e, const void *context) {
    (void)context;
    return strcmp(lm_report_string(e, "suite"), "nets") == 0 && !json_object_get(e, "layer_index");
}

static void table(lm_report *r, const json_t *nets) {
    lm_html *h = r->h;
    lm_report_table_begin(h, "Latency is the median per inference; MAC counts the elements each executed step reads "
                             "and writes (BatchNorm folded, activations fused); peak: activation memory alive at once.");
    lm_html_raw(h, "<thead><tr><th colspan=\"7\"></th>");
    for (size_t c = 0; c < r->column_count; c++) {
        lm_report_group_th(h, r->columns[c].name, lm_report_baseline(r, &r->columns[c]) ? 4 : 3);
    }
    lm_html_raw(h, "</tr><tr><th>network</th><th>input</th><th class=\"num\">batch</th><th class=\"num\">MAdds M</th>"
                   "<th class=\"num\">MAC M</th><th class=\"num\">params M</th><th class=\"num\">peak MiB</th>");
    for (size_t c = 0; c < r->column_count; c++) {
        lm_html_raw(h, "<th class=\"num first\">latency ms</th><th class=\"num\">CV</th><th class=\"num\">images/s</th>");
        const lm_report_column *base = lm_report_baseline(r, &r->columns[c]);
        if (base) lm_html_printf(h, "<th class=\"num\" title=\"latency over run %c's\">vs %c</th>", base->run->letter,
                                 base->run->letter);
    }
    lm_html_raw(h, "</tr></thead>\n<tbody>\n");
    size_t i;
    const json_t *e;
    json_array_foreach(nets, i, e) {
        lm_html_raw(h, "<tr>");
        lm_report_td(h, lm_report_string(e, "network"));
        lm_report_td(h, lm_report_string(e, "input"));
        lm_report_num(h, "%.0f", lm_report_number(e, "batch"));
        lm_report_num(h, "%.2f", lm_report_number(e, "madds") / 1e6);
        lm_report_num(h, "%.2f", lm_report_number(e, "mac") / 1e6);
        lm_report_num(h, "%.3f", lm_report_number(e, "params") / 1e6);
        lm_report_num(h, "%.2f", lm_report_number(e, "peak_activation_bytes") / (1 << 20));
        const char *shape = lm_report_string(e, "case");
        for (size_t c = 0; c < r->column_count; c++) {
            const json_t *m = lm_report_column_case(&r->columns[c], "nets", shape, "latmac");
            lm_html_raw(h, "<td class=\"num first\">");
            if (m && !lm_report_failed(m)) lm_html_printf(h, "%.3f", 1e3 * lm_report_seconds(m));
            else lm_html_raw(h, "&ndash;");
            if (m) lm_report_flags(h, m);
            lm_html_raw(h, "</td>");
            lm_report_num(h, "%.1f%%", m ? 100 * lm_report_cv(r->columns[c].run, m) : NAN);
            lm_report_num(h, "%.1f", m ? lm_report_images_per_second(m) : NAN);
            const lm_report_column *base = lm_report_baseline(r, &r->columns[c]);
            if (!base) continue;
            const json_t *b = lm_report_column_case(base, "nets", shape, "latmac");
            lm_report_num(h, "%.3f", m && b ? lm_report_seconds(m) / lm_report_seconds(b) : NAN);
        }
        lm_html_raw(h, "</tr>\n");
    }
    lm_html_raw(h, "</tbody>");
    lm_report_table_end(h);
}

/* The per-layer cases of network case `context` ("<network>@<input>"). */
static bool layer_of(const json_t *e, const void *context) {
    const char *shape = lm_report_string(e, "case");
    const size_t n = strlen(context);
    return strcmp(lm_report_string(e, "suite"), "nets") == 0 && json_object_get(e, "layer_index") &&
           strncmp(shape, context, n) == 0 && strncmp(shape + n, "/layer:", 7) == 0;
}

/* Each step of a network timed alone, in a table that opens on demand; the subsection's heading
 * before the first such table (*heading then true). */
static void layer_table(lm_report *r, const json_t *net, bool *heading) {
    lm_html *h = r->h;
    const char *shape = lm_report_string(net, "case");
    json_t *layers = lm_report_distinct_cases(r, layer_of, shape);
    if (json_array_size(layers) && !*heading) {
        lm_html_raw(h, "<h3>Layers timed alone</h3>\n<p>With <code>--per-layer</code>, each step of a network's plan "
                       "is also timed on its own (a tenth of the repetition time); &ldquo;roof&rdquo; is the memory "
                       "level whose roof binds it (or the peak, when compute bound) and &ldquo;of roof&rdquo; the "
                       "fraction of it reached.</p>\n");
        *heading = true;
    }
    if (json_array_size(layers)) {
        lm_html_raw(h, "<details><summary>");
        lm_html_textf(h, "%s: %zu steps timed alone", shape, json_array_size(layers));
        lm_html_raw(h, "</summary>\n");
        lm_report_table_begin(h, NULL);
        lm_html_raw(h, "<thead><tr><th colspan=\"7\"></th>");
        for (size_t c = 0; c < r->column_count; c++) lm_report_group_th(h, r->columns[c].name, 6);
        lm_html_raw(h, "</tr><tr><th class=\"num\">step</th><th>layer</th><th>kind</th><th>operator</th>"
                       "<th class=\"num\">MAdds M</th><th class=\"num\">MAC MB</th><th class=\"num\">FLOP/B</th>");
        for (size_t c = 0; c < r->column_count; c++)
            lm_html_raw(h, "<th class=\"num first\">&micro;s</th><th class=\"num\">GFLOP/s</th><th class=\"num\">GB/s</th>"
                           "<th class=\"num\" title=\"multiply-adds the kernel executed over MAdds (1: none padded)\">"
                           "exec</th><th>roof</th><th class=\"num\">of roof</th>");
        lm_html_raw(h, "</tr></thead>\n<tbody>\n");
        size_t i;
        const json_t *e;
        json_array_foreach(layers, i, e) {
            const double madds = lm_report_number(e, "madds");
            lm_html_raw(h, "<tr>");
            lm_report_num(h, "%.0f", lm_report_number(e, "layer_index"));
            lm_report_td(h, lm_report_string(e, "layer"));
            lm_report_td(h, lm_report_string(e, "category"));
            lm_html_raw(h, "<td class=\"operator\">");
            lm_html_text(h, lm_report_string(e, "description"));
            lm_html_raw(h, "</td>");
            lm_report_num(h, "%.3f", madds > 0 ? madds / 1e6 : NAN);
            lm_report_num(h, "%.3f", lm_report_number(e, "mac_bytes") / 1e6);
            lm_report_num(h, "%.2f", madds > 0 ? lm_report_number(e, "intensity") : NAN);
            for (size_t c = 0; c < r->column_count; c++) {
                const json_t *m = lm_report_column_case(&r->columns[c], "nets", lm_report_string(e, "case"), "latmac");
                lm_html_raw(h, "<td class=\"num first\">");
                if (m && !lm_report_failed(m)) lm_html_printf(h, "%.2f", 1e6 * lm_report_seconds(m));
                else lm_html_raw(h, "&ndash;");
                if (m) lm_report_flags(h, m);
                lm_html_raw(h, "</td>");
                lm_report_num(h, "%.1f", m && madds > 0 ? lm_report_number(m, "gflops") : NAN);
                lm_report_num(h, "%.1f", m ? lm_report_number(m, "gbps") : NAN);
                lm_report_num(h, "%.2f", m && madds > 0 ? lm_report_number(m, "executed_madds") / madds : NAN);
                lm_report_td(h, m && json_is_true(json_object_get(m, "memory_bound")) ? lm_report_string(m, "roof_level")
                                : m && json_object_get(m, "roof_fraction") ? "peak" : "");
                lm_report_roof_cell(h, m);
            }
            lm_html_raw(h, "</tr>\n");
        }
        lm_html_raw(h, "</tbody>");
        lm_report_table_end(h);
        lm_html_raw(h, "</details>\n");
    }
    json_decref(layers);
}

/* Latency against one cost (`key`: "madds" or "mac"), one series per column. */
static void latency_chart(lm_report *r, const json_t *nets, const char *key, const char *cost_title,
                          const char *caption) {
    const size_t count = json_array_size(nets);
    lm_chart_series *series = calloc(r->column_count, sizeof *series);
    lm_chart_point *points = calloc(r->column_count * (count ? count : 1), sizeof *points);
    if (!series || !points) {
        r->h->failed = true;
        goto done;
    }
    for (size_t c = 0; c < r->column_count; c++) {
        lm_chart_series *s = &series[c];
        snprintf(s->name, sizeof s->name, "%s", r->columns[c].name);
        s->points = &points[c * count];
        size_t i;
        const json_t *e;
        json_array_foreach(nets, i, e) {
            const json_t *m = lm_report_column_case(&r->columns[c], "nets", lm_report_string(e, "case"), "latmac");
            if (!m || lm_report_failed(m)) continue;
            lm_chart_point *p = &s->points[s->count++];
            p->x = lm_report_number(e, key) / 1e6;
            p->y = 1e3 * lm_report_seconds(m);
            snprintf(p->tip, sizeof p->tip, "%s @ %s (%s): %.3f ms; %.1f M MAdds, %.2f M MAC, %.2f M params",
                     lm_report_string(e, "network"), lm_report_string(e, "input"), s->name, p->y,
                     lm_report_number(e, "madds") / 1e6, lm_report_number(e, "mac") / 1e6,
                     lm_report_number(e, "params") / 1e6);
        }
    }
    lm_chart_scatter(r->h, caption, (lm_chart_axis){cost_title, true}, (lm_chart_axis){"median latency (ms)", true},
                     series, r->column_count, NULL, 0);
done:
    free(series);
    free(points);
}

/* Where the time of an end-to-end run went: the in-run profile when measured, else the layers timed
 * alone (per-layer cases); seconds per category, false without either. */
static bool time_split(const json_t *m, double seconds[LM_RESULT_LAYER_CATEGORIES], const char **source) {
    const json_t *split = json_object_get(m, "profile_time");
    *source = "timed inside end-to-end runs";
    if (!json_is_object(split)) split = json_object_get(m, "category_time"), *source = "layers timed alone";
    if (!json_is_object(split)) return false;
    const double unit = lm_time_unit_seconds(lm_report_string(m, "time_unit"));
    for (int k = 0; k < LM_RESULT_LAYER_CATEGORIES; k++) {
        const char *name = lm_layer_category_name((lm_layer_category)k), *legacy = lm_layer_category_legacy_name((lm_layer_category)k);
        if (legacy && !json_object_get(split, name)) name = legacy; /* a document from before the rename */
        seconds[k] = lm_report_number(split, name) * unit;
    }
    return true;
}

static void decomposition_chart(lm_report *r, const lm_report_column *col, const json_t *nets) {
    const size_t count = json_array_size(nets);
    lm_chart_value *values = calloc((count ? count : 1) * LM_RESULT_LAYER_CATEGORIES, sizeof *values);
    const char **labels = calloc(count ? count : 1, sizeof *labels), **notes = calloc(count ? count : 1, sizeof *notes);
    char (*note_text)[32] = calloc(count ? count : 1, sizeof *note_text);
    if (!values || !labels || !notes || !note_text) {
        r->h->failed = true;
        goto done;
    }
    size_t rows = 0, i;
    const char *source = NULL;
    const json_t *e;
    json_array_foreach(nets, i, e) {
        const json_t *m = lm_report_column_case(col, "nets", lm_report_string(e, "case"), "latmac");
        double seconds[LM_RESULT_LAYER_CATEGORIES], total = 0;
        if (!m || lm_report_failed(m) || !time_split(m, seconds, &source)) continue;
        for (int k = 0; k < LM_RESULT_LAYER_CATEGORIES; k++) total += isfinite(seconds[k]) ? seconds[k] : 0;
        if (!(total > 0)) continue;
        labels[rows] = lm_report_string(e, "case");
        snprintf(note_text[rows], sizeof note_text[rows], "%.3f ms", 1e3 * lm_report_seconds(m));
        notes[rows] = note_text[rows];
        for (int k = 0; k < LM_RESULT_LAYER_CATEGORIES; k++) {
            lm_chart_value *v = &values[rows * LM_RESULT_LAYER_CATEGORIES + (size_t)k];
            v->v = seconds[k];
            snprintf(v->tip, sizeof v->tip, "%s (%s), %s: %.3f ms, %.1f%% of the time profiled (%s)", labels[rows],
                     col->name, lm_layer_category_name((lm_layer_category)k), 1e3 * seconds[k], 100 * seconds[k] / total, source);
        }
        rows++;
    }
    if (rows) {
        char caption[256];
        snprintf(caption, sizeof caption,
                 "%s: each network's time by kind of layer (%s); at the right, the end-to-end median latency.",
                 col->name, source);
        lm_html_printf(r->h, "<h3>%s</h3>\n", col->name);
        const char *categories[LM_RESULT_LAYER_CATEGORIES];
        for (int k = 0; k < LM_RESULT_LAYER_CATEGORIES; k++) categories[k] = lm_layer_category_name((lm_layer_category)k);
        lm_chart_stacks(r->h, &(lm_stack_chart){.caption = caption, .rows = rows, .parts = LM_RESULT_LAYER_CATEGORIES,
                                                .row_labels = labels, .part_names = categories, .values = values,
                                                .row_notes = notes});
    }
done:
    free(values);
    free(labels);
    free(notes);
    free(note_text);
}

static void proxy_note(lm_report *r) {
    lm_html *h = r->h;
    lm_html_raw(h, "<p>Rank correlation of latency with each proxy (Spearman): ");
    bool any = false;
    for (size_t c = 0; c < r->column_count; c++) {
        const json_t *p = lm_report_find(json_object_get(r->columns[c].run->latmac, "proxies"), "cases", "networks",
                                         &r->columns[c]);
        if (!p) continue;
        lm_html_printf(h, "%s", any ? "; " : "");
        lm_html_text(h, r->columns[c].name);
        lm_html_printf(h, ": MAdds %.3f, MAC %.3f over %.0f networks", lm_report_number(p, "madds_spearman"),
                       lm_report_number(p, "mac_spearman"), lm_report_number(p, "count"));
        any = true;
    }
    lm_html_raw(h, any ? ".</p>\n" : "too few networks to say.</p>\n");
}

void lm_report_network_sections(lm_report *r) {
    lm_html *h = r->h;
    json_t *nets = lm_report_distinct_cases(r, whole_network, NULL);
    lm_html_raw(h, "<section id=\"networks\">\n<h2>Networks</h2>\n");
    table(r, nets);
    latency_chart(r, nets, "madds", "MAdds (millions, log scale)",
                  "Median latency against MAdds, one point per network and run/thread count (both axes logarithmic). "
                  "If FLOPs predicted speed, the points would lie on a line.");
    latency_chart(r, nets, "mac", "MAC (millions of elements, log scale)",
                  "Median latency against memory access cost (MAC, elements read and written by the executed steps), "
                  "both axes logarithmic.");
    proxy_note(r);
    size_t i;
    const json_t *e;
    bool heading = false;
    json_array_foreach(nets, i, e) layer_table(r, e, &heading);
    lm_html_raw(h, "</section>\n<section id=\"decomposition\">\n<h2>Where the time goes</h2>\n<p>The ShuffleNet V2 "
                   "paper's Figure 2 splits run time into Conv, Data (its data I/O, which latmac does not time), "
                   "Elemwise, Shuffle and Others; latmac's categories are convolutions (Conv, including fully "
                   "connected layers), concat and split run as copies of their own (Concat/Split), element-wise "
                   "operators (Elemwise: activations, additions, BatchNorm and bias when not folded or fused), "
                   "channel shuffle and the merged concat-shuffle-split (Shuffle) and the rest (Other: pooling, "
                   "resizing). Each step of an end-to-end run is timed inside the run, so caches hold what a "
                   "real inference leaves in them.</p>\n");
    for (size_t c = 0; c < r->column_count; c++) decomposition_chart(r, &r->columns[c], nets);
    lm_html_raw(h, "</section>\n");
    json_decref(nets);
}
