/* AVX2 + FMA fully connected layer. At batch 1 it is a matrix-vector product that reads every weight
 * once and does one multiply-add with it: memory-bound on the weights. So prepare packs the weights
 * into panels of 8 output rows, each panel one contiguous stream laid out in the order the loop reads
 * it, and no float of padding: [k / 8][rows][8] for the whole vectors of k, then [rows][k % 8] for
 * its tail, rows being 8 except in the last panel (out_c % 8 when that is not 0). The loop keeps one
 * accumulator per row, loads each input vector once for all rows, and sums the accumulators
 * horizontally once per panel. Panels are split across threads.
 *
 * Tails. The last panel's missing rows are not computed: it has a loop made for its row count. The
 * tail of k is read with masked loads, of the input and of the densely packed tail weights; its
 * masked-off lanes still issue (one multiply-add of 8 lanes per row), so executed MAdds are
 * n * out_c * round_up(k, 8), exactly what zero padding cost, but the zeros are no longer stored and
 * streamed from memory, which is what bounds this kernel.
 *
 * There is no AVX-512 variant: each weight is loaded once for one multiply-add per image, so at batch
 * 1 (latmac's case) AVX2's two 8-lane FMAs per cycle already ask for 64 bytes of weights per cycle,
 * more than L3 or DRAM deliver to one core (arithmetic from the specifications, not a
 * measurement); wider FMAs would wait on the same stream. */
#include "kernels/act_avx2.h"
#include "kernels/kernel.h"
#include "kernels/partition.h"

#include <stdlib.h>
#include <string.h>

#define FC_ROWS 8 /* output rows per panel */

typedef struct fc_state {
    size_t features, panels; /* k, panels of 8 rows */
    float *weights;          /* out_c * k floats, panel p at p * 8 * k, 64-byte aligned */
    float *bias, *slopes;    /* panels * 8 floats: zero (no bias), PReLU slopes (zero if none) */
} fc_state;

static void fc_release(void *state) {
    fc_state *s = state;
    if (!s) return;
    free(s->weights);
    free(s);
}

static void *fc_prepare(const lm_op_desc *d, const float *params) {
    const size_t k = (size_t)d->in.h * d->in.w * d->in.c, out_c = (size_t)d->fc.out_c, whole = k / 8, tail = k % 8;
    fc_state *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->features = k, s->panels = (out_c + FC_ROWS - 1) / FC_ROWS;
    const size_t weight_floats = out_c * k, vector_floats = s->panels * FC_ROWS;
    /* Weights first; bias and slopes after them, on a 32-byte boundary for their aligned loads. */
    const size_t bias_at = (weight_floats + 7) / 8 * 8, bytes = (bias_at + 2 * vector_floats) * sizeof(float);
    s->weights = aligned_alloc(64, (bytes + 63) / 64 * 64);
    if (!s->weights) {
        free(s);
        return NULL;
    }
    memset(s->weights, 0, bytes);
    s->bias = s->weights + bias_at, s->slopes = s->bias + vector_floats;
    for (size_t r = 0; r < out_c; r++) {
        const size_t p = r / FC_ROWS, i = r % FC_ROWS, rows = out_c - p * FC_ROWS < FC_ROWS ? out_c - p * FC_ROWS : FC_ROWS;
        float *panel = s->weights + p * FC_ROWS * k;
        for (size_t j = 0; j < whole * 8; j++) panel[(j / 8 * rows + i) * 8 + j % 8] = params[r * k + j];
        for (size_t j = 0; j < tail; j++) panel[whole * 8 * rows + i * tail + j] = params[r * k + whole * 8 + j];
    }
    const float *after = params + out_c * k;
    if (d->fc.bias) memcpy(s->bias, after, out_c * sizeof(float)), after += out_c;
    if (d->act == LM_ACT_PRELU) memcpy(s->slopes, after, out_c * sizeof(float));
    return s;
}

