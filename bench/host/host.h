/* The host probe: the one place that describes the machine latmac runs on.
 *
 * CPU identity comes from libcpuid, SIMD features from the architectural CPUID bits (the same for every
 * vendor; libcpuid's own flags are only compared with them); packages, cores, hardware threads, caches and
 * NUMA nodes from hwloc; clock, governor, load and OS from the kernel; compiler and flags from the
 * build. Whatever the machine does not reveal (virtual machines hide a lot) is "unknown": strings
 * read LM_HOST_UNKNOWN, counts and sizes read 0, frequencies read a negative value. Probing never
 * fails as a whole; it only knows less.
 *
 * The probe also owns thread placement: the order in which latmac's threads take hardware threads
 * (one per physical core first) and binding the calling thread to one of them.
 */
#ifndef LM_HOST_H
#define LM_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LM_HOST_UNKNOWN "unknown"

/* SIMD features reported by the CPU (CPUID leaves 1 and 7). The order matters: from LM_SIMD_AVX on the
 * features need the OS to save YMM state, from LM_SIMD_AVX512F on also ZMM state. */
typedef enum lm_simd {
    LM_SIMD_SSE4_2,
    LM_SIMD_AVX,
    LM_SIMD_AVX2,
    LM_SIMD_FMA,
    LM_SIMD_F16C,
    LM_SIMD_AVX512F,
    LM_SIMD_AVX512DQ,
    LM_SIMD_AVX512CD,
    LM_SIMD_AVX512BW,
    LM_SIMD_AVX512VL,
    LM_SIMD_AVX512VNNI,
    LM_SIMD_AVX512VBMI,
    LM_SIMD_AVX512VBMI2,
    LM_SIMD_COUNT
} lm_simd;

/* One level (and type) of cache. Sizes are per instance. */
typedef struct lm_host_cache {
    int level;                 /* 1, 2, 3, ... */
    const char *type;          /* "data", "instruction" or "unified" */
    uint64_t size_bytes;       /* 0: unknown */
    unsigned line_bytes;       /* 0: unknown */
    int associativity;         /* ways; 0 unknown, -1 fully associative */
    unsigned instances;        /* how many of this cache the host has */
    unsigned cores_per_instance; /* physical cores sharing one instance; 0 unknown */
    char **shared_cpus;        /* per instance, its hardware threads as an OS cpu list ("0-1,4") */
} lm_host_cache;

typedef struct lm_host_numa_node {
    unsigned os_index;
    uint64_t memory_bytes; /* 0: unknown */
} lm_host_numa_node;

typedef struct lm_host {
    /* CPU identity (libcpuid) */
    char vendor[32];
    char brand[80];
    char microarchitecture[64]; /* libcpuid's code name, e.g. "Cascade Lake" */
    int family, model, stepping; /* -1: unknown */
    bool simd_known;             /* false when CPUID could not be read */
    bool simd[LM_SIMD_COUNT];    /* what the CPU reports: CPUID's architectural bits */
    bool libcpuid_known;         /* libcpuid identified the CPU, so libcpuid_simd is filled */
    bool libcpuid_simd[LM_SIMD_COUNT]; /* libcpuid's flags for the same features, shown where they differ */
    bool os_avx_state;           /* the OS saves YMM state (needed to use AVX/AVX2/FMA) */
    bool os_avx512_state;        /* the OS saves ZMM and mask state (needed to use AVX-512) */

    /* Topology (hwloc) */
    unsigned packages, cores, hw_threads; /* 0: unknown */
    size_t cache_count;
    lm_host_cache *caches; /* ordered by level, data before instruction */
    size_t numa_count;
    lm_host_numa_node *numa_nodes;

    /* Clock, memory and load (kernel) */
    uint64_t memory_bytes;  /* total RAM; 0: unknown */
    double mhz_current;     /* of the first hardware thread; < 0: unknown */
    double mhz_max;         /* cpufreq's maximum; < 0: unknown */
    char governor[32];      /* cpufreq scaling governor */
    double load_average[3]; /* 1, 5 and 15 minutes; < 0: unknown */

    /* Operating system */
    char os_name[128];      /* PRETTY_NAME of /etc/os-release */
    char kernel[200];       /* uname: system, release and machine */
    char host_name[64];

    /* Build (meson) */
    const char *latmac_version;
    const char *compiler;
    const char *build_type;
    const char *build_flags;
    const char *benchmark_version;

    /* Placement order: OS indexes of hardware threads, one per physical core first. */
    size_t placement_count;
    unsigned *placement;

    void *topology; /* hwloc_topology_t, private to host.c */
} lm_host;

/* Probes the machine. Returns NULL only when memory runs out. Free with lm_host_free. */
lm_host *lm_host_probe(void);
void lm_host_free(lm_host *host); /* NULL is allowed */

/* Short lower-case name of a feature, as used in output: "sse4_2", "avx512f", ... */
const char *lm_simd_name(lm_simd feature);

/* True when libcpuid's flag for `feature` differs from the CPUID bit (which dispatch follows). */
bool lm_host_libcpuid_disagrees(const lm_host *host, lm_simd feature);

/* True when code using `feature` can run here: the CPU reports it and the OS saves the register
 * state it needs. Kernels dispatch on this, never on the CPU flag alone. */
bool lm_host_simd_usable(const lm_host *host, lm_simd feature);

/* Binds the calling thread to the hardware thread at position `slot` of the placement order
 * (slot 0 is the first core). Returns 0, or a negative errno value (-EINVAL for a slot out of range,
 * -ENOSYS without topology, or what the OS refused with). */
int lm_host_bind_current_thread(const lm_host *host, size_t slot);

/* Confines the calling thread to the first `count` slots of the placement order, together: the OS
 * schedules it on any of them, and threads it creates afterwards inherit the set (how benchmarks keep
 * a peer library's own threads on the hardware threads latmac's would use). Returns 0, or a negative
 * errno value as lm_host_bind_current_thread. */
int lm_host_bind_current_thread_to_slots(const lm_host *host, size_t count);

#ifdef __cplusplus
}
#endif

#endif
