/* Instruction-set caps (bench/host/isa.h): names, the sets under a cap, --isa lists and LATMAC_ISA, on
 * synthetic hosts (an AVX2-only one and an AVX-512 one) so the rules hold whatever this machine has. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "bench/host/isa.h"

#define REF LM_ISA_BIT(LM_ISA_REFERENCE)
#define AVX2 LM_ISA_BIT(LM_ISA_AVX2)
#define AVX512 LM_ISA_BIT(LM_ISA_AVX512)

/* A host whose CPUID sets `features` and whose OS saves YMM (and, when zmm, ZMM) state. */
static lm_host fake_host(const lm_simd *features, size_t count, bool zmm) {
    lm_host h = {.simd_known = true, .os_avx_state = true, .os_avx512_state = zmm};
    for (size_t i = 0; i < count; i++) h.simd[features[i]] = true;
    return h;
}

static void test_usable_sets_follow_features_and_os(void **state) {
    (void)state;
    const lm_simd avx2_only[] = {LM_SIMD_AVX, LM_SIMD_AVX2, LM_SIMD_FMA};
    const lm_simd avx512[] = {LM_SIMD_AVX, LM_SIMD_AVX2, LM_SIMD_FMA, LM_SIMD_AVX512F, LM_SIMD_AVX512DQ,
                              LM_SIMD_AVX512BW, LM_SIMD_AVX512VL};
    lm_host zen1 = fake_host(avx2_only, 3, false), turin = fake_host(avx512, 7, true);
    assert_int_equal(lm_usable_isas(&zen1), REF | AVX2);
    assert_int_equal(lm_usable_isas(&turin), REF | AVX2 | AVX512);
    turin.os_avx512_state = false; /* the CPU has it, the OS does not save ZMM registers */
    assert_int_equal(lm_usable_isas(&turin), REF | AVX2);
    const lm_simd no_fma[] = {LM_SIMD_AVX, LM_SIMD_AVX2};
    lm_host odd = fake_host(no_fma, 2, false);
    assert_int_equal(lm_usable_isas(&odd), REF); /* AVX2 kernels also need FMA */
    lm_host unknown = {0};
    assert_int_equal(lm_usable_isas(&unknown), REF);
}

static void test_caps_names_and_best(void **state) {
    (void)state;
    assert_int_equal(lm_isas_up_to(REF | AVX2 | AVX512, LM_ISA_AVX2), REF | AVX2);
    assert_int_equal(lm_isas_up_to(REF | AVX2 | AVX512, LM_ISA_REFERENCE), REF);
    assert_int_equal(lm_isas_up_to(REF | AVX2, LM_ISA_AVX512), REF | AVX2); /* a cap above the host's best */
    assert_int_equal(lm_isa_best(REF | AVX2 | AVX512), LM_ISA_AVX512);
    assert_int_equal(lm_isa_best(REF | AVX2), LM_ISA_AVX2);
    assert_int_equal(lm_isa_best(0), LM_ISA_REFERENCE);
    assert_int_equal(lm_isa_from_name("avx512"), LM_ISA_AVX512);
    assert_int_equal(lm_isa_from_name("ref"), LM_ISA_REFERENCE);
    assert_int_equal(lm_isa_from_name("reference"), LM_ISA_REFERENCE);
    assert_int_equal(lm_isa_from_name("AVX2"), -1);
    assert_int_equal(lm_isa_from_name(""), -1);
    char buf[64];
    assert_string_equal(lm_isa_list_text(REF | AVX2, buf, sizeof buf), "avx2, reference");
    assert_string_equal(lm_isa_list_text(0, buf, sizeof buf), "reference");
}

/* The caps of names[0..n) added in turn: 0 and the set, or -1 at the first refusal. */
static int add_caps(const char *const *names, size_t n, unsigned usable, size_t capacity, unsigned *set, char *err,
                    size_t err_size) {
    *set = 0;
    for (size_t i = 0; i < n; i++)
        if (lm_isa_cap_add(names[i], usable, capacity, set, err, err_size) != 0) return -1;
    return 0;
}

static void test_isa_caps(void **state) {
    (void)state;
    lm_isa caps[LM_ISA_COUNT];
    unsigned set;
    char err[256];
    assert_int_equal(add_caps((const char *const[]){"avx2", "avx512"}, 2, REF | AVX2 | AVX512, LM_ISA_COUNT, &set, err,
                              sizeof err),
                     0);
    assert_int_equal(lm_isa_caps_best_first(set, caps), 2);
    assert_int_equal(caps[0], LM_ISA_AVX512); /* best first, whatever the order given */
    assert_int_equal(caps[1], LM_ISA_AVX2);
    assert_int_equal(add_caps((const char *const[]){"ref"}, 1, REF, LM_ISA_COUNT, &set, err, sizeof err), 0);
    assert_int_equal(lm_isa_caps_best_first(set, caps), 1);
    assert_int_equal(caps[0], LM_ISA_REFERENCE);
    /* each refused with a reason */
    const struct {
        const char *names[2];
        size_t n;
        const char *reason;
    } bad[] = {{{"avx512"}, 1, "cannot run avx512"}, {{"sse2"}, 1, "unknown instruction set"},
               {{"avx2", "avx2"}, 2, "listed twice"}, {{""}, 1, "unknown instruction set"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        assert_int_equal(add_caps(bad[i].names, bad[i].n, REF | AVX2, LM_ISA_COUNT, &set, err, sizeof err), -1);
        if (!strstr(err, bad[i].reason)) fail_msg("'%s': '%s' does not say '%s'", bad[i].names[0], err, bad[i].reason);
    }
    assert_int_equal(add_caps((const char *const[]){"avx2", "ref"}, 2, REF | AVX2, 1, &set, err, sizeof err), -1);
    assert_non_null(strstr(err, "more than 1"));
}

static void test_environment_caps_dispatch(void **state) {
    (void)state;
    const lm_simd avx2_only[] = {LM_SIMD_AVX, LM_SIMD_AVX2, LM_SIMD_FMA};
    lm_host zen1 = fake_host(avx2_only, 3, false);
    unsigned isas;
    char err[256];
    assert_int_equal(unsetenv(LM_ISA_ENV), 0);
    assert_int_equal(lm_isas_from_env(&zen1, &isas, err, sizeof err), 0);
    assert_int_equal(isas, REF | AVX2);
    assert_int_equal(setenv(LM_ISA_ENV, "ref", 1), 0);
    assert_int_equal(lm_isas_from_env(&zen1, &isas, err, sizeof err), 0);
    assert_int_equal(isas, REF);
    assert_int_equal(setenv(LM_ISA_ENV, "avx512", 1), 0); /* a cap, not a demand: the best below it */
    assert_int_equal(lm_isas_from_env(&zen1, &isas, err, sizeof err), 0);
    assert_int_equal(isas, REF | AVX2);
    assert_int_equal(setenv(LM_ISA_ENV, "sse9", 1), 0);
    assert_int_equal(lm_isas_from_env(&zen1, &isas, err, sizeof err), -1);
    assert_non_null(strstr(err, "LATMAC_ISA=sse9"));
    assert_int_equal(unsetenv(LM_ISA_ENV), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_usable_sets_follow_features_and_os),
        cmocka_unit_test(test_caps_names_and_best),
        cmocka_unit_test(test_isa_caps),
        cmocka_unit_test(test_environment_caps_dispatch),
    };
    return cmocka_run_group_tests_name("isa", tests, NULL, NULL);
}
