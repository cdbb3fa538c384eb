/* results.json: Google Benchmark's JSON layout, so its tools (compare.py) read latmac's results, with
 * latmac's facts added to the context and to each benchmark (see reports/README.md). */
#include "reports/results.h"

#include <math.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "reports/ceilings_report.h"
#include "reports/host_report.h"
#include "kernels/kernel.h"

/* Sets obj[key] to v, leaving the key out when v is not finite (JSON has no NaN or infinity). */
static void set_real(json_t *obj, const char *key, double v) {
    if (isfinite(v)) json_object_set_new(obj, key, json_real(v));
}

static void set_string(json_t *obj, const char *key, const char *v) {
    json_object_set_new(obj, key, json_string(v ? v : ""));
}

/* Hardware threads in an OS cpu list such as "0-3,8,10-11"; 0 when it does not parse. */
static int cpu_list_size(const char *list) {
    int n = 0;
    while (list && *list) {
        char *end;
        const long first = strtol(list, &end, 10);
        if (end == list) return 0;
        long last = first;
        if (*end == '-') {
            const char *from = end + 1;
            last = strtol(from, &end, 10);
            if (end == from) return 0;
        }
        n += (int)(last - first + 1);
        list = *end == ',' ? end + 1 : end;
        if (*end && *end != ',') return 0;
    }
    return n;
}

/* The context as Google Benchmark would write it, from what its reporter and the host told us, for
 * when its own JSON is missing or does not parse. */
static json_t *fallback_context(const lm_results *r) {
    char date[64] = "";
    const time_t now = time(NULL);
    struct tm local;
    if (localtime_r(&now, &local)) {
        char zone[8] = "";
        strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &local);
        strftime(zone, sizeof zone, "%z", &local); /* +hhmm; Google Benchmark writes +hh:mm */
        if (strlen(zone) == 5) snprintf(date + strlen(date), sizeof date - strlen(date), "%.3s:%s", zone, zone + 3);
    }
    json_t *ctx = json_object(), *caches = json_array(), *load = json_array();
    set_string(ctx, "date", date);
    set_string(ctx, "host_name", r->host_name[0] || !r->host ? r->host_name : r->host->host_name);
    set_string(ctx, "executable", r->executable);
    json_object_set_new(ctx, "num_cpus", json_integer(r->num_cpus));
    json_object_set_new(ctx, "mhz_per_cpu", json_integer((json_int_t)llround(r->mhz_per_cpu > 0 ? r->mhz_per_cpu : 0)));
    json_object_set_new(ctx, "cpu_scaling_enabled", json_boolean(r->cpu_scaling == 1));
    for (size_t i = 0; r->host && i < r->host->cache_count; i++) {
        const lm_host_cache *c = &r->host->caches[i];
        const char *type = strcmp(c->type, "data") == 0          ? "Data"
                           : strcmp(c->type, "instruction") == 0 ? "Instruction"
                                                                 : "Unified";
        json_array_append_new(caches, json_pack("{s:s, s:i, s:I, s:i}", "type", type, "level", c->level, "size",
                                                (json_int_t)c->size_bytes, "num_sharing",
                                                c->instances ? cpu_list_size(c->shared_cpus[0]) : 0));
    }
    json_object_set_new(ctx, "caches", caches);
    for (int i = 0; r->host && i < 3 && r->host->load_average[i] >= 0; i++)
        json_array_append_new(load, json_real(r->host->load_average[i]));
    json_object_set_new(ctx, "load_avg", load);
    set_string(ctx, "library_build_type", "unknown");
    return ctx;
}

static json_t *gb_context(const lm_results *r) {
    if (r->gb_context_json) {
        json_t *root = json_loads(r->gb_context_json, 0, NULL);
        json_t *ctx = json_object_get(root, "context");
        if (json_is_object(ctx)) {
            json_incref(ctx);
            json_decref(root);
            return ctx;
        }
        json_decref(root);
    }
    return fallback_context(r);
}

