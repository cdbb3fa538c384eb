/* The t interval of a ratio from per-round log ratios (see log_ratio.h). */
#include "bench/stats/log_ratio.h"

#include <math.h>
#include <stdbool.h>

#include "bench/stats/student_t.h"

lm_log_ratio_interval lm_log_ratio_t_interval(const double *d, size_t n, double confidence) {
    lm_log_ratio_interval r = {NAN, NAN, NAN, NAN, NAN, n};
    if (n == 0 || !d) return r;
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(d[i])) return r;
        sum += d[i];
    }
    r.log_mean = sum / (double)n;
    r.ratio = exp(r.log_mean);
    if (n < 2) return r;
    double squares = 0; /* about the mean, in a second pass: no cancellation for nearly equal rounds */
    for (size_t i = 0; i < n; i++) squares += (d[i] - r.log_mean) * (d[i] - r.log_mean);
    r.log_sd = sqrt(squares / (double)(n - 1));
    if (!(confidence > 0 && confidence < 1)) return r;
    const double half = lm_student_t_quantile((1 + confidence) / 2, (double)(n - 1)) * r.log_sd / sqrt((double)n);
    r.lo = exp(r.log_mean - half);
    r.hi = exp(r.log_mean + half);
    return r;
}

/* Whether n rounds resolve the margin: the half-width of the log interval is below log(1 + margin). */
static bool resolves(size_t n, double log_sd, double log_margin, double confidence) {
    return lm_student_t_quantile((1 + confidence) / 2, (double)(n - 1)) * log_sd / sqrt((double)n) < log_margin;
}

size_t lm_rounds_to_resolve(double log_sd, double margin, double confidence, size_t max) {
    if (!(log_sd >= 0) || !(margin > 0) || !(confidence > 0 && confidence < 1) || max < 2) return 0;
    const double log_margin = log1p(margin);
    if (!resolves(max, log_sd, log_margin, confidence)) return 0;
    /* The half-width falls as n grows (both the t quantile and 1 / sqrt(n) do), so bisect on n: a
     * handful of quantiles even for a large max. Invariant: lo does not resolve (or is 1), hi does. */
    size_t lo = 1, hi = max;
    while (hi - lo > 1) {
        const size_t mid = lo + (hi - lo) / 2;
        if (resolves(mid, log_sd, log_margin, confidence)) hi = mid;
        else lo = mid;
    }
    return hi;
}
