/* Non-negative least squares on relative errors (see relative_fit.h). */
#include "bench/predict/relative_fit.h"

#include <math.h>
#include <stdbool.h>
#include <string.h>

enum { K = LM_RELATIVE_FIT_MAX_TERMS };

/* Solves the m x m system a * b = r by Gaussian elimination with partial pivoting; false when singular. */
static bool solve(double a[K][K], double r[K], int m, double *b) {
    for (int col = 0; col < m; col++) {
        int pivot = col;
        for (int row = col + 1; row < m; row++)
            if (fabs(a[row][col]) > fabs(a[pivot][col])) pivot = row;
        if (fabs(a[pivot][col]) < 1e-12) return false;
        for (int j = 0; j < m; j++) {
            const double t = a[col][j];
            a[col][j] = a[pivot][j], a[pivot][j] = t;
        }
        const double t = r[col];
        r[col] = r[pivot], r[pivot] = t;
        for (int row = col + 1; row < m; row++) {
            const double f = a[row][col] / a[col][col];
            for (int j = col; j < m; j++) a[row][j] -= f * a[col][j];
            r[row] -= f * r[col];
        }
    }
    for (int row = m - 1; row >= 0; row--) {
        double s = r[row];
        for (int j = row + 1; j < m; j++) s -= a[row][j] * b[j];
        b[row] = s / a[row][row];
    }
    return true;
}

int lm_relative_fit(const double *x, const double *y, size_t n, int k, double *beta) {
    if (k < 1 || k > K) return -1;
    /* Each term is scaled to a mean of 1 first, so the normal equations stay well conditioned when the
     * terms differ by many orders of magnitude (a constant, multiply-adds, bytes). */
    double scale[K] = {0};
    for (int j = 0; j < k; j++) {
        for (size_t i = 0; i < n; i++) scale[j] += x[i * (size_t)k + (size_t)j] / y[i];
        scale[j] = n && scale[j] > 0 ? scale[j] / (double)n : 1;
    }
    double best = INFINITY;
    bool found = false;
    for (unsigned subset = 1; subset < 1u << k; subset++) {
        int terms[K], m = 0;
        for (int j = 0; j < k; j++)
            if (subset >> j & 1) terms[m++] = j;
        if ((size_t)m > n) continue;
        /* normal equations of the rows x[i] / y[i] against 1 */
        double a[K][K] = {{0}}, r[K] = {0}, b[K];
        for (size_t i = 0; i < n; i++)
            for (int p = 0; p < m; p++) {
                const double xp = x[i * (size_t)k + (size_t)terms[p]] / (y[i] * scale[terms[p]]);
                r[p] += xp;
                for (int q = 0; q < m; q++) a[p][q] += xp * x[i * (size_t)k + (size_t)terms[q]] / (y[i] * scale[terms[q]]);
            }
        if (!solve(a, r, m, b)) continue;
        bool feasible = true;
        for (int p = 0; p < m; p++) feasible &= b[p] >= 0;
        if (!feasible) continue;
        double residual = 0;
        for (size_t i = 0; i < n; i++) {
            double prediction = 0;
            for (int p = 0; p < m; p++) prediction += b[p] * x[i * (size_t)k + (size_t)terms[p]] / scale[terms[p]];
            residual += (prediction / y[i] - 1) * (prediction / y[i] - 1);
        }
        if (residual < best) {
            best = residual, found = true;
            memset(beta, 0, (size_t)k * sizeof *beta);
            for (int p = 0; p < m; p++) beta[terms[p]] = b[p] / scale[terms[p]];
        }
    }
    return found ? 0 : -1;
}
