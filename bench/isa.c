/* From host features to kernel instruction sets (see isa.h). */
#include "isa.h"

unsigned lm_usable_isas(const lm_host *host) {
    unsigned isas = LM_ISA_BIT(LM_ISA_REFERENCE);
    if (lm_host_simd_usable(host, LM_SIMD_AVX2) && lm_host_simd_usable(host, LM_SIMD_FMA)) isas |= LM_ISA_BIT(LM_ISA_AVX2);
    if ((isas & LM_ISA_BIT(LM_ISA_AVX2)) && lm_host_simd_usable(host, LM_SIMD_AVX512F) &&
        lm_host_simd_usable(host, LM_SIMD_AVX512BW) && lm_host_simd_usable(host, LM_SIMD_AVX512DQ) &&
        lm_host_simd_usable(host, LM_SIMD_AVX512VL))
        isas |= LM_ISA_BIT(LM_ISA_AVX512);
    return isas;
}

int lm_bind_to_slot(void *host, int index) { return lm_host_bind_current_thread(host, (size_t)index); }
