/* N2: a squeeze-and-excitation block costs about its MAdds share (MobileNet V3, arXiv 1905.02244, its SE
 * bottleneck; GhostNet, arXiv 1911.11907, uses the same SE). Both papers put SE in many blocks as a cheap
 * addition: it adds few MAdds (about 0.1% here).
 *
 * What the verdict tests (LM_CLAIM_MADDS_RATIO): the time ratio of the rank-1 case (with SE) to the
 * rank-0 case (without SE) against their MAdds ratio, madds(with SE) / madds(without SE), about
 * 1.001: the claim holds when the two ratios are equivalent within the verdict's margin, so when SE
 * costs about what its MAdds say, that is almost nothing. SE's global pool, which must read the
 * whole map before the gate exists, and its broadcast multiply over the map have no MAdds; a time
 * ratio clearly above the MAdds ratio is their cost.
 *
 * Choices (the papers' text and code, and what they leave open):
 * - A MobileNet V3 bottleneck (torchvision's InvertedResidual with use_se, stride 1, ReLU): 1x1 conv
 *   c -> 4c, BatchNorm, ReLU; depthwise 3x3 conv 4c -> 4c, BatchNorm, ReLU; [SE: global average pool,
 *   1x1 conv 4c -> c with bias, ReLU, 1x1 conv c -> 4c with bias, hard-sigmoid relu6(x + 3) / 6,
 *   multiply onto the depthwise output]; 1x1 conv 4c -> c, BatchNorm (linear); add the block's input.
 *   10 blocks are stacked. The squeeze width c is 1/4 of the expansion (the paper's "fixed to be 1/4
 *   of the number of channels in expansion layer"; torchvision's _make_divisible(4c / 4, 8) = c for
 *   every c here).
 * - Input 1 x 28 x 28 x c, c = 40 at scale 1 (MobileNet V3-Large's 28x28x40 SE blocks), 80 at scale
 *   2, 160 at scale 4. Other scales: no cases. Those blocks expand 3x with a 5x5 depthwise conv; here
 *   the expansion is 4x and the depthwise 3x3, for a plain, round block.
 * - Group "c<c>": without SE (rank 0) and with SE (rank 1); the MAdds SE adds are 2 x 4c x c per
 *   block against 784 x (8c^2 + 36c), about 0.1%. Default plan (BatchNorm folded, activations
 *   fused). No paper figures: neither paper times SE on its own.
 * - param[0] = c, param[1] = SE on. Node names "block<i>.expand", ".bn1", ".relu1", ".dw", ".bn2",
 *   ".relu2", ".se.pool", ".se.fc1", ".se.relu", ".se.fc2", ".se.gate", ".se.mul", ".project", ".bn3",
 *   ".add", i = 0..9. */
#include <stdio.h>

#include "guidelines/experiment.h"

#define BLOCKS 10
#define SIZE 28

static int cases(int scale, lm_guideline_case *out, int max) {
    if (scale != 1 && scale != 2 && scale != 4) return 0;
    const int c = 40 * scale;
    int n = 0;
    for (int se = 0; se < 2 && n < max; se++) {
        lm_guideline_case *k = &out[n++];
        *k = (lm_guideline_case){.rank = se, .height = SIZE, .width = SIZE, .channels = c, .param = {c, se}};
        snprintf(k->group, sizeof k->group, "c%d", c);
        snprintf(k->id, sizeof k->id, "%s/%s", k->group, se ? "se" : "no_se");
        snprintf(k->label, sizeof k->label, "bottleneck %d -> %d -> %d, %s", c, 4 * c, c,
                 se ? "with SE (squeeze to c)" : "without SE");
    }
    return n;
}

static void build(lm_graph *g, const lm_guideline_case *c) {
    const int width = c->param[0], expanded = 4 * width;
    const bool se = c->param[1];
    lm_tensor x = 0;
    for (int i = 0; i < BLOCKS; i++) {
        lm_graph_scope(g, "block%d", i);
        lm_tensor y = lm_graph_conv(g, "expand", x, expanded, 1, 1, 1, false);
        y = lm_graph_batchnorm(g, "bn1", y);
        y = lm_graph_act(g, "relu1", y, LM_ACT_RELU);
        y = lm_graph_conv(g, "dw", y, expanded, 3, 1, expanded, false);
        y = lm_graph_batchnorm(g, "bn2", y);
        y = lm_graph_act(g, "relu2", y, LM_ACT_RELU);
        if (se) {
            lm_tensor s = lm_graph_global_avgpool(g, "se.pool", y);
            s = lm_graph_conv(g, "se.fc1", s, width, 1, 1, 1, true);
            s = lm_graph_act(g, "se.relu", s, LM_ACT_RELU);
            s = lm_graph_conv(g, "se.fc2", s, expanded, 1, 1, 1, true);
            s = lm_graph_act(g, "se.gate", s, LM_ACT_HSIGMOID);
            y = lm_graph_mul(g, "se.mul", y, s);
        }
        y = lm_graph_conv(g, "project", y, width, 1, 1, 1, false);
        y = lm_graph_batchnorm(g, "bn3", y);
        x = lm_graph_add2(g, "add", y, x);
    }
    lm_graph_scope(g, NULL);
    lm_graph_output(g, x);
}

const lm_guideline lm_guideline_n2 = {
    .id = "N2",
    .claim = LM_CLAIM_MADDS_RATIO,
    .title = "a squeeze-and-excitation block costs about its MAdds share",
    .prediction = "the time ratio with / without SE equals their MAdds ratio (about 1.001): SE costs little",
    .source = "MobileNet V3 (arXiv 1905.02244) SE bottleneck; GhostNet (arXiv 1911.11907)",
    .cases = cases,
    .build = build,
};
