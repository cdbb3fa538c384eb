/* G2: excessive group convolution increases memory access cost (ShuffleNet V2, arXiv 1807.11164,
 * Section 2, Table 2).
 *
 * Choices (the paper's text and caption, and what it leaves open):
 * - 10 stacked 1x1 group convs, c -> c with g groups; input 1 x 56 x 56 x c (the caption's 56 x 56;
 *   batch 1). No bias, no BatchNorm, no activation (the paper says "pointwise group convolution
 *   layers" and nothing more).
 * - g = 1, 2, 4, 8 with the paper's x1 widths: GPU c = 128, 180, 256, 360; CPU (the ARM Snapdragon
 *   810) c = 64, 90, 128, 180. c^2 / g is only nearly constant (16384 / 16200 / ...), so MAdds within a
 *   group differ by up to ~1-4%.
 * - Scale 2 and 4 multiply every c (the paper's x2 and x4 columns). Other scales: no cases.
 * - One deviation: the paper's CPU x1 width for g = 8 is c = 180, which 8 groups do not divide. We
 *   round a width g does not divide up to the next multiple of g: 184 (c^2/g = 4232 against the
 *   target 4096; 176 would give 3872). Only CPU x1 g = 8 is affected; the label says so.
 * - Groups "gpu_x<scale>" (paper_gpu: Table 2's GPU column, batches/s) and "cpu_x<scale>"
 *   (paper_arm: its CPU column, images/s). Rank = index of g (0 for g = 1): the paper predicts the
 *   speed falls as g grows.
 * - Group "x32_x<scale>": our own iso-MAdds set with every channel count a multiple of 32, so that
 *   no width leaves a remainder to the kernels' register tiles: g = 1, 4, 16 at c = 128, 256, 512
 *   (c^2 / g = 16384 exactly: equal MAdds; 128, 64, 32 channels per group) at scale 1; scale 2 and 4
 *   multiply c as in the other groups. Ranks 0, 1, 2 by g. No paper figures (the paper has no such
 *   column).
 * - param[0] = c, param[1] = g. Node names "block<i>.conv", i = 0..9. */
#include <stdio.h>

#include "guidelines/experiment.h"

#define LAYERS 10
#define GROUPINGS 4

typedef struct width_set {
    const char *name; /* "gpu", "cpu" */
    int c[GROUPINGS];
    double paper[GROUPINGS][3]; /* x1, x2, x4 */
} width_set;

static const int group_count[GROUPINGS] = {1, 2, 4, 8};

static const width_set sets[2] = {
    {"gpu", {128, 180, 256, 360}, {{2451, 1289, 437}, {1725, 873, 341}, {1026, 644, 338}, {634, 445, 230}}},
    {"cpu", {64, 90, 128, 180}, {{40.0, 10.2, 2.3}, {35.0, 9.5, 2.2}, {32.9, 8.7, 2.1}, {27.8, 7.5, 1.8}}},
};

/* The x32 set: g and c at scale 1, c a multiple of 32 * g with c^2 / g = 16384. */
#define X32_GROUPINGS 3
static const int x32_g[X32_GROUPINGS] = {1, 4, 16}, x32_c[X32_GROUPINGS] = {128, 256, 512};

static int cases(int scale, lm_guideline_case *out, int max) {
    const int column = scale == 1 ? 0 : scale == 2 ? 1 : scale == 4 ? 2 : -1;
    if (column < 0) return 0;
    int n = 0;
    for (int s = 0; s < 2; s++)
        for (int r = 0; r < GROUPINGS && n < max; r++) {
            const width_set *set = &sets[s];
            const int g = group_count[r], paper_c = set->c[r] * scale;
            const int c_used = (paper_c + g - 1) / g * g;
            lm_guideline_case *c = &out[n++];
            *c = (lm_guideline_case){.rank = r, .height = 56, .width = 56, .channels = c_used, .param = {c_used, g}};
            snprintf(c->group, sizeof c->group, "%s_x%d", set->name, scale);
            snprintf(c->id, sizeof c->id, "%s/g%d", c->group, g);
            if (c_used == paper_c)
                snprintf(c->label, sizeof c->label, "g = %d, c = %d", g, c_used);
            else
                snprintf(c->label, sizeof c->label, "g = %d, c = %d (paper %d, not divisible by %d)", g, c_used,
                         paper_c, g);
            if (s == 0)
                c->paper_gpu = set->paper[r][column];
            else
                c->paper_arm = set->paper[r][column];
        }
    for (int r = 0; r < X32_GROUPINGS && n < max; r++) {
        const int g = x32_g[r], width = x32_c[r] * scale;
        lm_guideline_case *c = &out[n++];
        *c = (lm_guideline_case){.rank = r, .height = 56, .width = 56, .channels = width, .param = {width, g}};
        snprintf(c->group, sizeof c->group, "x32_x%d", scale);
        snprintf(c->id, sizeof c->id, "%s/g%d", c->group, g);
        snprintf(c->label, sizeof c->label, "g = %d, c = %d", g, width);
    }
    return n;
}

static void build(lm_graph *g, const lm_guideline_case *c) {
    lm_tensor x = 0;
    for (int i = 0; i < LAYERS; i++) {
        lm_graph_scope(g, "block%d", i);
        x = lm_graph_conv(g, "conv", x, c->param[0], 1, 1, c->param[1], false);
    }
    lm_graph_scope(g, NULL);
    lm_graph_output(g, x);
}

const lm_guideline lm_guideline_g2 = {
    .id = "G2",
    .claim = LM_CLAIM_ORDER,
    .title = "excessive group convolution increases memory access cost",
    .prediction = "at equal MAdds, the more groups the slower: g = 1 fastest, then 2, 4, 8",
    .source = "ShuffleNet V2 (arXiv 1807.11164) Table 2",
    .cases = cases,
    .build = build,
};
