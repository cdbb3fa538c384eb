/* Listings built once as rows of JSON objects (jansson), then written as an aligned text table, CSV
 * or JSON, so the three formats always agree (`latmac list`, `latmac predict`). */
#ifndef LM_ROW_TABLE_H
#define LM_ROW_TABLE_H

#include <stdio.h>

#include <jansson.h>

enum { LM_FORMAT_TEXT, LM_FORMAT_CSV, LM_FORMAT_JSON };

/* A column: its key in the rows, and how the text table shows it. */
typedef struct lm_column {
    const char *key, *title; /* title NULL: CSV only (too wide for the text table) */
    double text_scale;       /* numbers are divided by it in text (1e6: millions); 0 or 1: as they are */
} lm_column;

/* Writes `rows` (an array of objects) in `format` (LM_FORMAT_*), the columns `cols` (ended by a
 * column without key) for text and CSV. Returns 0, or 1 when writing failed. */
int lm_rows_write(FILE *out, const json_t *rows, const lm_column *cols, int format);

#endif
