/* Packages, cores, hardware threads, caches, NUMA nodes and thread placement, from hwloc. */
#include "bench/host/host_internal.h"

#include <errno.h>
#include <hwloc.h>
#include <stdlib.h>
#include <unistd.h>

static const char *cache_type_name(hwloc_obj_cache_type_t type) {
    switch (type) {
    case HWLOC_OBJ_CACHE_DATA: return "data";
    case HWLOC_OBJ_CACHE_INSTRUCTION: return "instruction";
    default: return "unified";
    }
}

/* Adds the caches of one hwloc object type (e.g. every L2) as one entry. Returns -1 when out of memory. */
static int add_cache_level(lm_host *host, hwloc_topology_t topo, hwloc_obj_type_t type) {
    const int n = hwloc_get_nbobjs_by_type(topo, type);
    if (n <= 0) return 0;
    hwloc_obj_t first = hwloc_get_obj_by_type(topo, type, 0);
    lm_host_cache *c = &host->caches[host->cache_count];
    c->shared_cpus = calloc((size_t)n, sizeof *c->shared_cpus);
    if (!c->shared_cpus) return -1;
    host->cache_count++;
    c->level = (int)first->attr->cache.depth;
    c->type = cache_type_name(first->attr->cache.type);
    c->size_bytes = first->attr->cache.size;
    c->line_bytes = first->attr->cache.linesize;
    c->associativity = first->attr->cache.associativity;
    c->instances = (unsigned)n;
    const int cores = hwloc_get_nbobjs_inside_cpuset_by_type(topo, first->cpuset, HWLOC_OBJ_CORE);
    c->cores_per_instance = cores > 0 ? (unsigned)cores : 0;
    for (int i = 0; i < n; i++) {
        hwloc_obj_t obj = hwloc_get_obj_by_type(topo, type, (unsigned)i);
        if (hwloc_bitmap_list_asprintf(&c->shared_cpus[i], obj->cpuset) < 0) return -1;
    }
    return 0;
}

static int probe_caches(lm_host *host, hwloc_topology_t topo) {
    /* Level by level, data or unified before instruction: the order people read caches in. */
    static const hwloc_obj_type_t order[] = {
        HWLOC_OBJ_L1CACHE, HWLOC_OBJ_L1ICACHE, HWLOC_OBJ_L2CACHE, HWLOC_OBJ_L2ICACHE,
        HWLOC_OBJ_L3CACHE, HWLOC_OBJ_L3ICACHE, HWLOC_OBJ_L4CACHE, HWLOC_OBJ_L5CACHE,
    };
    const size_t n = sizeof order / sizeof order[0];
    host->caches = calloc(n, sizeof *host->caches);
    if (!host->caches) return -1;
    for (size_t i = 0; i < n; i++)
        if (add_cache_level(host, topo, order[i]) != 0) return -1;
    return 0;
}

static int probe_numa(lm_host *host, hwloc_topology_t topo) {
    const int n = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_NUMANODE);
    if (n <= 0) return 0;
    host->numa_nodes = calloc((size_t)n, sizeof *host->numa_nodes);
    if (!host->numa_nodes) return -1;
    host->numa_count = (size_t)n;
    for (int i = 0; i < n; i++) {
        hwloc_obj_t node = hwloc_get_obj_by_type(topo, HWLOC_OBJ_NUMANODE, (unsigned)i);
        host->numa_nodes[i].os_index = node->os_index;
        host->numa_nodes[i].memory_bytes = node->attr ? node->attr->numanode.local_memory : 0;
    }
    return 0;
}

