/* Calibrating the step model (step_model.h) on this machine: each class's shapes
 * (calibration_shapes.h) timed one kernel call at a time, in the cache state a step meets inside a
 * network, then the model fitted on those times.
 *
 * The cache state: inside a network a step's input was written by the step just before it and its
 * output goes to an arena that has just held other tensors, so both are in the caches, while its
 * weights were last touched one inference ago, after every other step's weights and activations went
 * through those caches. Timing a kernel again and again on its own finds its weights in L1 or L2 too,
 * and sums of such times fall well short of a network's (the issue that asked for this measured 0.66
 * to 1.00 of it, a median of 0.91). So before each timed call the threads of the pool write a buffer
 * twice the size of the largest cache, and the calling thread then reads the step's inputs and
 * outputs back in; the weights are left where the eviction put them. */
#ifndef LM_CALIBRATION_H
#define LM_CALIBRATION_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "bench/host/host.h"
#include "bench/predict/step_model.h"
#include "kernels/threadpool.h"

/* Calibration shapes per class, and the default rounds over all of them (each shape's time is the
 * median of its rounds'); the sweep at one thread count takes one to two minutes on 2 cores. */
#define LM_CALIBRATION_SHAPES 80
#define LM_CALIBRATION_ROUNDS 3
#define LM_CALIBRATION_MAX_ROUNDS 15

typedef struct lm_calibration_config {
    const lm_host *host;
    lm_isa isa;            /* the cap: kernels dispatch picks under it */
    lm_threadpool *pool;   /* NULL: one thread */
    uint64_t seed;         /* of the shapes and their data */
    double near_limit;     /* the model's (lm_calibration_near_limit) */
    int repetitions;       /* timed calls per shape and round (the median kept); 0: 11 */
    int rounds;            /* 1 to LM_CALIBRATION_MAX_ROUNDS; 0: LM_CALIBRATION_ROUNDS */
    FILE *progress;        /* a line per round, or NULL */
} lm_calibration_config;

/* One measured shape: what the fit reads, and the median time. */
typedef struct lm_calibration_sample {
    lm_op_desc desc;
    lm_step_class step_class;
    const lm_kernel *kernel; /* dispatch's pick */
    lm_step_features features;
    double seconds;
} lm_calibration_sample;

/* The bytes of activations the cores' private caches hold at `threads` threads: the largest private
 * cache times the threads (1 MiB each when the probe knows none). */
double lm_calibration_near_limit(const lm_host *host, int threads);

/* Times every class's shapes into samples (LM_STEP_CLASS_COUNT * LM_CALIBRATION_SHAPES at most;
 * *count set). Returns 0, or -1 with a reason in err (memory, a kernel that cannot take a shape). */
int lm_calibration_measure(const lm_calibration_config *c, lm_calibration_sample *samples, size_t *count, char *err,
                           size_t err_size);

/* Fits model m on the samples (of m's cap, thread count and near_limit): each class on its own
 * samples, and each kernel with at least LM_CALIBRATION_KERNEL_SAMPLES of them in a class on those. */
#define LM_CALIBRATION_KERNEL_SAMPLES 12
void lm_calibration_fit(const lm_calibration_sample *samples, size_t count, lm_step_model *m);

#endif
