/* `latmac list`: what latmac can time. Each listing is built once as rows of JSON objects (jansson),
 * then written as JSON, CSV or an aligned text table, so the three formats always agree. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "tools/cli.h"
#include "tools/commands.h"
#include "bench/net/graph.h"
#include "bench/net/onnx_import.h"
#include "bench/host/host.h"
#include "bench/host/isa.h"
#include "tools/isa_caps.h"
#include "tools/row_table.h"
#include "kernels/kernel.h"
#include "bench/measure/kernel_suite.h"
#include "bench/net/schedule.h"
#include "reports/results.h"
#include "tools/suites.h"
#include "bench/net/zoo.h"

static const char usage[] =
    "Usage: latmac list [suites|nets|kernels] [--format text|csv|json] [--input HxW] [--batch N]\n"
    "                   [--isa LIST]\n"
    "       latmac list model M.onnx [M2.onnx ...] [--format text|csv|json] [--input HxW] [--batch N]\n"
    "                         [--per-layer]\n"
    "\n"
    "List what latmac can time (default: suites).\n"
    "  suites   the suites 'latmac run --suite' takes\n"
    "  nets     the model zoo: one row per network with its input, batch, MAdds (conv + FC\n"
    "           multiply-adds), MAC (elements, as executed: BatchNorm folded, activations fused;\n"
    "           mac_unfused counts every layer separately), params (as the papers count them), peak\n"
    "           activation memory, layers (graph nodes) and steps (after folding and fusion), the\n"
    "           published figures the tests hold it to, and the implementation it follows\n"
    "  model    ONNX model files, a row each as for nets (named after the file): the network's\n"
    "           counts at the model's own input and batch unless --input or --batch is given; an\n"
    "           operator latmac cannot compute is an error naming the node (docs/networks.md)\n"
    "  kernels  the kernel suite's cases, with their costs, the kernel dispatch picks on this machine\n"
    "           under each instruction-set cap and the multiply-adds that kernel performs (executed:\n"
    "           MAdds plus what its tiles round up)\n"
    "\n"
    "Options:\n"
    "  -f, --format FORMAT   text (default), csv or json\n"
    "  -i, --input HxW       nets, model: input height x width, each 1 to 16384 (default: nets\n"
    "                        224x224, a model its own)\n"
    "  -b, --batch N         nets, model: images per inference, 1 to 1024 (default: nets 1, a model\n"
    "                        its own, 1 when symbolic)\n"
    "  -l, --per-layer       model: a row per layer instead (its operator, output shape, MAdds, MAC\n"
    "                        and params, each layer as defined: BatchNorm and activations separate)\n"
    "      --isa LIST        kernels: comma-separated instruction-set caps, a row per case and cap:\n"
    "                        avx512, avx2, reference (default: LATMAC_ISA, else the best this host can\n"
    "                        run)\n"
    "  -h, --help            show this help\n";

static const lm_column suite_columns[] = {{"name", "suite", 0}, {"cases", "cases", 0}, {"description", "description", 0}, {0}};

/* What graph_row gives every network, of the zoo or from a model file. */
#define NETWORK_COST_COLUMNS                                                                                       \
    {"input", "input", 0}, {"batch", "batch", 0}, {"madds", "MAdds M", 1e6}, {"mac", "MAC M", 1e6},              \
        {"mac_unfused", "MAC unfused M", 1e6}, {"params", "params", 0},                                          \
        {"peak_activation_bytes", "peak act. MiB", 1048576}, {"layers", "layers", 0}, {"steps", "steps", 0}

static const lm_column net_columns[] = {
    {"name", "name", 0},
    {"family", NULL, 0},
    NETWORK_COST_COLUMNS,
    {"published_madds", "published MAdds M", 1e6},
    {"published_params", "published params", 0},
    {"reference", NULL, 0},
    {0},
};

static const lm_column model_columns[] = {{"name", "name", 0}, {"file", NULL, 0}, NETWORK_COST_COLUMNS, {0}};

