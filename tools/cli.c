/* Shared command-line plumbing (see cli.h). */
#include "tools/cli.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int lm_cli_usage_error(const char *command, const char *format, ...) {
    va_list ap;
    va_start(ap, format);
    fprintf(stderr, "latmac%s%s: ", command ? " " : "", command ? command : "");
    vfprintf(stderr, format, ap);
    fprintf(stderr, " (see 'latmac%s%s --help')\n", command ? " " : "", command ? command : "");
    va_end(ap);
    return LM_EXIT_USAGE;
}

int lm_cli_bad_option(const char *command, int result, char **argv) {
    const char *arg = argv[optind - 1];
    if (result == ':') return lm_cli_usage_error(command, "option '%s' needs a value", arg);
    if (optopt && strncmp(arg, "--", 2) != 0) return lm_cli_usage_error(command, "unknown option '-%c'", optopt);
    return lm_cli_usage_error(command, "unknown option '%s'", arg);
}

int lm_cli_no_operands(const char *command, int argc, char **argv) {
    if (optind < argc) return lm_cli_usage_error(command, "unexpected argument '%s'", argv[optind]);
    return LM_EXIT_OK;
}

bool lm_cli_parse_uint(const char *text, unsigned long min, unsigned long max, unsigned long *value) {
    if (!text || !isdigit((unsigned char)text[0])) return false;
    errno = 0;
    char *end;
    unsigned long v = strtoul(text, &end, 10);
    if (errno == ERANGE || *end != '\0' || v < min || v > max) return false;
    *value = v;
    return true;
}

bool lm_cli_parse_hxw(const char *text, unsigned long max, unsigned long *height, unsigned long *width) {
    char buf[32];
    const char *x = text ? strchr(text, 'x') : NULL;
    if (!x || (size_t)(x - text) >= sizeof buf) return false;
    memcpy(buf, text, (size_t)(x - text));
    buf[x - text] = '\0';
    return lm_cli_parse_uint(buf, 1, max, height) && lm_cli_parse_uint(x + 1, 1, max, width);
}

int lm_cli_parse_choice(const char *text, const char *const *choices) {
    for (int i = 0; text && choices[i]; i++)
        if (strcmp(text, choices[i]) == 0) return i;
    return -1;
}

void lm_cli_reset_getopt(void) {
    optind = 0; /* glibc: 0 re-initialises the scanner completely */
    opterr = 0;
}

bool lm_cli_parse_seconds(const char *text, double max, double *seconds) {
    char *end;
    errno = 0;
    const double v = text ? strtod(text, &end) : 0;
    if (!text || end == text || *end || errno || !isfinite(v) || !(v > 0) || v > max) return false;
    *seconds = v;
    return true;
}

bool lm_cli_list_well_formed(const char *text) {
    const size_t length = strlen(text);
    return length && text[0] != ',' && text[length - 1] != ',' && !strstr(text, ",,");
}

const char *lm_cli_list_next(const char **cursor, size_t *length) {
    const char *item = *cursor;
    if (!item || !*item) return NULL;
    *length = strcspn(item, ",");
    *cursor = item[*length] ? item + *length + 1 : item + *length;
    return item;
}

int lm_cli_parse_threads(const char *command, const char *text, unsigned long max, unsigned long hardware,
                         int *threads, size_t capacity, size_t *count) {
    *count = 0;
    if (strstr(text, ",,")) return lm_cli_usage_error(command, "--threads: '%s' has an empty item", text);
    if (!lm_cli_list_well_formed(text))
        return lm_cli_usage_error(command, "--threads: '%s' is not a comma-separated list of thread counts", text);
    size_t n;
    for (const char *cursor = text, *item; (item = lm_cli_list_next(&cursor, &n));) {
        char buf[32];
        snprintf(buf, sizeof buf, "%.*s", (int)(n < sizeof buf ? n : sizeof buf - 1), item);
        unsigned long v;
        if (n >= sizeof buf || !lm_cli_parse_uint(buf, 1, ULONG_MAX, &v))
            return lm_cli_usage_error(command, "--threads: '%.*s' is not a positive whole number", (int)n, item);
        if (v > hardware)
            return lm_cli_usage_error(command, "--threads: %lu is more than the %lu hardware threads of this machine", v,
                                      hardware);
        if (v > max) return lm_cli_usage_error(command, "--threads: %lu is more than latmac's limit of %lu", v, max);
        bool seen = false;
        for (size_t i = 0; i < *count; i++) seen |= threads[i] == (int)v;
        if (seen) continue;
        if (*count == capacity) return lm_cli_usage_error(command, "--threads: more than %zu thread counts", capacity);
        threads[(*count)++] = (int)v;
    }
    return LM_EXIT_OK;
}
