/* Which kernel instruction sets this host can run, and the cap a user puts on them: the bridge from
 * the host probe to kernel dispatch. */
#ifndef LM_ISA_H
#define LM_ISA_H

#include <stddef.h>

#include "bench/host/host.h"
#include "kernels/kernel.h"

/* The environment variable that caps dispatch for every command and test: one instruction set
 * ("avx512", "avx2", "reference" or "ref"). Kernels above it are never picked; on a host that cannot
 * run it, the best set below it is used. */
#define LM_ISA_ENV "LATMAC_ISA"

/* An OR of LM_ISA_BIT(...) for the sets whose every feature lm_host_simd_usable reports; the
 * reference is always included. */
unsigned lm_usable_isas(const lm_host *host);

/* The sets of `isas` (an OR of LM_ISA_BIT) up to and including `cap`: what dispatch may use under it. */
unsigned lm_isas_up_to(unsigned isas, lm_isa cap);

/* The sets of `isas` a case may use under its cap named `cap` (lm_result_case.isa): those up to it,
 * or all of `isas` when the name is empty or names no set (a peer's case). */
unsigned lm_isas_up_to_named(unsigned isas, const char *cap);

/* The best set in `isas`; LM_ISA_REFERENCE when it holds none. */
lm_isa lm_isa_best(unsigned isas);

/* The set named `name` ("reference" or "ref", "avx2", "avx512"); -1 for any other name. */
int lm_isa_from_name(const char *name);

/* The sets this host may use once LATMAC_ISA is applied: lm_usable_isas capped by the variable, or
 * uncapped when it is unset or empty. Returns -1 with a one-line reason in err when it names no set. */
int lm_isas_from_env(const lm_host *host, unsigned *isas, char *err, size_t err_size);

/* Adds the cap named `name` (an item of --isa) to the set *caps (an OR of LM_ISA_BIT): runnable here
 * (in `usable`), named once, at most `capacity` caps in all. Returns 0, or -1 with a one-line reason in
 * err (an unknown name, a set this host cannot run, a repeat, one too many). */
int lm_isa_cap_add(const char *name, unsigned usable, size_t capacity, unsigned *caps, char *err, size_t err_size);

/* The sets of `set` into caps, best first; their count. */
size_t lm_isa_caps_best_first(unsigned set, lm_isa *caps);

/* The names of the sets in `isas`, best first, separated by ", " into buf ("reference" at least). */
const char *lm_isa_list_text(unsigned isas, char *buf, size_t size);

/* Binds the calling thread to slot `index` of the host's placement order: an lm_bind_fn for
 * lm_threadpool_create, with the host as context. */
int lm_bind_to_slot(void *host, int index);

#endif
