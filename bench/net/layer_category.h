/* Where a network's time goes, by kind of layer: the categories of the ShuffleNet V2 paper's Figure 2,
 * named for what latmac puts in them.
 *
 * The paper's Figure 2 (ShuffleNet V1 and MobileNet V2 on GPU and ARM) has Conv, Data, Elemwise,
 * Shuffle and Others, where "Data" is data I/O (moving the input in and the results out), not split
 * and concat; the paper's own ShuffleNet V2 implementation merges concat, channel shuffle and split
 * into one element-wise operation (Section 3), whose time its figure could only show as one bar.
 * latmac times no data I/O, so its categories are:
 *   Conv          conv, FC
 *   Concat/Split  concat and split run as copies of their own (no category of the paper holds them)
 *   Elemwise      activation, bias, BatchNorm, add, mul
 *   Shuffle       channel shuffle, and the merged concat-shuffle-split, whose reason to exist is the
 *                 shuffle (the paper's ShuffleNet V2 bars): comparing a network run both ways shows
 *                 the Concat/Split time the merged operator takes away
 *   Other         pooling, resize
 * A step with a fused activation counts as its main operator. Plans sort their steps into them;
 * results and reports name them. Files written before the rename call Concat/Split "Data"
 * (lm_layer_category_legacy_name). Header-only, so that readers of results link no network code. */
#ifndef LM_LAYER_CATEGORY_H
#define LM_LAYER_CATEGORY_H

typedef enum lm_layer_category {
    LM_LAYER_CONV,
    LM_LAYER_CONCAT_SPLIT,
    LM_LAYER_ELEMWISE,
    LM_LAYER_SHUFFLE,
    LM_LAYER_OTHER,
    LM_LAYER_CATEGORY_COUNT
} lm_layer_category;

/* "Conv", "Concat/Split", "Elemwise", "Shuffle", "Other"; "?" for anything else. */
static inline const char *lm_layer_category_name(lm_layer_category c) {
    static const char *const names[LM_LAYER_CATEGORY_COUNT] = {"Conv", "Concat/Split", "Elemwise", "Shuffle", "Other"};
    return (unsigned)c < LM_LAYER_CATEGORY_COUNT ? names[c] : "?";
}

/* The name results files written before the rename gave category c ("Data" for Concat/Split), or NULL
 * when it had no other name; readers accept it too. */
static inline const char *lm_layer_category_legacy_name(lm_layer_category c) {
    return c == LM_LAYER_CONCAT_SPLIT ? "Data" : NULL;
}

#endif
