/* AA: the A/A experiment, the run's noise floor. Each group holds one existing case twice, planned
 * and timed as two separate cases; both are the same network, so whatever difference the comparison
 * finds between them is the run's noise (the order the cases run in, the machine's drift), and the
 * other experiments' effects can be read against it.
 *
 * Choices:
 * - Scale 1 only (no cases at other scales): the floor of one run, measured once, on small networks.
 * - Two groups, two of the suite's cases of different kinds:
 *   - "g1_arm_x1": G1's ARM 1:1 case at scale 1 (10 blocks of two bare 1x1 convs 32 -> 32 at 56 x 56,
 *     the smallest of G1's cases: a short, memory-bound network);
 *   - "u1_s28_c64": U1's ShuffleNet V2 unit at 28 x 28, c = 64 (split, three convs with BatchNorm and
 *     ReLU, concat and shuffle: a unit of a real network).
 * - The cases "<group>/a" and "<group>/b" are the original case with a new id, group and label, rank
 *   0 both (the claim: they take the same time, LM_CLAIM_EQUIVALENT), and no paper figures; the input,
 *   params and plan flags are the original's, and build() forwards to the original experiment's, so
 *   the network is the one that experiment times. */
#include <stdio.h>
#include <string.h>

#include "guidelines/experiment.h"

typedef struct source {
    const char *group;     /* this experiment's group */
    const lm_guideline *e; /* the original experiment, at scale 1 */
    const char *id;        /* the original case */
} source;

static const source sources[2] = {
    {"g1_arm_x1", &lm_guideline_g1, "arm_x1/1_1"},
    {"u1_s28_c64", &lm_guideline_u1, "s28_c64/shufflenet_v2"},
};
#define SOURCES ((int)(sizeof sources / sizeof sources[0]))

/* The original case of sources[s] into *out; false when its experiment no longer lists it. */
static bool original(int s, lm_guideline_case *out) {
    lm_guideline_case all[LM_GUIDELINE_MAX_CASES];
    const int n = sources[s].e->cases(1, all, LM_GUIDELINE_MAX_CASES);
    for (int i = 0; i < n; i++)
        if (strcmp(all[i].id, sources[s].id) == 0) {
            *out = all[i];
            return true;
        }
    return false;
}

static int cases(int scale, lm_guideline_case *out, int max) {
    if (scale != 1) return 0;
    int n = 0;
    for (int s = 0; s < SOURCES; s++) {
        lm_guideline_case base;
        if (!original(s, &base)) continue;
        for (int copy = 0; copy < 2 && n < max; copy++) {
            lm_guideline_case *k = &out[n++];
            *k = base;
            k->rank = 0;
            k->paper_gpu = 0;
            k->paper_arm = 0;
            snprintf(k->group, sizeof k->group, "%s", sources[s].group);
            snprintf(k->id, sizeof k->id, "%s/%s", k->group, copy ? "b" : "a");
            snprintf(k->label, sizeof k->label, "%s %.40s, copy %s", sources[s].e->id, base.label, copy ? "b" : "a");
        }
    }
    return n;
}

static void build(lm_graph *g, const lm_guideline_case *c) {
    for (int s = 0; s < SOURCES; s++)
        if (strcmp(c->group, sources[s].group) == 0) {
            sources[s].e->build(g, c);
            return;
        }
    lm_graph_fail(g, "AA: no original for group '%s'", c->group);
}

const lm_guideline lm_guideline_aa = {
    .id = "AA",
    .claim = LM_CLAIM_EQUIVALENT,
    .noise_floor = true,
    .title = "A/A: one network timed twice (the run's noise floor)",
    .prediction = "the two copies of each case take the same time",
    .source = "G1 (arm_x1/1_1) and U1 (s28_c64/shufflenet_v2) at scale 1",
    .cases = cases,
    .build = build,
};
