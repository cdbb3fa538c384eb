/* Page's L test (see trend.h).
 *
 * The null's moments: in one block, ranks r_j permuted at random against weights w_j give
 * sum_j w_j r_pi(j) with mean mean(r) * sum(w) = (k + 1)/2 * sum(w) (midranks keep the mean) and
 * variance S_ww S_rr / (k - 1), S_ww = sum (w_j - mean w)^2 and S_rr likewise, as for any permutation
 * statistic (Var r_pi(j) = S_rr / k, Cov = -S_rr / (k (k - 1))). Without ties S_rr = k (k^2 - 1) / 12,
 * so the variance is (k + 1)/12 * (k sum w^2 - (sum w)^2); with weights 1..k, k^2 (k + 1)(k^2 - 1) / 144,
 * scipy's. Blocks are independent: L's mean and variance are the sums over blocks.
 *
 * The exact distribution counts in integers: doubled weights times doubled midranks (2 r_j, an integer
 * for a midrank) make each block's statistic an integer s, 4 times its share of L. Every s of a block
 * differs from another by a sum of transposition changes (2w_j - 2w_l)(2r_m - 2r_o), so all lie on a
 * lattice of step G = gcd(weight differences) * gcd(rank differences); indexing by (s - min s) / G keeps
 * the table as small as L's range allows. Each block's distribution is counted over its k! orders and
 * the blocks convolved. */
#include "bench/stats/trend.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The table of L values is convolved block by block; past this many multiply-adds (tens of
 * milliseconds) the normal approximation, good by then, is used instead. */
#define EXACT_WORK 20000000.0
/* Doubled weights up to this size keep every sum in int64 and the table index exact. */
#define EXACT_WEIGHT 1048576

/* Twice the midrank of x[j] among x[0..k): 2 * (1 + #below) + (#equal - 1), an integer. */
static int64_t doubled_rank(const double *x, size_t k, size_t j) {
    int64_t below = 0, equal = 0;
    for (size_t i = 0; i < k; i++) {
        below += x[i] < x[j];
        equal += x[i] == x[j];
    }
    return 2 * below + equal + 1;
}

