/* Rows written as a text table, CSV or JSON (see row_table.h). */
#include "tools/row_table.h"

#include <string.h>

#include "reports/results.h" /* lm_csv_write_field */

/* A cell as text: strings as they are, numbers scaled for the text table (or not, for CSV). */
static void cell(const json_t *v, double scale, char *buf, size_t size) {
    if (json_is_string(v)) snprintf(buf, size, "%s", json_string_value(v));
    else if (json_is_integer(v) && scale > 1) snprintf(buf, size, "%.2f", (double)json_integer_value(v) / scale);
    else if (json_is_integer(v)) snprintf(buf, size, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    else if (json_is_real(v)) snprintf(buf, size, "%g", json_real_value(v));
    else snprintf(buf, size, "%s", scale ? "-" : "");
}

static int write_csv(FILE *out, const json_t *rows, const lm_column *cols) {
    for (int k = 0; cols[k].key; k++)
        if ((k && fputc(',', out) == EOF) || fputs(cols[k].key, out) == EOF) return -1;
    if (fputc('\n', out) == EOF) return -1;
    size_t i;
    const json_t *row;
    json_array_foreach(rows, i, row) {
        for (int k = 0; cols[k].key; k++) {
            char buf[512];
            cell(json_object_get(row, cols[k].key), 0, buf, sizeof buf);
            if ((k && fputc(',', out) == EOF) || lm_csv_write_field(out, buf) != 0) return -1;
        }
        if (fputc('\n', out) == EOF) return -1;
    }
    return 0;
}

static int write_text(FILE *out, const json_t *rows, const lm_column *all) {
    lm_column cols[32];
    int n = 0;
    for (int k = 0; all[k].key && n < 31; k++)
        if (all[k].title) cols[n++] = all[k];
    cols[n] = (lm_column){0};
    int width[32] = {0};
    char buf[512];
    for (int k = 0; k < n; k++) width[k] = (int)strlen(cols[k].title);
    size_t i;
    const json_t *row;
    json_array_foreach(rows, i, row) {
        for (int k = 0; k < n; k++) {
            cell(json_object_get(row, cols[k].key), cols[k].text_scale ? cols[k].text_scale : 1, buf, sizeof buf);
            if ((int)strlen(buf) > width[k]) width[k] = (int)strlen(buf);
        }
    }
    /* numbers right-aligned, text left-aligned; the last column unpadded */
    for (int k = 0; k < n; k++)
        if (fprintf(out, "%s%-*s", k ? "  " : "", k + 1 < n ? width[k] : 0, cols[k].title) < 0) return -1;
    if (fputc('\n', out) == EOF) return -1;
    json_array_foreach(rows, i, row) {
        for (int k = 0; k < n; k++) {
            const json_t *v = json_object_get(row, cols[k].key);
            cell(v, cols[k].text_scale ? cols[k].text_scale : 1, buf, sizeof buf);
            const int w = k + 1 < n ? width[k] : 0;
            if (fprintf(out, "%s%*s", k ? "  " : "", json_is_string(v) ? -w : w, buf) < 0) return -1;
        }
        if (fputc('\n', out) == EOF) return -1;
    }
    return 0;
}

int lm_rows_write(FILE *out, const json_t *rows, const lm_column *cols, int format) {
    if (format == LM_FORMAT_JSON) return json_dumpf(rows, out, JSON_INDENT(2)) != 0 || fputc('\n', out) == EOF;
    return (format == LM_FORMAT_CSV ? write_csv(out, rows, cols) : write_text(out, rows, cols)) != 0;
}
