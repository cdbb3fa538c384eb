/* The instruction-set caps `latmac run`, `latmac roofline` and `latmac list kernels` use, chosen the
 * same way by all three. */
#ifndef LM_ISA_CAPS_H
#define LM_ISA_CAPS_H

#include <stddef.h>

#include "bench/host/host.h"
#include "kernels/kernel.h"

/* --isa LIST when `text` is not NULL (each set runnable here, best first), else the one cap of
 * LATMAC_ISA (lowered to the best set this host can run), else the best set the host can run.
 * Returns LM_EXIT_OK, or a usage error of `command` (printed) naming the bad item. */
int lm_choose_isa_caps(const char *command, const lm_host *host, const char *text, lm_isa *caps, size_t capacity,
                       size_t *count);

#endif
