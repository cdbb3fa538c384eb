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
#include "op_corpus.h"
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

static int checked_cases;     /* pairs (kernel, shape) compared */
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
        lm_op_run(op, (const float *const *)b.in, b.out, threads == 1 ? NULL : pool);
        fixture_expect_close(k->name, what, threads, d, b.out, b.expected);
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
    const int before = checked_cases;
    op_corpus(k->kind, check_shape, (void *)k);
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
