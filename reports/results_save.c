/* results.json and results.csv, written together (see results.h). */
#include "results.h"

static int write_json(FILE *out, const void *r) { return lm_results_write_json(out, r); }
static int write_csv(FILE *out, const void *r) { return lm_results_write_csv(out, r); }

int lm_results_save(const char *dir, const lm_results *r, char *err, size_t err_size) {
    lm_atomic_file json, csv;
    if (lm_make_directory(dir, err, err_size) != 0) return -1;
    if (lm_atomic_file_write(&json, dir, "results.json", write_json, r, err, err_size) != 0) return -1;
    if (lm_atomic_file_write(&csv, dir, "results.csv", write_csv, r, err, err_size) != 0) {
        lm_atomic_file_discard(&json);
        return -1;
    }
    if (lm_atomic_file_commit(&json, err, err_size) != 0) {
        lm_atomic_file_discard(&csv);
        return -1;
    }
    return lm_atomic_file_commit(&csv, err, err_size);
}
