/* GhostNet (Han et al., arXiv 1911.11907) at any width, following the official PyTorch code:
 * huawei-noah/ghostnet ghostnet_pytorch/ghostnet.py (classes GhostModule, GhostBottleneck,
 * SqueezeExcite, ConvBnAct, GhostNet; function ghostnet's cfgs). Layer names follow its modules.
 *
 * Conventions (see zoo.h and papers.md §9):
 * - MAdds = conv + FC multiply-adds (the FC classifier included); params = conv weights + biases +
 *   BatchNorm gamma and beta + FC weight and bias. BatchNorm is a separate node wherever the reference
 *   has one; dropout (before the classifier) is omitted.
 * - Padding is PyTorch's symmetric k//2 (lm_graph_conv's "same" padding).
 * - Ghost module (ratio 2, cheap op a 3x3 depthwise conv): a 1x1 conv to init = ceil(oup/2) channels,
 *   a depthwise 3x3 conv of those to init more, concatenated and cut to the first oup channels (a split
 *   whose second part is unused, only when 2*init > oup; with make_divisible(..., 4) widths it never is).
 * - Squeeze-and-excitation: global avgpool -> 1x1 conv with bias (reduce to make_divisible(mid/4, 4))
 *   -> ReLU -> 1x1 conv with bias -> hard_sigmoid, which the reference defines as relu6(x + 3) / 6
 *   (LM_ACT_HSIGMOID) -> multiply.
 * - Widths are _make_divisible(c * width, 4) (stem, expansions, outputs, the 960 final conv); the 1280
 *   head conv (1x1 with bias, ReLU, no BatchNorm, after the global pool) is not scaled.
 * - The official code's pooling precedes conv_head, so conv_head works on [n,1,1,960]. */
#include <stdio.h>

#include "bench/net/zoo.h"

/* One row of the official cfgs: kernel, expansion, output, SE ratio (0 or 0.25), stride. */
typedef struct {
    int k, exp, c;
    double se;
    int s;
} ghost_cfg;

/* The official cfgs, grouped into stages as there (blocks.<stage>.<index>). */
static const ghost_cfg stage0[] = {{3, 16, 16, 0, 1}};
static const ghost_cfg stage1[] = {{3, 48, 24, 0, 2}};
static const ghost_cfg stage2[] = {{3, 72, 24, 0, 1}};
static const ghost_cfg stage3[] = {{5, 72, 40, 0.25, 2}};
static const ghost_cfg stage4[] = {{5, 120, 40, 0.25, 1}};
static const ghost_cfg stage5[] = {{3, 240, 80, 0, 2}};
static const ghost_cfg stage6[] = {
    {3, 200, 80, 0, 1}, {3, 184, 80, 0, 1}, {3, 184, 80, 0, 1}, {3, 480, 112, 0.25, 1}, {3, 672, 112, 0.25, 1}};
static const ghost_cfg stage7[] = {{5, 672, 160, 0.25, 2}};
static const ghost_cfg stage8[] = {{5, 960, 160, 0, 1}, {5, 960, 160, 0.25, 1}, {5, 960, 160, 0, 1}, {5, 960, 160, 0.25, 1}};

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))
static const struct {
    const ghost_cfg *rows;
    int count;
} stages[] = {{stage0, COUNT(stage0)}, {stage1, COUNT(stage1)}, {stage2, COUNT(stage2)},
              {stage3, COUNT(stage3)}, {stage4, COUNT(stage4)}, {stage5, COUNT(stage5)},
              {stage6, COUNT(stage6)}, {stage7, COUNT(stage7)}, {stage8, COUNT(stage8)}};

/* GhostModule(inp, oup, kernel 1, ratio 2, dw 3, stride 1, relu). */
static lm_tensor ghost_module(lm_graph *g, const char *name, lm_tensor x, int oup, bool relu) {
    const int init = (oup + 1) / 2; /* ceil(oup / ratio) with ratio 2; new channels = init * (ratio - 1) */
    char n[LM_GRAPH_NAME_SIZE];
    lm_zoo_name(n, "%s.primary_conv", name);
    const lm_tensor x1 = lm_zoo_conv_bn(g, n, 0, x, init, 1, 1, 1, relu ? LM_ACT_RELU : LM_ACT_NONE);
    lm_zoo_name(n, "%s.cheap_operation", name);
    const lm_tensor x2 = lm_zoo_conv_bn(g, n, 0, x1, init, 3, 1, init, relu ? LM_ACT_RELU : LM_ACT_NONE);
    lm_zoo_name(n, "%s.cat", name);
    lm_tensor out = lm_graph_concat(g, n, (lm_tensor[]){x1, x2}, 2);
    if (2 * init > oup) { /* out[:, :oup] */
        lm_tensor parts[2];
        lm_zoo_name(n, "%s.slice", name);
        if (lm_graph_split(g, n, out, 2, (int[]){oup, 2 * init - oup}, parts) != 0) return LM_NO_TENSOR;
        out = parts[0];
    }
    return out;
}

