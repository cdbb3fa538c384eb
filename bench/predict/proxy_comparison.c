/* FLOPs against MAC against the layer model (see proxy_comparison.h). */
#include "bench/predict/proxy_comparison.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "bench/stats/correlation.h"
#include "bench/stats/random.h"
#include "bench/stats/summary.h"

static const double bin_centres[] = {40e6, 140e6, 300e6, 500e6}; /* the paper's complexity levels */
#define BIN_WIDTH 0.15                                            /* within 15% of a centre */

const char *lm_proxy_kind_name(lm_proxy_kind k) {
    static const char *const names[LM_PROXY_COUNT] = {"MAdds", "MAC", "MAdds+MAC", "layer model"};
    return k >= 0 && k < LM_PROXY_COUNT ? names[k] : "unknown";
}

/* A network of a (resampled) sample: `origin` tells copies of one network apart from others. */
typedef struct member {
    lm_proxy_network net;
    size_t origin;
} member;

/* The statistics of one sample, each at its index: MAPE, share within 10% and Spearman per proxy,
 * then the partial correlation and the bins' concordance. */
enum { MAPE = 0, WITHIN_10 = LM_PROXY_COUNT, SPEARMAN = 2 * LM_PROXY_COUNT, PARTIAL = 3 * LM_PROXY_COUNT, CONCORDANCE,
       STATISTICS };
typedef struct sample_scores {
    double v[STATISTICS];
    size_t pairs;
} sample_scores;

/* Latency predicted from the proxies of the networks outside `family`, for network m. */
static double fitted(const member *s, size_t n, int family, lm_proxy_kind k, const member *m, double *scratch) {
    double *a = scratch, *b = scratch + n, *t = scratch + 2 * n;
    size_t used = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i].net.family != family)
            a[used] = log(s[i].net.madds), b[used] = log(s[i].net.mac), t[used++] = log(s[i].net.latency);
    if (k == LM_PROXY_MADDS_AND_MAC) {
        const lm_plane_fit f = lm_fit_plane(a, b, t, used);
        return exp(f.intercept + f.b1 * log(m->net.madds) + f.b2 * log(m->net.mac));
    }
    const lm_line_fit f = lm_fit_line(k == LM_PROXY_MADDS ? a : b, t, used);
    return exp(f.intercept + f.slope * log(k == LM_PROXY_MADDS ? m->net.madds : m->net.mac));
}

/* Scores every proxy on the sample s (n networks); `scratch` holds 5n doubles. */
static void score(const member *s, size_t n, double *scratch, sample_scores *out) {
    double *predicted = scratch + 3 * n, *latency = scratch + 4 * n;
    for (int k = 0; k < LM_PROXY_COUNT; k++) {
        size_t m = 0, within = 0;
        double ape = 0;
        for (size_t i = 0; i < n; i++) {
            const double p = k == LM_PROXY_LAYER_MODEL ? s[i].net.predicted
                                                       : fitted(s, n, s[i].net.family, (lm_proxy_kind)k, &s[i], scratch);
            if (!(p > 0) || !isfinite(p)) continue;
            const double e = fabs(p / s[i].net.latency - 1);
            ape += e, within += e <= 0.10;
            predicted[m] = p, latency[m++] = s[i].net.latency;
        }
        out->v[MAPE + k] = m ? ape / (double)m : NAN;
        out->v[WITHIN_10 + k] = m ? (double)within / (double)m : NAN;
        out->v[SPEARMAN + k] = m > 2 ? lm_spearman(predicted, latency, m) : NAN;
    }
    double *lt = scratch, *lmac = scratch + n, *lmadds = scratch + 2 * n;
    for (size_t i = 0; i < n; i++)
        lt[i] = log(s[i].net.latency), lmac[i] = log(s[i].net.mac), lmadds[i] = log(s[i].net.madds);
    out->v[PARTIAL] = lm_partial_correlation(lt, lmac, lmadds, n);
    size_t pairs = 0, agree = 0;
    for (size_t b = 0; b < sizeof bin_centres / sizeof bin_centres[0]; b++)
        for (size_t i = 0; i < n; i++)
            for (size_t j = i + 1; j < n; j++) {
                const bool in_bin = fabs(s[i].net.madds / bin_centres[b] - 1) <= BIN_WIDTH &&
                                    fabs(s[j].net.madds / bin_centres[b] - 1) <= BIN_WIDTH;
                if (!in_bin || s[i].origin == s[j].origin || s[i].net.mac == s[j].net.mac) continue;
                pairs++;
                agree += (s[i].net.mac < s[j].net.mac) == (s[i].net.latency < s[j].net.latency);
            }
    out->pairs = pairs;
    out->v[CONCORDANCE] = pairs ? (double)agree / (double)pairs : NAN;
}

