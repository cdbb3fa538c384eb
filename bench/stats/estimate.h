/* A ratio estimated from two samples, with the interval that holds the true ratio at a stated
 * confidence: what the rank-based (rank_tests.h) and resampling (bootstrap.h) estimates return. */
#ifndef LM_STATS_ESTIMATE_H
#define LM_STATS_ESTIMATE_H

typedef struct lm_ratio_estimate {
    double ratio, low, high; /* the estimate and the interval [low, high]; NaN where nothing can be claimed */
} lm_ratio_estimate;

#endif
