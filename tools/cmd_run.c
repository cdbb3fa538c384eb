/* `latmac run`: times a suite's cases (kernels or whole networks) and writes results.json and
 * results.csv. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bench/ceilings/ceilings.h"
#include "tools/cli.h"
#include "tools/commands.h"
#include "bench/measure/gbench_shim.h"
#include "bench/host/host.h"
#include "tools/isa_caps.h"
#include "reports/results.h"
#include "bench/measure/run.h"
#include "tools/suites.h"
#include "tools/thread_counts.h"
#include "guidelines/guideline_suite.h"
#include "bench/measure/net_suite.h"
#include "reports/step_model_file.h"
#include "bench/net/onnx_import.h"
#include "bench/net/zoo.h"

/* The help, around the suites' own entries (tools/suites.h). */
static const char usage_head[] =
    "Usage: latmac run [--suite all|kernels|nets|guidelines] [--quick] [--filter REGEX] [--threads LIST]\n"
    "                  [--repetitions N] [--rounds R] [--seed N] [--min-time SECONDS] [--out DIR]\n"
    "                  [--force] [--quiet] [--no-roofline] [--isa LIST] [--variants all] [--benchmark_*=VALUE ...]\n"
    "                  [--nets LIST] [--model LIST] [--input HxW] [--batch N] [--per-layer]\n"
    "                  [--merge-shuffle] [--only LIST] [--scale LIST]\n"
    "\n"
    "Time suites of cases on this machine and write DIR/results.json (Google Benchmark's JSON layout,\n"
    "with MAdds, MAC, rates, ratios, verdicts and the host), DIR/results.csv (one row per case) and\n"
    "DIR/index.html (the HTML report), then print a summary. Each case is timed by wall clock after a\n"
    "warm-up as long as --min-time, over repetitions; the median is quoted. With several rounds (the\n"
    "guidelines' default), every case is timed again each round, in a process of its own, planned\n"
    "afresh at a new memory offset and in a new random order; verdicts treat rounds as the replicates.\n"
    "\n"
    "Suites (the default, all, runs them all in this order):\n";