static int by_value(const void *a, const void *b) {
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Statistic `which` of the whole sample, with the 2.5th and 97.5th percentiles of its finite values
 * over the resamples (`column` holds `resamples` doubles). */
static lm_interval interval(const sample_scores *whole, const sample_scores *draws, int resamples, int which,
                            double *column) {
    size_t m = 0;
    for (int r = 0; r < resamples; r++)
        if (isfinite(draws[r].v[which])) column[m++] = draws[r].v[which];
    const double value = whole->v[which];
    if (m < 10 || !isfinite(value)) return (lm_interval){value, NAN, NAN};
    qsort(column, m, sizeof *column, by_value);
    return (lm_interval){value, lm_quantile_sorted(column, m, 0.025), lm_quantile_sorted(column, m, 0.975)};
}

int lm_proxy_compare(const lm_proxy_network *nets, size_t n, int resamples, uint64_t seed, lm_proxy_comparison *out) {
    *out = (lm_proxy_comparison){.networks = n};
    int families[4096];
    size_t family_count = 0;
    for (size_t i = 0; i < n; i++) {
        bool seen = false;
        for (size_t f = 0; f < family_count; f++) seen |= families[f] == nets[i].family;
        if (!seen && family_count < sizeof families / sizeof families[0]) families[family_count++] = nets[i].family;
    }
    out->families = family_count;
    if (family_count < 3) return -1;
    const size_t cap = n * family_count; /* a resample holds at most every family's networks this often */
    member *s = malloc(cap * sizeof *s);
    double *scratch = malloc(5 * cap * sizeof *scratch);
    sample_scores *draws = malloc((size_t)(resamples > 0 ? resamples : 1) * sizeof *draws);
    double *column = malloc((size_t)(resamples > 0 ? resamples : 1) * sizeof *column);
    if (!s || !scratch || !draws || !column) {
        free(s), free(scratch), free(draws), free(column);
        return -1;
    }
    for (size_t i = 0; i < n; i++) s[i] = (member){.net = nets[i], .origin = i};
    sample_scores whole;
    score(s, n, scratch, &whole);
    uint64_t state = seed ? seed : 1;
    for (int r = 0; r < resamples; r++) {
        size_t m = 0;
        for (size_t f = 0; f < family_count; f++) {
            const int family = families[lm_random_below(&state, family_count)];
            for (size_t i = 0; i < n; i++)
                if (nets[i].family == family) s[m++] = (member){.net = nets[i], .origin = i};
        }
        score(s, m, scratch, &draws[r]);
    }
    for (int k = 0; k < LM_PROXY_COUNT; k++) {
        out->scores[k].mape = interval(&whole, draws, resamples, MAPE + k, column);
        out->scores[k].within_10 = interval(&whole, draws, resamples, WITHIN_10 + k, column);
        out->scores[k].spearman = interval(&whole, draws, resamples, SPEARMAN + k, column);
    }
    out->partial_mac_given_madds = interval(&whole, draws, resamples, PARTIAL, column);
    out->bin_concordance = interval(&whole, draws, resamples, CONCORDANCE, column);
    out->bin_pairs = whole.pairs;
    free(s), free(scratch), free(draws), free(column);
    return 0;
}