/* SqueezeExcite(in_chs, se_ratio): reduce to _make_divisible(in_chs * se_ratio, 4). */
static lm_tensor squeeze_excite(lm_graph *g, const char *name, lm_tensor x, double se_ratio) {
    const int c = lm_graph_shape(g, x).c;
    const int reduced = lm_zoo_make_divisible(c * se_ratio, 4, 0);
    char n[LM_GRAPH_NAME_SIZE];
    lm_zoo_name(n, "%s.avg_pool", name);
    lm_tensor s = lm_graph_global_avgpool(g, n, x);
    lm_zoo_name(n, "%s.conv_reduce", name);
    s = lm_graph_conv(g, n, s, reduced, 1, 1, 1, true);
    lm_zoo_name(n, "%s.act1", name);
    s = lm_graph_act(g, n, s, LM_ACT_RELU);
    lm_zoo_name(n, "%s.conv_expand", name);
    s = lm_graph_conv(g, n, s, c, 1, 1, 1, true);
    lm_zoo_name(n, "%s.gate", name);
    s = lm_graph_act(g, n, s, LM_ACT_HSIGMOID);
    lm_zoo_name(n, "%s.mul", name);
    return lm_graph_mul(g, n, x, s);
}

/* GhostBottleneck(in_chs, mid_chs, out_chs, dw_kernel_size, stride, se_ratio). */
static lm_tensor ghost_bottleneck(lm_graph *g, const char *name, lm_tensor x, int mid, int out_c, int k, int stride,
                                  double se_ratio) {
    const int in_c = lm_graph_shape(g, x).c;
    char n[LM_GRAPH_NAME_SIZE];
    lm_zoo_name(n, "%s.ghost1", name);
    lm_tensor y = ghost_module(g, n, x, mid, true);
    if (stride > 1) {
        lm_zoo_name(n, "%s.conv_dw", name);
        y = lm_graph_conv(g, n, y, mid, k, stride, mid, false);
        lm_zoo_name(n, "%s.bn_dw", name);
        y = lm_graph_batchnorm(g, n, y);
    }
    if (se_ratio > 0) {
        lm_zoo_name(n, "%s.se", name);
        y = squeeze_excite(g, n, y, se_ratio);
    }
    lm_zoo_name(n, "%s.ghost2", name);
    y = ghost_module(g, n, y, out_c, false);
    lm_tensor shortcut = x;
    if (in_c != out_c || stride != 1) {
        lm_zoo_name(n, "%s.shortcut", name);
        shortcut = lm_zoo_conv_bn(g, n, 0, x, in_c, k, stride, in_c, LM_ACT_NONE);
        shortcut = lm_zoo_conv_bn(g, n, 2, shortcut, out_c, 1, 1, 1, LM_ACT_NONE);
    }
    lm_zoo_name(n, "%s.add", name);
    return lm_graph_add2(g, n, y, shortcut);
}

void lm_zoo_build_ghostnet(lm_graph *g, const lm_zoo_net *net) {
    const double width = net->width;
    int channels = lm_zoo_make_divisible(16 * width, 4, 0);
    lm_graph_scope(g, NULL);
    lm_tensor x = lm_graph_conv(g, "conv_stem", 0, channels, 3, 2, 1, false);
    x = lm_graph_batchnorm(g, "bn1", x);
    x = lm_graph_act(g, "act1", x, LM_ACT_RELU);

    int exp = 0;
    const int stage_count = COUNT(stages);
    for (int s = 0; s < stage_count; s++)
        for (int i = 0; i < stages[s].count; i++) {
            const ghost_cfg *c = &stages[s].rows[i];
            const int out_c = lm_zoo_make_divisible(c->c * width, 4, 0);
            const int mid = lm_zoo_make_divisible(c->exp * width, 4, 0);
            char name[LM_GRAPH_NAME_SIZE];
            lm_zoo_name(name, "blocks.%d.%d", s, i);
            x = ghost_bottleneck(g, name, x, mid, out_c, c->k, c->s, c->se);
            exp = c->exp;
        }
    /* The last stage: ConvBnAct 1x1 to _make_divisible(960 * width, 4). */
    char name[LM_GRAPH_NAME_SIZE];
    x = lm_graph_conv(g, lm_zoo_name(name, "blocks.%d.0.conv", stage_count), x, lm_zoo_make_divisible(exp * width, 4, 0),
                      1, 1, 1, false);
    x = lm_graph_batchnorm(g, lm_zoo_name(name, "blocks.%d.0.bn1", stage_count), x);
    x = lm_graph_act(g, lm_zoo_name(name, "blocks.%d.0.act1", stage_count), x, LM_ACT_RELU);

    x = lm_graph_global_avgpool(g, "global_pool", x);
    x = lm_graph_conv(g, "conv_head", x, 1280, 1, 1, 1, true);
    x = lm_graph_act(g, "act2", x, LM_ACT_RELU);
    x = lm_graph_fc(g, "classifier", x, net->classes, true);
    lm_graph_output(g, x);
}
