/* Data movement: channel shuffle, split, concat and the three merged (concat, shuffle of 2 groups,
 * split: a channel interleave); data.c drives, data_<isa>.c moves rows. They
 * compute nothing and still cost memory traffic, so the whole game is to move each pixel's channels
 * with full-width loads and stores and no per-row bookkeeping.
 *
 * The driver splits the pixels (rows of channels) over the pool; split and concat walk a task's rows
 * in blocks whose wide side fits in L1, part by part, so each part's runs go through one loop; the
 * merged operator likewise, output by output. A micro-kernel moves a range of rows: the shuffle of
 * each, one part's run of each, or one output's interleave of each. */
#ifndef LM_DATA_H
#define LM_DATA_H

#include <stddef.h>

typedef struct lm_data_isa {
    /* The plan of a shuffle of `groups` groups of `per_group` channels, made once; NULL when out of
     * memory. Freed with free(). */
    void *(*shuffle_plan)(int groups, int per_group);
    /* `rows` rows (pixels) of the planned shuffle, from in to out. */
    void (*shuffle)(const void *plan, const float *in, float *out, size_t rows);
    /* `rows` runs of m floats from src (runs src_stride apart) to dst (dst_stride apart). */
    void (*copy_runs)(float *dst, size_t dst_stride, const float *src, size_t src_stride, size_t rows, size_t m);
    /* `rows` interleaves of n pairs: dst[2i] = a[i], dst[2i + 1] = b[i] for i < n (n may be 0), the
     * runs of a and b src_stride apart, those of dst dst_stride apart; writes nothing outside them. */
    void (*zip_runs)(float *dst, size_t dst_stride, const float *a, const float *b, size_t src_stride, size_t rows,
                     size_t n);
} lm_data_isa;

extern const lm_data_isa lm_data_avx2;   /* data_avx2.c */
extern const lm_data_isa lm_data_avx512; /* data_avx512.c: zip_runs only (the copies gained nothing over AVX2) */

#endif
