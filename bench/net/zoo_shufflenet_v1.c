/* ShuffleNet V1 (Zhang et al., arXiv 1707.01083) with g = 1, 2, 3, 4, 8 groups at 0.5x, 1.0x, 1.5x
 * and 2.0x, following the official Megvii code (megvii-model/ShuffleNet-Series, ShuffleNetV1/network.py
 * and blocks.py), which publishes g = 3 and g = 8; g = 1, 2, 4 are derived the same way (below).
 *
 * Conventions (see zoo.h and bench/net/graph.h):
 * - MAdds = conv + FC multiply-adds (the FC classifier included, as in the Megvii README's FLOPs; the
 *   paper's Table 1 leaves it out at 1x); params = conv weights, BatchNorm gamma and beta, FC weight.
 *   No conv has a bias and the FC has none either (Megvii: Linear(..., bias=False)).
 * - BatchNorm is a separate node exactly where the Megvii code has one; a plan folds it into the conv
 *   and fuses the activation.
 * - Padding is PyTorch's symmetric k//2; the max pool is 3x3 stride 2 padding 1; the shortcut of a
 *   stride-2 unit is a 3x3 average pool, stride 2, padding 1. PyTorch's AvgPool2d counts the padded
 *   cells (count_include_pad=True); latmac's excludes them: timing is identical, only the border
 *   values differ.
 * - The classifier's pool is a global average pool (Megvii: AvgPool2d(7), the same at 224x224), so the
 *   network takes any resolution.
 * - Layer names are the Megvii module names: "first_conv.0/.1/.2" (stem conv, BN, ReLU), "maxpool",
 *   "features.5.branch_main_1.0" .. ".4" (1x1 group conv, BN, ReLU, depthwise 3x3, BN),
 *   "features.5.branch_main_2.0/.1" (1x1 group conv, BN), "features.0.branch_proj" (the average-pool
 *   shortcut), "classifier.0". Nodes without a module: "features.N.shuffle", "features.N.add",
 *   "features.N.relu", "features.N.concat", "globalpool".
 *
 * Unit (paper Fig. 2b/c; Megvii ShuffleV1Block): 1x1 group conv to mid (not grouped in the first unit
 * of stage 2), BN, ReLU, channel shuffle (g groups; none when g = 1), depthwise 3x3 (stride), BN, 1x1
 * group conv, BN. Stride 1: add the input, then ReLU. Stride 2: the 1x1 outputs oup - inp channels,
 * and the result is concat(avgpool(x), relu(main)).
 * - The shuffle sits where the paper draws it, right after the first 1x1 group conv's ReLU. The Megvii
 *   code shuffles after the depthwise conv's BatchNorm instead: the same thing, since depthwise conv
 *   and BatchNorm act per channel (only the order of the depthwise weights differs). The Megvii code's
 *   channel_shuffle reshapes to [c/g][g] before transposing, the inverse permutation of the paper's
 *   [g][c/g] (latmac's lm_graph_shuffle(x, g)); both are one full permutation of the same size, with
 *   identical cost.
 *
 * Channels:
 * - Stages 2, 3, 4 (4, 8, 4 units, the first of each stride 2): the paper's Table 1 for g (144/288/576,
 *   200/400/800, 240/480/960, 272/544/1088, 384/768/1536) times the width. This is exactly how the
 *   Megvii lists for g = 3 and g = 8 are made (0.5x: 120/240/480 and 192/384/768; 1.5x: 360/... and
 *   576/...; 2.0x: 480/... and 768/...); g = 1, 2, 4 are made the same way.
 * - Stem: the Megvii code's 12 (0.5x), 24 (1.0x), 24 (1.5x: not scaled), 48 (2.0x), which it raises to
 *   16 at 0.5x for g = 8; that is, rounded up to a multiple of g, so that the first unit's oup - inp
 *   divides by g. The same rule leaves 12/24/24/48 for g = 1, 2, 4.
 * - mid = oup / 4 (Megvii: output_channel // 4), which must divide by g (the second 1x1 is grouped).
 *   For g = 3 and 8 it always does; for g = 2 at 0.5x (25) and 1.5x (75), and g = 4 at 0.5x (34) and
 *   1.5x (102) it does not, and the Megvii code has no rounding: latmac rounds to the nearest multiple
 *   of g (lm_zoo_make_divisible, halves up: 26, 76, 36, 104). Every other count is unchanged. */
