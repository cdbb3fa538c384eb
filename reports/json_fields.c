/* Typed JSON fields with one-line errors (see json_fields.h). */
#include "reports/json_fields.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "kernels/error.h"

int lm_json_fields_error(const lm_json_fields *f, const char *fmt, ...) {
    char message[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    return lm_error(f->err, f->err_size, "%s: %s: %s", f->file, f->where, message);
}

/* The field, or NULL when it is absent; *failed set (with the reason) when a required one is. */
static const json_t *field(const lm_json_fields *f, const json_t *o, const char *key, bool required, int *failed) {
    const json_t *v = json_object_get(o, key);
    *failed = !v && required ? lm_json_fields_error(f, "'%s' is missing", key) : 0;
    return v;
}

int lm_json_get_string(const lm_json_fields *f, const json_t *o, const char *key, bool required, char *out, size_t size) {
    int failed;
    const json_t *v = field(f, o, key, required, &failed);
    if (!v) return failed;
    if (!json_is_string(v) || json_string_length(v) >= size || strlen(json_string_value(v)) != json_string_length(v))
        return lm_json_fields_error(f, "'%s' is not a string of at most %zu characters", key, size - 1);
    memcpy(out, json_string_value(v), json_string_length(v) + 1);
    return 0;
}

int lm_json_get_whole(const lm_json_fields *f, const json_t *o, const char *key, bool required, int64_t min,
                      int64_t max, int64_t *out) {
    int failed;
    const json_t *v = field(f, o, key, required, &failed);
    if (!v) return failed;
    const double real = json_is_real(v) ? json_real_value(v) : 0;
    const bool whole_real = json_is_real(v) && real == floor(real) && real >= -0x1p63 && real < 0x1p63;
    if (json_is_integer(v) || whole_real) {
        const int64_t n = json_is_integer(v) ? (int64_t)json_integer_value(v) : (int64_t)real;
        if (n >= min && n <= max) {
            *out = n;
            return 0;
        }
    }
    return lm_json_fields_error(f, "'%s' is not a whole number from %lld to %lld", key, (long long)min, (long long)max);
}

int lm_json_get_number(const lm_json_fields *f, const json_t *o, const char *key, bool required, double *out) {
    int failed;
    const json_t *v = field(f, o, key, required, &failed);
    if (!v) return failed;
    if (!json_is_number(v)) return lm_json_fields_error(f, "'%s' is not a number", key);
    *out = json_number_value(v);
    return 0;
}

int lm_json_get_bool(const lm_json_fields *f, const json_t *o, const char *key, bool required, bool *out) {
    int failed;
    const json_t *v = field(f, o, key, required, &failed);
    if (!v) return failed;
    if (!json_is_boolean(v)) return lm_json_fields_error(f, "'%s' is not true or false", key);
    *out = json_is_true(v);
    return 0;
}

int lm_json_get_list(const lm_json_fields *f, const json_t *o, const char *key, bool required, size_t max,
                     const json_t **out) {
    int failed;
    *out = field(f, o, key, required, &failed);
    if (!*out) return failed;
    if (!json_is_array(*out) || json_array_size(*out) > max)
        return lm_json_fields_error(f, "'%s' is not a list of at most %zu items", key, max);
    return 0;
}

void lm_json_fields_inside(lm_json_fields *in, const lm_json_fields *f, const char *inside, ...) {
    *in = *f;
    const size_t used = strlen(in->where);
    va_list ap;
    va_start(ap, inside);
    vsnprintf(in->where + used, sizeof in->where - used, inside, ap);
    va_end(ap);
}

int lm_json_item(const lm_json_fields *f, const char *key, size_t i, const json_t *item, lm_json_fields *in) {
    lm_json_fields_inside(in, f, ".%s[%zu]", key, i);
    return json_is_object(item) ? 0 : lm_json_fields_error(in, "not an object");
}

int lm_json_get_cpus(const lm_json_fields *f, const json_t *o, const char *key, size_t max, unsigned *cpus,
                     size_t *count) {
    const json_t *list;
    if (lm_json_get_list(f, o, key, false, max, &list) != 0) return -1;
    size_t i;
    const json_t *cpu;
    json_array_foreach(list, i, cpu) {
        if (!json_is_integer(cpu) || json_integer_value(cpu) < 0 || json_integer_value(cpu) > (json_int_t)UINT32_MAX)
            return lm_json_fields_error(f, "'%s' is not a list of hardware threads (whole numbers from 0)", key);
        cpus[i] = (unsigned)json_integer_value(cpu);
    }
    *count = list ? json_array_size(list) : *count;
    return 0;
}
