/* `latmac compare`: two runs' results case by case, as a CI gate on regressions. */
#include <getopt.h>
#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/cli.h"
#include "tools/commands.h"
#include "reports/compare.h"

static const char usage[] =
    "Usage: latmac compare BASE NEW [--threshold PCT] [--alpha A] [--max-cv CV] [--metric NAME]\n"
    "                      [--format text|markdown|json] [--filter REGEX]\n"
    "\n"
    "Compare two runs case by case and fail on a regression. BASE and NEW are each a results file\n"
    "(latmac's results.json, or any Google Benchmark JSON with repetitions), or several separated by\n"
    "commas whose repetitions are pooled per case (interleaved runs of two builds: a1.json,a2.json).\n"
    "Each case in both gets the medians of its repetitions, the change of the median, a two-sided\n"
    "Mann-Whitney U test (Holm-corrected over the cases), the Hodges-Lehmann ratio with its 95% interval,\n"
    "and a status: regression or improvement (corrected p below alpha and a change beyond the\n"
    "threshold), unchanged, noisy (a side's coefficient of variation above --max-cv; with several\n"
    "files a side, each a round of interleaved runs, the largest within one round, or a change that\n"
    "not every round shows against the round beside it), too few repetitions (even fully separated\n"
    "samples of these sizes could not reach p < alpha) or failed. tools/interleaved_runs.sh makes the\n"
    "rounds.\n"
    "\n"
    "Options:\n"
    "  --threshold PCT   the smallest change that counts, in percent (default 5; above 0, at most 1000)\n"
    "  --alpha A         significance after correction (default 0.05; above 0, at most 0.5)\n"
    "  --max-cv CV       noise guard: largest coefficient of variation decided (default 0.10; above 0)\n"
    "  --metric NAME     the field compared (default real_time). Names ending in _time are times (lower\n"
    "                    is better, converted with time_unit); any other numeric field of the\n"
    "                    repetitions, e.g. gflops, gbps, images_per_second, is higher-is-better\n"
    "  --format FMT      text (default), markdown (a CI job summary or pull-request comment) or json\n"
    "  --filter REGEX    only the cases whose name matches (POSIX extended regular expression)\n"
    "  -h, --help        show this help\n"
    "\n"
    "Exit status: 0 no regression, 1 at least one regression, 2 bad command line, a file that cannot be\n"
    "read, is not valid JSON (truncated, say) or not a benchmark file, a repetition without the metric,\n"
    "or no case in both.\n";

enum { OPT_THRESHOLD = 256, OPT_ALPHA, OPT_MAX_CV, OPT_METRIC, OPT_FORMAT, OPT_FILTER };
enum { FORMAT_TEXT, FORMAT_MARKDOWN, FORMAT_JSON };

/* A side: its files (pointers into `list`, a copy of the argument split at commas) and its cases. */
typedef struct side {
    const char *name; /* "BASE" or "NEW" */
    char *list;
    const char **files;
    size_t file_count;
    lm_bench_set set;
} side;

static int split_files(side *s, const char *argument) {
    if (!lm_cli_list_well_formed(argument))
        return lm_cli_usage_error("compare", "%s: '%s' has an empty file name", s->name, argument);
    s->list = strdup(argument);
    s->files = calloc(strlen(argument) / 2 + 1, sizeof *s->files); /* at most that many items */
    if (!s->list || !s->files) {
        fputs("latmac compare: out of memory\n", stderr);
        return LM_EXIT_USAGE;
    }
    size_t n;
    for (const char *cursor = s->list, *f; (f = lm_cli_list_next(&cursor, &n));) {
        s->list[f - s->list + (ptrdiff_t)n] = '\0'; /* its comma, already passed */
        s->files[s->file_count++] = f;
    }
    return LM_EXIT_OK;
}

static int read_side(side *s, const char *metric, const regex_t *filter) {
    char err[2048];
    for (size_t i = 0; i < s->file_count; i++)
        if (lm_bench_set_read(&s->set, s->files[i], metric, filter, err, sizeof err) != 0) {
            fprintf(stderr, "latmac compare: %s\n", err);
            return LM_EXIT_USAGE;
        }
    return LM_EXIT_OK;
}

/* The metric must be on some repetition, and on every repetition compared. */
static int check_metric(const side *sides, const char *metric) {
    if (!sides[0].set.metric_seen && !sides[1].set.metric_seen) {
        fprintf(stderr, "latmac compare: unknown metric '%s': no repetition in BASE or NEW has it as a number\n",
                metric);
        return LM_EXIT_USAGE;
    }
    for (int k = 0; k < 2; k++)
        if (sides[k].set.missing[0]) {
            fprintf(stderr, "latmac compare: %s (leave such cases out with --filter)\n", sides[k].set.missing);
            return LM_EXIT_USAGE;
        }
    return LM_EXIT_OK;
}

