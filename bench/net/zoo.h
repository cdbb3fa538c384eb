/* The model zoo: every network the ShuffleNet V2 paper and its neighbours discuss, as graphs.
 *
 * Each entry is one family at one width (and group count); lm_zoo_build makes its graph at any batch
 * and input resolution. Names follow torchvision where torchvision has the network
 * ("shufflenet_v2_x1_0", "mobilenet_v2", "mobilenet_v3_large") and otherwise family, group count,
 * width ("shufflenet_v1_g3_x1_0", "mobilenet_v2_x0_75", "ghostnet_x1_3"); torchvision's names are
 * also found with an "_x1_0" suffix ("mobilenet_v2_x1_0").
 *
 * Each family is built by one file (zoo_<family>.c) following one reference implementation, named in
 * the entry's `reference`; where implementations differ, README.md says which and why. */
#ifndef LM_ZOO_H
#define LM_ZOO_H

#include <stddef.h>
#include <stdint.h>

#include "bench/net/graph.h"

typedef struct lm_zoo_net lm_zoo_net;

/* Builds `net`'s layers on g's input (tensor 0) and marks its outputs. Errors stay in the graph. */
typedef void (*lm_zoo_build_fn)(lm_graph *g, const lm_zoo_net *net);

struct lm_zoo_net {
    const char *name;      /* "shufflenet_v2_x1_0" */
    const char *family;    /* "shufflenet_v2" */
    double width;          /* the width multiplier: 1.0, 0.75, ... */
    int groups;            /* ShuffleNet V1's group count; 0 elsewhere */
    int classes;           /* classifier outputs (1000; 21 for the segmentation head) */
    lm_zoo_build_fn build;
    const char *reference; /* the implementation followed, e.g. "torchvision 0.14 shufflenetv2.py" */
    /* A published count for this exact structure (0: none published), and where it is from. The
     * tests hold latmac to them: params exactly, MAdds (conv + FC, at 224x224) within 1%. */
    uint64_t published_params;
    uint64_t published_madds;
    const char *published_source;
};

extern const lm_zoo_net *const lm_zoo; /* lm_zoo_count entries */
extern const int lm_zoo_count;

/* The entry named `name` (or its torchvision alias), merged variants included; NULL when there is
 * none. */
const lm_zoo_net *lm_zoo_find(const char *name);

/* The merged variant of `net`: ShuffleNet V2 built with concat, channel shuffle and split merged into
 * one operator (zoo_shufflenet_v2.c), named "<name>_merged" ("shufflenet_v2_x1_0_merged"), family
 * "shufflenet_v2_merged". NULL for any other network (a merged one included). The merged variants are
 * not entries of lm_zoo (the whole zoo leaves them out); lm_zoo_find finds them by name, and
 * `latmac run --merge-shuffle` times each beside its network. */
const lm_zoo_net *lm_zoo_merged(const lm_zoo_net *net);

/* Builds `net` for `batch` images of height x width (224 x 224 is the papers' default). Returns the
 * graph; check lm_graph_error for a shape the network cannot take (e.g. too small). NULL only when
 * memory runs out. */
lm_graph *lm_zoo_build(const lm_zoo_net *net, int batch, int height, int width);

/* ---- The family builders (one file each) ---- */
void lm_zoo_build_shufflenet_v2(lm_graph *g, const lm_zoo_net *net); /* zoo_shufflenet_v2.c */
void lm_zoo_build_shufflenet_v2_merged(lm_graph *g, const lm_zoo_net *net); /* zoo_shufflenet_v2.c */
void lm_zoo_build_shufflenet_v1(lm_graph *g, const lm_zoo_net *net); /* zoo_shufflenet_v1.c */
void lm_zoo_build_mobilenet_v2(lm_graph *g, const lm_zoo_net *net);  /* zoo_mobilenet_v2.c */
void lm_zoo_build_mobilenet_v3_large(lm_graph *g, const lm_zoo_net *net); /* zoo_mobilenet_v3.c */
void lm_zoo_build_mobilenet_v3_small(lm_graph *g, const lm_zoo_net *net); /* zoo_mobilenet_v3.c */
void lm_zoo_build_lraspp_mobilenet_v3_large(lm_graph *g, const lm_zoo_net *net); /* zoo_mobilenet_v3.c */
void lm_zoo_build_ghostnet(lm_graph *g, const lm_zoo_net *net);      /* zoo_ghostnet.c */
void lm_zoo_build_espnetv2(lm_graph *g, const lm_zoo_net *net);      /* zoo_espnetv2.c */

/* ---- Shared by the family builders ---- */

/* Conv without bias "<prefix>.<index>", BatchNorm "<prefix>.<index + 1>" and, unless act is
 * LM_ACT_NONE, the activation "<prefix>.<index + 2>": PyTorch's numbering inside an nn.Sequential. */
lm_tensor lm_zoo_conv_bn(lm_graph *g, const char *prefix, int index, lm_tensor x, int out_c, int kernel, int stride,
                         int groups, lm_act act);

/* printf into `buf` (LM_GRAPH_NAME_SIZE chars) for a layer name; returns buf. */
const char *lm_zoo_name(char *buf, const char *format, ...) __attribute__((format(printf, 2, 3)));

/* torchvision's _make_divisible: v rounded to the nearest multiple of `divisor` (at least min_value,
 * or divisor when min_value is 0), never more than 10% below v. */
int lm_zoo_make_divisible(double v, int divisor, int min_value);

#endif
