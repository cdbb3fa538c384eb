/* The list of guideline experiments and what they share (see experiment.h). */
#include "guidelines/experiment.h"

#include <stdio.h>
#include <string.h>

const lm_guideline *const lm_guidelines[] = {
    &lm_guideline_g1, &lm_guideline_g2, &lm_guideline_g3, &lm_guideline_g4, &lm_guideline_u1,
    &lm_guideline_n1, &lm_guideline_n2, &lm_guideline_n3, &lm_guideline_n4, &lm_guideline_n5,
    &lm_guideline_n6, &lm_guideline_aa,
};
const int lm_guideline_count = (int)(sizeof lm_guidelines / sizeof lm_guidelines[0]);

const lm_guideline *lm_guideline_find(const char *id) {
    for (int i = 0; i < lm_guideline_count; i++)
        if (strcmp(lm_guidelines[i]->id, id) == 0) return lm_guidelines[i];
    return NULL;
}

lm_graph *lm_guideline_build(const lm_guideline *e, const lm_guideline_case *c) {
    char name[160];
    snprintf(name, sizeof name, "%s/%s", e->id, c->id);
    lm_graph *g = lm_graph_create(name, (lm_shape){1, c->height, c->width, c->channels});
    if (g && !lm_graph_error(g)) e->build(g, c);
    return g;
}
