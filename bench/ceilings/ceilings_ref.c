/* The ceilings' bandwidth loops in plain C (ceilings_loops.inc, one float a "vector"), for hosts with
 * neither AVX2 nor AVX-512. No peak: there is no instruction set to name one for. */
#define VEC float
#define VEC_LANES 1
#define VEC_SET1(x) (x)
#define VEC_LOAD(p) (*(p))
#define VEC_STORE(p, v) (*(p) = (v))
#define VEC_ADD(a, b) ((a) + (b))
#define LOOPS_NAME lm_ceiling_loops_ref
#define LOOPS_ISA LM_ISA_REFERENCE

#include "bench/ceilings/ceilings_loops.inc"
