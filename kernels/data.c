/* Data movement, the ISA-neutral half: the partition of the pixels over the pool, and split's,
 * concat's and the merged concat-shuffle-split's walk over blocks and parts (see data.h); data_<isa>.c
 * moves the rows. */
#include "kernels/data.h"
#include "kernels/kernel.h"
#include "kernels/partition.h"

/* Rows are taken in blocks whose output (concat) or input (split) fits in L1, and within a block part
 * by part, so each part's runs go through one unrolled loop. */
#define PARTS_BLOCK_FLOATS 4096

typedef struct data_job {
    const lm_op_desc *d;
    const lm_data_isa *isa;
    const void *plan; /* shuffle */
    const float *const *in;
    float *const *out;
} data_job;

static size_t rows_of(lm_shape s) { return (size_t)s.n * s.h * s.w; }

static void shuffle_range(const void *job, size_t lo, size_t hi) {
    const data_job *j = job;
    const size_t c = (size_t)j->d->in.c;
    j->isa->shuffle(j->plan, j->in[0] + lo * c, j->out[0] + lo * c, hi - lo);
}

/* Rows [lo, hi) of the parts' runs, between a tensor of c channels (input of split, output of concat)
 * and the parts; `gather` copies from the parts into the tensor (concat). */
static void parts_range(const data_job *j, size_t lo, size_t hi, size_t c, bool gather) {
    const lm_op_desc *d = j->d;
    const size_t block = c < PARTS_BLOCK_FLOATS ? PARTS_BLOCK_FLOATS / c : 1;
    for (size_t r0 = lo; r0 < hi; r0 += block) {
        const size_t rows = hi - r0 < block ? hi - r0 : block;
        size_t offset = 0;
        for (int p = 0; p < d->parts.count; p++) {
            const size_t m = (size_t)d->parts.channels[p];
            if (gather) j->isa->copy_runs(j->out[0] + r0 * c + offset, c, j->in[p] + r0 * m, m, rows, m);
            else j->isa->copy_runs(j->out[p] + r0 * m, m, j->in[0] + r0 * c + offset, c, rows, m);
            offset += m;
        }
    }
}

static void split_range(const void *job, size_t lo, size_t hi) {
    const data_job *j = job;
    parts_range(j, lo, hi, (size_t)j->d->in.c, false);
}

static void concat_range(const void *job, size_t lo, size_t hi) {
    const data_job *j = job;
    parts_range(j, lo, hi, (size_t)lm_op_output_shape(j->d, 0).c, true);
}

/* Rows [lo, hi) of CONCAT_SHUFFLE_SPLIT (op.h): s[2i] = a[i], s[2i + 1] = b[i], i < c. One output:
 * each row of it is the interleave of a row of a and b. Two: output 0 takes s[0, c), the pairs
 * i < c/2 and, when c is odd, a[c/2] last; output 1 takes the rest, b[c/2] first when c is odd, then
 * the pairs from (c + 1)/2. Rows go in blocks of L1 size, output by output, so the second output
 * reads a and b from L1; the odd channel's two floats per row are copied here. */
static void zip_range(const void *job, size_t lo, size_t hi) {
    const data_job *j = job;
    const size_t c = (size_t)j->d->in.c;
    const float *a = j->in[0], *b = j->in[1];
    if (j->d->merged.outputs == 1) { /* the rows are contiguous: one run */
        j->isa->zip_runs(j->out[0] + lo * 2 * c, 2 * c * (hi - lo), a + lo * c, b + lo * c, c * (hi - lo), 1,
                         c * (hi - lo));
        return;
    }
    const size_t half = c / 2, odd = c % 2;
    const size_t block = 2 * c < PARTS_BLOCK_FLOATS ? PARTS_BLOCK_FLOATS / (2 * c) : 1;
    for (size_t r0 = lo; r0 < hi; r0 += block) {
        const size_t rows = hi - r0 < block ? hi - r0 : block, at = r0 * c;
        float *o0 = j->out[0] + at, *o1 = j->out[1] + at;
        j->isa->zip_runs(o0, c, a + at, b + at, c, rows, half);
        j->isa->zip_runs(o1 + odd, c, a + at + half + odd, b + at + half + odd, c, rows, half);
        if (odd)
            for (size_t r = 0; r < rows; r++) {
                o0[r * c + c - 1] = a[at + r * c + half];
                o1[r * c] = b[at + r * c + half];
            }
    }
}

