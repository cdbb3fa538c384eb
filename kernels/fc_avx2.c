/* AVX2 + FMA fully connected layer. At batch 1 it is a matrix-vector product that reads every weight
 * once and does one multiply-add with it: memory-bound on the weights. So prepare packs the weights
 * into panels of 8 output rows, each panel one contiguous stream laid out in the order the loop reads
 * it ([k / 8][row][k % 8], zero-padded to whole panels and whole vectors of k). The loop keeps 8 row
 * accumulators, loads each input vector once for 8 rows, and sums the accumulators horizontally once
 * per panel. Panels are split across threads. */
#include "act_avx2.h"
#include "kernel.h"
#include "partition.h"

#include <stdlib.h>
#include <string.h>

#define FC_ROWS 8 /* output rows per panel */

typedef struct fc_state {
    size_t features, blocks, panels; /* k, vectors of k (rounded up), panels of 8 rows */
    float *weights;                  /* panels * blocks * 64 floats, 64-byte aligned */
    float *bias, *slopes;            /* panels * 8 floats: zero (no bias), PReLU slopes (zero if none) */
} fc_state;

static void fc_release(void *state) {
    fc_state *s = state;
    if (!s) return;
    free(s->weights);
    free(s);
}

static void *fc_prepare(const lm_op_desc *d, const float *params) {
    const size_t k = (size_t)d->in.h * d->in.w * d->in.c, out_c = (size_t)d->fc.out_c;
    fc_state *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->features = k, s->blocks = (k + 7) / 8, s->panels = (out_c + FC_ROWS - 1) / FC_ROWS;
    const size_t weight_floats = s->panels * s->blocks * 64, vector_floats = s->panels * FC_ROWS;
    const size_t bytes = (weight_floats + 2 * vector_floats) * sizeof(float);
    s->weights = aligned_alloc(64, (bytes + 63) / 64 * 64);
    if (!s->weights) {
        free(s);
        return NULL;
    }
    memset(s->weights, 0, bytes);
    s->bias = s->weights + weight_floats, s->slopes = s->bias + vector_floats;
    for (size_t r = 0; r < out_c; r++) {
        float *panel = s->weights + r / FC_ROWS * s->blocks * 64 + r % FC_ROWS * 8;
        for (size_t i = 0; i < k; i++) panel[i / 8 * 64 + i % 8] = params[r * k + i];
    }
    const float *tail = params + out_c * k;
    if (d->fc.bias) memcpy(s->bias, tail, out_c * sizeof(float)), tail += out_c;
    if (d->act == LM_ACT_PRELU) memcpy(s->slopes, tail, out_c * sizeof(float));
    return s;
}

/* The 8 lanes' sums of a[0..7], in order: [sum a0, sum a1, ..., sum a7]. */
LM_AVX2_INLINE __m256 sum8(const __m256 a[8]) {
    const __m256 s01 = _mm256_hadd_ps(a[0], a[1]), s23 = _mm256_hadd_ps(a[2], a[3]);
    const __m256 s45 = _mm256_hadd_ps(a[4], a[5]), s67 = _mm256_hadd_ps(a[6], a[7]);
    const __m256 t0 = _mm256_hadd_ps(s01, s23), t1 = _mm256_hadd_ps(s45, s67); /* halves of 0-3, of 4-7 */
    return _mm256_add_ps(_mm256_permute2f128_ps(t0, t1, 0x20), _mm256_permute2f128_ps(t0, t1, 0x31));
}

/* Output rows [8p, 8p + 8) of one image x, for a constant activation. */
LM_AVX2_INLINE void fc_panel(lm_act act, const fc_state *s, size_t p, const float *x, float *y, size_t out_c) {
    const float *w = s->weights + p * s->blocks * 64;
    __m256 acc[8];
    for (int r = 0; r < 8; r++) acc[r] = _mm256_setzero_ps();
    const size_t whole = s->features / 8;
    for (size_t b = 0; b < s->blocks; b++, w += 64) {
        /* The last block of a k that is not a multiple of 8 is masked: x ends there (its weights are 0). */
        const __m256 xv = b < whole ? _mm256_loadu_ps(x + 8 * b) : _mm256_maskload_ps(x + 8 * b, lm_avx2_tail_mask(s->features % 8));
        for (int r = 0; r < 8; r++) acc[r] = _mm256_fmadd_ps(_mm256_load_ps(w + 8 * r), xv, acc[r]);
    }
    const __m256 v = lm_act_avx2(act, _mm256_add_ps(sum8(acc), _mm256_load_ps(s->bias + 8 * p)), _mm256_load_ps(s->slopes + 8 * p));
    if (8 * p + 8 <= out_c) _mm256_storeu_ps(y + 8 * p, v);
    else _mm256_maskstore_ps(y + 8 * p, lm_avx2_tail_mask(out_c - 8 * p), v);
}

typedef struct fc_job {
    const lm_op_desc *d;
    const fc_state *s;
    const float *x;
    float *y;
    size_t tasks;
} fc_job;

/* Panels [lo, hi) for every image (a panel stays in cache across a batch). */
LM_AVX2_INLINE void fc_range_with(lm_act act, const fc_job *j, size_t lo, size_t hi) {
    const size_t out_c = (size_t)j->d->fc.out_c, k = j->s->features;
    for (size_t p = lo; p < hi; p++)
        for (int n = 0; n < j->d->in.n; n++) fc_panel(act, j->s, p, j->x + n * k, j->y + n * out_c, out_c);
}

static void fc_range(const fc_job *j, size_t lo, size_t hi) {
    switch (j->d->act) {
    case LM_ACT_RELU: fc_range_with(LM_ACT_RELU, j, lo, hi); break;
    case LM_ACT_RELU6: fc_range_with(LM_ACT_RELU6, j, lo, hi); break;
    case LM_ACT_HSWISH: fc_range_with(LM_ACT_HSWISH, j, lo, hi); break;
    case LM_ACT_HSIGMOID: fc_range_with(LM_ACT_HSIGMOID, j, lo, hi); break;
    case LM_ACT_SIGMOID: fc_range_with(LM_ACT_SIGMOID, j, lo, hi); break;
    case LM_ACT_PRELU: fc_range_with(LM_ACT_PRELU, j, lo, hi); break;
    default: fc_range_with(LM_ACT_NONE, j, lo, hi); break;
    }
}

static void fc_task(void *context, size_t task, int thread) {
    (void)thread;
    const fc_job *j = context;
    size_t lo, hi;
    lm_partition_range(task, j->tasks, j->s->panels, &lo, &hi);
    fc_range(j, lo, hi);
}

static void fc_run(const lm_op_desc *d, const void *state, const float *const *in, float *const *out, lm_threadpool *pool) {
    const fc_state *s = state;
    fc_job j = {.d = d, .s = s, .x = in[0], .y = out[0]};
    j.tasks = lm_partition_tasks(pool, s->panels * s->blocks * 64 * sizeof(float), s->panels);
    if (j.tasks == 1) fc_range(&j, 0, s->panels);
    else lm_threadpool_parallelize(pool, j.tasks, fc_task, &j);
}

const lm_kernel lm_f32_fc_nhwc__avx2 = {
    .name = "lm_f32_fc_nhwc__avx2", .kind = LM_OP_FC, .isa = LM_ISA_AVX2,
    .prepare = fc_prepare, .run = fc_run, .release = fc_release,
};