static const char usage[] =
    "\n"
    "  kernels' backends are latmac, each peer library compiled in (onednn, xnnpack), for memory-bound\n"
    "  cases memcpy (a copy of the case's input, the copy-bandwidth yardstick), and for parallel_empty\n"
    "  each threading runtime built in (latmac's pool, openmp, pthreadpool). nets times latency and\n"
    "  images/s; with --per-layer also the time per category (Conv, Concat/Split, Elemwise, Shuffle,\n"
    "  Other).\n"
    "  guidelines puts the paper's numbers alongside, with a verdict per guideline and thread count.\n"
    "\n"
    "Options:\n"
    "  -s, --suite SUITE        what to time: all (the default) or one of the suites above\n"
    "  -q, --quick              repetitions of at least 0.01 s (not 0.05), guideline scale 1 and\n"
    "                           10 guideline rounds (not 20), unless given\n"
    "  -f, --filter REGEX       only cases whose name matches this POSIX extended regular expression\n"
    "  -t, --threads LIST       comma-separated thread counts (default: 1 and the physical core count)\n"
    "      --isa LIST           comma-separated instruction-set caps of latmac's kernels, each timed in\n"
    "                           turn: avx512, avx2, reference (default: LATMAC_ISA, else the best this\n"
    "                           host can run); with several, latmac's cases are named .../isa:<cap>/...\n"
    "      --variants all       kernels: also time every other registered kernel this host can run on\n"
    "                           each shape, named kernels/<case>/latmac/kernel:<kernel>/threads:<N>\n"
    "  -r, --repetitions N      repetitions per case and round, 1 to 1000 (default 9; guidelines 1)\n"
    "      --rounds R           rounds, 1 to 100 (default 1; guidelines 20): each round runs in a\n"
    "                           process of its own, plans every case afresh (networks at a random\n"
    "                           arena offset) and runs the cases in a new random order, a network's\n"
    "                           cases together\n"
    "      --seed N             the seed of the rounds' orders and offsets, 0 to 2^53-1 (default:\n"
    "                           from the clock; recorded in the results)\n"
    "  -m, --min-time SECONDS   minimum duration of each repetition and of the warm-up (default 0.05;\n"
    "                           guidelines 0.02; a layer timed alone gets a tenth of it)\n"
    "  -o, --out DIR            where to write the results, created if missing; it must not hold\n"
    "                           files (default: a new results/YYYY-MM-DD_HHMMSS, local time)\n"
    "      --force              write into an --out that holds files, replacing latmac's own there\n"
    "      --no-roofline        do not measure the host's ceilings first (peak FLOP/s, bandwidth per\n"
    "                           cache level; 15 to 30 s), so cases get no fraction of roof\n"
    "  -Q, --quiet              no progress and no notes on stderr; errors are still printed\n"
    "  -n, --nets LIST          nets: comma-separated networks (default: the whole zoo; see\n"
    "                           'latmac list nets'; none when only --model is given)\n"
    "      --model LIST         nets: comma-separated ONNX model files, timed with their own weights\n"
    "                           like zoo networks and named after the file (nets/M.onnx@1x224x224/...)\n"
    "  -i, --input HxW          nets: input height x width, each 1 to 16384 (default 224x224; a model\n"
    "                           its own)\n"
    "  -b, --batch N            nets: images per inference, 1 to 1024 (default 1; a model its own)\n"
    "  -l, --per-layer          nets: also time each layer alone\n"
    "      --merge-shuffle      nets: also time each ShuffleNet V2 network of the selection built with\n"
    "                           concat, channel shuffle and split merged into one operator, as\n"
    "                           <network>_merged (e.g. shufflenet_v2_x1_0_merged), right after it;\n"
    "                           guidelines accept it (U1 always has a merged ShuffleNet V2 unit)\n"
    "  -G, --only LIST          guidelines: comma-separated experiments (default: all of G1 to G4, U1,\n"
    "                           N1 to N6); the A/A noise floor AA is timed with any of them\n"
    "  -S, --scale LIST         guidelines: comma-separated scales 1, 2, 4 (default 1,2,4; --quick: 1):\n"
    "                           the paper's x1, x2, x4 columns, or for G3 and G4 its 1st, 2nd, 3rd\n"
    "  --benchmark_*=VALUE      Google Benchmark's own flags, passed through (e.g. --benchmark_out=FILE)\n"
    "  -h, --help               show this help\n"
    "\n"
    "Progress (case i of n, time elapsed, an estimate of the time left) goes to stderr when it is a\n"
    "terminal; stdout carries only the summary. On SIGINT (Ctrl-C) or SIGTERM the cases that finished\n"
    "are written, marked partial; a second Ctrl-C ends latmac at once.\n"
    "\n"
    "Exit status: 0 success, 1 a case failed or the results could not be written, 2 bad command line\n"
    "(including a filter that matches no case, an unknown network, a model latmac cannot read or\n"
    "compute, an input a network cannot take, or an --out that holds files or is a file), 130 interrupted by SIGINT, 143 by SIGTERM.\n";

#define DEFAULT_REPETITIONS LM_RUN_REPETITIONS /* what the ceilings are bounded by */
#define DEFAULT_MIN_TIME 0.05
#define QUICK_MIN_TIME 0.01
#define MAX_MIN_TIME 3600.0
#define MAX_ROUNDS 100
#define MAX_SEED ((1ull << 53) - 1) /* exact as a JSON number in every reader */
#define QUICK_GUIDELINE_ROUNDS 10 /* the guidelines suite's own default is 20 (guideline_suite.c) */
#define HELP_SHOWN (-1) /* parse_options: --help was answered */

/* The ceilings of the roofline: at most as many and as long repetitions as the cases get, and no
 * more than these (a ceiling is steadier than a case, and there are a hundred of them). */
#define CEILING_REPETITIONS 9.0
#define CEILING_MIN_TIME 0.02

#define MAX_INPUT_SIDE 16384
#define MAX_BATCH 1024
#define MAX_NETS 256
#define MAX_MODELS 16

