/* One-line error messages (see error.h). */
#include "kernels/error.h"

#include <stdarg.h>
#include <stdio.h>

int lm_error(char *err, size_t size, const char *fmt, ...) {
    if (err && size) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, size, fmt, ap);
        va_end(ap);
    }
    return -1;
}
