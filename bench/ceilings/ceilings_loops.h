/* The inner loops ceilings.c times, one set per instruction set (ceilings_avx2.c, ceilings_avx512.c,
 * and the plain-C ceilings_ref.c for bandwidth on hosts with neither). Private to bench/ceilings*.c.
 *
 * Every loop returns a value derived from all its work (a sink), so the compiler cannot drop any of it;
 * the callers fold it into a volatile. Buffers are 64-byte aligned and their sizes multiples of
 * LM_CEILING_BLOCK_BYTES. */
#ifndef LM_CEILINGS_LOOPS_H
#define LM_CEILINGS_LOOPS_H

#include <stddef.h>
#include <stdint.h>

#include "kernels/kernel.h"

/* What a loop pass handles at a time: a copy's source and destination are each a multiple of it. */
#define LM_CEILING_BLOCK_BYTES 512

/* Peak loop: `iterations` rounds of independent FP32 chains that never leave the normal range. */
typedef float (*lm_ceiling_peak_fn)(uint64_t iterations);
/* Bandwidth loops: `passes` passes over `bytes` (a copy reads `bytes` from src and writes them to dst). */
typedef float (*lm_ceiling_read_fn)(const float *p, size_t bytes, uint64_t passes);
typedef float (*lm_ceiling_write_fn)(float *p, size_t bytes, uint64_t passes);
typedef float (*lm_ceiling_copy_fn)(float *dst, const float *src, size_t bytes, uint64_t passes);

typedef struct lm_ceiling_loops {
    lm_isa isa;
    lm_ceiling_peak_fn fma, fma_add;            /* NULL for the reference: it has no peak to show */
    double fma_flop, fma_add_flop;              /* FLOP per iteration of each */
    lm_ceiling_read_fn read;
    lm_ceiling_write_fn write;
    lm_ceiling_copy_fn copy;
} lm_ceiling_loops;

extern const lm_ceiling_loops lm_ceiling_loops_avx2;   /* ceilings_avx2.c */
extern const lm_ceiling_loops lm_ceiling_loops_avx512; /* ceilings_avx512.c */
extern const lm_ceiling_loops lm_ceiling_loops_ref;    /* ceilings_ref.c */

#endif
