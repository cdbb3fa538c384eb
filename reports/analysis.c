/* The analysis stage (see analysis.h). */
#include "reports/analysis.h"

#include <stdlib.h>
#include <string.h>

static void analyse_case(const lm_results *r, const lm_result_case *c, lm_case_analysis *out) {
    memset(out, 0, sizeof *out);
    if (strcmp(c->backend, LM_BACKEND_LATMAC) == 0) {
        for (size_t p = 0; p < r->peer_count && p < LM_RESULT_MAX_PEERS; p++)
            out->has_ratio[p] = lm_result_ratio_to(r, c, r->peers[p].name, &out->ratio[p]);
        out->has_copy_fraction = lm_result_copy_fraction(r, c, &out->copy_fraction);
    }
    out->placed = lm_result_roof(r, c, &out->roof);
    if (c->network[0] && c->layer_index < 0) out->has_breakdown = lm_result_net_breakdown(r, c, &out->breakdown);
    lm_result_flags(r, c, out->flags, sizeof out->flags);
}

int lm_analyse(const lm_results *r, lm_analysis *a) {
    memset(a, 0, sizeof *a);
    a->results = r;
    a->cases = calloc(r->case_count ? r->case_count : 1, sizeof *a->cases);
    if (!a->cases || lm_guideline_verdicts(r, &a->verdicts, &a->verdict_count) != 0) {
        lm_analysis_free(a);
        return -1;
    }
    for (size_t i = 0; i < r->case_count; i++) analyse_case(r, &r->cases[i], &a->cases[i]);
    a->proxy_count = lm_proxy_analyse(r, a->proxies, LM_ANALYSIS_MAX_PROXIES);
    return 0;
}

void lm_analysis_free(lm_analysis *a) {
    free(a->cases);
    if (a->verdicts) lm_guideline_verdicts_free(a->verdicts, a->verdict_count);
    memset(a, 0, sizeof *a);
}