/* The 8 lanes' sums of a[0..7], in order: [sum a0, sum a1, ..., sum a7]. */
LM_AVX2_INLINE __m256 sum8(const __m256 a[8]) {
    const __m256 s01 = _mm256_hadd_ps(a[0], a[1]), s23 = _mm256_hadd_ps(a[2], a[3]);
    const __m256 s45 = _mm256_hadd_ps(a[4], a[5]), s67 = _mm256_hadd_ps(a[6], a[7]);
    const __m256 t0 = _mm256_hadd_ps(s01, s23), t1 = _mm256_hadd_ps(s45, s67); /* halves of 0-3, of 4-7 */
    return _mm256_add_ps(_mm256_permute2f128_ps(t0, t1, 0x20), _mm256_permute2f128_ps(t0, t1, 0x31));
}

/* The dot products of a panel of `rows` rows (a constant once inlined) with one image x: lane r holds
 * row r's, lanes past `rows` zero. */
LM_AVX2_INLINE __m256 fc_dot(const int rows, const float *w, const float *x, size_t k) {
    __m256 acc[FC_ROWS];
    for (int r = 0; r < FC_ROWS; r++) acc[r] = _mm256_setzero_ps();
    const size_t whole = k / 8, tail = k % 8;
    for (size_t b = 0; b < whole; b++, w += 8 * rows) {
        const __m256 xv = _mm256_loadu_ps(x + 8 * b);
        for (int r = 0; r < rows; r++) acc[r] = _mm256_fmadd_ps(_mm256_load_ps(w + 8 * r), xv, acc[r]);
    }
    if (tail) {
        const __m256i m = lm_avx2_tail_mask(tail);
        const __m256 xv = _mm256_maskload_ps(x + 8 * whole, m);
        for (int r = 0; r < rows; r++) acc[r] = _mm256_fmadd_ps(_mm256_maskload_ps(w + (size_t)r * tail, m), xv, acc[r]);
    }
    return sum8(acc);
}

/* The last panel, of 1 to 7 rows: out of line, since it runs once per image. */
__attribute__((noinline)) static __m256 fc_dot_few(int rows, const float *w, const float *x, size_t k) {
    switch (rows) {
    case 1: return fc_dot(1, w, x, k);
    case 2: return fc_dot(2, w, x, k);
    case 3: return fc_dot(3, w, x, k);
    case 4: return fc_dot(4, w, x, k);
    case 5: return fc_dot(5, w, x, k);
    case 6: return fc_dot(6, w, x, k);
    default: return fc_dot(7, w, x, k);
    }
}

/* Output rows [8p, 8p + 8) (fewer in the last panel) of one image x, for a constant activation. */
LM_AVX2_INLINE void fc_panel(lm_act act, const fc_state *s, size_t p, const float *x, float *y, size_t out_c) {
    const float *w = s->weights + p * FC_ROWS * s->features;
    const size_t rows = out_c - FC_ROWS * p < FC_ROWS ? out_c - FC_ROWS * p : FC_ROWS;
    const __m256 dot = rows == FC_ROWS ? fc_dot(FC_ROWS, w, x, s->features) : fc_dot_few((int)rows, w, x, s->features);
    const __m256 v = lm_act_avx2(act, _mm256_add_ps(dot, _mm256_load_ps(s->bias + 8 * p)), _mm256_load_ps(s->slopes + 8 * p));
    if (rows == FC_ROWS) _mm256_storeu_ps(y + 8 * p, v);
    else _mm256_maskstore_ps(y + 8 * p, lm_avx2_tail_mask(rows), v);
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
    j.tasks = lm_partition_tasks(pool, (size_t)d->fc.out_c * s->features * sizeof(float), s->panels);
    if (j.tasks == 1) fc_range(&j, 0, s->panels);
    else lm_threadpool_parallelize(pool, j.tasks, fc_task, &j);
}

/* Every row's multiply-adds, each row's k rounded up to whole vectors (the masked tail's lanes issue). */
static uint64_t fc_executed_madds(const lm_op_desc *d) {
    const uint64_t k = (uint64_t)d->in.h * (uint64_t)d->in.w * (uint64_t)d->in.c;
    return (uint64_t)d->in.n * (uint64_t)d->fc.out_c * ((k + 7) / 8 * 8);
}

const lm_kernel lm_f32_fc_nhwc__avx2 = {
    .name = "lm_f32_fc_nhwc__avx2", .kind = LM_OP_FC, .isa = LM_ISA_AVX2,
    .prepare = fc_prepare, .run = fc_run, .release = fc_release, .executed_madds = fc_executed_madds,
};
