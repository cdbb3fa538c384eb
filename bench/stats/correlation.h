/* How two paired samples x[0..n), y[0..n) go together: Pearson's and Spearman's correlations, and the
 * least-squares line (plain, and on logarithms for a power law y = c x^slope). */
#ifndef LM_STATS_CORRELATION_H
#define LM_STATS_CORRELATION_H

#include <stddef.h>

/* Pearson's correlation of x and y (n >= 1); 0 when either is constant. */
double lm_pearson(const double *x, const double *y, size_t n);

/* Spearman's rank correlation of x and y (n >= 2; ties get their average rank): Pearson's on the
 * ranks. 0 below 2 values or when either is constant; NaN when memory runs out. */
double lm_spearman(const double *x, const double *y, size_t n);

/* The least-squares line y = intercept + slope x and its R^2 (the square of Pearson's correlation; 0
 * when y is constant). Every field NaN below 2 values or when x is constant. */
typedef struct lm_line_fit {
    double intercept, slope, r2;
} lm_line_fit;
lm_line_fit lm_fit_line(const double *x, const double *y, size_t n);

/* The same fit of log(y) on log(x) (positive values): log y = intercept + slope log x. Every field NaN
 * also when memory runs out. */
lm_line_fit lm_fit_log_log(const double *x, const double *y, size_t n);

/* The least-squares plane y = intercept + b1 x1 + b2 x2 (ordinary least squares). Every field NaN
 * below 3 values or when x1 and x2 are constant or collinear. */
typedef struct lm_plane_fit {
    double intercept, b1, b2;
} lm_plane_fit;
lm_plane_fit lm_fit_plane(const double *x1, const double *x2, const double *y, size_t n);

/* The partial correlation of x and y given z: Pearson's correlation of what the least-squares lines on
 * z leave of x and of y (how x and y go together once z is accounted for). NaN below 3 values, when z
 * is constant, or when memory runs out. */
double lm_partial_correlation(const double *x, const double *y, const double *z, size_t n);

#endif
