/* `latmac report`: the HTML report of existing results files, one run or several side by side. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tools/cli.h"
#include "tools/commands.h"
#include "reports/html_report.h"
#include "reports/results.h"
#include "reports/results_read.h"

#define MAX_RUNS 26 /* tagged A to Z */

static const char usage[] =
    "Usage: latmac report RESULTS.json [MORE.json ...] [--pool] [--out FILE] [--force]\n"
    "\n"
    "Write the HTML report of results files that 'latmac run' wrote: one self-contained page (no\n"
    "scripts, no external files; it opens offline and prints) with the host and the method, the\n"
    "guideline experiments with the paper's numbers and verdicts, latency against MAdds and MAC across\n"
    "the networks, where each network's time goes, and the kernels against their peers. With several\n"
    "files (several hosts, or before and after a change), the runs are tagged A, B, ... and shown side\n"
    "by side, with each later run's time relative to A's. 'latmac run' writes the same report of its\n"
    "own results as index.html. What is derived from the measurements (ratios, roofline placements,\n"
    "flags, verdicts, proxies) is computed again by this latmac, whatever the files say.\n"
    "\n"
    "With --pool, the files are runs of the same build on the same host (separate processes, or days\n"
    "apart) and are pooled into one: each file's rounds become further rounds of every case of the same\n"
    "name, and the verdicts rest on all of them.\n"
    "\n"
    "Options:\n"
    "  -p, --pool       pool the files as rounds of one run instead of showing them side by side\n"
    "  -o, --out FILE   where to write the page (default: report.html; '-': standard output);\n"
    "                   missing folders are created\n"
    "  -F, --force      replace FILE if it exists (never one of the results files)\n"
    "  -h, --help       show this help\n"
    "\n"
    "Exit status: 0 success, 1 the page could not be written, 2 bad command line or a results file\n"
    "that cannot be read, is not valid JSON (truncated, say), is not latmac's or holds a malformed\n"
    "field (the file, the entry and the field are named).\n";

typedef struct page {
    lm_report_run *runs;
    size_t count;
} page;

static int write_page(FILE *out, const void *p) {
    const page *pg = p;
    return lm_html_report_write(out, pg->runs, pg->count);
}

/* Splits "dir/name" (dir "." when there is no slash). False when the name is empty or too long. */
static bool split_path(const char *path, char *dir, char *name) {
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    if (!*base || strlen(path) >= PATH_MAX) return false;
    if (!slash) snprintf(dir, PATH_MAX, ".");
    else snprintf(dir, PATH_MAX, "%.*s", slash == path ? 1 : (int)(slash - path), path);
    snprintf(name, PATH_MAX, "%s", base);
    return true;
}

/* Whether `out` names the same file as one of the inputs. */
static bool is_input(const char *out, char **inputs, int count) {
    struct stat o, in;
    if (stat(out, &o) != 0) return false;
    for (int i = 0; i < count; i++)
        if (stat(inputs[i], &in) == 0 && in.st_dev == o.st_dev && in.st_ino == o.st_ino) return true;
    return false;
}

/* Replaces runs[0] by the n runs pooled as rounds of one, labelled with every file. */
static int pool_runs(lm_report_run *runs, int n, char *err, size_t err_size) {
    const json_t **roots = calloc((size_t)n, sizeof *roots);
    const char **files = calloc((size_t)n, sizeof *files);
    json_t *pooled = NULL;
    if (roots && files) {
        for (int i = 0; i < n; i++) roots[i] = runs[i].root, files[i] = runs[i].label;
        pooled = lm_results_reanalyse_pooled(roots, files, (size_t)n, err, err_size);
    } else {
        snprintf(err, err_size, "out of memory");
    }
    int status = -1;
    if (pooled) {
        char label[sizeof runs[0].label];
        snprintf(label, sizeof label, "%.200s pooled with %d more", runs[0].label, n - 1);
        lm_report_run_free(&runs[0]);
        status = lm_report_run_adopt(&runs[0], pooled, label, err, err_size);
    }
    free(roots), free(files);
    return status;
}

int lm_cmd_report(int argc, char **argv) {
    static const struct option options[] = {
        {"out", required_argument, NULL, 'o'},
        {"force", no_argument, NULL, 'F'},
        {"pool", no_argument, NULL, 'p'},
        {"help", no_argument, NULL, 'h'},
        {0, 0, 0, 0},
    };
    const char *out = "report.html";
    bool force = false, pool = false;
    lm_cli_reset_getopt();
    for (int c; (c = getopt_long(argc, argv, ":o:Fph", options, NULL)) != -1;) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'F': force = true; break;
        case 'p': pool = true; break;
        case 'h': fputs(usage, stdout); return LM_EXIT_OK;
        default: return lm_cli_bad_option("report", c, argv);
        }
    }
    const int count = argc - optind;
    char **inputs = argv + optind;
    if (count < 1) return lm_cli_usage_error("report", "no results file given");
    if (count > MAX_RUNS) return lm_cli_usage_error("report", "more than %d results files", MAX_RUNS);
    const bool to_stdout = strcmp(out, "-") == 0;
    char dir[PATH_MAX], name[PATH_MAX];
    if (!to_stdout && !split_path(out, dir, name)) return lm_cli_usage_error("report", "--out: '%s' is not a file name", out);
    if (!to_stdout && is_input(out, inputs, count))
        return lm_cli_usage_error("report", "--out: '%s' is one of the results files", out);
    struct stat st;
    if (!to_stdout && !force && lstat(out, &st) == 0)
        return lm_cli_usage_error("report", "--out: '%s' exists; pass --force to replace it", out);

    lm_report_run *runs = calloc((size_t)count, sizeof *runs);
    if (!runs) {
        fputs("latmac report: out of memory\n", stderr);
        return LM_EXIT_FAILURE;
    }
    char err[PATH_MAX + 256];
    int status = LM_EXIT_OK, loaded = 0;
    /* each file's records analysed again, so the page shows today's derived figures, not the file's */
    for (; loaded < count; loaded++)
        if (lm_report_run_load(&runs[loaded], inputs[loaded], err, sizeof err) != 0 ||
            (!pool && lm_report_run_reanalyse(&runs[loaded], err, sizeof err) != 0)) {
            lm_report_run_free(&runs[loaded]);
            fprintf(stderr, "latmac report: %s\n", err);
            status = LM_EXIT_USAGE;
            break;
        }
    if (pool && status == LM_EXIT_OK && pool_runs(runs, loaded, err, sizeof err) != 0) {
        fprintf(stderr, "latmac report: %s\n", err);
        status = LM_EXIT_USAGE;
    }
    const page pg = {runs, pool ? 1 : (size_t)count};
    if (status == LM_EXIT_OK) {
        if (to_stdout) {
            if (write_page(stdout, &pg) != 0 || fflush(stdout) != 0 || ferror(stdout)) {
                perror("latmac report: writing the page failed");
                status = LM_EXIT_FAILURE;
            }
        } else if (lm_make_directory(dir, err, sizeof err) != 0 ||
                   lm_write_file_atomically(dir, name, write_page, &pg, err, sizeof err) != 0) {
            fprintf(stderr, "latmac report: %s\n", err);
            status = LM_EXIT_FAILURE;
        } else {
            printf("report: %s\n", out);
        }
    }
    for (int i = 0; i < loaded; i++) lm_report_run_free(&runs[i]);
    free(runs);
    return status;
}
