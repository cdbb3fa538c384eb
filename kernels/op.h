/* Operators: what latmac computes, independent of how.
 *
 * Every tensor is fp32, NHWC (batch, height, width, channels), dense, channels fastest. An operator is
 * described by an lm_op_desc; the description alone fixes its output shapes, the layout of its
 * parameter block and its cost (MAdds, MAC, parameters). Kernels (kernel.h) implement descriptions.
 *
 * Parameter blocks (floats, in this order; a kind not listed takes none):
 *   CONV       weights [out_c][kernel_h][kernel_w][in_c / groups], then bias [out_c] if conv.bias,
 *              then PReLU slopes [out_c] if act is LM_ACT_PRELU
 *   FC         weights [out_c][in.h * in.w * in.c], then bias [out_c] if fc.bias, then PReLU slopes
 *   BIAS       bias [c], then PReLU slopes [c]
 *   BATCHNORM  gamma [c], beta [c], mean [c], variance [c], then PReLU slopes [c]
 *   ACTIVATION PReLU slopes [c] if act is LM_ACT_PRELU
 *   ADD, MUL   PReLU slopes [c] if act is LM_ACT_PRELU
 *
 * Which operators exist, and why one of them is three (CONCAT_SHUFFLE_SPLIT): docs/kernels.md.
 */
#ifndef LM_OP_H
#define LM_OP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LM_MAX_PARTS 8 /* inputs of a concat, outputs of a split */

typedef struct lm_shape {
    int n, h, w, c;
} lm_shape;

typedef enum lm_op_kind {
    LM_OP_CONV,            /* convolution: dense, grouped and depthwise (groups == in c == out_c) */
    LM_OP_FC,              /* fully connected: [n,h,w,c] flattened -> [n,1,1,out_c] */
    LM_OP_BIAS,            /* y = x + bias[c] */
    LM_OP_BATCHNORM,       /* y = (x - mean[c]) / sqrt(variance[c] + eps) * gamma[c] + beta[c] */
    LM_OP_ACTIVATION,      /* y = act(x) */
    LM_OP_ADD,             /* y = a + b */
    LM_OP_MUL,             /* y = a * b */
    LM_OP_CHANNEL_SHUFFLE, /* ShuffleNet's shuffle: view c as [groups][c/groups], transpose */
    LM_OP_SPLIT,           /* channels -> parts.count outputs of parts.channels[i] channels */
    LM_OP_CONCAT,          /* parts.count inputs of parts.channels[i] channels -> one output */
    LM_OP_GLOBAL_AVGPOOL,  /* [n,h,w,c] -> [n,1,1,c] */
    LM_OP_MAXPOOL,         /* pool.kernel square window, stride, zero-free padding (ignored cells) */
    LM_OP_AVGPOOL,         /* as MAXPOOL; padded cells are excluded from the average */
    LM_OP_RESIZE_BILINEAR, /* -> [n,out_h,out_w,c] */
    /* ShuffleNet V2's concat, channel shuffle (2 groups) and channel split as one pass (the paper's
     * Section 3: "merged into a single element-wise operation"): inputs a and b, each [n,h,w,c]; the
     * shuffled channels are s[2i] = a[i], s[2i+1] = b[i] (i < c), and with merged.outputs = 2 output 0
     * is s[0, c) and output 1 is s[c, 2c), each [n,h,w,c]; with merged.outputs = 1 (concat and shuffle,
     * no split: a stage's last unit feeding a downsampling unit) the one output is s, [n,h,w,2c]. */
    LM_OP_CONCAT_SHUFFLE_SPLIT,
    LM_OP_KIND_COUNT
} lm_op_kind;

typedef enum lm_act {
    LM_ACT_NONE,
    LM_ACT_RELU,     /* max(x, 0) */
    LM_ACT_RELU6,    /* min(max(x, 0), 6) */
    LM_ACT_HSWISH,   /* x * relu6(x + 3) / 6 */
    LM_ACT_HSIGMOID, /* relu6(x + 3) / 6 */
    LM_ACT_SIGMOID,  /* 1 / (1 + exp(-x)) */
    LM_ACT_PRELU,    /* x >= 0 ? x : slope[c] * x */
    LM_ACT_COUNT
} lm_act;

