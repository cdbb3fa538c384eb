/* ShuffleNet V2 (Ma et al., arXiv 1807.11164) at 0.5x, 1.0x, 1.5x and 2.0x, following torchvision
 * 0.14's models/shufflenetv2.py.
 *
 * Conventions (see zoo.h and bench/net/graph.h):
 * - MAdds = conv + FC multiply-adds (the FC classifier included); params = conv weights, BatchNorm
 *   gamma and beta, FC weight and bias. No conv has a bias.
 * - BatchNorm is a separate node exactly where torchvision has one; a plan folds it into the conv and
 *   fuses the activation.
 * - Padding is PyTorch's symmetric k//2; the max pool is 3x3 stride 2 padding 1.
 * - Channel split, concat and channel shuffle are separate nodes (the paper's Fig. 3 draws them as
 *   such; their cost is what Guideline G4 and the Concat/Split and Shuffle shares of Fig. 2's categories, as
 *   bench/net/layer_category.h names them, are about). The
 *   split is a real copy (lm_graph_split into two halves), as torchvision's x.chunk(2, dim=1) feeds
 *   a contiguous branch.
 * - Layer names are torchvision's module names: "conv1.0" (stem conv), "conv1.1" (its BatchNorm),
 *   "conv1.2" (its ReLU), "maxpool", "stage2.0.branch1.0" (the stride-2 unit's depthwise on the
 *   projection branch), "stage2.0.branch2.0" .. "stage2.0.branch2.7" (1x1, BN, ReLU, depthwise 3x3,
 *   BN, 1x1, BN, ReLU), "conv5.0/.1/.2", "fc". Nodes without a torchvision module: "stageN.i.split",
 *   "stageN.i.concat", "stageN.i.shuffle", "avgpool" (torchvision's x.mean([2, 3])).
 *
 * Structure (torchvision; the paper's Table 5): stem conv 3x3 stride 2 to 24, BN, ReLU; max pool;
 * stages 2, 3, 4 of 4, 8, 4 units, the first of each stride 2; conv5 1x1 to 1024 (2048 at 2.0x), BN,
 * ReLU; global average pool; FC with bias.
 * - Stride-2 unit (Fig. 3d): no split; branch1 = depthwise 3x3 s2, BN, 1x1 to oup/2, BN, ReLU;
 *   branch2 = 1x1 to oup/2, BN, ReLU, depthwise 3x3 s2, BN, 1x1, BN, ReLU; concat; shuffle (2 groups).
 * - Stride-1 unit (Fig. 3c): split into halves, x1 the identity, x2 through branch2 (1x1, BN, ReLU,
 *   depthwise 3x3, BN, 1x1, BN, ReLU, all oup/2 wide); concat (x1 first); shuffle (2 groups).
 * The official Megvii code differs in the stride-2 unit (its projection branch keeps inp channels and
 * the main branch outputs oup - inp), in doing the shuffle at the start of the next unit, and in an
 * FC without bias: see README.md. torchvision's 1.0x gives 144.91M MAdds and 2,278,604 params.
 *
 * The merged variants ("shufflenet_v2_x1_0_merged", ...; lm_zoo_merged): the same network, with each
 * unit's concat, shuffle and the next unit's split as one node (lm_graph_concat_shuffle_split), as the
 * paper's Section 3 says its implementation does. A unit followed by a stride-1 unit ends in
 * "stageN.i.concat_shuffle_split", whose two halves are the next unit's x1 and x2 (no split node
 * there); a stage's last unit, followed by a stride-2 unit or conv5 that take the whole tensor, ends in
 * "stageN.i.concat_shuffle" (one output). Same weights by node name, same output bit for bit (the
 * node only moves data), same MAdds and params, less MAC: per unit, the concat's and split's reads and
 * writes are gone. */
#include <stdbool.h>
#include <stdio.h>

#include "bench/net/zoo.h"

/* torchvision's _stages_out_channels: stage 2, 3, 4 and conv5 output channels per width. */
typedef struct widths {
    double width;
    int stem, stage[3], conv5;
} widths;

static const widths table[] = {
    {0.5, 24, {48, 96, 192}, 1024},
    {1.0, 24, {116, 232, 464}, 1024},
    {1.5, 24, {176, 352, 704}, 1024},
    {2.0, 24, {244, 488, 976}, 2048},
};

static const int repeats[3] = {4, 8, 4};

/* torchvision's branch2: 1x1 to half, depthwise 3x3 (stride), 1x1; BN after each, ReLU after the 1x1s. */
static lm_tensor branch2(lm_graph *g, lm_tensor x, int half, int stride) {
    x = lm_zoo_conv_bn(g, "branch2", 0, x, half, 1, 1, 1, LM_ACT_RELU);
    x = lm_zoo_conv_bn(g, "branch2", 3, x, half, 3, stride, half, LM_ACT_NONE);
    return lm_zoo_conv_bn(g, "branch2", 5, x, half, 1, 1, 1, LM_ACT_RELU);
}

