/* The ceilings' loops in AVX2 + FMA (ceilings_loops.inc): ymm registers, 8 lanes. */
#include <immintrin.h>

#define VEC __m256
#define VEC_LANES 8
#define VEC_SET1 _mm256_set1_ps
#define VEC_LOAD _mm256_load_ps
#define VEC_STORE _mm256_store_ps
#define VEC_ADD _mm256_add_ps
#define VEC_FMA _mm256_fmadd_ps
#define VEC_REG "x"
/* FMA latency (4-5 cycles) x 2 ports needs 8-10 chains in flight; 12 leave room. The mix fills the 16
 * ymm registers: 7 + 7 chains and the two constants. */
#define FMA_CHAINS(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11)
#define MIX_CHAINS(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6)
#define LOOPS_NAME lm_ceiling_loops_avx2
#define LOOPS_ISA LM_ISA_AVX2

#include "bench/ceilings/ceilings_loops.inc"
