/* The kernels suite's planning (see kernel_suite.h for its shapes): for each shape and thread count,
 * latmac once per cap (and with --variants all every other kernel that can run the shape), each
 * peer, and the copy yardstick for memory-bound shapes; parallel_empty on each threading runtime. */
#include <stdio.h>
#include <string.h>

#include "bench/host/isa.h"
#include "bench/measure/backend.h"
#include "bench/measure/runner.h"
#include "kernels/kernel.h"

/* The facts of shape kc on c's backend: costs, the kernel and its executed multiply-adds. A latmac
 * case runs `variant` when not NULL, else what dispatch picks under c's cap. */
static void describe(const lm_results *r, const lm_kernel_case *kc, const lm_kernel *variant, lm_result_case *c) {
    c->kernel_case = kc;
    snprintf(c->shape, sizeof c->shape, "%s", kc->name);
    snprintf(c->category, sizeof c->category, "%s", lm_case_category_name(kc->category));
    const lm_backend *b = c->runs_on;
    if (b->runtime) { /* no operator: nothing to count */
        snprintf(c->kernel, sizeof c->kernel, "%s parallel region", b->name);
        snprintf(c->op, sizeof c->op, "parallel_region");
        snprintf(c->description, sizeof c->description, "an empty parallel region of %d thread(s)", c->threads);
        return;
    }
    if (b == &lm_backend_memcpy) {
        uint64_t elements = 0;
        for (int i = 0; i < lm_op_input_count(&kc->desc); i++)
            elements += lm_shape_elements(lm_op_input_shape(&kc->desc, i));
        snprintf(c->kernel, sizeof c->kernel, "%s", LM_BACKEND_MEMCPY);
        snprintf(c->op, sizeof c->op, "%s", LM_BACKEND_MEMCPY);
        snprintf(c->description, sizeof c->description, "copy of the %s inputs, %llu bytes", kc->name,
                 (unsigned long long)(elements * sizeof(float)));
        c->mac = 2 * elements; /* each element read once and written once */
        return;
    }
    const lm_op_cost cost = lm_op_cost_of(&kc->desc);
    snprintf(c->op, sizeof c->op, "%s", lm_op_kind_name(kc->desc.kind));
    lm_op_describe(&kc->desc, c->description, sizeof c->description);
    c->madds = cost.madds;
    c->mac = cost.mac;
    c->params = cost.params;
    if (b->peer) {
        snprintf(c->kernel, sizeof c->kernel, "%s %s", b->peer->name, b->peer->version);
        return;
    }
    const lm_kernel *kernel = variant ? variant : lm_kernel_select(&kc->desc, lm_isas_up_to_named(r->usable_isas, c->isa));
    snprintf(c->kernel, sizeof c->kernel, "%s", kernel->name);
    c->executed_madds = lm_kernel_executed_madds(kernel, &kc->desc);
}

/* Plans shape kc at thread count t on `backend` (cap: latmac's; variant: a forced kernel or NULL). */
static int add(const lm_run_config *cfg, lm_results *r, const lm_kernel_case *kc, size_t t, const lm_backend *backend,
               lm_isa cap, const lm_kernel *variant, char *err, size_t err_size) {
    lm_result_case c;
    const bool latmac = backend == &lm_backend_latmac;
    lm_runner_base_case(cfg, r, t, backend, latmac ? (variant ? variant->isa : cap) : LM_ISA_COUNT, &c);
    c.isa_in_name = latmac && !variant && cfg->isa_count > 1;
    c.variant = variant != NULL;
    describe(r, kc, variant, &c);
    lm_result_case_set_name(&c);
    return lm_runner_add_case(cfg, r, &c, err, err_size);
}

/* The shape's latmac cases: one per cap, then (--variants all) every other kernel that can run it. */
static int add_latmac(const lm_run_config *cfg, lm_results *r, const lm_kernel_case *kc, size_t t, char *err,
                      size_t err_size) {
    const size_t caps = cfg->isa_count ? cfg->isa_count : 1;
    const lm_kernel *picked[LM_ISA_COUNT];
    for (size_t i = 0; i < caps; i++) {
        const lm_isa cap = cfg->isa_count ? cfg->isas[i] : lm_isa_best(r->usable_isas);
        picked[i] = lm_kernel_select(&kc->desc, lm_isas_up_to(r->usable_isas, cap));
        if (add(cfg, r, kc, t, &lm_backend_latmac, cap, NULL, err, err_size) != 0) return -1;
    }
    for (int k = 0; cfg->variants && k < lm_kernel_count; k++) {
        const lm_kernel *kernel = lm_kernels[k];
        bool timed = false;
        for (size_t i = 0; i < caps; i++) timed |= picked[i] == kernel;
        if (timed || kernel->kind != kc->desc.kind || !(r->usable_isas & LM_ISA_BIT(kernel->isa)) ||
            (kernel->supports && !kernel->supports(&kc->desc)))
            continue;
        if (add(cfg, r, kc, t, &lm_backend_latmac, kernel->isa, kernel, err, err_size) != 0) return -1;
    }
    return 0;
}

static int add_cases(const lm_suite *suite, const lm_run_config *cfg, lm_results *r, const lm_result_case *bases,
                     size_t base_count, char *err, size_t err_size) {
    (void)suite, (void)bases, (void)base_count;
    for (int s = 0; s < lm_kernel_suite_count; s++) {
        const lm_kernel_case *kc = &lm_kernel_suite[s];
        for (size_t t = 0; t < r->thread_count_count; t++) {
            if (kc->category == LM_CASE_RUNTIME) { /* each threading runtime, latmac's first */
                for (int rt = 0; rt < lm_region_runtime_count; rt++)
                    if (add(cfg, r, kc, t, lm_backend_of_runtime(rt), LM_ISA_COUNT, NULL, err, err_size) != 0)
                        return -1;
                continue;
            }
            /* latmac, then each peer, then the copy yardstick */
            if (add_latmac(cfg, r, kc, t, err, err_size) != 0) return -1;
            for (int p = 0; p < lm_peer_backend_count; p++)
                if (add(cfg, r, kc, t, lm_backend_of_peer(p), LM_ISA_COUNT, NULL, err, err_size) != 0) return -1;
            if (lm_case_category_memory_bound(kc->category) &&
                add(cfg, r, kc, t, &lm_backend_memcpy, LM_ISA_COUNT, NULL, err, err_size) != 0)
                return -1;
        }
    }
    return 0;
}

static size_t count(const lm_suite *suite) {
    (void)suite;
    return (size_t)lm_kernel_suite_count;
}

const lm_suite lm_suite_kernels = {
    .name = "kernels",
    .about = "isolated operators (ShuffleNet V2's layers and one of every kind) against peers and memcpy",
    .names = "kernels/<case>/<backend>/threads:<N>",
    .count = count,
    .add_cases = add_cases,
};
