/* Reference pooling and resizing: global average, max and average windows, bilinear resize. */
#include "kernels/kernel.h"

#include <float.h>
#include <math.h>

static void global_avgpool_run(const lm_op_desc *d, const void *state, const float *const *in, float *const *out,
                               lm_threadpool *pool) {
    (void)state, (void)pool;
    const size_t pixels = (size_t)d->in.h * d->in.w;
    const int c = d->in.c;
    for (int n = 0; n < d->in.n; n++)
        for (int k = 0; k < c; k++) {
            double sum = 0;
            for (size_t p = 0; p < pixels; p++) sum += in[0][((size_t)n * pixels + p) * c + k];
            out[0][(size_t)n * c + k] = (float)(sum / (double)pixels);
        }
}

const lm_kernel lm_f32_global_avgpool_nhwc__ref = {
    .name = "lm_f32_global_avgpool_nhwc__ref", .kind = LM_OP_GLOBAL_AVGPOOL, .isa = LM_ISA_REFERENCE,
    .run = global_avgpool_run,
};

/* Window pooling; cells of the window outside the input (padding) are ignored, by max and by average. */
static void window_run(const lm_op_desc *d, const float *in, float *out, bool max) {
    const lm_shape o = lm_op_output_shape(d, 0);
    const int c = d->in.c, k = d->pool.kernel;
    for (int n = 0; n < o.n; n++)
        for (int oy = 0; oy < o.h; oy++)
            for (int ox = 0; ox < o.w; ox++)
                for (int ch = 0; ch < c; ch++) {
                    double acc = max ? -DBL_MAX : 0.0;
                    int cells = 0;
                    for (int ky = 0; ky < k; ky++)
                        for (int kx = 0; kx < k; kx++) {
                            const int iy = oy * d->pool.stride - d->pool.pad + ky, ix = ox * d->pool.stride - d->pool.pad + kx;
                            if (iy < 0 || iy >= d->in.h || ix < 0 || ix >= d->in.w) continue;
                            const float v = in[(((size_t)n * d->in.h + iy) * d->in.w + ix) * c + ch];
                            acc = max ? fmax(acc, v) : acc + v;
                            cells++;
                        }
                    out[(((size_t)n * o.h + oy) * o.w + ox) * c + ch] = (float)(max ? acc : acc / cells);
                }
}

static void maxpool_run(const lm_op_desc *d, const void *state, const float *const *in, float *const *out, lm_threadpool *pool) {
    (void)state, (void)pool;
    window_run(d, in[0], out[0], true);
}

static void avgpool_run(const lm_op_desc *d, const void *state, const float *const *in, float *const *out, lm_threadpool *pool) {
    (void)state, (void)pool;
    window_run(d, in[0], out[0], false);
}

const lm_kernel lm_f32_maxpool_nhwc__ref = {
    .name = "lm_f32_maxpool_nhwc__ref", .kind = LM_OP_MAXPOOL, .isa = LM_ISA_REFERENCE, .run = maxpool_run,
};
const lm_kernel lm_f32_avgpool_nhwc__ref = {
    .name = "lm_f32_avgpool_nhwc__ref", .kind = LM_OP_AVGPOOL, .isa = LM_ISA_REFERENCE, .run = avgpool_run,
};

/* Source coordinate of output cell `o` along an axis of `in` -> `out` cells. */
static double source_coordinate(int o, int in, int out, bool align_corners) {
    if (align_corners) return out > 1 ? (double)o * (in - 1) / (out - 1) : 0.0;
    const double x = ((double)o + 0.5) * in / out - 0.5; /* half-pixel centres, clamped at the edge */
    return x < 0 ? 0 : x;
}

static void resize_run(const lm_op_desc *d, const void *state, const float *const *in, float *const *out, lm_threadpool *pool) {
    (void)state, (void)pool;
    const lm_shape o = lm_op_output_shape(d, 0);
    const int c = d->in.c;
    for (int n = 0; n < o.n; n++)
        for (int oy = 0; oy < o.h; oy++) {
            const double sy = source_coordinate(oy, d->in.h, o.h, d->resize.align_corners);
            const int y0 = (int)sy, y1 = y0 + 1 < d->in.h ? y0 + 1 : y0;
            const double fy = sy - y0;
            for (int ox = 0; ox < o.w; ox++) {
                const double sx = source_coordinate(ox, d->in.w, o.w, d->resize.align_corners);
                const int x0 = (int)sx, x1 = x0 + 1 < d->in.w ? x0 + 1 : x0;
                const double fx = sx - x0;
                const float *p00 = in[0] + (((size_t)n * d->in.h + y0) * d->in.w + x0) * c;
                const float *p01 = in[0] + (((size_t)n * d->in.h + y0) * d->in.w + x1) * c;
                const float *p10 = in[0] + (((size_t)n * d->in.h + y1) * d->in.w + x0) * c;
                const float *p11 = in[0] + (((size_t)n * d->in.h + y1) * d->in.w + x1) * c;
                float *q = out[0] + (((size_t)n * o.h + oy) * o.w + ox) * c;
                for (int k = 0; k < c; k++) {
                    const double top = p00[k] + (p01[k] - p00[k]) * fx, bottom = p10[k] + (p11[k] - p10[k]) * fx;
                    q[k] = (float)(top + (bottom - top) * fy);
                }
            }
        }
}

const lm_kernel lm_f32_resize_bilinear_nhwc__ref = {
    .name = "lm_f32_resize_bilinear_nhwc__ref", .kind = LM_OP_RESIZE_BILINEAR, .isa = LM_ISA_REFERENCE,
    .run = resize_run,
};
