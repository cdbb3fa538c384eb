/* Every registered kernel against its kind's reference, on a corpus of shapes that includes the
 * awkward ones: channels 1, 3, 7, 58, 116 and 232 (not multiples of any SIMD width), 1x1 and odd
 * spatial sizes, stride 2 on odd inputs, padding, dilation, groups, batch 2, every fused activation.
 * Tolerance and data: tests/op_fixture.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "isa.h"
#include "kernel.h"
#include "op_fixture.h"

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

static int checked_cases; /* pairs (kernel, shape) compared */

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
        lm_op_run(op, (const float *const *)b.in, b.out, threads == 1 ? NULL : pool);
        fixture_expect_close(k->name, what, threads, d, b.out, b.expected);
    }
    checked_cases++;
    lm_op_destroy(op);
    lm_op_destroy(ref);
    free_buffers(&b);
    free(params);
}

/* ---- the corpus ---------------------------------------------------------------------------------- */

static const int awkward_channels[] = {1, 3, 7, 8, 16, 24, 58, 116, 232};
#define N_AWKWARD (int)(sizeof awkward_channels / sizeof awkward_channels[0])
static const lm_act all_acts[] = {LM_ACT_NONE, LM_ACT_RELU, LM_ACT_RELU6, LM_ACT_HSWISH, LM_ACT_HSIGMOID, LM_ACT_SIGMOID, LM_ACT_PRELU};
#define N_ACTS (int)(sizeof all_acts / sizeof all_acts[0])

typedef void (*visit_fn)(const lm_kernel *k, const lm_op_desc *d, lm_threadpool *pool);

static void conv_corpus(const lm_kernel *k, lm_threadpool *pool, visit_fn visit) {
    static const int spatial[][2] = {{1, 1}, {7, 7}, {13, 11}, {28, 28}};
    int i = 0;
    /* Pointwise, dense and grouped. */
    for (int ci = 0; ci < N_AWKWARD; ci++)
        for (int s = 0; s < 4; s++, i++) {
            const int c = awkward_channels[ci];
            const int outs[] = {c, c * 2, 24, 1024 % (c * 8 + 1) + 1};
            for (int oi = 0; oi < 4; oi++) {
                lm_op_desc d = lm_op_conv((lm_shape){1 + (i % 5 == 0), spatial[s][0], spatial[s][1], c}, outs[oi], 1, 1, 0,
                                          1, (i + oi) % 2, all_acts[(i + oi) % N_ACTS]);
                visit(k, &d, pool);
            }
            for (int g = 2; g <= 8; g *= 2)
                if (c % g == 0) {
                    lm_op_desc d = lm_op_conv((lm_shape){1, spatial[s][0], spatial[s][1], c}, c, 1, 1, 0, g, true,
                                              all_acts[(i + g) % N_ACTS]);
                    visit(k, &d, pool);
                }
        }
    /* The paper's G2 shapes, scaled down in space. */
    const int g2[][2] = {{128, 1}, {180, 2}, {256, 4}, {360, 8}};
    for (int j = 0; j < 4; j++) {
        lm_op_desc d = lm_op_conv((lm_shape){1, 9, 9, g2[j][0]}, g2[j][0], 1, 1, 0, g2[j][1], false, LM_ACT_NONE);
        visit(k, &d, pool);
    }
    /* A large pointwise layer (more input channels than one cache block). */
    lm_op_desc big = lm_op_conv((lm_shape){1, 7, 7, 464}, 1024, 1, 1, 0, 1, true, LM_ACT_RELU);
    visit(k, &big, pool);
    /* Depthwise 3x3 and 5x5: strides, dilations, odd sizes, tiny inputs, asymmetric padding. */
    static const int dw_spatial[][2] = {{1, 1}, {2, 3}, {5, 5}, {7, 9}, {14, 14}, {15, 15}};
    for (int ci = 0; ci < N_AWKWARD; ci++)
        for (int s = 0; s < 6; s++)
            for (int kernel = 3; kernel <= 5; kernel += 2)
                for (int stride = 1; stride <= 2; stride++) {
                    const int c = awkward_channels[ci];
                    lm_op_desc d = lm_op_conv((lm_shape){1, dw_spatial[s][0], dw_spatial[s][1], c}, c, kernel, stride,
                                              kernel / 2, c, (s + stride) % 2 == 0, all_acts[(ci + s) % N_ACTS]);
                    visit(k, &d, pool);
                    if (s >= 3) { /* dilation 2 keeps the output size with padding 2*(k/2) */
                        d.conv.dilation_h = d.conv.dilation_w = 2;
                        d.conv.pad_top = d.conv.pad_left = d.conv.pad_bottom = d.conv.pad_right = kernel / 2 * 2;
                        visit(k, &d, pool);
                    }
                    if (s == 4) { /* "same" padding of TensorFlow: more on the bottom/right */
                        d.conv.dilation_h = d.conv.dilation_w = 1;
                        d.conv.pad_top = d.conv.pad_left = 0;
                        d.conv.pad_bottom = d.conv.pad_right = kernel / 2;
                        visit(k, &d, pool);
                    }
                }
    /* General convolutions: the first layer, grouped 3x3, rectangular kernels, no padding. */
    lm_op_desc first = lm_op_conv((lm_shape){1, 33, 31, 3}, 24, 3, 2, 1, 1, true, LM_ACT_RELU);
    visit(k, &first, pool);
    lm_op_desc first16 = lm_op_conv((lm_shape){2, 16, 16, 3}, 16, 3, 2, 1, 1, false, LM_ACT_HSWISH);
    visit(k, &first16, pool);
    lm_op_desc grouped = lm_op_conv((lm_shape){1, 9, 9, 24}, 48, 3, 1, 1, 4, true, LM_ACT_NONE);
    visit(k, &grouped, pool);
    lm_op_desc rect = lm_op_conv((lm_shape){1, 10, 12, 7}, 5, 3, 1, 0, 1, true, LM_ACT_PRELU);
    rect.conv.kernel_w = 1;
    visit(k, &rect, pool);
    lm_op_desc strided_pw = lm_op_conv((lm_shape){1, 15, 15, 58}, 116, 1, 2, 0, 1, true, LM_ACT_RELU);
    visit(k, &strided_pw, pool);
    lm_op_desc dense5 = lm_op_conv((lm_shape){1, 11, 11, 16}, 40, 5, 2, 2, 1, true, LM_ACT_SIGMOID);
    visit(k, &dense5, pool);
}

