/* Result records and the arithmetic every writer shares (see result_records.h). */
#include "bench/results/result_records.h"

#include "bench/stats/summary.h"
#include "kernels/kernel.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void lm_result_name(char *buf, size_t size, const char *suite, const char *shape, const char *backend,
                    const char *variant, const char *isa, int threads) {
    snprintf(buf, size, "%s/%s/%s%s%s%s%s/threads:%d", suite, shape, backend, variant ? "/kernel:" : "",
             variant ? variant : "", isa ? "/isa:" : "", isa ? isa : "", threads);
}

void lm_result_case_set_name(lm_result_case *c) {
    lm_result_name(c->name, sizeof c->name, c->suite, c->shape, c->backend, c->variant ? c->kernel : NULL,
                   c->isa_in_name ? c->isa : NULL, c->threads);
}

/* The caps of r->timed_isas, best first; at least one (an empty name for results without caps). */
static size_t timed_caps(const lm_results *r, const char **names) {
    size_t n = 0;
    for (int isa = LM_ISA_COUNT - 1; isa >= 0; isa--)
        if (r->timed_isas & LM_ISA_BIT(isa)) names[n++] = lm_isa_name((lm_isa)isa);
    if (!n) names[n++] = "";
    return n;
}

size_t lm_results_columns(const lm_results *r, lm_result_column *columns, size_t capacity) {
    const char *caps[LM_ISA_COUNT];
    const size_t cap_count = timed_caps(r, caps);
    size_t n = 0;
    for (size_t t = 0; t < r->thread_count_count; t++)
        for (size_t i = 0; i < cap_count && n < capacity; i++) {
            columns[n].threads = r->thread_counts[t].threads;
            snprintf(columns[n].isa, sizeof columns[n].isa, "%s", caps[i]);
            n++;
        }
    return n;
}

bool lm_result_in_column(const lm_result_case *c, const lm_result_column *column) {
    return c->threads == column->threads && (!column->isa[0] || strcmp(c->isa, column->isa) == 0);
}

const char *lm_result_column_label(const lm_results *r, const lm_result_column *column, char *buf, size_t size) {
    const char *caps[LM_ISA_COUNT];
    if (timed_caps(r, caps) > 1) snprintf(buf, size, "%dT %s", column->threads, column->isa);
    else snprintf(buf, size, "%dT", column->threads);
    return buf;
}

void lm_results_free(lm_results *r) {
    for (size_t i = 0; i < r->case_count; i++) free(r->cases[i].runs);
    free(r->cases);
    free(r->command_line);
    free(r->gb_context_json);
    memset(r, 0, sizeof *r);
}

int lm_result_case_add_run(lm_result_case *c, const lm_result_run *run) {
    lm_result_run *runs = realloc(c->runs, (c->run_count + 1) * sizeof *runs);
    if (!runs) return -1;
    c->runs = runs;
    c->runs[c->run_count++] = *run;
    return 0;
}

/* The mean, sample standard deviation, min and max of n values. */
static void describe(const double *x, size_t n, double *mean, double *sd, double *min, double *max) {
    double sum = 0, squares = 0;
    *min = *max = x[0];
    for (size_t i = 0; i < n; i++) {
        sum += x[i];
        if (x[i] < *min) *min = x[i];
        if (x[i] > *max) *max = x[i];
    }
    *mean = sum / (double)n;
    for (size_t i = 0; i < n; i++) squares += (x[i] - *mean) * (x[i] - *mean);
    *sd = sqrt(squares / (double)(n - 1));
}

int lm_result_case_add_aggregates(lm_result_case *c) {
    size_t n = 0;
    for (size_t i = 0; i < c->run_count; i++)
        if (!c->runs[i].is_aggregate) c->runs[n++] = c->runs[i];
    c->run_count = n;
    if (n < 2 || lm_result_failed(c)) return 0;
    double *real = malloc(2 * n * sizeof *real), *cpu = real ? real + n : NULL;
    if (!real) return -1;
    for (size_t i = 0; i < n; i++) real[i] = c->runs[i].real_time, cpu[i] = c->runs[i].cpu_time;
    double rm, rs, rmin, rmax, cm, cs, cmin, cmax;
    describe(real, n, &rm, &rs, &rmin, &rmax);
    describe(cpu, n, &cm, &cs, &cmin, &cmax);
    const struct {
        const char *name;
        double real, cpu;
        bool percentage;
    } rows[] = {{"mean", rm, cm, false},
                {"median", lm_median(real, n), lm_median(cpu, n), false},
                {"stddev", rs, cs, false},
                {"cv", rm > 0 ? rs / rm : 0, cm > 0 ? cs / cm : 0, true},
                {"min", rmin, cmin, false},
                {"max", rmax, cmax, false}};
    free(real);
    for (size_t k = 0; k < sizeof rows / sizeof rows[0]; k++) {
        lm_result_run a = {.is_aggregate = true, .is_percentage = rows[k].percentage, .repetition_index = -1,
                           .iterations = (int64_t)n, .real_time = rows[k].real, .cpu_time = rows[k].cpu};
        snprintf(a.aggregate_name, sizeof a.aggregate_name, "%s", rows[k].name);
        if (lm_result_case_add_run(c, &a) != 0) return -1;
    }
    c->repetitions = (int64_t)n;
    return 0;
}

