/* The host probe as JSON (see host_report.h for the conventions). */
#include "reports/host_report.h"

#include "bench/host/isa.h"

#include <math.h>
#include <stdbool.h>

/* A count or size, or "unknown" for 0 (the probe's marker for "not revealed"). */
static json_t *count_or_unknown(uint64_t v) { return v ? json_integer((json_int_t)v) : json_string(LM_HOST_UNKNOWN); }
/* A measured quantity, or "unknown" for negative values. */
static json_t *real_or_unknown(double v) { return v >= 0 ? json_real(v) : json_string(LM_HOST_UNKNOWN); }
static json_t *int_or_unknown(int v) { return v >= 0 ? json_integer(v) : json_string(LM_HOST_UNKNOWN); }

static json_t *cpu_json(const lm_host *h) {
    json_t *simd = json_object(), *usable = json_array(), *disagreements = json_array(), *isas = json_array();
    for (int f = 0; f < LM_SIMD_COUNT; f++) {
        json_object_set_new(simd, lm_simd_name(f), json_boolean(h->simd[f]));
        if (lm_host_simd_usable(h, f)) json_array_append_new(usable, json_string(lm_simd_name(f)));
        if (lm_host_libcpuid_disagrees(h, f))
            json_array_append_new(disagreements, json_pack("{s:s, s:b, s:b}", "feature", lm_simd_name(f), "cpuid",
                                                           h->simd[f], "libcpuid", h->libcpuid_simd[f]));
    }
    const unsigned usable_isas = lm_usable_isas(h);
    for (int isa = LM_ISA_COUNT - 1; isa >= 0; isa--)
        if (usable_isas & LM_ISA_BIT(isa)) json_array_append_new(isas, json_string(lm_isa_name(isa)));
    return json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:s, s:o, s:b, s:b, s:o, s:o, s:o}",
                     "vendor", h->vendor, "brand", h->brand, "microarchitecture", h->microarchitecture,
                     "family", int_or_unknown(h->family), "model", int_or_unknown(h->model),
                     "stepping", int_or_unknown(h->stepping), "simd_source", "cpuid",
                     "simd", h->simd_known ? simd : (json_decref(simd), json_string(LM_HOST_UNKNOWN)),
                     "os_avx_state", h->os_avx_state, "os_avx512_state", h->os_avx512_state,
                     "usable_simd", usable, "libcpuid_disagrees", disagreements, "kernel_isas", isas);
}

static json_t *caches_json(const lm_host *h) {
    json_t *caches = json_array();
    for (size_t i = 0; i < h->cache_count; i++) {
        const lm_host_cache *c = &h->caches[i];
        json_t *cpus = json_array();
        for (unsigned j = 0; j < c->instances; j++) json_array_append_new(cpus, json_string(c->shared_cpus[j]));
        json_t *assoc = c->associativity > 0    ? json_integer(c->associativity)
                        : c->associativity < 0 ? json_string("full")
                                               : json_string(LM_HOST_UNKNOWN);
        json_array_append_new(caches, json_pack("{s:i, s:s, s:o, s:o, s:o, s:i, s:o, s:o}",
                                                "level", c->level, "type", c->type,
                                                "size_bytes", count_or_unknown(c->size_bytes),
                                                "line_bytes", count_or_unknown(c->line_bytes),
                                                "associativity", assoc, "instances", (int)c->instances,
                                                "cores_per_instance", count_or_unknown(c->cores_per_instance),
                                                "shared_cpus", cpus));
    }
    return caches;
}

static json_t *topology_json(const lm_host *h) {
    json_t *numa = json_array(), *placement = json_array();
    for (size_t i = 0; i < h->numa_count; i++)
        json_array_append_new(numa, json_pack("{s:i, s:o}", "os_index", (int)h->numa_nodes[i].os_index,
                                              "memory_bytes", count_or_unknown(h->numa_nodes[i].memory_bytes)));
    for (size_t i = 0; i < h->placement_count; i++) json_array_append_new(placement, json_integer(h->placement[i]));
    return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
                     "packages", count_or_unknown(h->packages), "physical_cores", count_or_unknown(h->cores),
                     "hardware_threads", count_or_unknown(h->hw_threads), "caches", caches_json(h),
                     "numa_nodes", numa, "memory_bytes", count_or_unknown(h->memory_bytes),
                     "placement", placement);
}

json_t *lm_host_to_json(const lm_host *h) {
    json_t *load = json_array();
    for (int i = 0; i < 3; i++) /* the kernel keeps load in 1/2048 steps: two decimals say it all */
        json_array_append_new(load, real_or_unknown(h->load_average[i] < 0 ? -1 : round(h->load_average[i] * 100) / 100));
    return json_pack("{s:s, s:o, s:o, s:{s:o, s:o, s:s}, s:o, s:{s:s, s:s, s:s}, s:{s:s, s:s, s:s, s:s}}",
                     "latmac_version", h->latmac_version, "cpu", cpu_json(h), "topology", topology_json(h),
                     "clock", "current_mhz", real_or_unknown(h->mhz_current), "max_mhz",
                     real_or_unknown(h->mhz_max), "governor", h->governor,
                     "load_average", load,
                     "os", "name", h->os_name, "kernel", h->kernel, "host_name", h->host_name,
                     "build", "compiler", h->compiler, "build_type", h->build_type, "flags", h->build_flags,
                     "google_benchmark", h->benchmark_version);
}
