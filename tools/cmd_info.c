/* `latmac info`: prints what the host probe knows of this machine. */
#include <getopt.h>
#include <stdio.h>

#include "tools/cli.h"
#include "tools/commands.h"
#include "bench/host/host.h"
#include "reports/host_report.h"

static const char usage[] =
    "Usage: latmac info [--format text|json]\n"
    "\n"
    "Describe this machine as latmac sees it: CPU identity and SIMD features (libcpuid), packages,\n"
    "cores, hardware threads, caches and NUMA nodes (hwloc), the order latmac places threads in, clock\n"
    "and governor, load, operating system, and how latmac was built. What the machine does not reveal\n"
    "reads \"unknown\".\n"
    "\n"
    "Options:\n"
    "  -f, --format FORMAT   text (default) or json\n"
    "  -h, --help            show this help\n";

enum { FORMAT_TEXT, FORMAT_JSON };

int lm_cmd_info(int argc, char **argv) {
    static const struct option options[] = {
        {"format", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {0, 0, 0, 0},
    };
    static const char *const formats[] = {"text", "json", NULL};
    int format = FORMAT_TEXT;
    lm_cli_reset_getopt();
    for (int c; (c = getopt_long(argc, argv, ":f:h", options, NULL)) != -1;) {
        switch (c) {
        case 'f':
            format = lm_cli_parse_choice(optarg, formats);
            if (format < 0) return lm_cli_usage_error("info", "unknown format '%s' (expected text or json)", optarg);
            break;
        case 'h': fputs(usage, stdout); return LM_EXIT_OK;
        default: return lm_cli_bad_option("info", c, argv);
        }
    }
    if (lm_cli_no_operands("info", argc, argv) != LM_EXIT_OK) return LM_EXIT_USAGE;

    lm_host *host = lm_host_probe();
    if (!host) {
        fputs("latmac info: out of memory while probing the host\n", stderr);
        return LM_EXIT_FAILURE;
    }
    int failed;
    if (format == FORMAT_JSON) {
        json_t *json = lm_host_to_json(host);
        failed = !json || json_dumpf(json, stdout, JSON_INDENT(2)) != 0 || fputc('\n', stdout) == EOF;
        json_decref(json);
    } else {
        failed = lm_host_write_text(stdout, host) != 0;
    }
    lm_host_free(host);
    if (failed || fflush(stdout) != 0 || ferror(stdout)) {
        perror("latmac info: writing the output failed");
        return LM_EXIT_FAILURE;
    }
    return LM_EXIT_OK;
}
