/* The report's sections, one file each, and what they share: the columns runs x thread counts, and
 * table cells. Internal to reports/. */
#ifndef LM_REPORTS_HTML_SECTIONS_H
#define LM_REPORTS_HTML_SECTIONS_H

#include <stddef.h>

#include "reports/html.h"
#include "reports/report_run.h"
#include "reports/svg_chart.h"

#define LM_REPORT_MAX_COLUMNS 64
#define LM_REPORT_MAX_SWEEP 64  /* working sets of a bandwidth sweep drawn */
#define LM_REPORT_MAX_LEVELS 8  /* memory levels drawn as roofs */

/* A column of the report's tables and a series of its charts: one run at one thread count and one
 * instruction-set cap. */
typedef struct lm_report_column {
    const lm_report_run *run;
    size_t run_index;
    int threads;
    char isa[12];  /* the cap of latmac's cases; "" for a run that records none */
    char name[64]; /* "2 threads", "2 threads, avx2" when the run timed several caps, "B, 2 threads" when
                      comparing runs */
} lm_report_column;

typedef struct lm_report {
    lm_html *h;
    const lm_report_run *runs;
    size_t run_count;
    lm_report_column columns[LM_REPORT_MAX_COLUMNS];
    size_t column_count;
} lm_report;

/* The result of case <suite>/<shape>/<backend> in column c, or NULL. */
json_t *lm_report_column_case(const lm_report_column *c, const char *suite, const char *shape, const char *backend);

/* The cases `keep` accepts, across runs, one entry per case name (`case`: the first seen), in the
 * files' order; the caller owns the list (empty when out of memory). */
json_t *lm_report_distinct_cases(const lm_report *r, bool (*keep)(const json_t *entry, const void *context),
                                 const void *context);
/* The first run's column at c's thread count and cap, when c belongs to a later run: what "vs A" compares
 * with. NULL otherwise. */
const lm_report_column *lm_report_baseline(const lm_report *r, const lm_report_column *c);

/* Table cells: a number with printf format `format` (a dash when not finite), right-aligned. */
void lm_report_num(lm_html *h, const char *format, double v);
/* A numeric cell "[lo, hi]" to 3 decimals, or a dash when either is not finite. */
void lm_report_interval(lm_html *h, double lo, double hi);
/* A cell of text, escaped. */
void lm_report_td(lm_html *h, const char *text);
/* A header cell, right-aligned for numbers when `num`. */
void lm_report_th(lm_html *h, const char *text, bool num);
/* A header cell over `span` columns: a run and thread count's group of columns. */
void lm_report_group_th(lm_html *h, const char *text, size_t span);
/* The case's fraction of the roofline, its binding roof on hover; a dash when not placed. */
void lm_report_roof_cell(lm_html *h, const json_t *entry);
/* The case's flags ("noisy", "load") and "error" as small badges. */
void lm_report_flags(lm_html *h, const json_t *entry);
/* The entry of a list (e.g. context.latmac.verdicts) whose `key` is `value` at c's threads and cap, or
 * NULL. */
const json_t *lm_report_find(const json_t *list, const char *key, const char *value, const lm_report_column *c);
/* A guideline verdict as a coloured badge with its count of confirming comparisons. */
void lm_report_verdict(lm_html *h, const json_t *verdict);
/* Opens a <table> inside a scrolling wrapper; lm_report_table_end closes both. */
void lm_report_table_begin(lm_html *h, const char *caption);
void lm_report_table_end(lm_html *h);

void lm_report_summary_section(lm_report *r);    /* html_summary.c */
void lm_report_host_section(lm_report *r);       /* html_host.c */
bool lm_report_has_ceilings(const lm_report *r); /* html_roofline.c */
void lm_report_roofline_section(lm_report *r);
void lm_report_guideline_section(lm_report *r);  /* html_guidelines.c */
void lm_report_network_sections(lm_report *r);   /* html_networks.c: networks, then decomposition */
void lm_report_kernel_section(lm_report *r);     /* html_kernels.c */

#endif
