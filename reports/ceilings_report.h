/* The host's measured ceilings (bench/ceilings/ceilings.h) as people and programs read them: aligned text and
 * JSON. Rates are in 10^9 FLOP/s (GFLOP/s) and 10^9 bytes/s (GB/s), sizes in bytes. */
#ifndef LM_CEILINGS_REPORT_H
#define LM_CEILINGS_REPORT_H

#include <jansson.h>
#include <stdio.h>

#include "bench/ceilings/ceilings.h"
#include "reports/json_fields.h"

/* A new JSON object: repetitions, min_time_seconds and "at", one object per thread count with threads,
 * peak_gflops, peaks [{isa, mix, gflops}], levels [{name, capacity_bytes, working_set_bytes, read_gbps,
 * write_gbps, copy_gbps, roof_gbps}] and sweep [{bytes, read_gbps, write_gbps, copy_gbps}]. DRAM's
 * capacity_bytes is the string "unbounded" (as the host report writes "unknown" where a number cannot
 * be given). NULL when out of memory; the caller owns the reference. */
json_t *lm_ceilings_to_json(const lm_ceilings *c);

/* The ceilings back from that JSON (results.json's context.latmac.ceilings), `f->where` naming `j`;
 * capacity_bytes "unbounded" or absent is DRAM's, SIZE_MAX. 0, or -1 with a one-line reason naming the
 * entry. (ceilings_read.c) */
int lm_ceilings_from_json(const json_t *j, const lm_json_fields *f, lm_ceilings *out);

/* Writes the ceilings as aligned tables, per thread count: the peaks, the levels with their bandwidth,
 * and the sweep. Returns 0, or -1 when writing failed. */
int lm_ceilings_write_text(FILE *out, const lm_ceilings *c);

#endif
