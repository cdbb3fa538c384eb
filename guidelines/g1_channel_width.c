/* G1: equal channel width minimizes memory access cost (ShuffleNet V2, arXiv 1807.11164, Section 2,
 * Table 1).
 *
 * Choices (the paper's text and caption, and what it leaves open):
 * - A block is two 1x1 convs, c1 -> c2 then c2 -> c1; 10 blocks are stacked (20 convs). Input
 *   1 x 56 x 56 x c1 (the caption's 56 x 56; batch 1).
 * - No bias, no BatchNorm, no activation: the paper's blocks are bare 1x1 convs (it does not say more).
 * - Four ratios c1:c2 = 1:1, 1:2, 1:6, 1:12 with the paper's channel pairs for x1: GPU (128,128)
 *   (90,180) (52,312) (36,432), ARM (32,32) (22,44) (13,78) (9,108). c1 * c2 is only nearly constant
 *   (GPU 16384 / 16200 / 16224 / 15552), so MAdds within a group differ by up to 5.3%.
 * - Scale 2 and 4 multiply every channel count (the paper's x2 and x4 columns; x1 is the only one it
 *   lists channels for). Other scales: no cases.
 * - Groups "gpu_x<scale>" (paper_gpu: Table 1's GPU column, batches/s) and "arm_x<scale>"
 *   (paper_arm: its ARM column, images/s). Rank 0 for 1:1 to 3 for 1:12: the paper predicts the
 *   speed falls as the ratio moves away from 1:1.
 * - Group "x32_x<scale>": our own iso-MAdds set with every channel count a multiple of 32, so that
 *   no width leaves a remainder to the kernels' register tiles: (c1, c2) = (128, 128), (64, 256),
 *   (32, 512) at scale 1, c1:c2 = 1:1, 1:4, 1:16, c1 * c2 = 16384 exactly (equal MAdds); scale 2 and 4
 *   multiply every channel count as in the other groups. Ranks 0, 1, 2 by ratio, as the paper predicts.
 *   No paper figures (the paper has no such column).
 * - param[0] = c1, param[1] = c2. Node names "block<i>.conv1", "block<i>.conv2", i = 0..9. */
#include <stdio.h>

#include "guidelines/experiment.h"

#define BLOCKS 10
#define RATIOS 4

typedef struct channel_set {
    const char *name; /* "gpu", "arm" */
    int c1[RATIOS], c2[RATIOS];
    double paper[RATIOS][3]; /* x1, x2, x4 */
} channel_set;

static const int ratio[RATIOS] = {1, 2, 6, 12};

static const channel_set sets[2] = {
    {"gpu", {128, 90, 52, 36}, {128, 180, 312, 432},
     {{1480, 723, 232}, {1296, 586, 206}, {876, 489, 189}, {748, 392, 163}}},
    {"arm", {32, 22, 13, 9}, {32, 44, 78, 108},
     {{76.2, 21.7, 5.3}, {72.9, 20.5, 5.1}, {69.1, 17.9, 4.6}, {57.6, 15.1, 4.4}}},
};

/* The x32 set: c1 and c2 at scale 1, multiples of 32 with c1 * c2 = 16384. */
#define X32_RATIOS 3
static const int x32_c1[X32_RATIOS] = {128, 64, 32}, x32_c2[X32_RATIOS] = {128, 256, 512};

static int cases(int scale, lm_guideline_case *out, int max) {
    const int column = scale == 1 ? 0 : scale == 2 ? 1 : scale == 4 ? 2 : -1;
    if (column < 0) return 0;
    int n = 0;
    for (int s = 0; s < 2; s++)
        for (int r = 0; r < RATIOS && n < max; r++) {
            const channel_set *set = &sets[s];
            const int c1 = set->c1[r] * scale, c2 = set->c2[r] * scale;
            lm_guideline_case *c = &out[n++];
            *c = (lm_guideline_case){.rank = r, .height = 56, .width = 56, .channels = c1, .param = {c1, c2}};
            snprintf(c->group, sizeof c->group, "%s_x%d", set->name, scale);
            snprintf(c->id, sizeof c->id, "%s/1_%d", c->group, ratio[r]);
            snprintf(c->label, sizeof c->label, "c1:c2 = 1:%d (%d, %d)", ratio[r], c1, c2);
            if (s == 0)
                c->paper_gpu = set->paper[r][column];
            else
                c->paper_arm = set->paper[r][column];
        }
    for (int r = 0; r < X32_RATIOS && n < max; r++) {
        const int c1 = x32_c1[r] * scale, c2 = x32_c2[r] * scale;
        lm_guideline_case *c = &out[n++];
        *c = (lm_guideline_case){.rank = r, .height = 56, .width = 56, .channels = c1, .param = {c1, c2}};
        snprintf(c->group, sizeof c->group, "x32_x%d", scale);
        snprintf(c->id, sizeof c->id, "%s/1_%d", c->group, x32_c2[r] / x32_c1[r]);
        snprintf(c->label, sizeof c->label, "c1:c2 = 1:%d (%d, %d)", x32_c2[r] / x32_c1[r], c1, c2);
    }
    return n;
}

static void build(lm_graph *g, const lm_guideline_case *c) {
    lm_tensor x = 0;
    for (int i = 0; i < BLOCKS; i++) {
        lm_graph_scope(g, "block%d", i);
        x = lm_graph_conv(g, "conv1", x, c->param[1], 1, 1, 1, false);
        x = lm_graph_conv(g, "conv2", x, c->param[0], 1, 1, 1, false);
    }
    lm_graph_scope(g, NULL);
    lm_graph_output(g, x);
}

const lm_guideline lm_guideline_g1 = {
    .id = "G1",
    .claim = LM_CLAIM_ORDER,
    .title = "equal channel width minimizes memory access cost",
    .prediction = "at equal MAdds, the closer c1:c2 is to 1:1 the faster: 1:1 fastest, then 1:2, 1:6, 1:12",
    .source = "ShuffleNet V2 (arXiv 1807.11164) Table 1",
    .cases = cases,
    .build = build,
};
