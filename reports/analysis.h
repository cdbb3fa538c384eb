/* The analysis stage: one pass over a run's results, after measuring, that computes every derived
 * figure (latmac's ratio to each peer, its fraction of copy bandwidth, its place under the roofline,
 * the flags, where each network's time goes, the guidelines' verdicts, FLOPs and MAC as proxies).
 * The writers (JSON, CSV, the text summary, and through the JSON the HTML report) only format it. */
#ifndef LM_ANALYSIS_H
#define LM_ANALYSIS_H

#include <stdbool.h>
#include <stddef.h>

#include "bench/results/result_records.h"
#include "guidelines/guideline_verdicts.h"
#include "guidelines/proxy.h"

#define LM_ANALYSIS_MAX_PROXIES 8

/* What is derived for one case; the `has_` flags say whether a figure applies to it. */
typedef struct lm_case_analysis {
    /* latmac's median over peer p's (results->peers order), for latmac's cases */
    bool has_ratio[LM_RESULT_MAX_PEERS];
    double ratio[LM_RESULT_MAX_PEERS];
    bool has_copy_fraction; /* memcpy's median over latmac's, for memory-bound latmac cases */
    double copy_fraction;
    bool placed;            /* under the host's measured roofline */
    lm_roof_placement roof;
    bool has_breakdown;     /* a whole network whose layers were also timed alone */
    lm_result_breakdown breakdown;
    char flags[80];         /* lm_result_flags: space-separated */
} lm_case_analysis;

typedef struct lm_analysis {
    const lm_results *results; /* borrowed */
    lm_case_analysis *cases;   /* one per results->cases[i] */
    lm_guideline_verdict *verdicts; /* per experiment, thread count and cap */
    size_t verdict_count;
    lm_proxy_result proxies[LM_ANALYSIS_MAX_PROXIES];
    size_t proxy_count;
} lm_analysis;

/* Analyses r (which must outlive a). 0, or -1 when memory runs out (a is then empty). */
int lm_analyse(const lm_results *r, lm_analysis *a);
void lm_analysis_free(lm_analysis *a);

#endif
