/* Roofline placement arithmetic (see roofline.h). */
#include "bench/ceilings/roofline.h"

#include <math.h>
#include <string.h>

const lm_ceilings_at *lm_ceilings_find(const lm_ceilings *c, int threads) {
    for (size_t i = 0; c && i < c->count; i++)
        if (c->at[i].threads == threads) return &c->at[i];
    return NULL;
}

const lm_memory_level *lm_roofline_level(const lm_ceilings_at *at, uint64_t bytes) {
    if (!at || !at->level_count) return NULL;
    for (size_t i = 0; i < at->level_count; i++)
        if (bytes <= at->levels[i].capacity_bytes) return &at->levels[i];
    return &at->levels[at->level_count - 1];
}

double lm_roofline_bandwidth(const lm_ceilings_at *at, uint64_t bytes) {
    const lm_memory_level *level = lm_roofline_level(at, bytes);
    if (!level) return 0;
    double best = level->roof_gbps; /* below the sweep's first working set, or without a sweep */
    for (size_t i = 0; i < at->sweep_count && at->sweep[i].bytes <= bytes; i++) {
        best = 0;
        for (int k = 0; k < LM_BW_KINDS; k++) best = fmax(best, at->sweep[i].gbps[k]);
    }
    return best;
}

bool lm_roofline_place(const lm_ceilings_at *at, uint64_t flop, uint64_t bytes, double seconds, lm_roof_placement *p) {
    memset(p, 0, sizeof *p);
    p->level = lm_roofline_level(at, bytes);
    p->roof_gbps = lm_roofline_bandwidth(at, bytes);
    if (!p->level || !bytes || !(seconds > 0) || !(p->roof_gbps > 0) || !(at->peak_gflops > 0)) return false;
    const double bandwidth = p->roof_gbps;
    p->intensity = (double)flop / (double)bytes;
    p->achieved_gflops = (double)flop / seconds / 1e9;
    p->achieved_gbps = (double)bytes / seconds / 1e9;
    p->attainable_gflops = fmin(at->peak_gflops, p->intensity * bandwidth);
    p->memory_bound = p->intensity * bandwidth < at->peak_gflops;
    p->fraction = p->memory_bound ? p->achieved_gbps / bandwidth : p->achieved_gflops / at->peak_gflops;
    p->above_roof = p->fraction > LM_ROOF_ABOVE;
    return true;
}
