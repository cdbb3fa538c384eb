/* N3: a Ghost module's time falls as its MAdds do (GhostNet, arXiv 1911.11907, Section 3.1: with ratio
 * s = 2 the module's theoretical speed-up over the conv it replaces is about s).
 *
 * What the verdict tests (LM_CLAIM_MADDS_RATIO): the time ratio of the rank-1 case (the plain 1x1 conv)
 * to the rank-0 case (the Ghost module) against their MAdds ratio, madds(1x1) / madds(Ghost) =
 * 4c / (2c + 9): 1.87 at c = 64, 1.93 at 128, 1.97 at 256. The claim holds when the two ratios are equivalent within the
 * verdict's margin; a time ratio clearly below the MAdds ratio says how much of the saving the
 * depthwise conv, its BatchNorm and ReLU and the concat take back.
 *
 * Choices (the paper's code, and what it leaves open):
 * - The Ghost module as in the official code (huawei-noah/ghostnet GhostModule, ratio 2, dw_size 3,
 *   relu): a primary 1x1 conv to c channels, BatchNorm, ReLU; a cheap depthwise 3x3 conv on those c
 *   channels, BatchNorm, ReLU; the two concatenated to 2c channels. Against it: a 1x1 conv to 2c,
 *   BatchNorm, ReLU, the conv the module replaces. No conv has a bias.
 * - Both take 2c channels in, not c: a module from c to 2c cannot be stacked, and the paper uses the
 *   Ghost module as a drop-in for a conv of the same input and output (its VGG-16 and ResNet-56
 *   experiments). So the 1x1 conv is 2c -> 2c and the primary conv 2c -> c; 10 units are stacked.
 * - Input 1 x 56 x 56 x 2c, c = 64 at scale 1, 128 at scale 2, 256 at scale 4. Other scales: no
 *   cases.
 * - MAdds per pixel: 1x1 conv 4c^2, Ghost module 2c^2 + 9c, a ratio of (2c + 9) / 4c: 0.54 at c = 64,
 *   0.52 at 128, 0.51 at 256 (the depthwise conv's 9c is what keeps it above a half; each label
 *   states its ratio).
 * - Group "c<c>": the Ghost module rank 0 (about half the MAdds), the 1x1 conv rank 1.
 *   Default plan (BatchNorm folded, ReLU fused). No paper figures: the paper times whole networks, not
 *   the module.
 * - param[0] = c, param[1] = Ghost module on. Node names "block<i>.conv", ".bn", ".relu" (1x1 conv);
 *   "block<i>.primary", ".primary.bn", ".primary.relu", ".cheap", ".cheap.bn", ".cheap.relu", ".cat"
 *   (Ghost module), i = 0..9. */
#include <stdio.h>

#include "guidelines/experiment.h"

#define BLOCKS 10
#define SIZE 56

static int cases(int scale, lm_guideline_case *out, int max) {
    if (scale != 1 && scale != 2 && scale != 4) return 0;
    const int c = 64 * scale;
    const double ratio = (2.0 * c + 9.0) / (4.0 * c); /* Ghost MAdds / 1x1 MAdds */
    int n = 0;
    for (int ghost = 1; ghost >= 0 && n < max; ghost--) {
        lm_guideline_case *k = &out[n++];
        *k = (lm_guideline_case){.rank = !ghost, .height = SIZE, .width = SIZE, .channels = 2 * c,
                                 .param = {c, ghost}};
        snprintf(k->group, sizeof k->group, "c%d", c);
        snprintf(k->id, sizeof k->id, "%s/%s", k->group, ghost ? "ghost" : "conv1x1");
        if (ghost)
            snprintf(k->label, sizeof k->label, "Ghost %d -> %d + dw 3x3 -> %d (MAdds x%.2f, ~half)", 2 * c, c,
                     2 * c, ratio);
        else
            snprintf(k->label, sizeof k->label, "1x1 conv %d -> %d (MAdds x1.00)", 2 * c, 2 * c);
    }
    return n;
}

static void build(lm_graph *g, const lm_guideline_case *c) {
    const int width = c->param[0];
    const bool ghost = c->param[1];
    lm_tensor x = 0;
    for (int i = 0; i < BLOCKS; i++) {
        lm_graph_scope(g, "block%d", i);
        if (ghost) {
            lm_tensor primary = lm_graph_conv(g, "primary", x, width, 1, 1, 1, false);
            primary = lm_graph_batchnorm(g, "primary.bn", primary);
            primary = lm_graph_act(g, "primary.relu", primary, LM_ACT_RELU);
            lm_tensor cheap = lm_graph_conv(g, "cheap", primary, width, 3, 1, width, false);
            cheap = lm_graph_batchnorm(g, "cheap.bn", cheap);
            cheap = lm_graph_act(g, "cheap.relu", cheap, LM_ACT_RELU);
            x = lm_graph_concat(g, "cat", (lm_tensor[]){primary, cheap}, 2);
        } else {
            x = lm_graph_conv(g, "conv", x, 2 * width, 1, 1, 1, false);
            x = lm_graph_batchnorm(g, "bn", x);
            x = lm_graph_act(g, "relu", x, LM_ACT_RELU);
        }
    }
    lm_graph_scope(g, NULL);
    lm_graph_output(g, x);
}

const lm_guideline lm_guideline_n3 = {
    .id = "N3",
    .claim = LM_CLAIM_MADDS_RATIO,
    .title = "a Ghost module's time falls as its MAdds do",
    .prediction = "the time ratio of the 1x1 conv to the Ghost module that replaces it equals their MAdds ratio "
                  "(4c / (2c + 9): 1.87 at c = 64)",
    .source = "GhostNet (arXiv 1911.11907) Section 3.1; huawei-noah/ghostnet GhostModule",
    .cases = cases,
    .build = build,
};
