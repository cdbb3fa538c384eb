/* FLOPs as a proxy for speed (ShuffleNet V2, Fig. 1 and Table 8): over the whole networks and the
 * kernel cases of a run, at each thread count, how well do MAdds predict latency, and does MAC do
 * better? For each proxy: Spearman's rank correlation with the median latency, and a least-squares
 * fit of log(latency) on log(proxy) (slope and R^2), from bench/stats/correlation.h. Only latmac's own cases count (no peers, no
 * yardsticks, no layers timed alone, no guideline cases). Operators without MAdds (shuffle, add,
 * pooling) count, tied at zero in the MAdds ranking: that they still take time is the paper's point;
 * the MAdds fit leaves them out (no logarithm). */
#ifndef LM_PROXY_H
#define LM_PROXY_H

#include <stddef.h>

#include "bench/results/result_records.h"

typedef struct lm_proxy_fit {
    double spearman;  /* rank correlation with latency, -1..1 */
    double slope, r2; /* log(latency) = a + slope * log(proxy); R^2 of that fit */
} lm_proxy_fit;

typedef struct lm_proxy_result {
    const char *population; /* "networks" or "kernels" */
    int threads;
    char isa[12];           /* the cases' instruction-set cap ("" for results that record none) */
    size_t count;           /* cases behind the figures */
    lm_proxy_fit madds, mac;
} lm_proxy_result;

/* One result per population, thread count and instruction-set cap with at least 3 cases, into out[0..max); returns how
 * many. */
size_t lm_proxy_analyse(const lm_results *r, lm_proxy_result *out, size_t max);

#endif
