/* The categories of the ShuffleNet V2 paper's Figure 2, by operator kind: Conv (conv, FC), Data
 * (split, concat), Elemwise (activation, bias, BatchNorm, add, mul), Shuffle (channel shuffle), Other
 * (pooling, resize). A step with a fused activation counts as its main operator. Plans sort their steps
 * into them; results and reports name them. Header-only, so that readers of results link no network
 * code. */
#ifndef LM_LAYER_CATEGORY_H
#define LM_LAYER_CATEGORY_H

typedef enum lm_layer_category {
    LM_LAYER_CONV,
    LM_LAYER_DATA,
    LM_LAYER_ELEMWISE,
    LM_LAYER_SHUFFLE,
    LM_LAYER_OTHER,
    LM_LAYER_CATEGORY_COUNT
} lm_layer_category;

/* "Conv", "Data", "Elemwise", "Shuffle", "Other"; "?" for anything else. */
static inline const char *lm_layer_category_name(lm_layer_category c) {
    static const char *const names[LM_LAYER_CATEGORY_COUNT] = {"Conv", "Data", "Elemwise", "Shuffle", "Other"};
    return (unsigned)c < LM_LAYER_CATEGORY_COUNT ? names[c] : "?";
}

#endif
