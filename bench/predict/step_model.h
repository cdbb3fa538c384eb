/* A network's latency predicted from its steps: each step of a plan (a kernel call, after folding and
 * fusion) costs
 *
 *     t = tau + work * seconds_per_madd + weight_bytes * seconds_per_weight_byte
 *             + near_bytes * seconds_per_near_byte + far_bytes * seconds_per_far_byte
 *
 * with the coefficients fitted per step class (below), instruction-set cap and thread count on
 * isolated kernel measurements (calibration.h), and the network's time is the sum of its steps'.
 *
 * Why this form: a step's time is its fixed cost (the call, the thread pool's wake-up, the loops'
 * set-up: tau), plus the time of its arithmetic (the kernel's executed multiply-adds, tile padding
 * included; for pooling the taps of its windows), plus the time of its memory traffic (the MAC of the
 * ShuffleNet V2 paper, in bytes) at the speed of where that traffic comes from. Inside a network the
 * weights were last read one inference ago and come from the last-level cache or memory, while the
 * activations were just written by the step before: they come from the cores' private caches when
 * the step's activations fit in them (near_bytes), else from further out (far_bytes). Adding the
 * terms instead of taking the largest (a roofline) fits the kernels measured here better: none of
 * them hides its loads behind its arithmetic fully. The coefficients are kept non-negative, so each
 * keeps that meaning.
 *
 * Each kernel calibrated gets coefficients of its own within each class it serves (an add and a
 * concat move bytes differently, a 3x3 and a 5x5 depthwise kernel are different code, and the
 * pointwise kernel runs a grouped convolution group by group); a step whose kernel was not calibrated
 * in its class falls back on the class's, fitted on every kernel of the class: kernels of one class share how they use
 * the machine (a pointwise convolution is a GEMM, a depthwise one a stencil over channels...). */
#ifndef LM_STEP_MODEL_H
#define LM_STEP_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "bench/net/plan.h"
#include "kernels/kernel.h"

typedef enum lm_step_class {
    LM_STEP_CONV_POINTWISE, /* 1x1 convolution, one group: a GEMM */
    LM_STEP_CONV_DEPTHWISE, /* one channel per group */
    LM_STEP_CONV_GROUPED,   /* 1x1 with several groups (ShuffleNet V1's), or k x k grouped */
    LM_STEP_CONV_DENSE,     /* k x k, one group (a network's first layer, GhostNet's primary convs) */
    LM_STEP_FC,
    LM_STEP_ELEMENTWISE,    /* bias, BatchNorm, activation, add, mul */
    LM_STEP_DATA,           /* split, concat, channel shuffle and their merged form */
    LM_STEP_POOL,           /* max, average and global average pooling */
    LM_STEP_RESIZE,
    LM_STEP_CLASS_COUNT
} lm_step_class;

lm_step_class lm_step_class_of(const lm_op_desc *d);
const char *lm_step_class_name(lm_step_class c); /* "conv_pointwise", ... */

/* What the model reads of a step: the multiply-adds its kernel performs and the bytes it moves. */
typedef struct lm_step_features {
    double work;         /* executed multiply-adds (lm_kernel_executed_madds); pooling, resizing: window taps */
    double weight_bytes; /* the parameters' share of MAC, x 4 */
    double near_bytes;   /* the activations' share (inputs and outputs) when it fits near_limit, else 0 */
    double far_bytes;    /* ... when it does not, else 0 */
} lm_step_features;

#define LM_STEP_TERMS 5 /* tau and one coefficient per feature */

/* The features of d run by `kernel`, its activations near when they take at most near_limit bytes. */
lm_step_features lm_step_features_of(const lm_op_desc *d, const lm_kernel *kernel, double near_limit);

/* One class's coefficients, and how well they fit their calibration shapes. */
typedef struct lm_step_coefficients {
    double tau, seconds_per_madd, seconds_per_weight_byte, seconds_per_near_byte, seconds_per_far_byte;
    int samples;         /* calibration shapes it was fitted on; 0: not calibrated */
    double median_error; /* median |predicted / measured - 1| over them */
} lm_step_coefficients;

#define LM_STEP_MAX_KERNELS 64

/* The coefficients of one kernel (lm_kernel.name) in one class. */
typedef struct lm_step_kernel_coefficients {
    char kernel[64];
    lm_step_class step_class;
    lm_step_coefficients c;
} lm_step_kernel_coefficients;

/* The model of one instruction-set cap and thread count. */
typedef struct lm_step_model {
    lm_isa isa;
    int threads;
    double near_limit; /* bytes of activations the cores' private caches hold (their size x threads) */
    lm_step_coefficients classes[LM_STEP_CLASS_COUNT];
    size_t kernel_count;
    lm_step_kernel_coefficients kernels[LM_STEP_MAX_KERNELS];
} lm_step_model;

/* The coefficients a step of d run by `kernel` is predicted with: its kernel's in its class, else its
 * class's;
 * NULL when neither was calibrated. */
const lm_step_coefficients *lm_step_coefficients_for(const lm_step_model *m, const lm_op_desc *d,
                                                     const lm_kernel *kernel);

/* A step's predicted seconds; negative when neither its kernel nor its class was calibrated. */
double lm_step_predict(const lm_step_model *m, const lm_op_desc *d, const lm_kernel *kernel);

#endif
