/* Peers: other libraries that run the same operator, side by side with latmac's kernels.
 *
 * A peer backend (oneDNN, XNNPACK) is compiled in when meson finds the library; each takes an
 * lm_op_desc and its parameter block (layouts in kernels/op.h), builds its own equivalent primitive
 * (weights reordered or packed at create, never while timed), and runs it on NHWC buffers.
 * Benchmarks use peers only; nothing in latmac's own results depends on them. */
#ifndef LM_PEER_H
#define LM_PEER_H

#include <stddef.h>

#include "kernels/op.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lm_peer lm_peer; /* a prepared primitive of some backend */

typedef struct lm_peer_backend {
    const char *name;    /* "onednn", "xnnpack": used in case names */
    const char *version; /* the library's version as it reports it */
    /* Prepares `d` (valid) with `params` to run on `threads` threads. NULL with a one-line reason in
     * err when the backend has no equivalent of this operator or shape, or fails. */
    lm_peer *(*create)(const lm_op_desc *d, const float *params, int threads, char *err, size_t err_size);
    /* Runs the primitive; inputs and outputs as op.h counts and shapes them. Input buffers need 16
     * readable bytes past their end (XNNPACK's kernels over-read). 0, or -1 on failure. */
    int (*run)(lm_peer *peer, const float *const *inputs, float *const *outputs);
    void (*destroy)(lm_peer *peer); /* NULL is allowed */
} lm_peer_backend;

/* The backends compiled into this build (possibly none). */
extern const lm_peer_backend *const lm_peer_backends[];
extern const int lm_peer_backend_count;

#ifdef __cplusplus
}
#endif

#endif
