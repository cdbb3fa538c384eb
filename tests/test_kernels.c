/* Every registered kernel against its kind's reference, on a corpus of shapes that includes the
 * awkward ones: channels 1, 3, 7, 58, 116 and 232 (not multiples of any SIMD width), 1x1 and odd
 * spatial sizes, stride 2 on odd inputs, padding, dilation, groups, batch 2, every fused activation,
 * every row count of a GEMM's last micro-tile. Tolerance and data: tests/op_fixture.h. Each kernel runs
 * alone and on a pool of two threads, and must spread at least one shape of the corpus over both, so
 * that its partition is checked too. And every convolution and FC kernel's executed multiply-adds
 * against what its tiling states. And every concat_shuffle_split kernel against the three operators
 * it merges, run one after the other by their references, bit for bit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/host/host.h"
#include "bench/host/isa.h"
#include "tests/isa_fixture.h"
#include "kernels/kernel.h"
#include "tests/op_corpus.h"
#include "tests/op_fixture.h"

typedef struct buffers {
    int inputs, outputs;
    float *in[LM_MAX_PARTS], *out[LM_MAX_PARTS], *expected[LM_MAX_PARTS];
} buffers;

static buffers make_buffers(const lm_op_desc *d) {
    buffers b = {.inputs = lm_op_input_count(d), .outputs = lm_op_output_count(d)};
    for (int i = 0; i < b.inputs; i++) {
        const size_t n = lm_shape_elements(lm_op_input_shape(d, i));
        b.in[i] = fixture_floats(n);
        for (size_t j = 0; j < n; j++) b.in[i][j] = fixture_uniform(-4, 4);
    }
    for (int i = 0; i < b.outputs; i++) {
        const size_t n = lm_shape_elements(lm_op_output_shape(d, i));
        b.out[i] = fixture_floats(n);
        b.expected[i] = fixture_floats(n);
    }
    return b;
}

static void free_buffers(buffers *b) {
    for (int i = 0; i < b->inputs; i++) free(b->in[i]);
    for (int i = 0; i < b->outputs; i++) free(b->out[i]), free(b->expected[i]);
}

static int checked_cases;     /* pairs (kernel, shape) compared */
static int parallel_cases;    /* of which the kernel handed work to the pool's second thread */
static lm_threadpool *pool;    /* two threads, shared by every kernel's test */
static unsigned usable_isas;   /* of this host */

/* Runs `k` and the reference on `d` (with 1 and 2 threads) and compares every output element. */
static void check(const lm_kernel *k, const lm_op_desc *d, lm_threadpool *pool) {
    char what[256], err[256];
    fixture_describe(d, what, sizeof what);
    if (lm_op_validate(d, err, sizeof err) != 0) fail_msg("corpus entry is invalid: %s: %s", what, err);
    if (k->supports && !k->supports(d)) return;
    float *params = fixture_params(d);
    buffers b = make_buffers(d);
    lm_op *ref = lm_op_create(d, params, lm_kernel_reference(d->kind), 0, err, sizeof err);
    lm_op *op = lm_op_create(d, params, k, 0, err, sizeof err);
    if (!ref || !op) fail_msg("%s: %s", what, err);
    lm_op_run(ref, (const float *const *)b.in, b.expected, NULL);
    for (int threads = 1; threads <= 2; threads++) {
        const size_t regions = lm_threadpool_regions(pool);
        lm_op_run(op, (const float *const *)b.in, b.out, threads == 1 ? NULL : pool);
        fixture_expect_close(k->name, what, threads, d, b.out, b.expected);
        parallel_cases += lm_threadpool_regions(pool) > regions;
    }
    checked_cases++;
    lm_op_destroy(op);
    lm_op_destroy(ref);
    free_buffers(&b);
    free(params);
}

static void check_shape(const lm_op_desc *d, void *kernel) { check(kernel, d, pool); }

/* ---- tests --------------------------------------------------------------------------------------- */

