/* ESPNetv2 (Mehta et al., arXiv 1811.11431) for ImageNet at scales 0.5 to 2.0, following
 * sacmehta/EdgeNets model/classification/espnetv2.py (EESPNet), espnetv2_config.py and
 * nn_layers/eesp.py (EESP, DownSampler), nn_layers/espnet_utils.py (CBR, CB, BR, CDilated); the same
 * network as sacmehta/ESPNetv2 imagenet/Model.py. Layer names follow those modules.
 *
 * Conventions (see zoo.h and papers.md §9):
 * - MAdds = conv + FC multiply-adds (the FC classifier included; EdgeNets' published "FLOPs" leave it
 *   out); params = conv weights + biases + BatchNorm gamma and beta + FC weight and bias + PReLU
 *   slopes. Every conv here is bias-free; the classifier (nn.Linear) has a bias. BatchNorm and PReLU
 *   (LM_ACT_PRELU, one slope per channel) are separate nodes where the reference has them; dropout
 *   (before the classifier) is omitted.
 * - Padding is PyTorch's symmetric k//2, times the dilation for the dilated convs.
 * - The reference's nn.AvgPool2d(3, stride 2, padding 1) and F.avg_pool2d use count_include_pad=True
 *   (padded cells count as zeros); latmac's avgpool excludes them. The border values differ, the
 *   shapes and the timing do not.
 * - Parameters the reference creates but never uses are not built, so are not counted: the PReLU
 *   `module_act` of each strided EESP (inside a DownSampler, which applies its own PReLU) and the
 *   input-reinforcement CBR + CB of level5_0 (called without the image). EdgeNets' model_parameters
 *   counts them.
 * - Input reinforcement: each DownSampler with it pools the input image again from full size (as the
 *   reference does; the pooled images are not shared between levels), 3x3 s2 pad 1 until the width
 *   equals the feature map's. */
#include <stdio.h>

#include "bench/net/zoo.h"

#define K 4 /* parallel branches of every EESP (config.branches) */

/* Conv (no bias) "<name>.conv", BatchNorm "<name>.bn" and, for a CBR, PReLU "<name>.act". */
static lm_tensor conv_bn(lm_graph *g, const char *name, lm_tensor x, int out_c, int kernel, int stride, int groups,
                         bool prelu) {
    char n[LM_GRAPH_NAME_SIZE];
    lm_zoo_name(n, "%s.conv", name);
    x = lm_graph_conv(g, n, x, out_c, kernel, stride, groups, false);
    lm_zoo_name(n, "%s.bn", name);
    x = lm_graph_batchnorm(g, n, x);
    if (!prelu) return x;
    lm_zoo_name(n, "%s.act", name);
    return lm_graph_act(g, n, x, LM_ACT_PRELU);
}

static lm_tensor cbr(lm_graph *g, const char *name, lm_tensor x, int out_c, int kernel, int stride, int groups) {
    return conv_bn(g, name, x, out_c, kernel, stride, groups, true);
}

/* EESP(nIn, nOut, stride, k = 4, r_lim). A strided one (down_method 'avg') returns the expanded map
 * before any residual or activation; a stride-1 one adds the input (nIn == nOut) and applies PReLU. */
static lm_tensor eesp(lm_graph *g, const char *name, lm_tensor x, int out_c, int stride, int r_lim) {
    char n[LM_GRAPH_NAME_SIZE];
    /* n = nOut / K; the reference asserts n1 = nOut - (K - 1) * n equals n, which holds for every
     * scale since all the channel counts below are multiples of K. */
    const int branch = out_c / K;
    lm_zoo_name(n, "%s.proj_1x1", name);
    const lm_tensor reduced = cbr(g, n, x, branch, 1, 1, K);

    /* Branch i has receptive field 3 + 2i (dilation 1 + i) unless that exceeds r_lim, then 3 (dilation
     * 1); sorted ascending. With the increasing 3 + 2i this is: the fallbacks first, then the rest. */
    int dilation[K], count = 0;
    for (int i = 0; i < K; i++)
        if (3 + 2 * i > r_lim) dilation[count++] = 1;
    for (int i = 0; i < K; i++)
        if (3 + 2 * i <= r_lim) dilation[count++] = 1 + i;

    lm_tensor outputs[K];
    for (int i = 0; i < K; i++) {
        lm_zoo_name(n, "%s.spp_dw.%d.conv", name, i);
        outputs[i] = lm_graph_conv_dilated(g, n, reduced, branch, 3, stride, dilation[i], branch, false);
        if (i > 0) { /* hierarchical feature fusion: out_k = out_k + out_{k-1} */
            lm_zoo_name(n, "%s.hff.%d", name, i);
            outputs[i] = lm_graph_add2(g, n, outputs[i], outputs[i - 1]);
        }
    }
    lm_zoo_name(n, "%s.cat", name);
    lm_tensor y = lm_graph_concat(g, n, outputs, K);
    lm_zoo_name(n, "%s.br_after_cat.bn", name);
    y = lm_graph_batchnorm(g, n, y);
    lm_zoo_name(n, "%s.br_after_cat.act", name);
    y = lm_graph_act(g, n, y, LM_ACT_PRELU);
    lm_zoo_name(n, "%s.conv_1x1_exp", name);
    y = conv_bn(g, n, y, out_c, 1, 1, K, false);
    if (stride == 2) return y;

    const lm_shape in = lm_graph_shape(g, x), out = lm_graph_shape(g, y);
    if (in.h == out.h && in.w == out.w && in.c == out.c) {
        lm_zoo_name(n, "%s.add", name);
        y = lm_graph_add2(g, n, y, x);
    }
    lm_zoo_name(n, "%s.module_act", name);
    return lm_graph_act(g, n, y, LM_ACT_PRELU);
}