static const lm_column layer_columns[] = {
    {"network", "network", 0}, {"index", "#", 0}, {"layer", "layer", 0}, {"op", "op", 0}, {"output", "output HxWxC", 0},
    {"madds", "MAdds", 0},     {"mac", "MAC", 0},   {"params", "params", 0}, {0},
};

static const lm_column kernel_columns[] = {
    {"name", "case", 0},   {"category", "category", 0}, {"madds", "MAdds", 0}, {"mac", "MAC", 0},
    {"params", "params", 0}, {"isa", "isa", 0}, {"kernel", "kernel here", 0}, {"executed_madds", "executed", 0},
    {"description", "description", 0}, {0},
};

static json_t *suites_rows(void) {
    json_t *rows = json_array();
    for (int i = 0; lm_suites[i]; i++)
        json_array_append_new(rows, json_pack("{s:s, s:I, s:s, s:s}", "name", lm_suites[i]->name, "cases",
                                              (json_int_t)lm_suites[i]->count(lm_suites[i]), "description",
                                              lm_suites[i]->about, "names", lm_suites[i]->names));
    return rows;
}

static json_t *uint_json(uint64_t v) { return v ? json_integer((json_int_t)v) : json_null(); }

/* A graph's row: its input, batch and costs, from its schedule (no weights: they do not depend on the
 * kernels); NULL with a message on stderr when it cannot be planned. */
static json_t *graph_row(const lm_graph *g) {
    char err[512] = "out of memory";
    const lm_plan_options o = {.usable_isas = 0};
    lm_schedule p;
    if (!g || lm_graph_error(g) || lm_schedule_make(g, &o, &p, err, sizeof err) != 0) {
        fprintf(stderr, "latmac list: %s\n", g && lm_graph_error(g) ? lm_graph_error(g) : err);
        return NULL;
    }
    const lm_op_cost def = lm_graph_cost(g), run = lm_schedule_cost(&p);
    const lm_shape in = lm_graph_shape(g, 0);
    char input[32];
    snprintf(input, sizeof input, "%dx%d", in.h, in.w);
    json_t *row = json_pack("{s:s, s:s, s:i, s:I, s:I, s:I, s:I, s:I, s:i, s:i}", "name", lm_graph_name(g), "input",
                            input, "batch", in.n, "madds", (json_int_t)def.madds, "mac", (json_int_t)run.mac,
                            "mac_unfused", (json_int_t)def.mac, "params", (json_int_t)def.params,
                            "peak_activation_bytes", (json_int_t)p.peak_activation_bytes, "layers",
                            lm_graph_node_count(g), "steps", p.step_count);
    lm_schedule_free(&p);
    return row;
}

/* One row per network; NULL with a message on stderr when a network cannot take the input. */
static json_t *nets_rows(int batch, int height, int width) {
    json_t *rows = json_array();
    for (int i = 0; i < lm_zoo_count; i++) {
        const lm_zoo_net *net = &lm_zoo[i];
        lm_graph *g = lm_zoo_build(net, batch, height, width);
        json_t *row = graph_row(g);
        lm_graph_destroy(g);
        if (!row) {
            json_decref(rows);
            return NULL;
        }
        json_object_set_new(row, "family", json_string(net->family));
        json_object_set_new(row, "width", json_real(net->width));
        json_object_set_new(row, "groups", net->groups ? json_integer(net->groups) : json_null());
        json_object_set_new(row, "published_madds", uint_json(net->published_madds));
        json_object_set_new(row, "published_params", uint_json(net->published_params));
        json_object_set_new(row, "published_source", net->published_source ? json_string(net->published_source) : json_null());
        json_object_set_new(row, "reference", json_string(net->reference));
        json_array_append_new(rows, row);
    }
    return rows;
}

