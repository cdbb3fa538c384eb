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

lm_plane_fit lm_fit_plane(const double *x1, const double *x2, const double *y, size_t n) {
    lm_plane_fit fit = {NAN, NAN, NAN};
    if (n < 3) return fit;
    double m1 = 0, m2 = 0, my = 0;
    for (size_t i = 0; i < n; i++) m1 += x1[i], m2 += x2[i], my += y[i];
    m1 /= (double)n, m2 /= (double)n, my /= (double)n;
    double s11 = 0, s22 = 0, s12 = 0, s1y = 0, s2y = 0;
    for (size_t i = 0; i < n; i++) {
        const double a = x1[i] - m1, b = x2[i] - m2, c = y[i] - my;
        s11 += a * a, s22 += b * b, s12 += a * b, s1y += a * c, s2y += b * c;
    }
    const double det = s11 * s22 - s12 * s12;
    if (!(det > 1e-12 * s11 * s22) || !(s11 > 0) || !(s22 > 0)) return fit; /* collinear or constant */
    fit.b1 = (s22 * s1y - s12 * s2y) / det;
    fit.b2 = (s11 * s2y - s12 * s1y) / det;
    fit.intercept = my - fit.b1 * m1 - fit.b2 * m2;
    return fit;
}

double lm_partial_correlation(const double *x, const double *y, const double *z, size_t n) {
    if (n < 3) return NAN;
    const lm_line_fit fx = lm_fit_line(z, x, n), fy = lm_fit_line(z, y, n);
    if (isnan(fx.slope) || isnan(fy.slope)) return NAN;
    double *rx = malloc(2 * n * sizeof *rx);
    if (!rx) return NAN;
    double *ry = rx + n;
    for (size_t i = 0; i < n; i++)
        rx[i] = x[i] - (fx.intercept + fx.slope * z[i]), ry[i] = y[i] - (fy.intercept + fy.slope * z[i]);
    const double r = lm_pearson(rx, ry, n);
    free(rx);
    return r;
}
