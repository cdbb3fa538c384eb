/* Charts as inline SVG, readable without JavaScript: axes with ticks, titles and units, a legend, and
 * a <title> on every mark so that hovering it shows its name and values. Every chart is an
 * <svg class="chart"> inside a <figure>; every data mark (point, bar, segment, paper marker) has the
 * class "mark". Values that are not finite (or not positive on a log axis) are left out. */
#ifndef LM_REPORTS_SVG_CHART_H
#define LM_REPORTS_SVG_CHART_H

#include <stdbool.h>
#include <stddef.h>

#include "reports/html.h"

#define LM_CHART_TIP 256

/* One value with the text its hover shows. */
typedef struct lm_chart_value {
    double v;
    char tip[LM_CHART_TIP];
} lm_chart_value;

typedef struct lm_chart_point {
    double x, y;
    char tip[LM_CHART_TIP];
} lm_chart_point;

typedef struct lm_chart_series {
    char name[96];
    size_t count;
    lm_chart_point *points;
} lm_chart_series;

typedef struct lm_chart_axis {
    const char *title; /* with its unit, e.g. "latency (ms)" */
    bool log;
} lm_chart_axis;

/* A labelled line through a few points (e.g. a roof of a roofline). */
typedef struct lm_chart_line {
    char label[64];
    bool label_at_start; /* the label above the first point, else above the last */
    size_t count;
    double x[4], y[4];
} lm_chart_line;

/* A scatter plot of series of points, over `line_count` lines (which are not marks). */
void lm_chart_scatter(lm_html *h, const char *caption, lm_chart_axis x, lm_chart_axis y,
                      const lm_chart_series *series, size_t series_count, const lm_chart_line *lines,
                      size_t line_count);

/* Horizontal bars: per row, one bar per bar series, and the last `marker_series` series drawn as
 * markers (e.g. the paper's figures) over the row. values[row * series + s]. A dashed line marks
 * `reference` unless it is NaN. The value axis starts at 0. */
typedef struct lm_bar_chart {
    const char *caption, *value_title;
    size_t rows, series, marker_series;
    const char *const *row_labels;
    const char *const *series_names;
    const lm_chart_value *values;
    double reference;
} lm_bar_chart;
void lm_chart_bars(lm_html *h, const lm_bar_chart *chart);

/* Horizontal bars of 100%: per row, each part's share of the row's total; the row's note (e.g. the
 * total) is written after the bar. values[row * parts + p], hover text per segment. */
typedef struct lm_stack_chart {
    const char *caption;
    size_t rows, parts;
    const char *const *row_labels;
    const char *const *part_names;
    const lm_chart_value *values;
    const char *const *row_notes;
} lm_stack_chart;
void lm_chart_stacks(lm_html *h, const lm_stack_chart *chart);

#endif