/* A row per layer of g (its graph nodes, as defined: BatchNorm and activations their own) onto rows. */
static void layer_rows(const lm_graph *g, json_t *rows) {
    for (int i = 0; i < lm_graph_node_count(g); i++) {
        const lm_graph_node *node = lm_graph_node_at(g, i);
        const lm_op_cost cost = lm_op_cost_of(&node->desc);
        const lm_shape out = lm_graph_shape(g, node->outputs[0]);
        char op[48], output[48];
        if (node->desc.kind == LM_OP_ACTIVATION) snprintf(op, sizeof op, "%s", lm_act_name(node->desc.act));
        else snprintf(op, sizeof op, "%s", lm_op_kind_name(node->desc.kind));
        snprintf(output, sizeof output, "%dx%dx%d", out.h, out.w, out.c);
        json_array_append_new(rows, json_pack("{s:s, s:i, s:s, s:s, s:s, s:I, s:I, s:I}", "network", lm_graph_name(g),
                                              "index", i, "layer", node->name, "op", op, "output", output, "madds",
                                              (json_int_t)cost.madds, "mac", (json_int_t)cost.mac, "params",
                                              (json_int_t)cost.params));
    }
}

/* One row per ONNX model file, or with per_layer one per layer of each; NULL with a message on stderr
 * when one cannot be read or built. The batch and input are the models' own unless given (0). */
static json_t *model_rows(char **paths, int count, int batch, int height, int width, bool per_layer) {
    json_t *rows = json_array();
    for (int i = 0; i < count; i++) {
        char err[512];
        lm_graph *g = lm_onnx_import(paths[i], batch, height, width, err, sizeof err);
        json_t *row = NULL;
        if (!g) fprintf(stderr, "latmac list: %s\n", err);
        else if (per_layer) layer_rows(g, rows);
        else if ((row = graph_row(g))) {
            json_object_set_new(row, "file", json_string(paths[i]));
            json_array_append_new(rows, row);
        }
        const bool failed = !g || (!per_layer && !row);
        lm_graph_destroy(g);
        if (failed) {
            json_decref(rows);
            return NULL;
        }
    }
    return rows;
}

/* One row per case and cap; NULL (after a usage error) when --isa names a set this host cannot run. */
static json_t *kernels_rows(const char *isa_text, int *status) {
    lm_host *host = lm_host_probe();
    if (!host) {
        fputs("latmac list: out of memory while probing the host\n", stderr);
        *status = LM_EXIT_FAILURE;
        return NULL;
    }
    const unsigned usable = lm_usable_isas(host);
    lm_isa caps[LM_ISA_COUNT];
    size_t cap_count;
    *status = lm_choose_isa_caps("list", host, isa_text, caps, LM_ISA_COUNT, &cap_count);
    lm_host_free(host);
    if (*status != LM_EXIT_OK) return NULL;
    json_t *rows = json_array();
    for (int i = 0; i < lm_kernel_suite_count; i++)
        for (size_t k = 0; k < cap_count; k++) {
            const lm_kernel_case *kc = &lm_kernel_suite[i];
            const bool region = kc->category == LM_CASE_RUNTIME;
            const lm_op_cost cost = region ? (lm_op_cost){0} : lm_op_cost_of(&kc->desc);
            const lm_kernel *kernel = region ? NULL : lm_kernel_select(&kc->desc, lm_isas_up_to(usable, caps[k]));
            char description[160] = "an empty parallel region";
            if (!region) lm_op_describe(&kc->desc, description, sizeof description);
            json_array_append_new(
                rows, json_pack("{s:s, s:s, s:I, s:I, s:I, s:s, s:s, s:I, s:s}", "name", kc->name, "category",
                                lm_case_category_name(kc->category), "madds", (json_int_t)cost.madds, "mac",
                                (json_int_t)cost.mac, "params", (json_int_t)cost.params, "isa",
                                lm_isa_name(caps[k]), "kernel", kernel ? kernel->name : "(each threading runtime)",
                                "executed_madds",
                                (json_int_t)(kernel ? lm_kernel_executed_madds(kernel, &kc->desc) : 0),
                                "description", description));
        }
    return rows;
}

