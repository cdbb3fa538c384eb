/* The one way latmac reports why something failed: a one-line message into a caller's buffer. */
#ifndef LM_ERROR_H
#define LM_ERROR_H

#include <stddef.h>

/* Formats the message into err (size bytes; err may be NULL or size 0: nothing is written) and
 * returns -1, so a failing function can `return lm_error(err, size, "...", ...);`. */
__attribute__((format(printf, 3, 4))) int lm_error(char *err, size_t size, const char *fmt, ...);

#endif
