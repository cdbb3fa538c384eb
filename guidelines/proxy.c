/* FLOPs and MAC as proxies for latency (see proxy.h). */
#include "guidelines/proxy.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Average ranks (1-based) of v[0..n), ties sharing the mean of their ranks. */
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

/* Pearson's correlation of a and b; 0 when either is constant. */
static double pearson(const double *a, const double *b, size_t n) {
    double ma = 0, mb = 0;
    for (size_t i = 0; i < n; i++) ma += a[i], mb += b[i];
    ma /= (double)n, mb /= (double)n;
    double sab = 0, saa = 0, sbb = 0;
    for (size_t i = 0; i < n; i++) {
        sab += (a[i] - ma) * (b[i] - mb);
        saa += (a[i] - ma) * (a[i] - ma);
        sbb += (b[i] - mb) * (b[i] - mb);
    }
    return saa > 0 && sbb > 0 ? sab / sqrt(saa * sbb) : 0;
}

double lm_spearman(const double *x, const double *y, size_t n) {
    if (n < 2) return 0;
    double *rx = malloc(2 * n * sizeof *rx);
    if (!rx) return NAN;
    double *ry = rx + n;
    ranks(x, n, rx);
    ranks(y, n, ry);
    const double rho = pearson(rx, ry, n);
    free(rx);
    return rho;
}

void lm_log_fit(const double *x, const double *y, size_t n, double *slope, double *r2) {
    *slope = *r2 = NAN;
    if (n < 2) return;
    double *lx = malloc(2 * n * sizeof *lx);
    if (!lx) return;
    double *ly = lx + n;
    for (size_t i = 0; i < n; i++) lx[i] = log(x[i]), ly[i] = log(y[i]);
    double mx = 0, my = 0;
    for (size_t i = 0; i < n; i++) mx += lx[i], my += ly[i];
    mx /= (double)n, my /= (double)n;
    double sxy = 0, sxx = 0;
    for (size_t i = 0; i < n; i++) sxy += (lx[i] - mx) * (ly[i] - my), sxx += (lx[i] - mx) * (lx[i] - mx);
    if (sxx > 0) {
        *slope = sxy / sxx;
        const double rho = pearson(lx, ly, n);
        *r2 = rho * rho;
    }
    free(lx);
}

/* Whether a case counts in `population` in `column` (dispatch's choices only: a forced variant is not
 * what latmac runs there). */
static bool counts(const lm_result_case *c, const char *population, const lm_result_column *column) {
    if (!lm_result_in_column(c, column) || c->variant || strcmp(c->backend, LM_BACKEND_LATMAC) != 0 ||
        !c->mac || c->experiment[0] || lm_result_failed(c))
        return false;
    if (strcmp(population, "networks") == 0) return c->network[0] && c->layer_index < 0;
    return !c->network[0] && strcmp(c->suite, "kernels") == 0;
}

size_t lm_proxy_analyse(const lm_results *r, lm_proxy_result *out, size_t max) {
    static const char *const populations[] = {"networks", "kernels"};
    size_t produced = 0;
    double *v = malloc(3 * (r->case_count + 1) * sizeof *v);
    if (!v) return 0;
    double *latency = v, *madds = v + r->case_count + 1, *mac = madds + r->case_count + 1;
    lm_result_column columns[LM_RESULT_MAX_COLUMNS];
    const size_t column_count = lm_results_columns(r, columns, LM_RESULT_MAX_COLUMNS);
    for (size_t p = 0; p < 2; p++)
        for (size_t t = 0; t < column_count && produced < max; t++) {
            size_t n = 0;
            for (size_t i = 0; i < r->case_count; i++) {
                const lm_result_case *c = &r->cases[i];
                double seconds;
                if (!counts(c, populations[p], &columns[t]) || !lm_result_seconds(c, "median", &seconds) ||
                    !(seconds > 0))
                    continue;
                latency[n] = seconds, madds[n] = (double)c->madds, mac[n] = (double)c->mac;
                n++;
            }
            if (n < 3) continue;
            lm_proxy_result *o = &out[produced++];
            *o = (lm_proxy_result){.population = populations[p], .threads = columns[t].threads, .count = n};
            memcpy(o->isa, columns[t].isa, sizeof o->isa);
            o->madds.spearman = lm_spearman(madds, latency, n);
            o->mac.spearman = lm_spearman(mac, latency, n);
            lm_log_fit(mac, latency, n, &o->mac.slope, &o->mac.r2);
            /* operators without MAdds (shuffle, add, pooling...) rank last by MAdds, tied, but have no
             * logarithm: the fit uses the others */
            size_t k = 0;
            for (size_t i = 0; i < n; i++)
                if (madds[i] > 0) madds[k] = madds[i], latency[k] = latency[i], k++;
            lm_log_fit(madds, latency, k, &o->madds.slope, &o->madds.r2);
        }
    free(v);
    return produced;
}
