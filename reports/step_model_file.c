/* The step models' JSON file (see step_model_file.h). */
#include "reports/step_model_file.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/host/isa.h"
#include "kernels/error.h"
#include "reports/json_fields.h"
#include "reports/json_file.h"
#include "reports/results.h"

#define FORMAT 1

void lm_step_model_default_path(char *out, size_t size) {
    const char *cache = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    if (cache && *cache) snprintf(out, size, "%s/latmac/step_models.json", cache);
    else snprintf(out, size, "%s/.cache/latmac/step_models.json", home && *home ? home : ".");
}

bool lm_step_model_file_for_host(const lm_host *host, const char *path, lm_step_model_file *f, char *err,
                                 size_t err_size) {
    char default_path[4096], fingerprint[sizeof f->fingerprint];
    if (!path) lm_step_model_default_path(default_path, sizeof default_path), path = default_path;
    if (lm_step_model_file_read(path, f, err, err_size) != 0) return false;
    lm_step_model_fingerprint(host, fingerprint, sizeof fingerprint);
    if (strcmp(fingerprint, f->fingerprint) != 0) {
        lm_error(err, err_size, "%s was calibrated on another host (%s)", path, f->fingerprint);
        return false;
    }
    return true;
}

void lm_step_model_fingerprint(const lm_host *host, char *out, size_t size) {
    char isas[128];
    size_t used = (size_t)snprintf(out, size, "%s; %s; %u hardware threads; caches", host->brand,
                                   host->microarchitecture, host->hw_threads);
    for (size_t i = 0; i < host->cache_count && used < size; i++)
        if (strcmp(host->caches[i].type, "instruction") != 0)
            used += (size_t)snprintf(out + used, size - used, " L%d %llu KiB", host->caches[i].level,
                                     (unsigned long long)(host->caches[i].size_bytes >> 10));
    if (used < size) snprintf(out + used, size - used, "; kernels %s", lm_isa_list_text(lm_usable_isas(host), isas, sizeof isas));
}

static json_t *coefficients_json(const lm_step_coefficients *c) {
    return json_pack("{s:f, s:f, s:f, s:f, s:f, s:i, s:f}", "tau", c->tau, "seconds_per_madd", c->seconds_per_madd,
                     "seconds_per_weight_byte", c->seconds_per_weight_byte, "seconds_per_near_byte",
                     c->seconds_per_near_byte, "seconds_per_far_byte", c->seconds_per_far_byte, "samples", c->samples,
                     "median_error", c->median_error);
}

static int write_json(FILE *out, const void *context) {
    const lm_step_model_file *f = context;
    json_t *models = json_array();
    for (size_t i = 0; i < f->count; i++) {
        const lm_step_model *m = &f->models[i];
        json_t *classes = json_object(), *kernels = json_array();
        for (int k = 0; k < LM_STEP_CLASS_COUNT; k++)
            if (m->classes[k].samples)
                json_object_set_new(classes, lm_step_class_name((lm_step_class)k), coefficients_json(&m->classes[k]));
        for (size_t k = 0; k < m->kernel_count; k++) {
            json_t *c = coefficients_json(&m->kernels[k].c);
            json_object_set_new(c, "kernel", json_string(m->kernels[k].kernel));
            json_object_set_new(c, "class", json_string(lm_step_class_name(m->kernels[k].step_class)));
            json_array_append_new(kernels, c);
        }
        json_array_append_new(models, json_pack("{s:s, s:i, s:f, s:o, s:o}", "isa", lm_isa_name(m->isa), "threads",
                                                m->threads, "near_limit", m->near_limit, "classes", classes,
                                                "kernels", kernels));
    }
    json_t *doc = json_pack("{s:i, s:s, s:f, s:o}", "latmac_step_models", FORMAT, "host", f->fingerprint,
                            "calibration_seconds", f->calibration_seconds, "models", models);
    const int status = doc && json_dumpf(doc, out, JSON_INDENT(1) | JSON_REAL_PRECISION(10)) == 0 ? 0 : -1;
    json_decref(doc);
    return status;
}

int lm_step_model_file_write(const char *path, const lm_step_model_file *f, char *err, size_t err_size) {
    char dir[4096];
    const char *slash = strrchr(path, '/');
    if (slash && slash != path && snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path) < (int)sizeof dir &&
        lm_make_directory(dir, err, err_size) != 0)
        return -1; /* its folder (~/.cache/latmac) may not exist yet */
    return lm_write_path_atomically(path, write_json, f, err, err_size);
}

