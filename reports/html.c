/* HTML and SVG output with escaping (see html.h). */
#include "reports/html.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>

void lm_html_raw(lm_html *h, const char *markup) {
    if (!h->failed && fputs(markup, h->out) == EOF) h->failed = true;
}

void lm_html_printf(lm_html *h, const char *format, ...) {
    if (h->failed) return;
    va_list ap;
    va_start(ap, format);
    if (vfprintf(h->out, format, ap) < 0) h->failed = true;
    va_end(ap);
}

void lm_html_text(lm_html *h, const char *text) {
    for (const char *p = text ? text : ""; *p && !h->failed; p++) {
        const char *entity = *p == '&' ? "&amp;" : *p == '<' ? "&lt;" : *p == '>' ? "&gt;"
                           : *p == '"' ? "&quot;" : *p == '\'' ? "&#39;" : NULL;
        if (entity ? fputs(entity, h->out) == EOF : fputc(*p, h->out) == EOF) h->failed = true;
    }
}

void lm_html_textf(lm_html *h, const char *format, ...) {
    if (h->failed) return;
    va_list ap;
    va_start(ap, format);
    char *text = NULL;
    const int n = vasprintf(&text, format, ap);
    va_end(ap);
    if (n < 0) {
        h->failed = true;
        return;
    }
    lm_html_text(h, text);
    free(text);
}

void lm_html_coord(lm_html *h, double v) { lm_html_printf(h, "%.2f", isfinite(v) ? v : 0.0); }
