/* The report's roofline: the ceilings latmac measured on the host (peak FLOP/s per instruction set
 * and mix, bandwidth per memory level), the bandwidth sweep over working sets, and per run and thread
 * count a log-log roofline with the kernel cases and network layers placed under it. */
#include "reports/html_sections.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "reports/units.h"

static const char *const kinds[] = {"read", "write", "copy"};

/* The ceilings measured at column c's thread count, or NULL. */
static const json_t *ceilings_at(const lm_report_column *c) {
    size_t i;
    const json_t *at;
    json_array_foreach(json_object_get(json_object_get(c->run->latmac, "ceilings"), "at"), i, at) {
        if (lm_report_number(at, "threads") == c->threads) return at;
    }
    return NULL;
}

/* The entry of `list` whose `key` is `value` (and whose `key2` is `value2` when key2 is not NULL). */
static const json_t *named(const json_t *list, const char *key, const char *value, const char *key2,
                           const char *value2) {
    size_t i;
    const json_t *e;
    json_array_foreach(list, i, e) {
        if (strcmp(lm_report_string(e, key), value) == 0 && (!key2 || strcmp(lm_report_string(e, key2), value2) == 0))
            return e;
    }
    return NULL;
}

/* A column whose ceilings an earlier column of the same run already shows: the ceilings are the
 * machine's at a thread count, whatever cap the run's cases ran under. */
static bool repeats_ceilings(const lm_report_column *c) {
    return c->isa[0] && c->run->isa_count > 1 && strcmp(c->isa, c->run->isas[0]) != 0;
}

bool lm_report_has_ceilings(const lm_report *r) {
    for (size_t c = 0; c < r->column_count; c++)
        if (ceilings_at(&r->columns[c])) return true;
    return false;
}

/* A row label, then one cell per column: the number `key` of the entry `pick` finds there. */
static void ceiling_row(lm_report *r, const char *label, const json_t *(*pick)(const json_t *at, const json_t *like),
                        const json_t *like, const char *key, const char *format) {
    lm_html *h = r->h;
    lm_html_raw(h, "<tr>");
    lm_report_td(h, label);
    for (size_t c = 0; c < r->column_count; c++) {
        if (repeats_ceilings(&r->columns[c])) continue;
        const json_t *at = ceilings_at(&r->columns[c]);
        lm_report_num(h, format, at ? lm_report_number(pick(at, like), key) : NAN);
    }
    lm_html_raw(h, "</tr>\n");
}

static const json_t *same_peak(const json_t *at, const json_t *like) {
    return named(json_object_get(at, "peaks"), "isa", lm_report_string(like, "isa"), "mix", lm_report_string(like, "mix"));
}

static const json_t *same_level(const json_t *at, const json_t *like) {
    return named(json_object_get(at, "levels"), "name", lm_report_string(like, "name"), NULL, NULL);
}

/* Rows: every peak (instruction set and mix), then every level's three bandwidths and its roof. */
static void ceilings_table(lm_report *r) {
    const json_t *first = NULL;
    for (size_t c = 0; c < r->column_count && !first; c++) first = ceilings_at(&r->columns[c]);
    lm_report_table_begin(r->h, "Peak FP32 rates (an FMA counts 2 FLOP), and bandwidth (bytes read plus bytes "
                                "written, as MAC counts them) at a working set well inside each level; a level's roof "
                                "is the highest of its three.");
    lm_html_raw(r->h, "<thead><tr><th>ceiling</th>");
    for (size_t c = 0; c < r->column_count; c++)
        if (!repeats_ceilings(&r->columns[c])) lm_report_th(r->h, r->columns[c].name, true);
    lm_html_raw(r->h, "</tr></thead>\n<tbody>\n");
    size_t i;
    const json_t *e;
    char label[96];
    json_array_foreach(json_object_get(first, "peaks"), i, e) {
        snprintf(label, sizeof label, "peak GFLOP/s, %s, %s", lm_report_string(e, "isa"), lm_report_string(e, "mix"));
        ceiling_row(r, label, same_peak, e, "gflops", "%.1f");
    }
    json_array_foreach(json_object_get(first, "levels"), i, e) {
        for (int k = 0; k < 4; k++) {
            char key[16];
            snprintf(key, sizeof key, "%s_gbps", k < 3 ? kinds[k] : "roof");
            snprintf(label, sizeof label, "%s %s GB/s", lm_report_string(e, "name"), k < 3 ? kinds[k] : "roof");
            ceiling_row(r, label, same_level, e, key, "%.1f");
        }
    }
    lm_html_raw(r->h, "</tbody>");
    lm_report_table_end(r->h);
}

