/* oneDNN peer, internal: a prepared operator is a short list of oneDNN primitives ("steps") run in
 * order on one stream. Memory objects that stand for the caller's buffers are "bound": they hold no
 * data of their own and take the caller's pointers at each run. Everything else (reordered weights,
 * biases, statistics, slopes) is owned and filled once at create.
 *
 * peer_onednn.c holds this plumbing and the backend; peer_onednn_ops.c translates each operator kind. */
#ifndef LM_PEER_ONEDNN_H
#define LM_PEER_ONEDNN_H

#include <stdbool.h>
#include <stddef.h>

#include <dnnl.h>

#include "kernels/op.h"
#include "bench/peers/peer.h"

#define LM_DNNL_MAX_STEPS (LM_MAX_PARTS + 1) /* a split reorders once per part */
#define LM_DNNL_MAX_ARGS 8
#define LM_DNNL_MAX_BOUND (2 * LM_MAX_PARTS + 2)
#define LM_DNNL_MAX_OWNED 8

typedef struct lm_dnnl_step {
    dnnl_primitive_t primitive;
    int nargs;
    dnnl_exec_arg_t args[LM_DNNL_MAX_ARGS];
} lm_dnnl_step;

typedef struct lm_dnnl_bound {
    dnnl_memory_t memory;
    bool output; /* takes outputs[index], else inputs[index] */
    int index;
} lm_dnnl_bound;

struct lm_peer {
    int threads;
    dnnl_stream_t stream;
    int nsteps, nbound, nowned;
    lm_dnnl_step steps[LM_DNNL_MAX_STEPS];
    lm_dnnl_bound bound[LM_DNNL_MAX_BOUND];
    dnnl_memory_t owned[LM_DNNL_MAX_OWNED];
};

/* What the translation of one operator works with. */
typedef struct lm_dnnl_build {
    lm_peer *peer;
    dnnl_engine_t engine;
    const lm_op_desc *d;
    const float *params;
    char *err;
    size_t err_size;
} lm_dnnl_build;

/* Records "onednn: <reason>" in b->err; returns -1. */
__attribute__((format(printf, 2, 3))) int lm_dnnl_fail(lm_dnnl_build *b, const char *fmt, ...);

/* Fails with what `status` means, for the step named `what` ("conv", "weights reorder"...). */
int lm_dnnl_fail_status(lm_dnnl_build *b, const char *what, dnnl_status_t status);

/* A plain f32 descriptor of an NHWC tensor (oneDNN orders its dimensions n, c, h, w). */
dnnl_memory_desc_t lm_dnnl_nhwc(lm_shape s);

/* A plain f32 descriptor of `ndims` dims with `tag` (dnnl_format_tag_any for "primitive's choice"). */
dnnl_memory_desc_t lm_dnnl_md(int ndims, const dnnl_dim_t *dims, dnnl_format_tag_t tag);

/* A memory object for input (output when `output`) `index`; NULL with b->err set on failure. */
dnnl_memory_t lm_dnnl_bind(lm_dnnl_build *b, const dnnl_memory_desc_t *md, bool output, int index);

/* An owned memory object of `md`, holding a copy of `data` (which matches md's size; NULL: leave it
 * uninitialised). NULL with b->err set on failure. */
dnnl_memory_t lm_dnnl_own(lm_dnnl_build *b, const dnnl_memory_desc_t *md, const float *data);

/* An owned memory object in the layout `target` holding `data` (laid out as `user`), reordered now. */
dnnl_memory_t lm_dnnl_own_reordered(lm_dnnl_build *b, const dnnl_memory_desc_t *user, const float *data,
                                    const dnnl_memory_desc_t *target);

/* Turns `pd` into the next step (the step takes args with lm_dnnl_arg). Destroys pd in any case. */
lm_dnnl_step *lm_dnnl_step_from(lm_dnnl_build *b, dnnl_primitive_desc_t pd, const char *what);

/* Adds an execution argument to a step. */
void lm_dnnl_arg(lm_dnnl_step *s, int arg, dnnl_memory_t memory);

/* Translates b->d into steps; 0 or -1 with b->err set (peer_onednn_ops.c). */
int lm_dnnl_translate(lm_dnnl_build *b);

#endif
