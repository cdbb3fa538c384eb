/* Every compiled-in peer backend against latmac's reference kernels, on a corpus covering every kind:
 * awkward channel counts (1, 3, 7, 58, 116, 232), stride 2 on odd inputs, padding (asymmetric too),
 * dilation, groups, every fused activation, batch 2, and 1 and 2 threads. A peer may answer
 * "unsupported" (NULL and a reason), except for the convolution shapes of the kernel suite, which
 * every backend must run. Each backend's coverage is printed as TAP comments.
 *
 * Each supported case is checked three times: once, again with the same buffers (XNNPACK skips its
 * setup then), and with other buffers (it must set up again). The parameter block is overwritten
 * with NaN right after create, so a peer that kept a pointer to it instead of a copy fails.
 *
 * Tolerance: |peer - reference| <= 1e-4 + 1e-4 * |reference|, with weights scaled by 1/sqrt(fan-in)
 * as in test_kernels.c. Buffers carry 64 bytes of slack: XNNPACK reads up to 16 bytes past inputs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/kernel.h"
#include "tests/op_corpus.h"
#include "tests/op_fixture.h"
#include "bench/peers/peer.h"

/* Two sets of inputs (equal values) and outputs, so a peer sees its buffers change. */
typedef struct buffers {
    int inputs, outputs;
    float *in[2][LM_MAX_PARTS], *out[2][LM_MAX_PARTS], *expected[LM_MAX_PARTS];
} buffers;

static buffers make_buffers(const lm_op_desc *d) {
    buffers b = {.inputs = lm_op_input_count(d), .outputs = lm_op_output_count(d)};
    for (int i = 0; i < b.inputs; i++) {
        const size_t n = lm_shape_elements(lm_op_input_shape(d, i));
        b.in[0][i] = fixture_floats(n), b.in[1][i] = fixture_floats(n);
        for (size_t j = 0; j < n; j++) b.in[0][i][j] = b.in[1][i][j] = fixture_uniform(-4, 4);
    }
    for (int i = 0; i < b.outputs; i++) {
        const size_t n = lm_shape_elements(lm_op_output_shape(d, i));
        b.out[0][i] = fixture_floats(n), b.out[1][i] = fixture_floats(n), b.expected[i] = fixture_floats(n);
    }
    return b;
}

static void free_buffers(buffers *b) {
    for (int s = 0; s < 2; s++) {
        for (int i = 0; i < b->inputs; i++) free(b->in[s][i]);
        for (int i = 0; i < b->outputs; i++) free(b->out[s][i]);
    }
    for (int i = 0; i < b->outputs; i++) free(b->expected[i]);
}

/* Per backend and kind: cases run and cases the backend declined (with the last reason). */
typedef struct coverage {
    int supported[LM_OP_KIND_COUNT], unsupported[LM_OP_KIND_COUNT];
    char reason[LM_OP_KIND_COUNT][400];
} coverage;

/* Runs `be` on `d` with 1 and 2 threads against the reference; returns whether `be` supports d. */
static bool check(const lm_peer_backend *be, const lm_op_desc *d, coverage *cov) {
    char what[256], err[256];
    fixture_describe(d, what, sizeof what);
    if (lm_op_validate(d, err, sizeof err) != 0) fail_msg("corpus entry is invalid: %s: %s", what, err);
    const size_t nparams = lm_op_param_floats(d);
    float *params = fixture_params(d), *scratch = fixture_floats(nparams);
    buffers b = make_buffers(d);
    lm_op *ref = lm_op_create(d, nparams ? params : NULL, lm_kernel_reference(d->kind), 0, err, sizeof err);
    if (!ref) fail_msg("reference on %s: %s", what, err);
    lm_op_run(ref, (const float *const *)b.in[0], b.expected, NULL);
    bool supported = true;
    for (int threads = 1; threads <= 2 && supported; threads++) {
        memcpy(scratch, params, nparams * sizeof *params);
        err[0] = '\0';
        lm_peer *peer = be->create(d, nparams ? scratch : NULL, threads, err, sizeof err);
        if (!peer) {
            if (threads > 1) fail_msg("%s supports %s with 1 thread but not %d: %s", be->name, what, threads, err);
            if (strncmp(err, be->name, strlen(be->name)) != 0 || !strchr(err, ':'))
                fail_msg("%s declined %s without a reason naming it: '%s'", be->name, what, err);
            snprintf(cov->reason[d->kind], sizeof cov->reason[d->kind], "%.180s (%.200s)", err, what);
            supported = false;
            break;
        }
        for (size_t i = 0; i < nparams; i++) scratch[i] = NAN; /* the peer must have its own copy */
        for (int run = 0; run < 3; run++) {
            const int set = run == 2; /* runs 0 and 1 on the same buffers, run 2 on the others */
            if (be->run(peer, (const float *const *)b.in[set], b.out[set]) != 0)
                fail_msg("%s failed to run %s with %d thread(s)", be->name, what, threads);
            char who[64];
            snprintf(who, sizeof who, "%s (run %d)", be->name, run);
            fixture_expect_close(who, what, threads, d, b.out[set], b.expected);
        }
        be->destroy(peer);
    }
    if (supported) cov->supported[d->kind]++;
    else cov->unsupported[d->kind]++;
    lm_op_destroy(ref);
    free_buffers(&b);
    free(scratch);
    free(params);
    return supported;
}

