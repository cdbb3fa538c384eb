/* The host's ceilings (bench/ceilings/ceilings.h) and their reports: figures that are positive and physically
 * possible on the probed CPU, levels and sweep as the contract orders them, the capacity rule on made-up
 * topologies, the JSON shape and the text. No speed relation is asserted (L1 faster than DRAM, say):
 * timing belongs to benchmarks, not to tests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "bench/ceilings/ceilings.h"
#include "reports/ceilings_report.h"
#include "bench/ceilings/roofline.h"
#include "bench/host/host.h"
#include "bench/host/isa.h"
#include "tests/isa_fixture.h"
#include "kernels/kernel.h"

#define KIB ((size_t)1 << 10)
#define MIB ((size_t)1 << 20)

static lm_host *host;
static lm_ceilings measured; /* at 1 thread, and 2 where the machine has them */
static unsigned usable;

/* Measures `h` at `threads` with tiny settings; fails the test on an error. */
static void measure(const lm_host *h, unsigned isas, const int *threads, size_t count, lm_ceilings *out) {
    const lm_ceilings_config cfg = {
        .host = h, .usable_isas = isas, .threads = threads, .thread_count = count, .repetitions = 3, .min_time = 0.002};
    char err[256] = "";
    if (lm_ceilings_measure(&cfg, out, err, sizeof err) != 0) fail_msg("lm_ceilings_measure: %s", err);
}

static int setup(void **state) {
    (void)state;
    host = lm_host_probe();
    if (!host) return -1;
    if (fixture_isas(host, &usable) != 0) { /* LATMAC_ISA caps what dispatch may use */
        lm_host_free(host);
        return -1;
    }
    static const int threads[] = {1, 2};
    measure(host, usable, threads, host->placement_count >= 2 ? 2 : 1, &measured);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    lm_host_free(host);
    return 0;
}

/* A generous clock bound: 1.5 x the probed maximum, else 6 GHz. */
static double clock_bound_ghz(void) { return host->mhz_max > 0 ? 1.5 * host->mhz_max / 1000 : 6.0; }

/* Lanes x 2 FLOP per FMA x 2 FMA units x the clock bound x threads. */
static double flops_bound(const char *isa, int threads) {
    const int lanes = strcmp(isa, "avx512") == 0 ? 16 : 8;
    return lanes * 2.0 * 2.0 * clock_bound_ghz() * threads;
}

/* 3 x 64 bytes per cycle (two loads and a store of a cache line) x the clock bound x threads. */
static double bandwidth_bound(int threads) { return 3 * 64.0 * clock_bound_ghz() * threads; }

static void assert_bandwidth(const double gbps[LM_BW_KINDS], int threads) {
    for (int k = 0; k < LM_BW_KINDS; k++)
        if (!(gbps[k] > 0 && gbps[k] < bandwidth_bound(threads)))
            fail_msg("%s bandwidth %g GB/s at %d thread(s) is not in (0, %g)", lm_bandwidth_kind_names[k], gbps[k],
                     threads, bandwidth_bound(threads));
}

static void test_thread_counts_in_order(void **state) {
    (void)state;
    assert_int_equal(measured.repetitions, 3);
    assert_true(measured.min_time == 0.002);
    assert_int_equal(measured.count, host->placement_count >= 2 ? 2 : 1);
    for (size_t i = 0; i < measured.count; i++) assert_int_equal(measured.at[i].threads, (int)i + 1);
}

static void test_peaks_are_possible(void **state) {
    (void)state;
    const bool avx2 = usable & LM_ISA_BIT(LM_ISA_AVX2), avx512 = usable & LM_ISA_BIT(LM_ISA_AVX512);
    for (size_t i = 0; i < measured.count; i++) {
        const lm_ceilings_at *at = &measured.at[i];
        assert_int_equal(at->peak_count, 2 * (avx2 + avx512));
        double highest = 0;
        for (size_t p = 0; p < at->peak_count; p++) {
            const lm_peak_flops *pk = &at->peaks[p];
            assert_true(strcmp(pk->isa, "avx2") == 0 ? avx2 : strcmp(pk->isa, "avx512") == 0 && avx512);
            assert_string_equal(pk->mix, p % 2 ? "fma+add" : "fma");
            if (!(pk->gflops > 0 && pk->gflops <= flops_bound(pk->isa, at->threads)))
                fail_msg("%s %s: %g GFLOP/s at %d thread(s) is not in (0, %g]", pk->isa, pk->mix, pk->gflops,
                         at->threads, flops_bound(pk->isa, at->threads));
            if (pk->gflops > highest) highest = pk->gflops;
        }
        assert_true(at->peak_gflops == highest);
    }
}