static json_t *placement_json(size_t count, const unsigned *cpus) {
    json_t *a = json_array();
    for (size_t i = 0; i < count; i++) json_array_append_new(a, json_integer(cpus[i]));
    return a;
}

static json_t *latmac_context(const lm_results *r) {
    json_t *l = json_object(), *isas = json_array(), *peers = json_array(), *threads = json_array();
    set_string(l, "version", r->host ? r->host->latmac_version : "unknown");
    set_string(l, "command_line", r->command_line);
    set_string(l, "suite", r->suite);
    if (r->host) json_object_set_new(l, "host", lm_host_to_json(r->host));
    for (int i = 0; i < LM_ISA_COUNT; i++)
        if (r->usable_isas & LM_ISA_BIT(i)) json_array_append_new(isas, json_string(lm_isa_name((lm_isa)i)));
    json_object_set_new(l, "usable_isas", isas);
    json_t *timed = json_array();
    for (int i = LM_ISA_COUNT - 1; i >= 0; i--)
        if (r->timed_isas & LM_ISA_BIT(i)) json_array_append_new(timed, json_string(lm_isa_name((lm_isa)i)));
    json_object_set_new(l, "timed_isas", timed);
    for (size_t i = 0; i < r->peer_count; i++)
        json_array_append_new(peers, json_pack("{s:s, s:s}", "name", r->peers[i].name, "version", r->peers[i].version));
    json_object_set_new(l, "peers", peers);
    for (size_t i = 0; i < r->thread_count_count; i++) {
        const lm_result_thread_count *t = &r->thread_counts[i];
        json_array_append_new(threads, json_pack("{s:i, s:o}", "threads", t->threads, "placement",
                                                 placement_json(t->placement_count, t->placement)));
    }
    json_object_set_new(l, "thread_counts", threads);
    json_object_set_new(l, "repetitions", json_integer(r->repetitions));
    json_object_set_new(l, "rounds", json_integer(r->rounds > 0 ? r->rounds : 1));
    json_object_set_new(l, "seed", json_integer((json_int_t)r->seed));
    set_real(l, "min_time_seconds", r->min_time);
    set_real(l, "warmup_time_seconds", r->warmup_time);
    set_string(l, "statistic", "median");
    set_string(l, "pinning", r->pinning);
    if (r->load_at_start >= 0) set_real(l, "load_average_at_start", round(r->load_at_start * 100) / 100);
    else set_string(l, "load_average_at_start", LM_HOST_UNKNOWN);
    if (r->cores) json_object_set_new(l, "cores", json_integer(r->cores));
    else set_string(l, "cores", LM_HOST_UNKNOWN);
    set_real(l, "noisy_cv", LM_RESULT_NOISY_CV);
    json_object_set_new(l, "partial", json_boolean(r->partial));
    json_object_set_new(l, "cases_planned", json_integer((json_int_t)r->cases_planned));
    json_object_set_new(l, "cases_finished", json_integer((json_int_t)lm_results_cases_finished(r)));
    return l;
}

/* Whether a row gets rates: repetitions, and the aggregates that are times of one iteration. */
static bool has_rates(const lm_result_run *run) {
    if (run->error) return false;
    if (!run->is_aggregate) return true;
    return strcmp(run->aggregate_name, "mean") == 0 || strcmp(run->aggregate_name, "median") == 0 ||
           strcmp(run->aggregate_name, "min") == 0;
}

/* A network's (or one of its layers') facts; on the median, its images/s and, with per-layer cases,
 * where the time went. Times in the case's time unit, like real_time. */