/* ---- the corpus ---------------------------------------------------------------------------------- */

typedef void (*visit_fn)(const lm_peer_backend *be, const lm_op_desc *d, coverage *cov);

/* The convolutions of the kernel suite (bias, no activation), smaller in space: every backend must
 * run them. Pointwise dense and grouped (g 1, 2, 4, 8), depthwise 3x3 stride 1 and 2 (and 5x5),
 * and the stem's dense 3x3 stride 2 from 3 to 24 channels. */
static void suite_conv_corpus(const lm_peer_backend *be, coverage *cov, visit_fn visit) {
    static const int pointwise[][2] = {{128, 128}, {58, 58}, {116, 116}, {232, 232}, {464, 1024}};
    for (int i = 0; i < 5; i++) {
        lm_op_desc d = lm_op_conv((lm_shape){1, 7, 7, pointwise[i][0]}, pointwise[i][1], 1, 1, 0, 1, true, LM_ACT_NONE);
        visit(be, &d, cov);
    }
    static const int grouped[][2] = {{128, 1}, {180, 2}, {256, 4}, {360, 8}};
    for (int i = 0; i < 4; i++) {
        lm_op_desc d =
            lm_op_conv((lm_shape){1, 9, 9, grouped[i][0]}, grouped[i][0], 1, 1, 0, grouped[i][1], true, LM_ACT_NONE);
        visit(be, &d, cov);
    }
    static const int depthwise[][4] = {{58, 3, 1, 14},  {116, 3, 1, 14}, {232, 3, 1, 7},
                                       {116, 3, 2, 15}, {116, 3, 2, 14}, {120, 5, 1, 14}};
    for (int i = 0; i < 6; i++) {
        const int c = depthwise[i][0], k = depthwise[i][1], size = depthwise[i][3];
        lm_op_desc d = lm_op_conv((lm_shape){1, size, size, c}, c, k, depthwise[i][2], k / 2, c, true, LM_ACT_NONE);
        visit(be, &d, cov);
    }
    for (int size = 15; size <= 16; size++) {
        lm_op_desc d = lm_op_conv((lm_shape){1, size, size, 3}, 24, 3, 2, 1, 1, true, LM_ACT_NONE);
        visit(be, &d, cov);
    }
}

/* The shared corpus (op_corpus.h) on one backend. */
typedef struct visit_context {
    const lm_peer_backend *be;
    coverage *cov;
    visit_fn visit;
} visit_context;

static void visit_shape(const lm_op_desc *d, void *context) {
    const visit_context *v = context;
    v->visit(v->be, d, v->cov);
}

static void visit_kind(const lm_peer_backend *be, lm_op_kind kind, coverage *cov, visit_fn visit) {
    visit_context v = {be, cov, visit};
    if (kind == LM_OP_CONV) suite_conv_corpus(be, cov, visit);
    op_corpus(kind, visit_shape, &v);
}

/* ---- tests --------------------------------------------------------------------------------------- */

static void visit_check(const lm_peer_backend *be, const lm_op_desc *d, coverage *cov) { check(be, d, cov); }

static void visit_required(const lm_peer_backend *be, const lm_op_desc *d, coverage *cov) {
    if (!check(be, d, cov))
        fail_msg("%s must support the kernel suite's convolutions: %s", be->name, cov->reason[d->kind]);
}

