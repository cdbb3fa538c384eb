/* results.csv: one row per case (shape x backend x instruction set or variant x threads), aggregated
 * over repetitions; its columns are documented in reports/README.md. */
#include "reports/results.h"

#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

/* The columns before and after "ratio_to_<peer>", one per peer of the run, in its order. */
static const char *const columns_before_peers[] = {
    "suite", "case", "backend", "kernel", "threads", "placement", "repetitions", "median_ms", "min_ms", "mean_ms",
    "cv", "madds", "mac_bytes", "params", "intensity", "gflops", "gbps", NULL,
};
static const char *const columns_after_peers[] = {
    "copy_bandwidth_fraction", "flags", "network", "input", "batch", "layer", "images_per_second",
    "peak_activation_bytes", "experiment", "group", "label", "rank", "scale", "paper_gpu_batches_per_second",
    "paper_arm_images_per_second", "roof_level", "attainable_gflops", "roof_fraction", "isa", "variant",
    "executed_madds", "predicted_ms", NULL,
};

int lm_csv_write_field(FILE *out, const char *field) {
    if (!strpbrk(field, ",\"\r\n")) return fputs(field, out) == EOF ? -1 : 0;
    if (fputc('"', out) == EOF) return -1;
    for (const char *p = field; *p; p++)
        if ((*p == '"' && fputc('"', out) == EOF) || fputc(*p, out) == EOF) return -1;
    return fputc('"', out) == EOF ? -1 : 0;
}

/* A number cell, or an empty one when the value does not apply. */
static void number(char *cell, size_t size, bool applies, double v) {
    if (applies) snprintf(cell, size, "%.6g", v);
    else cell[0] = '\0';
}

