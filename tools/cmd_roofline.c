/* `latmac roofline`: measures the host's ceilings (peak FLOP/s, bandwidth per memory level) and prints
 * them. */
#include <limits.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/ceilings/ceilings.h"
#include "reports/ceilings_report.h"
#include "tools/cli.h"
#include "tools/commands.h"
#include "tools/thread_counts.h"
#include "bench/host/host.h"
#include "bench/host/isa.h"
#include "tools/isa_caps.h"

static const char usage[] =
    "Usage: latmac roofline [--format text|json] [--threads LIST] [--repetitions N] [--min-time SECONDS]\n"
    "                       [--quick] [--isa LIST]\n"
    "\n"
    "Measure this machine's ceilings, the roofs a case is held to: the peak FP32 rate of each usable\n"
    "instruction set (AVX2 with FMA, AVX-512), with FMAs alone and with as many adds as FMAs, and the\n"
    "read, write and copy bandwidth over working sets from 8 KiB out to DRAM's: each cache level's at\n"
    "half its capacity for the threads used, DRAM's at 4 times the last cache's capacity (at least\n"
    "64 MiB). Each figure is the median of repetitions of at least --min-time after a warm-up, on\n"
    "threads pinned one per physical core first. FLOP count lanes x operations (an FMA is 2); bytes\n"
    "count what is read plus what is written (a copy of n bytes moves 2n), in GB/s of 10^9 bytes.\n"
    "\n"
    "Options:\n"
    "  -f, --format FORMAT      text (default) or json\n"
    "  -t, --threads LIST       comma-separated thread counts (default: 1 and the physical core count)\n"
    "  -r, --repetitions N      repetitions per figure, 1 to 1000 (default 9)\n"
    "  -m, --min-time SECONDS   minimum duration of each repetition, above 0 and at most 10 (default 0.02)\n"
    "  -q, --quick              5 repetitions of at least 0.005 s, unless given\n"
    "      --isa LIST           comma-separated instruction sets whose peaks to measure, each runnable\n"
    "                           here: avx512, avx2, reference (default: LATMAC_ISA and every set below\n"
    "                           it, else every set this host can run); bandwidth uses the best of them\n"
    "  -h, --help               show this help\n";

enum { FORMAT_TEXT, FORMAT_JSON };

#define DEFAULT_REPETITIONS 9
#define DEFAULT_MIN_TIME 0.02
#define QUICK_REPETITIONS 5
#define QUICK_MIN_TIME 0.005
#define MAX_MIN_TIME 10.0

typedef struct options {
    int format;
    const char *threads_text, *isa_text;
    unsigned long repetitions;
    double min_time;
    bool quick, repetitions_given, min_time_given;
    int threads[LM_CEILING_MAX_THREAD_COUNTS];
    size_t thread_count;
} options;

#define HELP_SHOWN (-1)