static void test_backends_are_named(void **state) {
    (void)state;
    printf("# %d peer backend(s) compiled in\n", lm_peer_backend_count);
    for (int i = 0; i < lm_peer_backend_count; i++) {
        const lm_peer_backend *be = lm_peer_backends[i];
        assert_non_null(be);
        assert_true(be->name && be->name[0]);
        assert_true(be->version && be->version[0]);
        assert_true(be->create && be->run && be->destroy);
        for (int j = 0; j < i; j++) assert_string_not_equal(lm_peer_backends[j]->name, be->name);
        printf("# %s %s\n", be->name, be->version);
    }
    assert_null(lm_peer_backends[lm_peer_backend_count]);
}

/* The kernel suite's convolutions: supported and equal to the reference. */
static void test_backend_runs_suite_convolutions(void **state) {
    const lm_peer_backend *be = *state;
    coverage cov = {0};
    suite_conv_corpus(be, &cov, visit_required);
    printf("# %s: %d kernel-suite convolutions match the reference\n", be->name, cov.supported[LM_OP_CONV]);
}

/* Every kind: whatever the backend supports equals the reference; coverage printed. */
static void test_backend_matches_reference(void **state) {
    const lm_peer_backend *be = *state;
    coverage cov = {0};
    int total = 0;
    for (int kind = 0; kind < LM_OP_KIND_COUNT; kind++) {
        visit_kind(be, (lm_op_kind)kind, &cov, visit_check);
        const int ok = cov.supported[kind], no = cov.unsupported[kind];
        printf("# %s %-15s %3d of %3d supported%s%s\n", be->name, lm_op_kind_name((lm_op_kind)kind), ok, ok + no,
               no ? "; declined e.g. " : "", no ? cov.reason[kind] : "");
        total += ok;
    }
    if (total == 0) fail_msg("%s supports nothing", be->name);
}

/* Impossible requests: NULL with a one-line reason, no crash. */
static void test_backend_fails_cleanly(void **state) {
    const lm_peer_backend *be = *state;
    char err[256];
    const lm_op_desc pw = lm_op_conv((lm_shape){1, 4, 4, 8}, 8, 1, 1, 0, 1, false, LM_ACT_NONE);
    float weights[64] = {0};
    const struct {
        lm_op_desc d;
        int threads;
        const char *what;
    } cases[] = {
        {pw, 0, "zero threads"},
        {pw, -3, "negative threads"},
        {{.kind = LM_OP_KIND_COUNT, .in = {1, 4, 4, 8}}, 1, "an unknown operator kind"},
        {{.kind = (lm_op_kind)-1, .in = {1, 4, 4, 8}}, 1, "a negative operator kind"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        strcpy(err, "untouched");
        lm_peer *p = be->create(&cases[i].d, weights, cases[i].threads, err, sizeof err);
        if (p) fail_msg("%s accepted %s", be->name, cases[i].what);
        if (strncmp(err, be->name, strlen(be->name)) != 0 || strchr(err, '\n'))
            fail_msg("%s on %s: reason '%s' is not one line naming the backend", be->name, cases[i].what, err);
        printf("# %s on %s: %s\n", be->name, cases[i].what, err);
        assert_null(be->create(&cases[i].d, weights, cases[i].threads, NULL, 0)); /* no room for a reason */
    }
    be->destroy(NULL);
}

int main(void) {
    struct CMUnitTest tests[1 + 3 * 4];
    int n = 0;
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_backends_are_named);
    static char names[3 * 4][64];
    for (int i = 0; i < lm_peer_backend_count && n + 3 <= (int)(sizeof tests / sizeof tests[0]); i++) {
        const lm_peer_backend *be = lm_peer_backends[i];
        static const struct {
            const char *what;
            void (*fn)(void **);
        } per_backend[3] = {
            {"suite_convolutions", test_backend_runs_suite_convolutions},
            {"matches_reference", test_backend_matches_reference},
            {"fails_cleanly", test_backend_fails_cleanly},
        };
        for (int t = 0; t < 3; t++) {
            snprintf(names[n - 1], sizeof names[n - 1], "%s_%s", be->name, per_backend[t].what);
            tests[n] =
                (struct CMUnitTest){.name = names[n - 1], .test_func = per_backend[t].fn, .initial_state = (void *)be};
            n++;
        }
    }
    return _cmocka_run_group_tests("peers", tests, (size_t)n, NULL, NULL);
}
