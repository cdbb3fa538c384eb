/* Seeded samples (see sample_fixture.h). */
#include "tests/sample_fixture.h"

#include "bench/stats/random.h"

double sample_gaussian(uint64_t *state) { /* Box-Muller */
    double u = lm_random_uniform(state), v = lm_random_uniform(state);
    return sqrt(-2 * log(u)) * cos(6.283185307179586 * v);
}

void sample_timings(double *x, size_t n, double base, double noise, uint64_t *state) {
    for (size_t i = 0; i < n; i++) {
        x[i] = base * (1 + noise * sample_gaussian(state));
        if (x[i] <= 0) x[i] = base * 1e-3; /* times are positive; never reached at these noise levels */
    }
}
