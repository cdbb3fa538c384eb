/* U1: unit comparison at equal MAdds (ShuffleNet V2, arXiv 1807.11164, Appendix Table 1(b)).
 *
 * Choices (the paper's table and caption, and what they leave open):
 * - Four units, each stacked 10 times at stride 1; input 1 x 56 x 56 x w and 1 x 28 x 28 x w (the
 *   table's two resolutions; batch 1), w the unit's width (its input and output channels):
 *   - ShuffleNet V2 (Fig. 3c): channel split into halves, the first the identity, the second through
 *     1x1 conv (BN, ReLU), depthwise 3x3 (BN), 1x1 conv (BN, ReLU), all c/2 wide; concat (identity
 *     first); channel shuffle, 2 groups.
 *   - ShuffleNet V1 (its Fig. 2b, this paper's Fig. 3a), g = 3: 1x1 group conv w -> m (BN, ReLU),
 *     channel shuffle (3 groups), depthwise 3x3 (BN), 1x1 group conv m -> w (BN), add the input, ReLU.
 *     m = w / 4 rounded down (the Megvii code's output_channel // 4); w and m must divide by 3.
 *   - MobileNet V2 inverted residual, t = 6: 1x1 conv w -> 6w (BN, ReLU6), depthwise 3x3 (BN, ReLU6),
 *     1x1 conv 6w -> w (BN, linear), add the input. No rounding of 6w to a multiple of 8.
 *   - Xception: the paper's "Xception" is Light-Head R-CNN's light variant, whose unit is not defined
 *     anywhere we found; we take the classic Xception middle-flow unit: three times (ReLU, depthwise
 *     3x3, pointwise 1x1 w -> w, BN) in a row (the separable conv has no BN or ReLU inside), plus the
 *     identity shortcut added to the third BN's output. No ReLU after the add (the next unit begins
 *     with one).
 *   - ShuffleNet V2, merged: the ShuffleNet V2 unit with its concat, shuffle and the next unit's
 *     split as one operator (kernels/op.h's CONCAT_SHUFFLE_SPLIT), as the paper's Section 3 says its
 *     implementation runs them: block 0 splits the input, blocks 0-8 end in
 *     ".concat_shuffle_split" whose halves are the next block's two branches, block 9 ends in
 *     ".concat_shuffle" (the whole tensor, the stack's output). Same MAdds, params and output as
 *     the unmerged stack; less MAC.
 *   No conv has a bias.
 * - "c" is the ShuffleNet V2 unit's channel count; "the other units are adjusted to equal FLOPs", but
 *   the paper gives neither their widths nor its rounding. Per unit and pixel, MAdds are: ShuffleNet
 *   V2 c^2/2 + 9c/2; ShuffleNet V1 2wm/3 + 9m; MobileNet V2 12w^2 + 54w; Xception 3(w^2 + 9w). Each
 *   unit's w is the integer (under its divisibility rule) whose MAdds come closest to the ShuffleNet
 *   V2 unit's, the smaller on a tie. At c = 64, 128, 256: ShuffleNet V1 111, 219, 444 (MAdds -4.1%,
 *   -4.5%, -0.2%: the multiple-of-3 rule is coarse); MobileNet V2 12, 25, 51 and Xception 24, 50, 102
 *   (+1.7%, +0.9%, +0.1%).
 * - Table 1(b)'s columns are channel counts, not multiples: c = 64, 128, 256 for GPU and CPU alike.
 *   Scale 1, 2, 4 selects the first, second, third column. Other scales: no cases.
 * - Groups "s56_c<c>" and "s28_c<c>" (one per resolution); each case carries both the GPU figure
 *   (paper_gpu, batches/s, batch 1) and the CPU (ARM) figure (paper_arm, images/s), as printed
 *   (including the non-monotone GPU cells: Xception at 56 x 56 is 52 at c = 128 and 68 at c = 256).
 *   Ranks: ShuffleNet V2 0, merged or not; ShuffleNet V1, MobileNet V2 and Xception 1: the paper
 *   predicts the ShuffleNet V2 unit fastest and makes no prediction among the others. The merged case
 *   comes right after the unmerged one ("<group>/shufflenet_v2_merged", label "... merged ...") and
 *   carries the same paper figures: the table's ShuffleNet V2 row is one unit, which the paper's
 *   implementation ran merged (Section 3).
 * - param[0] = unit (0 ShuffleNet V2, 1 ShuffleNet V1, 2 MobileNet V2, 3 Xception, 4 ShuffleNet V2
 *   merged), param[1] = w,
 *   param[2] = c, param[3] = the unit's inner width (c/2, m, 6w, w). Node names, i = 0..9:
 *   ShuffleNet V2 "block<i>.split", ".conv1" (".conv1.bn", ".conv1.act"), ".dwconv" (".dwconv.bn"),
 *   ".conv2" (".conv2.bn", ".conv2.act"), ".concat", ".shuffle"; ShuffleNet V1 ".gconv1" (.bn, .act),
 *   ".shuffle", ".dwconv" (.bn), ".gconv2" (.bn), ".add", ".relu"; MobileNet V2 ".expand" (.bn, .act),
 *   ".dwconv" (.bn, .act), ".project" (.bn), ".add"; Xception ".relu<k>", ".dwconv<k>", ".pwconv<k>"
 *   (".pwconv<k>.bn"), k = 1..3, ".add". */