static void test_every_kind_has_one_reference(void **state) {
    (void)state;
    for (int kind = 0; kind < LM_OP_KIND_COUNT; kind++) {
        int references = 0;
        for (int i = 0; i < lm_kernel_count; i++)
            references += lm_kernels[i]->kind == (lm_op_kind)kind && lm_kernels[i]->isa == LM_ISA_REFERENCE;
        if (references != 1) fail_msg("%s has %d references", lm_op_kind_name(kind), references);
    }
    for (int i = 0; i < lm_kernel_count; i++) { /* names carry the ISA: lm_f32_<op>_nhwc__<isa> */
        const lm_kernel *k = lm_kernels[i];
        char suffix[32];
        snprintf(suffix, sizeof suffix, "_nhwc__%s", k->isa == LM_ISA_REFERENCE ? "ref" : lm_isa_name(k->isa));
        assert_ptr_equal(lm_kernel_find(k->name), k);
        assert_true(strncmp(k->name, "lm_f32_", 7) == 0);
        assert_true(strlen(k->name) > strlen(suffix) && strcmp(k->name + strlen(k->name) - strlen(suffix), suffix) == 0);
        assert_non_null(k->run);
    }
    assert_null(lm_kernel_find("no_such_kernel"));
}

static void test_dispatch_respects_usable_isas(void **state) {
    (void)state;
    lm_op_desc pw = lm_op_conv((lm_shape){1, 8, 8, 32}, 32, 1, 1, 0, 1, false, LM_ACT_NONE);
    assert_int_equal(lm_kernel_select(&pw, LM_ISA_BIT(LM_ISA_REFERENCE))->isa, LM_ISA_REFERENCE);
    const lm_kernel *all = lm_kernel_select(&pw, ~0u);
    const lm_kernel *avx2 = lm_kernel_select(&pw, LM_ISA_BIT(LM_ISA_REFERENCE) | LM_ISA_BIT(LM_ISA_AVX2));
    assert_true(avx2->isa != LM_ISA_AVX512);
    assert_true(all->isa >= avx2->isa);
}

/* One test per optimized kernel: the registry entry is the test's state. */
static void test_kernel_matches_reference(void **state) {
    const lm_kernel *k = *state;
    if (!(usable_isas & LM_ISA_BIT(k->isa))) {
        printf("# %s: %s is not usable on this host\n", k->name, lm_isa_name(k->isa));
        skip();
    }
    const int before = checked_cases, parallel_before = parallel_cases;
    op_corpus(k->kind, check_shape, (void *)k);
    const int parallel = parallel_cases - parallel_before;
    printf("# %s: %d shapes match the reference, %d of them run on two threads\n", k->name, checked_cases - before, parallel);
    if (checked_cases == before) fail_msg("%s supports no shape of the corpus", k->name);
    if (!parallel) fail_msg("%s spreads no shape of the corpus over two threads", k->name);
}

/* ---- the merged concat, shuffle and split against the three steps -------------------------------- */

typedef struct three_steps {
    int shapes, kernels_run;
} three_steps;

/* concat(a, b) -> shuffle (2 groups) -> split into halves (or not, with one output), by the three
 * references, into out; then every kernel of the merged kind this host can run, on 1 and 2 threads,
 * must write exactly those bits. */
