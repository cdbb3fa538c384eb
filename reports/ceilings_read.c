/* The measured ceilings read back from their JSON (see ceilings_report.h), the inverse of
 * ceilings_json.c, so a report of a results file places its cases under the host's own roofline. */
#include "reports/ceilings_report.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* The "<kind>_gbps" members of `o`. */
static int get_gbps(const lm_json_fields *f, const json_t *o, double gbps[LM_BW_KINDS]) {
    for (int k = 0; k < LM_BW_KINDS; k++) {
        char key[32];
        snprintf(key, sizeof key, "%s_gbps", lm_bandwidth_kind_names[k]);
        if (lm_json_get_number(f, o, key, true, &gbps[k]) != 0) return -1;
    }
    return 0;
}

static int get_bytes(const lm_json_fields *f, const json_t *o, const char *key, size_t *bytes) {
    int64_t n;
    if (lm_json_get_whole(f, o, key, true, 0, INT64_MAX, &n) != 0) return -1;
    *bytes = (size_t)n;
    return 0;
}

/* DRAM's capacity is "unbounded" (absent in files as reports/README.md once described them). */
static int get_level(const lm_json_fields *f, const json_t *o, lm_memory_level *l) {
    const json_t *capacity = json_object_get(o, "capacity_bytes");
    const bool unbounded =
        !capacity || (json_is_string(capacity) && strcmp(json_string_value(capacity), "unbounded") == 0);
    l->capacity_bytes = SIZE_MAX;
    if (lm_json_get_string(f, o, "name", true, l->name, sizeof l->name) != 0 ||
        (!unbounded && get_bytes(f, o, "capacity_bytes", &l->capacity_bytes) != 0) ||
        get_bytes(f, o, "working_set_bytes", &l->working_set) != 0 || get_gbps(f, o, l->gbps) != 0)
        return -1;
    return lm_json_get_number(f, o, "roof_gbps", true, &l->roof_gbps);
}

static int get_at(const lm_json_fields *f, const json_t *o, lm_ceilings_at *at) {
    int64_t threads;
    const json_t *peaks, *levels, *sweep, *item;
    if (lm_json_get_whole(f, o, "threads", true, 1, INT_MAX, &threads) != 0 ||
        lm_json_get_number(f, o, "peak_gflops", true, &at->peak_gflops) != 0 ||
        lm_json_get_list(f, o, "peaks", true, LM_CEILING_MAX_PEAKS, &peaks) != 0 ||
        lm_json_get_list(f, o, "levels", true, LM_CEILING_MAX_LEVELS, &levels) != 0 ||
        lm_json_get_list(f, o, "sweep", true, LM_CEILING_MAX_SWEEP, &sweep) != 0)
        return -1;
    at->threads = (int)threads;
    size_t i;
    lm_json_fields in;
    json_array_foreach(peaks, i, item) {
        lm_peak_flops *p = &at->peaks[at->peak_count++];
        if (lm_json_item(f, "peaks", i, item, &in) != 0 ||
            lm_json_get_string(&in, item, "isa", true, p->isa, sizeof p->isa) != 0 ||
            lm_json_get_string(&in, item, "mix", true, p->mix, sizeof p->mix) != 0 ||
            lm_json_get_number(&in, item, "gflops", true, &p->gflops) != 0)
            return -1;
    }
    json_array_foreach(levels, i, item)
        if (lm_json_item(f, "levels", i, item, &in) != 0 || get_level(&in, item, &at->levels[at->level_count++]) != 0)
            return -1;
    json_array_foreach(sweep, i, item) {
        lm_bandwidth_point *p = &at->sweep[at->sweep_count++];
        if (lm_json_item(f, "sweep", i, item, &in) != 0 || get_bytes(&in, item, "bytes", &p->bytes) != 0 ||
            get_gbps(&in, item, p->gbps) != 0)
            return -1;
    }
    return 0;
}

int lm_ceilings_from_json(const json_t *j, const lm_json_fields *f, lm_ceilings *out) {
    memset(out, 0, sizeof *out);
    int64_t repetitions;
    const json_t *at, *item;
    if (!json_is_object(j)) return lm_json_fields_error(f, "not an object");
    if (lm_json_get_whole(f, j, "repetitions", true, 0, INT_MAX, &repetitions) != 0 ||
        lm_json_get_number(f, j, "min_time_seconds", true, &out->min_time) != 0 ||
        lm_json_get_list(f, j, "at", true, LM_CEILING_MAX_THREAD_COUNTS, &at) != 0)
        return -1;
    out->repetitions = (int)repetitions;
    size_t i;
    lm_json_fields in;
    json_array_foreach(at, i, item)
        if (lm_json_item(f, "at", i, item, &in) != 0 || get_at(&in, item, &out->at[out->count++]) != 0) return -1;
    return 0;
}