/* Bandwidth against working set: one series per column and kind. */
static void sweep_chart(lm_report *r) {
    const size_t series_count = r->column_count * 3;
    lm_chart_series *series = calloc(series_count, sizeof *series);
    lm_chart_point *points = calloc(series_count * LM_REPORT_MAX_SWEEP, sizeof *points);
    if (!series || !points) {
        r->h->failed = true;
        goto done;
    }
    size_t shown = 0; /* series drawn: each column that does not repeat another's ceilings, per kind */
    for (size_t c = 0; c < r->column_count; c++)
        for (int k = 0; k < 3 && !repeats_ceilings(&r->columns[c]); k++) {
            lm_chart_series *s = &series[shown];
            s->points = &points[shown++ * LM_REPORT_MAX_SWEEP];
            snprintf(s->name, sizeof s->name, "%s, %s", r->columns[c].name, kinds[k]);
            char key[16];
            snprintf(key, sizeof key, "%s_gbps", kinds[k]);
            size_t i;
            const json_t *e;
            json_array_foreach(json_object_get(ceilings_at(&r->columns[c]), "sweep"), i, e) {
                if (s->count == LM_REPORT_MAX_SWEEP) break;
                lm_chart_point *p = &s->points[s->count++];
                char size[32];
                p->x = lm_report_number(e, "bytes") / 1024;
                p->y = lm_report_number(e, key);
                lm_bytes_text((uint64_t)lm_report_number(e, "bytes"), size, sizeof size);
                snprintf(p->tip, sizeof p->tip, "%s: %s at %s: %.1f GB/s", r->columns[c].name, kinds[k], size, p->y);
            }
        }
    lm_chart_scatter(r->h,
                     "Bandwidth against working set (all threads together, each thread its own share), both axes "
                     "logarithmic: the steps are the cache levels.",
                     (lm_chart_axis){"working set (KiB, log scale)", true}, (lm_chart_axis){"GB/s (log scale)", true},
                     series, shown, NULL, 0);
done:
    free(series);
    free(points);
}

static bool placed_case(const json_t *e, const void *context) {
    (void)context;
    const bool kernel = strcmp(lm_report_string(e, "suite"), "kernels") == 0 &&
                        strcmp(lm_report_string(e, "backend"), "latmac") == 0;
    const bool layer = strcmp(lm_report_string(e, "suite"), "nets") == 0 && json_object_get(e, "layer_index");
    return (kernel || layer) && lm_report_number(e, "madds") > 0;
}

