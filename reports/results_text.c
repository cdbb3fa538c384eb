/* The summary `latmac run` prints when it is done: one line per network (and, when layers were timed,
 * where its time went), one line per kernel case. */
#include "reports/results.h"

#include "kernels/kernel.h" /* lm_isa_name */

#include <math.h>
#include <stdbool.h>
#include <string.h>


/* latmac's ratios to each peer and its fraction of copy bandwidth, e.g. "onednn 1.12 copy 0.85". */
static void ratios(const lm_results *r, const lm_case_analysis *a, char *buf, size_t size) {
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < r->peer_count && i < LM_RESULT_MAX_PEERS && used < size; i++)
        if (a->has_ratio[i])
            used += (size_t)snprintf(buf + used, size - used, "%s%s %.2f", used ? "  " : "", r->peers[i].name, a->ratio[i]);
    if (used < size && a->has_copy_fraction)
        snprintf(buf + used, size - used, "%scopy %.2f", used ? "  " : "", a->copy_fraction);
}

/* How the predictions agree with the medians, per cap and thread count: the share within 10%, and the
 * mean absolute percentage error (the full comparison is `latmac predict --against`). */
static int write_prediction_agreement(FILE *out, const lm_results *r) {
    for (size_t t = 0; t < r->thread_count_count; t++)
        for (int isa = LM_ISA_COUNT - 1; isa >= 0; isa--) {
            int n = 0, within = 0;
            double ape = 0;
            for (size_t i = 0; i < r->case_count; i++) {
                const lm_result_case *c = &r->cases[i];
                double median;
                if (c->predicted_seconds > 0 && c->threads == r->thread_counts[t].threads &&
                    strcmp(c->isa, lm_isa_name((lm_isa)isa)) == 0 && lm_result_seconds(c, "median", &median) &&
                    median > 0) {
                    const double e = fabs(c->predicted_seconds / median - 1);
                    n++, within += e <= 0.10, ape += e;
                }
            }
            if (n && fprintf(out, "predicted against measured, %s at %d thread(s): %d of %d networks within 10%%, "
                                  "mean absolute error %.1f%% (latmac predict --against compares MAdds and MAC too)\n",
                             lm_isa_name((lm_isa)isa), r->thread_counts[t].threads, within, n, 100 * ape / n) < 0)
                return -1;
        }
    return 0;
}

/* Networks: one line per network and thread count. */
static int write_networks(FILE *out, const lm_results *r) {
    int width = 7;
    bool predicted = false; /* a calibrated step model predicted them (bench/predict): two columns more */
    for (size_t i = 0; i < r->case_count; i++) {
        const int w = (int)strlen(r->cases[i].network);
        if (r->cases[i].layer_index < 0 && !r->cases[i].experiment[0] && w > width) width = w;
        predicted |= r->cases[i].predicted_seconds > 0;
    }
    if (fprintf(out, "%-*s  %-9s %5s %-9s %7s %11s %9s %6s %10s %9s %10s%s\n", width, "network", "input", "batch", "isa",
                "threads", "median ms", "min ms", "cv", "images/s", "MAdds M", "params",
                predicted ? "  predicted ms  predicted/median" : "") < 0)
        return -1;
    for (size_t i = 0; i < r->case_count; i++) {
        const lm_result_case *c = &r->cases[i];
        if (!c->run_count || !c->network[0] || c->layer_index >= 0 || c->experiment[0]) continue;
        char input[32], median[32] = "error", min[32] = "-", cv[32] = "-", images[32] = "-";
        snprintf(input, sizeof input, "%dx%d", c->input_h, c->input_w);
        double v;
        if (lm_result_seconds(c, "median", &v)) snprintf(median, sizeof median, "%.3f", v * 1e3);
        if (lm_result_seconds(c, "min", &v)) snprintf(min, sizeof min, "%.3f", v * 1e3);
        if (lm_result_cv(c, &v)) snprintf(cv, sizeof cv, "%.3f", v);
        if (lm_result_images_per_second(c, &v)) snprintf(images, sizeof images, "%.1f", v);
        char prediction[64] = "";
        if (predicted && c->predicted_seconds > 0 && lm_result_seconds(c, "median", &v) && v > 0)
            snprintf(prediction, sizeof prediction, "  %12.3f  %16.3f", c->predicted_seconds * 1e3, c->predicted_seconds / v);
        else if (predicted)
            snprintf(prediction, sizeof prediction, "  %12s  %16s", "-", "-");
        if (fprintf(out, "%-*s  %-9s %5d %-9s %7d %11s %9s %6s %10s %9.2f %10llu%s\n", width, c->network, input, c->batch,
                    c->isa, c->threads, median, min, cv, images, c->madds / 1e6, (unsigned long long)c->params,
                    prediction) < 0)
            return -1;
    }
    return predicted ? write_prediction_agreement(out, r) : 0;
}