typedef struct lm_op_desc {
    lm_op_kind kind;
    lm_shape in; /* input 0 (for CONCAT: n, h, w of every input; c is ignored; for CONCAT_SHUFFLE_SPLIT
                    both inputs) */
    lm_act act;  /* the activation of ACTIVATION; fused into the output of CONV, FC, BIAS, BATCHNORM,
                    ADD and MUL; LM_ACT_NONE elsewhere */
    union {
        struct {
            int out_c, kernel_h, kernel_w, stride_h, stride_w;
            int pad_top, pad_left, pad_bottom, pad_right;
            int dilation_h, dilation_w, groups;
            bool bias;
        } conv;
        struct {
            int out_c;
            bool bias;
        } fc;
        struct {
            float eps;
        } bn;
        struct {
            bool broadcast; /* input 1 is [n,1,1,c] (squeeze-and-excitation scaling); else same as input 0 */
        } binary;
        struct {
            int groups;
        } shuffle;
        struct {
            int count;
            int channels[LM_MAX_PARTS];
        } parts;
        struct {
            int kernel, stride, pad;
        } pool;
        struct {
            int outputs; /* CONCAT_SHUFFLE_SPLIT: 2 (the two halves) or 1 (the whole shuffled tensor) */
        } merged;
        struct {
            int out_h, out_w;
            bool align_corners; /* corners of input and output aligned; else half-pixel centres */
        } resize;
    };
} lm_op_desc;

/* What an operator costs, by the conventions of the ShuffleNet V2 paper generalised to every op:
 * MAdds count multiply-adds of CONV and FC only; MAC counts elements, each input element read once,
 * each output element written once, each parameter read once. */
typedef struct lm_op_cost {
    uint64_t madds;
    uint64_t mac;    /* elements; bytes are mac * sizeof(float) */
    uint64_t params; /* trained parameters: weights, biases, BatchNorm gamma and beta, PReLU slopes */
} lm_op_cost;

/* Checks that a description is possible: positive sizes, channels divisible by groups, a non-empty
 * output, and element counts that fit in int32 and size_t. Returns 0, or -1 with a one-line reason
 * in err (err may be NULL). */
int lm_op_validate(const lm_op_desc *d, char *err, size_t err_size);

int lm_op_input_count(const lm_op_desc *d);
int lm_op_output_count(const lm_op_desc *d);
lm_shape lm_op_input_shape(const lm_op_desc *d, int i);
lm_shape lm_op_output_shape(const lm_op_desc *d, int i);
size_t lm_shape_elements(lm_shape s);

/* Floats in the parameter block (see the top of this file); 0 for kinds without one. */
size_t lm_op_param_floats(const lm_op_desc *d);

/* The cost of a valid description. */
lm_op_cost lm_op_cost_of(const lm_op_desc *d);

/* The kernel taps along one axis of a convolution that land inside the input, summed over the `out`
 * output positions: sum over o of #{t < kernel : 0 <= o * stride - pad + t * dilation < in}. Equal to
 * out * kernel when no window reaches into the padding; kernels that skip padded taps count their
 * multiply-adds with it (lm_kernel.executed_madds). */
uint64_t lm_op_taps_inside(int out, int in, int kernel, int stride, int pad, int dilation);

/* Names: "conv", "relu", ... for output and errors. */
const char *lm_op_kind_name(lm_op_kind kind);
const char *lm_act_name(lm_act act);

/* Convenience constructors for the common cases; every field not named is the obvious default
 * (stride 1, no padding, dilation 1, one group, no bias, no activation). */
lm_op_desc lm_op_conv(lm_shape in, int out_c, int kernel, int stride, int pad, int groups, bool bias, lm_act act);

#ifdef __cplusplus
}
#endif

#endif
