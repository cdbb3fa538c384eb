/* The measured ceilings as JSON (see ceilings_report.h). */
#include "reports/ceilings_report.h"

#include <stdint.h>

/* The bandwidth of each kind as "<kind>_gbps" members of `o`. */
static void set_gbps(json_t *o, const double gbps[LM_BW_KINDS]) {
    for (int k = 0; k < LM_BW_KINDS; k++) {
        char key[32];
        snprintf(key, sizeof key, "%s_gbps", lm_bandwidth_kind_names[k]);
        json_object_set_new(o, key, json_real(gbps[k]));
    }
}

static json_t *at_json(const lm_ceilings_at *at) {
    json_t *peaks = json_array(), *levels = json_array(), *sweep = json_array();
    for (size_t i = 0; i < at->peak_count; i++)
        json_array_append_new(peaks, json_pack("{s:s, s:s, s:f}", "isa", at->peaks[i].isa, "mix", at->peaks[i].mix,
                                               "gflops", at->peaks[i].gflops));
    for (size_t i = 0; i < at->level_count; i++) {
        const lm_memory_level *l = &at->levels[i];
        json_t *o = json_pack("{s:s, s:o, s:I}", "name", l->name, "capacity_bytes",
                              l->capacity_bytes == SIZE_MAX ? json_string("unbounded")
                                                            : json_integer((json_int_t)l->capacity_bytes),
                              "working_set_bytes", (json_int_t)l->working_set);
        set_gbps(o, l->gbps);
        json_object_set_new(o, "roof_gbps", json_real(l->roof_gbps));
        json_array_append_new(levels, o);
    }
    for (size_t i = 0; i < at->sweep_count; i++) {
        json_t *o = json_pack("{s:I}", "bytes", (json_int_t)at->sweep[i].bytes);
        set_gbps(o, at->sweep[i].gbps);
        json_array_append_new(sweep, o);
    }
    return json_pack("{s:i, s:f, s:o, s:o, s:o}", "threads", at->threads, "peak_gflops", at->peak_gflops, "peaks",
                     peaks, "levels", levels, "sweep", sweep);
}

json_t *lm_ceilings_to_json(const lm_ceilings *c) {
    json_t *at = json_array();
    for (size_t i = 0; i < c->count; i++) json_array_append_new(at, at_json(&c->at[i]));
    return json_pack("{s:i, s:f, s:o}", "repetitions", c->repetitions, "min_time_seconds", c->min_time, "at", at);
}
