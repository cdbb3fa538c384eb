/* Inline SVG charts (see svg_chart.h). Coordinates are in a 900-unit-wide view box that scales with
 * the page; text sizes are in the same units. */
#include "reports/svg_chart.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define WIDTH 900.0
#define CHAR_WIDTH 6.6 /* average width of a 12-unit character, for laying out labels */
#define MAX_LABEL_CHARS 48
#define LEGEND_ROW 18.0

/* Okabe and Ito's colour-blind-safe palette, most distinct first. */
static const char *const palette[] = {"#0072b2", "#d55e00", "#009e73", "#e69f00",
                                      "#cc79a7", "#56b4e9", "#000000", "#f0e442"};
#define PALETTE_SIZE (sizeof palette / sizeof palette[0])
#define MAX_SERIES 64 /* beyond the palette, colours repeat; the legend still names each series */
static const char *const marker_colours[] = {"#444444", "#999999", "#000000"};

/* A value axis: the data range widened to round ticks, mapped to pixels [p0, p1]. */
typedef struct scale {
    double lo, hi;
    bool log;
    double p0, p1;
    double ticks[32];
    int tick_count;
} scale;

static bool usable(double v, bool log) { return isfinite(v) && (!log || v > 0); }

/* 1, 2 or 5 times a power of ten, at least `raw`. */
static double nice_step(double raw) {
    const double power = pow(10, floor(log10(raw)));
    const double f = raw / power;
    return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * power;
}

static void make_scale(scale *s, double lo, double hi, bool log, double p0, double p1) {
    memset(s, 0, sizeof *s);
    s->log = log, s->p0 = p0, s->p1 = p1;
    if (!(lo <= hi)) lo = hi = log ? 1 : 0; /* no data */
    if (log) {
        if (hi / lo < 1.5) lo /= 1.5, hi *= 1.5;
        s->lo = pow(10, floor(log10(lo)));
        s->hi = pow(10, ceil(log10(hi)));
        /* two decades or fewer: 1, 2, 5 in each, else decades only */
        const bool fine = s->hi / s->lo <= 100.5;
        for (double d = s->lo; d <= s->hi * 1.0001 && s->tick_count < 30; d *= 10) {
            const double steps[] = {1, 2, 5};
            for (int k = 0; k < (fine ? 3 : 1); k++)
                if (d * steps[k] <= s->hi * 1.0001) s->ticks[s->tick_count++] = d * steps[k];
        }
        return;
    }
    if (lo > 0) lo = 0; /* bars and latencies read from zero */
    if (hi <= lo) hi = lo + 1;
    const double step = nice_step((hi - lo) / 5);
    s->lo = floor(lo / step) * step;
    s->hi = ceil(hi / step) * step;
    for (double t = s->lo; t <= s->hi + step / 2 && s->tick_count < 30; t += step)
        s->ticks[s->tick_count++] = fabs(t) < step / 1e6 ? 0 : t;
}

static double to_px(const scale *s, double v) {
    const double t = s->log ? (log10(v) - log10(s->lo)) / (log10(s->hi) - log10(s->lo)) : (v - s->lo) / (s->hi - s->lo);
    return s->p0 + t * (s->p1 - s->p0);
}

/* Ticks are round numbers: whole ones written out up to a million, the rest short. */
static void tick_label(char *buf, size_t size, double v) {
    if (v != 0 && (fabs(v) >= 1e6 || fabs(v) < 1e-3)) snprintf(buf, size, "%.0e", v);
    else if (v == floor(v)) snprintf(buf, size, "%.0f", v);
    else snprintf(buf, size, "%.4g", v);
}

static double label_width(const char *const *labels, size_t count) {
    size_t longest = 4;
    for (size_t i = 0; i < count; i++) {
        const size_t n = strlen(labels[i]);
        if (n > longest) longest = n;
    }
    return (longest > MAX_LABEL_CHARS ? MAX_LABEL_CHARS : longest) * CHAR_WIDTH + 12;
}

/* A label cut to MAX_LABEL_CHARS characters (the full text goes in its <title>). */
static void write_label(lm_html *h, const char *label) {
    if (strlen(label) <= MAX_LABEL_CHARS) {
        lm_html_text(h, label);
        return;
    }
    lm_html_textf(h, "%.*s...", MAX_LABEL_CHARS - 3, label);
}

