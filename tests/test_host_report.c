/* The host probe's text and JSON forms: complete for this machine, and "unknown" where a host
 * reveals nothing (as virtual machines often do). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/host_report.h"

/* A host that revealed nothing at all: what the probe leaves when every source fails. */
static lm_host blank_host(void) {
    lm_host h = {0};
    strcpy(h.vendor, LM_HOST_UNKNOWN);
    strcpy(h.brand, LM_HOST_UNKNOWN);
    strcpy(h.microarchitecture, LM_HOST_UNKNOWN);
    strcpy(h.governor, LM_HOST_UNKNOWN);
    strcpy(h.os_name, LM_HOST_UNKNOWN);
    strcpy(h.kernel, LM_HOST_UNKNOWN);
    strcpy(h.host_name, LM_HOST_UNKNOWN);
    h.family = h.model = h.stepping = -1;
    h.mhz_current = h.mhz_max = -1;
    for (int i = 0; i < 3; i++) h.load_average[i] = -1;
    h.latmac_version = h.compiler = h.build_type = h.build_flags = h.benchmark_version = "x";
    return h;
}

static void assert_unknown(json_t *root, const char *path) {
    json_t *v = root;
    char buf[128];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *key = strtok(buf, "."); key; key = strtok(NULL, ".")) {
        v = json_object_get(v, key);
        if (!v) fail_msg("%s missing", path);
    }
    if (!json_is_string(v) || strcmp(json_string_value(v), LM_HOST_UNKNOWN) != 0) fail_msg("%s is not \"unknown\"", path);
}

static void test_blank_host_reads_unknown_in_json(void **state) {
    (void)state;
    lm_host h = blank_host();
    json_t *j = lm_host_to_json(&h);
    assert_non_null(j);
    const char *paths[] = {"cpu.vendor", "cpu.family", "cpu.model", "cpu.stepping", "cpu.simd",
                           "topology.packages", "topology.physical_cores", "topology.hardware_threads",
                           "topology.memory_bytes", "clock.current_mhz", "clock.max_mhz", "clock.governor",
                           "os.name"};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) assert_unknown(j, paths[i]);
    json_t *load = json_object_get(j, "load_average");
    assert_int_equal(json_array_size(load), 3);
    assert_string_equal(json_string_value(json_array_get(load, 0)), LM_HOST_UNKNOWN);
    assert_int_equal(json_array_size(json_object_get(json_object_get(j, "cpu"), "usable_simd")), 0);
    json_decref(j);
}

static char *text_of(const lm_host *h) {
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    assert_non_null(f);
    assert_int_equal(lm_host_write_text(f, h), 0);
    fclose(f);
    return buf;
}

static void test_blank_host_reads_unknown_in_text(void **state) {
    (void)state;
    lm_host h = blank_host();
    char *text = text_of(&h);
    assert_non_null(strstr(text, "SIMD            unknown"));
    assert_non_null(strstr(text, "Caches            unknown"));
    assert_non_null(strstr(text, "unknown now, unknown max, governor unknown"));
    assert_non_null(strstr(text, "unknown package(s), unknown physical core(s)"));
    free(text);
}

static void test_this_host_in_json_and_text(void **state) {
    (void)state;
    lm_host *h = lm_host_probe();
    assert_non_null(h);
    json_t *j = lm_host_to_json(h);
    json_t *caches = json_object_get(json_object_get(j, "topology"), "caches");
    assert_int_equal(json_array_size(caches), h->cache_count);
    for (size_t i = 0; i < h->cache_count; i++) {
        json_t *c = json_array_get(caches, i);
        assert_int_equal(json_integer_value(json_object_get(c, "size_bytes")), (json_int_t)h->caches[i].size_bytes);
        assert_int_equal(json_integer_value(json_object_get(c, "level")), h->caches[i].level);
        assert_int_equal(json_array_size(json_object_get(c, "shared_cpus")), h->caches[i].instances);
    }
    assert_string_equal(json_string_value(json_object_get(json_object_get(j, "cpu"), "brand")), h->brand);
    assert_int_equal(json_array_size(json_object_get(json_object_get(j, "topology"), "placement")), h->placement_count);
    json_decref(j);

    char *text = text_of(h);
    assert_non_null(strstr(text, h->brand));
    assert_non_null(strstr(text, "L1d"));
    free(text);
    lm_host_free(h);
}

static void test_write_failure_is_reported(void **state) {
    (void)state;
    lm_host h = blank_host();
    FILE *full = fopen("/dev/full", "w");
    if (!full) skip();
    assert_int_equal(lm_host_write_text(full, &h), -1);
    fclose(full);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_blank_host_reads_unknown_in_json),
        cmocka_unit_test(test_blank_host_reads_unknown_in_text),
        cmocka_unit_test(test_this_host_in_json_and_text),
        cmocka_unit_test(test_write_failure_is_reported),
    };
    return cmocka_run_group_tests_name("host_report", tests, NULL, NULL);
}