/* Column c's roofline: a roof per level, the kernel cases and the layers as points. */
static void roofline_chart(lm_report *r, const lm_report_column *col, const json_t *cases) {
    const json_t *at = ceilings_at(col);
    const double peak = lm_report_number(at, "peak_gflops");
    lm_chart_series series[2] = {{.name = "kernel cases"}, {.name = "network layers"}}; /* the empty one is left out */
    const size_t count = json_array_size(cases);
    lm_chart_point *points = calloc(2 * (count ? count : 1), sizeof *points);
    if (!points) {
        r->h->failed = true;
        return;
    }
    series[0].points = points, series[1].points = points + count;
    double lo = INFINITY, hi = 0;
    size_t i;
    const json_t *e;
    json_array_foreach(cases, i, e) {
        const json_t *m = lm_report_column_case(col, lm_report_string(e, "suite"), lm_report_string(e, "case"), "latmac");
        if (!m || lm_report_failed(m)) continue;
        lm_chart_series *s = &series[strcmp(lm_report_string(e, "suite"), "nets") == 0];
        lm_chart_point *p = &s->points[s->count++];
        p->x = lm_report_number(m, "intensity");
        p->y = lm_report_number(m, "gflops");
        lo = fmin(lo, p->x), hi = fmax(hi, p->x);
        snprintf(p->tip, sizeof p->tip, "%s (%s): %.2f FLOP/B, %.1f GFLOP/s; %.2f of the %s roof (%s)",
                 lm_report_string(e, "case"), col->name, p->x, p->y, lm_report_number(m, "roof_fraction"),
                 json_is_true(json_object_get(m, "memory_bound")) ? lm_report_string(m, "roof_level") : "compute",
                 json_is_true(json_object_get(m, "memory_bound")) ? "memory bound" : "compute bound");
    }
    if (!(lo <= hi)) lo = 0.1, hi = 100;
    lo /= 2, hi *= 2;
    lm_chart_line lines[LM_REPORT_MAX_LEVELS + 1];
    memset(lines, 0, sizeof lines);
    size_t line_count = 0;
    json_array_foreach(json_object_get(at, "levels"), i, e) {
        if (line_count == LM_REPORT_MAX_LEVELS) break;
        const double bandwidth = lm_report_number(e, "roof_gbps"), ridge = peak / bandwidth;
        lm_chart_line *l = &lines[line_count++];
        snprintf(l->label, sizeof l->label, "%s %.0f GB/s", lm_report_string(e, "name"), bandwidth);
        l->label_at_start = true;
        l->x[l->count] = lo, l->y[l->count++] = fmin(peak, lo * bandwidth);
        if (ridge > lo && ridge < hi) l->x[l->count] = ridge, l->y[l->count++] = peak;
        l->x[l->count] = hi, l->y[l->count++] = fmin(peak, hi * bandwidth);
    }
    lm_chart_line *top = &lines[line_count++];
    snprintf(top->label, sizeof top->label, "peak %.0f GFLOP/s", peak);
    top->count = 2, top->x[0] = lo, top->x[1] = hi, top->y[0] = top->y[1] = peak;
    char caption[256];
    snprintf(caption, sizeof caption,
             "%s: the roofline, both axes logarithmic. Each line is the roof of a memory level (bandwidth x "
             "intensity, capped by the peak); a case is held to the bandwidth measured at its own working set.",
             col->name);
    lm_html_printf(r->h, "<h3>%s</h3>\n", col->name);
    const bool kernels = series[0].count > 0 || !series[1].count;
    lm_chart_scatter(r->h, caption, (lm_chart_axis){"arithmetic intensity (FLOP per MAC byte, log scale)", true},
                     (lm_chart_axis){"GFLOP/s (log scale)", true}, kernels ? series : series + 1,
                     kernels && series[1].count ? 2 : 1, lines, line_count);
    free(points);
}

void lm_report_roofline_section(lm_report *r) {
    lm_html *h = r->h;
    lm_html_raw(h, "<section id=\"roofline\">\n<h2>The machine's limits</h2>\n<p>Measured by latmac on this host "
                   "before the cases, at each thread count with the threads pinned as the cases' are: peak FP32 "
                   "FLOP/s for each instruction set, with FMAs alone and with as many adds, and the bandwidth of "
                   "reading, writing and copying working sets from inside L1 out to DRAM. A case's fraction of roof "
                   "is its GB/s over the bandwidth measured at its working set when it is memory bound (left of the "
                   "ridge), else its GFLOP/s over the peak; a fraction above 1.05 is flagged <span class=\"badge flag\">above_roof</span>: "
                   "its counts or its timing are wrong, since no case beats the machine.</p>\n");
    ceilings_table(r);
    sweep_chart(r);
    json_t *cases = lm_report_distinct_cases(r, placed_case, NULL);
    for (size_t c = 0; c < r->column_count; c++)
        if (ceilings_at(&r->columns[c])) roofline_chart(r, &r->columns[c], cases);
    json_decref(cases);
    lm_html_raw(h, "</section>\n");
}
