/* The Mann-Whitney U test and the Hodges-Lehmann ratio (see rank_tests.h). */
#include "bench/stats/rank_tests.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

#include "bench/stats/summary.h"

static bool all_finite(const double *x, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i])) return false;
    return true;
}

/* The sum of t^3 - t over the groups of t equal values in the pooled sample, which is what ties take
 * from the variance of U (0 when there are no ties); -1 when out of memory. */
static double pooled_tie_term(const double *a, size_t n, const double *b, size_t m) {
    size_t total = n + m;
    double *pooled = malloc(total * sizeof *pooled);
    if (!pooled) return -1;
    for (size_t i = 0; i < n; i++) pooled[i] = a[i];
    for (size_t j = 0; j < m; j++) pooled[n + j] = b[j];
    lm_sort(pooled, total);
    double term = 0;
    for (size_t start = 0; start < total;) {
        size_t end = start + 1;
        while (end < total && pooled[end] == pooled[start]) end++;
        double t = (double)(end - start);
        term += t * t * t - t;
        start = end;
    }
    free(pooled);
    return term;
}

/* U counted pair by pair: n*m is at most a few thousand here, and this needs no memory. */
static double u_statistic(const double *a, size_t n, const double *b, size_t m) {
    double u = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < m; j++) u += b[j] > a[i] ? 1.0 : b[j] == a[i] ? 0.5 : 0.0;
    return u;
}

/* The exact null distribution of U for samples of n and m distinct values: P(U = u) for u = 0..n*m, in
 * a new array (NULL when out of memory).
 *
 * Let f(i, j, u) count the orderings of i a's and j b's with u pairs where an a comes before a b. The
 * largest of the i + j values is either an a, which precedes no b, or a b, which follows all i a's:
 * f(i, j, u) = f(i-1, j, u) + f(i, j-1, u-i). Going i = 1..n, one slot per j holds f(i-1, j, .) until it
 * is overwritten with f(i, j, .), and slot j-1 already holds f(i, j-1, .), so one table suffices. Only
 * additions, so no cancellation: the counts (at most C(100, 50), about 1e29) lose no more than rounding
 * and stay exact while below 2^53, which covers the far tails that decide small p-values. The
 * distribution is the same for (n, m) and (m, n), so the shorter side indexes the slots. */
static double *u_distribution(size_t n, size_t m) {
    if (n > m) {
        size_t t = n;
        n = m;
        m = t;
    }
    size_t width = n * m + 1; /* u = 0..n*m */
    double *f = calloc((m + 1) * width, sizeof *f);
    if (!f) return NULL;
    for (size_t j = 0; j <= m; j++) f[j * width] = 1; /* no a's: no pairs, one ordering */
    for (size_t i = 1; i <= n; i++) {
        /* f(i, 0, .) = [u == 0] already; slot j spans u = 0..i*j */
        for (size_t j = 1; j <= m; j++) {
            double *cur = f + j * width;
            const double *left = f + (j - 1) * width;
            for (size_t u = i; u <= i * j; u++) cur[u] += left[u - i];
        }
    }
    double *p = malloc(width * sizeof *p);
    if (p) {
        const double *counts = f + m * width;
        double total = 0;
        for (size_t u = 0; u < width; u++) total += counts[u];
        for (size_t u = 0; u < width; u++) p[u] = counts[u] / total;
    }
    free(f);
    return p;
}

static double normal_cdf(double z) { return 0.5 * erfc(-z / sqrt(2.0)); }

/* The z with normal_cdf(z) = q, 0 < q < 1, by bisection: slow next to a rational approximation, but it
 * is called once per interval and is plainly right. */
static double normal_quantile(double q) {
    double lo = -40, hi = 40;
    for (int it = 0; it < 200 && hi - lo > 1e-15; it++) {
        double mid = 0.5 * (lo + hi);
        if (normal_cdf(mid) < q) lo = mid;
        else hi = mid;
    }
    return 0.5 * (lo + hi);
}

static bool use_exact(size_t n, size_t m, double tie_term) {
    return tie_term == 0 && n <= LM_RANK_EXACT_MAX && m <= LM_RANK_EXACT_MAX;
}

/* The p-value from the two tails P(U <= u) and P(U >= u). */
static double p_of_tails(double below, double above, lm_alternative alternative) {
    const double p = alternative == LM_GREATER ? above : alternative == LM_LESS ? below : 2 * fmin(below, above);
    return p < 1 ? p : 1;
}

