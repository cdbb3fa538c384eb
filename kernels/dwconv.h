/* Depthwise convolution, one output row at a time (dwconv.c drives; dwconv_<isa>.c computes rows).
 *
 * Channels are processed in blocks of the ISA's vector width; a block's kernel_h x kernel_w weights
 * stay in registers while the row is swept, so every input value is loaded once per tap and the work
 * is bound by loads from L1, not by FMA. Rows of the window that fall in the padding read a row of
 * zeros, so the interior of a row runs without a single test; only the few border columns, whose
 * windows leave the input, check each tap.
 *
 * The sweep (channel block outer, pixels inner) reads each input row as many strided passes, one per
 * block: a pass touches one cache line in every c / 16 of the row, so the hardware prefetchers, which
 * follow dense streams within a 4 KiB page, barely help, and when the input does not fit in L2 (MobileNet
 * V2's 112x112x96, 4.8 MB) the first block's pass waits on L3 at nearly every pixel. So each row also
 * prefetches, spread over its interior, the rows the next output row will add to the window. */
#ifndef LM_DWCONV_H
#define LM_DWCONV_H

#include <stddef.h>

#include "kernels/op.h"

#define LM_DW_MAX_KERNEL 5
#define LM_DW_MAX_ROWS 8 /* output rows of one call */

/* A run of output rows computed together: each channel block's weights are loaded once for all of
 * them, which on small images (7x7, 14x14) is a large share of the work. */
typedef struct lm_dw_row {
    int count;                              /* output rows, 1 to LM_DW_MAX_ROWS */
    const float *in_rows[LM_DW_MAX_ROWS][LM_DW_MAX_KERNEL]; /* per output row, the input row of each ky
                                               (pixel 0, channel 0); a row of zeros where ky falls in
                                               the padding */
    float *out[LM_DW_MAX_ROWS];             /* the output rows */
    const char *prefetch;                   /* the input rows the next output row reaches beyond these
                                               ones' (contiguous in NHWC), to bring into L2 meanwhile */
    size_t prefetch_bytes;                  /* 0: nothing to prefetch */
    const float *weights;                   /* packed: per channel block, k*k vectors, then bias */
    const float *slopes;                    /* PReLU slopes [channels], or NULL */
    int in_w, out_w, channels;
    int stride, dilation, pad_left;
    lm_act act;
} lm_dw_row;

/* Computes the output rows with a k x k kernel (k = 3 or 5). */
typedef void (*lm_dw_row_fn)(const lm_dw_row *row);

typedef struct lm_dw_isa {
    int lanes;                 /* channels per block */
    lm_dw_row_fn row3, row5;
} lm_dw_isa;

extern const lm_dw_isa lm_dw_avx2;   /* dwconv_avx2.c */
extern const lm_dw_isa lm_dw_avx512; /* dwconv_avx512.c */

#endif
