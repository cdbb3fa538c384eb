/* G3: network fragmentation reduces the degree of parallelism (ShuffleNet V2, arXiv 1807.11164,
 * Section 2, Table 3, Appendix Fig. 1).
 *
 * Choices (the paper's text, caption and appendix figure, and what they leave open):
 * - Five blocks, per Appendix Fig. 1: 1-fragment (one 1x1 conv); 2- and 4-fragment in series (a chain
 *   of 1x1 convs); 2- and 4-fragment in parallel (the block's input fans out to n 1x1 convs whose
 *   outputs are merged by element-wise addition, n - 1 chained two-input adds). Each block is stacked
 *   10 times; input 1 x 56 x 56 x c' (the caption's 56 x 56; batch 1).
 * - No bias, no BatchNorm, no activation, no shortcut: the figure shows bare 1x1 convs.
 * - "c denotes the number of channels for 1-fragment", and the others are "adjusted so that the FLOPs
 *   is the same". Every conv of an n-fragment block is c' -> c' with c' = round(c / sqrt(n)): 2
 *   fragments c / 1.414 (128 -> 91, 64 -> 45), 4 fragments c / 2. The paper's rounding is not known;
 *   ours keeps MAdds within ~1.1% of the 1-fragment's. The parallel merge adds no MAdds.
 * - Table 3's columns are channel counts, not multiples: GPU c = 128, 256, 512 and CPU (the ARM
 *   Snapdragon 810) c = 64, 128, 256. Scale 1, 2, 4 selects the first, second, third column, so a
 *   sweep over scales 1, 2, 4 reproduces the table. Other scales: no cases.
 * - Groups "gpu_c<c>" (paper_gpu, batches/s) and "cpu_c<c>" (paper_arm, images/s). Ranks: 1-fragment
 *   0, 2-fragment (series and parallel) 1, 4-fragment 2: the paper predicts more fragments, slower
 *   (it makes no prediction between series and parallel).
 * - Parallel blocks are timed twice: branches one after the other, each on all threads (the plain
 *   plan), and "concurrent", the n convs of a block at once, each on one thread of the pool (the plan's
 *   concurrent_branches): so the effect of fragmentation on parallelism is measured, not assumed. With
 *   one thread both are the same. The n convs of a parallel block are added to the graph first, then
 *   the adds, so the plan sees them as one group of independent steps.
 * - param[0] = fragments n, param[1] = 1 for parallel, param[2] = c', param[3] = c. Node names
 *   "block<i>.conv<k>" (k = 1..n) and "block<i>.add<k>" (k = 1..n-1), i = 0..9. */
#include <stdbool.h>
#include <stdio.h>

#include "guidelines/experiment.h"

#define BLOCKS 10
#define KINDS 7

typedef struct block_kind {
    const char *id, *name;
    int fragments;
    int parallel;
    bool concurrent; /* the parallel branches at once, one per thread */
    int rank;
    double paper_gpu[3], paper_cpu[3]; /* Table 3: GPU c = 128, 256, 512; CPU c = 64, 128, 256 */
} block_kind;

static const block_kind kinds[KINDS] = {
    {"1_fragment", "1-fragment", 1, 0, false, 0, {2446, 1274, 434}, {40.2, 10.1, 2.3}},
    {"2_series", "2-fragment-series", 2, 0, false, 1, {1790, 909, 336}, {38.6, 10.1, 2.2}},
    {"4_series", "4-fragment-series", 4, 0, false, 2, {752, 745, 349}, {38.4, 10.1, 2.3}},
    {"2_parallel", "2-fragment-parallel", 2, 1, false, 1, {1537, 803, 320}, {33.4, 9.1, 2.2}},
    {"4_parallel", "4-fragment-parallel", 4, 1, false, 2, {691, 572, 292}, {35.0, 8.4, 2.1}},
    {"2_concurrent", "2-fragment-parallel, concurrent", 2, 1, true, 1, {1537, 803, 320}, {33.4, 9.1, 2.2}},
    {"4_concurrent", "4-fragment-parallel, concurrent", 4, 1, true, 2, {691, 572, 292}, {35.0, 8.4, 2.1}},
};

static const int gpu_c[3] = {128, 256, 512}, cpu_c[3] = {64, 128, 256};

/* round(c / sqrt(n)) in integers: the largest k with n k^2 <= c^2, plus one when c / sqrt(n) >= k + 1/2. */
static int fragment_width(int c, int n) {
    long long k = 0;
    while ((long long)n * (k + 1) * (k + 1) <= (long long)c * c) k++;
    if (4LL * c * c >= (long long)n * (2 * k + 1) * (2 * k + 1)) k++;
    return (int)k;
}

static int cases(int scale, lm_guideline_case *out, int max) {
    const int column = scale == 1 ? 0 : scale == 2 ? 1 : scale == 4 ? 2 : -1;
    if (column < 0) return 0;
    int n = 0;
    for (int s = 0; s < 2; s++)
        for (int k = 0; k < KINDS && n < max; k++) {
            const block_kind *b = &kinds[k];
            const int c1 = s == 0 ? gpu_c[column] : cpu_c[column];
            const int w = fragment_width(c1, b->fragments);
            lm_guideline_case *c = &out[n++];
            *c = (lm_guideline_case){.rank = b->rank, .height = 56, .width = 56, .channels = w,
                                     .concurrent_branches = b->concurrent, .param = {b->fragments, b->parallel, w, c1}};
            snprintf(c->group, sizeof c->group, "%s_c%d", s == 0 ? "gpu" : "cpu", c1);
            snprintf(c->id, sizeof c->id, "%s/%s", c->group, b->id);
            snprintf(c->label, sizeof c->label, "%s (c' = %d)", b->name, w);
            if (s == 0)
                c->paper_gpu = b->paper_gpu[column];
            else
                c->paper_arm = b->paper_cpu[column];
        }
    return n;
}

static void build(lm_graph *g, const lm_guideline_case *c) {
    const int fragments = c->param[0], parallel = c->param[1], w = c->param[2];
    char name[16];
    if (fragments < 1 || (parallel && fragments > 4)) {
        lm_graph_fail(g, "G3: %d fragments%s", fragments, parallel ? " in parallel (at most 4)" : "");
        return;
    }
    lm_tensor x = 0;
    for (int i = 0; i < BLOCKS; i++) {
        lm_graph_scope(g, "block%d", i);
        if (!parallel) {
            for (int k = 1; k <= fragments; k++) {
                snprintf(name, sizeof name, "conv%d", k);
                x = lm_graph_conv(g, name, x, w, 1, 1, 1, false);
            }
        } else {
            lm_tensor branch[4];
            for (int k = 1; k <= fragments; k++) {
                snprintf(name, sizeof name, "conv%d", k);
                branch[k - 1] = lm_graph_conv(g, name, x, w, 1, 1, 1, false);
            }
            x = branch[0];
            for (int k = 1; k < fragments; k++) {
                snprintf(name, sizeof name, "add%d", k);
                x = lm_graph_add2(g, name, x, branch[k]);
            }
        }
    }
    lm_graph_scope(g, NULL);
    lm_graph_output(g, x);
}

const lm_guideline lm_guideline_g3 = {
    .id = "G3",
    .claim = LM_CLAIM_ORDER,
    .title = "network fragmentation reduces the degree of parallelism",
    .prediction = "at equal MAdds, the more fragments the slower: 1-fragment fastest, then 2, then 4 "
                  "(series or parallel)",
    .source = "ShuffleNet V2 (arXiv 1807.11164) Table 3 and Appendix Fig. 1",
    .cases = cases,
    .build = build,
};