static void network_fields(json_t *b, const lm_result_case *c, const lm_case_analysis *a, const lm_result_run *run) {
    char input[32];
    snprintf(input, sizeof input, "%dx%d", c->input_h, c->input_w);
    set_string(b, "network", c->network);
    set_string(b, "input", input);
    json_object_set_new(b, "batch", json_integer(c->batch));
    if (c->layer_index >= 0) {
        json_object_set_new(b, "layer_index", json_integer(c->layer_index));
        set_string(b, "layer", c->layer);
        return;
    }
    json_object_set_new(b, "layers", json_integer(c->layers));
    json_object_set_new(b, "steps", json_integer(c->steps));
    json_object_set_new(b, "peak_activation_bytes", json_integer((json_int_t)c->peak_activation_bytes));
    if (c->predicted_seconds > 0) set_real(b, "predicted_seconds", c->predicted_seconds);
    const double seconds = run->real_time * lm_time_unit_seconds(c->time_unit);
    if (has_rates(run) && seconds > 0) set_real(b, "images_per_second", c->batch / seconds);
    if (!run->is_aggregate || strcmp(run->aggregate_name, "median") != 0) return;
    if (c->has_profile) {
        json_t *profile = json_object();
        for (int k = 0; k < LM_RESULT_LAYER_CATEGORIES; k++)
            set_real(profile, lm_layer_category_name((lm_layer_category)k), c->profile_seconds[k] / lm_time_unit_seconds(c->time_unit));
        json_object_set_new(b, "profile_time", profile);
    }
    if (!a->has_breakdown) return;
    const lm_result_breakdown d = a->breakdown;
    const double unit = lm_time_unit_seconds(c->time_unit);
    json_t *categories = json_object();
    for (int k = 0; k < LM_RESULT_LAYER_CATEGORIES; k++)
        set_real(categories, lm_layer_category_name((lm_layer_category)k), d.category_seconds[k] / unit);
    json_object_set_new(b, "category_time", categories);
    set_real(b, "layers_time", d.layers_seconds / unit);
    set_real(b, "gap_time", d.gap_seconds / unit);
}

/* A guideline case's place in its experiment and the paper's figure for it. */
static void guideline_fields(json_t *b, const lm_result_case *c) {
    set_string(b, "experiment", c->experiment);
    set_string(b, "group", c->group);
    set_string(b, "label", c->label);
    json_object_set_new(b, "rank", json_integer(c->rank));
    json_object_set_new(b, "scale", json_integer(c->scale));
    json_object_set_new(b, "separate_elementwise", json_boolean(c->separate_elementwise));
    json_object_set_new(b, "concurrent_branches", json_boolean(c->concurrent_branches));
    if (c->paper_gpu > 0) set_real(b, "paper_gpu_batches_per_second", c->paper_gpu);
    if (c->paper_arm > 0) set_real(b, "paper_arm_images_per_second", c->paper_arm);
}