static int parse_options(int argc, char **argv, options *o) {
    static const struct option long_options[] = {
        {"format", required_argument, NULL, 'f'},      {"threads", required_argument, NULL, 't'},
        {"repetitions", required_argument, NULL, 'r'}, {"min-time", required_argument, NULL, 'm'},
        {"quick", no_argument, NULL, 'q'},             {"help", no_argument, NULL, 'h'},
        {"isa", required_argument, NULL, 'I'},         {0, 0, 0, 0},
    };
    static const char *const formats[] = {"text", "json", NULL};
    lm_cli_reset_getopt();
    for (int c; (c = getopt_long(argc, argv, ":f:t:r:m:qh", long_options, NULL)) != -1;) {
        switch (c) {
        case 'f':
            o->format = lm_cli_parse_choice(optarg, formats);
            if (o->format < 0)
                return lm_cli_usage_error("roofline", "unknown format '%s' (expected text or json)", optarg);
            break;
        case 't': o->threads_text = optarg; break;
        case 'r':
            if (!lm_cli_parse_uint(optarg, 1, 1000, &o->repetitions))
                return lm_cli_usage_error("roofline", "--repetitions: '%s' is not a whole number from 1 to 1000", optarg);
            o->repetitions_given = true;
            break;
        case 'm':
            if (!lm_cli_parse_seconds(optarg, MAX_MIN_TIME, &o->min_time))
                return lm_cli_usage_error("roofline", "--min-time: '%s' is not a number of seconds above 0 and at most %g",
                                          optarg, MAX_MIN_TIME);
            o->min_time_given = true;
            break;
        case 'q': o->quick = true; break;
        case 'I': o->isa_text = optarg; break;
        case 'h': fputs(usage, stdout); return HELP_SHOWN;
        default: return lm_cli_bad_option("roofline", c, argv);
        }
    }
    if (lm_cli_no_operands("roofline", argc, argv) != LM_EXIT_OK) return LM_EXIT_USAGE;
    if (o->quick && !o->repetitions_given) o->repetitions = QUICK_REPETITIONS;
    if (o->quick && !o->min_time_given) o->min_time = QUICK_MIN_TIME;
    return LM_EXIT_OK;
}

static int write_output(const options *o, const lm_ceilings *c) {
    int failed;
    if (o->format == FORMAT_JSON) {
        json_t *json = lm_ceilings_to_json(c);
        failed = !json || json_dumpf(json, stdout, JSON_INDENT(2)) != 0 || fputc('\n', stdout) == EOF;
        json_decref(json);
    } else {
        failed = lm_ceilings_write_text(stdout, c) != 0;
    }
    if (failed || fflush(stdout) != 0 || ferror(stdout)) {
        perror("latmac roofline: writing the output failed");
        return LM_EXIT_FAILURE;
    }
    return LM_EXIT_OK;
}

int lm_cmd_roofline(int argc, char **argv) {
    options o = {.format = FORMAT_TEXT, .repetitions = DEFAULT_REPETITIONS, .min_time = DEFAULT_MIN_TIME};
    const int parsed = parse_options(argc, argv, &o);
    if (parsed != LM_EXIT_OK) return parsed == HELP_SHOWN ? LM_EXIT_OK : parsed;
    lm_host *host = lm_host_probe();
    lm_ceilings *ceilings = calloc(1, sizeof *ceilings);
    if (!host || !ceilings) {
        fputs("latmac roofline: out of memory\n", stderr);
        lm_host_free(host);
        free(ceilings);
        return LM_EXIT_FAILURE;
    }
    int status = lm_choose_thread_counts("roofline", host, o.threads_text, ULONG_MAX, o.threads,
                                         LM_CEILING_MAX_THREAD_COUNTS, &o.thread_count);
    if (status == LM_EXIT_OK) {
        lm_isa caps[LM_ISA_COUNT];
        size_t cap_count;
        status = lm_choose_isa_caps("roofline", host, o.isa_text, caps, LM_ISA_COUNT, &cap_count);
        unsigned isas = 0; /* with --isa, exactly the sets listed; else every one up to the cap */
        for (size_t i = 0; i < cap_count; i++)
            isas |= o.isa_text ? LM_ISA_BIT(caps[i]) : lm_isas_up_to(lm_usable_isas(host), caps[i]);
        const lm_ceilings_config config = {
            .host = host,
            .usable_isas = isas,
            .threads = o.threads,
            .thread_count = o.thread_count,
            .repetitions = (int)o.repetitions,
            .min_time = o.min_time,
            .notes = stderr,
        };
        char err[256];
        if (status != LM_EXIT_OK) {
            /* the usage error is printed */
        } else if (lm_ceilings_measure(&config, ceilings, err, sizeof err) != 0) {
            fprintf(stderr, "latmac roofline: %s\n", err);
            status = LM_EXIT_FAILURE;
        } else {
            status = write_output(&o, ceilings);
        }
    }
    lm_host_free(host);
    free(ceilings);
    return status;
}
