/* The model zoo's table and lookup (see zoo.h). The figures quoted are the publications' own; each
 * row names its source. */
#include "bench/net/zoo.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define IMAGENET 1000

/* clang-format off */
static const lm_zoo_net nets[] = {
    /* name, family, width, groups, classes, build, reference, published params, MAdds, source */
    {"shufflenet_v2_x0_5", "shufflenet_v2", 0.5, 0, IMAGENET, lm_zoo_build_shufflenet_v2, "torchvision shufflenetv2.py", 1366792, 0, "torchvision ShuffleNet_V2_X0_5_Weights meta: num_params 1366792 (its _ops 0.04 G is too coarse for a 1% check)"},
    {"shufflenet_v2_x1_0", "shufflenet_v2", 1.0, 0, IMAGENET, lm_zoo_build_shufflenet_v2, "torchvision shufflenetv2.py", 2278604, 145000000, "torchvision ShuffleNet_V2_X1_0_Weights meta: num_params 2278604, _ops 0.145 G (MACs, conv + FC)"},
    {"shufflenet_v2_x1_5", "shufflenet_v2", 1.5, 0, IMAGENET, lm_zoo_build_shufflenet_v2, "torchvision shufflenetv2.py", 3503624, 296000000, "torchvision ShuffleNet_V2_X1_5_Weights meta: num_params 3503624, _ops 0.296 G (MACs, conv + FC)"},
    {"shufflenet_v2_x2_0", "shufflenet_v2", 2.0, 0, IMAGENET, lm_zoo_build_shufflenet_v2, "torchvision shufflenetv2.py", 7393996, 583000000, "torchvision ShuffleNet_V2_X2_0_Weights meta: num_params 7393996, _ops 0.583 G (MACs, conv + FC)"},
/* ShuffleNet V1: params are published only rounded (Megvii README "1.9M"), so none is quoted. MAdds:
 * the Megvii README's FLOPs (FC included) for g = 3 and 8, except 0.5x (38M / 40M: rounded to the
 * nearest M, +-1.3%, too coarse for a 1% check; latmac's 37.59M and 40.47M agree with them); for g = 1,
 * 2, 4 at 1x the paper's Table 1 complexity, which leaves the FC out, plus the FC's multiply-adds
 * (576 / 800 / 1088 inputs x 1000): 143M + 0.576M, 140M + 0.8M, 133M + 1.088M. Nothing else is
 * published for g = 1, 2, 4. */
#define V1(g, w, wname, madds, source) {"shufflenet_v1_g" #g "_x" wname, "shufflenet_v1", w, g, IMAGENET, \
                         lm_zoo_build_shufflenet_v1, "Megvii ShuffleNet-Series ShuffleNetV1", 0, madds, source}
#define V1_PAPER "ShuffleNet V1 paper Table 1 (1x, without FC) + FC 1000 x stage 4 channels"
#define V1_MEGVII "Megvii ShuffleNet-Series ShuffleNetV1/README.md FLOPs (FC included)"
    V1(1, 0.5, "0_5", 0, NULL), V1(1, 1.0, "1_0", 143576000, V1_PAPER), V1(1, 1.5, "1_5", 0, NULL), V1(1, 2.0, "2_0", 0, NULL),
    V1(2, 0.5, "0_5", 0, NULL), V1(2, 1.0, "1_0", 140800000, V1_PAPER), V1(2, 1.5, "1_5", 0, NULL), V1(2, 2.0, "2_0", 0, NULL),
    V1(3, 0.5, "0_5", 0, NULL), V1(3, 1.0, "1_0", 138000000, V1_MEGVII), V1(3, 1.5, "1_5", 292000000, V1_MEGVII),
    V1(3, 2.0, "2_0", 524000000, V1_MEGVII),
    V1(4, 0.5, "0_5", 0, NULL), V1(4, 1.0, "1_0", 134088000, V1_PAPER), V1(4, 1.5, "1_5", 0, NULL), V1(4, 2.0, "2_0", 0, NULL),
    V1(8, 0.5, "0_5", 0, NULL), V1(8, 1.0, "1_0", 138000000, V1_MEGVII), V1(8, 1.5, "1_5", 290000000, V1_MEGVII),
    V1(8, 2.0, "2_0", 522000000, V1_MEGVII),