#include <stdio.h>

#include "guidelines/experiment.h"

#define BLOCKS 10
#define UNITS 5
#define GROUPS_V1 3
#define EXPANSION 6

enum { SHUFFLENET_V2, SHUFFLENET_V1, MOBILENET_V2, XCEPTION, SHUFFLENET_V2_MERGED };

/* The order of the cases in a group: the merged unit next to the unmerged one. */
static const int case_order[UNITS] = {SHUFFLENET_V2, SHUFFLENET_V2_MERGED, SHUFFLENET_V1, MOBILENET_V2, XCEPTION};

typedef struct unit_kind {
    const char *id;
    int rank;
    /* Appendix Table 1(b): GPU c = 64, 128, 256, then CPU c = 64, 128, 256; at 56 x 56 and 28 x 28 */
    double paper56[6], paper28[6];
} unit_kind;

static const unit_kind units[UNITS] = {
    {"shufflenet_v2", 0, {216, 142, 81, 34.8, 12.3, 3.9}, {407, 313, 237, 174.5, 53.4, 16.6}},
    {"shufflenet_v1", 1, {127, 73, 45, 24.3, 9.4, 3.0}, {298, 222, 60, 139.7, 43.9, 13.2}},
    {"mobilenet_v2", 1, {89, 125, 69, 25.8, 10.0, 3.0}, {381, 286, 189, 118.3, 46.2, 13.3}},
    {"xception", 1, {185, 52, 68, 27.0, 9.7, 3.1}, {254, 238, 169, 117.0, 45.8, 14.0}},
    {"shufflenet_v2_merged", 0, {216, 142, 81, 34.8, 12.3, 3.9}, {407, 313, 237, 174.5, 53.4, 16.6}}, /* = V2's */
};

static const int channels[3] = {64, 128, 256};
static const int sizes[2] = {56, 28};

/* The unit's inner width at width w (ShuffleNet V2: the branch; V1: the bottleneck; MobileNet V2: the
 * expansion); 0 when w is not allowed. */
static int inner_width(int unit, int w) {
    switch (unit) {
    case SHUFFLENET_V2:
    case SHUFFLENET_V2_MERGED: return w % 2 == 0 ? w / 2 : 0;
    case SHUFFLENET_V1: return w % GROUPS_V1 == 0 && (w / 4) % GROUPS_V1 == 0 ? w / 4 : 0;
    case MOBILENET_V2: return EXPANSION * w;
    default: return w;
    }
}

/* MAdds of one unit per output pixel at width w (inner width m). */
static long long unit_madds(int unit, long long w, long long m) {
    switch (unit) {
    case SHUFFLENET_V2:
    case SHUFFLENET_V2_MERGED: return 2 * m * m + 9 * m;
    case SHUFFLENET_V1: return 2 * w * m / GROUPS_V1 + 9 * m;
    case MOBILENET_V2: return 2 * w * m + 9 * m;
    default: return 3 * (w * w + 9 * w);
    }
}