typedef struct options {
    const char *suite, *filter_text, *threads_text, *out;
    char default_out[64];           /* results/YYYY-MM-DD_HHMMSS, when --out is not given */
    bool force, quiet, no_roofline; /* --force, --quiet, --no-roofline */
    const char *nets[MAX_NETS];
    size_t net_count;
    char models[MAX_MODELS][PATH_MAX]; /* --model: ONNX files */
    const char *model_paths[MAX_MODELS];
    size_t model_count;
    unsigned long batch, input_h, input_w;
    bool per_layer, nets_options;   /* nets_options: one of --nets, --input, --batch, --per-layer given */
    bool merge_shuffle;             /* --merge-shuffle */
    lm_guideline_selection guidelines;
    bool guideline_options;         /* --only or --scale given */
    bool quick;                     /* --quick */
    bool repetitions_given, min_time_given;
    unsigned long repetitions;
    unsigned long rounds;           /* --rounds; 0: each suite's default */
    unsigned long long seed;        /* --seed, else drawn from the clock and the process */
    bool seed_given;
    double min_time;
    regex_t filter;
    bool has_filter;
    int threads[LM_RESULT_MAX_THREAD_COUNTS];
    size_t thread_count;
    const char *isa_text;           /* --isa */
    lm_isa isas[LM_ISA_COUNT];
    size_t isa_count;
    bool variants;                  /* --variants all */
} options;

/* The invocation ("latmac" and the command's argv), re-quoted for a shell where needed, for the record. */
static char *command_line(int argc, char **argv) {
    size_t size = sizeof "latmac";
    for (int i = 0; i < argc; i++) size += 4 * strlen(argv[i]) + 3;
    char *s = malloc(size), *p = s;
    if (!s) return NULL;
    p += sprintf(p, "latmac");
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        static const char safe[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./:=,+-@%";
        const bool plain = *a && strspn(a, safe) == strlen(a);
        *p++ = ' ';
        if (plain) {
            p += sprintf(p, "%s", a);
            continue;
        }
        *p++ = '\'';
        for (; *a; a++) p += *a == '\'' ? sprintf(p, "'\\''") : sprintf(p, "%c", *a);
        *p++ = '\'';
    }
    *p = '\0';
    return s;
}

/* "LIST" of zoo names, checked against the zoo. */
static int parse_nets(options *o, const char *text) {
    o->net_count = 0;
    if (!lm_cli_list_well_formed(text))
        return lm_cli_usage_error("run", "--nets: '%s' is not a comma-separated list of networks", text);
    size_t n;
    for (const char *cursor = text, *item; (item = lm_cli_list_next(&cursor, &n));) {
        char name[64];
        const lm_zoo_net *net = NULL;
        if (n < sizeof name) {
            snprintf(name, sizeof name, "%.*s", (int)n, item);
            net = lm_zoo_find(name);
        }
        if (!net) return lm_cli_usage_error("run", "--nets: unknown network '%.*s' (see 'latmac list nets')", (int)n, item);
        if (o->net_count == MAX_NETS) return lm_cli_usage_error("run", "--nets: more than %d networks", MAX_NETS);
        o->nets[o->net_count++] = net->name;
    }
    return LM_EXIT_OK;
}

/* "LIST" of ONNX files; each is read (at the input and batch asked for) when the options are complete. */
static int parse_models(options *o, const char *text) {
    o->model_count = 0;
    if (!lm_cli_list_well_formed(text))
        return lm_cli_usage_error("run", "--model: '%s' is not a comma-separated list of ONNX files", text);
    size_t n;
    for (const char *cursor = text, *item; (item = lm_cli_list_next(&cursor, &n));) {
        if (o->model_count == MAX_MODELS) return lm_cli_usage_error("run", "--model: more than %d models", MAX_MODELS);
        if (n >= PATH_MAX) return lm_cli_usage_error("run", "--model: a path longer than %d bytes", PATH_MAX - 1);
        snprintf(o->models[o->model_count], PATH_MAX, "%.*s", (int)n, item);
        o->model_paths[o->model_count] = o->models[o->model_count];
        char name[LM_NET_NAME_SIZE + 1];
        lm_net_model_name(o->models[o->model_count], name, sizeof name);
        if (strlen(name) >= LM_NET_NAME_SIZE)
            return lm_cli_usage_error("run", "--model: '%s': a file name of %zu bytes or more", item,
                                      (size_t)LM_NET_NAME_SIZE);
        for (size_t k = 0; k < o->model_count; k++) {
            char other[LM_NET_NAME_SIZE];
            lm_net_model_name(o->models[k], other, sizeof other);
            if (strcmp(name, other) == 0)
                return lm_cli_usage_error("run", "--model: two models named %s: cases are named after the file", name);
        }
        o->model_count++;
    }
    return LM_EXIT_OK;
}