static void fc_corpus(const lm_kernel *k, lm_threadpool *pool, visit_fn visit) {
    const int shapes[][4] = {{1, 1, 1, 1024}, {2, 1, 1, 58}, {1, 3, 3, 7}, {1, 1, 1, 1280}};
    const int outs[] = {1000, 3, 116, 7};
    for (int i = 0; i < 4; i++)
        for (int a = 0; a < 3; a++) {
            lm_op_desc d = {.kind = LM_OP_FC, .in = {shapes[i][0], shapes[i][1], shapes[i][2], shapes[i][3]},
                            .act = all_acts[(i + a * 3) % N_ACTS]};
            d.fc.out_c = outs[(i + a) % 4];
            d.fc.bias = a != 1;
            visit(k, &d, pool);
        }
}

/* Element-wise and data kinds: every awkward channel count on a few spatial sizes. */
static void elementwise_corpus(const lm_kernel *k, lm_threadpool *pool, visit_fn visit) {
    static const int spatial[][3] = {{1, 1, 1}, {1, 3, 5}, {2, 7, 7}, {1, 28, 28}};
    for (int ci = 0; ci < N_AWKWARD; ci++)
        for (int s = 0; s < 4; s++) {
            const int c = awkward_channels[ci];
            lm_op_desc d = {.kind = k->kind, .in = {spatial[s][0], spatial[s][1], spatial[s][2], c}};
            switch (k->kind) {
            case LM_OP_BIAS:
            case LM_OP_BATCHNORM:
            case LM_OP_ADD:
            case LM_OP_MUL:
            case LM_OP_ACTIVATION:
                for (int a = 0; a < N_ACTS; a++) {
                    d.act = all_acts[a];
                    if (k->kind == LM_OP_ACTIVATION && d.act == LM_ACT_NONE) continue;
                    d.bn.eps = 1e-5f;
                    if (k->kind == LM_OP_ADD || k->kind == LM_OP_MUL) d.binary.broadcast = (a + s) % 2;
                    visit(k, &d, pool);
                }
                break;
            case LM_OP_CHANNEL_SHUFFLE:
                for (int g = 2; g <= 8; g++)
                    if (c % g == 0) {
                        d.shuffle.groups = g;
                        visit(k, &d, pool);
                    }
                break;
            case LM_OP_SPLIT:
            case LM_OP_CONCAT:
                d.parts.count = 2;
                d.parts.channels[0] = c, d.parts.channels[1] = awkward_channels[(ci + 3) % N_AWKWARD];
                if (k->kind == LM_OP_SPLIT) {
                    d.in.c = c * 2;
                    d.parts.channels[1] = c;
                    if (c > 1) d.parts.channels[0] = c + 1, d.parts.channels[1] = c - 1;
                }
                visit(k, &d, pool);
                d.parts.count = 3;
                d.parts.channels[0] = d.parts.channels[1] = d.parts.channels[2] = c;
                d.in.c = 3 * c;
                visit(k, &d, pool);
                break;
            case LM_OP_GLOBAL_AVGPOOL: visit(k, &d, pool); break;
            case LM_OP_MAXPOOL:
            case LM_OP_AVGPOOL:
                d.in.h = spatial[s][1] * 2 + 1, d.in.w = spatial[s][2] * 2 + 2;
                d.pool.kernel = 3, d.pool.stride = 2, d.pool.pad = 1;
                visit(k, &d, pool);
                d.pool.pad = 0;
                visit(k, &d, pool);
                break;
            case LM_OP_RESIZE_BILINEAR:
                for (int align = 0; align <= 1; align++) {
                    d.resize.out_h = spatial[s][1] * 4 + 1, d.resize.out_w = spatial[s][2] * 3;
                    d.resize.align_corners = align;
                    visit(k, &d, pool);
                }
                break;
            default: fail_msg("no corpus for %s", lm_op_kind_name(k->kind));
            }
        }
}