int lm_cmd_list(int argc, char **argv) {
    static const struct option options[] = {
        {"format", required_argument, NULL, 'f'}, {"input", required_argument, NULL, 'i'},
        {"batch", required_argument, NULL, 'b'},  {"help", no_argument, NULL, 'h'},
        {"isa", required_argument, NULL, 'I'},    {"per-layer", no_argument, NULL, 'l'},
        {0, 0, 0, 0},
    };
    static const char *const formats[] = {"text", "csv", "json", NULL};
    static const char *const what[] = {"suites", "nets", "kernels", "model", NULL};
    int format = LM_FORMAT_TEXT;
    unsigned long height = 0, width = 0, batch = 0; /* 0: nets 224x224 and 1, a model its own */
    bool net_options = false;
    const char *isa_text = NULL;
    bool per_layer = false;
    lm_cli_reset_getopt();
    for (int c; (c = getopt_long(argc, argv, ":f:i:b:hl", options, NULL)) != -1;) {
        switch (c) {
        case 'f':
            format = lm_cli_parse_choice(optarg, formats);
            if (format < 0) return lm_cli_usage_error("list", "unknown format '%s' (expected text, csv or json)", optarg);
            break;
        case 'i':
            if (!lm_cli_parse_hxw(optarg, 16384, &height, &width))
                return lm_cli_usage_error("list", "--input: '%s' is not HEIGHTxWIDTH with each from 1 to 16384", optarg);
            net_options = true;
            break;
        case 'b':
            if (!lm_cli_parse_uint(optarg, 1, 1024, &batch))
                return lm_cli_usage_error("list", "--batch: '%s' is not a whole number from 1 to 1024", optarg);
            net_options = true;
            break;
        case 'I': isa_text = optarg; break;
        case 'l': per_layer = true; break;
        case 'h': fputs(usage, stdout); return LM_EXIT_OK;
        default: return lm_cli_bad_option("list", c, argv);
        }
    }
    int list = 0;
    if (optind < argc) {
        list = lm_cli_parse_choice(argv[optind], what);
        if (list < 0)
            return lm_cli_usage_error("list", "unknown list '%s' (expected suites, nets, kernels or model)", argv[optind]);
        optind++;
    }
    const int first_model = optind;
    if (list == 3) {
        if (optind == argc) return lm_cli_usage_error("list", "'list model' needs one or more ONNX files");
        optind = argc;
    }
    if (lm_cli_no_operands("list", argc, argv) != LM_EXIT_OK) return LM_EXIT_USAGE;
    if (net_options && list != 1 && list != 3)
        return lm_cli_usage_error("list", "--input and --batch apply to 'list nets' and 'list model'");
    if (isa_text && list != 2) return lm_cli_usage_error("list", "--isa applies to 'list kernels'");
    if (per_layer && list != 3) return lm_cli_usage_error("list", "--per-layer applies to 'list model'");

    static const lm_column *const all_columns[] = {suite_columns, net_columns, kernel_columns, model_columns};
    const lm_column *cols = per_layer ? layer_columns : all_columns[list];
    int status = LM_EXIT_FAILURE;
    json_t *rows = list == 0   ? suites_rows()
                   : list == 1 ? nets_rows(batch ? (int)batch : 1, height ? (int)height : 224, width ? (int)width : 224)
                   : list == 2 ? kernels_rows(isa_text, &status)
                               : model_rows(argv + first_model, argc - first_model, (int)batch, (int)height, (int)width,
                                            per_layer);
    /* nets: an input a network cannot take; model: a file that cannot be read or built */
    if (!rows) return list == 1 || list == 3 ? LM_EXIT_USAGE : status;
    const int failed = lm_rows_write(stdout, rows, cols, format);
    json_decref(rows);
    if (failed || fflush(stdout) != 0 || ferror(stdout)) {
        perror("latmac list: writing the output failed");
        return LM_EXIT_FAILURE;
    }
    return LM_EXIT_OK;
}
