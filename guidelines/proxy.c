/* FLOPs and MAC as proxies for latency (see proxy.h). */
#include "guidelines/proxy.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "bench/stats/correlation.h"

/* Whether a case counts in `population` in `column` (dispatch's choices only: a forced variant is not
 * what latmac runs there). */
static bool counts(const lm_result_case *c, const char *population, const lm_result_column *column) {
    if (!lm_result_in_column(c, column) || c->variant || strcmp(c->backend, LM_BACKEND_LATMAC) != 0 ||
        !c->mac || c->experiment[0] || lm_result_failed(c))
        return false;
    if (strcmp(population, "networks") == 0) return c->network[0] && c->layer_index < 0;
    return !c->network[0] && strcmp(c->suite, "kernels") == 0;
}

size_t lm_proxy_analyse(const lm_results *r, lm_proxy_result *out, size_t max) {
    static const char *const populations[] = {"networks", "kernels"};
    size_t produced = 0;
    double *v = malloc(3 * (r->case_count + 1) * sizeof *v);
    if (!v) return 0;
    double *latency = v, *madds = v + r->case_count + 1, *mac = madds + r->case_count + 1;
    lm_result_column columns[LM_RESULT_MAX_COLUMNS];
    const size_t column_count = lm_results_columns(r, columns, LM_RESULT_MAX_COLUMNS);
    for (size_t p = 0; p < 2; p++)
        for (size_t t = 0; t < column_count && produced < max; t++) {
            size_t n = 0;
            for (size_t i = 0; i < r->case_count; i++) {
                const lm_result_case *c = &r->cases[i];
                double seconds;
                if (!counts(c, populations[p], &columns[t]) || !lm_result_seconds(c, "median", &seconds) ||
                    !(seconds > 0))
                    continue;
                latency[n] = seconds, madds[n] = (double)c->madds, mac[n] = (double)c->mac;
                n++;
            }
            if (n < 3) continue;
            lm_proxy_result *o = &out[produced++];
            *o = (lm_proxy_result){.population = populations[p], .threads = columns[t].threads, .count = n};
            memcpy(o->isa, columns[t].isa, sizeof o->isa);
            o->madds.spearman = lm_spearman(madds, latency, n);
            o->mac.spearman = lm_spearman(mac, latency, n);
            const lm_line_fit mac_fit = lm_fit_log_log(mac, latency, n);
            o->mac.slope = mac_fit.slope, o->mac.r2 = mac_fit.r2;
            /* operators without MAdds (shuffle, add, pooling...) rank last by MAdds, tied, but have no
             * logarithm: the fit uses the others */
            size_t k = 0;
            for (size_t i = 0; i < n; i++)
                if (madds[i] > 0) madds[k] = madds[i], latency[k] = latency[i], k++;
            const lm_line_fit madds_fit = lm_fit_log_log(madds, latency, k);
            o->madds.slope = madds_fit.slope, o->madds.r2 = madds_fit.r2;
        }
    free(v);
    return produced;
}
