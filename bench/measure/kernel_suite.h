/* The kernel suite: the operator shapes `latmac run --suite kernels` times, one table.
 *
 * The shapes come from ShuffleNet V2 (1x): its pointwise and depthwise convolutions at each stage
 * (58, 116, 232 and 464 channels at 28, 14 and 7 pixels), its stem, its channel shuffle, split and
 * concat; the group-convolution series of the paper's guideline G2 (1x1, c->c, 1 to 8 groups at
 * equal MAdds); one case of every other operator kind, so each kernel in the registry is timed; and
 * `parallel_empty`, an empty parallel region, timed on latmac's pool and on the maintained threading
 * runtimes (bench/peers/parallel_region.h): the dispatch overhead every parallel operator pays.
 * Every case has batch 1. Convolutions have a bias and no activation, so peers compute the same. */
#ifndef LM_KERNEL_SUITE_H
#define LM_KERNEL_SUITE_H

#include <stdbool.h>
#include <stddef.h>

#include "bench/measure/suite.h"
#include "kernels/op.h"

typedef enum lm_case_category {
    LM_CASE_CONV,        /* convolutions: dense, pointwise, grouped, depthwise */
    LM_CASE_FC,          /* fully connected */
    LM_CASE_POOL,        /* max, average and global average pooling */
    LM_CASE_ELEMENTWISE, /* activation, bias, BatchNorm, add, mul */
    LM_CASE_DATA,        /* data movement: shuffle, split, concat, resize */
    LM_CASE_RUNTIME,     /* no operator: an empty parallel region of a threading runtime */
    LM_CASE_CATEGORY_COUNT
} lm_case_category;

typedef struct lm_kernel_case {
    const char *name; /* e.g. "pw_128x128_56": used in benchmark names, stable across versions */
    lm_case_category category;
    lm_op_desc desc;
} lm_kernel_case;

extern const lm_kernel_case lm_kernel_suite[];
extern const int lm_kernel_suite_count;

/* "conv", "fc", "pool", "elementwise", "data", "runtime". */
const char *lm_case_category_name(lm_case_category category);

/* Whether the category is limited by memory rather than arithmetic: such cases are also timed against
 * a plain copy of their input bytes (the copy-bandwidth yardstick). */
bool lm_case_category_memory_bound(lm_case_category category);

/* The suite (bench/measure/suite.h) that plans these shapes on every backend. */
extern const lm_suite lm_suite_kernels;

/* The case looked up by name; NULL when there is none. */
const lm_kernel_case *lm_kernel_case_find(const char *name);

/* An operator in words for reports, e.g. "conv 3x3 stride 2 pad 1 groups 116, 28x28x116 -> 14x14x116"
 * (input and output as HxWxC; several inputs or outputs joined by "+"). */
void lm_op_describe(const lm_op_desc *d, char *buf, size_t size);

#endif
