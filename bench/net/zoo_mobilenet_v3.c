/* MobileNet V3 Large and Small (Howard et al., arXiv 1905.02244) at any width, and LR-ASPP on
 * MobileNet V3 Large, following torchvision 0.14's models/mobilenetv3.py and
 * models/segmentation/lraspp.py.
 *
 * Conventions (see zoo.h and bench/net/graph.h):
 * - MAdds = conv + FC multiply-adds (the SE 1x1 convs and both head FCs included); params = conv
 *   weights and biases, BatchNorm gamma and beta, FC weights and biases.
 * - BatchNorm is a separate node exactly where torchvision has one, with torchvision's eps 0.001 for
 *   the backbone (LR-ASPP's head BatchNorm keeps PyTorch's default 1e-5); a plan folds it into the conv
 *   and fuses the activation. The SE convs and the head's classifiers have biases and no BatchNorm.
 * - Dropout (0.2, in the classifier) is omitted: inference.
 * - Padding is PyTorch's symmetric dilation * (k - 1) / 2.
 * - Squeeze-and-excitation: global average pool, 1x1 conv with bias to make_divisible(exp // 4, 8),
 *   ReLU, 1x1 conv with bias back to exp, hard sigmoid, multiply.
 * - Layer names are torchvision's module names: "features.0.0" (stem conv; ".1" its BatchNorm, ".2" its
 *   hard swish), "features.4.block.0.0" (an expansion conv), "features.4.block.1.0" (the depthwise),
 *   "features.4.block.2.fc1" (SE), "features.4.block.3.0" (the projection), "features.5.add" (the
 *   residual, no module in torchvision), "classifier.0" / "classifier.3" (the head FCs). LR-ASPP's
 *   backbone is "backbone.N..." and its head "classifier.cbr.0", "classifier.scale.1",
 *   "classifier.low_classifier", ... as in torchvision's state dict.
 *
 * Width scaling is torchvision's _mobilenet_v3_conf(width_mult): every input, expansion and output
 * channel count of Tables 1 and 2 becomes make_divisible(c * width, 8); the last 1x1 conv has 6x the
 * last block's output; the head's hidden FC has make_divisible(1280 or 1024 * width, 8) (scaled down
 * too, unlike MobileNet V2's last_channel). At 0.75 this gives 140.0M MAdds / 3.38M params (Large) and
 * 39.1M / 1.65M (Small), not the paper's 155M / 4.0M and 44M / 2.0M. Those are for TF-slim's
 * mobilenet_v3.py as released (154.6M / 3.99M and 43.4M / 2.04M), which differs in two ways: each
 * expansion is make_divisible(scaled input * ratio, 8) (e.g. 16 * 4 = 64 where torchvision has
 * make_divisible(64 * 0.75, 8) = 48; most of the MAdds), and the head's 1280 / 1024 is not scaled (most
 * of the params). See README.md. */
#include <stdbool.h>
#include <stdio.h>

#include "bench/net/zoo.h"

#define BN_EPS 1e-3f /* torchvision's MobileNetV3 norm_layer: BatchNorm2d(eps=0.001, momentum=0.01) */

typedef struct bneck {
    int in_c, kernel, exp_c, out_c;
    bool se, hswish;
    int stride;
} bneck;

/* torchvision's _mobilenet_v3_conf at width 1.0 (the paper's Tables 1 and 2, except that Small's last
 * 1x1 conv has no SE). */
static const bneck large[] = {
    {16, 3, 16, 16, false, false, 1},    {16, 3, 64, 24, false, false, 2},   {24, 3, 72, 24, false, false, 1},
    {24, 5, 72, 40, true, false, 2},     {40, 5, 120, 40, true, false, 1},   {40, 5, 120, 40, true, false, 1},
    {40, 3, 240, 80, false, true, 2},    {80, 3, 200, 80, false, true, 1},   {80, 3, 184, 80, false, true, 1},
    {80, 3, 184, 80, false, true, 1},    {80, 3, 480, 112, true, true, 1},   {112, 3, 672, 112, true, true, 1},
    {112, 5, 672, 160, true, true, 2},   {160, 5, 960, 160, true, true, 1},  {160, 5, 960, 160, true, true, 1},
};
static const bneck small[] = {
    {16, 3, 16, 16, true, false, 2},  {16, 3, 72, 24, false, false, 2}, {24, 3, 88, 24, false, false, 1},
    {24, 5, 96, 40, true, true, 2},   {40, 5, 240, 40, true, true, 1},  {40, 5, 240, 40, true, true, 1},
    {40, 5, 120, 48, true, true, 1},  {48, 5, 144, 48, true, true, 1},  {48, 5, 288, 96, true, true, 2},
    {96, 5, 576, 96, true, true, 1},  {96, 5, 576, 96, true, true, 1},
};