/* Where each network's time goes inside its end-to-end runs (the paper's Figure 2, for every network). */
static int write_profiles(FILE *out, const lm_results *r) {
    bool header = false;
    for (size_t i = 0; i < r->case_count; i++) {
        const lm_result_case *c = &r->cases[i];
        if (!c->has_profile || c->experiment[0]) continue;
        double total = 0;
        for (int k = 0; k < LM_RESULT_LAYER_CATEGORIES; k++) total += c->profile_seconds[k];
        if (!header) {
            if (fputs("\nwhere the time goes in an end-to-end run (share of the steps' time, each step timed inside the\n"
                      "run; the ShuffleNet V2 paper's Figure 2 for every network)\n",
                      out) == EOF ||
                fprintf(out, "%-26s %-9s %7s", "network", "isa", "threads") < 0)
                return -1;
            for (int k = 0; k < LM_RESULT_LAYER_CATEGORIES; k++)
                if (fprintf(out, " %12s", lm_layer_category_name((lm_layer_category)k)) < 0) return -1;
            if (fprintf(out, " %10s\n", "steps ms") < 0) return -1;
            header = true;
        }
        if (fprintf(out, "%-26s %-9s %7d", c->network, c->isa, c->threads) < 0) return -1;
        for (int k = 0; k < LM_RESULT_LAYER_CATEGORIES; k++)
            if (fprintf(out, " %11.1f%%", total > 0 ? 100 * c->profile_seconds[k] / total : 0) < 0) return -1;
        if (fprintf(out, " %10.3f\n", total * 1e3) < 0) return -1;
    }
    return 0;
}

/* Networks timed per layer: the end-to-end median split into the paper's Figure 2 categories. */
static int write_breakdowns(FILE *out, const lm_analysis *a) {
    const lm_results *r = a->results;
    bool header = false;
    for (size_t i = 0; i < r->case_count; i++) {
        const lm_result_case *c = &r->cases[i];
        if (!a->cases[i].has_breakdown) continue;
        const lm_result_breakdown b = a->cases[i].breakdown;
        if (!header) {
            if (fputs("\nwhere the time goes (ms; each layer timed alone; share of the layers' sum)\n", out) == EOF ||
                fprintf(out, "%-24s %-9s %7s", "network", "isa", "threads") < 0)
                return -1;
            for (int k = 0; k < LM_RESULT_LAYER_CATEGORIES; k++)
                if (fprintf(out, " %15s", lm_layer_category_name((lm_layer_category)k)) < 0) return -1;
            if (fprintf(out, " %9s %11s %9s\n", "layers", "end-to-end", "gap") < 0) return -1;
            header = true;
        }
        if (fprintf(out, "%-24s %-9s %7d", c->network, c->isa, c->threads) < 0) return -1;
        for (int k = 0; k < LM_RESULT_LAYER_CATEGORIES; k++)
            if (fprintf(out, " %8.3f (%3.0f%%)", b.category_seconds[k] * 1e3,
                        b.layers_seconds > 0 ? 100 * b.category_seconds[k] / b.layers_seconds : 0) < 0)
                return -1;
        if (fprintf(out, " %9.3f %11.3f %+9.3f\n", b.layers_seconds * 1e3, b.end_to_end_seconds * 1e3,
                    b.gap_seconds * 1e3) < 0)
            return -1;
    }
    if (header && fputs("gap: end-to-end minus the sum of the layers timed alone (negative: the network runs\n"
                        "faster than its layers did one by one, e.g. from warmer caches)\n",
                        out) == EOF)
        return -1;
    return 0;
}

