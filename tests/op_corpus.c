/* The shapes every kernel and every peer is checked on (see op_corpus.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/op_corpus.h"

static const int awkward_channels[] = {1, 3, 7, 8, 16, 24, 58, 116, 232};
#define N_AWKWARD (int)(sizeof awkward_channels / sizeof awkward_channels[0])
static const lm_act all_acts[] = {LM_ACT_NONE,     LM_ACT_RELU,    LM_ACT_RELU6, LM_ACT_HSWISH,
                                  LM_ACT_HSIGMOID, LM_ACT_SIGMOID, LM_ACT_PRELU};
#define N_ACTS (int)(sizeof all_acts / sizeof all_acts[0])

static void conv_corpus(op_visit visit, void *ctx) {
    static const int spatial[][2] = {{1, 1}, {7, 7}, {13, 11}, {28, 28}};
    int i = 0;
    /* Pointwise, dense and grouped. */
    for (int ci = 0; ci < N_AWKWARD; ci++)
        for (int s = 0; s < 4; s++, i++) {
            const int c = awkward_channels[ci];
            const int outs[] = {c, c * 2, 24, 1024 % (c * 8 + 1) + 1};
            for (int oi = 0; oi < 4; oi++) {
                lm_op_desc d = lm_op_conv((lm_shape){1 + (i % 5 == 0), spatial[s][0], spatial[s][1], c}, outs[oi], 1, 1, 0,
                                          1, (i + oi) % 2, all_acts[(i + oi) % N_ACTS]);
                visit(&d, ctx);
            }
            for (int g = 2; g <= 8; g *= 2)
                if (c % g == 0) {
                    lm_op_desc d = lm_op_conv((lm_shape){1, spatial[s][0], spatial[s][1], c}, c, 1, 1, 0, g, true,
                                              all_acts[(i + g) % N_ACTS]);
                    visit(&d, ctx);
                }
        }
    /* The paper's G2 shapes, scaled down in space. */
    const int g2[][2] = {{128, 1}, {180, 2}, {256, 4}, {360, 8}};
    for (int j = 0; j < 4; j++) {
        lm_op_desc d = lm_op_conv((lm_shape){1, 9, 9, g2[j][0]}, g2[j][0], 1, 1, 0, g2[j][1], false, LM_ACT_NONE);
        visit(&d, ctx);
    }
    /* GEMM tails. ShuffleNet's channel counts, none a multiple of 32 and some not of 8 or 16, in and out
     * of pointwise layers at 7x7 (49 rows: one row past whole micro-tiles of 6 or 12), and the G2 layer
     * with 8 groups of 45 output channels there too (a partial last panel per group). */
    static const int shufflenet_channels[] = {24, 58, 90, 116, 180, 184, 232, 360};
    for (int j = 0; j < 8; j++) {
        const int c = shufflenet_channels[j], out = shufflenet_channels[(j + 3) % 8];
        lm_op_desc d = lm_op_conv((lm_shape){1, 7, 7, c}, out, 1, 1, 0, 1, j % 2, all_acts[j % N_ACTS]);
        visit(&d, ctx);
        d.conv.out_c = c;
        visit(&d, ctx);
    }
    lm_op_desc g45 = lm_op_conv((lm_shape){1, 7, 7, 360}, 360, 1, 1, 0, 8, true, LM_ACT_RELU);
    visit(&g45, ctx);
    /* Every row count of a last micro-tile (1 to 13 rows), with 24 and 45 output channels (a partial
     * second vector or a narrow last panel, on either instruction set): pointwise, indirect with the
     * windows' rows in the padding (one pointer per tap and row) and indirect with every window inside
     * one output row (one pointer per kernel row and a step). */
    for (int m = 1; m <= 13; m++)
        for (int out = 24; out <= 45; out += 21) {
            lm_op_desc pw = lm_op_conv((lm_shape){1, 1, m, 5}, out, 1, 1, 0, 1, true, all_acts[m % N_ACTS]);
            visit(&pw, ctx);
            lm_op_desc padded = lm_op_conv((lm_shape){1, 1, m, 5}, out, 3, 1, 1, 1, m % 2, all_acts[(m + 1) % N_ACTS]);
            visit(&padded, ctx);
            lm_op_desc inside = lm_op_conv((lm_shape){1, 3, m + 2, 5}, out, 3, 1, 0, 1, true, all_acts[(m + 2) % N_ACTS]);
            visit(&inside, ctx);
        }
    /* A large pointwise layer (more input channels than one cache block). */
    lm_op_desc big = lm_op_conv((lm_shape){1, 7, 7, 464}, 1024, 1, 1, 0, 1, true, LM_ACT_RELU);
    visit(&big, ctx);
    /* Pointwise layers whose K takes several blocks (a GEMM splits K into blocks of a few hundred):
     * grouped with a partial last panel and an activation that must run once, after the last block;
     * two images and the clamp of ReLU6; no bias with PReLU's per-channel slopes. */
    lm_op_desc deep_grouped = lm_op_conv((lm_shape){1, 7, 7, 1040}, 520, 1, 1, 0, 2, true, LM_ACT_HSWISH);
    visit(&deep_grouped, ctx);
    lm_op_desc deep_relu6 = lm_op_conv((lm_shape){2, 5, 5, 600}, 100, 1, 1, 0, 1, true, LM_ACT_RELU6);
    visit(&deep_relu6, ctx);
    lm_op_desc deep_prelu = lm_op_conv((lm_shape){1, 3, 3, 977}, 37, 1, 1, 0, 1, false, LM_ACT_PRELU);
    visit(&deep_prelu, ctx);
    lm_op_desc deep_tail = lm_op_conv((lm_shape){1, 7, 7, 600}, 58, 1, 1, 0, 1, true, LM_ACT_SIGMOID); /* partial 2nd vector */
    visit(&deep_tail, ctx);
    /* Depthwise 3x3 and 5x5: strides, dilations, odd sizes, tiny inputs, asymmetric padding. */
    static const int dw_spatial[][2] = {{1, 1}, {2, 3}, {5, 5}, {7, 9}, {14, 14}, {15, 15}};
    for (int ci = 0; ci < N_AWKWARD; ci++)
        for (int s = 0; s < 6; s++)
            for (int kernel = 3; kernel <= 5; kernel += 2)
                for (int stride = 1; stride <= 2; stride++) {
                    const int c = awkward_channels[ci];
                    lm_op_desc d = lm_op_conv((lm_shape){1, dw_spatial[s][0], dw_spatial[s][1], c}, c, kernel, stride,
                                              kernel / 2, c, (s + stride) % 2 == 0, all_acts[(ci + s) % N_ACTS]);
                    visit(&d, ctx);
                    if (s >= 3) { /* dilation 2 keeps the output size with padding 2*(k/2) */
                        d.conv.dilation_h = d.conv.dilation_w = 2;
                        d.conv.pad_top = d.conv.pad_left = d.conv.pad_bottom = d.conv.pad_right = kernel / 2 * 2;
                        visit(&d, ctx);
                    }
                    if (s == 4) { /* "same" padding of TensorFlow: more on the bottom/right */
                        d.conv.dilation_h = d.conv.dilation_w = 1;
                        d.conv.pad_top = d.conv.pad_left = 0;
                        d.conv.pad_bottom = d.conv.pad_right = kernel / 2;
                        visit(&d, ctx);
                    }
                }
    /* Depthwise on ShuffleNet's channel counts the list above lacks: tails of 2, 4, 8 and 10 lanes. */
    static const int dw_channels[] = {90, 180, 184, 360};
    for (int j = 0; j < 4; j++)
        for (int stride = 1; stride <= 2; stride++) {
            const int c = dw_channels[j];
            lm_op_desc d = lm_op_conv((lm_shape){1, 7, 7, c}, c, 3 + 2 * (j % 2), stride, 1 + j % 2, c, true,
                                      all_acts[(j + stride) % N_ACTS]);
            visit(&d, ctx);
        }
    /* General convolutions: the first layer, grouped 3x3, rectangular kernels, no padding. */
    lm_op_desc first = lm_op_conv((lm_shape){1, 33, 31, 3}, 24, 3, 2, 1, 1, true, LM_ACT_RELU);
    visit(&first, ctx);
    lm_op_desc first16 = lm_op_conv((lm_shape){2, 16, 16, 3}, 16, 3, 2, 1, 1, false, LM_ACT_HSWISH);
    visit(&first16, ctx);
    lm_op_desc grouped = lm_op_conv((lm_shape){1, 9, 9, 24}, 48, 3, 1, 1, 4, true, LM_ACT_NONE);
    visit(&grouped, ctx);
    lm_op_desc rect = lm_op_conv((lm_shape){1, 10, 12, 7}, 5, 3, 1, 0, 1, true, LM_ACT_PRELU);
    rect.conv.kernel_w = 1;
    visit(&rect, ctx);
    lm_op_desc strided_pw = lm_op_conv((lm_shape){1, 15, 15, 58}, 116, 1, 2, 0, 1, true, LM_ACT_RELU);
    visit(&strided_pw, ctx);
    lm_op_desc dense5 = lm_op_conv((lm_shape){1, 11, 11, 16}, 40, 5, 2, 2, 1, true, LM_ACT_SIGMOID);
    visit(&dense5, ctx);
    lm_op_desc asym = lm_op_conv((lm_shape){1, 11, 8, 7}, 9, 3, 2, 0, 1, true, LM_ACT_RELU6);
    asym.conv.stride_w = 1, asym.conv.pad_top = 1, asym.conv.pad_right = 2, asym.conv.dilation_w = 2;
    visit(&asym, ctx);
    lm_op_desc multiplier = lm_op_conv((lm_shape){1, 7, 7, 8}, 16, 3, 1, 1, 8, true, LM_ACT_HSIGMOID); /* depth 2 */
    visit(&multiplier, ctx);
}


