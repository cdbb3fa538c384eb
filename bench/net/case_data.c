/* Seeded data for benchmark cases (see case_data.h). */
#include "bench/net/case_data.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* xorshift64*: small, fast and the same on every platform. */
static float uniform(uint64_t *state, float lo, float hi) {
    uint64_t x = *state;
    x ^= x >> 12, x ^= x << 25, x ^= x >> 27;
    *state = x;
    const uint64_t r = x * 0x2545f4914f6cdd1dull;
    return lo + (hi - lo) * (float)((double)(r >> 40) / (double)(1ull << 24));
}

void lm_fill_uniform(uint64_t *state, float *p, size_t n, float lo, float hi) {
    for (size_t i = 0; i < n; i++) p[i] = uniform(state, lo, hi);
}

uint64_t lm_seed_of(const char *name) {
    uint64_t h = 0xcbf29ce484222325ull;
    for (const unsigned char *s = (const unsigned char *)name; *s; s++) h = (h ^ *s) * 0x100000001b3ull;
    return h ? h : 1; /* xorshift must not start from 0 */
}

void *lm_aligned_alloc(size_t bytes) {
    /* A multiple of the alignment, as aligned_alloc wants, with slack: XNNPACK's kernels may read up
     * to 16 bytes past the end of their inputs. */
    const size_t rounded = (bytes + 16 + 63) / 64 * 64;
    return aligned_alloc(64, rounded ? rounded : 64);
}

static double fan_in(const lm_op_desc *d) {
    if (d->kind == LM_OP_CONV) return (double)d->conv.kernel_h * d->conv.kernel_w * (d->in.c / d->conv.groups);
    if (d->kind == LM_OP_FC) return (double)d->in.h * d->in.w * d->in.c;
    return 1;
}

/* Buffer number `slot` of a case: page-aligned memory, used from a slot-dependent offset (17 cache
 * lines apart, so distinct modulo 4 KiB for every slot a case can have). */
static float *placed(lm_case_data *data, int slot, size_t bytes) {
    const size_t offset = (size_t)slot * 17 * 64 % 4096;
    unsigned char *block = aligned_alloc(4096, (offset + bytes + 16 + 4095) / 4096 * 4096); /* 16: see lm_aligned_alloc */
    data->blocks[slot] = block;
    return block ? (float *)(block + offset) : NULL;
}

int lm_case_data_create(const lm_op_desc *d, uint64_t seed, lm_case_data *data) {
    memset(data, 0, sizeof *data);
    int slot = 0;
    uint64_t state = seed ? seed : 1;
    const size_t floats = lm_op_param_floats(d);
    if (floats) {
        if (!(data->params = placed(data, slot++, floats * sizeof(float)))) goto out_of_memory;
        const float scale = (float)(1.0 / sqrt(fan_in(d)));
        for (size_t i = 0; i < floats; i++) data->params[i] = uniform(&state, -1, 1) * scale;
        if (d->kind == LM_OP_BATCHNORM) lm_fill_uniform(&state, data->params + 3 * (size_t)d->in.c, (size_t)d->in.c, 0.5f, 1.5f);
    }
    data->inputs = lm_op_input_count(d);
    data->outputs = lm_op_output_count(d);
    for (int i = 0; i < data->inputs; i++) {
        const size_t n = lm_shape_elements(lm_op_input_shape(d, i));
        if (!(data->in[i] = placed(data, slot++, n * sizeof(float)))) goto out_of_memory;
        lm_fill_uniform(&state, data->in[i], n, -1, 1);
    }
    for (int i = 0; i < data->outputs; i++) {
        const size_t n = lm_shape_elements(lm_op_output_shape(d, i));
        if (!(data->out[i] = placed(data, slot++, n * sizeof(float)))) goto out_of_memory;
        memset(data->out[i], 0, n * sizeof(float));
    }
    return 0;
out_of_memory:
    lm_case_data_free(data);
    return -1;
}

void lm_case_data_free(lm_case_data *data) {
    for (size_t i = 0; i < sizeof data->blocks / sizeof data->blocks[0]; i++) free(data->blocks[i]);
    memset(data, 0, sizeof *data);
}