static void visit_corpus(const lm_kernel *k, lm_threadpool *pool, visit_fn visit) {
    if (k->kind == LM_OP_CONV) conv_corpus(k, pool, visit);
    else if (k->kind == LM_OP_FC) fc_corpus(k, pool, visit);
    else elementwise_corpus(k, pool, visit);
}

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

static lm_threadpool *pool;    /* two threads, shared by every kernel's test */
static unsigned usable_isas;   /* of this host */

/* One test per optimized kernel: the registry entry is the test's state. */
static void test_kernel_matches_reference(void **state) {
    const lm_kernel *k = *state;
    if (!(usable_isas & LM_ISA_BIT(k->isa))) {
        printf("# %s: %s is not usable on this host\n", k->name, lm_isa_name(k->isa));
        skip();
    }
    const int before = checked_cases;
    visit_corpus(k, pool, check);
    printf("# %s: %d shapes match the reference\n", k->name, checked_cases - before);
    if (checked_cases == before) fail_msg("%s supports no shape of the corpus", k->name);
}

static int group_setup(void **state) {
    (void)state;
    lm_host *host = lm_host_probe();
    if (!host) return -1;
    usable_isas = lm_usable_isas(host);
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
    /* Two fixed tests, then one per optimized kernel of the registry. */
    struct CMUnitTest *tests = calloc((size_t)lm_kernel_count + 2, sizeof *tests);
    if (!tests) return 1;
    int n = 0;
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_every_kind_has_one_reference);
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_dispatch_respects_usable_isas);
    for (int i = 0; i < lm_kernel_count; i++)
        if (lm_kernels[i]->isa != LM_ISA_REFERENCE)
            tests[n++] = (struct CMUnitTest){.name = lm_kernels[i]->name, .test_func = test_kernel_matches_reference,
                                             .initial_state = (void *)lm_kernels[i]};
    const int failed = _cmocka_run_group_tests("kernels", tests, (size_t)n, group_setup, group_teardown);
    free(tests);
    return failed;
}