static void fc_corpus(op_visit visit, void *ctx) {
    const int shapes[][4] = {{1, 1, 1, 1024}, {2, 1, 1, 58}, {1, 3, 3, 7}, {2, 2, 3, 5}};
    const int outs[] = {1000, 3, 116, 7};
    for (int i = 0; i < 4; i++)
        for (int a = 0; a < 3; a++) {
            lm_op_desc d = {.kind = LM_OP_FC, .in = {shapes[i][0], shapes[i][1], shapes[i][2], shapes[i][3]},
                            .act = all_acts[(i + a * 3) % N_ACTS]};
            d.fc.out_c = outs[(i + a) % 4];
            d.fc.bias = a != 1;
            visit(&d, ctx);
        }
    for (int out_c = 1; out_c <= 9; out_c++) { /* every row count of a last panel */
        lm_op_desc d = {.kind = LM_OP_FC, .in = {1, 1, 1, 13}, .act = all_acts[out_c % N_ACTS]};
        d.fc.out_c = out_c;
        d.fc.bias = out_c % 2;
        visit(&d, ctx);
    }
}


/* The variants of an element-wise, data or pooling shape d (kind and input set): every activation,
 * groups, parts (`other` channels for a concat's second part), windows and sizes; `odd` alternates
 * which activations take a broadcast input 1. */
