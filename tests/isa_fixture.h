/* The instruction sets a test exercises: what the host can run, capped by LATMAC_ISA, so one test
 * program checks the lower paths of dispatch on any machine. */
#ifndef LM_TEST_ISA_FIXTURE_H
#define LM_TEST_ISA_FIXTURE_H

#include "bench/host/host.h"

/* The host's usable sets (an OR of LM_ISA_BIT) under LATMAC_ISA into *isas, printed as a TAP comment
 * ("# instruction sets used: avx2, reference", which .ci/run reports). Returns 0, or -1 after printing
 * why on stderr (LATMAC_ISA names no instruction set). */
int fixture_isas(const lm_host *host, unsigned *isas);

#endif
