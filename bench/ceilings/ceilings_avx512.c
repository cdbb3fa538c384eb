/* The ceilings' loops in AVX-512 (ceilings_loops.inc): zmm registers, 16 lanes. */
#include <immintrin.h>

#define VEC __m512
#define VEC_LANES 16
#define VEC_SET1 _mm512_set1_ps
#define VEC_LOAD _mm512_load_ps
#define VEC_STORE _mm512_store_ps
#define VEC_ADD _mm512_add_ps
#define VEC_FMA _mm512_fmadd_ps
#define VEC_REG "v"
/* 24 chains cover FMA latency (4 cycles) x 2 ports with a wide margin in the 32 zmm registers; the mix
 * runs 12 + 12 chains. */
#define FMA_CHAINS(X) \
    X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11) \
    X(12) X(13) X(14) X(15) X(16) X(17) X(18) X(19) X(20) X(21) X(22) X(23)
#define MIX_CHAINS(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11)
#define LOOPS_NAME lm_ceiling_loops_avx512
#define LOOPS_ISA LM_ISA_AVX512

#include "bench/ceilings/ceilings_loops.inc"