/* FLOPs and MAC as latency proxies (guidelines/proxy.h), when the run has enough cases. */
static int write_proxies(FILE *out, const lm_analysis *a) {
    const lm_proxy_result *p = a->proxies;
    const size_t n = a->proxy_count;
    if (!n) return 0;
    if (fputs("\ndoes FLOPs predict latency here? (Spearman's rank correlation with the median latency; the\n"
              "slope and R^2 of log(latency) fitted on log(proxy))\n",
              out) == EOF ||
        fprintf(out, "%-10s %-9s %7s %6s  %14s %10s %8s  %14s %10s %8s\n", "cases", "isa", "threads", "count",
                "MAdds Spearman", "slope", "R^2", "MAC Spearman", "slope", "R^2") < 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (fprintf(out, "%-10s %-9s %7d %6zu  %14.3f %10.3f %8.3f  %14.3f %10.3f %8.3f\n", p[i].population, p[i].isa,
                    p[i].threads, p[i].count, p[i].madds.spearman, p[i].madds.slope, p[i].madds.r2, p[i].mac.spearman, p[i].mac.slope,
                    p[i].mac.r2) < 0)
            return -1;
    return 0;
}

/* latmac against each peer over the whole kernel suite: the geometric mean of the ratios per column. */
static int write_peer_geomeans(FILE *out, const lm_results *r) {
    lm_result_column columns[LM_RESULT_MAX_COLUMNS];
    const size_t column_count = lm_results_columns(r, columns, LM_RESULT_MAX_COLUMNS);
    bool header = false;
    for (size_t p = 0; p < r->peer_count; p++)
        for (size_t k = 0; k < column_count; k++) {
            double g;
            size_t n;
            char label[32];
            if (!lm_result_peer_geomean(r, r->peers[p].name, &columns[k], &g, &n)) continue;
            if (!header && fputs("\nlatmac over each peer, the geometric mean of the ratios of the shapes both ran\n", out) == EOF)
                return -1;
            header = true;
            if (fprintf(out, "  %-8s %-10s %6.3f  (%zu shapes)\n", r->peers[p].name,
                        lm_result_column_label(r, &columns[k], label, sizeof label), g, n) < 0)
                return -1;
        }
    return 0;
}

static int write_tables(FILE *out, const lm_analysis *a) {
    const lm_results *r = a->results;
    bool kernels = false, networks = false, guidelines = false;
    for (size_t i = 0; i < r->case_count; i++) {
        const lm_result_case *c = &r->cases[i];
        guidelines |= c->experiment[0] != '\0';
        networks |= c->network[0] && !c->experiment[0];
        kernels |= !c->network[0];
    }
    if (networks && (write_networks(out, r) != 0 || write_profiles(out, r) != 0 || write_breakdowns(out, a) != 0))
        return -1;
    if (guidelines && ((networks && fputc('\n', out) == EOF) || lm_results_write_guidelines(out, a) != 0)) return -1;
    if (!kernels) return write_proxies(out, a);
    if ((networks || guidelines) && fputc('\n', out) == EOF) return -1;
    int width = 4;
    for (size_t i = 0; i < r->case_count; i++) {
        const int w = (int)strlen(r->cases[i].shape);
        if (!r->cases[i].network[0] && w > width) width = w;
    }
    if (fprintf(out, "%-*s  %-11s %-9s %7s %11s %9s %8s %5s  %s\n", width, "case", "backend", "isa", "threads",
                "median ms", "GFLOP/s", "GB/s", "exec", "ratio") < 0)
        return -1;
    for (size_t i = 0; i < r->case_count; i++) {
        const lm_result_case *c = &r->cases[i];
        if (!c->run_count || c->network[0]) continue;
        char median[32] = "error", gflops[32] = "-", gbps[32] = "-", ratio[128];
        double seconds;
        if (lm_result_seconds(c, "median", &seconds)) {
            /* four decimals for operators; significant digits for sub-microsecond parallel regions */
            snprintf(median, sizeof median, seconds >= 1e-5 ? "%.4f" : "%.3g", seconds * 1e3);
            if (c->madds) snprintf(gflops, sizeof gflops, "%.2f", lm_result_gflops(c, seconds));
            if (c->mac) snprintf(gbps, sizeof gbps, "%.2f", lm_result_gbps(c, seconds));
        }
        char executed[16] = "-";
        if (c->isa[0] && c->madds) snprintf(executed, sizeof executed, "%.2f", (double)c->executed_madds / (double)c->madds);
        ratios(r, &a->cases[i], ratio, sizeof ratio);
        if (fprintf(out, "%-*s  %-11s %-9s %7d %11s %9s %8s %5s%s%s%s%s\n", width, c->shape, c->backend,
                    c->isa[0] ? c->isa : "-", c->threads, median, gflops, gbps, executed, ratio[0] ? "  " : "", ratio,
                    c->variant ? "  variant " : "", c->variant ? c->kernel : "") < 0)
            return -1;
    }
    if (fputs("isa: the instruction-set cap latmac's kernels ran under (a variant: its own); exec: multiply-adds\n"
              "the kernel performed (tile padding included) over MAdds; ratio: latmac's median over the peer's\n"
              "(above 1: latmac is slower); copy: memcpy's median over latmac's, the fraction of copy bandwidth\n"
              "reached (1: as fast as copying the input)\n",
              out) == EOF)
        return -1;
    if (write_peer_geomeans(out, r) != 0) return -1;
    return write_proxies(out, a);
}

int lm_results_write_summary(FILE *out, const lm_analysis *a) {
    const lm_results *r = a->results;
    if (write_tables(out, a) != 0) return -1;
    if (r->partial && fprintf(out, "\npartial results: %zu of %zu cases (the run was interrupted)\n",
                              lm_results_cases_finished(r), r->cases_planned) < 0)
        return -1;
    return 0;
}