/* The allowed width whose MAdds come closest to the ShuffleNet V2 unit's at c (the smaller on a tie). */
static int matched_width(int unit, int c) {
    if (unit == SHUFFLENET_V2 || unit == SHUFFLENET_V2_MERGED) return c;
    const long long target = unit_madds(SHUFFLENET_V2, c, c / 2);
    int best = 0;
    long long best_diff = 0;
    for (int w = 1; w <= 4 * c; w++) {
        const int m = inner_width(unit, w);
        if (m <= 0) continue;
        const long long d = unit_madds(unit, w, m) - target, diff = d < 0 ? -d : d;
        if (best == 0 || diff < best_diff) best = w, best_diff = diff;
    }
    return best;
}

static void make_label(char *label, size_t size, int unit, int w) {
    switch (unit) {
    case SHUFFLENET_V2: snprintf(label, size, "ShuffleNet V2 unit (c = %d)", w); break;
    case SHUFFLENET_V2_MERGED:
        snprintf(label, size, "ShuffleNet V2 unit, concat + shuffle + split merged (c = %d)", w);
        break;
    case SHUFFLENET_V1: snprintf(label, size, "ShuffleNet V1 unit (g = %d, c = %d)", GROUPS_V1, w); break;
    case MOBILENET_V2: snprintf(label, size, "MobileNet V2 unit (t = %d, c = %d)", EXPANSION, w); break;
    default: snprintf(label, size, "Xception unit (c = %d)", w); break;
    }
}

static int cases(int scale, lm_guideline_case *out, int max) {
    const int column = scale == 1 ? 0 : scale == 2 ? 1 : scale == 4 ? 2 : -1;
    if (column < 0) return 0;
    const int c = channels[column];
    int n = 0;
    for (int s = 0; s < 2; s++)
        for (int i = 0; i < UNITS && n < max; i++) {
            const int u = case_order[i];
            const unit_kind *k = &units[u];
            const int w = matched_width(u, c);
            lm_guideline_case *o = &out[n++];
            *o = (lm_guideline_case){.rank = k->rank, .height = sizes[s], .width = sizes[s], .channels = w,
                                     .param = {u, w, c, inner_width(u, w)}};
            snprintf(o->group, sizeof o->group, "s%d_c%d", sizes[s], c);
            snprintf(o->id, sizeof o->id, "%s/%s", o->group, k->id);
            make_label(o->label, sizeof o->label, u, w);
            const double *paper = s == 0 ? k->paper56 : k->paper28;
            o->paper_gpu = paper[column];
            o->paper_arm = paper[3 + column];
        }
    return n;
}

static lm_tensor shufflenet_v2(lm_graph *g, lm_tensor x, int half) {
    lm_tensor parts[2];
    if (lm_graph_split(g, "split", x, 2, (const int[]){half, half}, parts) != 0) return LM_NO_TENSOR;
    lm_tensor y = lm_graph_conv_bn_act(g, "conv1", parts[1], half, 1, 1, 1, LM_ACT_RELU);
    y = lm_graph_conv_bn_act(g, "dwconv", y, half, 3, 1, half, LM_ACT_NONE);
    parts[1] = lm_graph_conv_bn_act(g, "conv2", y, half, 1, 1, 1, LM_ACT_RELU);
    x = lm_graph_concat(g, "concat", parts, 2);
    return lm_graph_shuffle(g, "shuffle", x, 2);
}

/* The merged unit (see the top) on x[0], x[1]: the previous block's halves, or x[0] the whole input
 * and x[1] LM_NO_TENSOR; its `outputs` (2: halves, 1: whole) go to y. */
static void shufflenet_v2_merged(lm_graph *g, const lm_tensor x[2], int half, int outputs, lm_tensor y[2]) {
    lm_tensor parts[2] = {x[0], x[1]};
    y[0] = y[1] = LM_NO_TENSOR;
    if (x[1] == LM_NO_TENSOR && lm_graph_split(g, "split", x[0], 2, (const int[]){half, half}, parts) != 0) return;
    lm_tensor z = lm_graph_conv_bn_act(g, "conv1", parts[1], half, 1, 1, 1, LM_ACT_RELU);
    z = lm_graph_conv_bn_act(g, "dwconv", z, half, 3, 1, half, LM_ACT_NONE);
    parts[1] = lm_graph_conv_bn_act(g, "conv2", z, half, 1, 1, 1, LM_ACT_RELU);
    if (lm_graph_concat_shuffle_split(g, outputs == 2 ? "concat_shuffle_split" : "concat_shuffle", parts[0], parts[1],
                                      outputs, y) != 0)
        y[0] = y[1] = LM_NO_TENSOR;
}

