/* Guideline experiments: sweeps of small networks that put one of the ShuffleNet V2 paper's guidelines
 * (or a neighbouring paper's claim) to the test on this machine.
 *
 * An experiment lists its cases at a scale (the paper's x1, x2, x4: every channel count multiplied)
 * and builds each case's network with the graph API (bench/net/graph.h). Cases are compared within their
 * group (one column of the paper's table: a channel set at a scale); `rank` is the order the paper
 * predicts within the group (0 fastest). The paper's own numbers travel with each case. */
#ifndef LM_EXPERIMENT_H
#define LM_EXPERIMENT_H

#include <stdbool.h>

#include "bench/net/graph.h"

#define LM_GUIDELINE_MAX_CASES 64
#define LM_GUIDELINE_PARAMS 6

typedef struct lm_guideline_case {
    char id[64];    /* unique within the experiment and stable, used in case names: "arm_x1/1_2" */
    char label[64]; /* the row in words: "c1:c2 = 1:2 (22, 44)" */
    char group[32]; /* the cases compared with each other: "arm_x1" */
    int rank;       /* the paper's predicted order within the group: 0 fastest; equal ranks: no prediction */
    int height, width, channels; /* the input (batch 1) */
    int param[LM_GUIDELINE_PARAMS]; /* the experiment's own, e.g. c1 and c2 */
    bool separate_elementwise;      /* plan with every BatchNorm and activation as its own step (G4, N5) */
    bool concurrent_branches;       /* run independent branches at once, one per thread (G3) */
    double paper_gpu; /* the paper's GTX 1080Ti figure, batches/s; 0: none */
    double paper_arm; /* the paper's Snapdragon 810 figure, images/s; 0: none */
} lm_guideline_case;

/* What an experiment claims about its groups' times, which decides how they are compared
 * (guidelines/verdict.h; the rules in words: guidelines/README.md). */
typedef enum lm_claim {
    LM_CLAIM_ORDER,       /* a case of higher rank takes longer than one of lower rank (G1-G4, U1, N1, N4, N5) */
    LM_CLAIM_EQUIVALENT,  /* every case of a group takes the same time (a fused ReLU; the A/A noise floor) */
    LM_CLAIM_MADDS_RATIO, /* the time ratio of rank 1 to rank 0 is their MAdds ratio (N2, N3) */
} lm_claim;

typedef struct lm_guideline {
    const char *id;         /* "G1" */
    lm_claim claim;         /* LM_CLAIM_ORDER unless set */
    bool noise_floor;       /* an A/A experiment: its groups hold one case twice; their spread is the run's noise */
    const char *title;      /* "equal channel width minimizes memory access cost" */
    const char *prediction; /* the ordering the paper predicts, in words */
    const char *source;     /* where the setup and numbers come from: "ShuffleNet V2 Table 1" */
    /* Fills out[0..] with the cases at `scale` (1, 2 or 4); returns how many (at most max). */
    int (*cases)(int scale, lm_guideline_case *out, int max);
    /* Builds case c's network on g's input (tensor 0, 1 x height x width x channels) and marks its output. */
    void (*build)(lm_graph *g, const lm_guideline_case *c);
} lm_guideline;

/* The experiments, in order: G1 to G4, U1, N1 to N6, then the A/A noise floor AA. */
extern const lm_guideline *const lm_guidelines[];
extern const int lm_guideline_count;

/* The experiment named `id` ("G1"), or NULL. */
const lm_guideline *lm_guideline_find(const char *id);

/* A case's network, named "<experiment>/<case id>"; check lm_graph_error. NULL when out of memory. */
lm_graph *lm_guideline_build(const lm_guideline *e, const lm_guideline_case *c);

/* The experiments' definitions, one file each. */
extern const lm_guideline lm_guideline_g1; /* g1_channel_width.c */
extern const lm_guideline lm_guideline_g2; /* g2_group_conv.c */
extern const lm_guideline lm_guideline_g3; /* g3_fragmentation.c */
extern const lm_guideline lm_guideline_g4; /* g4_elementwise.c */
extern const lm_guideline lm_guideline_u1; /* u1_units.c: appendix Table 1(b) */
extern const lm_guideline lm_guideline_n1; /* n1_hswish.c: the neighbouring papers' claims */
extern const lm_guideline lm_guideline_n2; /* n2_squeeze_excite.c */
extern const lm_guideline lm_guideline_n3; /* n3_ghost_module.c */
extern const lm_guideline lm_guideline_n4; /* n4_shuffle_cost.c */
extern const lm_guideline lm_guideline_n5; /* n5_batchnorm_folding.c */
extern const lm_guideline lm_guideline_n6; /* n6_fused_relu.c */
extern const lm_guideline lm_guideline_aa; /* aa_noise_floor.c: the A/A noise floor */

#endif
