/* Many tests at once: k p-values adjusted so that the chance of any false rejection among them stays
 * within the level each adjusted p is compared with (the family-wise error rate). */
#ifndef LM_STATS_MULTIPLICITY_H
#define LM_STATS_MULTIPLICITY_H

#include <stddef.h>

/* Holm's step-down adjustment: adjusted[i] for p[i], i < k (adjusted may be p). A NaN p counts as 1.
 * Needs memory for the order; without it, Bonferroni's adjustment (never smaller, still valid). */
void lm_holm(const double *p, size_t k, double *adjusted);

/* Bonferroni's adjustment of one p among k: min(1, k p); a NaN p counts as 1. */
double lm_bonferroni(double p, size_t k);

#endif
