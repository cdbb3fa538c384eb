/* Correlations and least-squares lines (see correlation.h). */
#include "bench/stats/correlation.h"

#include <math.h>
#include <stdlib.h>

/* Average ranks (1-based) of v[0..n), ties sharing the mean of their ranks. Quadratic, but the
 * samples are a run's cases, at most a few thousand, and it needs no memory. */
static void ranks(const double *v, size_t n, double *rank) {
    for (size_t i = 0; i < n; i++) {
        size_t below = 0, equal = 0;
        for (size_t j = 0; j < n; j++) {
            below += v[j] < v[i];
            equal += v[j] == v[i];
        }
        rank[i] = (double)below + (double)(equal + 1) / 2.0;
    }
}

double lm_pearson(const double *x, const double *y, size_t n) {
    if (n == 0) return 0;
    double mx = 0, my = 0;
    for (size_t i = 0; i < n; i++) mx += x[i], my += y[i];
    mx /= (double)n, my /= (double)n;
    double sxy = 0, sxx = 0, syy = 0;
    for (size_t i = 0; i < n; i++) {
        sxy += (x[i] - mx) * (y[i] - my);
        sxx += (x[i] - mx) * (x[i] - mx);
        syy += (y[i] - my) * (y[i] - my);
    }
    return sxx > 0 && syy > 0 ? sxy / sqrt(sxx * syy) : 0;
}

double lm_spearman(const double *x, const double *y, size_t n) {
    if (n < 2) return 0;
    double *rx = malloc(2 * n * sizeof *rx);
    if (!rx) return NAN;
    double *ry = rx + n;
    ranks(x, n, rx);
    ranks(y, n, ry);
    const double rho = lm_pearson(rx, ry, n);
    free(rx);
    return rho;
}

lm_line_fit lm_fit_line(const double *x, const double *y, size_t n) {
    lm_line_fit fit = {NAN, NAN, NAN};
    if (n < 2) return fit;
    double mx = 0, my = 0;
    for (size_t i = 0; i < n; i++) mx += x[i], my += y[i];
    mx /= (double)n, my /= (double)n;
    double sxy = 0, sxx = 0;
    for (size_t i = 0; i < n; i++) sxy += (x[i] - mx) * (y[i] - my), sxx += (x[i] - mx) * (x[i] - mx);
    if (sxx > 0) {
        fit.slope = sxy / sxx;
        fit.intercept = my - fit.slope * mx;
        const double rho = lm_pearson(x, y, n);
        fit.r2 = rho * rho;
    }
    return fit;
}

lm_line_fit lm_fit_log_log(const double *x, const double *y, size_t n) {
    lm_line_fit fit = {NAN, NAN, NAN};
    if (n < 2) return fit;
    double *lx = malloc(2 * n * sizeof *lx);
    if (!lx) return fit;
    double *ly = lx + n;
    for (size_t i = 0; i < n; i++) lx[i] = log(x[i]), ly[i] = log(y[i]);
    fit = lm_fit_line(lx, ly, n);
    free(lx);
    return fit;
}
