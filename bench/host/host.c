/* Assembles the host description from its parts (see host_internal.h). */
#include "bench/host/host_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static const char *const simd_names[LM_SIMD_COUNT] = {
    [LM_SIMD_SSE4_2] = "sse4_2",       [LM_SIMD_AVX] = "avx",           [LM_SIMD_AVX2] = "avx2",
    [LM_SIMD_FMA] = "fma",             [LM_SIMD_F16C] = "f16c",         [LM_SIMD_AVX512F] = "avx512f",
    [LM_SIMD_AVX512DQ] = "avx512dq",   [LM_SIMD_AVX512CD] = "avx512cd", [LM_SIMD_AVX512BW] = "avx512bw",
    [LM_SIMD_AVX512VL] = "avx512vl",   [LM_SIMD_AVX512VNNI] = "avx512vnni",
    [LM_SIMD_AVX512VBMI] = "avx512vbmi", [LM_SIMD_AVX512VBMI2] = "avx512vbmi2",
};

const char *lm_simd_name(lm_simd feature) {
    return (unsigned)feature < LM_SIMD_COUNT ? simd_names[feature] : LM_HOST_UNKNOWN;
}

bool lm_host_simd_usable(const lm_host *host, lm_simd feature) {
    if ((unsigned)feature >= LM_SIMD_COUNT || !host->simd_known || !host->simd[feature]) return false;
    if (feature >= LM_SIMD_AVX512F) return host->os_avx512_state;
    if (feature >= LM_SIMD_AVX) return host->os_avx_state;
    return true;
}

bool lm_host_libcpuid_disagrees(const lm_host *host, lm_simd feature) {
    return (unsigned)feature < LM_SIMD_COUNT && host->simd_known && host->libcpuid_known &&
           host->libcpuid_simd[feature] != host->simd[feature];
}

void lm_host_copy_field(char *dst, size_t n, const char *src) {
    if (!src) src = "";
    while (isspace((unsigned char)*src)) src++;
    size_t len = strlen(src);
    if (len >= n) len = n - 1;
    while (len > 0 && isspace((unsigned char)src[len - 1])) len--;
    if (len == 0) {
        src = LM_HOST_UNKNOWN;
        len = strlen(src) < n ? strlen(src) : n - 1;
    }
    memcpy(dst, src, len);
    dst[len] = '\0';
}

lm_host *lm_host_probe(void) {
    lm_host *host = calloc(1, sizeof *host);
    if (!host) return NULL;
    lm_host_probe_cpuid(host);
    lm_host_probe_system(host);
    if (lm_host_probe_topology(host) != 0) {
        lm_host_free(host);
        return NULL;
    }
    return host;
}

void lm_host_free(lm_host *host) {
    if (!host) return;
    lm_host_free_topology(host);
    free(host);
}
