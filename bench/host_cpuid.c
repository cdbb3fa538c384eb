/* CPU identity and SIMD features from libcpuid; the OS's register-state support from XGETBV. */
#include "host_internal.h"

#include <cpuid.h>
#include <libcpuid.h>
#include <stdint.h>

static const cpu_feature_t cpuid_feature_of[LM_SIMD_COUNT] = {
    [LM_SIMD_SSE4_2] = CPU_FEATURE_SSE4_2,       [LM_SIMD_AVX] = CPU_FEATURE_AVX,
    [LM_SIMD_AVX2] = CPU_FEATURE_AVX2,           [LM_SIMD_FMA] = CPU_FEATURE_FMA3,
    [LM_SIMD_F16C] = CPU_FEATURE_F16C,           [LM_SIMD_AVX512F] = CPU_FEATURE_AVX512F,
    [LM_SIMD_AVX512DQ] = CPU_FEATURE_AVX512DQ,   [LM_SIMD_AVX512CD] = CPU_FEATURE_AVX512CD,
    [LM_SIMD_AVX512BW] = CPU_FEATURE_AVX512BW,   [LM_SIMD_AVX512VL] = CPU_FEATURE_AVX512VL,
    [LM_SIMD_AVX512VNNI] = CPU_FEATURE_AVX512VNNI, [LM_SIMD_AVX512VBMI] = CPU_FEATURE_AVX512VBMI,
    [LM_SIMD_AVX512VBMI2] = CPU_FEATURE_AVX512VBMI2,
};

/* libcpuid warns on stderr about CPUs missing from its database; the probe reports "unknown" instead. */
static void ignore_warning(const char *message) { (void)message; }

/* XCR0, the register-state components the OS saves on a context switch; 0 when unavailable. */
static uint64_t os_saved_state(void) {
    unsigned eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx) || !(ecx & bit_OSXSAVE)) return 0;
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((uint64_t)hi << 32) | lo;
}

void lm_host_probe_cpuid(lm_host *host) {
    host->family = host->model = host->stepping = -1;
    lm_host_copy_field(host->vendor, sizeof host->vendor, NULL);
    lm_host_copy_field(host->brand, sizeof host->brand, NULL);
    lm_host_copy_field(host->microarchitecture, sizeof host->microarchitecture, NULL);

    const uint64_t xcr0 = os_saved_state();
    host->os_avx_state = (xcr0 & 0x6) == 0x6;       /* SSE and YMM state */
    host->os_avx512_state = (xcr0 & 0xe6) == 0xe6;  /* plus opmask, ZMM_Hi256 and Hi16_ZMM */

    cpuid_set_warn_function(ignore_warning);
    struct cpu_raw_data_t raw;
    struct cpu_id_t id;
    if (!cpuid_present() || cpuid_get_raw_data(&raw) != 0 || cpu_identify(&raw, &id) != 0) return;

    lm_host_copy_field(host->vendor, sizeof host->vendor, id.vendor_str);
    lm_host_copy_field(host->brand, sizeof host->brand, id.brand_str);
    lm_host_copy_field(host->microarchitecture, sizeof host->microarchitecture, id.cpu_codename);
    /* The displayed family and model include the extended fields, as /proc/cpuinfo shows them. */
    host->family = id.ext_family;
    host->model = id.ext_model;
    host->stepping = id.stepping;
    for (int f = 0; f < LM_SIMD_COUNT; f++) host->simd[f] = id.flags[cpuid_feature_of[f]] != 0;
    host->simd_known = true;
}