static void check_three_steps(const lm_op_desc *d, void *context) {
    three_steps *t = context;
    char what[256], err[256];
    fixture_describe(d, what, sizeof what);
    const int c = d->in.c;
    lm_op_desc concat = {.kind = LM_OP_CONCAT, .in = d->in, .parts = {.count = 2, .channels = {c, c}}};
    lm_op_desc shuffle = {.kind = LM_OP_CHANNEL_SHUFFLE, .in = lm_op_output_shape(&concat, 0), .shuffle.groups = 2};
    lm_op_desc split = {.kind = LM_OP_SPLIT, .in = shuffle.in, .parts = {.count = 2, .channels = {c, c}}};
    buffers b = make_buffers(d);
    const size_t wide = lm_shape_elements(shuffle.in), half = wide / 2;
    float *concatenated = fixture_floats(wide), *shuffled = fixture_floats(wide);
    lm_op *steps[3] = {lm_op_create(&concat, NULL, lm_kernel_reference(LM_OP_CONCAT), 0, err, sizeof err),
                       lm_op_create(&shuffle, NULL, lm_kernel_reference(LM_OP_CHANNEL_SHUFFLE), 0, err, sizeof err),
                       lm_op_create(&split, NULL, lm_kernel_reference(LM_OP_SPLIT), 0, err, sizeof err)};
    if (!steps[0] || !steps[1] || !steps[2]) fail_msg("%s: %s", what, err);
    lm_op_run(steps[0], (const float *const *)b.in, &concatenated, NULL);
    lm_op_run(steps[1], (const float *const *)&concatenated, &shuffled, NULL);
    if (d->merged.outputs == 2) lm_op_run(steps[2], (const float *const *)&shuffled, b.expected, NULL);
    else memcpy(b.expected[0], shuffled, wide * sizeof(float));
    for (int i = 0; i < lm_kernel_count; i++) {
        const lm_kernel *k = lm_kernels[i];
        if (k->kind != LM_OP_CONCAT_SHUFFLE_SPLIT || !(usable_isas & LM_ISA_BIT(k->isa))) continue;
        lm_op *op = lm_op_create(d, NULL, k, 0, err, sizeof err);
        if (!op) fail_msg("%s on %s: %s", k->name, what, err);
        for (int threads = 1; threads <= 2; threads++) {
            for (int o = 0; o < b.outputs; o++) memset(b.out[o], 0xFF, (d->merged.outputs == 2 ? half : wide) * sizeof(float));
            lm_op_run(op, (const float *const *)b.in, b.out, threads == 1 ? NULL : pool);
            for (int o = 0; o < b.outputs; o++)
                if (memcmp(b.out[o], b.expected[o], (d->merged.outputs == 2 ? half : wide) * sizeof(float)) != 0)
                    fail_msg("%s on %s, %d thread(s): output %d differs from concat, shuffle and split", k->name, what,
                             threads, o);
        }
        lm_op_destroy(op);
        t->kernels_run++;
    }
    for (int s = 0; s < 3; s++) lm_op_destroy(steps[s]);
    free(concatenated);
    free(shuffled);
    free_buffers(&b);
    t->shapes++;
}

static void test_concat_shuffle_split_is_three_steps(void **state) {
    (void)state;
    three_steps t = {0};
    op_corpus(LM_OP_CONCAT_SHUFFLE_SPLIT, check_three_steps, &t);
    printf("# concat_shuffle_split: %d shapes, %d (kernel, shape) pairs equal to the three steps bit for bit\n",
           t.shapes, t.kernels_run);
    assert_true(t.shapes > 0);
}

/* ---- executed multiply-adds ------------------------------------------------------------------------ */

/* The vector width an ISA's kernels round channels up to (1: scalar). */
static uint64_t lanes_of(lm_isa isa) { return isa == LM_ISA_AVX512 ? 16 : isa == LM_ISA_AVX2 ? 8 : 1; }
static uint64_t round_up(uint64_t x, uint64_t to) { return (x + to - 1) / to * to; }

static bool tap_inside(int out_pos, int tap, int stride, int pad, int dilation, int in) {
    const int i = out_pos * stride - pad + tap * dilation;
    return i >= 0 && i < in;
}

/* What `k` executes on `d` by the tiling kernels/README.md states for it, counted here pixel by pixel
 * rather than with the kernels' own arithmetic:
 *   conv reference: the taps inside the input (it skips the padding) x in_c/groups x out_c;
 *   depthwise: per output pixel, every kernel row (padded ones read a zero row) but only the kernel
 *     columns inside the input, x channels rounded up to a vector;
 *   GEMM (pointwise and indirect): every tap, x in_c/groups x each group's N rounded up to a vector;
 *   FC: out_c x k, k rounded up to a vector for the AVX2 kernel.
 * Sets *exact when nothing is rounded or skipped, where the count must be the counted MAdds. */
static uint64_t expected_madds(const lm_kernel *k, const lm_op_desc *d, bool *exact) {
    const uint64_t lanes = lanes_of(k->isa);
    if (d->kind == LM_OP_FC) {
        const uint64_t features = (uint64_t)d->in.h * d->in.w * d->in.c;
        *exact = features % lanes == 0;
        return (uint64_t)d->in.n * (uint64_t)d->fc.out_c * round_up(features, lanes);
    }
    const __typeof__(d->conv) *c = &d->conv;
    const lm_shape o = lm_op_output_shape(d, 0);
    uint64_t inside = 0, rows_inside = 0, all = 0; /* taps over all output pixels of one image */
    for (int oy = 0; oy < o.h; oy++)
        for (int ox = 0; ox < o.w; ox++)
            for (int ky = 0; ky < c->kernel_h; ky++)
                for (int kx = 0; kx < c->kernel_w; kx++) {
                    const bool y_in = tap_inside(oy, ky, c->stride_h, c->pad_top, c->dilation_h, d->in.h);
                    const bool x_in = tap_inside(ox, kx, c->stride_w, c->pad_left, c->dilation_w, d->in.w);
                    inside += y_in && x_in, rows_inside += x_in, all++;
                }
    const uint64_t n = (uint64_t)o.n, cin_g = (uint64_t)(d->in.c / c->groups), n_g = (uint64_t)(o.c / c->groups);
    if (k->isa == LM_ISA_REFERENCE) {
        *exact = inside == all;
        return n * inside * cin_g * (uint64_t)o.c;
    }
    if (strncmp(k->name, "lm_f32_dwconv", 13) == 0) {
        *exact = rows_inside == all && o.c % lanes == 0;
        return n * rows_inside * round_up((uint64_t)o.c, lanes);
    }
    *exact = n_g % lanes == 0;
    return n * all * cin_g * round_up(n_g, lanes) * (uint64_t)c->groups;
}