static json_t *run_json(const lm_results *r, const lm_result_case *c, const lm_case_analysis *a,
                        const lm_result_run *run) {
    json_t *b = json_object();
    char name[sizeof c->name + sizeof run->aggregate_name + 1];
    snprintf(name, sizeof name, "%s%s%s", c->name, run->is_aggregate ? "_" : "",
             run->is_aggregate ? run->aggregate_name : "");
    /* Google Benchmark's fields, in its order */
    set_string(b, "name", name);
    json_object_set_new(b, "family_index", json_integer(c->family_index));
    json_object_set_new(b, "per_family_instance_index", json_integer(0));
    set_string(b, "run_name", c->name);
    set_string(b, "run_type", run->is_aggregate ? "aggregate" : "iteration");
    json_object_set_new(b, "repetitions", json_integer(c->repetitions));
    if (!run->is_aggregate) json_object_set_new(b, "repetition_index", json_integer(run->repetition_index));
    if (!run->is_aggregate) json_object_set_new(b, "round", json_integer(run->round));
    json_object_set_new(b, "threads", json_integer(c->threads));
    if (run->is_aggregate) {
        set_string(b, "aggregate_name", run->aggregate_name);
        set_string(b, "aggregate_unit", run->is_percentage ? "percentage" : "time");
    }
    if (run->error) {
        json_object_set_new(b, "error_occurred", json_true());
        set_string(b, "error_message", run->error_message);
    }
    json_object_set_new(b, "iterations", json_integer(run->iterations));
    set_real(b, "real_time", run->real_time);
    set_real(b, "cpu_time", run->cpu_time);
    set_string(b, "time_unit", c->time_unit);
    /* latmac's */
    set_string(b, "suite", c->suite);
    set_string(b, "case", c->shape);
    set_string(b, "backend", c->backend);
    set_string(b, "kernel", c->kernel);
    if (c->isa[0]) set_string(b, "isa", c->isa);
    if (c->variant) json_object_set_new(b, "variant", json_true());
    set_string(b, "category", c->category);
    set_string(b, "op", c->op);
    set_string(b, "description", c->description);
    json_object_set_new(b, "madds", json_integer((json_int_t)c->madds));
    if (c->isa[0]) json_object_set_new(b, "executed_madds", json_integer((json_int_t)c->executed_madds));
    json_object_set_new(b, "mac", json_integer((json_int_t)c->mac));
    json_object_set_new(b, "mac_bytes", json_integer((json_int_t)lm_result_mac_bytes(c)));
    json_object_set_new(b, "params", json_integer((json_int_t)c->params));
    set_real(b, "intensity", lm_result_intensity(c));
    json_object_set_new(b, "placement", placement_json(c->placement_count, c->placement));
    if (c->network[0]) network_fields(b, c, a, run);
    if (c->experiment[0]) guideline_fields(b, c);
    const double seconds = run->real_time * lm_time_unit_seconds(c->time_unit);
    if (has_rates(run) && seconds > 0) {
        if (c->madds) set_real(b, "gflops", lm_result_gflops(c, seconds)); /* no MAdds: not applicable */
        set_real(b, "gbps", lm_result_gbps(c, seconds));
    }
    if (!run->is_aggregate || strcmp(run->aggregate_name, "median") != 0) return b;
    /* the median's row carries what the analysis derived */
    for (size_t i = 0; i < r->peer_count && i < LM_RESULT_MAX_PEERS; i++) {
        char key[48];
        snprintf(key, sizeof key, "ratio_to_%s", r->peers[i].name);
        if (a->has_ratio[i]) set_real(b, key, a->ratio[i]);
    }
    if (a->has_copy_fraction) set_real(b, "copy_bandwidth_fraction", a->copy_fraction);
    if (a->placed) {
        set_string(b, "roof_level", a->roof.level->name);
        set_real(b, "roof_gbps", a->roof.roof_gbps);
        if (c->madds) set_real(b, "attainable_gflops", a->roof.attainable_gflops);
        json_object_set_new(b, "memory_bound", json_boolean(a->roof.memory_bound));
        set_real(b, "roof_fraction", a->roof.fraction);
    }
    {
        char flags[sizeof a->flags];
        memcpy(flags, a->flags, sizeof flags);
        json_t *list = json_array();
        for (char *save = NULL, *f = strtok_r(flags, " ", &save); f; f = strtok_r(NULL, " ", &save))
            json_array_append_new(list, json_string(f));
        json_object_set_new(b, "flags", list);
    }
    return b;
}

/* A verdict at every margin: {"0.02": "holds", "0.05": ..., "0.10": ...}. */
static json_t *margins_json(const lm_verdict *verdicts) {
    json_t *o = json_object();
    for (int m = 0; m < LM_VERDICT_MARGINS; m++) {
        char key[16];
        snprintf(key, sizeof key, "%.2f", lm_verdict_margins[m]);
        set_string(o, key, lm_verdict_name(verdicts[m]));
    }
    return o;
}

