/* The host probe as people and programs read it: plain text and JSON. */
#ifndef LM_HOST_REPORT_H
#define LM_HOST_REPORT_H

#include <jansson.h>
#include <stdio.h>

#include "bench/host/host.h"

/* A new JSON object describing the host; fields the host does not reveal hold the string "unknown".
 * NULL when out of memory. The caller owns the reference. */
json_t *lm_host_to_json(const lm_host *host);

/* Writes the host description as aligned text. Returns 0, or -1 when writing failed. */
int lm_host_write_text(FILE *out, const lm_host *host);

#endif