/* DownSampler(nin, nout, k = 4, r_lim, reinf): concat(avgpool 3x3 s2 of x, strided EESP to nout - nin),
 * plus, when `image` is given, CB(CBR(the image pooled down to the same size)); then PReLU. */
static lm_tensor down_sampler(lm_graph *g, const char *name, lm_tensor x, int out_c, int r_lim, lm_tensor image) {
    char n[LM_GRAPH_NAME_SIZE];
    const int in_c = lm_graph_shape(g, x).c;
    lm_zoo_name(n, "%s.avg", name);
    const lm_tensor avg = lm_graph_avgpool(g, n, x, 3, 2, 1);
    lm_zoo_name(n, "%s.eesp", name);
    const lm_tensor e = eesp(g, n, x, out_c - in_c, 2, r_lim);
    lm_zoo_name(n, "%s.cat", name);
    lm_tensor y = lm_graph_concat(g, n, (lm_tensor[]){avg, e}, 2);

    if (image != LM_NO_TENSOR) {
        const lm_shape target = lm_graph_shape(g, avg);
        lm_tensor pooled = image;
        for (int i = 0;; i++) { /* the reference's `while True` loop, on both sizes */
            lm_zoo_name(n, "%s.inp_pool.%d", name, i);
            const lm_shape before = lm_graph_shape(g, pooled);
            pooled = lm_graph_avgpool(g, n, pooled, 3, 2, 1);
            const lm_shape s = lm_graph_shape(g, pooled);
            if (pooled == LM_NO_TENSOR || (s.h == target.h && s.w == target.w)) break;
            if (s.h == before.h && s.w == before.w) break; /* stuck: the add below reports the mismatch */
        }
        lm_zoo_name(n, "%s.inp_reinf.0", name);
        lm_tensor r = cbr(g, n, pooled, 3, 3, 1, 1);
        lm_zoo_name(n, "%s.inp_reinf.1", name);
        r = conv_bn(g, n, r, out_c, 1, 1, 1, false);
        lm_zoo_name(n, "%s.add", name);
        y = lm_graph_add2(g, n, y, r);
    }
    lm_zoo_name(n, "%s.act", name);
    return lm_graph_act(g, n, y, LM_ACT_PRELU);
}

void lm_zoo_build_espnetv2(lm_graph *g, const lm_zoo_net *net) {
    /* Channels per level: sacmehta/ESPNetv2 imagenet/Model.py's formula, which gives EdgeNets'
     * sc_ch_dict for s = 0.5, 1.0, 1.25, 1.5, 2.0: base_s = ceil(int(32 s) / 4) * 4; ch[0] =
     * min(32, base_s); ch[i] = base_s * 2^i for levels 2..5; ch[5] = 1024 up to s = 1.5, else 1280. */
    const double s = net->width;
    int base_s = (int)(32 * s);
    base_s = (base_s + K - 1) / K * K;
    int ch[6];
    ch[0] = base_s > 32 ? 32 : base_s;
    for (int i = 1; i < 5; i++) ch[i] = base_s << i;
    ch[5] = s <= 1.5 ? 1024 : 1280;
    static const int reps[] = {0, 3, 7, 3};              /* EESPs after the DownSampler of levels 2..5 */
    static const int recept_limit[] = {13, 11, 9, 7, 5}; /* receptive-field limit per spatial level */

    lm_graph_scope(g, NULL);
    const lm_tensor image = 0;
    lm_tensor x = cbr(g, "level1", image, ch[0], 3, 2, 1);
    x = down_sampler(g, "level2_0", x, ch[1], recept_limit[0], image);
    x = down_sampler(g, "level3_0", x, ch[2], recept_limit[1], image);
    char n[LM_GRAPH_NAME_SIZE];
    for (int i = 0; i < reps[1]; i++) {
        lm_zoo_name(n, "level3.%d", i);
        x = eesp(g, n, x, ch[2], 1, recept_limit[2]);
    }
    x = down_sampler(g, "level4_0", x, ch[3], recept_limit[2], image);
    for (int i = 0; i < reps[2]; i++) {
        lm_zoo_name(n, "level4.%d", i);
        x = eesp(g, n, x, ch[3], 1, recept_limit[3]);
    }
    x = down_sampler(g, "level5_0", x, ch[4], recept_limit[3], LM_NO_TENSOR); /* no reinforcement */
    for (int i = 0; i < reps[3]; i++) {
        lm_zoo_name(n, "level5.%d", i);
        x = eesp(g, n, x, ch[4], 1, recept_limit[4]);
    }
    /* Expand: depthwise CBR 3x3, then group (K) CBR 1x1 to ch[5]; level5's next two modules. */
    lm_zoo_name(n, "level5.%d", reps[3]);
    x = cbr(g, n, x, ch[4], 3, 1, ch[4]);
    lm_zoo_name(n, "level5.%d", reps[3] + 1);
    x = cbr(g, n, x, ch[5], 1, 1, K);

    x = lm_graph_global_avgpool(g, "avgpool", x);
    x = lm_graph_fc(g, "classifier", x, net->classes, true);
    lm_graph_output(g, x);
}
