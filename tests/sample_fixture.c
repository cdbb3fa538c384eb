/* Seeded samples (see sample_fixture.h). */
#include "tests/sample_fixture.h"

static uint64_t next_u64(uint64_t *state) { /* splitmix64 */
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

double sample_uniform(uint64_t *state) { return ((double)(next_u64(state) >> 11) + 0.5) / 9007199254740992.0; }

double sample_gaussian(uint64_t *state) { /* Box-Muller */
    double u = sample_uniform(state), v = sample_uniform(state);
    return sqrt(-2 * log(u)) * cos(6.283185307179586 * v);
}

void sample_timings(double *x, size_t n, double base, double noise, uint64_t *state) {
    for (size_t i = 0; i < n; i++) {
        x[i] = base * (1 + noise * sample_gaussian(state));
        if (x[i] <= 0) x[i] = base * 1e-3; /* times are positive; never reached at these noise levels */
    }
}
