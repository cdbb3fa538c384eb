/* Seeded samples for the statistics tests (Gaussian noise from bench/stats/random.h's draws, timings
 * around a value), and a double-precision assertion. Include after <cmocka.h>. */
#ifndef LM_TEST_SAMPLE_FIXTURE_H
#define LM_TEST_SAMPLE_FIXTURE_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka's float assertions work in single precision; these values need double. */
#define assert_near(got, want, tolerance)                                                                \
    do {                                                                                               \
        double got_ = (got), want_ = (want), tolerance_ = (tolerance);                                 \
        if (!(fabs(got_ - want_) <= tolerance_))                                                       \
            fail_msg("%s = %.17g, expected %.17g within %g", #got, got_, want_, tolerance_);           \
    } while (0)

/* A standard normal draw, advancing *state. */
double sample_gaussian(uint64_t *state);

/* n timings around `base` seconds with relative noise `noise` (standard deviation), all positive. */
void sample_timings(double *x, size_t n, double base, double noise, uint64_t *state);

#endif