/* Each --model file read and built as the run will build it, so a bad one stops the run before it
 * starts. */
static int check_models(const options *o) {
    for (size_t i = 0; i < o->model_count; i++) {
        char err[512];
        lm_graph *g = lm_onnx_import(o->models[i], (int)o->batch, (int)o->input_h, (int)o->input_w, err, sizeof err);
        if (!g) return fprintf(stderr, "latmac run: --model: %s\n", err), LM_EXIT_USAGE;
        lm_graph_destroy(g);
    }
    return LM_EXIT_OK;
}

/* --only "G1,G3": experiments by name, each once. */
static int parse_only(options *o, const char *text) {
    lm_guideline_selection *g = &o->guidelines;
    g->experiment_count = 0;
    if (!lm_cli_list_well_formed(text))
        return lm_cli_usage_error("run", "--only: '%s' is not a comma-separated list of experiments", text);
    size_t n;
    for (const char *cursor = text, *item; (item = lm_cli_list_next(&cursor, &n));) {
        char id[16];
        const lm_guideline *e = NULL;
        if (n < sizeof id) {
            snprintf(id, sizeof id, "%.*s", (int)n, item);
            e = lm_guideline_find(id);
        }
        if (!e)
            return lm_cli_usage_error("run", "--only: unknown experiment '%.*s' (expected G1 to G4, U1, N1 to N6 or AA)",
                                      (int)n, item);
        bool seen = false;
        for (size_t i = 0; i < g->experiment_count; i++) seen |= g->experiments[i] == e;
        if (!seen) g->experiments[g->experiment_count++] = e;
    }
    return LM_EXIT_OK;
}

/* --scale "1,2,4": each once. */
static int parse_scales(options *o, const char *text) {
    lm_guideline_selection *g = &o->guidelines;
    g->scale_count = 0;
    if (!lm_cli_list_well_formed(text))
        return lm_cli_usage_error("run", "--scale: '%s' is not a comma-separated list of 1, 2 and 4", text);
    size_t n;
    for (const char *cursor = text, *item; (item = lm_cli_list_next(&cursor, &n));) {
        char buf[8];
        unsigned long v = 0;
        if (n < sizeof buf) snprintf(buf, sizeof buf, "%.*s", (int)n, item);
        if (n >= sizeof buf || !lm_cli_parse_uint(buf, 1, 4, &v) || v == 3)
            return lm_cli_usage_error("run", "--scale: '%.*s' is not 1, 2 or 4", (int)n, item);
        bool seen = false;
        for (size_t i = 0; i < g->scale_count; i++) seen |= g->scales[i] == (int)v;
        if (!seen) g->scales[g->scale_count++] = (int)v;
    }
    return LM_EXIT_OK;
}

/* --out, checked before anything is timed: a new or empty directory (any directory with --force), so
 * that a run never replaces another's results unless told to. Without --out, a new folder per run. */
static int check_out(options *o) {
    if (!o->out) {
        const time_t now = time(NULL);
        struct tm local;
        if (!localtime_r(&now, &local) ||
            !strftime(o->default_out, sizeof o->default_out, "results/%Y-%m-%d_%H%M%S", &local))
            snprintf(o->default_out, sizeof o->default_out, "results");
        o->out = o->default_out;
    }
    struct stat st;
    if (stat(o->out, &st) != 0) {
        if (errno == ENOENT) return LM_EXIT_OK; /* created when the results are written */
        return lm_cli_usage_error("run", "--out: cannot use %s: %s", o->out, strerror(errno));
    }
    if (!S_ISDIR(st.st_mode)) return lm_cli_usage_error("run", "--out: %s is a file, not a directory", o->out);
    if (o->force) return LM_EXIT_OK;
    DIR *dir = opendir(o->out);
    if (!dir) return lm_cli_usage_error("run", "--out: cannot read %s: %s", o->out, strerror(errno));
    bool empty = true;
    for (const struct dirent *e; empty && (e = readdir(dir));)
        empty = strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0;
    closedir(dir);
    if (!empty)
        return lm_cli_usage_error("run",
                                  "--out: %s already holds files (a previous run?); pass --force to replace latmac's "
                                  "files in it, or choose another --out",
                                  o->out);
    return LM_EXIT_OK;
}

