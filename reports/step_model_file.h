/* The calibrated step models (bench/predict/step_model.h) of one host, as the JSON file
 * `latmac predict --calibrate` writes and `latmac predict` reads. The file names the host it was
 * measured on (lm_step_model_fingerprint), and a model is only used on that host: another CPU, cache
 * or instruction-set set would make its coefficients wrong without saying so. */
#ifndef LM_REPORTS_STEP_MODEL_FILE_H
#define LM_REPORTS_STEP_MODEL_FILE_H

#include <stdbool.h>
#include <stddef.h>

#include "bench/host/host.h"
#include "bench/predict/step_model.h"

#define LM_STEP_MODEL_MAX 16 /* models in one file: caps x thread counts */

typedef struct lm_step_model_file {
    char fingerprint[512];
    double calibration_seconds; /* the sweep's wall time */
    size_t count;
    lm_step_model models[LM_STEP_MODEL_MAX];
} lm_step_model_file;

/* Where models are kept unless told otherwise: $XDG_CACHE_HOME/latmac/step_models.json, else
 * $HOME/.cache/latmac/step_models.json. */
void lm_step_model_default_path(char *out, size_t size);

/* The models calibrated on `host` at `path` (NULL: the default path) into *f; false (with why in err)
 * when there are none, or they are malformed or from another host. */
bool lm_step_model_file_for_host(const lm_host *host, const char *path, lm_step_model_file *f, char *err,
                                 size_t err_size);

/* What identifies a host for its models: CPU brand, microarchitecture, hardware threads, cache sizes
 * and the instruction sets its kernels may use. */
void lm_step_model_fingerprint(const lm_host *host, char *out, size_t size);

/* Writes f to `path` atomically (the previous file stays whole on failure). 0, or -1 with a reason. */
int lm_step_model_file_write(const char *path, const lm_step_model_file *f, char *err, size_t err_size);

/* Reads `path`; -1 with a one-line reason naming the file when it cannot be read or is malformed. */
int lm_step_model_file_read(const char *path, lm_step_model_file *f, char *err, size_t err_size);

/* The model of cap `isa` and `threads` in f, or NULL. */
const lm_step_model *lm_step_model_find(const lm_step_model_file *f, lm_isa isa, int threads);

#endif
