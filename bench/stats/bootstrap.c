/* The percentile bootstrap of a ratio of medians (see bootstrap.h). */
#include "bench/stats/bootstrap.h"

#include <math.h>
#include <stdlib.h>

#include "bench/stats/random.h"
#include "bench/stats/summary.h"

/* The median of n values drawn from x with replacement, drawn into scratch[0..n). */
static double resampled_median(const double *x, size_t n, double *scratch, uint64_t *state) {
    for (size_t i = 0; i < n; i++) scratch[i] = x[lm_random_below(state, n)];
    return lm_median_in_place(scratch, n);
}

lm_ratio_estimate lm_bootstrap_median_ratio(const double *a, size_t n, const double *b, size_t m, double confidence,
                                            size_t resamples, uint64_t seed) {
    lm_ratio_estimate e = {NAN, NAN, NAN};
    if (!lm_positive_sample(a, n) || !lm_positive_sample(b, m)) return e;
    e.ratio = lm_median(b, m) / lm_median(a, n);
    if (!(confidence > 0 && confidence < 1) || resamples == 0) {
        e.low = e.high = e.ratio;
        return e;
    }
    double *ratios = malloc((resamples + n + m) * sizeof *ratios);
    if (!ratios) return e;
    double *scratch = ratios + resamples;
    uint64_t state = seed;
    for (size_t r = 0; r < resamples; r++) {
        const double median_a = resampled_median(a, n, scratch, &state);
        ratios[r] = resampled_median(b, m, scratch, &state) / median_a;
    }
    lm_sort(ratios, resamples);
    const double tail = (1 - confidence) / 2;
    e.low = lm_quantile_sorted(ratios, resamples, tail);
    e.high = lm_quantile_sorted(ratios, resamples, 1 - tail);
    free(ratios);
    return e;
}