/* Runs `range` over every pixel, on the pool when there is enough to move: every element of the wide
 * tensor (the output of concat, else the input) is read once and written once. */
static void data_run(const lm_op_desc *d, const void *plan, const float *const *in, float *const *out, lm_threadpool *pool,
                     const lm_data_isa *isa, lm_range_fn range) {
    const data_job j = {.d = d, .isa = isa, .plan = plan, .in = in, .out = out};
    lm_shape wide = d->kind == LM_OP_CONCAT ? lm_op_output_shape(d, 0) : d->in;
    if (d->kind == LM_OP_CONCAT_SHUFFLE_SPLIT) wide.c *= 2; /* the shuffled tensor, whole or in two */
    lm_partition_run(pool, 2 * lm_shape_elements(wide) * sizeof(float), rows_of(d->in), range, &j);
}

/* The run function NAME_run_ISA: `range` over the pixels with ISA's micro-kernels. */
#define DATA_RUN(NAME, ISA, RANGE)                                                                                     \
    static void NAME##_run_##ISA(const lm_op_desc *d, const void *state, const float *const *in, float *const *out,   \
                                 lm_threadpool *pool) {                                                                \
        data_run(d, state, in, out, pool, &lm_data_##ISA, RANGE);                                                      \
    }

#define DATA_KERNELS(ISA, BITS)                                                                                        \
    static void *shuffle_prepare_##ISA(const lm_op_desc *d, const float *params) {                                   \
        (void)params;                                                                                                  \
        return lm_data_##ISA.shuffle_plan(d->shuffle.groups, d->in.c / d->shuffle.groups);                             \
    }                                                                                                                  \
    DATA_RUN(shuffle, ISA, shuffle_range)                                                                              \
    DATA_RUN(split, ISA, split_range)                                                                                  \
    DATA_RUN(concat, ISA, concat_range)                                                                                \
    const lm_kernel lm_f32_shuffle_nhwc__##ISA = {                                                                     \
        .name = "lm_f32_shuffle_nhwc__" #ISA, .kind = LM_OP_CHANNEL_SHUFFLE, .isa = BITS,                             \
        .prepare = shuffle_prepare_##ISA, .run = shuffle_run_##ISA,                                                    \
    };                                                                                                                 \
    const lm_kernel lm_f32_split_nhwc__##ISA = {                                                                       \
        .name = "lm_f32_split_nhwc__" #ISA, .kind = LM_OP_SPLIT, .isa = BITS, .run = split_run_##ISA,                 \
    };                                                                                                                 \
    const lm_kernel lm_f32_concat_nhwc__##ISA = {                                                                      \
        .name = "lm_f32_concat_nhwc__" #ISA, .kind = LM_OP_CONCAT, .isa = BITS, .run = concat_run_##ISA,              \
    };

/* The merged concat, shuffle and split on ISA's zip micro-kernel. */
#define ZIP_KERNEL(ISA, BITS)                                                                                          \
    DATA_RUN(zip, ISA, zip_range)                                                                                      \
    const lm_kernel lm_f32_concat_shuffle_split_nhwc__##ISA = {                                                        \
        .name = "lm_f32_concat_shuffle_split_nhwc__" #ISA, .kind = LM_OP_CONCAT_SHUFFLE_SPLIT, .isa = BITS,           \
        .run = zip_run_##ISA,                                                                                          \
    };

DATA_KERNELS(avx2, LM_ISA_AVX2)
ZIP_KERNEL(avx2, LM_ISA_AVX2)
ZIP_KERNEL(avx512, LM_ISA_AVX512)
