/* The corpus of operator descriptions that kernels and peers are checked on: the awkward shapes
 * (channels 1, 3, 7, 58, 116, 232 and others that are not multiples of a SIMD width; 1x1 and odd
 * spatial sizes; stride 2 on odd inputs; padding, asymmetric too; dilation; groups and depth
 * multipliers; batch 2; every fused activation), per operator kind. Convolutions also cover the GEMM
 * tails: ShuffleNet's channel counts 24, 58, 90, 116, 180, 184, 232 and 360, 8 groups of 45 output
 * channels on 49 rows, and every row count of a last micro-tile, direct and indirect. */
#ifndef LM_TEST_OP_CORPUS_H
#define LM_TEST_OP_CORPUS_H

#include "kernels/op.h"

typedef void (*op_visit)(const lm_op_desc *d, void *ctx);

/* Calls visit(d, ctx) for every description of `kind` in the corpus. */
void op_corpus(lm_op_kind kind, op_visit visit, void *ctx);

#endif
