/* The host probe: every field is filled or "unknown", the topology is consistent, placement puts one
 * thread per physical core first, and binding puts the thread where it says (one slot, or several). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <hwloc.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "bench/host/host.h"
#include "bench/host/host_internal.h"

static int probe(void **state) {
    *state = lm_host_probe();
    return *state ? 0 : -1;
}

static int release(void **state) {
    lm_host_free(*state);
    return 0;
}

static void assert_filled(const char *field) {
    assert_non_null(field);
    assert_true(strlen(field) > 0);
    assert_true(field[0] != ' ' && field[strlen(field) - 1] != ' ');
}

static void test_identity_fields_are_filled_or_unknown(void **state) {
    const lm_host *h = *state;
    const char *fields[] = {h->vendor, h->brand, h->microarchitecture, h->governor, h->os_name, h->kernel,
                            h->host_name, h->latmac_version, h->compiler, h->build_type, h->build_flags,
                            h->benchmark_version};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) assert_filled(fields[i]);
    if (h->family < 0) assert_true(h->model < 0 && h->stepping < 0);
    else assert_true(h->model >= 0 && h->stepping >= 0);
    if (h->mhz_current >= 0) assert_true(h->mhz_current > 100 && h->mhz_current < 10000);
    for (int i = 0; i < 3; i++) assert_true(h->load_average[i] >= 0 || h->load_average[i] == -1.0);
}

static void test_simd_usable_needs_cpu_and_os(void **state) {
    const lm_host *h = *state;
    for (int f = 0; f < LM_SIMD_COUNT; f++) {
        assert_filled(lm_simd_name(f));
        for (int g = 0; g < f; g++) assert_string_not_equal(lm_simd_name(f), lm_simd_name(g));
        if (lm_host_simd_usable(h, f)) assert_true(h->simd_known && h->simd[f]);
    }
    assert_string_equal(lm_simd_name(LM_SIMD_COUNT), LM_HOST_UNKNOWN);
    if (lm_host_simd_usable(h, LM_SIMD_AVX2)) assert_true(h->os_avx_state);
    if (lm_host_simd_usable(h, LM_SIMD_AVX512F)) assert_true(h->os_avx512_state);
    /* The same answer the compiler's own check gives, feature by feature (it reads the same CPUID bits
     * on every vendor and also consults the OS), so a probe that trusts a vendor table fails here. */
    __builtin_cpu_init();
    const struct {
        lm_simd feature;
        int compiler;
    } same[] = {
        {LM_SIMD_SSE4_2, __builtin_cpu_supports("sse4.2")},     {LM_SIMD_AVX, __builtin_cpu_supports("avx")},
        {LM_SIMD_AVX2, __builtin_cpu_supports("avx2")},         {LM_SIMD_FMA, __builtin_cpu_supports("fma")},
        {LM_SIMD_F16C, __builtin_cpu_supports("f16c")},         {LM_SIMD_AVX512F, __builtin_cpu_supports("avx512f")},
        {LM_SIMD_AVX512DQ, __builtin_cpu_supports("avx512dq")}, {LM_SIMD_AVX512CD, __builtin_cpu_supports("avx512cd")},
        {LM_SIMD_AVX512BW, __builtin_cpu_supports("avx512bw")}, {LM_SIMD_AVX512VL, __builtin_cpu_supports("avx512vl")},
        {LM_SIMD_AVX512VNNI, __builtin_cpu_supports("avx512vnni")},
        {LM_SIMD_AVX512VBMI, __builtin_cpu_supports("avx512vbmi")},
        {LM_SIMD_AVX512VBMI2, __builtin_cpu_supports("avx512vbmi2")},
    };
    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++) {
        const bool ours = lm_host_simd_usable(h, same[i].feature);
        if (ours != (same[i].compiler != 0))
            fail_msg("%s: latmac says %s, the compiler's check %s", lm_simd_name(same[i].feature), ours ? "usable" : "not usable",
                     same[i].compiler ? "usable" : "not usable");
    }
}

/* libcpuid's flags are compared with the CPUID bits, never used: a disagreement is reported, whichever
 * way it goes, and only where both sources answered. */
