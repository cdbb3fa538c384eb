/* G4: element-wise operations are non-negligible (ShuffleNet V2, arXiv 1807.11164, Section 2, Table 4).
 *
 * Choices (the paper's text and caption, and what they leave open):
 * - The "bottleneck" unit, stacked 10 times, c -> c/4 -> c/4 -> c: 1x1 conv c -> c/4, BatchNorm, ReLU;
 *   3x3 conv c/4 -> c/4 (stride 1, padding 1), BatchNorm, ReLU; 1x1 conv c/4 -> c, BatchNorm; the
 *   shortcut add of the unit's input; ReLU. c is the unit's input and output width ("c is the number
 *   of channels in unit", the caption's only word on widths). No conv has a bias (BatchNorm follows
 *   each). Per unit and pixel: c^2/4 + 9 c^2/16 + c^2/4 = 17 c^2/16 MAdds.
 * - Why not ResNet's own widths (1x1 4c -> c, 3x3 c -> c, 1x1 c -> 4c, 17 c^2 MAdds per pixel, 16 times
 *   as many): Table 4's times cannot come from them. Checked with the paper's figures, at 56 x 56
 *   (G1-G3's input; Table 4 states none) and 2 FLOPs per MAdd:
 *   - The GPU figures are for batch 1. The paper does not state the batch of Tables 1-4, but Table 1's
 *     x4 1:1 column (10 x 2 1x1 convs 512 -> 512 at 56 x 56, 16.4 G MAdds, 232 batches/s) is 7.6
 *     TFLOP/s at batch 1 and 15.3 at batch 2, above the GTX 1080 Ti's ~11.3 TFLOP/s fp32 peak; Table
 *     2's x4 g = 1 column gives 7.2 at batch 1. (Fig. 1 and Table 8 use batch 8 on the GPU; these
 *     tables cannot.)
 *   - Read as 4c -> c -> c -> 4c, the unit at c = 128 is 8.73 G MAdds per image; at 1436 batches/s
 *     (ReLU and shortcut on) that is 25.1 TFLOP/s at batch 1, 2.2 times the GPU's peak (c = 64: 9.0,
 *     80% of it). On one Snapdragon 810 core, c = 32 is 546 M MAdds at 56.7 images/s: 61.9 GFLOP/s
 *     (c = 64: 73.8, c = 128: 87.3), where Tables 1 and 2's bare 1x1 convs run at 9.5 to 11.1
 *     (G1 ARM 1:1, G2 CPU g = 1, every column).
 *   - Read as c -> c/4 -> c/4 -> c: 34.1, 136.5 and 545.9 M MAdds at c = 32, 64, 128. GPU 0.17, 0.56,
 *     1.57 TFLOP/s (Tables 1-2's 1x1 convs: 2.5 to 7.6); ARM 3.9, 4.6, 5.5 GFLOP/s (under their ~10,
 *     as a unit with a 3x3 conv on c/4 channels and ten element-wise steps should be). Plausible on
 *     both.
 *   - The element-wise work per pixel and unit is 2.5c (ReLUs on c/4, c/4 and c; the add on c) against
 *     17 c^2/16 MAdds; the 4c reading has 10c against 17 c^2, so its element-wise share is 4 times
 *     smaller and the rows would differ less than the paper's ~20% (c = 32: 2842 / 2427 = 1.17 GPU,
 *     66.3 / 56.7 = 1.17 ARM).
 * - Input 1 x 56 x 56 x c. The paper does not state G4's input size; 56 x 56 is G1-G3's.
 * - Table 4's rows remove the ReLUs (all three) and the shortcut add, separately. Removing them
 *   removes no MAdds.
 * - Table 4's columns are channel counts, not multiples: c = 32, 64, 128 (GPU and CPU alike). Scale 1,
 *   2, 4 selects the first, second, third column, so a sweep over scales 1, 2, 4 reproduces the table.
 *   Other scales: no cases.
 * - Planned with every BatchNorm and ReLU as its own step (separate_elementwise): the paper removes
 *   the element-wise operations themselves, and only as steps of their own do they cost what Table 4
 *   measures. (Folded BatchNorm and fused ReLU are N5's and N6's questions.)
 * - Group "c<c>": the four rows with Table 4's figures (paper_gpu batches/s, paper_arm images/s).
 *   Ranks: neither ReLU nor shortcut 0; ReLU only or shortcut only 1; both 2.
 * - Group "resnet4c_c<c>": the same four rows and ranks on ResNet's 4c -> c -> c -> 4c unit (input
 *   1 x 56 x 56 x 4c), planned the same way, as a labelled variant. No paper figures: by the
 *   arithmetic above they are not this unit's, and carrying them would invite comparing with them.
 * - param[0] = the unit's input and output width (c; 4c in the variant), param[1] = ReLU on, param[2]
 *   = shortcut on, param[3] = the inner width (c/4; c in the variant). N5 and N6 build through this
 *   file with the same params. Node names "block<i>.conv1", ".bn1", ".relu1", ".conv2", ".bn2",
 *   ".relu2", ".conv3", ".bn3", ".add", ".relu3", i = 0..9. */
