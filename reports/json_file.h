/* Reading a JSON document from a file, with the one-line reasons every reader of latmac's files gives. */
#ifndef LM_REPORTS_JSON_FILE_H
#define LM_REPORTS_JSON_FILE_H

#include <jansson.h>
#include <stddef.h>

/* The document in `path` (the caller owns it), duplicate keys refused; NULL with a one-line reason
 * naming the file: it cannot be read (and why), or it is not valid JSON (line, column and jansson's
 * words, with "it ends too early: truncated?" when the text stops short). */
json_t *lm_json_file_load(const char *path, char *err, size_t err_size);

#endif
