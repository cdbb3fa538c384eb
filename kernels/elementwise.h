/* Element-wise operators: bias, BatchNorm, activation, add and multiply (elementwise.c drives;
 * elementwise_<isa>.c computes stretches).
 *
 * Every tensor here is [rows, c] with channels fastest, so it streams as one flat array. The
 * per-channel operands (bias, BatchNorm's folded scale and shift, PReLU slopes, a broadcast [n,1,1,c]
 * input) repeat every c floats; they are laid out as tiles whose period is a multiple of both c and the
 * vector width (channel_tiles.h), so that the stream and its tiles advance together in whole vectors,
 * with no per-row tail even when c is 1, 3 or 116: only the end of a stretch is masked.
 *
 * The driver cuts the tensor into tasks over the pool and each task into stretches (one per image
 * when input 1 is broadcast, whose tile it builds); a micro-kernel computes a stretch, compiled once
 * per (operator, activation) pair so that neither costs a branch in its loop. */
#ifndef LM_ELEMENTWISE_H
#define LM_ELEMENTWISE_H

#include <stdbool.h>
#include <stddef.h>

#include "kernels/op.h"

typedef enum lm_ew_op {
    LM_EW_COPY,   /* y = act(x): ACTIVATION */
    LM_EW_BIAS,   /* y = act(x + p0) */
    LM_EW_AFFINE, /* y = act(x * p0 + p1): BatchNorm folded */
    LM_EW_ADD,    /* y = act(x + b) */
    LM_EW_MUL,    /* y = act(x * b) */
    LM_EW_OP_COUNT
} lm_ew_op;

/* n floats of the flat tensor, x[0] in phase `phase` of the operands' period (its channel is phase mod
 * c, as the period is a multiple of c). */
typedef struct lm_ew_stretch {
    const float *x;
    const float *b;  /* ADD, MUL: input 1, read alongside x; or, when b_by_phase, a broadcast image's
                        channels read in phase like p0 (its tile, or period c in place); else NULL */
    float *y;
    size_t n;
    size_t period, phase;          /* period 0: no per-channel operand (phase 0) */
    const float *p0, *p1, *slopes; /* tiles of `period` floats: bias or scale, shift, PReLU slopes; or NULL */
    bool b_by_phase;
} lm_ew_stretch;

typedef void (*lm_ew_stretch_fn)(const lm_ew_stretch *t);

typedef struct lm_ew_isa {
    int lanes;       /* floats per vector: operand periods are multiples of it */
    size_t tile_min; /* floats an operand tile repeats up to at least, so each piece of a stretch is long */
    lm_ew_stretch_fn stretch[LM_EW_OP_COUNT][LM_ACT_COUNT]; /* NULL: no kernel of the operator here */
} lm_ew_isa;

extern const lm_ew_isa lm_ew_avx2;   /* elementwise_avx2.c */
extern const lm_ew_isa lm_ew_avx512; /* elementwise_avx512.c: activation, bias, BatchNorm */

/* A piece of a stretch: up to where the operands' period wraps, every operand pointer in place. */
typedef struct lm_ew_piece {
    const float *x, *b, *p0, *p1, *slopes;
    float *y;
    size_t n;
} lm_ew_piece;

/* The piece of t that starts at its float i, in phase p (t->phase for the first piece, then 0). */
static inline __attribute__((always_inline)) lm_ew_piece lm_ew_piece_at(const lm_ew_stretch *t, size_t i, size_t p) {
    const size_t rest = t->n - i, n = t->period && t->period - p < rest ? t->period - p : rest;
    return (lm_ew_piece){
        .x = t->x + i, .y = t->y + i, .n = n,
        .b = !t->b ? NULL : t->b_by_phase ? t->b + p : t->b + i,
        .p0 = t->p0 ? t->p0 + p : NULL, .p1 = t->p1 ? t->p1 + p : NULL, .slopes = t->slopes ? t->slopes + p : NULL,
    };
}

/* For an ISA file whose always-inline `segment(op, act, piece)` computes a piece: defines a stretch
 * function per activation for each operator OPS lists (LM_EW_ALL or LM_EW_UNARY), and `NAME`, the
 * lm_ew_isa of them (NULL for the operators left out). */
#define LM_EW_ISA(NAME, LANES, TILE_MIN, OPS)                                                                          \
    OPS(LM_EW_STRETCHES)                                                                                               \
    const lm_ew_isa NAME = {.lanes = LANES, .tile_min = TILE_MIN, .stretch = {OPS(LM_EW_ENTRIES)}};
#define LM_EW_ALL(X) X(COPY) X(BIAS) X(AFFINE) X(ADD) X(MUL)
#define LM_EW_UNARY(X) X(COPY) X(BIAS) X(AFFINE)
#define LM_EW_ACTS(X, OP) X(OP, NONE) X(OP, RELU) X(OP, RELU6) X(OP, HSWISH) X(OP, HSIGMOID) X(OP, SIGMOID) X(OP, PRELU)
#define LM_EW_STRETCHES(OP) LM_EW_ACTS(LM_EW_STRETCH_FN, OP)
#define LM_EW_ENTRIES(OP) LM_EW_ACTS(LM_EW_STRETCH_ENTRY, OP)
#define LM_EW_STRETCH_FN(OP, ACT)                                                                                      \
    static void ew_##OP##_##ACT(const lm_ew_stretch *t) {                                                             \
        for (size_t i = 0, p = t->phase; i < t->n; p = 0) {                                                            \
            const lm_ew_piece q = lm_ew_piece_at(t, i, p);                                                             \
            segment(LM_EW_##OP, LM_ACT_##ACT, &q);                                                                     \
            i += q.n;                                                                                                  \
        }                                                                                                              \
    }
#define LM_EW_STRETCH_ENTRY(OP, ACT) [LM_EW_##OP][LM_ACT_##ACT] = ew_##OP##_##ACT,

#endif
