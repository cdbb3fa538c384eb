/* Kernels: implementations of operators, one registry for all of them.
 *
 * Every implementation is an lm_kernel, named lm_f32_<op>_nhwc__<variant> (e.g.
 * lm_f32_dwconv3x3_nhwc__avx2), and listed once in registry.inc. That one list feeds run-time dispatch
 * (lm_kernel_select), the correctness tests (every kernel against its kind's reference) and the
 * benchmarks. Adding a variant is one line there plus its source file.
 *
 * A kernel prepares once (packs weights, allocates scratch) and then runs many times; preparing is
 * never timed. */
#ifndef LM_KERNEL_H
#define LM_KERNEL_H

#include <stdbool.h>
#include <stdint.h>

#include "kernels/op.h"
#include "kernels/threadpool.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Instruction sets a kernel may need. A kernel runs only where its set is usable (CPU and OS). */
typedef enum lm_isa {
    LM_ISA_REFERENCE, /* plain C, obviously correct: the yardstick, and the portable fallback */
    LM_ISA_AVX2,      /* AVX2 + FMA */
    LM_ISA_AVX512,    /* AVX-512 F, BW, DQ and VL */
    LM_ISA_COUNT
} lm_isa;

#define LM_ISA_BIT(isa) (1u << (isa))

typedef struct lm_kernel {
    const char *name;
    lm_op_kind kind;
    lm_isa isa;
    /* Whether this kernel handles `d` (a valid description of its kind). NULL: every one. */
    bool (*supports)(const lm_op_desc *d);
    /* Packs `params` (the op's parameter block, see op.h; NULL when the op has none) into private
     * state for run; NULL when out of memory. NULL function: no state (run gets params' copy). */
    void *(*prepare)(const lm_op_desc *d, const float *params);
    /* Computes outputs from inputs (counts and shapes from op.h). May use the pool. */
    void (*run)(const lm_op_desc *d, const void *state, const float *const *inputs, float *const *outputs,
                lm_threadpool *pool);
    void (*release)(void *state); /* frees what prepare returned; NULL: free() */
    /* Multiply-adds this kernel performs on `d`, from its own tiling: every vector lane of every
     * multiply-add it issues, lanes of padding or of masked-off tails included, since they take the
     * same issue slot; taps a kernel skips (the reference convolution skips the padding) are not
     * counted. NULL: exactly the counted MAdds (lm_op_cost_of). */
    uint64_t (*executed_madds)(const lm_op_desc *d);
} lm_kernel;

/* The registry, in dispatch order (registry.inc). */
extern const lm_kernel *const lm_kernels[];
extern const int lm_kernel_count;

/* The kernel dispatch picks for `d` given the usable instruction sets (an OR of LM_ISA_BIT): the first
 * registered non-reference kernel of d's kind whose ISA is usable and which supports d; else the
 * kind's reference. NULL only for an invalid kind. */
const lm_kernel *lm_kernel_select(const lm_op_desc *d, unsigned usable_isas);

/* The reference kernel of a kind. */
const lm_kernel *lm_kernel_reference(lm_op_kind kind);

/* The multiply-adds `k` performs on `d` (see lm_kernel.executed_madds); equal to
 * lm_op_cost_of(d).madds unless the kernel rounds a tile or skips padded taps. */
uint64_t lm_kernel_executed_madds(const lm_kernel *k, const lm_op_desc *d);

/* Looks a kernel up by name; NULL when there is none. */
const lm_kernel *lm_kernel_find(const char *name);

const char *lm_isa_name(lm_isa isa); /* "reference", "avx2", "avx512" */

/* ---- An operator ready to run: a description, a kernel and its prepared state. ---- */

typedef struct lm_op lm_op;

/* Validates `d`, picks `kernel` (NULL: lm_kernel_select with `usable_isas`) and prepares it.
 * `params` must hold lm_op_param_floats(d) floats (NULL when 0); they are copied or packed. Returns
 * NULL with a reason in err when the description is invalid, the kernel does not support it, or
 * memory runs out. */
lm_op *lm_op_create(const lm_op_desc *d, const float *params, const lm_kernel *kernel, unsigned usable_isas,
                    char *err, size_t err_size);
/* Runs the operator: inputs and outputs as op.h counts and shapes them. `pool` may be NULL. */
void lm_op_run(const lm_op *op, const float *const *inputs, float *const *outputs, lm_threadpool *pool);
const lm_kernel *lm_op_kernel(const lm_op *op);
const lm_op_desc *lm_op_description(const lm_op *op);
void lm_op_destroy(lm_op *op); /* NULL is allowed */

#ifdef __cplusplus
}
#endif

#endif