static void other_variants(lm_op_desc d, int other, int odd, op_visit visit, void *ctx) {
    const int c = d.in.c, h = d.in.h, w = d.in.w;
    switch (d.kind) {
    case LM_OP_BIAS:
    case LM_OP_BATCHNORM:
    case LM_OP_ADD:
    case LM_OP_MUL:
    case LM_OP_ACTIVATION:
        for (int a = 0; a < N_ACTS; a++) {
            d.act = all_acts[a];
            if (d.kind == LM_OP_ACTIVATION && d.act == LM_ACT_NONE) continue;
            d.bn.eps = 1e-5f;
            if (d.kind == LM_OP_ADD || d.kind == LM_OP_MUL) d.binary.broadcast = (a + odd) % 2;
            visit(&d, ctx);
        }
        break;
    case LM_OP_CHANNEL_SHUFFLE:
        for (int g = 2; g <= 8; g++)
            if (c % g == 0) {
                d.shuffle.groups = g;
                visit(&d, ctx);
            }
        if (c > 1) { /* one channel per group */
            d.shuffle.groups = c;
            visit(&d, ctx);
        }
        break;
    case LM_OP_SPLIT:
    case LM_OP_CONCAT:
        d.parts.count = 2;
        d.parts.channels[0] = c, d.parts.channels[1] = other;
        if (d.kind == LM_OP_SPLIT) {
            d.in.c = c * 2;
            d.parts.channels[1] = c;
            if (c > 1) d.parts.channels[0] = c + 1, d.parts.channels[1] = c - 1;
        }
        visit(&d, ctx);
        d.parts.count = 3;
        d.parts.channels[0] = d.parts.channels[1] = d.parts.channels[2] = c;
        d.in.c = 3 * c;
        visit(&d, ctx);
        break;
    case LM_OP_CONCAT_SHUFFLE_SPLIT: /* c channels per input: odd c puts a channel's pair across the halves */
        for (int outputs = 1; outputs <= 2; outputs++) {
            d.merged.outputs = outputs;
            visit(&d, ctx);
        }
        break;
    case LM_OP_GLOBAL_AVGPOOL: visit(&d, ctx); break;
    case LM_OP_MAXPOOL:
    case LM_OP_AVGPOOL:
        d.in.h = h * 2 + 1, d.in.w = w * 2 + 2; /* odd and even */
        d.pool.kernel = 3, d.pool.stride = 2, d.pool.pad = 1;
        visit(&d, ctx);
        d.pool.pad = 0;
        visit(&d, ctx);
        d.pool.kernel = 2, d.pool.stride = 2;
        visit(&d, ctx);
        break;
    case LM_OP_RESIZE_BILINEAR:
        for (int align = 0; align <= 1; align++) {
            d.resize.align_corners = align;
            d.resize.out_h = h * 4 + 1, d.resize.out_w = w * 3; /* up */
            visit(&d, ctx);
            d.in.h = 9, d.in.w = 10, d.resize.out_h = 4, d.resize.out_w = 7; /* down */
            visit(&d, ctx);
            d.in.h = h, d.in.w = w;
        }
        break;
    default: fail_msg("no corpus for %s", lm_op_kind_name(d.kind));
    }
}