#undef V1_MEGVII
#undef V1_PAPER
#undef V1
    {"mobilenet_v2_x0_35", "mobilenet_v2", 0.35, 0, IMAGENET, lm_zoo_build_mobilenet_v2, "torchvision mobilenetv2.py", 0, 59200000, "MobileNetV3 paper (arXiv 1905.02244) Table 3, V2 0.35: 59.2M MAdds (TF-slim nets/mobilenet/README.md: 59M; params there exclude BatchNorm)"},
    {"mobilenet_v2_x0_5", "mobilenet_v2", 0.5, 0, IMAGENET, lm_zoo_build_mobilenet_v2, "torchvision mobilenetv2.py", 0, 97000000, "TF-slim nets/mobilenet/README.md, mobilenet_v2_0.5_224: 97M MACs (its 1.95M params exclude BatchNorm)"},
    {"mobilenet_v2_x0_75", "mobilenet_v2", 0.75, 0, IMAGENET, lm_zoo_build_mobilenet_v2, "torchvision mobilenetv2.py", 0, 209000000, "TF-slim nets/mobilenet/README.md, mobilenet_v2_0.75_224: 209M MACs (its 2.61M params exclude BatchNorm)"},
    {"mobilenet_v2", "mobilenet_v2", 1.0, 0, IMAGENET, lm_zoo_build_mobilenet_v2, "torchvision mobilenetv2.py", 3504872, 301000000, "torchvision mobilenetv2.py MobileNet_V2_Weights meta: num_params 3,504,872, _ops 0.301 G (paper: 300M)"},
    {"mobilenet_v2_x1_4", "mobilenet_v2", 1.4, 0, IMAGENET, lm_zoo_build_mobilenet_v2, "torchvision mobilenetv2.py", 0, 582000000, "TF-slim nets/mobilenet/README.md, mobilenet_v2_1.4_224: 582M MACs (paper 585M; its 6.06M params exclude BatchNorm)"},
    {"mobilenet_v3_large_x0_75", "mobilenet_v3_large", 0.75, 0, IMAGENET, lm_zoo_build_mobilenet_v3_large, "torchvision mobilenetv3.py", 0, 0, NULL},
    {"mobilenet_v3_large", "mobilenet_v3_large", 1.0, 0, IMAGENET, lm_zoo_build_mobilenet_v3_large, "torchvision mobilenetv3.py", 5483032, 217000000, "torchvision mobilenetv3.py MobileNet_V3_Large_Weights meta: num_params 5,483,032, _ops 0.217 G (paper Table 9: 217M)"},
    {"mobilenet_v3_small_x0_75", "mobilenet_v3_small", 0.75, 0, IMAGENET, lm_zoo_build_mobilenet_v3_small, "torchvision mobilenetv3.py", 0, 0, NULL},
    {"mobilenet_v3_small", "mobilenet_v3_small", 1.0, 0, IMAGENET, lm_zoo_build_mobilenet_v3_small, "torchvision mobilenetv3.py", 2542856, 57000000, "torchvision mobilenetv3.py MobileNet_V3_Small_Weights meta: num_params 2,542,856, _ops 0.057 G (paper Table 9: 57M)"},
    {"lraspp_mobilenet_v3_large", "lraspp_mobilenet_v3_large", 1.0, 0, 21, lm_zoo_build_lraspp_mobilenet_v3_large, "torchvision lraspp.py", 3221538, 0, "torchvision segmentation/lraspp.py LRASPP_MobileNet_V3_Large_Weights meta: num_params 3,221,538 (its _ops 2.086 G is at 520x520)"},
    {"ghostnet_x0_5", "ghostnet", 0.5, 0, IMAGENET, lm_zoo_build_ghostnet, "huawei-noah/ghostnet ghostnet_pytorch/ghostnet.py", 0, 42000000, "GhostNet paper (arXiv 1911.11907) Table 8: 42M FLOPs"},
    {"ghostnet_x1_0", "ghostnet", 1.0, 0, IMAGENET, lm_zoo_build_ghostnet, "huawei-noah/ghostnet ghostnet_pytorch/ghostnet.py", 5182508, 141000000, "GhostNet paper Table 8: 141M FLOPs; params: the official ghostnet.py model, as counted"},
    {"ghostnet_x1_3", "ghostnet", 1.3, 0, IMAGENET, lm_zoo_build_ghostnet, "huawei-noah/ghostnet ghostnet_pytorch/ghostnet.py", 0, 226000000, "GhostNet paper Table 8: 226M FLOPs"},
    {"espnetv2_x0_5", "espnetv2", 0.5, 0, IMAGENET, lm_zoo_build_espnetv2, "sacmehta/EdgeNets espnetv2.py", 0, 29394000, "ESPNetv2 FLOPs (conv only) of sacmehta/ESPNetv2 imagenet/README.md: 28.37M + FC 1.024M"},
    {"espnetv2_x1_0", "espnetv2", 1.0, 0, IMAGENET, lm_zoo_build_espnetv2, "sacmehta/EdgeNets espnetv2.py", 0, 86744000, "ESPNetv2 FLOPs (conv only) of sacmehta/ESPNetv2 imagenet/README.md: 85.72M + FC 1.024M"},
    {"espnetv2_x1_25", "espnetv2", 1.25, 0, IMAGENET, lm_zoo_build_espnetv2, "sacmehta/EdgeNets espnetv2.py", 0, 124414000, "ESPNetv2 FLOPs (conv only) of sacmehta/ESPNetv2 imagenet/README.md: 123.39M + FC 1.024M"},
    {"espnetv2_x1_5", "espnetv2", 1.5, 0, IMAGENET, lm_zoo_build_espnetv2, "sacmehta/EdgeNets espnetv2.py", 0, 169624000, "ESPNetv2 FLOPs (conv only) of sacmehta/ESPNetv2 imagenet/README.md: 168.6M + FC 1.024M"},
    {"espnetv2_x2_0", "espnetv2", 2.0, 0, IMAGENET, lm_zoo_build_espnetv2, "sacmehta/EdgeNets espnetv2.py", 0, 286080000, "ESPNetv2 FLOPs (conv only) of sacmehta/ESPNetv2 imagenet/README.md: 284.8M + FC 1.28M"},
};
/* clang-format on */

