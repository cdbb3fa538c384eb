/* N6: a ReLU fused into the conv before it costs nothing (it is a clamp of the accumulator registers
 * before they are stored: no extra pass over memory). The other side of G4: Table 4 measures ReLUs
 * as steps of their own.
 *
 * Choices (what the claim leaves open):
 * - G4's unit, c -> c/4 -> c/4 -> c with the shortcut on (g4_elementwise.c builds it: 1x1 conv c ->
 *   c/4, BatchNorm, ReLU; 3x3 conv c/4 -> c/4, BatchNorm, ReLU; 1x1 conv c/4 -> c, BatchNorm; add the
 *   unit's input; ReLU), stacked 10 times, input 1 x 56 x 56 x c, c = 32, 64, 128 at scale 1, 2, 4
 *   (Table 4's columns). Other scales: no cases.
 * - The default plan (separate_elementwise false): each BatchNorm folded into its conv, the first two
 *   ReLUs fused into their convs and the third into the shortcut add. So the two cases run the same
 *   steps, with the clamp or without.
 * - Group "c<c>": "relu" (the three ReLUs) and "no_relu" (none), both rank 0: the claim is that they
 *   take the same time (LM_CLAIM_EQUIVALENT), not an order. Same MAdds.
 * - No paper figures: Table 4's ReLU rows are G4's (planned with every ReLU a step of its own); the
 *   paper does not say which of its ReLUs its tensor fusion fused.
 * - param[] as in G4: the width c, ReLU on, shortcut on, the inner width c/4. Node names as G4's. */
#include "guidelines/experiment.h"
#include "guidelines/g4_unit.h"

static int cases(int scale, lm_guideline_case *out, int max) {
    int n = 0;
    for (int relu = 1; relu >= 0 && n < max; relu--)
        if (lm_g4_unit_case(scale, &out[n], relu ? "relu" : "no_relu", relu ? "ReLU fused" : "no ReLU", relu, false, 0))
            n++;
    return n;
}

const lm_guideline lm_guideline_n6 = {
    .id = "N6",
    .claim = LM_CLAIM_EQUIVALENT,
    .title = "a ReLU fused into the conv costs nothing",
    .prediction = "the bottleneck with its ReLUs fused takes the same time as without them",
    .source = "G4's unit (ShuffleNet V2, arXiv 1807.11164, Table 4) in the fused plan; inference runtimes' "
              "activation fusion",
    .cases = cases,
    .build = lm_g4_unit_build,
};
