/* N1: h-swish costs more than ReLU (MobileNet V3, arXiv 1905.02244, Section 5.2: h-swish is used only
 * in the second half of the network because its cost is higher at high resolution).
 *
 * Choices (the paper's text, and what it leaves open):
 * - A MobileNet V3-like unit without expansion or residual: 1x1 conv c -> c, BatchNorm, activation;
 *   depthwise 3x3 conv c -> c (stride 1, padding 1), BatchNorm, activation. 10 units are stacked. No
 *   conv has a bias (BatchNorm follows each).
 * - Input 1 x 28 x 28 x c: h-swish starts around 28 x 28 / 14 x 14 in MobileNet V3 (Large: the
 *   28x28x40 -> 14x14x80 block and after; Small: the 28x28x24 -> 14x14x40 block and after), so 28 x 28
 *   is the largest map it runs on there. c = 64 at scale 1 (MobileNet V3's widths at those layers are
 *   40 to 240; 64 is a round width between them), 128 at scale 2, 256 at scale 4. Other scales: no
 *   cases.
 * - The activation is ReLU (rank 0: the paper's reason for restricting h-swish predicts ReLU fastest)
 *   or h-swish, x * relu6(x + 3) / 6 (rank 1). The paper gives no latency for this comparison: no
 *   paper figures. Swapping the activation changes no MAdds.
 * - Each in two plans: group "fused_c<c>" (the default plan: BatchNorm folded into its conv, the
 *   activation fused into it; separate_elementwise false; TFLite, the paper's runtime, fuses the same
 *   way) and group "separate_c<c>" (every BatchNorm and activation its own step; separate_elementwise
 *   true), where the activations' own cost shows most.
 * - param[0] = c, param[1] = the activation (lm_act). Node names "block<i>.conv1", ".bn1", ".act1",
 *   ".dw", ".bn2", ".act2", i = 0..9. */
#include <stdio.h>

#include "guidelines/experiment.h"

#define BLOCKS 10
#define SIZE 28

typedef struct row {
    const char *id, *label;
    lm_act act;
    int rank;
} row;

static const row rows[2] = {
    {"relu", "ReLU", LM_ACT_RELU, 0},
    {"hswish", "h-swish", LM_ACT_HSWISH, 1},
};

static int cases(int scale, lm_guideline_case *out, int max) {
    if (scale != 1 && scale != 2 && scale != 4) return 0;
    const int c = 64 * scale;
    int n = 0;
    for (int plan = 0; plan < 2; plan++)
        for (int r = 0; r < 2 && n < max; r++) {
            lm_guideline_case *k = &out[n++];
            *k = (lm_guideline_case){.rank = rows[r].rank, .height = SIZE, .width = SIZE, .channels = c,
                                     .param = {c, (int)rows[r].act}, .separate_elementwise = plan == 1};
            snprintf(k->group, sizeof k->group, "%s_c%d", plan == 0 ? "fused" : "separate", c);
            snprintf(k->id, sizeof k->id, "%s/%s", k->group, rows[r].id);
            snprintf(k->label, sizeof k->label, "%s after 1x1 and dw 3x3 (c = %d, %s)", rows[r].label, c,
                     plan == 0 ? "fused" : "separate");
        }
    return n;
}

static void build(lm_graph *g, const lm_guideline_case *c) {
    const int width = c->param[0];
    const lm_act act = (lm_act)c->param[1];
    lm_tensor x = 0;
    for (int i = 0; i < BLOCKS; i++) {
        lm_graph_scope(g, "block%d", i);
        x = lm_graph_conv(g, "conv1", x, width, 1, 1, 1, false);
        x = lm_graph_batchnorm(g, "bn1", x);
        x = lm_graph_act(g, "act1", x, act);
        x = lm_graph_conv(g, "dw", x, width, 3, 1, width, false);
        x = lm_graph_batchnorm(g, "bn2", x);
        x = lm_graph_act(g, "act2", x, act);
    }
    lm_graph_scope(g, NULL);
    lm_graph_output(g, x);
}

const lm_guideline lm_guideline_n1 = {
    .id = "N1",
    .claim = LM_CLAIM_ORDER,
    .title = "h-swish costs more than ReLU",
    .prediction = "at equal MAdds, the unit with ReLU is faster than with h-swish, fused or separate",
    .source = "MobileNet V3 (arXiv 1905.02244) Section 5.2",
    .cases = cases,
    .build = build,
};
