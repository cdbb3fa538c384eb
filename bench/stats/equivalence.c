/* Two one-sided tests of a ratio (see equivalence.h). */
#include "bench/stats/equivalence.h"

#include <math.h>
#include <stdlib.h>

#include "bench/stats/rank_tests.h"
#include "bench/stats/summary.h"

lm_equivalence lm_equivalence_ratio(const double *a, size_t n, const double *b, size_t m, double margin) {
    lm_equivalence none = {1, 1, 1};
    if (!lm_positive_sample(a, n) || !lm_positive_sample(b, m) || !(margin > 0) || !isfinite(margin)) return none;
    double *moved = malloc(m * sizeof *moved);
    if (!moved) return none;
    /* Scaling b moves every log ratio by log(1 + margin). The test sees only the order of the values,
     * which the product's rounding changes only for values within a rounding error of each other. */
    const double edge = 1 + margin;
    lm_equivalence e;
    for (size_t j = 0; j < m; j++) moved[j] = b[j] * edge;
    e.p_lower = lm_mann_whitney_p(a, n, moved, m, LM_GREATER);
    for (size_t j = 0; j < m; j++) moved[j] = b[j] / edge;
    e.p_upper = lm_mann_whitney_p(a, n, moved, m, LM_LESS);
    free(moved);
    e.p = fmax(e.p_lower, e.p_upper);
    return e;
}