const lm_result_run *lm_result_aggregate(const lm_result_case *c, const char *name) {
    for (size_t i = 0; i < c->run_count; i++)
        if (c->runs[i].is_aggregate && strcmp(c->runs[i].aggregate_name, name) == 0) return &c->runs[i];
    return NULL;
}

size_t lm_results_cases_finished(const lm_results *r) {
    size_t n = 0;
    for (size_t i = 0; i < r->case_count; i++) n += r->cases[i].run_count > 0;
    return n;
}

bool lm_result_failed(const lm_result_case *c) {
    for (size_t i = 0; i < c->run_count; i++)
        if (c->runs[i].error) return true;
    return false;
}

bool lm_result_seconds(const lm_result_case *c, const char *statistic, double *seconds) {
    if (lm_result_failed(c)) return false;
    const double unit = lm_time_unit_seconds(c->time_unit);
    const lm_result_run *aggregate = lm_result_aggregate(c, statistic);
    if (aggregate && !aggregate->is_percentage) {
        *seconds = aggregate->real_time * unit;
        return unit > 0;
    }
    /* One repetition: Google Benchmark computes no aggregates, and every statistic is that time. */
    const lm_result_run *only = NULL;
    for (size_t i = 0; i < c->run_count; i++) {
        if (c->runs[i].is_aggregate) continue;
        if (only) return false;
        only = &c->runs[i];
    }
    if (!only) return false;
    *seconds = only->real_time * unit;
    return unit > 0;
}

bool lm_result_cv(const lm_result_case *c, double *cv) {
    const lm_result_run *a = lm_result_aggregate(c, "cv");
    if (!a || lm_result_failed(c)) return false;
    *cv = a->real_time;
    return true;
}

const lm_result_case *lm_result_sibling(const lm_results *r, const lm_result_case *c, const char *backend) {
    for (size_t i = 0; i < r->case_count; i++) {
        const lm_result_case *s = &r->cases[i];
        if (s->threads == c->threads && strcmp(s->backend, backend) == 0 && strcmp(s->shape, c->shape) == 0 &&
            strcmp(s->suite, c->suite) == 0)
            return s;
    }
    return NULL;
}

/* numerator's median / denominator's median. */
static bool median_ratio(const lm_result_case *numerator, const lm_result_case *denominator, double *ratio) {
    double a, b;
    if (!numerator || !denominator || !lm_result_seconds(numerator, "median", &a) ||
        !lm_result_seconds(denominator, "median", &b) || !(b > 0))
        return false;
    *ratio = a / b;
    return true;
}

bool lm_result_ratio_to(const lm_results *r, const lm_result_case *c, const char *peer, double *ratio) {
    return median_ratio(c, lm_result_sibling(r, c, peer), ratio);
}

bool lm_result_peer_geomean(const lm_results *r, const char *peer, const lm_result_column *column, double *geomean,
                            size_t *count) {
    double logs = 0, ratio;
    *count = 0;
    for (size_t i = 0; i < r->case_count; i++) {
        const lm_result_case *c = &r->cases[i];
        if (c->network[0] || c->variant || strcmp(c->backend, LM_BACKEND_LATMAC) != 0 || !lm_result_in_column(c, column) ||
            !lm_result_ratio_to(r, c, peer, &ratio) || !(ratio > 0))
            continue;
        logs += log(ratio);
        (*count)++;
    }
    if (*count) *geomean = exp(logs / (double)*count);
    return *count > 0;
}

bool lm_result_copy_fraction(const lm_results *r, const lm_result_case *c, double *fraction) {
    if (strcmp(c->backend, LM_BACKEND_MEMCPY) == 0) return false;
    return median_ratio(lm_result_sibling(r, c, LM_BACKEND_MEMCPY), c, fraction);
}

uint64_t lm_result_mac_bytes(const lm_result_case *c) { return c->mac * sizeof(float); }

