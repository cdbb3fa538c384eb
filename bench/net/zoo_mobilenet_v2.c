/* MobileNet V2 (Sandler et al., arXiv 1801.04381) at any width, following torchvision 0.14's
 * models/mobilenetv2.py (which matches the paper's Table 2).
 *
 * Conventions (see zoo.h and bench/net/graph.h):
 * - MAdds = conv + FC multiply-adds (the FC classifier included); params = conv weights and biases,
 *   BatchNorm gamma and beta, FC weight and bias.
 * - BatchNorm is a separate node exactly where torchvision has one (every conv here is followed by
 *   one; no conv has a bias); a plan folds it into the conv and fuses the activation.
 * - Dropout (0.2, before the classifier) is omitted: inference.
 * - Padding is PyTorch's symmetric k//2.
 * - Layer names are torchvision's module names: "features.0.0" (stem conv), "features.0.1" (its
 *   BatchNorm), "features.0.2" (its ReLU6), "features.3.conv.0.0" (an expansion conv),
 *   "features.3.conv.1.0" (the depthwise), "features.3.conv.2" / ".conv.3" (the linear projection and
 *   its BatchNorm), "features.3.add" (the residual, no module in torchvision), "classifier.1".
 *
 * Structure: stem conv 3x3 stride 2 to make_divisible(32 * width, 8), ReLU6; the (t, c, n, s) rows
 * below, each block an inverted residual (1x1 expansion to in * t unless t == 1, depthwise 3x3,
 * linear 1x1 projection to make_divisible(c * width, 8); the residual when stride 1 and in == out);
 * 1x1 conv to make_divisible(1280 * max(1, width), 8), ReLU6; global average pool; FC with bias. */
#include <stdio.h>

#include "bench/net/zoo.h"

void lm_zoo_build_mobilenet_v2(lm_graph *g, const lm_zoo_net *net) {
    static const int setting[][4] = {
        /* t, c, n, s */
        {1, 16, 1, 1}, {6, 24, 2, 2}, {6, 32, 3, 2}, {6, 64, 4, 2}, {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1},
    };
    const double width = net->width;
    int in_c = lm_zoo_make_divisible(32 * width, 8, 0);
    const int last_c = lm_zoo_make_divisible(1280 * (width > 1.0 ? width : 1.0), 8, 0);

    lm_tensor x = lm_zoo_conv_bn(g, "features.0", 0, 0, in_c, 3, 2, 1, LM_ACT_RELU6);
    int index = 1;
    for (size_t row = 0; row < sizeof setting / sizeof setting[0]; row++) {
        const int t = setting[row][0], n = setting[row][2], s = setting[row][3];
        const int out_c = lm_zoo_make_divisible(setting[row][1] * width, 8, 0);
        for (int i = 0; i < n; i++, index++) {
            const int stride = i == 0 ? s : 1;
            const int hidden = in_c * t;
            lm_graph_scope(g, "features.%d", index);
            lm_tensor y = x;
            int part = 0; /* index within torchvision's block.conv Sequential */
            char name[32];
            if (t != 1) {
                snprintf(name, sizeof name, "conv.%d", part++);
                y = lm_zoo_conv_bn(g, name, 0, y, hidden, 1, 1, 1, LM_ACT_RELU6);
            }
            snprintf(name, sizeof name, "conv.%d", part++);
            y = lm_zoo_conv_bn(g, name, 0, y, hidden, 3, stride, hidden, LM_ACT_RELU6);
            snprintf(name, sizeof name, "conv.%d", part++);
            y = lm_graph_conv(g, name, y, out_c, 1, 1, 1, false);
            snprintf(name, sizeof name, "conv.%d", part++);
            y = lm_graph_batchnorm(g, name, y);
            if (stride == 1 && in_c == out_c) y = lm_graph_add2(g, "add", x, y);
            x = y;
            in_c = out_c;
        }
    }
    lm_graph_scope(g, NULL);
    char name[32];
    snprintf(name, sizeof name, "features.%d", index);
    x = lm_zoo_conv_bn(g, name, 0, x, last_c, 1, 1, 1, LM_ACT_RELU6);
    x = lm_graph_global_avgpool(g, "avgpool", x);
    x = lm_graph_fc(g, "classifier.1", x, net->classes, true);
    lm_graph_output(g, x);
}