static void test_levels_from_l1_to_dram(void **state) {
    (void)state;
    for (size_t i = 0; i < measured.count; i++) {
        const lm_ceilings_at *at = &measured.at[i];
        assert_true(at->level_count >= 1 && at->level_count <= LM_CEILING_MAX_LEVELS);
        const lm_memory_level *dram = &at->levels[at->level_count - 1];
        assert_string_equal(dram->name, "DRAM");
        assert_true(dram->capacity_bytes == SIZE_MAX);
        assert_true(dram->working_set >= 64 * MIB - 64 * KIB);
        int last_level = 0;
        for (size_t l = 0; l < at->level_count; l++) {
            const lm_memory_level *level = &at->levels[l];
            if (l + 1 < at->level_count) {
                int n;
                assert_int_equal(sscanf(level->name, "L%d", &n), 1);
                assert_true(n > last_level);
                last_level = n;
                assert_true(level->working_set <= level->capacity_bytes / 2);
                assert_true(level->working_set > level->capacity_bytes / 4);
                assert_true(dram->working_set >= 4 * level->capacity_bytes - 64 * KIB);
            }
            if (l) assert_true(level->capacity_bytes > at->levels[l - 1].capacity_bytes);
            assert_bandwidth(level->gbps, at->threads);
            double roof = 0;
            for (int k = 0; k < LM_BW_KINDS; k++) roof = level->gbps[k] > roof ? level->gbps[k] : roof;
            assert_true(level->roof_gbps == roof);
        }
    }
}

static void test_sweep_covers_every_level(void **state) {
    (void)state;
    for (size_t i = 0; i < measured.count; i++) {
        const lm_ceilings_at *at = &measured.at[i];
        assert_true(at->sweep_count >= 2 && at->sweep_count <= LM_CEILING_MAX_SWEEP);
        assert_true(at->sweep[0].bytes <= at->levels[0].capacity_bytes);
        assert_true(at->sweep[at->sweep_count - 1].bytes >= at->levels[at->level_count - 1].working_set);
        for (size_t s = 0; s < at->sweep_count; s++) {
            if (s) assert_true(at->sweep[s].bytes > at->sweep[s - 1].bytes);
            assert_int_equal(at->sweep[s].bytes % ((size_t)at->threads * 64), 0); /* whole lines per thread */
            assert_bandwidth(at->sweep[s].gbps, at->threads);
        }
        for (size_t l = 0; l < at->level_count; l++) {
            bool found = false;
            for (size_t s = 0; s < at->sweep_count && !found; s++) {
                found = at->sweep[s].bytes == at->levels[l].working_set;
                if (found) assert_memory_equal(at->sweep[s].gbps, at->levels[l].gbps, sizeof at->levels[l].gbps);
            }
            if (!found) fail_msg("%s's working set is not a sweep point", at->levels[l].name);
        }
    }
}

static void test_find(void **state) {
    (void)state;
    assert_ptr_equal(lm_ceilings_find(&measured, 1), &measured.at[0]);
    if (measured.count > 1) assert_ptr_equal(lm_ceilings_find(&measured, 2), &measured.at[1]);
    assert_null(lm_ceilings_find(&measured, 0));
    assert_null(lm_ceilings_find(&measured, 1000));
    assert_null(lm_ceilings_find(NULL, 1));
}

