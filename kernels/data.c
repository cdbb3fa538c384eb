/* Data movement, the ISA-neutral half: the partition of the pixels over the pool, and split's and
 * concat's walk over blocks and parts (see data.h); data_<isa>.c moves the rows. */
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

/* Runs `range` over every pixel, on the pool when there is enough to move: every element of the wide
 * tensor (the output of concat, else the input) is read once and written once. */
static void data_run(const lm_op_desc *d, const void *plan, const float *const *in, float *const *out, lm_threadpool *pool,
                     const lm_data_isa *isa, lm_range_fn range) {
    const data_job j = {.d = d, .isa = isa, .plan = plan, .in = in, .out = out};
    const lm_shape wide = d->kind == LM_OP_CONCAT ? lm_op_output_shape(d, 0) : d->in;
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

DATA_KERNELS(avx2, LM_ISA_AVX2)
