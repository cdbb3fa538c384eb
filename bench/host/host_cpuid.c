/* CPU identity from libcpuid; SIMD features from the architectural CPUID bits and the OS's
 * register-state support from XGETBV, read the same way on every vendor.
 *
 * libcpuid's feature flags are not trusted for dispatch: its tables follow each vendor's CPU models,
 * and a model newer than the library can lose a flag its CPUID sets (libcpuid 0.6.2 reports no AVX-512
 * on AMD Zen 5, whose leaf 7 sets AVX512F/DQ/BW/VL). Its flags are kept only to say where they
 * differ from the bits. */
#include "bench/host/host_internal.h"

#include <cpuid.h>
#include <libcpuid.h>
#include <stdint.h>

/* Where each feature lives in CPUID: leaf 1 ECX, or leaf 7 (sub-leaf 0) EBX or ECX. */
typedef enum cpuid_register { LEAF1_ECX, LEAF7_EBX, LEAF7_ECX } cpuid_register;

static const struct {
    cpuid_register reg;
    unsigned bit;
    cpu_feature_t libcpuid_flag;
} feature_bits[LM_SIMD_COUNT] = {
    [LM_SIMD_SSE4_2] = {LEAF1_ECX, 20, CPU_FEATURE_SSE4_2},
    [LM_SIMD_AVX] = {LEAF1_ECX, 28, CPU_FEATURE_AVX},
    [LM_SIMD_AVX2] = {LEAF7_EBX, 5, CPU_FEATURE_AVX2},
    [LM_SIMD_FMA] = {LEAF1_ECX, 12, CPU_FEATURE_FMA3},
    [LM_SIMD_F16C] = {LEAF1_ECX, 29, CPU_FEATURE_F16C},
    [LM_SIMD_AVX512F] = {LEAF7_EBX, 16, CPU_FEATURE_AVX512F},
    [LM_SIMD_AVX512DQ] = {LEAF7_EBX, 17, CPU_FEATURE_AVX512DQ},
    [LM_SIMD_AVX512CD] = {LEAF7_EBX, 28, CPU_FEATURE_AVX512CD},
    [LM_SIMD_AVX512BW] = {LEAF7_EBX, 30, CPU_FEATURE_AVX512BW},
    [LM_SIMD_AVX512VL] = {LEAF7_EBX, 31, CPU_FEATURE_AVX512VL},
    [LM_SIMD_AVX512VNNI] = {LEAF7_ECX, 11, CPU_FEATURE_AVX512VNNI},
    [LM_SIMD_AVX512VBMI] = {LEAF7_ECX, 1, CPU_FEATURE_AVX512VBMI},
    [LM_SIMD_AVX512VBMI2] = {LEAF7_ECX, 6, CPU_FEATURE_AVX512VBMI2},
};

/* libcpuid warns on stderr about CPUs missing from its database; the probe reports "unknown" instead. */
static void ignore_warning(const char *message) { (void)message; }

/* XCR0, the register-state components the OS saves on a context switch; 0 when unavailable. */
static uint64_t os_saved_state(unsigned leaf1_ecx) {
    if (!(leaf1_ecx & bit_OSXSAVE)) return 0;
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((uint64_t)hi << 32) | lo;
}

/* The architectural feature bits; false when CPUID has no leaf 1. */
static bool read_feature_bits(lm_host *host, unsigned *leaf1_ecx) {
    unsigned eax, ebx, ecx, edx, regs[3] = {0, 0, 0};
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return false;
    regs[LEAF1_ECX] = *leaf1_ecx = ecx;
    if (__get_cpuid_max(0, NULL) >= 7) {
        __cpuid_count(7, 0, eax, ebx, ecx, edx);
        regs[LEAF7_EBX] = ebx, regs[LEAF7_ECX] = ecx;
    }
    for (int f = 0; f < LM_SIMD_COUNT; f++) host->simd[f] = (regs[feature_bits[f].reg] >> feature_bits[f].bit) & 1u;
    return true;
}

void lm_host_probe_cpuid(lm_host *host) {
    host->family = host->model = host->stepping = -1;
    lm_host_copy_field(host->vendor, sizeof host->vendor, NULL);
    lm_host_copy_field(host->brand, sizeof host->brand, NULL);
    lm_host_copy_field(host->microarchitecture, sizeof host->microarchitecture, NULL);

    unsigned leaf1_ecx = 0;
    host->simd_known = read_feature_bits(host, &leaf1_ecx);
    const uint64_t xcr0 = os_saved_state(leaf1_ecx);
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
    host->libcpuid_known = true;
    for (int f = 0; f < LM_SIMD_COUNT; f++) host->libcpuid_simd[f] = id.flags[feature_bits[f].libcpuid_flag] != 0;
}
