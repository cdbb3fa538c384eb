/* The backend interface: what a case runs on. latmac's kernel dispatch, each compiled-in peer
 * library (bench/peers/peer.h), the copy yardstick, each threading runtime's empty parallel region
 * (bench/peers/parallel_region.h), and a network or one of its steps through latmac's executor.
 *
 * A suite picks each case's backend when it plans the case (lm_result_case.runs_on); the runner
 * prepares the case on it just before its first repetition, times its loop, and releases it when the
 * next case starts, so memory holds one case at a time. */
#ifndef LM_BACKEND_H
#define LM_BACKEND_H

#include <stdbool.h>
#include <stddef.h>

#include "bench/measure/gbench_shim.h"
#include "bench/measure/kernel_suite.h"
#include "bench/measure/net_suite.h"
#include "bench/net/case_data.h"
#include "bench/peers/parallel_region.h"
#include "bench/peers/peer.h"
#include "bench/results/result_records.h"
#include "kernels/op.h"

/* A case while it is being timed: what it is, and the state its backend prepared for it. */
typedef struct lm_bench_case {
    lm_result_case *result;
    const lm_kernel_case *shape; /* operator cases; NULL for networks */
    lm_threadpool *pool;         /* the pool of the case's thread count */
    unsigned isas;               /* the instruction sets dispatch may use for it (latmac's cases) */
    /* Network cases: the plan of the network whose cases are running, kept across its cases, and the
     * suite that builds the network. */
    lm_net_cache *nets;
    const lm_suite *suite;
    /* Prepared state, released by the backend. */
    lm_case_data data;
    lm_op *op;
    lm_peer *primitive;
    lm_region *region;
    lm_plan *plan;
    unsigned char *copy_from, *copy_to, *copy_block;
    size_t copy_bytes, copy_chunk;
} lm_bench_case;

typedef struct lm_backend {
    const char *name; /* in case names and results: "latmac", "onednn", "memcpy", "openmp", ... */
    /* Prepares c to be timed; 0, or -1 with a reason in why. */
    int (*prepare)(lm_bench_case *c, const struct lm_backend *self, char *why, size_t why_size);
    /* Runs c while Google Benchmark asks for iterations; a failure ends the loop with its error. */
    void (*time)(lm_bench_case *c, const struct lm_backend *self, lm_gb_state *st);
    /* Frees what prepare made (also after a failed prepare). */
    void (*release)(lm_bench_case *c, const struct lm_backend *self);
    /* Its library starts its own threads: the calling thread is confined to the case's slots before
     * it prepares, so that they inherit the set. Otherwise the calling thread is bound to slot 0. */
    bool own_threads;
    const lm_peer_backend *peer;      /* a peer's library */
    const lm_region_runtime *runtime; /* a threading runtime */
} lm_backend;

/* latmac's dispatch on one operator, the copy yardstick, a whole network, one step of a network. */
extern const lm_backend lm_backend_latmac, lm_backend_memcpy, lm_backend_network, lm_backend_layer;

/* The backend of peer i of lm_peer_backends, and of threading runtime i of lm_region_runtimes. */
const lm_backend *lm_backend_of_peer(int i);
const lm_backend *lm_backend_of_runtime(int i);

#endif
