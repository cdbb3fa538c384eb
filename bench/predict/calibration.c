/* Calibrating the step model (see calibration.h). */
#include "bench/predict/calibration.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/host/clock.h"
#include "bench/host/isa.h"
#include "bench/net/case_data.h"
#include "bench/predict/calibration_shapes.h"
#include "bench/predict/relative_fit.h"
#include "bench/stats/summary.h"
#include "kernels/error.h"

/* The buffer whose writing pushes a kernel's data out of the caches, a share per thread. */
typedef struct eviction {
    unsigned char *buffer;
    size_t per_thread;
} eviction;

static void evict_task(void *context, size_t task, int thread) {
    (void)thread;
    const eviction *e = context;
    unsigned char *p = e->buffer + task * e->per_thread;
    for (size_t i = 0; i < e->per_thread; i += 64) p[i] = (unsigned char)(p[i] + 1);
}

/* The largest cache of the host, of all (shared: the last level) or only of those a core has alone; 0
 * when the probe knows none. */
static uint64_t largest_cache(const lm_host *host, bool private_only) {
    uint64_t largest = 0;
    for (size_t i = 0; i < host->cache_count; i++) {
        const lm_host_cache *c = &host->caches[i];
        if ((!private_only || c->cores_per_instance == 1) && c->size_bytes > largest) largest = c->size_bytes;
    }
    return largest;
}

/* Each thread's share of twice the largest cache (a shared last level, on most hosts), and at least
 * twice its core's private caches; 64 MiB in all when the probe knows no cache. */
static size_t eviction_bytes_per_thread(const lm_host *host, int threads) {
    const uint64_t largest = largest_cache(host, false), private_largest = largest_cache(host, true);
    const size_t share = largest ? 2 * (size_t)largest / (size_t)threads : ((size_t)64 << 20) / (size_t)threads;
    return share > 2 * private_largest ? share : 2 * (size_t)private_largest;
}

double lm_calibration_near_limit(const lm_host *host, int threads) {
    const uint64_t largest = largest_cache(host, true);
    return (double)(largest ? largest : (uint64_t)1 << 20) * threads;
}

static volatile float sink; /* keeps the reads of the inputs */

/* Reads the inputs and outputs back in: the step before wrote the inputs, and the arena the outputs
 * go to has just held other tensors. */
static void touch_inputs(const lm_op_desc *d, const lm_case_data *data) {
    float sum = 0;
    for (int k = 0; k < data->inputs; k++) {
        const size_t n = lm_shape_elements(lm_op_input_shape(d, k));
        for (size_t i = 0; i < n; i += 16) sum += data->in[k][i];
    }
    for (int k = 0; k < data->outputs; k++) {
        const size_t n = lm_shape_elements(lm_op_output_shape(d, k));
        for (size_t i = 0; i < n; i += 16) sum += data->out[k][i];
    }
    sink = sum;
}

static void nothing(void *context, size_t task, int thread) { (void)context, (void)task, (void)thread; }

/* The median seconds of one call of `op` in a network's cache state. */
static double time_in_network_state(const lm_op *op, const lm_op_desc *d, const lm_case_data *data, eviction *e,
                                    lm_threadpool *pool, int repetitions) {
    double t[64];
    if (repetitions > 64) repetitions = 64;
    const size_t threads = (size_t)lm_threadpool_threads(pool);
    for (int r = -2; r < repetitions; r++) { /* two calls untimed: code and page tables warm */
        lm_threadpool_parallelize(pool, threads, evict_task, e);
        touch_inputs(d, data);
        /* the pool's workers awake, as the step before leaves them (they sleep after a short spin) */
        lm_threadpool_parallelize(pool, threads, nothing, NULL);
        const double start = lm_now_seconds();
        lm_op_run(op, (const float *const *)data->in, data->out, pool);
        if (r >= 0) t[r] = lm_now_seconds() - start;
    }
    return lm_median_in_place(t, (size_t)repetitions);
}

/* Times shape `d` once (a median over `repetitions` calls) into *seconds, and describes the sample. */
static int measure_shape(const lm_calibration_config *c, unsigned isas, const lm_op_desc *d, uint64_t seed, eviction *e,
                         lm_calibration_sample *s, char *err, size_t err_size) {
    lm_case_data data;
    char why[256];
    if (lm_case_data_create(d, seed, &data) != 0) return lm_error(err, err_size, "out of memory");
    lm_op *op = lm_op_create(d, data.params, NULL, isas, why, sizeof why);
    int status = 0;
    if (!op) {
        status = lm_error(err, err_size, "calibrating %s: %s", lm_step_class_name(lm_step_class_of(d)), why);
    } else {
        *s = (lm_calibration_sample){.desc = *d, .step_class = lm_step_class_of(d), .kernel = lm_op_kernel(op),
                                     .features = lm_step_features_of(d, lm_op_kernel(op), c->near_limit)};
        s->seconds = time_in_network_state(op, d, &data, e, c->pool, c->repetitions ? c->repetitions : 11);
    }
    lm_op_destroy(op);
    lm_case_data_free(&data);
    return status;
}