static void open_chart(lm_html *h, const char *caption, double height) {
    lm_html_raw(h, "<figure class=\"chart\"><svg class=\"chart\" role=\"img\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ");
    lm_html_coord(h, WIDTH);
    lm_html_raw(h, " ");
    lm_html_coord(h, height);
    lm_html_raw(h, "\" aria-label=\"");
    lm_html_text(h, caption);
    lm_html_raw(h, "\">\n");
}

static void close_chart(lm_html *h, const char *caption) {
    lm_html_raw(h, "</svg><figcaption>");
    lm_html_text(h, caption);
    lm_html_raw(h, "</figcaption></figure>\n");
}

/* Legend entries flow left to right in rows from x0: where the next one goes, wrapping a full row. */
static double legend_next(double x0, double *x, double *rows, const char *name) {
    const double w = 24 + strlen(name) * CHAR_WIDTH;
    if (*x + w > WIDTH - 10 && *x > x0) *x = x0, (*rows)++;
    const double at = *x;
    *x += w;
    return at;
}

static double legend_height(double x0, const char *const *names, size_t count) {
    double x = x0, rows = 1;
    for (size_t i = 0; i < count; i++) legend_next(x0, &x, &rows, names[i]);
    return rows * LEGEND_ROW;
}

/* The legend across the top, first row at y: `square` swatches for bars, circles for points,
 * diamonds for markers (the last `markers` names). */
static void legend(lm_html *h, double x0, double y, const char *const *names, size_t count, size_t markers,
                   bool square) {
    double next = x0, rows = 1;
    for (size_t i = 0; i < count; i++) {
        const double x = legend_next(x0, &next, &rows, names[i]);
        const double cy = y + (rows - 1) * LEGEND_ROW;
        const bool marker = i >= count - markers;
        const char *colour = marker ? marker_colours[(i - (count - markers)) % 3] : palette[i % PALETTE_SIZE];
        if (marker)
            lm_html_printf(h, "<path d=\"M%.1f %.1fl5 5l-5 5l-5 -5z\" fill=\"%s\"/>", x + 5, cy - 5, colour);
        else if (square)
            lm_html_printf(h, "<rect x=\"%.1f\" y=\"%.1f\" width=\"10\" height=\"10\" fill=\"%s\"/>", x, cy - 5, colour);
        else
            lm_html_printf(h, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"%s\"/>", x + 5, cy, colour);
        lm_html_printf(h, "<text x=\"%.1f\" y=\"%.1f\" class=\"legend\">", x + 14, cy + 4);
        lm_html_text(h, names[i]);
        lm_html_raw(h, "</text>");
    }
    lm_html_raw(h, "\n");
}

/* Vertical grid lines with tick labels below `bottom`, and the axis title under them. */
static void x_axis(lm_html *h, const scale *s, double top, double bottom, const char *title) {
    for (int i = 0; i < s->tick_count; i++) {
        char label[32];
        const double x = to_px(s, s->ticks[i]);
        tick_label(label, sizeof label, s->ticks[i]);
        lm_html_printf(h, "<line class=\"grid\" x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\"/>", x, top, x, bottom);
        lm_html_printf(h, "<text class=\"tick\" x=\"%.2f\" y=\"%.2f\" text-anchor=\"middle\">%s</text>", x,
                       bottom + 14, label);
    }
    lm_html_printf(h, "<line class=\"axis\" x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\"/>", s->p0, bottom, s->p1,
                   bottom);
    lm_html_printf(h, "<text class=\"axis-title\" x=\"%.2f\" y=\"%.2f\" text-anchor=\"middle\">", (s->p0 + s->p1) / 2,
                   bottom + 32);
    lm_html_text(h, title);
    lm_html_raw(h, "</text>\n");
}

static void y_axis(lm_html *h, const scale *s, double left, double right, const char *title) {
    for (int i = 0; i < s->tick_count; i++) {
        char label[32];
        const double y = to_px(s, s->ticks[i]);
        tick_label(label, sizeof label, s->ticks[i]);
        lm_html_printf(h, "<line class=\"grid\" x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\"/>", left, y, right, y);
        lm_html_printf(h, "<text class=\"tick\" x=\"%.2f\" y=\"%.2f\" text-anchor=\"end\">%s</text>", left - 6, y + 4,
                       label);
    }
    lm_html_printf(h, "<line class=\"axis\" x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\"/>", left, s->p0, left, s->p1);
    const double mid = (s->p0 + s->p1) / 2;
    lm_html_printf(h, "<text class=\"axis-title\" transform=\"translate(16 %.2f) rotate(-90)\" text-anchor=\"middle\">",
                   mid);
    lm_html_text(h, title);
    lm_html_raw(h, "</text>\n");
}

