/* What every `latmac` command shares: exit codes, usage errors, and parsing of option values. */
#ifndef LM_CLI_H
#define LM_CLI_H

#include <stdbool.h>
#include <stddef.h>

enum {
    LM_EXIT_OK = 0,
    LM_EXIT_FAILURE = 1, /* the command was understood but could not be carried out */
    LM_EXIT_USAGE = 2,   /* unknown command or option, missing or malformed value */
};

/* A command: `argv[0]` is the command's name, options follow. Returns an LM_EXIT_* code. */
typedef int (*lm_command_fn)(int argc, char **argv);

/* Prints "latmac COMMAND: MESSAGE (see 'latmac COMMAND --help')" on stderr; returns LM_EXIT_USAGE.
 * `command` NULL means the program itself. */
int lm_cli_usage_error(const char *command, const char *format, ...) __attribute__((format(printf, 2, 3)));

/* Turns what getopt_long returned for a bad option (':' missing value, '?' unknown option) into a
 * usage error. Call it with the option string started with ':' and opterr set to 0. */
int lm_cli_bad_option(const char *command, int result, char **argv);

/* Rejects positional arguments left after the options (argv[optind] onward). Returns LM_EXIT_OK or
 * LM_EXIT_USAGE. */
int lm_cli_no_operands(const char *command, int argc, char **argv);

/* Parses a whole decimal number in [min, max] (no sign, spaces or suffix); false if malformed. */
bool lm_cli_parse_uint(const char *text, unsigned long min, unsigned long max, unsigned long *value);

/* Parses "HEIGHTxWIDTH" (e.g. "224x224"), each a whole number in [1, max]; false if malformed. */
bool lm_cli_parse_hxw(const char *text, unsigned long max, unsigned long *height, unsigned long *width);

/* Parses a number of seconds above 0 and at most `max`; false if malformed. */
bool lm_cli_parse_seconds(const char *text, double max, double *seconds);

/* Comma-separated option values ("1,2", "avx2,avx512"): whether `text` is such a list, every item
 * non-empty (no ",,", no comma first or last, not empty). */
bool lm_cli_list_well_formed(const char *text);

/* Walks a well-formed list: the next item's start (not terminated: *length says where it ends),
 * advancing *cursor past it and its comma; NULL at the end. */
const char *lm_cli_list_next(const char **cursor, size_t *length);

/* Parses a --threads list ("1,2"): whole numbers from 1 to `max` (latmac's limit) and at most
 * `hardware` (the machine's), each kept once, into threads[0..*count), at most `capacity` of them.
 * Returns LM_EXIT_OK, or a usage error of `command` (printed) naming the bad item. */
int lm_cli_parse_threads(const char *command, const char *text, unsigned long max, unsigned long hardware,
                         int *threads, size_t capacity, size_t *count);

/* Index of `text` in the NULL-terminated `choices`, or -1. */
int lm_cli_parse_choice(const char *text, const char *const *choices);

/* Resets getopt_long for a new argument vector (commands parse after the program did). */
void lm_cli_reset_getopt(void);

#endif
