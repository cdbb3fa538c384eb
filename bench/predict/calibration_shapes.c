/* The calibration's shapes (see calibration_shapes.h). */
#include "bench/predict/calibration_shapes.h"

#include <stdbool.h>

#define MAX_MADDS 150000000.0
#define MAX_BYTES (64.0 * 1024 * 1024)

static const int sides[] = {1, 3, 7, 14, 28, 56, 112};
static const int channels[] = {8, 16, 24, 32, 48, 64, 96, 116, 128, 160, 192, 240, 256, 320, 384, 480, 512, 768, 1024};
static const int group_counts[] = {2, 3, 4, 8};
static const lm_act fused[] = {LM_ACT_NONE, LM_ACT_RELU, LM_ACT_RELU6, LM_ACT_HSWISH};

#define PICK(state, table) (table[draw(state) % (sizeof table / sizeof table[0])])

static uint64_t draw(uint64_t *state) { /* xorshift64* */
    *state ^= *state >> 12, *state ^= *state << 25, *state ^= *state >> 27;
    return (*state * 0x2545f4914f6cdd1dull) >> 33;
}

static lm_shape square(uint64_t *state, int c) {
    const int side = PICK(state, sides);
    return (lm_shape){.n = 1, .h = side, .w = side, .c = c};
}

/* One candidate of class c; validity and size are checked by the caller. */
static lm_op_desc candidate(lm_step_class c, uint64_t *state) {
    const int in_c = PICK(state, channels), out_c = PICK(state, channels);
    lm_op_desc d = {.kind = LM_OP_ACTIVATION};
    switch (c) {
    case LM_STEP_CONV_POINTWISE:
        d = lm_op_conv(square(state, in_c), out_c, 1, 1, 0, 1, true, PICK(state, fused));
        break;
    case LM_STEP_CONV_DEPTHWISE: {
        const int kernel = draw(state) % 4 ? 3 : 5, stride = draw(state) % 3 ? 1 : 2;
        d = lm_op_conv(square(state, in_c), in_c, kernel, stride, kernel / 2, in_c, true, PICK(state, fused));
        break;
    }
    case LM_STEP_CONV_GROUPED: {
        const int groups = PICK(state, group_counts), kernel = draw(state) % 3 ? 1 : 3;
        const int gin = (in_c / groups) * groups, gout = (out_c / groups) * groups;
        d = lm_op_conv(square(state, gin ? gin : groups), gout ? gout : groups, kernel, 1, kernel / 2, groups, true,
                       PICK(state, fused));
        break;
    }
    case LM_STEP_CONV_DENSE: {
        const bool stem = draw(state) % 2;
        const lm_shape in = stem ? (lm_shape){1, draw(state) % 2 ? 224 : 112, 0, 3} : square(state, in_c);
        lm_shape s = in;
        if (stem) s.w = s.h;
        d = lm_op_conv(s, stem ? PICK(state, channels) % 64 + 8 : out_c, 3, stem ? 2 : 1 + (int)(draw(state) % 2), 1, 1,
                       true, PICK(state, fused));
        break;
    }
    case LM_STEP_FC:
        d = (lm_op_desc){.kind = LM_OP_FC, .in = {1, 1, 1, in_c * (int)(1 + draw(state) % 3)}};
        d.fc.out_c = draw(state) % 2 ? 1000 : out_c, d.fc.bias = true;
        break;
    case LM_STEP_ELEMENTWISE: {
        static const lm_op_kind kinds[] = {LM_OP_BIAS, LM_OP_BATCHNORM, LM_OP_ACTIVATION, LM_OP_ADD, LM_OP_MUL};
        static const lm_act acts[] = {LM_ACT_RELU, LM_ACT_RELU6, LM_ACT_HSWISH, LM_ACT_HSIGMOID, LM_ACT_SIGMOID};
        d = (lm_op_desc){.kind = PICK(state, kinds), .in = square(state, in_c)};
        d.act = d.kind == LM_OP_ACTIVATION ? PICK(state, acts) : LM_ACT_NONE;
        if (d.kind == LM_OP_BATCHNORM) d.bn.eps = 1e-5f;
        if (d.kind == LM_OP_MUL) d.binary.broadcast = draw(state) % 2; /* squeeze-and-excitation scaling */
        break;
    }
    case LM_STEP_DATA: {
        const int half = in_c / 2 ? in_c / 2 : 1;
        switch (draw(state) % 4) {
        case 0:
            d = (lm_op_desc){.kind = LM_OP_CHANNEL_SHUFFLE, .in = square(state, 2 * half)};
            d.shuffle.groups = draw(state) % 2 ? 2 : 4;
            if (d.in.c % d.shuffle.groups) d.shuffle.groups = 2;
            break;
        case 1:
            d = (lm_op_desc){.kind = LM_OP_SPLIT, .in = square(state, 2 * half)};
            d.parts.count = 2, d.parts.channels[0] = d.parts.channels[1] = half;
            break;
        case 2:
            d = (lm_op_desc){.kind = LM_OP_CONCAT, .in = square(state, 0)};
            d.parts.count = 2, d.parts.channels[0] = half, d.parts.channels[1] = out_c / 2 ? out_c / 2 : 1;
            break;
        default:
            d = (lm_op_desc){.kind = LM_OP_CONCAT_SHUFFLE_SPLIT, .in = square(state, half)};
            d.merged.outputs = draw(state) % 3 ? 2 : 1;
        }
        break;
    }
    case LM_STEP_POOL: {
        static const lm_op_kind kinds[] = {LM_OP_MAXPOOL, LM_OP_AVGPOOL, LM_OP_GLOBAL_AVGPOOL};
        d = (lm_op_desc){.kind = PICK(state, kinds), .in = square(state, in_c)};
        d.pool.kernel = 3, d.pool.stride = draw(state) % 2 ? 2 : 1, d.pool.pad = 1;
        break;
    }
    case LM_STEP_RESIZE:
    default: {
        d = (lm_op_desc){.kind = LM_OP_RESIZE_BILINEAR, .in = square(state, in_c)};
        const int factor = draw(state) % 2 ? 2 : 4;
        d.resize.out_h = d.resize.out_w = d.in.h * factor > 224 ? 224 : d.in.h * factor;
        d.resize.align_corners = draw(state) % 2;
    }
    }
    return d;
}

size_t lm_calibration_shapes(lm_step_class c, uint64_t seed, lm_op_desc *out, size_t capacity) {
    uint64_t state = (seed ^ (0x9e3779b97f4a7c15ull * (uint64_t)(c + 1))) | 1;
    size_t n = 0;
    for (int tries = 0; n < capacity && tries < 100 * (int)capacity; tries++) {
        const lm_op_desc d = candidate(c, &state);
        if (lm_op_validate(&d, NULL, 0) != 0 || lm_step_class_of(&d) != c) continue;
        const lm_op_cost cost = lm_op_cost_of(&d);
        if ((double)cost.madds > MAX_MADDS || (double)cost.mac * sizeof(float) > MAX_BYTES) continue;
        out[n++] = d;
    }
    return n;
}
