/* Roofline placement (bench/ceilings/roofline.h) on hand-computed cases: the level a working set falls in, the
 * attainable rate at an intensity, which roof binds, the fraction reached, and what is flagged. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdint.h>
#include <string.h>

#include "bench/ceilings/roofline.h"

/* Peak 100 GFLOP/s; L1 holds 64 KiB at 200 GB/s, L2 2 MiB at 100 GB/s, DRAM at 10 GB/s. */
static lm_ceilings_at machine(void) {
    lm_ceilings_at at;
    memset(&at, 0, sizeof at);
    at.threads = 1;
    at.peak_gflops = 100;
    const struct {
        const char *name;
        size_t capacity;
        double gbps;
    } levels[] = {{"L1", 64 << 10, 200}, {"L2", 2 << 20, 100}, {"DRAM", SIZE_MAX, 10}};
    for (size_t i = 0; i < 3; i++) {
        lm_memory_level *l = &at.levels[at.level_count++];
        snprintf(l->name, sizeof l->name, "%s", levels[i].name);
        l->capacity_bytes = levels[i].capacity;
        l->roof_gbps = levels[i].gbps;
    }
    return at;
}

static void test_the_level_that_holds_the_working_set(void **state) {
    (void)state;
    const lm_ceilings_at at = machine();
    assert_string_equal(lm_roofline_level(&at, 1)->name, "L1");
    assert_string_equal(lm_roofline_level(&at, 64 << 10)->name, "L1"); /* exactly full still fits */
    assert_string_equal(lm_roofline_level(&at, (64 << 10) + 1)->name, "L2");
    assert_string_equal(lm_roofline_level(&at, 2 << 20)->name, "L2");
    assert_string_equal(lm_roofline_level(&at, UINT64_MAX)->name, "DRAM");
    lm_ceilings_at none = {.threads = 1};
    assert_null(lm_roofline_level(&none, 1));
    assert_null(lm_roofline_level(NULL, 1));
}

static void test_a_compute_bound_case_is_held_to_the_peak(void **state) {
    (void)state;
    const lm_ceilings_at at = machine();
    lm_roof_placement p;
    /* 2 MFLOP over 32 KiB (L1) in 100 us: 61.04 FLOP/B, far right of L1's ridge (0.5 FLOP/B) */
    assert_true(lm_roofline_place(&at, 2000000, 32768, 1e-4, &p));
    assert_string_equal(p.level->name, "L1");
    assert_float_equal(p.intensity, 2000000.0 / 32768, 1e-9);
    assert_float_equal(p.attainable_gflops, 100, 1e-9);
    assert_false(p.memory_bound);
    assert_float_equal(p.achieved_gflops, 20, 1e-9);
    assert_float_equal(p.achieved_gbps, 0.32768, 1e-12);
    assert_float_equal(p.fraction, 0.2, 1e-12);
    assert_false(p.above_roof);
}

static void test_a_memory_bound_case_is_held_to_its_level(void **state) {
    (void)state;
    const lm_ceilings_at at = machine();
    lm_roof_placement p;
    /* 100 MFLOP over 100 MiB (DRAM) in 50 ms: 0.954 FLOP/B, left of DRAM's ridge (10 FLOP/B) */
    const uint64_t bytes = 100u << 20;
    assert_true(lm_roofline_place(&at, 100000000, bytes, 0.05, &p));
    assert_string_equal(p.level->name, "DRAM");
    assert_true(p.memory_bound);
    assert_float_equal(p.attainable_gflops, 10 * 1e8 / (double)bytes, 1e-9);
    assert_float_equal(p.fraction, (double)bytes / 0.05 / 1e9 / 10, 1e-12); /* 2.097 GB/s of 10 */
    /* no FLOP at all (a shuffle): intensity 0, nothing attainable, held to L2's bandwidth */
    assert_true(lm_roofline_place(&at, 0, 1 << 20, 1e-4, &p));
    assert_string_equal(p.level->name, "L2");
    assert_float_equal(p.intensity, 0, 0);
    assert_float_equal(p.attainable_gflops, 0, 0);
    assert_true(p.memory_bound);
    assert_float_equal(p.fraction, 1048576 / 1e-4 / 1e9 / 100, 1e-12);
}