static int write_row(FILE *out, const lm_results *r, const lm_result_case *c, const lm_case_analysis *a) {
    enum {
        COLUMNS = sizeof columns_before_peers / sizeof columns_before_peers[0] + LM_RESULT_MAX_PEERS +
                  sizeof columns_after_peers / sizeof columns_after_peers[0]
    };
    char cells[COLUMNS][LM_RESULT_MAX_THREADS * 6 + 8]; /* room for the widest placement list */
    int i = 0;
    snprintf(cells[i++], sizeof cells[0], "%s", c->suite);
    snprintf(cells[i++], sizeof cells[0], "%s", c->shape);
    snprintf(cells[i++], sizeof cells[0], "%s", c->backend);
    snprintf(cells[i++], sizeof cells[0], "%s", c->kernel);
    snprintf(cells[i++], sizeof cells[0], "%d", c->threads);
    size_t used = 0;
    cells[i][0] = '\0';
    for (size_t k = 0; k < c->placement_count && used < sizeof cells[0]; k++)
        used += (size_t)snprintf(cells[i] + used, sizeof cells[0] - used, "%s%u", k ? " " : "", c->placement[k]);
    i++;
    snprintf(cells[i++], sizeof cells[0], "%" PRId64, c->repetitions);
    /* Each value is computed before its cell is formatted (argument order is unspecified in C). */
    double median = 0, min = 0, mean = 0, cv = 0;
    const bool has_median = lm_result_seconds(c, "median", &median), has_min = lm_result_seconds(c, "min", &min),
               has_mean = lm_result_seconds(c, "mean", &mean), has_cv = lm_result_cv(c, &cv);
    number(cells[i++], sizeof cells[0], has_median, median * 1e3);
    number(cells[i++], sizeof cells[0], has_min, min * 1e3);
    number(cells[i++], sizeof cells[0], has_mean, mean * 1e3);
    number(cells[i++], sizeof cells[0], has_cv, cv);
    snprintf(cells[i++], sizeof cells[0], "%" PRIu64, c->madds);
    snprintf(cells[i++], sizeof cells[0], "%" PRIu64, lm_result_mac_bytes(c));
    snprintf(cells[i++], sizeof cells[0], "%" PRIu64, c->params);
    number(cells[i++], sizeof cells[0], true, lm_result_intensity(c));
    number(cells[i++], sizeof cells[0], has_median && c->madds > 0, lm_result_gflops(c, median));
    number(cells[i++], sizeof cells[0], has_median, lm_result_gbps(c, median));
    for (size_t p = 0; p < r->peer_count && p < LM_RESULT_MAX_PEERS; p++)
        number(cells[i++], sizeof cells[0], a->has_ratio[p], a->ratio[p]);
    number(cells[i++], sizeof cells[0], a->has_copy_fraction, a->copy_fraction);
    snprintf(cells[i++], sizeof cells[0], "%s", a->flags);
    /* networks only; empty for kernel cases */
    const bool network = c->network[0] != '\0', whole = network && c->layer_index < 0;
    double images = 0;
    const bool has_images = whole && lm_result_images_per_second(c, &images);
    snprintf(cells[i++], sizeof cells[0], "%s", c->network);
    if (network) snprintf(cells[i++], sizeof cells[0], "%dx%d", c->input_h, c->input_w);
    else cells[i++][0] = '\0';
    if (network) snprintf(cells[i++], sizeof cells[0], "%d", c->batch);
    else cells[i++][0] = '\0';
    snprintf(cells[i++], sizeof cells[0], "%s", c->layer_index >= 0 ? c->layer : "");
    number(cells[i++], sizeof cells[0], has_images, images);
    if (whole) snprintf(cells[i++], sizeof cells[0], "%" PRIu64, c->peak_activation_bytes);
    else cells[i++][0] = '\0';
    /* guideline experiments only */
    const bool guideline = c->experiment[0] != '\0';
    snprintf(cells[i++], sizeof cells[0], "%s", c->experiment);
    snprintf(cells[i++], sizeof cells[0], "%s", c->group);
    snprintf(cells[i++], sizeof cells[0], "%s", c->label);
    if (guideline) snprintf(cells[i++], sizeof cells[0], "%d", c->rank);
    else cells[i++][0] = '\0';
    if (guideline) snprintf(cells[i++], sizeof cells[0], "%d", c->scale);
    else cells[i++][0] = '\0';
    number(cells[i++], sizeof cells[0], c->paper_gpu > 0, c->paper_gpu);
    number(cells[i++], sizeof cells[0], c->paper_arm > 0, c->paper_arm);
    /* under the host's measured roofline, when it was measured */
    snprintf(cells[i++], sizeof cells[0], "%s", a->placed ? a->roof.level->name : "");
    number(cells[i++], sizeof cells[0], a->placed && c->madds > 0, a->roof.attainable_gflops);
    number(cells[i++], sizeof cells[0], a->placed, a->roof.fraction);
    /* latmac's cases: the instruction-set cap (or a forced variant) and the work its kernels performed */
    snprintf(cells[i++], sizeof cells[0], "%s", c->isa);
    snprintf(cells[i++], sizeof cells[0], "%s", c->isa[0] ? (c->variant ? "true" : "false") : "");
    if (c->isa[0]) snprintf(cells[i++], sizeof cells[0], "%" PRIu64, c->executed_madds);
    else cells[i++][0] = '\0';
    number(cells[i++], sizeof cells[0], c->predicted_seconds > 0, c->predicted_seconds * 1e3); /* networks */
    for (int k = 0; k < i; k++)
        if ((k && fputc(',', out) == EOF) || lm_csv_write_field(out, cells[k]) != 0) return -1;
    return fputc('\n', out) == EOF ? -1 : 0;
}

int lm_results_write_csv(FILE *out, const lm_analysis *a) {
    const lm_results *r = a->results;
    for (int k = 0; columns_before_peers[k]; k++)
        if ((k && fputc(',', out) == EOF) || fputs(columns_before_peers[k], out) == EOF) return -1;
    for (size_t p = 0; p < r->peer_count && p < LM_RESULT_MAX_PEERS; p++)
        if (fprintf(out, ",ratio_to_%s", r->peers[p].name) < 0) return -1;
    for (int k = 0; columns_after_peers[k]; k++)
        if (fputc(',', out) == EOF || fputs(columns_after_peers[k], out) == EOF) return -1;
    if (fputc('\n', out) == EOF) return -1;
    for (size_t i = 0; i < r->case_count; i++) {
        if (!r->cases[i].run_count) continue; /* never ran (e.g. left out by --benchmark_filter) */
        if (write_row(out, r, &r->cases[i], &a->cases[i]) != 0) return -1;
    }
    return 0;
}