static int adjust(int channels, double width) { return lm_zoo_make_divisible(channels * width, 8, 0); }

/* Conv (no bias) "<name>.0", BatchNorm "<name>.1" (eps 0.001), activation "<name>.2" unless
 * LM_ACT_NONE: torchvision's Conv2dNormActivation. */
static lm_tensor conv_norm_act(lm_graph *g, const char *name, lm_tensor x, int out_c, int kernel, int stride,
                               int dilation, int groups, lm_act act) {
    char sub[LM_GRAPH_NAME_SIZE];
    snprintf(sub, sizeof sub, "%s.0", name);
    x = lm_graph_conv_dilated(g, sub, x, out_c, kernel, stride, dilation, groups, false);
    snprintf(sub, sizeof sub, "%s.1", name);
    lm_op_desc bn = {.kind = LM_OP_BATCHNORM};
    bn.bn.eps = BN_EPS;
    x = lm_graph_add(g, sub, bn, &x, 1);
    if (act == LM_ACT_NONE) return x;
    snprintf(sub, sizeof sub, "%s.2", name);
    return lm_graph_act(g, sub, x, act);
}

/* The backbone ("features" in torchvision) under `prefix`: stem, blocks, last 1x1 conv. With
 * `dilated` (LR-ASPP), the last stage's stride-2 block keeps stride 1 and every block of that stage
 * uses dilation 2 in its depthwise conv (output stride 16). When `low` is not NULL it receives the
 * output of the first block at output stride 8 (torchvision's lraspp "low" features, features[4] of
 * Large). Returns the last conv's output. */
static lm_tensor features(lm_graph *g, const char *prefix, const bneck *blocks, int count, double width, bool dilated,
                          lm_tensor *low) {
    char name[40];
    lm_graph_scope(g, "%s", prefix);
    lm_tensor x = conv_norm_act(g, "0", 0, adjust(blocks[0].in_c, width), 3, 2, 1, 1, LM_ACT_HSWISH);
    int strided = 0; /* stride-2 blocks so far: torchvision's C1, C2, ... */
    for (int i = 0; i < count; i++) {
        const bneck *b = &blocks[i];
        const int in_c = adjust(b->in_c, width), exp_c = adjust(b->exp_c, width), out_c = adjust(b->out_c, width);
        const lm_act act = b->hswish ? LM_ACT_HSWISH : LM_ACT_RELU;
        if (b->stride == 2) strided++;
        /* torchvision's dilated=True sets dilation 2 on the last stage (the blocks from the fourth
         * stride-2 one, C4, on); a dilated block's depthwise conv has stride 1. */
        const int dilation = dilated && strided >= 4 ? 2 : 1;
        const int stride = dilation > 1 ? 1 : b->stride;
        lm_graph_scope(g, "%s.%d", prefix, i + 1);
        lm_tensor y = x;
        int part = 0; /* index within torchvision's block Sequential */
        if (exp_c != in_c) {
            snprintf(name, sizeof name, "block.%d", part++);
            y = conv_norm_act(g, name, y, exp_c, 1, 1, 1, 1, act);
        }
        snprintf(name, sizeof name, "block.%d", part++);
        y = conv_norm_act(g, name, y, exp_c, b->kernel, stride, dilation, exp_c, act);
        if (b->se) {
            const int squeeze = lm_zoo_make_divisible(exp_c / 4, 8, 0);
            const int se = part++;
            snprintf(name, sizeof name, "block.%d.avgpool", se);
            lm_tensor s = lm_graph_global_avgpool(g, name, y);
            snprintf(name, sizeof name, "block.%d.fc1", se);
            s = lm_graph_conv(g, name, s, squeeze, 1, 1, 1, true);
            snprintf(name, sizeof name, "block.%d.activation", se);
            s = lm_graph_act(g, name, s, LM_ACT_RELU);
            snprintf(name, sizeof name, "block.%d.fc2", se);
            s = lm_graph_conv(g, name, s, exp_c, 1, 1, 1, true);
            snprintf(name, sizeof name, "block.%d.scale_activation", se);
            s = lm_graph_act(g, name, s, LM_ACT_HSIGMOID);
            snprintf(name, sizeof name, "block.%d.mul", se);
            y = lm_graph_mul(g, name, y, s);
        }
        snprintf(name, sizeof name, "block.%d", part++);
        y = conv_norm_act(g, name, y, out_c, 1, 1, 1, 1, LM_ACT_NONE);
        /* torchvision tests the configured stride, so a dilated stride-2 block has no residual */
        if (b->stride == 1 && in_c == out_c) y = lm_graph_add2(g, "add", x, y);
        x = y;
        if (low && b->stride == 2 && strided == 2) *low = x;
    }
    const int last_in = adjust(blocks[count - 1].out_c, width);
    lm_graph_scope(g, NULL);
    snprintf(name, sizeof name, "%s.%d", prefix, count + 1);
    return conv_norm_act(g, name, x, 6 * last_in, 1, 1, 1, 1, LM_ACT_HSWISH);
}

