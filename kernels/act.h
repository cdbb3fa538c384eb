/* Activations on one value, the definition every kernel is checked against (see op.h for formulas).
 * `slope` is the PReLU slope of the value's channel (ignored by other activations). */
#ifndef LM_ACT_H
#define LM_ACT_H

#include <math.h>

#include "kernels/op.h"

static inline float lm_act_apply(lm_act act, float x, float slope) {
    switch (act) {
    case LM_ACT_RELU: return x > 0.0f ? x : 0.0f;
    case LM_ACT_RELU6: return fminf(fmaxf(x, 0.0f), 6.0f);
    case LM_ACT_HSWISH: return x * fminf(fmaxf(x + 3.0f, 0.0f), 6.0f) / 6.0f;
    case LM_ACT_HSIGMOID: return fminf(fmaxf(x + 3.0f, 0.0f), 6.0f) / 6.0f;
    case LM_ACT_SIGMOID: return 1.0f / (1.0f + expf(-x));
    case LM_ACT_PRELU: return x >= 0.0f ? x : slope * x;
    default: return x;
    }
}

/* Applies `act` in place to `rows` rows of `channels` values; slopes[c] for PReLU (else may be NULL). */
static inline void lm_act_apply_rows(lm_act act, float *x, size_t rows, int channels, const float *slopes) {
    if (act == LM_ACT_NONE) return;
    for (size_t r = 0; r < rows; r++, x += channels)
        for (int c = 0; c < channels; c++) x[c] = lm_act_apply(act, x[c], slopes ? slopes[c] : 0.0f);
}

#endif