static int64_t gcd(int64_t a, int64_t b) {
    a = a < 0 ? -a : a;
    b = b < 0 ? -b : b;
    while (b) {
        const int64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

static void sort_int(int64_t *x, size_t k) {
    for (size_t i = 1; i < k; i++)
        for (size_t j = i; j > 0 && x[j - 1] > x[j]; j--) {
            const int64_t t = x[j];
            x[j] = x[j - 1];
            x[j - 1] = t;
        }
}

static double p_of_tails(double below, double above, lm_alternative alternative) {
    const double p = alternative == LM_GREATER ? above : alternative == LM_LESS ? below : 2 * fmin(below, above);
    return p < 1 ? p : 1;
}

/* One block's distribution: P(s = min + G u) for u = 0..span into dist, over the k! orders of the
 * doubled ranks r against the doubled weights w (k <= LM_PAGE_EXACT_MAX_K). Heap's algorithm walks the
 * orders, one swap apart. */
static void block_distribution(const int64_t *w, const int64_t *sorted_r, size_t k, int64_t min, int64_t step,
                               double *dist, size_t span) {
    int64_t r[LM_PAGE_EXACT_MAX_K];
    size_t c[LM_PAGE_EXACT_MAX_K] = {0};
    memcpy(r, sorted_r, k * sizeof *r);
    for (size_t u = 0; u <= span; u++) dist[u] = 0;
    double orders = 0;
    for (size_t i = 0;;) {
        int64_t s = 0;
        for (size_t j = 0; j < k; j++) s += w[j] * r[j];
        dist[(s - min) / step] += 1;
        orders += 1;
        while (i < k && c[i] >= i) c[i++] = 0;
        if (i >= k) break;
        const size_t other = i % 2 ? c[i] : 0;
        const int64_t t = r[i];
        r[i] = r[other];
        r[other] = t;
        c[i]++;
        i = 1;
    }
    for (size_t u = 0; u <= span; u++) dist[u] /= orders;
}

/* The exact p, or a negative number when it is out of reach (weights not in halves, too much work, no
 * memory). doubled_r holds the blocks' doubled ranks, row-major. */
static double exact_p(const int64_t *doubled_r, size_t blocks, size_t k, const double *weights,
                      lm_alternative alternative) {
    if (k > LM_PAGE_EXACT_MAX_K) return -1;
    int64_t w[LM_PAGE_EXACT_MAX_K], sorted_w[LM_PAGE_EXACT_MAX_K];
    int64_t weight_step = 0, rank_step = 0;
    for (size_t j = 0; j < k; j++) {
        const double twice = 2 * weights[j];
        if (!(fabs(twice) <= EXACT_WEIGHT) || twice != floor(twice)) return -1;
        w[j] = sorted_w[j] = (int64_t)twice;
        weight_step = gcd(weight_step, w[j] - w[0]);
    }
    sort_int(sorted_w, k);
    for (size_t i = 0; i < blocks; i++)
        for (size_t j = 0; j < k; j++) rank_step = gcd(rank_step, doubled_r[i * k + j] - doubled_r[i * k]);
    if (weight_step == 0 || rank_step == 0) return 1; /* L is the same for every order */
    const int64_t step = weight_step * rank_step;

    /* Each block's range by the rearrangement inequality (sorted against sorted is the largest sum,
     * against reversed the smallest), and the work of convolving them. */
    int64_t observed = 0, lowest = 0;
    double width = 1, work = 0;
    int64_t sorted_r[LM_PAGE_EXACT_MAX_K];
    for (size_t i = 0; i < blocks; i++) {
        memcpy(sorted_r, doubled_r + i * k, k * sizeof *sorted_r);
        sort_int(sorted_r, k);
        int64_t min = 0, max = 0;
        for (size_t j = 0; j < k; j++) {
            min += sorted_w[j] * sorted_r[k - 1 - j];
            max += sorted_w[j] * sorted_r[j];
            observed += w[j] * doubled_r[i * k + j];
        }
        lowest += min;
        const double span = (double)((max - min) / step);
        work += width * (span + 1);
        width += span;
        if (work > EXACT_WORK) return -1;
    }

    const size_t total = (size_t)width;
    double *dist = malloc(total * sizeof *dist), *next = malloc(total * sizeof *next);
    double *block = malloc(total * sizeof *block);
    if (!dist || !next || !block) {
        free(dist);
        free(next);
        free(block);
        return -1;
    }
    dist[0] = 1;
    size_t filled = 1; /* dist[0..filled) is the distribution of the blocks so far */
    int64_t cached[LM_PAGE_EXACT_MAX_K];
    size_t cached_span = 0;
    bool have_cached = false;
    for (size_t i = 0; i < blocks; i++) {
        memcpy(sorted_r, doubled_r + i * k, k * sizeof *sorted_r);
        sort_int(sorted_r, k);
        /* Blocks with the same ranks up to order (every block without ties) share one distribution. */
        if (!have_cached || memcmp(cached, sorted_r, k * sizeof *sorted_r)) {
            int64_t min = 0, max = 0;
            for (size_t j = 0; j < k; j++) {
                min += sorted_w[j] * sorted_r[k - 1 - j];
                max += sorted_w[j] * sorted_r[j];
            }
            cached_span = (size_t)((max - min) / step);
            block_distribution(w, sorted_r, k, min, step, block, cached_span);
            memcpy(cached, sorted_r, k * sizeof *sorted_r);
            have_cached = true;
        }
        for (size_t v = 0; v < filled + cached_span; v++) next[v] = 0;
        for (size_t v = 0; v < filled; v++)
            for (size_t u = 0; u <= cached_span; u++) next[v + u] += dist[v] * block[u];
        double *t = dist;
        dist = next;
        next = t;
        filled += cached_span;
    }
    const size_t at = (size_t)((observed - lowest) / step);
    double below = 0, above = 0; /* summed from each extreme inwards, small terms first */
    for (size_t v = 0; v <= at; v++) below += dist[v];
    for (size_t v = filled; v-- > at;) above += dist[v];
    free(dist);
    free(next);
    free(block);
    return p_of_tails(below, above, alternative);
}

lm_page_trend lm_page_trend_test(const double *data, size_t blocks, size_t k, const double *weights,
                                 lm_alternative alternative) {
    lm_page_trend none = {NAN, NAN, NAN, 1, false};
    if (!data || !weights || blocks == 0 || k < 2) return none;
    for (size_t j = 0; j < k; j++)
        if (!isfinite(weights[j])) return none;
    for (size_t i = 0; i < blocks * k; i++)
        if (!isfinite(data[i])) return none;
    int64_t *doubled_r = malloc(blocks * k * sizeof *doubled_r);
    if (!doubled_r) return none;

    double sum_w = 0, s_ww = 0;
    for (size_t j = 0; j < k; j++) sum_w += weights[j];
    for (size_t j = 0; j < k; j++) s_ww += (weights[j] - sum_w / k) * (weights[j] - sum_w / k);
    const double mid = (k + 1) / 2.0;
    lm_page_trend t = {0, blocks * mid * sum_w, 0, 1, false};
    double variance = 0;
    for (size_t i = 0; i < blocks; i++) {
        double s_rr = 0;
        for (size_t j = 0; j < k; j++) {
            const int64_t r2 = doubled_r[i * k + j] = doubled_rank(data + i * k, k, j);
            t.l += weights[j] * (r2 / 2.0);
            s_rr += (r2 / 2.0 - mid) * (r2 / 2.0 - mid);
        }
        variance += s_ww * s_rr / (k - 1);
    }
    t.sd = sqrt(variance);

    const double p = exact_p(doubled_r, blocks, k, weights, alternative);
    free(doubled_r);
    if (p >= 0) {
        t.p = p;
        t.exact = true;
    } else if (variance > 0) {
        const double z = (t.l - t.mean) / t.sd;
        t.p = p_of_tails(0.5 * erfc(-z / sqrt(2.0)), 0.5 * erfc(z / sqrt(2.0)), alternative); /* below, above */
    }
    return t;
}
