/* The host probe as aligned text, for `latmac info`. */
#include "reports/host_report.h"

#include <stdlib.h>
#include <string.h>

#include "bench/host/isa.h"
#include "reports/units.h"

/* A size, or "unknown" for 0 (the probe's "not revealed"). */
static const char *human_bytes(uint64_t bytes, char *buf, size_t n) {
    return bytes ? lm_bytes_text(bytes, buf, n) : LM_HOST_UNKNOWN;
}

static const char *mhz_text(double mhz, char *buf, size_t n) {
    if (mhz < 0) return LM_HOST_UNKNOWN;
    snprintf(buf, n, "%.0f MHz", mhz);
    return buf;
}

static const char *count_text(uint64_t v, char *buf, size_t n) {
    if (v == 0) return LM_HOST_UNKNOWN;
    snprintf(buf, n, "%llu", (unsigned long long)v);
    return buf;
}

static void write_cpu(FILE *out, const lm_host *h) {
    fprintf(out, "CPU               %s\n", h->brand);
    fprintf(out, "  vendor          %s\n", h->vendor);
    fprintf(out, "  microarch       %s\n", h->microarchitecture);
    if (h->family >= 0) fprintf(out, "  family/model    %d / %d, stepping %d\n", h->family, h->model, h->stepping);
    else fprintf(out, "  family/model    %s\n", LM_HOST_UNKNOWN);
    fputs("  SIMD            ", out);
    if (!h->simd_known) fputs(LM_HOST_UNKNOWN, out);
    const char *sep = "";
    for (int f = 0; h->simd_known && f < LM_SIMD_COUNT; f++) {
        if (!h->simd[f]) continue;
        fprintf(out, "%s%s%s", sep, lm_simd_name(f), lm_host_simd_usable(h, f) ? "" : " (not enabled by the OS)");
        sep = " ";
    }
    fputc('\n', out);
    /* Where libcpuid's flags differ from the CPUID bits, say so: dispatch follows the bits. */
    for (int pass = 0; pass < 2; pass++) {
        const bool set = pass == 0; /* features CPUID sets and libcpuid misses, then the reverse */
        bool any = false;
        for (int f = 0; f < LM_SIMD_COUNT; f++) {
            if (!lm_host_libcpuid_disagrees(h, f) || h->simd[f] != set) continue;
            fprintf(out, "%s %s", any ? "" : set ? "  note            libcpuid misses" : "  note            libcpuid adds",
                    lm_simd_name(f));
            any = true;
        }
        if (any) fprintf(out, " (CPUID %s); latmac follows CPUID\n", set ? "sets them" : "does not set them");
    }
    fputs("  kernel ISAs     ", out);
    const unsigned isas = lm_usable_isas(h);
    sep = "";
    for (int isa = LM_ISA_COUNT - 1; isa >= 0; isa--) {
        if (!(isas & LM_ISA_BIT(isa))) continue;
        fprintf(out, "%s%s", sep, lm_isa_name(isa));
        sep = " ";
    }
    unsigned capped;
    char err[128];
    const char *cap = getenv(LM_ISA_ENV);
    if (cap && *cap && lm_isas_from_env(h, &capped, err, sizeof err) == 0)
        fprintf(out, " (usable here, best first; %s=%s caps dispatch at %s)\n", LM_ISA_ENV, cap,
                lm_isa_name(lm_isa_best(capped)));
    else
        fputs(" (usable here, best first; cap with --isa or LATMAC_ISA)\n", out);
}

static void write_topology(FILE *out, const lm_host *h) {
    char a[32], b[32], c[32], d[32];
    fprintf(out, "Topology          %s package(s), %s physical core(s), %s hardware thread(s)\n",
            count_text(h->packages, a, sizeof a), count_text(h->cores, b, sizeof b),
            count_text(h->hw_threads, c, sizeof c));
    fprintf(out, "  memory          %s", human_bytes(h->memory_bytes, d, sizeof d));
    for (size_t i = 0; i < h->numa_count; i++)
        fprintf(out, "; NUMA node %u: %s", h->numa_nodes[i].os_index, human_bytes(h->numa_nodes[i].memory_bytes, a, sizeof a));
    fputc('\n', out);
    fputs("  placement       cpus", out);
    for (size_t i = 0; i < h->placement_count; i++) fprintf(out, " %u", h->placement[i]);
    fputs(" (one hardware thread per physical core first)\n", out);
    if (h->cache_count == 0) fprintf(out, "Caches            %s\n", LM_HOST_UNKNOWN);
    for (size_t i = 0; i < h->cache_count; i++) {
        const lm_host_cache *k = &h->caches[i];
        const char *suffix = strcmp(k->type, "data") == 0 ? "d" : strcmp(k->type, "instruction") == 0 ? "i" : "";
        fprintf(out, "%s L%d%-2s %-9s line %s, %u instance(s), %s core(s) each, cpus", i == 0 ? "Caches           " : "                 ",
                k->level, suffix, human_bytes(k->size_bytes, a, sizeof a), human_bytes(k->line_bytes, b, sizeof b),
                k->instances, count_text(k->cores_per_instance, c, sizeof c));
        for (unsigned j = 0; j < k->instances; j++) fprintf(out, " [%s]", k->shared_cpus[j]);
        fputc('\n', out);
    }
}

int lm_host_write_text(FILE *out, const lm_host *h) {
    char a[32], b[32];
    fprintf(out, "latmac %s\n", h->latmac_version);
    write_cpu(out, h);
    write_topology(out, h);
    fprintf(out, "Clock             %s now, %s max, governor %s\n", mhz_text(h->mhz_current, a, sizeof a),
            mhz_text(h->mhz_max, b, sizeof b), h->governor);
    fputs("Load average     ", out);
    for (int i = 0; i < 3; i++) {
        if (h->load_average[i] < 0) fprintf(out, " %s", LM_HOST_UNKNOWN);
        else fprintf(out, " %.2f", h->load_average[i]);
    }
    fputs(" (1, 5, 15 min)\n", out);
    fprintf(out, "OS                %s; %s; host %s\n", h->os_name, h->kernel, h->host_name);
    fprintf(out, "Build             %s, %s, %s; Google Benchmark %s\n", h->compiler, h->build_type, h->build_flags,
            h->benchmark_version);
    fflush(out);
    return ferror(out) ? -1 : 0;
}