static void test_libcpuid_disagreements_are_reported(void **state) {
    (void)state;
    lm_host h = {.simd_known = true, .libcpuid_known = true};
    h.simd[LM_SIMD_AVX512F] = true;               /* CPUID sets it, libcpuid misses it (AMD Zen 5) */
    h.libcpuid_simd[LM_SIMD_AVX2] = true;         /* libcpuid reports one CPUID does not set */
    h.simd[LM_SIMD_FMA] = h.libcpuid_simd[LM_SIMD_FMA] = true;
    assert_true(lm_host_libcpuid_disagrees(&h, LM_SIMD_AVX512F));
    assert_true(lm_host_libcpuid_disagrees(&h, LM_SIMD_AVX2));
    assert_false(lm_host_libcpuid_disagrees(&h, LM_SIMD_FMA));
    assert_false(lm_host_libcpuid_disagrees(&h, LM_SIMD_SSE4_2));
    assert_false(lm_host_libcpuid_disagrees(&h, LM_SIMD_COUNT));
    h.libcpuid_known = false; /* libcpuid could not identify the CPU: nothing to compare */
    assert_false(lm_host_libcpuid_disagrees(&h, LM_SIMD_AVX512F));
    /* dispatch follows the bits: usable with the OS's ZMM state, whatever libcpuid said */
    h.os_avx_state = h.os_avx512_state = true;
    assert_true(lm_host_simd_usable(&h, LM_SIMD_AVX512F));
    assert_false(lm_host_simd_usable(&h, LM_SIMD_AVX2));
    h.os_avx512_state = false;
    assert_false(lm_host_simd_usable(&h, LM_SIMD_AVX512F));
}

static void test_topology_is_consistent(void **state) {
    const lm_host *h = *state;
    assert_true(h->packages > 0 && h->cores >= h->packages && h->hw_threads >= h->cores);
    assert_int_equal(h->placement_count, h->hw_threads);
    assert_true(h->memory_bytes > 0);
    for (size_t i = 0; i < h->numa_count; i++) assert_true(h->numa_nodes[i].memory_bytes <= h->memory_bytes);
    assert_true(h->cache_count > 0);
    for (size_t i = 0; i < h->cache_count; i++) {
        const lm_host_cache *c = &h->caches[i];
        assert_true(c->level >= 1);
        if (i > 0) assert_true(c->level >= h->caches[i - 1].level);
        assert_true(strcmp(c->type, "data") == 0 || strcmp(c->type, "instruction") == 0 ||
                    strcmp(c->type, "unified") == 0);
        assert_true(c->size_bytes > 0);
        assert_true(c->instances > 0 && c->instances <= h->hw_threads);
        for (unsigned j = 0; j < c->instances; j++) assert_filled(c->shared_cpus[j]);
    }
    /* Higher levels are at least as large as lower ones of the same kind. */
    for (size_t i = 1; i < h->cache_count; i++)
        if (strcmp(h->caches[i].type, "instruction") != 0 && strcmp(h->caches[i - 1].type, "instruction") != 0)
            assert_true(h->caches[i].size_bytes >= h->caches[i - 1].size_bytes);
}

static void test_placement_takes_each_core_once_first(void **state) {
    const lm_host *h = *state;
    hwloc_topology_t topo;
    assert_int_equal(hwloc_topology_init(&topo), 0);
    assert_int_equal(hwloc_topology_load(topo), 0);
    hwloc_bitmap_t cores_seen = hwloc_bitmap_alloc(), pus_seen = hwloc_bitmap_alloc();
    for (size_t i = 0; i < h->placement_count; i++) {
        assert_false(hwloc_bitmap_isset(pus_seen, h->placement[i])); /* each hardware thread once */
        hwloc_bitmap_set(pus_seen, h->placement[i]);
        hwloc_obj_t pu = hwloc_get_pu_obj_by_os_index(topo, h->placement[i]);
        assert_non_null(pu);
        hwloc_obj_t core = hwloc_get_ancestor_obj_by_type(topo, HWLOC_OBJ_CORE, pu);
        assert_non_null(core);
        /* The first `cores` slots land on distinct cores. */
        if (i < h->cores) assert_false(hwloc_bitmap_isset(cores_seen, core->logical_index));
        hwloc_bitmap_set(cores_seen, core->logical_index);
    }
    assert_int_equal(hwloc_bitmap_weight(cores_seen), (int)h->cores);
    hwloc_bitmap_free(cores_seen);
    hwloc_bitmap_free(pus_seen);
    hwloc_topology_destroy(topo);
}

