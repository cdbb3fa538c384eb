/* Placing a measured case under the host's roofline (ceilings.h): its arithmetic intensity, the rate
 * attainable at that intensity, and the fraction of it the case achieved.
 *
 * The memory roof is the bandwidth measured at the case's working set (its MAC bytes): the best of
 * read, write and copy at the largest working set of the sweep that is not larger (bandwidth only
 * falls as working sets grow, so that bounds the case from above); below the sweep (or without one),
 * the roof of the level that holds it. The level named is the smallest whose capacity at the case's thread count holds the working
 * set. The compute roof is the peak FLOP/s. Attainable = min(peak, intensity x bandwidth). A case left
 * of the ridge (memory bound, including every case without FLOP) is held to the bandwidth: its
 * fraction is its achieved GB/s over the roof's; right of it, its GFLOP/s over the peak. A fraction
 * above LM_ROOF_ABOVE is flagged: a case cannot beat the machine, so its MAdds or MAC are miscounted,
 * or the measurement is wrong. */
#ifndef LM_ROOFLINE_H
#define LM_ROOFLINE_H

#include <stdbool.h>
#include <stdint.h>

#include "bench/ceilings/ceilings.h"

#define LM_ROOF_ABOVE 1.05 /* a fraction above this is flagged; the 5% is the ceilings' own noise */

typedef struct lm_roof_placement {
    double intensity;          /* FLOP per MAC byte; 0 without FLOP */
    const lm_memory_level *level; /* the level holding the working set */
    double roof_gbps;          /* the bandwidth measured at the working set: the memory roof */
    double attainable_gflops;  /* min(peak, intensity x roof_gbps); 0 without FLOP */
    double achieved_gflops, achieved_gbps;
    bool memory_bound;         /* left of the ridge: held to the bandwidth */
    double fraction;           /* of the roof that binds, 1: at the roof */
    bool above_roof;           /* fraction > LM_ROOF_ABOVE */
} lm_roof_placement;

/* Places a case doing `flop` FLOP over `bytes` MAC bytes in `seconds` under `at`. False when it cannot
 * be placed: no bytes, no time, or no ceilings. */
bool lm_roofline_place(const lm_ceilings_at *at, uint64_t flop, uint64_t bytes, double seconds, lm_roof_placement *p);

/* The ceilings measured at `threads`, or NULL. */
const lm_ceilings_at *lm_ceilings_find(const lm_ceilings *c, int threads);

/* The memory roof of a working set of `bytes` (see above); 0 without levels. */
double lm_roofline_bandwidth(const lm_ceilings_at *at, uint64_t bytes);

/* The level whose capacity holds `bytes` (the last, DRAM, when none does); NULL without levels. */
const lm_memory_level *lm_roofline_level(const lm_ceilings_at *at, uint64_t bytes);

#endif