int lm_calibration_measure(const lm_calibration_config *c, lm_calibration_sample *samples, size_t *count, char *err,
                           size_t err_size) {
    const unsigned isas = lm_isas_up_to(lm_usable_isas(c->host), c->isa);
    const int threads = lm_threadpool_threads(c->pool);
    enum { SHAPES = LM_STEP_CLASS_COUNT * LM_CALIBRATION_SHAPES };
    const int rounds = c->rounds >= 1 && c->rounds <= LM_CALIBRATION_MAX_ROUNDS ? c->rounds : LM_CALIBRATION_ROUNDS;
    eviction e = {.per_thread = eviction_bytes_per_thread(c->host, threads)};
    lm_op_desc *shapes = malloc(SHAPES * sizeof *shapes);
    double *times = malloc(SHAPES * (size_t)rounds * sizeof *times);
    e.buffer = calloc((size_t)threads, e.per_thread);
    int status = shapes && times && e.buffer ? 0 : lm_error(err, err_size, "out of memory");
    size_t n = 0;
    for (int k = 0; k < LM_STEP_CLASS_COUNT && status == 0; k++)
        n += lm_calibration_shapes((lm_step_class)k, c->seed, shapes + n, LM_CALIBRATION_SHAPES);
    /* Rounds over every shape, not repetitions of one: what drifts on a shared machine (a neighbour's
     * memory traffic) then moves every shape a little instead of a few a lot. */
    for (int r = 0; r < rounds && status == 0; r++) {
        const double started = lm_now_seconds();
        for (size_t i = 0; i < n && status == 0; i++) {
            status = measure_shape(c, isas, &shapes[i], c->seed + i, &e, &samples[i], err, err_size);
            times[i * (size_t)rounds + (size_t)r] = samples[i].seconds;
        }
        if (c->progress && status == 0)
            fprintf(c->progress, "round %d of %d: %zu shapes in %.1f s\n", r + 1, rounds, n,
                    lm_now_seconds() - started);
    }
    for (size_t i = 0; i < n && status == 0; i++)
        samples[i].seconds = lm_median_in_place(times + i * (size_t)rounds, (size_t)rounds);
    *count = status == 0 ? n : 0;
    free(shapes), free(times), free(e.buffer);
    return status;
}

/* Fits the samples `wanted` picks into *out; out->samples stays 0 when they are too few. */
static void fit(const lm_calibration_sample *samples, size_t count, bool (*wanted)(const lm_calibration_sample *, const void *),
                const void *key, lm_step_coefficients *out) {
    enum { T = LM_STEP_TERMS };
    *out = (lm_step_coefficients){0};
    double *x = malloc(T * count * sizeof *x), *y = malloc(count * sizeof *y), *errors = malloc(count * sizeof *errors);
    size_t n = 0;
    for (size_t i = 0; x && y && i < count; i++) {
        const lm_step_features *f = &samples[i].features;
        if (!wanted(&samples[i], key) || !(samples[i].seconds > 0)) continue;
        const double row[T] = {1, f->work, f->weight_bytes, f->near_bytes, f->far_bytes};
        memcpy(x + T * n, row, sizeof row);
        y[n++] = samples[i].seconds;
    }
    double beta[T];
    if (errors && n >= T && lm_relative_fit(x, y, n, T, beta) == 0) {
        *out = (lm_step_coefficients){.tau = beta[0], .seconds_per_madd = beta[1], .seconds_per_weight_byte = beta[2],
                                      .seconds_per_near_byte = beta[3], .seconds_per_far_byte = beta[4],
                                      .samples = (int)n};
        for (size_t i = 0; i < n; i++) {
            double prediction = 0;
            for (int j = 0; j < T; j++) prediction += beta[j] * x[T * i + (size_t)j];
            errors[i] = fabs(prediction / y[i] - 1);
        }
        out->median_error = lm_median_in_place(errors, n);
    }
    free(x), free(y), free(errors);
}

static bool of_class(const lm_calibration_sample *s, const void *key) { return s->step_class == *(const lm_step_class *)key; }
static bool of_kernel(const lm_calibration_sample *s, const void *key) {
    const lm_calibration_sample *like = key;
    return s->kernel == like->kernel && s->step_class == like->step_class;
}

void lm_calibration_fit(const lm_calibration_sample *samples, size_t count, lm_step_model *m) {
    for (int k = 0; k < LM_STEP_CLASS_COUNT; k++) {
        const lm_step_class c = (lm_step_class)k;
        fit(samples, count, of_class, &c, &m->classes[k]);
    }
    m->kernel_count = 0;
    for (size_t i = 0; i < count && m->kernel_count < LM_STEP_MAX_KERNELS; i++) {
        size_t seen = 0, same = 0;
        for (size_t j = 0; j < count; j++) {
            seen += j < i && of_kernel(&samples[j], &samples[i]);
            same += of_kernel(&samples[j], &samples[i]);
        }
        if (seen || same < LM_CALIBRATION_KERNEL_SAMPLES) continue; /* fitted already, or too few */
        lm_step_kernel_coefficients *k = &m->kernels[m->kernel_count];
        snprintf(k->kernel, sizeof k->kernel, "%s", samples[i].kernel->name);
        k->step_class = samples[i].step_class;
        fit(samples, count, of_kernel, &samples[i], &k->c);
        if (k->c.samples) m->kernel_count++;
    }
}