/* One hardware thread of each physical core first (in core order), then the second of each, ... */
static int probe_placement(lm_host *host, hwloc_topology_t topo) {
    const int cores = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_CORE);
    const int pus = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PU);
    if (pus <= 0) return 0;
    host->placement = calloc((size_t)pus, sizeof *host->placement);
    if (!host->placement) return -1;
    if (cores <= 0) { /* no core level: take hardware threads in order */
        for (int i = 0; i < pus; i++) host->placement[i] = hwloc_get_obj_by_type(topo, HWLOC_OBJ_PU, (unsigned)i)->os_index;
        host->placement_count = (size_t)pus;
        return 0;
    }
    for (unsigned round = 0; host->placement_count < (size_t)pus; round++) {
        size_t before = host->placement_count;
        for (int c = 0; c < cores; c++) {
            hwloc_obj_t core = hwloc_get_obj_by_type(topo, HWLOC_OBJ_CORE, (unsigned)c);
            hwloc_obj_t pu = hwloc_get_obj_inside_cpuset_by_type(topo, core->cpuset, HWLOC_OBJ_PU, round);
            if (pu) host->placement[host->placement_count++] = pu->os_index;
        }
        if (host->placement_count == before) break; /* hardware threads outside any core */
    }
    return 0;
}

/* Without hwloc's view, the online CPUs in OS order are the best placement there is. */
static int fallback_placement(lm_host *host) {
    const long n = sysconf(_SC_NPROCESSORS_ONLN);
    if (n <= 0) return 0;
    host->placement = calloc((size_t)n, sizeof *host->placement);
    if (!host->placement) return -1;
    for (long i = 0; i < n; i++) host->placement[i] = (unsigned)i;
    host->placement_count = (size_t)n;
    return 0;
}

int lm_host_probe_topology(lm_host *host) {
    hwloc_topology_t topo;
    if (hwloc_topology_init(&topo) != 0) return fallback_placement(host);
    /* hwloc drops instruction caches by default; the probe lists every cache. */
    hwloc_topology_set_icache_types_filter(topo, HWLOC_TYPE_FILTER_KEEP_ALL);
    if (hwloc_topology_load(topo) != 0) {
        hwloc_topology_destroy(topo);
        return fallback_placement(host);
    }
    host->topology = topo;
    const int packages = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PACKAGE);
    const int cores = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_CORE);
    const int pus = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PU);
    host->packages = packages > 0 ? (unsigned)packages : 0;
    host->cores = cores > 0 ? (unsigned)cores : 0;
    host->hw_threads = pus > 0 ? (unsigned)pus : 0;
    if (probe_caches(host, topo) != 0 || probe_numa(host, topo) != 0 || probe_placement(host, topo) != 0) return -1;
    return 0;
}

void lm_host_free_topology(lm_host *host) {
    for (size_t i = 0; i < host->cache_count; i++) {
        for (unsigned j = 0; j < host->caches[i].instances; j++) free(host->caches[i].shared_cpus[j]);
        free(host->caches[i].shared_cpus);
    }
    free(host->caches);
    free(host->numa_nodes);
    free(host->placement);
    if (host->topology) hwloc_topology_destroy(host->topology);
}

int lm_host_bind_current_thread(const lm_host *host, size_t slot) {
    if (slot >= host->placement_count) return -EINVAL;
    if (!host->topology) return -ENOSYS;
    hwloc_topology_t topo = host->topology;
    hwloc_obj_t pu = hwloc_get_pu_obj_by_os_index(topo, host->placement[slot]);
    if (!pu) return -EINVAL;
    if (hwloc_set_cpubind(topo, pu->cpuset, HWLOC_CPUBIND_THREAD) != 0) return errno ? -errno : -EPERM;
    return 0;
}

int lm_host_bind_current_thread_to_slots(const lm_host *host, size_t count) {
    if (count == 0 || count > host->placement_count) return -EINVAL;
    if (!host->topology) return -ENOSYS;
    hwloc_bitmap_t set = hwloc_bitmap_alloc();
    if (!set) return -ENOMEM;
    for (size_t i = 0; i < count; i++) hwloc_bitmap_set(set, host->placement[i]);
    const int rc = hwloc_set_cpubind(host->topology, set, HWLOC_CPUBIND_THREAD) != 0 ? (errno ? -errno : -EPERM) : 0;
    hwloc_bitmap_free(set);
    return rc;
}
