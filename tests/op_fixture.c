/* Shared by the kernel and peer tests (see op_fixture.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "tests/op_fixture.h"

#define ATOL 1e-4
#define RTOL 1e-4
#define SLACK_FLOATS 16

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

float fixture_uniform(float lo, float hi) {
    rng_state ^= rng_state >> 12, rng_state ^= rng_state << 25, rng_state ^= rng_state >> 27;
    const uint64_t r = rng_state * 0x2545f4914f6cdd1dull;
    return lo + (hi - lo) * (float)((r >> 40) / (double)(1ull << 24));
}

float *fixture_floats(size_t n) {
    float *p = malloc((n + SLACK_FLOATS) * sizeof *p);
    assert_non_null(p);
    for (size_t i = 0; i < n + SLACK_FLOATS; i++) p[i] = NAN;
    return p;
}

float *fixture_params(const lm_op_desc *d) {
    const size_t n = lm_op_param_floats(d);
    float *p = fixture_floats(n);
    double fan_in = 1;
    if (d->kind == LM_OP_CONV) fan_in = (double)d->conv.kernel_h * d->conv.kernel_w * (d->in.c / d->conv.groups);
    if (d->kind == LM_OP_FC) fan_in = (double)d->in.h * d->in.w * d->in.c;
    const float scale = (float)(1.0 / sqrt(fan_in));
    for (size_t i = 0; i < n; i++) p[i] = fixture_uniform(-1, 1) * scale;
    if (d->kind == LM_OP_BATCHNORM)
        for (int k = 0; k < d->in.c; k++) p[3 * d->in.c + k] = fixture_uniform(0.5f, 1.5f); /* variance */
    return p;
}

void fixture_describe(const lm_op_desc *d, char *buf, size_t n) {
    int used = snprintf(buf, n, "%s in %dx%dx%dx%d act %s", lm_op_kind_name(d->kind), d->in.n, d->in.h, d->in.w,
                        d->in.c, lm_act_name(d->act));
    if (used < 0 || (size_t)used >= n) return;
    if (d->kind == LM_OP_CONV)
        snprintf(buf + used, n - (size_t)used, " out_c %d k %dx%d s %d pad %d,%d,%d,%d dil %d g %d bias %d",
                 d->conv.out_c, d->conv.kernel_h, d->conv.kernel_w, d->conv.stride_h, d->conv.pad_top, d->conv.pad_left,
                 d->conv.pad_bottom, d->conv.pad_right, d->conv.dilation_h, d->conv.groups, d->conv.bias);
    else if (d->kind == LM_OP_MAXPOOL || d->kind == LM_OP_AVGPOOL)
        snprintf(buf + used, n - (size_t)used, " k %d s %d pad %d", d->pool.kernel, d->pool.stride, d->pool.pad);
    else if (d->kind == LM_OP_RESIZE_BILINEAR)
        snprintf(buf + used, n - (size_t)used, " to %dx%d align %d", d->resize.out_h, d->resize.out_w,
                 d->resize.align_corners);
}

void fixture_expect_close(const char *who, const char *what, int threads, const lm_op_desc *d, float *const *out,
                          float *const *expected) {
    for (int o = 0; o < lm_op_output_count(d); o++) {
        const size_t n = lm_shape_elements(lm_op_output_shape(d, o));
        for (size_t j = 0; j < n; j++) {
            const double want = expected[o][j], got = out[o][j];
            if (!(fabs(got - want) <= ATOL + RTOL * fabs(want)))
                fail_msg("%s on %s, %d thread(s): output %d element %zu is %.7g, reference %.7g", who, what, threads, o,
                         j, got, want);
        }
        for (size_t j = 0; j < n; j++) out[o][j] = NAN;
    }
}