static int parse_options(int argc, char **argv, options *o) {
    static const struct option long_options[] = {
        {"suite", required_argument, NULL, 's'},   {"filter", required_argument, NULL, 'f'},
        {"threads", required_argument, NULL, 't'}, {"repetitions", required_argument, NULL, 'r'},
        {"min-time", required_argument, NULL, 'm'}, {"out", required_argument, NULL, 'o'},
        {"nets", required_argument, NULL, 'n'},    {"input", required_argument, NULL, 'i'},
        {"batch", required_argument, NULL, 'b'},   {"per-layer", no_argument, NULL, 'l'},
        {"only", required_argument, NULL, 'G'},    {"scale", required_argument, NULL, 'S'},
        {"quick", no_argument, NULL, 'q'},         {"quiet", no_argument, NULL, 'Q'},
        {"force", no_argument, NULL, 'F'}, /* long only: replacing files should be spelled out */
        {"no-roofline", no_argument, NULL, 'R'},  {"merge-shuffle", no_argument, NULL, 'M'},
        {"isa", required_argument, NULL, 'I'},     {"variants", required_argument, NULL, 'V'},
        {"rounds", required_argument, NULL, 'U'},  {"seed", required_argument, NULL, 'E'},
        {"model", required_argument, NULL, 'O'},
        {"help", no_argument, NULL, 'h'},          {0, 0, 0, 0},
    };
    lm_cli_reset_getopt();
    for (int c; (c = getopt_long(argc, argv, ":s:f:t:r:m:o:n:i:b:lG:S:qQh", long_options, NULL)) != -1;) {
        int rc = LM_EXIT_OK;
        switch (c) {
        case 's': o->suite = optarg; break;
        case 'f': o->filter_text = optarg; break;
        case 't': o->threads_text = optarg; break;
        case 'r':
            if (!lm_cli_parse_uint(optarg, 1, 1000, &o->repetitions))
                return lm_cli_usage_error("run", "--repetitions: '%s' is not a whole number from 1 to 1000", optarg);
            break;
        case 'm':
            if (!lm_cli_parse_seconds(optarg, MAX_MIN_TIME, &o->min_time))
                return lm_cli_usage_error("run", "--min-time: '%s' is not a number of seconds above 0 and at most %g",
                                          optarg, MAX_MIN_TIME);
            break;
        case 'o': o->out = optarg; break;
        case 'n': rc = parse_nets(o, optarg); break;
        case 'O': rc = parse_models(o, optarg); break;
        case 'i':
            /* height first: the paper's 1080x720 images (width x height) are --input 720x1080 */
            if (!lm_cli_parse_hxw(optarg, MAX_INPUT_SIDE, &o->input_h, &o->input_w))
                return lm_cli_usage_error("run", "--input: '%s' is not HEIGHTxWIDTH with each from 1 to %d (e.g. 224x224)",
                                          optarg, MAX_INPUT_SIDE);
            break;
        case 'b':
            if (!lm_cli_parse_uint(optarg, 1, MAX_BATCH, &o->batch))
                return lm_cli_usage_error("run", "--batch: '%s' is not a whole number from 1 to %d", optarg, MAX_BATCH);
            break;
        case 'l': o->per_layer = true; break;
        case 'G': rc = parse_only(o, optarg); break;
        case 'S': rc = parse_scales(o, optarg); break;
        case 'q': o->quick = true; break;
        case 'Q': o->quiet = true; break;
        case 'U':
            if (!lm_cli_parse_uint(optarg, 1, MAX_ROUNDS, &o->rounds))
                return lm_cli_usage_error("run", "--rounds: '%s' is not a whole number from 1 to %d", optarg, MAX_ROUNDS);
            break;
        case 'E': {
            char *end;
            errno = 0;
            o->seed = strtoull(optarg, &end, 10);
            if (!isdigit((unsigned char)optarg[0]) || *end || errno || o->seed > MAX_SEED)
                return lm_cli_usage_error("run", "--seed: '%s' is not a whole number from 0 to %llu", optarg, MAX_SEED);
            o->seed_given = true;
            break;
        }
        case 'R': o->no_roofline = true; break;
        case 'M': o->merge_shuffle = true; break;
        case 'F': o->force = true; break;
        case 'I': o->isa_text = optarg; break;
        case 'V':
            if (strcmp(optarg, "all") != 0)
                return lm_cli_usage_error("run", "--variants: '%s' is not 'all' (every kernel this host can run)", optarg);
            o->variants = true;
            break;
        case 'h':
            fputs(usage_head, stdout);
            lm_suites_describe(stdout, 13);
            fputs(usage, stdout);
            return HELP_SHOWN;
        default: return lm_cli_bad_option("run", c, argv);
        }
        if (rc != LM_EXIT_OK) return rc;
        o->nets_options |= strchr("niblO", c) != NULL;
        o->guideline_options |= c == 'G' || c == 'S';
        o->repetitions_given |= c == 'r';
        o->min_time_given |= c == 'm';
    }
    if (lm_cli_no_operands("run", argc, argv) != LM_EXIT_OK) return LM_EXIT_USAGE;
    const bool all = strcmp(o->suite, "all") == 0;
    if (!all && !lm_suite_named(o->suite)) {
        char names[128];
        lm_suites_names(names, sizeof names, ", ");
        return lm_cli_usage_error("run", "unknown suite '%s' (expected %s or all)", o->suite, names);
    }
    if (o->variants && strcmp(o->suite, "kernels") != 0 && !all)
        return lm_cli_usage_error("run", "--variants applies to --suite kernels");
    if (o->guideline_options && strcmp(o->suite, "guidelines") != 0 && !all)
        return lm_cli_usage_error("run", "--only and --scale apply to --suite guidelines");
    if (o->quick && !o->min_time_given) o->min_time = QUICK_MIN_TIME; /* shorter repetitions */
    if (o->nets_options && strcmp(o->suite, "nets") != 0 && strcmp(o->suite, "all") != 0)
        return lm_cli_usage_error("run", "--nets, --model, --input, --batch and --per-layer apply to --suite nets");
    if (o->merge_shuffle && strcmp(o->suite, "nets") != 0 && strcmp(o->suite, "guidelines") != 0 && !all)
        return lm_cli_usage_error("run", "--merge-shuffle applies to --suite nets and guidelines");
    if (o->out && !*o->out) return lm_cli_usage_error("run", "--out: the directory name is empty");
    if (o->filter_text) {
        const int rc = regcomp(&o->filter, o->filter_text, REG_EXTENDED | REG_NOSUB);
        if (rc != 0) {
            char why[128];
            regerror(rc, &o->filter, why, sizeof why);
            return lm_cli_usage_error("run", "--filter: '%s' is not a valid regular expression: %s", o->filter_text,
                                      why);
        }
        o->has_filter = true;
    }
    const int models_rc = check_models(o);
    return models_rc != LM_EXIT_OK ? models_rc : check_out(o);
}