static void mark_title(lm_html *h, const char *tip) {
    lm_html_raw(h, "<title>");
    lm_html_text(h, tip);
    lm_html_raw(h, "</title>");
}

/* A labelled polyline (e.g. a roof), drawn under the points; its label above its first or last point. */
static void draw_line(lm_html *h, const scale *x, const scale *y, const lm_chart_line *line) {
    lm_html_raw(h, "<polyline class=\"line\" points=\"");
    size_t last = line->count;
    for (size_t i = 0; i < line->count; i++) {
        if (!usable(line->x[i], x->log) || !usable(line->y[i], y->log)) continue;
        lm_html_printf(h, "%s%.2f,%.2f", last == line->count ? "" : " ", to_px(x, line->x[i]), to_px(y, line->y[i]));
        last = i;
    }
    lm_html_raw(h, "\"/>");
    if (last == line->count) return;
    size_t first = 0;
    while (!usable(line->x[first], x->log) || !usable(line->y[first], y->log)) first++;
    const size_t at = line->label_at_start ? first : last;
    lm_html_printf(h, "<text class=\"line-label\" x=\"%.2f\" y=\"%.2f\" text-anchor=\"%s\">",
                   to_px(x, line->x[at]) + (line->label_at_start ? 4 : -4), to_px(y, line->y[at]) - 5,
                   line->label_at_start ? "start" : "end");
    lm_html_text(h, line->label);
    lm_html_raw(h, "</text>\n");
}

void lm_chart_scatter(lm_html *h, const char *caption, lm_chart_axis xa, lm_chart_axis ya,
                      const lm_chart_series *series, size_t series_count, const lm_chart_line *lines,
                      size_t line_count) {
    double xlo = INFINITY, xhi = -INFINITY, ylo = INFINITY, yhi = -INFINITY;
    const char *names[MAX_SERIES];
    const size_t shown = series_count < MAX_SERIES ? series_count : MAX_SERIES;
    for (size_t s = 0; s < shown; s++) {
        names[s] = series[s].name;
        for (size_t i = 0; i < series[s].count; i++) {
            const lm_chart_point *p = &series[s].points[i];
            if (!usable(p->x, xa.log) || !usable(p->y, ya.log)) continue;
            xlo = fmin(xlo, p->x), xhi = fmax(xhi, p->x), ylo = fmin(ylo, p->y), yhi = fmax(yhi, p->y);
        }
    }
    for (size_t l = 0; l < line_count; l++)
        for (size_t i = 0; i < lines[l].count; i++)
            if (usable(lines[l].x[i], xa.log) && usable(lines[l].y[i], ya.log))
                xlo = fmin(xlo, lines[l].x[i]), xhi = fmax(xhi, lines[l].x[i]), ylo = fmin(ylo, lines[l].y[i]),
                yhi = fmax(yhi, lines[l].y[i]);
    const double plot_height = 340, left = 70, right = WIDTH - 20;
    const double top = 14 + legend_height(left, names, shown), bottom = top + plot_height;
    open_chart(h, caption, bottom + 44);
    legend(h, left, 12, names, shown, 0, false);
    scale x, y;
    make_scale(&x, xlo, xhi, xa.log, left, right);
    make_scale(&y, ylo, yhi, ya.log, bottom, top);
    x_axis(h, &x, top, bottom, xa.title);
    y_axis(h, &y, left, right, ya.title);
    for (size_t l = 0; l < line_count; l++) draw_line(h, &x, &y, &lines[l]);
    for (size_t s = 0; s < shown; s++) {
        lm_html_printf(h, "<g fill=\"%s\">", palette[s % PALETTE_SIZE]);
        for (size_t i = 0; i < series[s].count; i++) {
            const lm_chart_point *p = &series[s].points[i];
            if (!usable(p->x, xa.log) || !usable(p->y, ya.log)) continue;
            lm_html_printf(h, "<circle class=\"mark\" cx=\"%.2f\" cy=\"%.2f\" r=\"4.5\">", to_px(&x, p->x),
                           to_px(&y, p->y));
            mark_title(h, p->tip);
            lm_html_raw(h, "</circle>");
        }
        lm_html_raw(h, "</g>\n");
    }
    close_chart(h, caption);
}

/* Row labels at the left of each row band, right-aligned; the full label in a <title>. */
static void row_label(lm_html *h, double right, double y, const char *label) {
    lm_html_printf(h, "<text class=\"row\" x=\"%.2f\" y=\"%.2f\" text-anchor=\"end\">", right, y + 4);
    if (strlen(label) > MAX_LABEL_CHARS) mark_title(h, label);
    write_label(h, label);
    lm_html_raw(h, "</text>");
}

