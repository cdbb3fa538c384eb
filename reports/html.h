/* Writing HTML and SVG markup: escaped text, formatted markup, and one failure flag for the whole
 * document, so writers emit freely and check once at the end. */
#ifndef LM_REPORTS_HTML_H
#define LM_REPORTS_HTML_H

#include <stdbool.h>
#include <stdio.h>

typedef struct lm_html {
    FILE *out;
    bool failed; /* a write failed; everything after it is skipped */
} lm_html;

/* Markup as given (the caller escapes what it interpolates). */
void lm_html_raw(lm_html *h, const char *markup);
void lm_html_printf(lm_html *h, const char *format, ...) __attribute__((format(printf, 2, 3)));
/* Text escaped for an element's content or a quoted attribute value (& < > " '). */
void lm_html_text(lm_html *h, const char *text);
void lm_html_textf(lm_html *h, const char *format, ...) __attribute__((format(printf, 2, 3)));
/* A number for SVG coordinates: fixed, two decimals, never "nan" or "inf" (those become 0). */
void lm_html_coord(lm_html *h, double v);

#endif