static void test_binding_moves_the_thread(void **state) {
    const lm_host *h = *state;
    assert_int_equal(lm_host_bind_current_thread(h, h->placement_count), -EINVAL);
    cpu_set_t before;
    assert_int_equal(sched_getaffinity(0, sizeof before, &before), 0);
    for (size_t slot = 0; slot < h->placement_count; slot++) {
        int rc = lm_host_bind_current_thread(h, slot);
        if (rc == -EPERM || rc == -ENOSYS || rc == -EXDEV) skip(); /* binding not allowed here */
        assert_int_equal(rc, 0);
        cpu_set_t now;
        assert_int_equal(sched_getaffinity(0, sizeof now, &now), 0);
        assert_int_equal(CPU_COUNT(&now), 1);
        assert_true(CPU_ISSET(h->placement[slot], &now));
        assert_int_equal(sched_getcpu(), (int)h->placement[slot]);
    }
    assert_int_equal(sched_setaffinity(0, sizeof before, &before), 0);
}

static void test_binding_to_slots_confines_the_thread_to_them(void **state) {
    const lm_host *h = *state;
    assert_int_equal(lm_host_bind_current_thread_to_slots(h, 0), -EINVAL);
    assert_int_equal(lm_host_bind_current_thread_to_slots(h, h->placement_count + 1), -EINVAL);
    cpu_set_t before;
    assert_int_equal(sched_getaffinity(0, sizeof before, &before), 0);
    for (size_t count = 1; count <= h->placement_count; count++) {
        int rc = lm_host_bind_current_thread_to_slots(h, count);
        if (rc == -EPERM || rc == -ENOSYS || rc == -EXDEV) skip(); /* binding not allowed here */
        assert_int_equal(rc, 0);
        cpu_set_t now;
        assert_int_equal(sched_getaffinity(0, sizeof now, &now), 0);
        assert_int_equal(CPU_COUNT(&now), (int)count);
        for (size_t slot = 0; slot < count; slot++) assert_true(CPU_ISSET(h->placement[slot], &now));
    }
    assert_int_equal(sched_setaffinity(0, sizeof before, &before), 0);
}

static void test_copy_field_trims_and_marks_unknown(void **state) {
    (void)state;
    char buf[8];
    lm_host_copy_field(buf, sizeof buf, "  Intel  ");
    assert_string_equal(buf, "Intel");
    lm_host_copy_field(buf, sizeof buf, "   ");
    assert_string_equal(buf, LM_HOST_UNKNOWN);
    lm_host_copy_field(buf, sizeof buf, NULL);
    assert_string_equal(buf, LM_HOST_UNKNOWN);
    lm_host_copy_field(buf, sizeof buf, "a much longer value");
    assert_string_equal(buf, "a much"); /* truncated to fit, then trimmed again */
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_identity_fields_are_filled_or_unknown, probe, release),
        cmocka_unit_test_setup_teardown(test_simd_usable_needs_cpu_and_os, probe, release),
        cmocka_unit_test(test_libcpuid_disagreements_are_reported),
        cmocka_unit_test_setup_teardown(test_topology_is_consistent, probe, release),
        cmocka_unit_test_setup_teardown(test_placement_takes_each_core_once_first, probe, release),
        cmocka_unit_test_setup_teardown(test_binding_moves_the_thread, probe, release),
        cmocka_unit_test_setup_teardown(test_binding_to_slots_confines_the_thread_to_them, probe, release),
        cmocka_unit_test(test_copy_field_trims_and_marks_unknown),
    };
    return cmocka_run_group_tests_name("host", tests, NULL, NULL);
}