/* Element-wise, data and pooling kinds: every awkward channel count on a few spatial sizes; then shapes
 * large enough that kernels spread them over two threads in several tasks, which then start mid-row
 * (116 channels) and mid-image (two images), and 259 channels, too many for a broadcast input's tile
 * (read in place) and an odd count of 7 groups of 37; last, 4100 channels, so wide that not even one
 * window's columns fit a pooling kernel's scratch row. */
static void other_corpus(lm_op_kind kind, op_visit visit, void *ctx) {
    static const int spatial[][3] = {{1, 1, 1}, {1, 3, 5}, {2, 7, 7}, {1, 28, 28}};
    for (int ci = 0; ci < N_AWKWARD; ci++)
        for (int s = 0; s < 4; s++) {
            const lm_op_desc d = {.kind = kind, .in = {spatial[s][0], spatial[s][1], spatial[s][2], awkward_channels[ci]}};
            other_variants(d, awkward_channels[(ci + 3) % N_AWKWARD], s, visit, ctx);
        }
    static const int large[][4] = {{2, 28, 28, 116}, {1, 17, 19, 259}, {1, 2, 3, 4100}};
    for (int i = 0; i < 3; i++) {
        const lm_op_desc d = {.kind = kind, .in = {large[i][0], large[i][1], large[i][2], large[i][3]}};
        other_variants(d, 58, i, visit, ctx);
    }
}

void op_corpus(lm_op_kind kind, op_visit visit, void *ctx) {
    if (kind == LM_OP_CONV) conv_corpus(visit, ctx);
    else if (kind == LM_OP_FC) fc_corpus(visit, ctx);
    else other_corpus(kind, visit, ctx);
}
