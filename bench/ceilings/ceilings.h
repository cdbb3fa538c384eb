/* The host's ceilings, measured by latmac itself: peak FP32 FLOP/s per instruction set and mix, and
 * memory bandwidth (read, write, copy) at working sets that sweep through every cache level the host
 * probe reports and out to DRAM, at each thread count, threads pinned as the runner pins them.
 * roofline.h places cases under them.
 *
 * How: for each figure a warm-up, then `repetitions` timed repetitions of at least `min_time` seconds
 * each (wall clock); the median rate is kept. Threads run on one pinned pool per thread count, worker i
 * on placement slot i (one hardware thread per physical core first), as cases do.
 *
 * Conventions: a FLOP is one lane of one arithmetic operation, an FMA counting 2. Bandwidth counts
 * bytes as MAC does: bytes read plus bytes written (a copy of n bytes moves 2n). A working set is the
 * total over all threads; each thread works on its own equal share (page-aligned, a whole number of
 * KiB, so a working set may be a little under the size asked for). A copy's working set holds its source
 * and its destination, half each. Writes are ordinary stores, as kernels make them: beyond the caches
 * the hardware also reads each line before writing it, which the rate does not count (MAC does not
 * either). Bandwidth uses the best usable instruction set (AVX-512, else AVX2, else plain C). */
#ifndef LM_CEILINGS_H
#define LM_CEILINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <signal.h>
#include <stdio.h>

#include "bench/host/host.h"

#define LM_CEILING_MAX_PEAKS 8        /* instruction set x mix */
#define LM_CEILING_MAX_LEVELS 6       /* caches, then DRAM */
#define LM_CEILING_MAX_SWEEP 40       /* working sets of the sweep */
#define LM_CEILING_MAX_THREAD_COUNTS 64

typedef enum lm_bandwidth_kind { LM_BW_READ, LM_BW_WRITE, LM_BW_COPY, LM_BW_KINDS } lm_bandwidth_kind;
extern const char *const lm_bandwidth_kind_names[LM_BW_KINDS]; /* "read", "write", "copy" */

/* Peak arithmetic rate of one instruction set and mix. */
typedef struct lm_peak_flops {
    char isa[16]; /* "avx2", "avx512" (lm_isa_name) */
    char mix[16]; /* "fma" (FMAs only), "fma+add" (as many adds as FMAs) */
    double gflops;
} lm_peak_flops;

/* Bandwidth at one working set (bytes, over all threads), per kind, in 10^9 bytes/s. */
typedef struct lm_bandwidth_point {
    size_t bytes;
    double gbps[LM_BW_KINDS];
} lm_bandwidth_point;

/* A memory level as the roofline uses it: the working sets it holds at this thread count, and the
 * bandwidth measured at a working set well inside it (half its capacity; DRAM: several times the last
 * cache). */
typedef struct lm_memory_level {
    char name[8];           /* "L1", "L2", "L3", "DRAM" (the data and unified caches the probe reports) */
    size_t capacity_bytes;  /* the largest working set it holds for these threads: a private cache's
                               size times the threads (one per core), a shared one's size times the
                               instances the threads use; DRAM: SIZE_MAX */
    size_t working_set;     /* where its bandwidth was measured */
    double gbps[LM_BW_KINDS];
    double roof_gbps;       /* the highest of gbps: the roof a case at this level is held to */
} lm_memory_level;

/* Everything measured at one thread count. */
typedef struct lm_ceilings_at {
    int threads;
    size_t peak_count;
    lm_peak_flops peaks[LM_CEILING_MAX_PEAKS];
    double peak_gflops;     /* the highest of peaks: the compute roof */
    size_t level_count;     /* caches from L1 out, then DRAM last */
    lm_memory_level levels[LM_CEILING_MAX_LEVELS];
    size_t sweep_count;     /* by increasing working set */
    lm_bandwidth_point sweep[LM_CEILING_MAX_SWEEP];
} lm_ceilings_at;

typedef struct lm_ceilings {
    int repetitions;
    double min_time;        /* seconds per repetition */
    size_t count;
    lm_ceilings_at at[LM_CEILING_MAX_THREAD_COUNTS]; /* in the order of the thread counts asked for */
} lm_ceilings;

typedef struct lm_ceilings_config {
    const lm_host *host;    /* caches, placement, binding */
    unsigned usable_isas;   /* an OR of LM_ISA_BIT (kernels/kernel.h): the peaks measured */
    const int *threads;     /* thread counts, each >= 1 */
    size_t thread_count;
    int repetitions;        /* >= 1 */
    double min_time;        /* > 0 */
    FILE *notes;            /* binding failures; NULL: none */
    const volatile sig_atomic_t *interrupted; /* set (by a signal handler): stop at the next figure; NULL */
} lm_ceilings_config;

/* Measures every ceiling. 0, or -1 with a one-line reason in err (an invalid configuration, threads
 * could not be started, memory for the largest working set could not be had). */
int lm_ceilings_measure(const lm_ceilings_config *config, lm_ceilings *out, char *err, size_t err_size);


#endif
