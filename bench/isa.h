/* Which kernel instruction sets this host can run: the bridge from the host probe to kernel dispatch. */
#ifndef LM_ISA_H
#define LM_ISA_H

#include "host.h"
#include "kernel.h"

/* An OR of LM_ISA_BIT(...) for the sets whose every feature lm_host_simd_usable reports; the
 * reference is always included. */
unsigned lm_usable_isas(const lm_host *host);

/* Binds the calling thread to slot `index` of the host's placement order: an lm_bind_fn for
 * lm_threadpool_create, with the host as context. */
int lm_bind_to_slot(void *host, int index);

#endif