/* The suites a run covers: the one named, or all of them ("all", the default); the guidelines with
 * the selection of --only and --scale, the nets with the models of --model. */
static size_t suites_of(const options *o, const lm_suite *guidelines, const lm_suite *nets, const lm_suite **suites) {
    size_t n = 0;
    for (int i = 0; lm_suites[i]; i++)
        if (strcmp(o->suite, "all") == 0 || strcmp(o->suite, lm_suites[i]->name) == 0)
            suites[n++] = lm_suites[i] == &lm_suite_guidelines ? guidelines : lm_suites[i] == &lm_suite_nets ? nets
                                                                                                          : lm_suites[i];
    return n;
}

/* The first SIGINT or SIGTERM, by number: the runner skips what is left and the run ends with the
 * cases that finished. */
static volatile sig_atomic_t stop_signal;
static const int stop_signals[2] = {SIGINT, SIGTERM};

static void on_stop_signal(int signo) {
    if (!stop_signal) stop_signal = signo;
}

/* SA_RESETHAND puts the default back after the first signal, so a second Ctrl-C ends the process at
 * once (the result files are replaced atomically, so that is safe). A signal ignored by whoever
 * started latmac (nohup, a background job) stays ignored. */
static void catch_stop_signals(struct sigaction saved[2]) {
    struct sigaction sa = {.sa_handler = on_stop_signal, .sa_flags = SA_RESETHAND | SA_RESTART};
    sigemptyset(&sa.sa_mask);
    for (int i = 0; i < 2; i++)
        if (sigaction(stop_signals[i], NULL, &saved[i]) == 0 && saved[i].sa_handler != SIG_IGN)
            sigaction(stop_signals[i], &sa, NULL);
}