static json_t *comparison_json(const lm_guideline_comparison *c) {
    json_t *o = json_pack("{s:s, s:i, s:s, s:s, s:s, s:s}", "group", c->slower->group, "scale", c->slower->scale,
                          "faster", c->faster->name, "slower", c->slower->name, "faster_label", c->faster->label,
                          "slower_label", c->slower->label);
    set_real(o, "expected_ratio", c->expected);
    set_real(o, "time_ratio", c->effect.ratio);
    set_real(o, "time_ratio_low", c->effect.lo);
    set_real(o, "time_ratio_high", c->effect.hi);
    set_real(o, "simultaneous_low", c->simultaneous.lo);
    set_real(o, "simultaneous_high", c->simultaneous.hi);
    json_object_set_new(o, "family", json_integer((json_int_t)c->family));
    set_real(o, "log_sd", c->effect.log_sd);
    json_object_set_new(o, "rounds", json_integer((json_int_t)c->effect.n));
    set_string(o, "position", lm_position_name(c->position[LM_VERDICT_PRIMARY]));
    set_string(o, "outcome", lm_outcome_name(c->outcome[LM_VERDICT_PRIMARY]));
    json_t *outcomes = json_object();
    for (int m = 0; m < LM_VERDICT_MARGINS; m++) {
        char key[16];
        snprintf(key, sizeof key, "%.2f", lm_verdict_margins[m]);
        set_string(outcomes, key, lm_outcome_name(c->outcome[m]));
    }
    json_object_set_new(o, "outcomes", outcomes);
    if (c->madds_ratio > 0) set_real(o, "madds_ratio", c->madds_ratio);
    if (c->executed_madds_ratio > 0) {
        set_real(o, "executed_madds_ratio", c->executed_madds_ratio);
        set_real(o, "time_ratio_per_executed_madd", c->ratio_per_executed_madd);
    }
    if (c->paper_ratio > 0) {
        set_real(o, "paper_ratio", c->paper_ratio);
        set_string(o, "paper_platform", c->paper_platform);
        json_object_set_new(o, "paper_agrees", json_boolean(c->paper_agrees));
        json_object_set_new(o, "paper_inside_interval", json_boolean(c->paper_inside));
    }
    return o;
}

static json_t *group_json(const lm_guideline_group *g) {
    json_t *o = json_pack("{s:s, s:i, s:s, s:o}", "group", g->group, "scale", g->scale, "verdict",
                          lm_verdict_name(g->verdict[LM_VERDICT_PRIMARY]), "verdicts", margins_json(g->verdict));
    set_real(o, "trend_p", g->trend_p); /* absent when not tested */
    set_real(o, "trend_p_adjusted", g->trend_p_adjusted);
    set_real(o, "reversed_trend_p_adjusted", g->reversed_p_adjusted);
    return o;
}

/* The guideline experiments' verdicts (guidelines/guideline_verdicts.h); an empty list without them. */
static json_t *verdicts_json(const lm_analysis *a) {
    json_t *list = json_array();
    for (size_t i = 0; i < a->verdict_count; i++) {
        const lm_guideline_verdict *v = &a->verdicts[i];
        json_t *comparisons = json_array(), *groups = json_array();
        for (size_t k = 0; k < v->count; k++) json_array_append_new(comparisons, comparison_json(&v->comparisons[k]));
        for (size_t g = 0; g < v->group_count; g++) json_array_append_new(groups, group_json(&v->groups[g]));
        json_t *o = json_pack("{s:s, s:i, s:s, s:s, s:b, s:s, s:o, s:I}", "experiment", v->experiment, "threads",
                              v->threads, "isa", v->isa, "claim", lm_claim_name(v->claim), "noise_floor",
                              v->noise_floor, "verdict", lm_verdict_name(v->verdict[LM_VERDICT_PRIMARY]), "verdicts",
                              margins_json(v->verdict), "rounds", (json_int_t)v->rounds);
        if (v->noise_measured) {
            json_t *noise = json_object();
            set_real(noise, "log_sd", v->noise_log_sd);
            json_object_set_new(noise, "rounds_to_resolve_margin_at_least",
                                v->rounds_needed ? json_integer((json_int_t)v->rounds_needed) : json_null());
            json_object_set_new(o, "noise_floor_spread", noise);
        }
        if (v->undecided)
            json_object_set_new(o, "rounds_to_decide",
                                v->rounds_to_decide ? json_integer((json_int_t)v->rounds_to_decide) : json_null());
        const struct {
            const char *key;
            size_t value;
        } counts[] = {{"groups_count", v->group_count},      {"groups_holding", v->groups_holding},
                      {"groups_failing", v->groups_failing}, {"groups_without_effect", v->groups_without_effect},
                      {"comparisons_count", v->count},       {"confirms", v->confirms},
                      {"no_effect", v->no_effect},           {"contradicts", v->contradicts},
                      {"paper_cells", v->paper_cells},       {"paper_agreeing", v->paper_agreeing},
                      {"undecided", v->undecided}};
        for (size_t k = 0; k < sizeof counts / sizeof counts[0]; k++)
            json_object_set_new(o, counts[k].key, json_integer((json_int_t)counts[k].value));
        json_object_set_new(o, "groups", groups);
        json_object_set_new(o, "comparisons", comparisons);
        json_array_append_new(list, o);
    }
    return list;
}