static int report(const lm_compare_result *c, const side *sides, int format) {
    const lm_compare_sources sources = {sides[0].files, sides[0].file_count, sides[1].files, sides[1].file_count};
    int (*const writers[])(FILE *, const lm_compare_result *, const lm_compare_sources *) = {
        lm_compare_write_text, lm_compare_write_markdown, lm_compare_write_json};
    if (writers[format](stdout, c, &sources) != 0) {
        perror("latmac compare: writing the comparison failed");
        return LM_EXIT_USAGE; /* not 1: a failed write must not read as a regression, nor as a pass */
    }
    return c->status_counts[LM_COMPARE_REGRESSION] ? LM_EXIT_FAILURE : LM_EXIT_OK;
}

/* Parses the options into `o`, `format` and `filter` (compiled when given: *has_filter). LM_EXIT_OK,
 * a usage error (printed), or -1 after printing the help. */
static int parse_options(int argc, char **argv, lm_compare_options *o, int *format, regex_t *filter,
                         bool *has_filter) {
    static const struct option options[] = {
        {"threshold", required_argument, NULL, OPT_THRESHOLD},
        {"alpha", required_argument, NULL, OPT_ALPHA},
        {"max-cv", required_argument, NULL, OPT_MAX_CV},
        {"metric", required_argument, NULL, OPT_METRIC},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"filter", required_argument, NULL, OPT_FILTER},
        {"help", no_argument, NULL, 'h'},
        {0, 0, 0, 0},
    };
    static const char *const formats[] = {"text", "markdown", "json", NULL};
    const char *pattern = NULL;
    lm_cli_reset_getopt();
    for (int c; (c = getopt_long(argc, argv, ":h", options, NULL)) != -1;) {
        switch (c) {
        case OPT_THRESHOLD:
            if (!lm_cli_parse_seconds(optarg, 1000, &o->threshold))
                return lm_cli_usage_error("compare", "--threshold: '%s' is not a percentage above 0 and at most 1000",
                                          optarg);
            break;
        case OPT_ALPHA:
            if (!lm_cli_parse_seconds(optarg, 0.5, &o->alpha))
                return lm_cli_usage_error("compare", "--alpha: '%s' is not a number above 0 and at most 0.5", optarg);
            break;
        case OPT_MAX_CV:
            if (!lm_cli_parse_seconds(optarg, HUGE_VAL, &o->max_cv))
                return lm_cli_usage_error("compare", "--max-cv: '%s' is not a number above 0", optarg);
            break;
        case OPT_METRIC:
            if (!*optarg) return lm_cli_usage_error("compare", "--metric: empty name");
            o->metric = optarg;
            break;
        case OPT_FORMAT:
            if ((*format = lm_cli_parse_choice(optarg, formats)) < 0)
                return lm_cli_usage_error("compare", "unknown format '%s' (expected text, markdown or json)", optarg);
            break;
        case OPT_FILTER: pattern = optarg; break;
        case 'h': fputs(usage, stdout); return -1;
        default: return lm_cli_bad_option("compare", c, argv);
        }
    }
    if (argc - optind < 2) return lm_cli_usage_error("compare", "needs BASE and NEW results files");
    if (argc - optind > 2) return lm_cli_usage_error("compare", "unexpected argument '%s'", argv[optind + 2]);
    if (pattern) {
        const int failed = regcomp(filter, pattern, REG_EXTENDED | REG_NOSUB);
        if (failed) {
            char why[256];
            regerror(failed, filter, why, sizeof why);
            return lm_cli_usage_error("compare", "--filter: '%s' is not a regular expression: %s", pattern, why);
        }
        *has_filter = true;
    }
    o->higher_is_better = !lm_metric_is_time(o->metric);
    return LM_EXIT_OK;
}

int lm_cmd_compare(int argc, char **argv) {
    lm_compare_options o = {.metric = "real_time", .threshold = 5, .alpha = 0.05, .max_cv = 0.10};
    int format = FORMAT_TEXT;
    regex_t filter;
    bool has_filter = false;
    int status = parse_options(argc, argv, &o, &format, &filter, &has_filter);
    if (status != LM_EXIT_OK) return status < 0 ? LM_EXIT_OK : status; /* -1: --help */
    side sides[2] = {{.name = "BASE"}, {.name = "NEW"}};
    for (int k = 0; k < 2 && status == LM_EXIT_OK; k++) status = split_files(&sides[k], argv[optind + k]);
    for (int k = 0; k < 2 && status == LM_EXIT_OK; k++)
        status = read_side(&sides[k], o.metric, has_filter ? &filter : NULL);
    if (status == LM_EXIT_OK) status = check_metric(sides, o.metric);
    lm_compare_result c = {0};
    if (status == LM_EXIT_OK && lm_compare(&sides[0].set, &sides[1].set, &o, &c) != 0) {
        fputs("latmac compare: out of memory\n", stderr);
        status = LM_EXIT_USAGE;
    }
    if (status == LM_EXIT_OK && !c.count) {
        fprintf(stderr, "latmac compare: no case%s is in both BASE and NEW: nothing to compare\n",
                has_filter ? " matching --filter" : "");
        status = LM_EXIT_USAGE;
    }
    if (status == LM_EXIT_OK) status = report(&c, sides, format);
    lm_compare_result_free(&c);
    for (int k = 0; k < 2; k++) {
        lm_bench_set_free(&sides[k].set);
        free(sides[k].list);
        free(sides[k].files);
    }
    if (has_filter) regfree(&filter);
    return status;
}