double lm_mann_whitney_p(const double *a, size_t n, const double *b, size_t m, lm_alternative alternative) {
    if (n == 0 || m == 0 || !a || !b) return 1;
    if (!all_finite(a, n) || !all_finite(b, m)) return 1;
    double tie_term = pooled_tie_term(a, n, b, m);
    if (tie_term < 0) return 1;
    double u = u_statistic(a, n, b, m);
    double nm = (double)n * (double)m;

    if (use_exact(n, m, tie_term)) {
        double *dist = u_distribution(n, m);
        if (dist) {
            /* Without ties u is an integer. Each tail is summed from its extreme inwards, so p(a, b)
             * and p(b, a), whose u mirror each other in a symmetric table, add the same terms in the
             * same order and agree exactly. */
            size_t k = (size_t)u, top = n * m;
            double below = 0, above = 0; /* P(U <= u), P(U >= u) */
            for (size_t v = 0; v <= k; v++) below += dist[v];
            for (size_t v = top + 1; v-- > k;) above += dist[v];
            free(dist);
            return p_of_tails(below, above, alternative);
        }
        /* out of memory for the table: the approximation below is still a valid test */
    }

    /* Normal approximation. Ties shrink the variance of U by nm/12 * sum(t^3 - t) / (N(N-1)). */
    double total = (double)(n + m);
    double var = nm / 12 * ((total + 1) - tie_term / (total * (total - 1)));
    if (!(var > 0)) return 1; /* every value equal: no evidence either way */
    double sd = sqrt(var), mean = nm / 2;
    /* continuity correction: P(U <= u) ~ Phi((u + 1/2 - mean) / sd),
     * P(U >= u) ~ Phi((mean - u + 1/2) / sd) */
    double below = normal_cdf((u + 0.5 - mean) / sd);
    double above = normal_cdf((mean - u + 0.5) / sd);
    return p_of_tails(below, above, alternative);
}

double lm_mann_whitney_min_p(size_t n, size_t m) {
    double *ranks = malloc((n + m ? n + m : 1) * sizeof *ranks);
    if (!ranks) return 1;
    for (size_t i = 0; i < n + m; i++) ranks[i] = (double)i;
    const double p = lm_mann_whitney_p(ranks, n, ranks + n, m, LM_TWO_SIDED);
    free(ranks);
    return p;
}

/* How many of the smallest (and of the largest) pairwise ratios the interval leaves out, plus one: the
 * interval is [k-th smallest, k-th largest]. The true shift d (here a log ratio) lies below the k-th
 * smallest pairwise difference exactly when U computed on (a, b - d) is at least n*m - k + 1, and above
 * the k-th largest when it is at most k - 1; by symmetry each has probability P(U <= k-1), so k is the
 * largest value keeping 2 P(U <= k-1) within 1 - confidence, and 0 when even k = 1 would miss too often
 * (the samples are too small for this confidence). The normal approximation instead never goes below 1,
 * which keeps an interval (all the ratios' range) where ties or size rule out the exact count. */
static size_t interval_rank(size_t n, size_t m, double tie_term, double confidence) {
    double tail = (1 - confidence) / 2, nm = (double)n * (double)m;
    if (use_exact(n, m, tie_term)) {
        double *dist = u_distribution(n, m);
        if (dist) {
            /* tolerance: tail probabilities that equal `tail` on paper must count as within it */
            double cumulative = 0, slack = 1e-12;
            size_t k = 0;
            while (k <= n * m) {
                cumulative += dist[k];
                if (cumulative > tail * (1 + slack)) break;
                k++;
            }
            free(dist);
            return k;
        }
    }
    double z = normal_quantile(1 - tail);
    double k = floor(nm / 2 - z * sqrt(nm * (double)(n + m + 1) / 12));
    return k < 1 ? 1 : (size_t)k;
}

lm_ratio_estimate lm_hodges_lehmann_ratio(const double *a, size_t n, const double *b, size_t m, double confidence) {
    lm_ratio_estimate none = {NAN, NAN, NAN};
    if (!lm_positive_sample(a, n) || !lm_positive_sample(b, m)) return none;

    size_t count = n * m;
    double *ratios = malloc(count * sizeof *ratios);
    if (!ratios) return none;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < m; j++) ratios[i * m + j] = b[j] / a[i];
    lm_sort(ratios, count);

    /* For an even count the middle two are combined geometrically, as the median of the log ratios
     * would: the estimate for (b, a) is then exactly the reciprocal of the one for (a, b). */
    lm_ratio_estimate e;
    e.ratio = count % 2 ? ratios[count / 2] : sqrt(ratios[count / 2 - 1] * ratios[count / 2]);
    e.low = e.high = e.ratio;

    if (confidence > 0 && confidence < 1) { /* otherwise there is no interval to give: low = high */
        /* ratios are ordered as log differences are, and ties in the data are what the rank
         * distribution cares about */
        double tie_term = pooled_tie_term(a, n, b, m);
        if (tie_term >= 0) {
            size_t k = interval_rank(n, m, tie_term, confidence);
            if (k > (count + 1) / 2) k = (count + 1) / 2; /* never past the middle */
            if (k >= 1) {
                e.low = ratios[k - 1];
                e.high = ratios[count - k];
            }
        } else {
            e.low = e.high = NAN; /* no memory to bound it: claim no interval at all */
        }
    }
    free(ratios);
    return e;
}
