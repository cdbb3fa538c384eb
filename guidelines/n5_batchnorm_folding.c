/* N5: folding BatchNorm into the conv before it saves time (a claim of every inference runtime that
 * folds BatchNorm, TFLite's and the ShuffleNet V2 paper's "tensor fusion" among them; the paper's
 * Table 4 counts BatchNorm as nothing of its own).
 *
 * Choices (what the claim leaves open):
 * - G4's unit, c -> c/4 -> c/4 -> c with ReLU and shortcut on (g4_elementwise.c builds it: 1x1 conv
 *   c -> c/4, BatchNorm, ReLU; 3x3 conv c/4 -> c/4, BatchNorm, ReLU; 1x1 conv c/4 -> c, BatchNorm; add
 *   the unit's input; ReLU), stacked 10 times, input 1 x 56 x 56 x c, c = 32, 64, 128 at scale 1, 2,
 *   4 (Table 4's columns). Other scales: no cases.
 * - Group "c<c>": "folded" (rank 0, the default plan: each BatchNorm folded into its conv's weights,
 *   each ReLU fused into the conv or add before it) against "separate" (rank 1, separate_elementwise:
 *   every BatchNorm its own step). The plans have no switch for BatchNorm alone, so the separate plan
 *   also puts each ReLU in a step of its own; N6 measures what a fused ReLU costs, G4's rows what a
 *   separate one does. Same graph, same MAdds.
 * - No paper figures: the paper does not time BatchNorm.
 * - param[] as in G4: the width c, ReLU on, shortcut on, the inner width c/4. Node names as G4's. */
#include "guidelines/experiment.h"
#include "guidelines/g4_unit.h"

static int cases(int scale, lm_guideline_case *out, int max) {
    int n = 0;
    for (int separate = 0; separate < 2 && n < max; separate++)
        if (lm_g4_unit_case(scale, &out[n], separate ? "separate" : "folded",
                            separate ? "BatchNorm separate" : "BatchNorm folded", true, separate, separate))
            n++;
    return n;
}

const lm_guideline lm_guideline_n5 = {
    .id = "N5",
    .claim = LM_CLAIM_ORDER,
    .title = "BatchNorm folded into the conv is faster than BatchNorm as its own step",
    .prediction = "at equal MAdds, the bottleneck with BatchNorm folded is faster than with BatchNorm (and ReLU) "
                  "as separate steps",
    .source = "inference runtimes' BatchNorm folding; ShuffleNet V2 (arXiv 1807.11164) Section 2, tensor fusion",
    .cases = cases,
    .build = lm_g4_unit_build,
};
