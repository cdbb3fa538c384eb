/* The summary table `latmac run` prints when it is done: one line per case. */
#include "results.h"

#include <string.h>

/* latmac's ratios to each peer and its fraction of copy bandwidth, e.g. "onednn 1.12 copy 0.85". */
static void ratios(const lm_results *r, const lm_result_case *c, char *buf, size_t size) {
    size_t used = 0;
    buf[0] = '\0';
    if (strcmp(c->backend, LM_BACKEND_LATMAC) != 0) return;
    double v;
    for (size_t i = 0; i < r->peer_count && used < size; i++)
        if (lm_result_ratio_to(r, c, r->peers[i].name, &v))
            used += (size_t)snprintf(buf + used, size - used, "%s%s %.2f", used ? "  " : "", r->peers[i].name, v);
    if (used < size && lm_result_copy_fraction(r, c, &v))
        snprintf(buf + used, size - used, "%scopy %.2f", used ? "  " : "", v);
}

int lm_results_write_summary(FILE *out, const lm_results *r) {
    int width = 4;
    for (size_t i = 0; i < r->case_count; i++) {
        const int w = (int)strlen(r->cases[i].shape);
        if (w > width) width = w;
    }
    if (fprintf(out, "%-*s  %-11s %7s %11s %9s %8s  %s\n", width, "case", "backend", "threads", "median ms", "GFLOP/s",
                "GB/s", "ratio") < 0)
        return -1;
    for (size_t i = 0; i < r->case_count; i++) {
        const lm_result_case *c = &r->cases[i];
        if (!c->run_count) continue;
        char median[32] = "error", gflops[32] = "-", gbps[32] = "-", ratio[128];
        double seconds;
        if (lm_result_seconds(c, "median", &seconds)) {
            /* four decimals for operators; significant digits for sub-microsecond parallel regions */
            snprintf(median, sizeof median, seconds >= 1e-5 ? "%.4f" : "%.3g", seconds * 1e3);
            if (c->madds) snprintf(gflops, sizeof gflops, "%.2f", lm_result_gflops(c, seconds));
            if (c->mac) snprintf(gbps, sizeof gbps, "%.2f", lm_result_gbps(c, seconds));
        }
        ratios(r, c, ratio, sizeof ratio);
        if (fprintf(out, "%-*s  %-11s %7d %11s %9s %8s%s%s\n", width, c->shape, c->backend, c->threads, median, gflops,
                    gbps, ratio[0] ? "  " : "", ratio) < 0)
            return -1;
    }
    if (fputs("ratio: latmac's median over the peer's (above 1: latmac is slower); copy: memcpy's median over\n"
              "latmac's, the fraction of copy bandwidth reached (1: as fast as copying the input)\n",
              out) == EOF)
        return -1;
    return 0;
}
