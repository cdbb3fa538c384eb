/* The kernel suite's cases (see kernel_suite.h). Names read <op>_<channels>_<size>: sizes are the
 * input height and width (square), "AtoB" when the operator changes them. */
#include "bench/measure/kernel_suite.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* A square convolution with bias and no activation on a [1, size, size, in_c] input. */
#define CONV(name_, size, in_c, out_c_, k, s, p, g)                                                          \
    {                                                                                                        \
        name_, LM_CASE_CONV, {                                                                               \
            .kind = LM_OP_CONV, .in = {1, size, size, in_c}, .act = LM_ACT_NONE,                             \
            .conv = {.out_c = out_c_, .kernel_h = k, .kernel_w = k, .stride_h = s, .stride_w = s,            \
                     .pad_top = p, .pad_left = p, .pad_bottom = p, .pad_right = p, .dilation_h = 1,          \
                     .dilation_w = 1, .groups = g, .bias = true}                                             \
        }                                                                                                    \
    }
#define POINTWISE(name, size, in_c, out_c) CONV(name, size, in_c, out_c, 1, 1, 0, 1)
#define DEPTHWISE(name, size, c, k, s) CONV(name, size, c, c, k, s, (k) / 2, c)
#define GROUPED_POINTWISE(name, size, c, g) CONV(name, size, c, c, 1, 1, 0, g)

/* An operator on a [1, size, size, c] input; the rest of the description follows. */
#define OP(name_, category_, kind_, size, c, ...)                                                            \
    { name_, category_, {.kind = kind_, .in = {1, size, size, c}, __VA_ARGS__} }
#define ACTIVATION(name, size, c, act_) OP(name, LM_CASE_ELEMENTWISE, LM_OP_ACTIVATION, size, c, .act = act_)
#define POOL(name, kind, size, c, k, s, p) OP(name, LM_CASE_POOL, kind, size, c, .pool = {k, s, p})

const lm_kernel_case lm_kernel_suite[] = {
    /* ShuffleNet V2 1x: pointwise convolutions of each stage, and conv5 */
    POINTWISE("pw_128x128_56", 56, 128, 128),
    POINTWISE("pw_58x58_28", 28, 58, 58),
    POINTWISE("pw_116x116_14", 14, 116, 116),
    POINTWISE("pw_232x232_7", 7, 232, 232),
    POINTWISE("pw_464x1024_7", 7, 464, 1024),
    /* the nearest multiples of a 16-lane vector to 58, 116 and 232 channels at the same sizes: what
     * a stage's channel count costs in SIMD tails, read as GFLOP/s against its twin */
    POINTWISE("pw_64x64_28", 28, 64, 64),
    POINTWISE("pw_112x112_14", 14, 112, 112),
    POINTWISE("pw_224x224_7", 7, 224, 224),
    /* depthwise convolutions, stride 1 and the stride-2 downsampling unit; MobileNet V3's 5x5 */
    DEPTHWISE("dw3x3s1_58_28", 28, 58, 3, 1),
    DEPTHWISE("dw3x3s1_116_14", 14, 116, 3, 1),
    DEPTHWISE("dw3x3s1_232_7", 7, 232, 3, 1),
    DEPTHWISE("dw3x3s2_116_28to14", 28, 116, 3, 2),
    DEPTHWISE("dw5x5s1_120_28", 28, 120, 5, 1),
    /* the stem: a dense 3x3 stride-2 convolution on the RGB image */
    CONV("conv3x3s2_3x24_224to112", 224, 3, 24, 3, 2, 1, 1),
    /* guideline G2: 1x1 group convolutions, c grown with g so MAdds stay (nearly) equal */
    GROUPED_POINTWISE("gpw_g1_c128_56", 56, 128, 1),
    GROUPED_POINTWISE("gpw_g2_c180_56", 56, 180, 2),
    GROUPED_POINTWISE("gpw_g4_c256_56", 56, 256, 4),
    GROUPED_POINTWISE("gpw_g8_c360_56", 56, 360, 8),
    /* the classifier */
    {"fc_1024x1000", LM_CASE_FC, {.kind = LM_OP_FC, .in = {1, 1, 1, 1024}, .fc = {.out_c = 1000, .bias = true}}},
    /* ShuffleNet V2's data movement */
    OP("shuffle_g2_116_28", LM_CASE_DATA, LM_OP_CHANNEL_SHUFFLE, 28, 116, .shuffle = {2}),
    OP("concat_58_58_28", LM_CASE_DATA, LM_OP_CONCAT, 28, 116, .parts = {2, {58, 58}}),
    OP("split_116_28", LM_CASE_DATA, LM_OP_SPLIT, 28, 116, .parts = {2, {58, 58}}),
    /* the three above as one pass (the paper's Section 3; latmac run --merge-shuffle) */
    OP("concat_shuffle_split_58_58_28", LM_CASE_DATA, LM_OP_CONCAT_SHUFFLE_SPLIT, 28, 58, .merged = {2}),
    OP("resize_bilinear_128_28to112", LM_CASE_DATA, LM_OP_RESIZE_BILINEAR, 28, 128, .resize = {112, 112, false}),
    /* guideline G4: element-wise operators */
    OP("add_116_28", LM_CASE_ELEMENTWISE, LM_OP_ADD, 28, 116),
    ACTIVATION("relu_116_28", 28, 116, LM_ACT_RELU),
    ACTIVATION("hswish_120_28", 28, 120, LM_ACT_HSWISH),
    ACTIVATION("sigmoid_120_28", 28, 120, LM_ACT_SIGMOID),
    ACTIVATION("prelu_116_28", 28, 116, LM_ACT_PRELU),
    OP("bias_116_28", LM_CASE_ELEMENTWISE, LM_OP_BIAS, 28, 116),
    OP("bn_116_28", LM_CASE_ELEMENTWISE, LM_OP_BATCHNORM, 28, 116, .bn = {1e-5f}),
    OP("mul_116_28", LM_CASE_ELEMENTWISE, LM_OP_MUL, 28, 116),
    OP("mul_bcast_120_28", LM_CASE_ELEMENTWISE, LM_OP_MUL, 28, 120, .binary = {true}), /* SE scaling */
    /* pooling: ShuffleNet's stem max pool, an average pool, the global average pool before fc */
    POOL("maxpool3x3s2_24_112to56", LM_OP_MAXPOOL, 112, 24, 3, 2, 1),
    POOL("avgpool3x3s2_240_28to14", LM_OP_AVGPOOL, 28, 240, 3, 2, 1),
    OP("gap_1024_7", LM_CASE_POOL, LM_OP_GLOBAL_AVGPOOL, 7, 1024),
    /* guideline G3: the price of one parallel region, paid by every parallel operator (its
     * description is unused: a runtime case runs no operator) */
    {"parallel_empty", LM_CASE_RUNTIME, {.kind = LM_OP_KIND_COUNT}},
};