typedef struct madds_tally {
    const lm_kernel *k;
    int shapes;
    double worst;           /* largest executed / counted */
    char worst_shape[256];
} madds_tally;

static void check_madds(const lm_op_desc *d, void *context) {
    madds_tally *t = context;
    if (t->k->supports && !t->k->supports(d)) return;
    char what[256];
    fixture_describe(d, what, sizeof what);
    bool exact;
    const uint64_t counted = lm_op_cost_of(d).madds, want = expected_madds(t->k, d, &exact);
    const uint64_t got = lm_kernel_executed_madds(t->k, d);
    if (exact && want != counted)
        fail_msg("%s: %s: expected %llu executed MAdds with nothing rounded or skipped, but %llu are counted", t->k->name,
                 what, (unsigned long long)want, (unsigned long long)counted);
    if (got != want)
        fail_msg("%s: %s: executes %llu MAdds, expected %llu (counted: %llu)", t->k->name, what, (unsigned long long)got,
                 (unsigned long long)want, (unsigned long long)counted);
    const double ratio = (double)got / (double)counted;
    if (t->shapes++ == 0 || ratio > t->worst) {
        t->worst = ratio;
        snprintf(t->worst_shape, sizeof t->worst_shape, "%s", what);
    }
}

/* Every convolution and FC kernel, references included, whether or not this host can run it: its
 * executed MAdds are the counted ones plus exactly the overhead its tiling states. */
static void test_executed_madds(void **state) {
    (void)state;
    for (int i = 0; i < lm_kernel_count; i++) {
        const lm_kernel *k = lm_kernels[i];
        if (k->kind != LM_OP_CONV && k->kind != LM_OP_FC) continue;
        madds_tally t = {.k = k};
        op_corpus(k->kind, check_madds, &t);
        if (!t.shapes) fail_msg("%s supports no shape of the corpus", k->name);
        printf("# %s: executed/counted MAdds at most %.3f over %d shapes (%s)\n", k->name, t.worst, t.shapes,
               t.worst_shape);
    }
}

static int group_setup(void **state) {
    (void)state;
    lm_host *host = lm_host_probe();
    if (!host) return -1;
    if (fixture_isas(host, &usable_isas) != 0) { /* LATMAC_ISA caps what dispatch may use */
        lm_host_free(host);
        return -1;
    }
    lm_host_free(host);
    pool = lm_threadpool_create(2, NULL, NULL);
    return pool ? 0 : -1;
}

static int group_teardown(void **state) {
    (void)state;
    lm_threadpool_destroy(pool);
    return 0;
}

int main(void) {
    /* Four fixed tests, then one per optimized kernel of the registry. */
    struct CMUnitTest *tests = calloc((size_t)lm_kernel_count + 4, sizeof *tests);
    if (!tests) return 1;
    int n = 0;
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_every_kind_has_one_reference);
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_dispatch_respects_usable_isas);
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_executed_madds);
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_concat_shuffle_split_is_three_steps);
    for (int i = 0; i < lm_kernel_count; i++)
        if (lm_kernels[i]->isa != LM_ISA_REFERENCE)
            tests[n++] = (struct CMUnitTest){.name = lm_kernels[i]->name, .test_func = test_kernel_matches_reference,
                                             .initial_state = (void *)lm_kernels[i]};
    const int failed = _cmocka_run_group_tests("kernels", tests, (size_t)n, group_setup, group_teardown);
    free(tests);
    return failed;
}
