/* results.json, results.csv and index.html, written together (see results.h). The report is drawn
 * from the same JSON document that is saved, so it shows exactly what the file holds. */
#include "reports/results.h"

#include <stdlib.h>

#include "kernels/error.h"
#include "reports/html_report.h"

static int write_json(FILE *out, const void *root) {
    return json_dumpf(root, out, JSON_INDENT(2)) != 0 || fputc('\n', out) == EOF ? -1 : 0;
}
static int write_csv(FILE *out, const void *a) { return lm_results_write_csv(out, a); }
static int write_html(FILE *out, const void *run) { return lm_html_report_write(out, (lm_report_run *)run, 1); }

int lm_results_save(const char *dir, const lm_analysis *a, char *err, size_t err_size) {
    enum { JSON, CSV, HTML, FILES };
    lm_atomic_file files[FILES] = {0};
    lm_report_run run;
    char label[PATH_MAX];
    json_t *root = lm_results_to_json(a);
    if (!root) return lm_error(err, err_size, "out of memory");
    snprintf(label, sizeof label, "%s/results.json", dir);
    json_incref(root); /* the report run takes one reference, this function keeps the other */
    if (lm_report_run_adopt(&run, root, label, err, err_size) != 0) {
        json_decref(root);
        return -1;
    }
    int status = -1;
    if (lm_make_directory(dir, err, err_size) == 0 &&
        lm_atomic_file_write(&files[JSON], dir, "results.json", write_json, root, err, err_size) == 0 &&
        lm_atomic_file_write(&files[CSV], dir, "results.csv", write_csv, a, err, err_size) == 0 &&
        lm_atomic_file_write(&files[HTML], dir, "index.html", write_html, &run, err, err_size) == 0) {
        status = 0;
        /* all three are complete: replace the previous ones */
        for (int i = 0; i < FILES && status == 0; i++) status = lm_atomic_file_commit(&files[i], err, err_size);
    }
    for (int i = 0; i < FILES; i++) lm_atomic_file_discard(&files[i]);
    lm_report_run_free(&run);
    json_decref(root);
    return status;
}
