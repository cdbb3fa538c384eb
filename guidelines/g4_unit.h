/* G4's c -> c/4 -> c/4 -> c bottleneck, for the experiments that time it other ways (N5, N6):
 * g4_elementwise.c builds it and says what its params are. */
#ifndef LM_G4_UNIT_H
#define LM_G4_UNIT_H

#include <stdbool.h>

#include "guidelines/experiment.h"

/* Fills *k with the unit at the scale's width (c = 32, 64, 128 at scale 1, 2, 4: Table 4's columns),
 * input 1 x 56 x 56 x c, shortcut on, in group "c<c>", named "c<c>/<id>" and labelled "bottleneck
 * c-c/4-c/4-c, <what>". False at any other scale (no case). */
bool lm_g4_unit_case(int scale, lm_guideline_case *k, const char *id, const char *what, bool relu,
                     bool separate_elementwise, int rank);

/* Builds a case's graph: ten units stacked, as its params say. */
void lm_g4_unit_build(lm_graph *g, const lm_guideline_case *c);

#endif
