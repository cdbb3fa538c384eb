/* Sizes as people read them, the same in every report. */
#ifndef LM_REPORTS_UNITS_H
#define LM_REPORTS_UNITS_H

#include <stddef.h>
#include <stdint.h>

/* "32 KiB", "35.8 MiB", "0 B": binary units, one decimal when not whole. Returns buf. */
const char *lm_bytes_text(uint64_t bytes, char *buf, size_t size);

#endif