static void test_the_ridge_and_the_flag(void **state) {
    (void)state;
    const lm_ceilings_at at = machine();
    lm_roof_placement p;
    /* exactly at L2's ridge (1 FLOP/B): compute bound, attainable the peak */
    assert_true(lm_roofline_place(&at, 1 << 20, 1 << 20, 1, &p));
    assert_false(p.memory_bound);
    assert_float_equal(p.attainable_gflops, 100, 1e-9);
    /* up to 5% above the roof is the ceilings' noise; more is a counting or timing error */
    assert_true(lm_roofline_place(&at, 0, 1 << 20, 1048576 / 1.04 / 100e9, &p));
    assert_float_equal(p.fraction, 1.04, 1e-9);
    assert_false(p.above_roof);
    assert_true(lm_roofline_place(&at, 0, 1 << 20, 1048576 / 1.2 / 100e9, &p));
    assert_true(p.above_roof);
}

static void test_the_memory_roof_comes_from_the_sweep(void **state) {
    (void)state;
    lm_ceilings_at at = machine();
    /* measured at 8 KiB, 1 MiB and 8 MiB: the best kind at each */
    const size_t bytes[] = {8 << 10, 1 << 20, 8 << 20};
    const double gbps[][LM_BW_KINDS] = {{190, 120, 210}, {80, 40, 60}, {30, 20, 25}};
    for (size_t i = 0; i < 3; i++) {
        at.sweep[i].bytes = bytes[i];
        memcpy(at.sweep[i].gbps, gbps[i], sizeof gbps[i]);
    }
    at.sweep_count = 3;
    assert_float_equal(lm_roofline_bandwidth(&at, 4 << 10), 200, 0);  /* below the sweep: L1's roof */
    assert_float_equal(lm_roofline_bandwidth(&at, 8 << 10), 210, 0);  /* at a point: its best kind */
    assert_float_equal(lm_roofline_bandwidth(&at, 1100000), 80, 0);   /* past 1 MiB: 1 MiB's, an upper bound */
    assert_float_equal(lm_roofline_bandwidth(&at, 100 << 20), 30, 0); /* past the last point */
    lm_roof_placement p;
    assert_true(lm_roofline_place(&at, 0, 1100000, 1100000 / 40e9, &p)); /* 40 GB/s of 80 */
    assert_string_equal(p.level->name, "L2");
    assert_float_equal(p.roof_gbps, 80, 0);
    assert_float_equal(p.fraction, 0.5, 1e-12);
    assert_float_equal(lm_roofline_bandwidth(NULL, 1), 0, 0);
}

static void test_what_cannot_be_placed(void **state) {
    (void)state;
    const lm_ceilings_at at = machine();
    lm_roof_placement p;
    assert_false(lm_roofline_place(&at, 100, 0, 1, &p));    /* no bytes: no intensity */
    assert_false(lm_roofline_place(&at, 100, 100, 0, &p));  /* no time */
    assert_false(lm_roofline_place(&at, 100, 100, -1, &p));
    assert_false(lm_roofline_place(NULL, 100, 100, 1, &p)); /* no ceilings at this thread count */
    lm_ceilings_at unmeasured = machine();
    unmeasured.peak_gflops = 0;
    assert_false(lm_roofline_place(&unmeasured, 100, 100, 1, &p));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_the_level_that_holds_the_working_set),
        cmocka_unit_test(test_a_compute_bound_case_is_held_to_the_peak),
        cmocka_unit_test(test_a_memory_bound_case_is_held_to_its_level),
        cmocka_unit_test(test_the_ridge_and_the_flag),
        cmocka_unit_test(test_the_memory_roof_comes_from_the_sweep),
        cmocka_unit_test(test_what_cannot_be_placed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
