/* The matrix-multiply engine behind pointwise and im2col convolutions.
 *
 * C[m][n] = act(bias[n] + sum_k A[m][k] * B[k][n]) where A's rows are pixels (NHWC rows, or im2col
 * rows), B is the weights packed once into panels of output channels (two vectors wide, a group's
 * last one possibly one vector: see lm_gemm_weights), and C's rows are output pixels. A micro-kernel
 * computes a tile of up to MR rows of one panel over one block of K, starting from the bias (first
 * block) or from C (later blocks), with the clamp of ReLU/ReLU6 in registers after the last block;
 * other activations run on the tile right after that, while it is in L1. The direct (1x1) GEMM splits
 * K into blocks so that a block of A rows and the B panels passing over it stay in cache however
 * large K is; the indirect GEMM computes a tile over the whole K in one call.
 * The driver (gemm.c) is ISA-neutral: it tiles, parallelises and calls an ISA's micro-kernels.
 *
 * What it wastes: output channels round up to one vector per group (the masked lanes of a group's
 * last vector still issue); rows and whole panels never. */
#ifndef LM_GEMM_H
#define LM_GEMM_H

#include <stddef.h>
#include <stdint.h>

#include "kernels/op.h"
#include "kernels/threadpool.h"

/* Micro-kernels come in a table per ISA, one per (vectors per row, rows) pair: a tile of `rows` rows
 * (1..MR) of a panel one or two vectors wide is computed by the kernel made for exactly that, so no
 * row or vector beyond the tile's is ever multiplied. Only the last vector of a tile may be partial:
 * its columns past nc are masked on load and store (their lanes still issue). */

/* Adds k terms to a tile of C, nc columns wide with (vectors - 1) * lanes < nc <= vectors * lanes:
 *   a: row i at a + i * a_stride;  w: k rows of the panel's width (vectors * lanes) from a packed panel;
 *   bias: the panel's starting values (the first block of K), or NULL to start from the tile in C (a
 *   later one);  c: row i at c + i * c_stride;  clamp: NULL while more blocks of K follow (the partial
 *   sums are stored as they are), else the results are clamped to clamp[0] <= x <= clamp[1]. The
 *   bounds come through memory so they hold no register during the loop (AVX2 has exactly enough for
 *   6 x 16). */
typedef void (*lm_gemm_ukernel)(int nc, int k, const float *a, size_t a_stride, const float *bias, const float *w,
                                float *c, size_t c_stride, const float *clamp);

/* A whole tile for a convolution (w: the packed panel, bias then all k rows; always clamped),
 * reading A through pointers (indirect GEMM): for each of `taps` kernel taps, a[tap * MR + i] points
 * at the cin values row i multiplies with that tap's weights (the input pixel, or zeros where the
 * window leaves the input). k = taps * cin. The table keeps MR slots per tap whatever the tile's rows.
 * With a_step != 0 only a[tap * MR] is given, and row i reads a[tap * MR] + i * a_step: the
 * windows of neighbouring pixels of one output row, which need no table. */
typedef void (*lm_igemm_ukernel)(int nc, int taps, int cin, const float *const *a, ptrdiff_t a_step, const float *w,
                                 float *c, size_t c_stride, const float *clamp);

/* Applies `act` (not NONE, RELU or RELU6: those are the clamp) to an mr x nc tile of C in place;
 * slopes[j] is output column j's PReLU slope. */
typedef void (*lm_gemm_epilogue)(lm_act act, float *c, int mr, int nc, size_t c_stride, const float *slopes);

#define LM_GEMM_MAX_MR 12

typedef struct lm_gemm_isa {
    int mr;    /* rows of a full micro-tile */
    int lanes; /* floats per vector: a narrow panel's width, and the unit channels are rounded up to */
    int nr;    /* 2 * lanes: a full panel's width */
    /* [vectors - 1][rows - 1]: the kernel for a tile of `rows` rows (1..mr) of a panel `vectors` wide. */
    lm_gemm_ukernel ukernel[2][LM_GEMM_MAX_MR];
    lm_igemm_ukernel iukernel[2][LM_GEMM_MAX_MR];
    lm_gemm_epilogue epilogue;
} lm_gemm_isa;

extern const lm_gemm_isa lm_gemm_avx2;   /* gemm_avx2.c: 6 x 16 and 6 x 8 */
extern const lm_gemm_isa lm_gemm_avx512; /* gemm_avx512.c: 12 x 32 and 12 x 16 */

/* Weights of `groups` independent GEMMs (one per convolution group), packed for one ISA.
 *
 * Each group's n output channels are cut into panels of nr columns, except the last, which is the
 * remaining columns rounded up to one vector: lanes wide when at most `lanes` remain (a narrow panel,
 * computed with one vector per row), else nr. A panel holds its width's bias, then k rows of that
 * width, zero-padded past the group's n. So a group holds round_up(n, lanes) columns, panel p of
 * group g starts at g * group_floats + p * panel_floats (only a group's last panel can be narrow), and
 * the multiply-adds issued are exactly m * k * round_up(n, lanes) per group (lm_gemm_executed_madds). */
typedef struct lm_gemm_weights {
    int groups, k, n;     /* per group: K inputs, N outputs */
    int panels;           /* ceil(n / nr) per group */
    size_t panel_floats;  /* a full panel: nr * (k + 1) */
    size_t group_floats;  /* a group: round_up(n, lanes) * (k + 1) */
    float *packed;        /* [groups][panels][bias width, then k x width], zero-padded */
    float *slopes;        /* [groups * n] PReLU slopes, or NULL */
    float clamp[2];       /* min and max of the fused activation's clamp */
    lm_act act;
} lm_gemm_weights;

/* Packs weights given as [groups * n][k] (output-major, input fastest: the conv layout of op.h) with
 * optional bias [groups * n] and PReLU slopes [groups * n]. Returns 0, or -1 when out of memory. */
int lm_gemm_pack(lm_gemm_weights *w, const lm_gemm_isa *isa, int groups, int k, int n, const float *weights,
                 const float *bias, const float *slopes, lm_act act);
void lm_gemm_weights_free(lm_gemm_weights *w);

/* Multiply-adds (vector lanes) the engine issues for m rows of `groups` GEMMs of k x n, direct or
 * indirect: every lane of every panel column, m * k * groups * round_up(n, lanes). */
uint64_t lm_gemm_executed_madds(const lm_gemm_isa *isa, size_t m, int groups, int k, int n);

/* One GEMM per group over m rows:
 *   group g reads A at a + g * a_group_offset (row stride a_stride) and writes C at
 *   c + g * c_group_offset (row stride c_stride).
 * When `conv` is not NULL, A is the convolution's input and its rows are the windows of the output
 * pixels, in (ky, kx, ci) order with zeros where a window leaves the input: never copied, each task
 * points the indirect micro-kernel at the input (XNNPACK's indirection, built per block). */
typedef struct lm_gemm_problem {
    const lm_gemm_isa *isa;
    const lm_gemm_weights *w;
    size_t m;
    const float *a;
    size_t a_stride, a_group_offset;
    float *c;
    size_t c_stride, c_group_offset;
    const lm_op_desc *conv; /* the convolution whose windows are A's rows, or NULL */
    const float *zeros;     /* with conv: at least kernel_w * in_c / groups zeros */
} lm_gemm_problem;

void lm_gemm_run(const lm_gemm_problem *p, lm_threadpool *pool);

#endif
