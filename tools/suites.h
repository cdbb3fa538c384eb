/* Every suite latmac can run, in the order `latmac run --suite all` runs them: the one table that
 * `latmac run`, `latmac list suites` and the --help texts read. */
#ifndef LM_SUITES_H
#define LM_SUITES_H

#include <stdio.h>

#include "bench/measure/suite.h"

/* kernels, nets, guidelines; NULL-terminated. */
extern const lm_suite *const lm_suites[];

/* The suite named `name`; NULL when there is none. */
const lm_suite *lm_suite_named(const char *name);

/* "kernels, nets, guidelines" into buf, joined by `separator`. */
void lm_suites_names(char *buf, size_t size, const char *separator);

/* Each suite as a --help entry: its name, then what it is and how its cases are named, wrapped at
 * 100 columns after an indent of `indent`. */
void lm_suites_describe(FILE *out, int indent);

#endif