static void restore_stop_signals(const struct sigaction saved[2]) {
    for (int i = 0; i < 2; i++) sigaction(stop_signals[i], &saved[i], NULL);
}

/* Analyses the results, writes them and the summary; the exit status. */
static int finish(const options *o, const lm_results *r) {
    char err[512];
    lm_analysis a;
    if (lm_analyse(r, &a) != 0) {
        fputs("latmac run: out of memory while analysing the results\n", stderr);
        return LM_EXIT_FAILURE;
    }
    const int saved = lm_results_save(o->out, &a, err, sizeof err);
    if (saved != 0) fprintf(stderr, "latmac run: %s\n", err);
    const int summarised = saved == 0 ? lm_results_write_summary(stdout, &a) : 0;
    lm_analysis_free(&a);
    if (saved != 0) return LM_EXIT_FAILURE;
    if (summarised != 0 ||
        printf("results: %s/results.json, %s/results.csv, %s/index.html\n", o->out, o->out, o->out) < 0 ||
        fflush(stdout) != 0) {
        perror("latmac run: writing the summary failed");
        return LM_EXIT_FAILURE;
    }
    size_t failed = 0;
    for (size_t i = 0; i < r->case_count; i++) failed += lm_result_failed(&r->cases[i]);
    if (failed) fprintf(stderr, "latmac run: %zu case(s) failed; %s/results.json has their errors\n", failed, o->out);
    /* interrupted: 128 + the signal's number, as a shell reports a process a signal ended */
    return stop_signal ? 128 + stop_signal : failed ? LM_EXIT_FAILURE : LM_EXIT_OK;
}

