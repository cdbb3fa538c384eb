/* The seeded random numbers of resampling (bootstrap.h): splitmix64, whose whole state is one 64-bit
 * word, so a seed fixes every draw on every machine and a result can be reproduced exactly. */
#ifndef LM_STATS_RANDOM_H
#define LM_STATS_RANDOM_H

#include <stddef.h>
#include <stdint.h>

/* The next 64 random bits; *state is the generator (any value, the seed to begin with). */
uint64_t lm_random_next(uint64_t *state);

/* Uniform in the open interval (0, 1), with 53 random bits. */
double lm_random_uniform(uint64_t *state);

/* Uniform in 0..n-1 (n >= 1), without the bias of a plain remainder. */
size_t lm_random_below(uint64_t *state, size_t n);

#endif
