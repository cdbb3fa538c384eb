/* The kernel registry, dispatch, and operators ready to run (see kernel.h). */
#include "kernels/kernel.h"

#include "kernels/error.h"

#include <stdlib.h>
#include <string.h>

#define LM_KERNEL(symbol) extern const lm_kernel symbol;
#include "kernels/registry.inc"
#undef LM_KERNEL

#define LM_KERNEL(symbol) &symbol,
const lm_kernel *const lm_kernels[] = {
#include "kernels/registry.inc"
};
#undef LM_KERNEL
const int lm_kernel_count = (int)(sizeof lm_kernels / sizeof lm_kernels[0]);

const char *lm_isa_name(lm_isa isa) {
    static const char *const names[LM_ISA_COUNT] = {"reference", "avx2", "avx512"};
    return (unsigned)isa < LM_ISA_COUNT ? names[isa] : "unknown";
}

const lm_kernel *lm_kernel_reference(lm_op_kind kind) {
    for (int i = 0; i < lm_kernel_count; i++)
        if (lm_kernels[i]->kind == kind && lm_kernels[i]->isa == LM_ISA_REFERENCE) return lm_kernels[i];
    return NULL;
}

const lm_kernel *lm_kernel_select(const lm_op_desc *d, unsigned usable_isas) {
    for (int i = 0; i < lm_kernel_count; i++) {
        const lm_kernel *k = lm_kernels[i];
        if (k->kind != d->kind || k->isa == LM_ISA_REFERENCE || !(usable_isas & LM_ISA_BIT(k->isa))) continue;
        if (!k->supports || k->supports(d)) return k;
    }
    return lm_kernel_reference(d->kind);
}

uint64_t lm_kernel_executed_madds(const lm_kernel *k, const lm_op_desc *d) {
    return k->executed_madds ? k->executed_madds(d) : lm_op_cost_of(d).madds;
}

const lm_kernel *lm_kernel_find(const char *name) {
    for (int i = 0; i < lm_kernel_count; i++)
        if (strcmp(lm_kernels[i]->name, name) == 0) return lm_kernels[i];
    return NULL;
}

struct lm_op {
    lm_op_desc desc;
    const lm_kernel *kernel;
    void *state;
};

lm_op *lm_op_create(const lm_op_desc *d, const float *params, const lm_kernel *kernel, unsigned usable_isas,
                    char *err, size_t err_size) {
    if (lm_op_validate(d, err, err_size) != 0) return NULL;
    if (!kernel) kernel = lm_kernel_select(d, usable_isas);
    if (!kernel || kernel->kind != d->kind || (kernel->supports && !kernel->supports(d))) {
        lm_error(err, err_size, "%s: kernel %s does not handle this shape", lm_op_kind_name(d->kind), kernel ? kernel->name : "(none)");
        return NULL;
    }
    lm_op *op = calloc(1, sizeof *op);
    if (!op) goto out_of_memory;
    op->desc = *d;
    op->kernel = kernel;
    const size_t floats = lm_op_param_floats(d);
    if (kernel->prepare) {
        op->state = kernel->prepare(d, params);
        if (!op->state) goto out_of_memory;
    } else if (floats) {
        op->state = malloc(floats * sizeof(float));
        if (!op->state) goto out_of_memory;
        memcpy(op->state, params, floats * sizeof(float));
    }
    return op;
out_of_memory:
    free(op);
    lm_error(err, err_size, "%s: out of memory preparing %s", lm_op_kind_name(d->kind), kernel->name);
    return NULL;
}

void lm_op_run(const lm_op *op, const float *const *inputs, float *const *outputs, lm_threadpool *pool) {
    op->kernel->run(&op->desc, op->state, inputs, outputs, pool);
}

const lm_kernel *lm_op_kernel(const lm_op *op) { return op->kernel; }
const lm_op_desc *lm_op_description(const lm_op *op) { return &op->desc; }

void lm_op_destroy(lm_op *op) {
    if (!op) return;
    if (op->kernel->release) op->kernel->release(op->state);
    else free(op->state);
    free(op);
}