/* FLOPs and MAC as latency proxies (guidelines/proxy.h); an empty list without enough cases. */
static json_t *proxies_json(const lm_analysis *a) {
    json_t *list = json_array();
    const lm_proxy_result *p = a->proxies;
    const size_t n = a->proxy_count;
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_pack("{s:s, s:i, s:s, s:I}", "cases", p[i].population, "threads", p[i].threads, "isa",
                              p[i].isa, "count", (json_int_t)p[i].count);
        set_real(o, "madds_spearman", p[i].madds.spearman);
        set_real(o, "madds_log_slope", p[i].madds.slope);
        set_real(o, "madds_log_r2", p[i].madds.r2);
        set_real(o, "mac_spearman", p[i].mac.spearman);
        set_real(o, "mac_log_slope", p[i].mac.slope);
        set_real(o, "mac_log_r2", p[i].mac.r2);
        json_array_append_new(list, o);
    }
    return list;
}

json_t *lm_results_to_json(const lm_analysis *a) {
    const lm_results *r = a->results;
    json_t *ctx = gb_context(r), *benchmarks = json_array();
    json_t *latmac = latmac_context(r);
    json_t *verdicts = verdicts_json(a);
    if (json_array_size(verdicts)) {
        char rule[896];
        snprintf(rule, sizeof rule,
                 "rounds are the replicates: per round the median of each case; per comparison the round log "
                 "ratios' %.0f%% interval (Yuen's, of the %.0f%%-trimmed mean) of the time ratio against the ratio the claim expects (1, or the MAdds "
                 "ratio) with a margin d: within (the interval inside [1/(1+d), 1+d]), above or below (the "
                 "interval simultaneous over the experiment's comparisons at that thread count, Bonferroni, "
                 "beyond 1+d or 1/(1+d)); an order "
                 "claim needs one comparison above, none below and, for groups of 3 or more, Page's L trend test "
                 "(Holm-corrected, p < %.2f); an equality claim needs every comparison within; verdicts at d = 2%%, "
                 "5%% (primary) and 10%%, 'too noisy to tell' where the A/A pairs are not within d "
                 "(guidelines/README.md)",
                 100 * LM_VERDICT_CONFIDENCE, 100 * LM_VERDICT_TRIM, LM_VERDICT_ALPHA);
        set_string(latmac, "verdict_rule", rule);
    }
    json_object_set_new(latmac, "verdicts", verdicts);
    json_object_set_new(latmac, "proxies", proxies_json(a));
    if (r->ceilings) json_object_set_new(latmac, "ceilings", lm_ceilings_to_json(r->ceilings));
    json_object_set_new(ctx, "latmac", latmac);
    for (size_t i = 0; i < r->case_count; i++)
        for (size_t j = 0; j < r->cases[i].run_count; j++)
            json_array_append_new(benchmarks, run_json(r, &r->cases[i], &a->cases[i], &r->cases[i].runs[j]));
    json_t *root = json_object();
    json_object_set_new(root, "context", ctx);
    json_object_set_new(root, "benchmarks", benchmarks);
    return root;
}

int lm_results_write_json(FILE *out, const lm_analysis *a) {
    json_t *root = lm_results_to_json(a);
    const int failed = !root || json_dumpf(root, out, JSON_INDENT(2)) != 0 || fputc('\n', out) == EOF;
    json_decref(root);
    return failed ? -1 : 0;
}