#include <math.h>
#include <stdio.h>

#include "bench/net/zoo.h"

static const int repeats[3] = {4, 8, 4};

/* The paper's Table 1: stage 2 output channels at 1x, per group count (stages 3 and 4 double it). */
static int stage2_channels(int groups) {
    switch (groups) {
    case 1: return 144;
    case 2: return 200;
    case 3: return 240;
    case 4: return 272;
    case 8: return 384;
    default: return 0;
    }
}

/* The Megvii code's stem channels per width (before rounding up to a multiple of g); 0: none. */
static int stem_channels(double width) {
    if (width == 0.5) return 12;
    if (width == 1.0) return 24;
    if (width == 1.5) return 24;
    if (width == 2.0) return 48;
    return 0;
}

/* Megvii's ShuffleV1Block(inp, oup, group, first_group, mid, ksize 3, stride), in the current scope
 * ("features.N"). */
static lm_tensor unit(lm_graph *g, lm_tensor x, int in_c, int out_c, int mid, int groups, bool first_group,
                      int stride) {
    const int main_c = stride == 2 ? out_c - in_c : out_c;
    lm_tensor y = lm_zoo_conv_bn(g, "branch_main_1", 0, x, mid, 1, 1, first_group ? 1 : groups, LM_ACT_RELU);
    if (groups > 1) y = lm_graph_shuffle(g, "shuffle", y, groups);
    y = lm_zoo_conv_bn(g, "branch_main_1", 3, y, mid, 3, stride, mid, LM_ACT_NONE);
    y = lm_zoo_conv_bn(g, "branch_main_2", 0, y, main_c, 1, 1, groups, LM_ACT_NONE);
    if (stride == 1) {
        y = lm_graph_add2(g, "add", y, x);
        return lm_graph_act(g, "relu", y, LM_ACT_RELU);
    }
    const lm_tensor proj = lm_graph_avgpool(g, "branch_proj", x, 3, 2, 1);
    y = lm_graph_act(g, "relu", y, LM_ACT_RELU);
    return lm_graph_concat(g, "concat", (const lm_tensor[]){proj, y}, 2);
}

void lm_zoo_build_shufflenet_v1(lm_graph *g, const lm_zoo_net *net) {
    const int groups = net->groups;
    const int base = stage2_channels(groups), stem = stem_channels(net->width);
    if (!base || !stem) { /* the paper defines g = 1, 2, 3, 4, 8 and the Megvii code 0.5x to 2.0x */
        lm_graph_fail(g, "no channel table for g %d at width %g", groups, net->width);
        return;
    }

    int in_c = (stem + groups - 1) / groups * groups;
    lm_tensor x = lm_zoo_conv_bn(g, "first_conv", 0, 0, in_c, 3, 2, 1, LM_ACT_RELU);
    x = lm_graph_maxpool(g, "maxpool", x, 3, 2, 1);
    int index = 0;
    for (int s = 0; s < 3; s++) {
        const int out_c = (int)lround(base * (1 << s) * net->width);
        const int mid = lm_zoo_make_divisible(out_c / 4, groups, 0);
        for (int i = 0; i < repeats[s]; i++, index++) {
            lm_graph_scope(g, "features.%d", index);
            x = unit(g, x, in_c, out_c, mid, groups, s == 0 && i == 0, i == 0 ? 2 : 1);
            in_c = out_c;
        }
    }
    lm_graph_scope(g, NULL);
    x = lm_graph_global_avgpool(g, "globalpool", x);
    x = lm_graph_fc(g, "classifier.0", x, net->classes, false);
    lm_graph_output(g, x);
}
