/* N4: the channel shuffle in a ShuffleNet V1 unit costs time (ShuffleNet V1, arXiv 1707.01083, Section 3.1
 * introduces the shuffle; ShuffleNet V2, arXiv 1807.11164, Figure 2 gives "Shuffle" 5% of ShuffleNet
 * V1's GPU time and 0% of its ARM time).
 *
 * Choices (the papers' text and code, and what they leave open):
 * - The ShuffleNet V1 stride-1 unit (paper Fig. 2b; Megvii ShuffleV1Block): 1x1 group conv c -> c/4
 *   with g = 3 groups, BatchNorm, ReLU; channel shuffle with 3 groups; depthwise 3x3 conv c/4 -> c/4
 *   (stride 1, padding 1), BatchNorm (no ReLU); 1x1 group conv c/4 -> c with 3 groups, BatchNorm; add
 *   the unit's input; ReLU. No conv has a bias. 10 units are stacked.
 * - Input 1 x 28 x 28 x c, c = 240 at scale 1 (stage 2 of ShuffleNet V1 1x, g = 3: 28 x 28, 240
 *   channels, bottleneck 60), 480 at scale 2, 960 at scale 4 (the 2x and 4x widths at stage 2's size).
 *   Other scales: no cases.
 * - The shuffle sits where the paper draws it, right after the first group conv's ReLU (as in
 *   bench/net/zoo_shufflenet_v1.c). Without it the network computes something else (each group sees only
 *   its own group's channels), but the MAdds are the same: the shuffle has none.
 * - Group "g3_c<c>": without the shuffle rank 0 (predicted faster: one data-movement step less per
 *   unit), with it rank 1. Default plan (BatchNorm folded, ReLU fused). No paper figures: Figure 2
 *   is for the whole network at 224 x 224, not this unit.
 * - param[0] = c, param[1] = shuffle on. Node names "block<i>.gconv1", ".bn1", ".relu1", ".shuffle",
 *   ".dw", ".bn2", ".gconv2", ".bn3", ".add", ".relu", i = 0..9. */
#include <stdio.h>

#include "guidelines/experiment.h"

#define BLOCKS 10
#define SIZE 28
#define GROUPS 3

static int cases(int scale, lm_guideline_case *out, int max) {
    if (scale != 1 && scale != 2 && scale != 4) return 0;
    const int c = 240 * scale;
    int n = 0;
    for (int shuffle = 0; shuffle < 2 && n < max; shuffle++) {
        lm_guideline_case *k = &out[n++];
        *k = (lm_guideline_case){.rank = shuffle, .height = SIZE, .width = SIZE, .channels = c,
                                 .param = {c, shuffle}};
        snprintf(k->group, sizeof k->group, "g%d_c%d", GROUPS, c);
        snprintf(k->id, sizeof k->id, "%s/%s", k->group, shuffle ? "shuffle" : "no_shuffle");
        snprintf(k->label, sizeof k->label, "ShuffleNet V1 unit g = %d, c = %d, mid %d, %s shuffle", GROUPS, c,
                 c / 4, shuffle ? "with" : "without");
    }
    return n;
}

static void build(lm_graph *g, const lm_guideline_case *c) {
    const int width = c->param[0], mid = width / 4;
    const bool shuffle = c->param[1];
    lm_tensor x = 0;
    for (int i = 0; i < BLOCKS; i++) {
        lm_graph_scope(g, "block%d", i);
        lm_tensor y = lm_graph_conv(g, "gconv1", x, mid, 1, 1, GROUPS, false);
        y = lm_graph_batchnorm(g, "bn1", y);
        y = lm_graph_act(g, "relu1", y, LM_ACT_RELU);
        if (shuffle) y = lm_graph_shuffle(g, "shuffle", y, GROUPS);
        y = lm_graph_conv(g, "dw", y, mid, 3, 1, mid, false);
        y = lm_graph_batchnorm(g, "bn2", y);
        y = lm_graph_conv(g, "gconv2", y, width, 1, 1, GROUPS, false);
        y = lm_graph_batchnorm(g, "bn3", y);
        y = lm_graph_add2(g, "add", y, x);
        x = lm_graph_act(g, "relu", y, LM_ACT_RELU);
    }
    lm_graph_scope(g, NULL);
    lm_graph_output(g, x);
}

const lm_guideline lm_guideline_n4 = {
    .id = "N4",
    .claim = LM_CLAIM_ORDER,
    .title = "the channel shuffle in a ShuffleNet V1 unit costs time",
    .prediction = "at equal MAdds, the unit without the channel shuffle is faster than with it",
    .source = "ShuffleNet V1 (arXiv 1707.01083) Section 3.1, Fig. 2; ShuffleNet V2 (arXiv 1807.11164) Figure 2",
    .cases = cases,
    .build = build,
};
