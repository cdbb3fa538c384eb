/* Reading a JSON file (see json_file.h). */
#include "reports/json_file.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "kernels/error.h"

json_t *lm_json_file_load(const char *path, char *err, size_t err_size) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        lm_error(err, err_size, "cannot read %s: %s", path, strerror(errno));
        return NULL;
    }
    json_error_t why;
    json_t *root = json_loadf(f, JSON_REJECT_DUPLICATES, &why);
    const bool read_failed = ferror(f);
    fclose(f);
    if (read_failed) {
        json_decref(root);
        lm_error(err, err_size, "cannot read %s: read error", path);
        return NULL;
    }
    if (!root) {
        /* a writer killed mid-file or a full disk leaves exactly this */
        const bool truncated = json_error_code(&why) == json_error_premature_end_of_input;
        lm_error(err, err_size, "%s is not valid JSON%s: line %d, column %d: %s", path,
                 truncated ? " (it ends too early: truncated?)" : "", why.line, why.column, why.text);
    }
    return root;
}