static int run(options *o, lm_host *host, int argc, char **argv) {
    const int rc = lm_choose_thread_counts("run", host, o->threads_text, LM_RESULT_MAX_THREADS, o->threads,
                                           LM_RESULT_MAX_THREAD_COUNTS, &o->thread_count);
    if (rc != LM_EXIT_OK) return rc;
    const int isa_rc = lm_choose_isa_caps("run", host, o->isa_text, o->isas, LM_ISA_COUNT, &o->isa_count);
    if (isa_rc != LM_EXIT_OK) return isa_rc;
    if (!o->guidelines.scale_count) { /* the paper's three columns; --quick: the first */
        static const int all_scales[] = {1, 2, 4};
        o->guidelines.scale_count = o->quick ? 1 : 3;
        memcpy(o->guidelines.scales, all_scales, o->guidelines.scale_count * sizeof all_scales[0]);
    }
    lm_suite guidelines = lm_suite_guidelines, nets = lm_suite_nets;
    guidelines.options = &o->guidelines;
    /* Predictions beside the networks' times when this host has calibrated step models (latmac predict). */
    static lm_step_model_file predictors;
    char why[512];
    const bool predicted = lm_step_model_file_for_host(host, NULL, &predictors, why, sizeof why);
    const lm_net_models models = {.paths = o->model_paths, .count = o->model_count,
                                  .predictors = predicted ? predictors.models : NULL,
                                  .predictor_count = predicted ? predictors.count : 0};
    nets.options = &models;
    if (o->quick) guidelines.rounds = QUICK_GUIDELINE_ROUNDS;
    if (!o->seed_given)
        o->seed = ((unsigned long long)time(NULL) * 2654435761u ^ (unsigned long long)getpid() << 32) & MAX_SEED;
    const lm_suite *suites[8];
    lm_progress progress; /* over every suite: case i of all the run's cases */
    lm_progress_init(&progress, !o->quiet && isatty(STDERR_FILENO) ? stderr : NULL);
    lm_run_request q = {
        .config = {.host = host,
                   .filter = o->has_filter ? &o->filter : NULL,
                   .threads = o->threads,
                   .thread_count = o->thread_count,
                   .isas = o->isas,
                   .isa_count = o->isa_count,
                   .variants = o->variants,
                   .repetitions = o->repetitions_given ? (int)o->repetitions : 0, /* 0: each suite's */
                   .rounds = (int)o->rounds,
                   .seed = o->seed,
                   .min_time = o->min_time_given || o->quick ? o->min_time : 0, /* 0: each suite's */
                   .warmup_time = o->min_time_given || o->quick ? o->min_time : 0,
                   .nets = o->net_count ? o->nets : NULL,
                   .net_count = o->net_count,
                   .batch = (int)o->batch,
                   .input_h = (int)o->input_h,
                   .input_w = (int)o->input_w,
                   .per_layer = o->per_layer,
                   .merge_shuffle = o->merge_shuffle,
                   .progress = &progress,
                   .notes = o->quiet ? NULL : stderr,
                   .interrupted = &stop_signal},
        .suites = suites,
        .suite_count = suites_of(o, &guidelines, &nets, suites),
        .ceiling_repetitions = (int)fmin((double)o->repetitions, CEILING_REPETITIONS),
        .ceiling_min_time = fmin(o->min_time, CEILING_MIN_TIME),
    };
    lm_results r = {0};
    if (!o->no_roofline && !(q.ceilings = calloc(1, sizeof *q.ceilings))) {
        fputs("latmac run: out of memory\n", stderr);
        return LM_EXIT_FAILURE;
    }
    char err[512];
    /* Caught from before planning, so that a signal at any moment of the run ends it the same way; from
     * its end on a signal ends the process at once: the files are replaced atomically. */
    struct sigaction saved_actions[2];
    catch_stop_signals(saved_actions);
    const lm_run_outcome outcome = lm_run(&q, &r, err, sizeof err);
    restore_stop_signals(saved_actions);
    int status = LM_EXIT_FAILURE;
    switch (outcome) {
    case LM_RUN_REFUSED: status = lm_cli_usage_error("run", "%s", err); break;
    case LM_RUN_NO_CASE:
        status = lm_cli_usage_error("run", "no case matches the filter '%s'", o->filter_text ? o->filter_text : "");
        break;
    case LM_RUN_NOTHING_FINISHED:
        if (stop_signal) {
            fputs("latmac run: interrupted before any case finished; nothing was written\n", stderr);
            status = 128 + stop_signal;
        } else { /* e.g. --benchmark_filter left none, or --benchmark_list_tests only listed them */
            status = lm_cli_usage_error("run", "no case ran, so no results were written");
        }
        break;
    case LM_RUN_FAILED: fprintf(stderr, "latmac run: %s\n", err); break;
    case LM_RUN_DONE:
        if (!(r.command_line = command_line(argc, argv))) fputs("latmac run: out of memory\n", stderr);
        else status = finish(o, &r);
        break;
    }
    lm_results_free(&r);
    free(q.ceilings);
    return status;
}

int lm_cmd_run(int argc, char **argv) {
    /* Google Benchmark takes its own flags first (getopt would call them unknown); it records
     * argv[0] as the executable, so hand it the program's. */
    char **args = calloc((size_t)argc + 1, sizeof *args);
    if (!args) {
        fputs("latmac run: out of memory\n", stderr);
        return LM_EXIT_FAILURE;
    }
    args[0] = program_invocation_name;
    for (int i = 1; i < argc; i++) args[i] = argv[i];
    int args_count = argc;
    options o = {.suite = "all", .repetitions = DEFAULT_REPETITIONS, .min_time = DEFAULT_MIN_TIME};
    int status;
    const char *unknown = lm_gb_initialize(&args_count, args);
    if (unknown) {
        status = lm_cli_usage_error("run", "Google Benchmark does not accept '%s'", unknown);
    } else {
        status = parse_options(args_count, args, &o);
        if (status == HELP_SHOWN) {
            status = LM_EXIT_OK;
        } else if (status == LM_EXIT_OK) {
            lm_host *host = lm_host_probe();
            if (!host) {
                fputs("latmac run: out of memory while probing the host\n", stderr);
                status = LM_EXIT_FAILURE;
            } else {
                status = run(&o, host, argc, argv);
                lm_host_free(host);
            }
        }
    }
    if (o.has_filter) regfree(&o.filter);
    free(args);
    return status;
}
