/* splitmix64 (see random.h). */
#include "bench/stats/random.h"

uint64_t lm_random_next(uint64_t *state) {
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

double lm_random_uniform(uint64_t *state) {
    return ((double)(lm_random_next(state) >> 11) + 0.5) / 9007199254740992.0; /* (k + 1/2) / 2^53 */
}

size_t lm_random_below(uint64_t *state, size_t n) {
    /* Draws at or above the largest multiple of n are redrawn, so every remainder is equally likely. */
    const uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t x;
    do x = lm_random_next(state);
    while (x >= limit);
    return (size_t)(x % n);
}
