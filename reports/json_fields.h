/* Typed fields of the JSON objects latmac's files hold, read with the one-line errors every reader of
 * them gives: the file, the object and the field, e.g.
 *   r.json: benchmarks[12] (kernels/relu_116_28/latmac/threads:1): 'madds' is not a whole number from 0 to ...
 * A getter leaves *out as it was when an optional field is absent (the caller's default), and refuses a
 * field present with another type, out of range or too long for its buffer: a file is read as written,
 * never silently cut. Each returns 0, or -1 with the reason in the fields' err. */
#ifndef LM_REPORTS_JSON_FIELDS_H
#define LM_REPORTS_JSON_FIELDS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct lm_json_fields {
    const char *file;  /* how errors name the file */
    char where[320];   /* the object being read: "context.latmac", "benchmarks[12] (its name)" */
    char *err;
    size_t err_size;
} lm_json_fields;

/* "<file>: <where>: <message>" into f->err; returns -1. */
__attribute__((format(printf, 2, 3))) int lm_json_fields_error(const lm_json_fields *f, const char *fmt, ...);

int lm_json_get_string(const lm_json_fields *f, const json_t *o, const char *key, bool required, char *out, size_t size);
/* A whole number from min to max: a JSON integer, or a number with nothing after the point (1e6). */
int lm_json_get_whole(const lm_json_fields *f, const json_t *o, const char *key, bool required, int64_t min,
                      int64_t max, int64_t *out);
int lm_json_get_number(const lm_json_fields *f, const json_t *o, const char *key, bool required, double *out);
int lm_json_get_bool(const lm_json_fields *f, const json_t *o, const char *key, bool required, bool *out);
/* A list of at most `max` items; *out NULL when an optional list is absent. */
int lm_json_get_list(const lm_json_fields *f, const json_t *o, const char *key, bool required, size_t max,
                     const json_t **out);
/* `in` as f, for an object inside f's: named "<f's where><inside>", the rest formatted like printf's. */
__attribute__((format(printf, 3, 4))) void lm_json_fields_inside(lm_json_fields *in, const lm_json_fields *f,
                                                                 const char *inside, ...);
/* Item i of the list `key` of f's object: `in` names it "<where>.<key>[i]"; an error unless an object. */
int lm_json_item(const lm_json_fields *f, const char *key, size_t i, const json_t *item, lm_json_fields *in);
/* A list of hardware threads (OS cpu numbers), at most `max`. */
int lm_json_get_cpus(const lm_json_fields *f, const json_t *o, const char *key, size_t max, unsigned *cpus,
                     size_t *count);

#endif
