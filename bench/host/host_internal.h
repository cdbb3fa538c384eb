/* Private to the host probe: each part fills its share of lm_host. */
#ifndef LM_HOST_INTERNAL_H
#define LM_HOST_INTERNAL_H

#include "bench/host/host.h"

/* host_cpuid.c: identity and SIMD features (libcpuid), OS register state (xgetbv). */
void lm_host_probe_cpuid(lm_host *host);
/* host_topology.c: packages, cores, caches, NUMA, placement (hwloc). Returns -1 when out of memory. */
int lm_host_probe_topology(lm_host *host);
void lm_host_free_topology(lm_host *host);
/* host_system.c: clock, governor, memory, load, OS and build facts. */
void lm_host_probe_system(lm_host *host);

/* Copies src (NULL or empty: LM_HOST_UNKNOWN) into dst of size n, trimming surrounding blanks. */
void lm_host_copy_field(char *dst, size_t n, const char *src);

#endif