const lm_zoo_net *const lm_zoo = nets;
const int lm_zoo_count = (int)(sizeof nets / sizeof nets[0]);

/* The merged variants (zoo.h's lm_zoo_merged), one per ShuffleNet V2 width: the same structure, so the
 * same published counts. */
#define MERGED_SOURCE "the published counts of its network (the merged operator moves data only)"
/* clang-format off */
#define MERGED(wname, w, params, madds) {"shufflenet_v2_x" wname "_merged", "shufflenet_v2_merged", w, 0, IMAGENET, \
    lm_zoo_build_shufflenet_v2_merged, "torchvision shufflenetv2.py, concat + shuffle + split merged", params, madds, \
    MERGED_SOURCE}
static const lm_zoo_net merged_nets[] = {
    MERGED("0_5", 0.5, 1366792, 0), MERGED("1_0", 1.0, 2278604, 145000000),
    MERGED("1_5", 1.5, 3503624, 296000000), MERGED("2_0", 2.0, 7393996, 583000000),
};
/* clang-format on */
#undef MERGED
#define MERGED_COUNT (sizeof merged_nets / sizeof merged_nets[0])

const lm_zoo_net *lm_zoo_merged(const lm_zoo_net *net) {
    for (size_t i = 0; i < MERGED_COUNT; i++)
        if (net->build == lm_zoo_build_shufflenet_v2 && net->width == merged_nets[i].width) return &merged_nets[i];
    return NULL;
}

const lm_zoo_net *lm_zoo_find(const char *name) {
    for (int i = 0; i < lm_zoo_count; i++) {
        if (strcmp(nets[i].name, name) == 0) return &nets[i];
        /* torchvision's names at width 1.0 also answer to the "_x1_0" pattern */
        char alias[64];
        snprintf(alias, sizeof alias, "%s_x1_0", nets[i].name);
        if (nets[i].width == 1.0 && !strstr(nets[i].name, "_x1_0") && strcmp(alias, name) == 0) return &nets[i];
    }
    for (size_t i = 0; i < MERGED_COUNT; i++)
        if (strcmp(merged_nets[i].name, name) == 0) return &merged_nets[i];
    return NULL;
}

lm_graph *lm_zoo_build(const lm_zoo_net *net, int batch, int height, int width) {
    lm_graph *g = lm_graph_create(net->name, (lm_shape){batch, height, width, 3});
    if (g && !lm_graph_error(g)) net->build(g, net);
    return g;
}

lm_tensor lm_zoo_conv_bn(lm_graph *g, const char *prefix, int index, lm_tensor x, int out_c, int kernel, int stride,
                         int groups, lm_act act) {
    char name[LM_GRAPH_NAME_SIZE];
    x = lm_graph_conv(g, lm_zoo_name(name, "%s.%d", prefix, index), x, out_c, kernel, stride, groups, false);
    x = lm_graph_batchnorm(g, lm_zoo_name(name, "%s.%d", prefix, index + 1), x);
    if (act == LM_ACT_NONE) return x;
    return lm_graph_act(g, lm_zoo_name(name, "%s.%d", prefix, index + 2), x, act);
}

const char *lm_zoo_name(char *buf, const char *format, ...) {
    va_list ap;
    va_start(ap, format);
    vsnprintf(buf, LM_GRAPH_NAME_SIZE, format, ap);
    va_end(ap);
    return buf;
}

int lm_zoo_make_divisible(double v, int divisor, int min_value) {
    if (min_value == 0) min_value = divisor;
    int rounded = (int)(v + divisor / 2.0) / divisor * divisor;
    if (rounded < min_value) rounded = min_value;
    if (rounded < 0.9 * v) rounded += divisor;
    return rounded;
}
