/* G4: element-wise operations are non-negligible (ShuffleNet V2, arXiv 1807.11164, Section 2, Table 4).
 *
 * Choices (the paper's text and caption, and what they leave open):
 * - The ResNet "bottleneck" unit, stacked 10 times: 1x1 conv 4c -> c, BatchNorm, ReLU; 3x3 conv c -> c
 *   (stride 1, padding 1), BatchNorm, ReLU; 1x1 conv c -> 4c, BatchNorm; the shortcut add of the unit's
 *   input; ReLU. These are ResNet's widths; the caption says only "c is the number of channels in
 *   unit". No conv has a bias (BatchNorm follows each).
 * - Input 1 x 56 x 56 x 4c. The paper does not state G4's input size; 56 x 56 is G1-G3's.
 * - Table 4's rows remove the ReLUs (all three) and the shortcut add, separately. Removing them
 *   removes no MAdds.
 * - Table 4's columns are channel counts, not multiples: c = 32, 64, 128 (GPU and CPU alike). Scale 1,
 *   2, 4 selects the first, second, third column, so a sweep over scales 1, 2, 4 reproduces the table.
 *   Other scales: no cases.
 * - Each of the four rows in two plans: group "fused_c<c>" (the default plan: BatchNorm folded into
 *   its conv, each ReLU fused into the conv or add before it; the shortcut add stays a step;
 *   separate_elementwise false) and group "separate_c<c>" (every BatchNorm and ReLU its own step;
 *   separate_elementwise true). Both carry Table 4's figures (paper_gpu batches/s, paper_arm images/s;
 *   the paper ran with "tensor fusion" on, so "fused" is the closer to its setup). Ranks: neither ReLU
 *   nor shortcut 0; ReLU only or shortcut only 1; both 2.
 * - Group "bn_c<c>": ReLU and shortcut on, "BatchNorm folded" (rank 0, the fused plan; Table 4's first
 *   row's figures) against "BatchNorm separate" (rank 1, separate_elementwise; no paper figure).
 * - param[0] = c, param[1] = ReLU on, param[2] = shortcut on. Node names "block<i>.conv1", ".bn1",
 *   ".relu1", ".conv2", ".bn2", ".relu2", ".conv3", ".bn3", ".add", ".relu3", i = 0..9. */
#include <stdio.h>

#include "guidelines/experiment.h"

#define BLOCKS 10
#define ROWS 4

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

static lm_guideline_case make(int c, const char *group, const char *id, const char *label, int relu, int shortcut,
                              int rank, bool separate) {
    lm_guideline_case k = {.rank = rank, .height = 56, .width = 56, .channels = 4 * c,
                           .param = {c, relu, shortcut}, .separate_elementwise = separate};
    snprintf(k.group, sizeof k.group, "%s_c%d", group, c);
    snprintf(k.id, sizeof k.id, "%s/%s", k.group, id);
    snprintf(k.label, sizeof k.label, "%s", label);
    return k;
}

static int cases(int scale, lm_guideline_case *out, int max) {
    const int column = scale == 1 ? 0 : scale == 2 ? 1 : scale == 4 ? 2 : -1;
    if (column < 0) return 0;
    const int c = widths[column];
    lm_guideline_case all[2 * ROWS + 2];
    int n = 0;
    for (int plan = 0; plan < 2; plan++)
        for (int r = 0; r < ROWS; r++) {
            const row *w = &rows[r];
            all[n] = make(c, plan == 0 ? "fused" : "separate", w->id, w->label, w->relu, w->shortcut, w->rank,
                          plan == 1);
            all[n].paper_gpu = w->paper_gpu[column];
            all[n].paper_arm = w->paper_cpu[column];
            n++;
        }
    all[n] = make(c, "bn", "folded", "BatchNorm folded", 1, 1, 0, false);
    all[n].paper_gpu = rows[0].paper_gpu[column];
    all[n].paper_arm = rows[0].paper_cpu[column];
    n++;
    all[n++] = make(c, "bn", "separate", "BatchNorm separate", 1, 1, 1, true);
    if (n > max) n = max < 0 ? 0 : max;
    for (int i = 0; i < n; i++) out[i] = all[i];
    return n;
}

static void build(lm_graph *g, const lm_guideline_case *c) {
    const int width = c->param[0];
    const bool relu = c->param[1], shortcut = c->param[2];
    lm_tensor x = 0;
    for (int i = 0; i < BLOCKS; i++) {
        lm_graph_scope(g, "block%d", i);
        lm_tensor y = lm_graph_conv(g, "conv1", x, width, 1, 1, 1, false);
        y = lm_graph_batchnorm(g, "bn1", y);
        if (relu) y = lm_graph_act(g, "relu1", y, LM_ACT_RELU);
        y = lm_graph_conv(g, "conv2", y, width, 3, 1, 1, false);
        y = lm_graph_batchnorm(g, "bn2", y);
        if (relu) y = lm_graph_act(g, "relu2", y, LM_ACT_RELU);
        y = lm_graph_conv(g, "conv3", y, 4 * width, 1, 1, 1, false);
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
    .title = "element-wise operations are non-negligible",
    .prediction = "removing the ReLUs or the shortcut add speeds the bottleneck up, removing both the most; "
                  "BatchNorm as separate steps is slower than folded",
    .source = "ShuffleNet V2 (arXiv 1807.11164) Table 4",
    .cases = cases,
    .build = build,
};