double lm_result_intensity(const lm_result_case *c) {
    const uint64_t bytes = lm_result_mac_bytes(c);
    return bytes ? 2.0 * (double)c->madds / (double)bytes : 0;
}

double lm_result_gflops(const lm_result_case *c, double seconds) {
    return seconds > 0 ? 2.0 * (double)c->madds / seconds * 1e-9 : 0;
}

double lm_result_gbps(const lm_result_case *c, double seconds) {
    return seconds > 0 ? (double)lm_result_mac_bytes(c) / seconds * 1e-9 : 0;
}

int lm_results_add_case(lm_results *r, const lm_result_case *c) {
    lm_result_case *cases = realloc(r->cases, (r->case_count + 1) * sizeof *cases);
    if (!cases) return -1;
    r->cases = cases;
    r->cases[r->case_count++] = *c;
    return 0;
}

int lm_results_move_cases(lm_results *to, lm_results *from) {
    if (!from->case_count) return 0;
    lm_result_case *cases = realloc(to->cases, (to->case_count + from->case_count) * sizeof *cases);
    if (!cases) return -1;
    memcpy(cases + to->case_count, from->cases, from->case_count * sizeof *cases);
    to->cases = cases;
    to->case_count += from->case_count;
    free(from->cases);
    from->cases = NULL;
    from->case_count = 0;
    return 0;
}

bool lm_result_images_per_second(const lm_result_case *c, double *images_per_second) {
    double seconds;
    if (!c->network[0] || c->layer_index >= 0 || !lm_result_seconds(c, "median", &seconds) || !(seconds > 0))
        return false;
    *images_per_second = c->batch / seconds;
    return true;
}

bool lm_result_net_breakdown(const lm_results *r, const lm_result_case *net, lm_result_breakdown *b) {
    memset(b, 0, sizeof *b);
    if (!net->network[0] || net->layer_index >= 0 || !lm_result_seconds(net, "median", &b->end_to_end_seconds))
        return false;
    for (size_t i = 0; i < r->case_count; i++) {
        const lm_result_case *l = &r->cases[i];
        if (l->layer_index < 0 || strcmp(l->network, net->network) != 0 || l->threads != net->threads ||
            l->batch != net->batch || l->input_h != net->input_h || l->input_w != net->input_w ||
            strcmp(l->backend, net->backend) != 0 || strcmp(l->isa, net->isa) != 0)
            continue;
        double seconds;
        if (!lm_result_seconds(l, "median", &seconds)) return false;
        int k = 0;
        while (k < LM_RESULT_LAYER_CATEGORIES - 1 && strcmp(l->category, lm_layer_category_name((lm_layer_category)k)) != 0) {
            const char *legacy = lm_layer_category_legacy_name((lm_layer_category)k); /* files from before the rename */
            if (legacy && strcmp(l->category, legacy) == 0) break;
            k++;
        }
        b->category_seconds[k] += seconds;
        b->layers_seconds += seconds;
        b->layers_timed++;
    }
    b->gap_seconds = b->end_to_end_seconds - b->layers_seconds;
    return b->layers_timed > 0;
}

bool lm_result_roof(const lm_results *r, const lm_result_case *c, lm_roof_placement *p) {
    /* A whole network's MAC is not one working set (its tensors pass through an arena a few at a
     * time): only single operators, kernels and layers, are placed. */
    if (c->network[0] && c->layer_index < 0) return false;
    double seconds;
    const lm_ceilings_at *at = lm_ceilings_find(r->ceilings, c->threads);
    return at && lm_result_seconds(c, "median", &seconds) &&
           lm_roofline_place(at, 2 * c->madds, lm_result_mac_bytes(c), seconds, p);
}

void lm_result_flags(const lm_results *r, const lm_result_case *c, char *buf, size_t size) {
    if (!size) return;
    buf[0] = '\0';
    double cv;
    lm_roof_placement roof;
    const char *flags[4];
    size_t n = 0;
    if (lm_result_failed(c)) flags[n++] = "error";
    if (lm_result_cv(c, &cv) && cv > LM_RESULT_NOISY_CV) flags[n++] = "noisy";
    if (r->cores && r->load_at_start > (double)r->cores) flags[n++] = "load";
    if (lm_result_roof(r, c, &roof) && roof.above_roof) flags[n++] = "above_roof";
    size_t used = 0;
    for (size_t i = 0; i < n && used < size; i++) {
        const int w = snprintf(buf + used, size - used, "%s%s", i ? " " : "", flags[i]);
        if (w < 0) break;
        used += (size_t)w;
    }
}
