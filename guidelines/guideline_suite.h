/* The guidelines suite: the guideline experiments' cases as runner cases (bench/measure/runner.h), named
 * "guidelines/<experiment>/<case id>/latmac/threads:<N>", e.g.
 * "guidelines/G1/arm_x1/1_2/latmac/threads:1". Each case's network runs through latmac's executor
 * like a zoo network; MAdds, MAC and params are its definition's (MAC as executed). */
#ifndef LM_GUIDELINE_SUITE_H
#define LM_GUIDELINE_SUITE_H

#include <stddef.h>

#include "guidelines/experiment.h"
#include "bench/measure/runner.h"

#define LM_GUIDELINE_MAX_SCALES 3

/* Which experiments and scales a run covers. */
typedef struct lm_guideline_selection {
    const lm_guideline *experiments[16]; /* none: every experiment */
    size_t experiment_count;
    int scales[LM_GUIDELINE_MAX_SCALES]; /* none: scale 1 */
    size_t scale_count;
} lm_guideline_selection;

/* The suite (bench/measure/suite.h); its options, when set on a copy, are an lm_guideline_selection
 * that must outlive the run. */
extern const lm_suite lm_suite_guidelines;

#endif