#include <stdio.h>

#include "guidelines/experiment.h"
#include "guidelines/g4_unit.h"

#define BLOCKS 10
#define ROWS 4
#define SIZE 56

typedef struct row {
    const char *id, *label;
    int relu, shortcut, rank;
    double paper_gpu[3], paper_cpu[3]; /* c = 32, 64, 128 */
} row;

static const row rows[ROWS] = {
    {"relu_shortcut", "ReLU yes, shortcut yes", 1, 1, 2, {2427, 2066, 1436}, {56.7, 16.9, 5.0}},
    {"relu", "ReLU yes, shortcut no", 1, 0, 1, {2647, 2256, 1735}, {61.9, 18.8, 5.2}},
    {"shortcut", "ReLU no, shortcut yes", 0, 1, 1, {2672, 2121, 1458}, {57.3, 18.2, 5.1}},
    {"none", "ReLU no, shortcut no", 0, 0, 0, {2842, 2376, 1782}, {66.3, 20.2, 5.4}},
};

static const int widths[3] = {32, 64, 128};

static int cases(int scale, lm_guideline_case *out, int max) {
    const int column = scale == 1 ? 0 : scale == 2 ? 1 : scale == 4 ? 2 : -1;
    if (column < 0) return 0;
    const int c = widths[column];
    int n = 0;
    for (int variant = 0; variant < 2; variant++)
        for (int r = 0; r < ROWS && n < max; r++) {
            const row *w = &rows[r];
            const int outer = variant ? 4 * c : c, inner = variant ? c : c / 4;
            lm_guideline_case *k = &out[n++];
            *k = (lm_guideline_case){.rank = w->rank, .height = SIZE, .width = SIZE, .channels = outer,
                                     .param = {outer, w->relu, w->shortcut, inner}, .separate_elementwise = true};
            snprintf(k->group, sizeof k->group, "%sc%d", variant ? "resnet4c_" : "", c);
            snprintf(k->id, sizeof k->id, "%s/%s", k->group, w->id);
            if (variant) {
                snprintf(k->label, sizeof k->label, "%s (ResNet %d-%d-%d-%d)", w->label, outer, inner, inner, outer);
            } else {
                snprintf(k->label, sizeof k->label, "%s", w->label);
                k->paper_gpu = w->paper_gpu[column];
                k->paper_arm = w->paper_cpu[column];
            }
        }
    return n;
}

bool lm_g4_unit_case(int scale, lm_guideline_case *k, const char *id, const char *what, bool relu,
                     bool separate_elementwise, int rank) {
    if (scale != 1 && scale != 2 && scale != 4) return false;
    const int c = widths[scale / 2]; /* 1, 2, 4 -> 0, 1, 2 */
    *k = (lm_guideline_case){.rank = rank, .height = SIZE, .width = SIZE, .channels = c, .param = {c, relu, 1, c / 4},
                             .separate_elementwise = separate_elementwise};
    snprintf(k->group, sizeof k->group, "c%d", c);
    snprintf(k->id, sizeof k->id, "%s/%s", k->group, id);
    snprintf(k->label, sizeof k->label, "bottleneck %d-%d-%d-%d, %s", c, c / 4, c / 4, c, what);
    return true;
}

void lm_g4_unit_build(lm_graph *g, const lm_guideline_case *c) {
    const int outer = c->param[0], inner = c->param[3];
    const bool relu = c->param[1], shortcut = c->param[2];
    if (outer <= 0 || inner <= 0) {
        lm_graph_fail(g, "G4: widths %d and %d", outer, inner);
        return;
    }
    lm_tensor x = 0;
    for (int i = 0; i < BLOCKS; i++) {
        lm_graph_scope(g, "block%d", i);
        lm_tensor y = lm_graph_conv(g, "conv1", x, inner, 1, 1, 1, false);
        y = lm_graph_batchnorm(g, "bn1", y);
        if (relu) y = lm_graph_act(g, "relu1", y, LM_ACT_RELU);
        y = lm_graph_conv(g, "conv2", y, inner, 3, 1, 1, false);
        y = lm_graph_batchnorm(g, "bn2", y);
        if (relu) y = lm_graph_act(g, "relu2", y, LM_ACT_RELU);
        y = lm_graph_conv(g, "conv3", y, outer, 1, 1, 1, false);
        y = lm_graph_batchnorm(g, "bn3", y);
        if (shortcut) y = lm_graph_add2(g, "add", y, x);
        if (relu) y = lm_graph_act(g, "relu3", y, LM_ACT_RELU);
        x = y;
    }
    lm_graph_scope(g, NULL);
    lm_graph_output(g, x);
}

const lm_guideline lm_guideline_g4 = {
    .id = "G4",
    .claim = LM_CLAIM_ORDER,
    .title = "element-wise operations are non-negligible",
    .prediction = "removing the ReLUs or the shortcut add speeds the bottleneck up, removing both the most",
    .source = "ShuffleNet V2 (arXiv 1807.11164) Table 4",
    .cases = cases,
    .build = lm_g4_unit_build,
};