static lm_tensor shufflenet_v1(lm_graph *g, lm_tensor x, int w, int mid) {
    lm_tensor y = lm_graph_conv_bn_act(g, "gconv1", x, mid, 1, 1, GROUPS_V1, LM_ACT_RELU);
    y = lm_graph_shuffle(g, "shuffle", y, GROUPS_V1);
    y = lm_graph_conv_bn_act(g, "dwconv", y, mid, 3, 1, mid, LM_ACT_NONE);
    y = lm_graph_conv_bn_act(g, "gconv2", y, w, 1, 1, GROUPS_V1, LM_ACT_NONE);
    y = lm_graph_add2(g, "add", y, x);
    return lm_graph_act(g, "relu", y, LM_ACT_RELU);
}

static lm_tensor mobilenet_v2(lm_graph *g, lm_tensor x, int w, int hidden) {
    lm_tensor y = lm_graph_conv_bn_act(g, "expand", x, hidden, 1, 1, 1, LM_ACT_RELU6);
    y = lm_graph_conv_bn_act(g, "dwconv", y, hidden, 3, 1, hidden, LM_ACT_RELU6);
    y = lm_graph_conv_bn_act(g, "project", y, w, 1, 1, 1, LM_ACT_NONE);
    return lm_graph_add2(g, "add", y, x);
}

static lm_tensor xception(lm_graph *g, lm_tensor x, int w) {
    char name[16];
    lm_tensor y = x;
    for (int k = 1; k <= 3; k++) {
        snprintf(name, sizeof name, "relu%d", k);
        y = lm_graph_act(g, name, y, LM_ACT_RELU);
        snprintf(name, sizeof name, "dwconv%d", k);
        y = lm_graph_conv(g, name, y, w, 3, 1, w, false);
        snprintf(name, sizeof name, "pwconv%d", k);
        y = lm_graph_conv_bn_act(g, name, y, w, 1, 1, 1, LM_ACT_NONE);
    }
    return lm_graph_add2(g, "add", y, x);
}

static void build(lm_graph *g, const lm_guideline_case *c) {
    const int unit = c->param[0], w = c->param[1], inner = c->param[3];
    if (unit < 0 || unit >= UNITS || w <= 0 || inner <= 0) {
        lm_graph_fail(g, "U1: unit %d at width %d (inner %d)", unit, w, inner);
        return;
    }
    lm_tensor x = 0, halves[2] = {0, LM_NO_TENSOR};
    for (int i = 0; i < BLOCKS; i++) {
        lm_graph_scope(g, "block%d", i);
        switch (unit) {
        case SHUFFLENET_V2: x = shufflenet_v2(g, x, inner); break;
        case SHUFFLENET_V2_MERGED:
            shufflenet_v2_merged(g, (lm_tensor[]){halves[0], halves[1]}, inner, i == BLOCKS - 1 ? 1 : 2, halves);
            x = halves[0];
            break;
        case SHUFFLENET_V1: x = shufflenet_v1(g, x, w, inner); break;
        case MOBILENET_V2: x = mobilenet_v2(g, x, w, inner); break;
        default: x = xception(g, x, w); break;
        }
    }
    lm_graph_scope(g, NULL);
    lm_graph_output(g, x);
}

const lm_guideline lm_guideline_u1 = {
    .id = "U1",
    .claim = LM_CLAIM_ORDER,
    .title = "unit comparison at equal MAdds (appendix Table 1(b))",
    .prediction = "at equal MAdds, the ShuffleNet V2 unit is the fastest; no order among the ShuffleNet V1 "
                  "(g = 3), MobileNet V2 and Xception units",
    .source = "ShuffleNet V2 (arXiv 1807.11164) Appendix Table 1(b)",
    .cases = cases,
    .build = build,
};
