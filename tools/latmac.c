/* `latmac`: the command line. Finds the command and hands it the rest of the arguments. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "tools/cli.h"
#include "tools/commands.h"
#include "lm_build_info.h"

static const struct command {
    const char *name;
    lm_command_fn run;
    const char *summary;
} commands[] = {
    {"info", lm_cmd_info, "describe this machine: CPU, SIMD features, cores, caches, clock, build"},
    {"list", lm_cmd_list, "list the suites, the kernel cases, and the costs of the zoo's networks or ONNX models"},
    {"run", lm_cmd_run, "time the suites (kernels, nets, guidelines); write results.json, results.csv, index.html"},
    {"roofline", lm_cmd_roofline, "measure this machine's ceilings: peak FLOP/s and bandwidth of each memory level"},
    {"report", lm_cmd_report, "write the HTML report of results files, one run or several side by side"},
    {"predict", lm_cmd_predict, "predict networks' latency here from their layers, after calibrating on kernels"},
    {"infer", lm_cmd_infer, "run a network once on a .npy input and write its output (to check it against PyTorch)"},
    {"compare", lm_cmd_compare, "compare two runs case by case; exit 1 on a regression (a CI gate)"},
};

static void print_usage(FILE *out) {
    fputs("Usage: latmac <command> [options]\n"
          "       latmac --help | --version\n"
          "\n"
          "latmac measures, on this machine, whether FLOPs predict the speed of efficient neural networks,\n"
          "and which of the ShuffleNet V2 guidelines explains the gap when they do not.\n"
          "\n"
          "Commands:\n",
          out);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fputs("\n"
          "Run 'latmac <command> --help' for a command's options.\n"
          "Exit status: 0 success, 1 failure while working, 2 bad command line or input file.\n",
          out);
}

int main(int argc, char **argv) {
    static const struct option options[] = {
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {0, 0, 0, 0},
    };
    lm_cli_reset_getopt();
    /* '+': stop at the command; what follows belongs to it. */
    for (int c; (c = getopt_long(argc, argv, "+:hV", options, NULL)) != -1;) {
        switch (c) {
        case 'h': print_usage(stdout); return LM_EXIT_OK;
        case 'V': printf("latmac %s\n", LM_VERSION); return LM_EXIT_OK;
        default: return lm_cli_bad_option(NULL, c, argv);
        }
    }
    if (optind >= argc) return lm_cli_usage_error(NULL, "no command given");
    const char *name = argv[optind];
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(name, commands[i].name) == 0) return commands[i].run(argc - optind, argv + optind);
    return lm_cli_usage_error(NULL, "unknown command '%s'", name);
}
