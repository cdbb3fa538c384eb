/* The t interval of a ratio from per-round log ratios, plain or trimmed (see log_ratio.h). */
#include "bench/stats/log_ratio.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

#include "bench/stats/student_t.h"

static int ascending(const void *a, const void *b) {
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* g = floor(trim n), computed so that trim = g / n exactly gives g despite rounding. */
static size_t trimmed_count(double trim, size_t n) { return (size_t)floor(trim * (double)n + 1e-9); }

/* The half-width of the log interval for n rounds, g trimmed from each end; NaN without 2 kept. */
static double half_width(double log_sd, size_t n, size_t g, double confidence) {
    if (n < 2 * g + 2) return NAN;
    const double kept = (double)(n - 2 * g) / (double)n;
    return lm_student_t_quantile((1 + confidence) / 2, (double)(n - 2 * g - 1)) * log_sd / (kept * sqrt((double)n));
}

lm_log_ratio_interval lm_log_ratio_trimmed_interval(const double *d, size_t n, double confidence, double trim) {
    lm_log_ratio_interval r = {NAN, NAN, NAN, NAN, NAN, n, 0};
    if (n == 0 || !d || !(trim >= 0 && trim < 0.5)) return r;
    double *s = malloc(n * sizeof *s);
    if (!s) return r;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(d[i])) {
            free(s);
            return r;
        }
        s[i] = d[i];
    }
    qsort(s, n, sizeof *s, ascending);
    const size_t g = r.trimmed = trimmed_count(trim, n);
    double sum = 0;
    for (size_t i = g; i < n - g; i++) sum += s[i];
    r.log_mean = sum / (double)(n - 2 * g);
    r.ratio = exp(r.log_mean);
    if (n >= 2) {
        /* The winsorized sample's mean and spread, the spread in a second pass: no cancellation for
         * nearly equal rounds. */
        double wsum = 0;
        for (size_t i = 0; i < n; i++) wsum += s[i < g ? g : i >= n - g ? n - g - 1 : i];
        const double wmean = wsum / (double)n;
        double squares = 0;
        for (size_t i = 0; i < n; i++) {
            const double w = s[i < g ? g : i >= n - g ? n - g - 1 : i] - wmean;
            squares += w * w;
        }
        r.log_sd = sqrt(squares / (double)(n - 1));
    }
    free(s);
    return lm_log_ratio_at(r, confidence);
}

lm_log_ratio_interval lm_log_ratio_t_interval(const double *d, size_t n, double confidence) {
    return lm_log_ratio_trimmed_interval(d, n, confidence, 0);
}

lm_log_ratio_interval lm_log_ratio_at(lm_log_ratio_interval e, double confidence) {
    e.lo = e.hi = NAN;
    if (e.n < 2 || !isfinite(e.log_mean) || !isfinite(e.log_sd) || !(confidence > 0 && confidence < 1)) return e;
    const double half = half_width(e.log_sd, e.n, e.trimmed, confidence);
    if (isnan(half)) return e;
    e.lo = exp(e.log_mean - half);
    e.hi = exp(e.log_mean + half);
    return e;
}

size_t lm_rounds_to_resolve(double log_sd, double margin, double confidence, double trim, size_t max) {
    if (!(log_sd >= 0) || !(margin > 0) || !(confidence > 0 && confidence < 1) || !(trim >= 0 && trim < 0.5))
        return 0;
    /* Counted up, not bisected: as n grows the half-width falls, but for trim > 0 it jumps back up a
     * little each time g = floor(trim n) steps. A few hundred quantiles at most. */
    const double log_margin = log1p(margin);
    for (size_t n = 2; n <= max; n++)
        if (half_width(log_sd, n, trimmed_count(trim, n), confidence) < log_margin) return n;
    return 0;
}

size_t lm_rounds_to_resolve_after(double log_sd, double margin, double confidence, double trim, size_t from,
                                  size_t max) {
    if (!(log_sd >= 0) || !(margin > 0) || !(confidence > 0 && confidence < 1) || !(trim >= 0 && trim < 0.5))
        return 0;
    /* Counted down from max while every count suffices: the last one that did is the answer. */
    const double log_margin = log1p(margin);
    size_t n = max;
    while (n > from && n >= 2 && half_width(log_sd, n, trimmed_count(trim, n), confidence) < log_margin) n--;
    return n == max ? 0 : n + 1;
}