static int read_coefficients(const lm_json_fields *in, const json_t *c, lm_step_coefficients *out) {
    int64_t samples = 0;
    if (!json_is_object(c)) return lm_json_fields_error(in, "not an object");
    if (lm_json_get_number(in, c, "tau", true, &out->tau) != 0 ||
        lm_json_get_number(in, c, "seconds_per_madd", true, &out->seconds_per_madd) != 0 ||
        lm_json_get_number(in, c, "seconds_per_weight_byte", true, &out->seconds_per_weight_byte) != 0 ||
        lm_json_get_number(in, c, "seconds_per_near_byte", true, &out->seconds_per_near_byte) != 0 ||
        lm_json_get_number(in, c, "seconds_per_far_byte", true, &out->seconds_per_far_byte) != 0 ||
        lm_json_get_whole(in, c, "samples", true, 1, 1000000, &samples) != 0 ||
        lm_json_get_number(in, c, "median_error", true, &out->median_error) != 0)
        return -1;
    if (!(out->tau >= 0 && out->seconds_per_madd >= 0 && out->seconds_per_weight_byte >= 0 &&
          out->seconds_per_near_byte >= 0 && out->seconds_per_far_byte >= 0 && out->median_error >= 0))
        return lm_json_fields_error(in, "a coefficient is negative or not a number");
    out->samples = (int)samples;
    return 0;
}

/* The class named `name`, or -1. */
static int class_named(const char *name) {
    for (int k = 0; k < LM_STEP_CLASS_COUNT; k++)
        if (strcmp(name, lm_step_class_name((lm_step_class)k)) == 0) return k;
    return -1;
}

static int read_model(const lm_json_fields *fields, const json_t *o, lm_step_model *m) {
    char isa[32];
    int64_t threads;
    const json_t *classes = json_object_get(o, "classes"), *kernels = json_object_get(o, "kernels");
    if (lm_json_get_string(fields, o, "isa", true, isa, sizeof isa) != 0 ||
        lm_json_get_whole(fields, o, "threads", true, 1, 1024, &threads) != 0 ||
        lm_json_get_number(fields, o, "near_limit", true, &m->near_limit) != 0)
        return -1;
    if (lm_isa_from_name(isa) < 0) return lm_json_fields_error(fields, "'isa' names no instruction set: '%s'", isa);
    if (!json_is_object(classes) || !json_is_array(kernels))
        return lm_json_fields_error(fields, "'classes' is not an object or 'kernels' not a list");
    if (!(m->near_limit > 0)) return lm_json_fields_error(fields, "'near_limit' is not a positive number");
    m->isa = (lm_isa)lm_isa_from_name(isa), m->threads = (int)threads;
    const char *name;
    const json_t *c;
    json_object_foreach((json_t *)classes, name, c) {
        lm_json_fields in;
        lm_json_fields_inside(&in, fields, ".classes.%s", name);
        const int k = class_named(name);
        if (k < 0) return lm_json_fields_error(&in, "no such class of steps");
        if (read_coefficients(&in, c, &m->classes[k]) != 0) return -1;
    }
    if (json_array_size(kernels) > LM_STEP_MAX_KERNELS)
        return lm_json_fields_error(fields, "more than %d kernels", LM_STEP_MAX_KERNELS);
    for (size_t i = 0; i < json_array_size(kernels); i++) {
        lm_json_fields in;
        char step_class[32];
        lm_step_kernel_coefficients *k = &m->kernels[m->kernel_count++];
        c = json_array_get(kernels, i);
        if (lm_json_item(fields, "kernels", i, c, &in) != 0 ||
            lm_json_get_string(&in, c, "kernel", true, k->kernel, sizeof k->kernel) != 0 ||
            lm_json_get_string(&in, c, "class", true, step_class, sizeof step_class) != 0 ||
            read_coefficients(&in, c, &k->c) != 0)
            return -1;
        if (class_named(step_class) < 0) return lm_json_fields_error(&in, "no such class of steps: '%s'", step_class);
        k->step_class = (lm_step_class)class_named(step_class);
    }
    return 0;
}

int lm_step_model_file_read(const char *path, lm_step_model_file *f, char *err, size_t err_size) {
    json_t *doc = lm_json_file_load(path, err, err_size);
    if (!doc) return -1;
    lm_json_fields fields = {.file = path, .where = "top", .err = err, .err_size = err_size};
    int64_t format = 0;
    const json_t *models = NULL;
    *f = (lm_step_model_file){0};
    int status = !json_is_object(doc) ? lm_json_fields_error(&fields, "not a JSON object")
                 : lm_json_get_whole(&fields, doc, "latmac_step_models", true, FORMAT, FORMAT, &format) != 0 ||
                         lm_json_get_string(&fields, doc, "host", true, f->fingerprint, sizeof f->fingerprint) != 0 ||
                         lm_json_get_number(&fields, doc, "calibration_seconds", true, &f->calibration_seconds) != 0 ||
                         lm_json_get_list(&fields, doc, "models", true, LM_STEP_MODEL_MAX, &models) != 0
                     ? -1
                     : 0;
    for (size_t i = 0; status == 0 && i < json_array_size(models); i++) {
        lm_json_fields in;
        status = lm_json_item(&fields, "models", i, json_array_get(models, i), &in) != 0 ||
                         read_model(&in, json_array_get(models, i), &f->models[f->count++]) != 0
                     ? -1
                     : 0;
    }
    json_decref(doc);
    return status;
}

const lm_step_model *lm_step_model_find(const lm_step_model_file *f, lm_isa isa, int threads) {
    for (size_t i = 0; i < f->count; i++)
        if (f->models[i].isa == isa && f->models[i].threads == threads) return &f->models[i];
    return NULL;
}