void lm_chart_bars(lm_html *h, const lm_bar_chart *c) {
    const size_t bars = c->series - c->marker_series;
    double hi = isfinite(c->reference) ? c->reference : 0;
    for (size_t i = 0; i < c->rows * c->series; i++)
        if (isfinite(c->values[i].v) && c->values[i].v > hi) hi = c->values[i].v;
    const double bar_height = 9, row_gap = 8;
    const double band = (bars ? (double)bars * bar_height : 12) + row_gap;
    const double left = label_width(c->row_labels, c->rows) + 8, right = WIDTH - 24;
    const double top = 14 + legend_height(left, c->series_names, c->series), bottom = top + (double)c->rows * band;
    open_chart(h, c->caption, bottom + 44);
    legend(h, left, 12, c->series_names, c->series, c->marker_series, true);
    scale x;
    make_scale(&x, 0, hi * 1.04, false, left, right); /* room for a marker at the largest value */
    x_axis(h, &x, top, bottom, c->value_title);
    for (size_t r = 0; r < c->rows; r++) {
        const double y = top + (double)r * band + row_gap / 2;
        row_label(h, left - 8, y + (band - row_gap) / 2, c->row_labels[r]);
        for (size_t s = 0; s < c->series; s++) {
            const lm_chart_value *v = &c->values[r * c->series + s];
            if (!isfinite(v->v) || v->v < 0) continue;
            if (s < bars) {
                lm_html_printf(h, "<rect class=\"mark\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"%s\">",
                               left, y + (double)s * bar_height, fmax(to_px(&x, v->v) - left, 0.5), bar_height - 1,
                               palette[s % PALETTE_SIZE]);
                mark_title(h, v->tip);
                lm_html_raw(h, "</rect>");
            } else {
                const double cx = to_px(&x, v->v), cy = y + (band - row_gap) / 2;
                lm_html_printf(h, "<path class=\"mark marker\" d=\"M%.2f %.2fl5 5l-5 5l-5 -5z\" fill=\"%s\">", cx, cy - 5,
                               marker_colours[(s - bars) % 3]);
                mark_title(h, v->tip);
                lm_html_raw(h, "</path>");
            }
        }
        lm_html_raw(h, "\n");
    }
    if (isfinite(c->reference)) {
        const double rx = to_px(&x, c->reference);
        lm_html_printf(h, "<line class=\"reference\" x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\"/>\n", rx, top, rx,
                       bottom);
    }
    close_chart(h, c->caption);
}

void lm_chart_stacks(lm_html *h, const lm_stack_chart *c) {
    const double bar_height = 13, row_gap = 5, band = bar_height + row_gap;
    const double left = label_width(c->row_labels, c->rows) + 8, right = WIDTH - 90;
    const double top = 14 + legend_height(left, c->part_names, c->parts), bottom = top + (double)c->rows * band;
    open_chart(h, c->caption, bottom + 44);
    legend(h, left, 12, c->part_names, c->parts, 0, true);
    scale x;
    make_scale(&x, 0, 100, false, left, right);
    x_axis(h, &x, top, bottom, "share of the time (%)");
    for (size_t r = 0; r < c->rows; r++) {
        const double y = top + (double)r * band + row_gap / 2;
        const lm_chart_value *v = &c->values[r * c->parts];
        double total = 0;
        for (size_t p = 0; p < c->parts; p++)
            if (isfinite(v[p].v) && v[p].v > 0) total += v[p].v;
        row_label(h, left - 8, y + bar_height / 2, c->row_labels[r]);
        double at = 0;
        for (size_t p = 0; p < c->parts && total > 0; p++) {
            if (!isfinite(v[p].v) || v[p].v <= 0) continue;
            const double share = 100 * v[p].v / total;
            lm_html_printf(h, "<rect class=\"mark\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"%s\">",
                           to_px(&x, at), y, fmax(to_px(&x, at + share) - to_px(&x, at), 0.3), bar_height,
                           palette[p % PALETTE_SIZE]);
            mark_title(h, v[p].tip);
            lm_html_raw(h, "</rect>");
            at += share;
        }
        lm_html_printf(h, "<text class=\"note\" x=\"%.2f\" y=\"%.2f\">", right + 6, y + bar_height / 2 + 4);
        lm_html_text(h, c->row_notes[r]);
        lm_html_raw(h, "</text>\n");
    }
    close_chart(h, c->caption);
}