const int lm_kernel_suite_count = (int)(sizeof lm_kernel_suite / sizeof lm_kernel_suite[0]);

const char *lm_case_category_name(lm_case_category category) {
    static const char *const names[LM_CASE_CATEGORY_COUNT] = {
        [LM_CASE_CONV] = "conv", [LM_CASE_FC] = "fc", [LM_CASE_POOL] = "pool",
        [LM_CASE_ELEMENTWISE] = "elementwise", [LM_CASE_DATA] = "data", [LM_CASE_RUNTIME] = "runtime",
    };
    return (unsigned)category < LM_CASE_CATEGORY_COUNT ? names[category] : "unknown";
}

bool lm_case_category_memory_bound(lm_case_category category) {
    return category == LM_CASE_POOL || category == LM_CASE_ELEMENTWISE || category == LM_CASE_DATA;
}

const lm_kernel_case *lm_kernel_case_find(const char *name) {
    for (int i = 0; i < lm_kernel_suite_count; i++)
        if (strcmp(lm_kernel_suite[i].name, name) == 0) return &lm_kernel_suite[i];
    return NULL;
}

/* Appends to buf at *used, never past size. */
__attribute__((format(printf, 4, 5))) static void append(char *buf, size_t size, size_t *used, const char *fmt, ...) {
    if (*used >= size) return;
    va_list ap;
    va_start(ap, fmt);
    const int n = vsnprintf(buf + *used, size - *used, fmt, ap);
    va_end(ap);
    if (n > 0) *used += (size_t)n;
}

static void append_shapes(char *buf, size_t size, size_t *used, const lm_op_desc *d, bool outputs) {
    const int count = outputs ? lm_op_output_count(d) : lm_op_input_count(d);
    for (int i = 0; i < count; i++) {
        const lm_shape s = outputs ? lm_op_output_shape(d, i) : lm_op_input_shape(d, i);
        append(buf, size, used, "%s%dx%dx%d", i ? "+" : "", s.h, s.w, s.c);
    }
}

void lm_op_describe(const lm_op_desc *d, char *buf, size_t size) {
    size_t used = 0;
    if (!size) return;
    buf[0] = '\0';
    append(buf, size, &used, "%s", d->kind == LM_OP_ACTIVATION ? lm_act_name(d->act) : lm_op_kind_name(d->kind));
    switch (d->kind) {
    case LM_OP_CONV:
        append(buf, size, &used, " %dx%d stride %d pad %d groups %d%s", d->conv.kernel_h, d->conv.kernel_w,
               d->conv.stride_h, d->conv.pad_top, d->conv.groups, d->conv.bias ? " bias" : "");
        break;
    case LM_OP_FC: append(buf, size, &used, "%s", d->fc.bias ? " bias" : ""); break;
    case LM_OP_MUL:
    case LM_OP_ADD: append(buf, size, &used, "%s", d->binary.broadcast ? " broadcast" : ""); break;
    case LM_OP_CHANNEL_SHUFFLE: append(buf, size, &used, " groups %d", d->shuffle.groups); break;
    case LM_OP_CONCAT_SHUFFLE_SPLIT: append(buf, size, &used, " outputs %d", d->merged.outputs); break;
    case LM_OP_MAXPOOL:
    case LM_OP_AVGPOOL:
        append(buf, size, &used, " %dx%d stride %d pad %d", d->pool.kernel, d->pool.kernel, d->pool.stride,
               d->pool.pad);
        break;
    case LM_OP_RESIZE_BILINEAR: append(buf, size, &used, "%s", d->resize.align_corners ? " align_corners" : ""); break;
    default: break;
    }
    if (d->act != LM_ACT_NONE && d->kind != LM_OP_ACTIVATION) append(buf, size, &used, " %s", lm_act_name(d->act));
    append(buf, size, &used, ", ");
    append_shapes(buf, size, &used, d, false);
    append(buf, size, &used, " -> ");
    append_shapes(buf, size, &used, d, true);
}