/* The merged unit (see the top): x[0], x[1] are the halves the previous unit's merged node left, or
 * x[0] the whole input and x[1] LM_NO_TENSOR; writes its `outputs` (2: halves, 1: whole) to y. */
static void unit_merged(lm_graph *g, const lm_tensor x[2], int in_c, int out_c, int stride, int outputs,
                        lm_tensor y[2]) {
    const int half = out_c / 2;
    lm_tensor parts[2] = {x[0], x[1]};
    if (stride == 1) {
        if (x[1] == LM_NO_TENSOR && lm_graph_split(g, "split", x[0], 2, (const int[]){half, half}, parts) != 0) {
            y[0] = y[1] = LM_NO_TENSOR;
            return;
        }
        parts[1] = branch2(g, parts[1], half, 1);
    } else {
        lm_tensor b = lm_zoo_conv_bn(g, "branch1", 0, x[0], in_c, 3, stride, in_c, LM_ACT_NONE);
        parts[0] = lm_zoo_conv_bn(g, "branch1", 2, b, half, 1, 1, 1, LM_ACT_RELU);
        parts[1] = branch2(g, x[0], half, stride);
    }
    y[1] = LM_NO_TENSOR;
    if (lm_graph_concat_shuffle_split(g, outputs == 2 ? "concat_shuffle_split" : "concat_shuffle", parts[0], parts[1],
                                      outputs, y) != 0)
        y[0] = y[1] = LM_NO_TENSOR;
}

/* torchvision's InvertedResidual(inp, oup, stride), in the current scope ("stageN.i"). */
static lm_tensor unit(lm_graph *g, lm_tensor x, int in_c, int out_c, int stride) {
    const int half = out_c / 2;
    lm_tensor parts[2];
    if (stride == 1) {
        /* torchvision requires inp == oup here: x.chunk(2) gives two halves of `half` channels. */
        if (lm_graph_split(g, "split", x, 2, (const int[]){half, half}, parts) != 0) return LM_NO_TENSOR;
        parts[1] = branch2(g, parts[1], half, 1);
    } else {
        lm_tensor b = lm_zoo_conv_bn(g, "branch1", 0, x, in_c, 3, stride, in_c, LM_ACT_NONE);
        parts[0] = lm_zoo_conv_bn(g, "branch1", 2, b, half, 1, 1, 1, LM_ACT_RELU);
        parts[1] = branch2(g, x, half, stride);
    }
    x = lm_graph_concat(g, "concat", parts, 2);
    return lm_graph_shuffle(g, "shuffle", x, 2);
}

/* The stem, the units (merged or not) and the head. */
static void build(lm_graph *g, const lm_zoo_net *net, bool merged) {
    const widths *w = NULL;
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (table[i].width == net->width) w = &table[i];
    if (!w) { /* torchvision defines these four widths only */
        lm_graph_fail(g, "no channel table for width %g (torchvision has 0.5, 1.0, 1.5 and 2.0)", net->width);
        return;
    }

    lm_tensor x = lm_zoo_conv_bn(g, "conv1", 0, 0, w->stem, 3, 2, 1, LM_ACT_RELU);
    x = lm_graph_maxpool(g, "maxpool", x, 3, 2, 1);
    int in_c = w->stem;
    lm_tensor halves[2] = {x, LM_NO_TENSOR}; /* merged: the previous unit's outputs */
    for (int s = 0; s < 3; s++) {
        for (int i = 0; i < repeats[s]; i++) {
            lm_graph_scope(g, "stage%d.%d", s + 2, i);
            if (merged) {
                /* the stage's last unit feeds a stride-2 unit or conv5: the whole tensor */
                unit_merged(g, (lm_tensor[]){halves[0], halves[1]}, in_c, w->stage[s], i == 0 ? 2 : 1,
                            i == repeats[s] - 1 ? 1 : 2, halves);
                x = halves[0];
            } else {
                x = unit(g, x, in_c, w->stage[s], i == 0 ? 2 : 1);
            }
            in_c = w->stage[s];
        }
    }
    lm_graph_scope(g, NULL);
    x = lm_zoo_conv_bn(g, "conv5", 0, x, w->conv5, 1, 1, 1, LM_ACT_RELU);
    x = lm_graph_global_avgpool(g, "avgpool", x);
    x = lm_graph_fc(g, "fc", x, net->classes, true);
    lm_graph_output(g, x);
}

void lm_zoo_build_shufflenet_v2(lm_graph *g, const lm_zoo_net *net) { build(g, net, false); }

void lm_zoo_build_shufflenet_v2_merged(lm_graph *g, const lm_zoo_net *net) { build(g, net, true); }
