/* From host features to kernel instruction sets, and the user's cap on them (see isa.h). */
#include "bench/host/isa.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/error.h"

unsigned lm_usable_isas(const lm_host *host) {
    unsigned isas = LM_ISA_BIT(LM_ISA_REFERENCE);
    if (lm_host_simd_usable(host, LM_SIMD_AVX2) && lm_host_simd_usable(host, LM_SIMD_FMA)) isas |= LM_ISA_BIT(LM_ISA_AVX2);
    if ((isas & LM_ISA_BIT(LM_ISA_AVX2)) && lm_host_simd_usable(host, LM_SIMD_AVX512F) &&
        lm_host_simd_usable(host, LM_SIMD_AVX512BW) && lm_host_simd_usable(host, LM_SIMD_AVX512DQ) &&
        lm_host_simd_usable(host, LM_SIMD_AVX512VL))
        isas |= LM_ISA_BIT(LM_ISA_AVX512);
    return isas;
}

unsigned lm_isas_up_to(unsigned isas, lm_isa cap) { return isas & (LM_ISA_BIT(cap + 1) - 1u); }

unsigned lm_isas_up_to_named(unsigned isas, const char *cap) {
    const int isa = lm_isa_from_name(cap);
    return isa < 0 ? isas : lm_isas_up_to(isas, (lm_isa)isa);
}

lm_isa lm_isa_best(unsigned isas) {
    for (int isa = LM_ISA_COUNT - 1; isa > LM_ISA_REFERENCE; isa--)
        if (isas & LM_ISA_BIT(isa)) return (lm_isa)isa;
    return LM_ISA_REFERENCE;
}

int lm_isa_from_name(const char *name) {
    if (strcmp(name, "ref") == 0) return LM_ISA_REFERENCE;
    for (int isa = 0; isa < LM_ISA_COUNT; isa++)
        if (strcmp(name, lm_isa_name((lm_isa)isa)) == 0) return isa;
    return -1;
}

const char *lm_isa_list_text(unsigned isas, char *buf, size_t size) {
    size_t used = 0;
    buf[0] = '\0';
    isas |= LM_ISA_BIT(LM_ISA_REFERENCE);
    for (int isa = LM_ISA_COUNT - 1; isa >= 0 && used < size; isa--)
        if (isas & LM_ISA_BIT(isa))
            used += (size_t)snprintf(buf + used, size - used, "%s%s", used ? ", " : "", lm_isa_name((lm_isa)isa));
    return buf;
}

int lm_isas_from_env(const lm_host *host, unsigned *isas, char *err, size_t err_size) {
    *isas = lm_usable_isas(host);
    const char *cap = getenv(LM_ISA_ENV);
    if (!cap || !*cap) return 0;
    const int isa = lm_isa_from_name(cap);
    if (isa < 0) return lm_error(err, err_size, "%s=%s: expected avx512, avx2 or reference", LM_ISA_ENV, cap);
    *isas = lm_isas_up_to(*isas, (lm_isa)isa);
    return 0;
}

int lm_isa_cap_add(const char *name, unsigned usable, size_t capacity, unsigned *caps, char *err, size_t err_size) {
    const int isa = lm_isa_from_name(name);
    char usable_text[64];
    if (isa < 0)
        return lm_error(err, err_size, "'%s': unknown instruction set (expected avx512, avx2 or reference)", name);
    if (!(usable & LM_ISA_BIT(isa)))
        return lm_error(err, err_size, "this host cannot run %s kernels (it can run %s)", lm_isa_name((lm_isa)isa),
                        lm_isa_list_text(usable, usable_text, sizeof usable_text));
    if (*caps & LM_ISA_BIT(isa)) return lm_error(err, err_size, "%s is listed twice", lm_isa_name((lm_isa)isa));
    if ((size_t)__builtin_popcount(*caps) == capacity)
        return lm_error(err, err_size, "more than %zu instruction sets", capacity);
    *caps |= LM_ISA_BIT(isa);
    return 0;
}

size_t lm_isa_caps_best_first(unsigned set, lm_isa *caps) {
    size_t n = 0;
    for (int isa = LM_ISA_COUNT - 1; isa >= 0; isa--)
        if (set & LM_ISA_BIT(isa)) caps[n++] = (lm_isa)isa;
    return n;
}

int lm_bind_to_slot(void *host, int index) { return lm_host_bind_current_thread(host, (size_t)index); }