/* pool, FC to the scaled last_channel with bias, hard swish, (dropout), FC to the classes. */
static void classifier(lm_graph *g, lm_tensor x, int last_channel, int classes) {
    x = lm_graph_global_avgpool(g, "avgpool", x);
    x = lm_graph_fc(g, "classifier.0", x, last_channel, true);
    x = lm_graph_act(g, "classifier.1", x, LM_ACT_HSWISH);
    x = lm_graph_fc(g, "classifier.3", x, classes, true);
    lm_graph_output(g, x);
}

void lm_zoo_build_mobilenet_v3_large(lm_graph *g, const lm_zoo_net *net) {
    const int count = (int)(sizeof large / sizeof large[0]);
    const lm_tensor x = features(g, "features", large, count, net->width, false, NULL);
    classifier(g, x, adjust(1280, net->width), net->classes);
}

void lm_zoo_build_mobilenet_v3_small(lm_graph *g, const lm_zoo_net *net) {
    const int count = (int)(sizeof small / sizeof small[0]);
    const lm_tensor x = features(g, "features", small, count, net->width, false, NULL);
    classifier(g, x, adjust(1024, net->width), net->classes);
}

/* LR-ASPP (torchvision's LRASPPHead, inter_channels 128) on the dilated Large backbone: "low" is the
 * output of features[4] (40 channels, output stride 8), "high" the last conv's (960, output stride 16).
 * The paper's LR-ASPP pools with a large kernel and stride (49x49, stride 16x20) where torchvision
 * pools globally; torchvision is followed here. */
void lm_zoo_build_lraspp_mobilenet_v3_large(lm_graph *g, const lm_zoo_net *net) {
    const int count = (int)(sizeof large / sizeof large[0]);
    const int inter = 128;
    lm_tensor low = LM_NO_TENSOR;
    const lm_tensor high = features(g, "backbone", large, count, net->width, true, &low);

    lm_graph_scope(g, "classifier");
    lm_tensor x = lm_graph_conv(g, "cbr.0", high, inter, 1, 1, 1, false);
    x = lm_graph_batchnorm(g, "cbr.1", x); /* nn.BatchNorm2d's default eps 1e-5 */
    x = lm_graph_act(g, "cbr.2", x, LM_ACT_RELU);
    lm_tensor s = lm_graph_global_avgpool(g, "scale.0", high);
    s = lm_graph_conv(g, "scale.1", s, inter, 1, 1, 1, false);
    s = lm_graph_act(g, "scale.2", s, LM_ACT_SIGMOID);
    x = lm_graph_mul(g, "mul", x, s);
    const lm_shape low_shape = lm_graph_shape(g, low);
    x = lm_graph_resize(g, "resize", x, low_shape.h, low_shape.w, false);
    const lm_tensor low_out = lm_graph_conv(g, "low_classifier", low, net->classes, 1, 1, 1, true);
    const lm_tensor high_out = lm_graph_conv(g, "high_classifier", x, net->classes, 1, 1, 1, true);
    x = lm_graph_add2(g, "add", low_out, high_out);

    lm_graph_scope(g, NULL);
    const lm_shape in = lm_graph_shape(g, 0);
    x = lm_graph_resize(g, "resize", x, in.h, in.w, false);
    lm_graph_output(g, x);
}