static void test_bad_configurations(void **state) {
    (void)state;
    static lm_ceilings out;
    const int zero = 0, one = 1;
    char err[256] = "";
    lm_ceilings_config cfg = {.host = host, .threads = &one, .thread_count = 1, .repetitions = 0, .min_time = 0.001};
    assert_int_equal(lm_ceilings_measure(&cfg, &out, err, sizeof err), -1);
    assert_non_null(strstr(err, "repetitions"));
    cfg.repetitions = 1, cfg.threads = &zero;
    assert_int_equal(lm_ceilings_measure(&cfg, &out, err, sizeof err), -1);
    assert_non_null(strstr(err, "0 threads"));
    cfg.host = NULL;
    assert_int_equal(lm_ceilings_measure(&cfg, &out, err, sizeof err), -1);
}

/* Cache capacities for two threads on made-up topologies: each level's size times the instances the
 * placement slots 0 and 1 reach (measured with the plain-C loops: no usable instruction set). */
typedef struct fake_cache {
    int level;
    const char *type;
    uint64_t size;
    unsigned instances, cores_per_instance;
    char *cpus[2]; /* NULL: the probe gave no cpu lists */
} fake_cache;

static void assert_capacities(fake_cache *caches, size_t count, const size_t *expected, size_t expected_count) {
    lm_host fake = {0};
    lm_host_cache hc[4];
    for (size_t i = 0; i < count; i++)
        hc[i] = (lm_host_cache){.level = caches[i].level, .type = caches[i].type, .size_bytes = caches[i].size,
                                .line_bytes = 64, .instances = caches[i].instances,
                                .cores_per_instance = caches[i].cores_per_instance,
                                .shared_cpus = caches[i].cpus[0] ? caches[i].cpus : NULL};
    unsigned placement[] = {0, 1};
    fake.caches = hc, fake.cache_count = count, fake.placement = placement, fake.placement_count = 2;
    static lm_ceilings out;
    const int two = 2;
    measure(&fake, LM_ISA_BIT(LM_ISA_REFERENCE), &two, 1, &out);
    const lm_ceilings_at *at = &out.at[0];
    assert_int_equal(at->peak_count, 0);
    assert_int_equal(at->level_count, expected_count + 1);
    for (size_t i = 0; i < expected_count; i++) assert_int_equal(at->levels[i].capacity_bytes, expected[i]);
    assert_bandwidth(at->levels[at->level_count - 1].gbps, 2);
}

static void test_private_and_shared_capacities(void **state) {
    (void)state;
    /* one core per cpu: L1 private (listed), L2 private (no lists: one instance per core), L3 shared */
    fake_cache caches[] = {
        {1, "data", 32 * KIB, 2, 1, {"0", "1"}},
        {1, "instruction", 32 * KIB, 2, 1, {"0", "1"}},
        {2, "unified", 1 * MIB, 2, 1, {NULL}},
        {3, "unified", 8 * MIB, 1, 2, {"0-1", NULL}},
    };
    const size_t expected[] = {64 * KIB, 2 * MIB, 8 * MIB};
    assert_capacities(caches, 4, expected, 3);
}

static void test_hardware_threads_of_one_core_share_its_caches(void **state) {
    (void)state;
    /* cpus 0 and 1 are the two hardware threads of one core; the core's L2 listed as "0,1" */
    fake_cache caches[] = {
        {1, "data", 48 * KIB, 2, 1, {"0-1", "2-3"}},
        {2, "unified", 2 * MIB, 2, 1, {"0,1", "2,3"}},
    };
    const size_t expected[] = {48 * KIB, 2 * MIB};
    assert_capacities(caches, 2, expected, 2);
}

