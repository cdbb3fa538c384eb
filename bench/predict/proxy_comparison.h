/* FLOPs against MAC as predictors of a network's latency, and both against the layer model
 * (step_model.h), compared the way the ShuffleNet V2 paper's first claim needs:
 *
 * - on one sample: every proxy is scored on the same networks;
 * - by prediction, not by fit: MAdds alone, MAC alone and both (log-linear: log t = a + b log MAdds
 *   [+ c log MAC]) are fitted with one family of networks left out and predict that family's
 *   latency (leave-one-family-out), since within a family both proxies rise with width and a fit on
 *   it says little more than "bigger is slower"; the layer model, calibrated on kernels alone, predicts
 *   every network as it is;
 * - with intervals: each score comes with a 95% percentile bootstrap interval that resamples whole
 *   families (networks of a family are not independent), so a difference inside the intervals is not
 *   read as a ranking;
 * - asking what MAC adds to MAdds: the partial correlation of log latency and log MAC given log MAdds;
 * - and the paper's Figure 1 question: among networks of nearly equal MAdds (within 15% of 40, 140,
 *   300 or 500 M, the paper's complexity levels), the share of pairs whose MAC orders their latency. */
#ifndef LM_PROXY_COMPARISON_H
#define LM_PROXY_COMPARISON_H

#include <stddef.h>
#include <stdint.h>

typedef enum lm_proxy_kind {
    LM_PROXY_MADDS,
    LM_PROXY_MAC,
    LM_PROXY_MADDS_AND_MAC,
    LM_PROXY_LAYER_MODEL,
    LM_PROXY_COUNT
} lm_proxy_kind;

const char *lm_proxy_kind_name(lm_proxy_kind k); /* "MAdds", "MAC", "MAdds+MAC", "layer model" */

/* A value and its 95% interval (NaN where the data cannot give one). */
typedef struct lm_interval {
    double value, low, high;
} lm_interval;

typedef struct lm_proxy_score {
    lm_interval mape;      /* mean |predicted / measured - 1| */
    lm_interval within_10; /* the share of networks within 10% */
    lm_interval spearman;  /* rank correlation of the proxy (or the prediction) with latency */
} lm_proxy_score;

/* One network: its family (an index: networks of one family share it), its measured latency, its
 * MAdds, MAC and the layer model's predicted latency (0: none). */
typedef struct lm_proxy_network {
    int family;
    double latency, madds, mac, predicted;
} lm_proxy_network;

typedef struct lm_proxy_comparison {
    size_t networks, families;
    lm_proxy_score scores[LM_PROXY_COUNT];
    lm_interval partial_mac_given_madds;
    size_t bin_pairs;            /* pairs of networks of nearly equal MAdds */
    lm_interval bin_concordance; /* the share of them whose MAC orders their latency */
} lm_proxy_comparison;

/* Compares the proxies on n networks, with `resamples` bootstrap resamples of families drawn from
 * `seed`. Returns 0, or -1 when there are fewer than 3 families (nothing to leave out and still fit)
 * or memory runs out. */
int lm_proxy_compare(const lm_proxy_network *nets, size_t n, int resamples, uint64_t seed, lm_proxy_comparison *out);

#endif