static void test_json_shape(void **state) {
    (void)state;
    json_t *root = lm_ceilings_to_json(&measured);
    assert_non_null(root);
    assert_int_equal(json_integer_value(json_object_get(root, "repetitions")), 3);
    assert_true(json_real_value(json_object_get(root, "min_time_seconds")) == 0.002);
    json_t *at = json_object_get(root, "at");
    assert_int_equal(json_array_size(at), measured.count);
    for (size_t i = 0; i < measured.count; i++) {
        json_t *a = json_array_get(at, i);
        assert_int_equal(json_integer_value(json_object_get(a, "threads")), measured.at[i].threads);
        assert_true(json_is_real(json_object_get(a, "peak_gflops")));
        json_t *peaks = json_object_get(a, "peaks"), *levels = json_object_get(a, "levels"),
               *sweep = json_object_get(a, "sweep");
        assert_int_equal(json_array_size(peaks), measured.at[i].peak_count);
        for (size_t p = 0; p < json_array_size(peaks); p++) {
            json_t *o = json_array_get(peaks, p);
            assert_true(json_is_string(json_object_get(o, "isa")) && json_is_string(json_object_get(o, "mix")));
            assert_true(json_is_real(json_object_get(o, "gflops")));
        }
        assert_int_equal(json_array_size(levels), measured.at[i].level_count);
        for (size_t l = 0; l < json_array_size(levels); l++) {
            json_t *o = json_array_get(levels, l);
            const bool dram = l + 1 == json_array_size(levels);
            assert_string_equal(json_string_value(json_object_get(o, "name")), measured.at[i].levels[l].name);
            if (dram) assert_string_equal(json_string_value(json_object_get(o, "capacity_bytes")), "unbounded");
            else assert_true(json_is_integer(json_object_get(o, "capacity_bytes")));
            assert_true(json_is_integer(json_object_get(o, "working_set_bytes")));
            const char *keys[] = {"read_gbps", "write_gbps", "copy_gbps", "roof_gbps"};
            for (size_t k = 0; k < 4; k++) assert_true(json_is_real(json_object_get(o, keys[k])));
        }
        assert_int_equal(json_array_size(sweep), measured.at[i].sweep_count);
        for (size_t s = 0; s < json_array_size(sweep); s++) {
            json_t *o = json_array_get(sweep, s);
            assert_int_equal(json_integer_value(json_object_get(o, "bytes")), measured.at[i].sweep[s].bytes);
            const char *keys[] = {"read_gbps", "write_gbps", "copy_gbps"};
            for (size_t k = 0; k < 3; k++) assert_true(json_is_real(json_object_get(o, keys[k])));
        }
    }
    json_decref(root);
}

static void test_text(void **state) {
    (void)state;
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);
    assert_non_null(f);
    assert_int_equal(lm_ceilings_write_text(f, &measured), 0);
    fclose(f);
    const char *expected[] = {"median of 3 repetitions of at least 0.002 s", "\n1 thread(s)\n", "Peak FP32 arithmetic: ",
                              "level", "capacity", "working set", "read GB/s", "write GB/s", "copy GB/s",
                              "roof GB/s", "\n  L1 ", "\n  DRAM ", "unbounded", "8 KiB"};
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++)
        if (!strstr(text, expected[i])) fail_msg("'%s' missing from:\n%s", expected[i], text);
    /* a peak per SIMD instruction set; none to name on a host (or under a cap) without one */
    if (usable & LM_ISA_BIT(LM_ISA_AVX2)) assert_non_null(strstr(text, "fma+add"));
    else assert_non_null(strstr(text, "not measured (no AVX2 or AVX-512 here, or the cap leaves them out)"));
    free(text);
}

static void test_text_write_failure(void **state) {
    (void)state;
    FILE *full = fopen("/dev/full", "w");
    if (!full) skip();
    assert_int_equal(lm_ceilings_write_text(full, &measured), -1);
    fclose(full);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_thread_counts_in_order),
        cmocka_unit_test(test_peaks_are_possible),
        cmocka_unit_test(test_levels_from_l1_to_dram),
        cmocka_unit_test(test_sweep_covers_every_level),
        cmocka_unit_test(test_find),
        cmocka_unit_test(test_bad_configurations),
        cmocka_unit_test(test_private_and_shared_capacities),
        cmocka_unit_test(test_hardware_threads_of_one_core_share_its_caches),
        cmocka_unit_test(test_json_shape),
        cmocka_unit_test(test_text),
        cmocka_unit_test(test_text_write_failure),
    };
    return cmocka_run_group_tests_name("ceilings", tests, setup, teardown);
}
