/* `latmac infer`: one inference of a network, its input and output as NumPy .npy files, so that what
 * latmac's kernels compute can be checked against any framework (tests/test_onnx_equivalence.py holds
 * it to PyTorch). Timing is `latmac run`'s business: nothing here is timed. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/cli.h"
#include "tools/commands.h"
#include "tools/isa_caps.h"
#include "tools/npy_file.h"
#include "tools/thread_counts.h"
#include "bench/host/host.h"
#include "bench/host/isa.h"
#include "bench/net/graph.h"
#include "bench/net/onnx_import.h"
#include "bench/net/plan.h"
#include "bench/net/zoo.h"
#include "bench/results/result_records.h" /* LM_RESULT_MAX_THREADS: the limit `latmac run` has too */
#include "kernels/threadpool.h"

static const char usage[] =
    "Usage: latmac infer (--model M.onnx | --net NAME) --output Y.npy [--input X.npy] [--threads N]\n"
    "                    [--isa SET] [--seed N]\n"
    "\n"
    "Run one inference of a network and write its output as a NumPy .npy file.\n"
    "The input is a float32 or float64 array [N, C, H, W] (batch, channels, height, width), as\n"
    "PyTorch and ONNX lay images out; the network is built for that batch and size. The output is\n"
    "the network's first output, float32: [N, C] when it is 1x1 (logits), else [N, C, H, W].\n"
    "\n"
    "Options:\n"
    "  -m, --model M.onnx    an ONNX model, computed with its own weights (docs/networks.md)\n"
    "  -n, --net NAME        a zoo network ('latmac list nets'), with weights seeded by --seed\n"
    "  -o, --output Y.npy    where the output goes (written whole, or not at all)\n"
    "  -x, --input X.npy     the input (default: a seeded one, [1, C, 224, 224] for a zoo network and\n"
    "                        the model's own shape for a model)\n"
    "  -t, --threads N       threads, 1 to the machine's hardware threads (default 1)\n"
    "      --isa SET         the best instruction set kernels may use: avx512, avx2 or reference\n"
    "                        (default: LATMAC_ISA, else the best this host can run)\n"
    "  -s, --seed N          seed of a zoo network's weights and of a seeded input (default 1)\n"
    "  -h, --help            show this help\n"
    "\n"
    "Exit status: 0 success, 1 the output could not be written or memory ran out, 2 bad command line,\n"
    "input file or model (one that cannot be read, or uses what latmac does not compute).\n";

typedef struct infer_options {
    const char *model, *net, *input, *output, *isa, *threads_text;
    int threads;
    unsigned long seed;
} infer_options;

static int parse(int argc, char **argv, const lm_host *host, infer_options *o) {
    static const struct option longs[] = {
        {"model", required_argument, NULL, 'm'}, {"net", required_argument, NULL, 'n'},
        {"output", required_argument, NULL, 'o'}, {"input", required_argument, NULL, 'x'},
        {"threads", required_argument, NULL, 't'}, {"isa", required_argument, NULL, 'I'},
        {"seed", required_argument, NULL, 's'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    *o = (infer_options){.threads = 1, .seed = 1};
    lm_cli_reset_getopt();
    int c;
    while ((c = getopt_long(argc, argv, ":m:n:o:x:t:s:h", longs, NULL)) != -1) {
        switch (c) {
        case 'm': o->model = optarg; break;
        case 'n': o->net = optarg; break;
        case 'o': o->output = optarg; break;
        case 'x': o->input = optarg; break;
        case 'I': o->isa = optarg; break;
        case 't': o->threads_text = optarg; break;
        case 's':
            if (!lm_cli_parse_uint(optarg, 0, 0xffffffffUL, &o->seed))
                return lm_cli_usage_error("infer", "--seed: '%s': expected a whole number", optarg);
            break;
        case 'h': fputs(usage, stdout); return -1;
        default: return lm_cli_bad_option("infer", c, argv);
        }
    }
    if (lm_cli_no_operands("infer", argc, argv) != LM_EXIT_OK) return LM_EXIT_USAGE;
    if (!o->model == !o->net) return lm_cli_usage_error("infer", "give one network: --model M.onnx or --net NAME");
    if (!o->output) return lm_cli_usage_error("infer", "--output Y.npy is required");
    size_t count;
    return o->threads_text ? lm_choose_thread_counts("infer", host, o->threads_text, LM_RESULT_MAX_THREADS, &o->threads, 1, &count)
                           : LM_EXIT_OK;
}

/* The instruction sets kernels may use: up to the one cap --isa or LATMAC_ISA names, as `latmac run`
 * chooses its caps. */
static int usable_isas(const lm_host *host, const char *isa, unsigned *isas) {
    lm_isa cap;
    size_t count;
    const int status = lm_choose_isa_caps("infer", host, isa, &cap, 1, &count);
    if (status == LM_EXIT_OK) *isas = lm_isas_up_to(lm_usable_isas(host), cap);
    return status;
}

/* The network for an input of batch x height x width (0: its default). */
static lm_graph *build(const infer_options *o, int batch, int height, int width) {
    if (o->net) {
        const lm_zoo_net *net = lm_zoo_find(o->net);
        if (!net) {
            lm_cli_usage_error("infer", "--net: no network named '%s' (see 'latmac list nets')", o->net);
            return NULL;
        }
        lm_graph *g = lm_zoo_build(net, batch ? batch : 1, height ? height : 224, width ? width : 224);
        if (g && !lm_graph_error(g)) return g;
        fprintf(stderr, "latmac infer: %s\n", g ? lm_graph_error(g) : "out of memory");
        lm_graph_destroy(g);
        return NULL;
    }
    char err[512];
    lm_graph *g = lm_onnx_import(o->model, batch, height, width, err, sizeof err);
    if (!g) fprintf(stderr, "latmac infer: %s\n", err);
    return g;
}

/* The input array [n, c, h, w] into the plan's NHWC input. */
static void copy_input(const lm_npy_array *x, float *nhwc) {
    const size_t n = (size_t)x->dims[0], c = (size_t)x->dims[1], h = (size_t)x->dims[2], w = (size_t)x->dims[3];
    for (size_t b = 0; b < n; b++)
        for (size_t k = 0; k < c; k++)
            for (size_t i = 0; i < h * w; i++) nhwc[(b * h * w + i) * c + k] = x->data[(b * c + k) * h * w + i];
}

/* Output 0 of the plan (NHWC) as [n, c] or [n, c, h, w]; -1 when memory runs out. */
static int output_array(const lm_plan *p, lm_shape s, lm_npy_array *y) {
    const size_t hw = (size_t)s.h * s.w, count = (size_t)s.n * s.c * hw;
    *y = (lm_npy_array){.rank = hw == 1 ? 2 : 4, .dims = {s.n, s.c, s.h, s.w}, .count = count};
    if (!(y->data = malloc(count * sizeof *y->data))) return -1;
    const float *nhwc = lm_plan_output(p, 0);
    for (size_t b = 0; b < (size_t)s.n; b++)
        for (size_t k = 0; k < (size_t)s.c; k++)
            for (size_t i = 0; i < hw; i++) y->data[(b * s.c + k) * hw + i] = nhwc[(b * hw + i) * s.c + k];
    return 0;
}

/* Builds, plans and runs the network once on x (NULL: the seeded input); the output into y. */
static int infer(const infer_options *o, const lm_host *host, unsigned isas, const lm_npy_array *x, lm_npy_array *y) {
    lm_graph *g = build(o, x ? (int)x->dims[0] : 0, x ? (int)x->dims[2] : 0, x ? (int)x->dims[3] : 0);
    if (!g) return LM_EXIT_USAGE; /* no such network, a model latmac cannot read or compute, or an input it cannot take */
    int status = LM_EXIT_FAILURE;
    char err[512];
    lm_plan *p = NULL;
    lm_threadpool *pool = NULL;
    const lm_shape in = lm_graph_shape(g, 0);
    if (x && x->dims[1] != in.c) {
        fprintf(stderr, "latmac infer: %s: the input has %lld channels where %s takes %d\n", o->input,
                (long long)x->dims[1], lm_graph_name(g), in.c);
        status = LM_EXIT_USAGE;
    } else if (!(p = lm_plan_create(g, &(lm_plan_options){.usable_isas = isas, .seed = o->seed}, err, sizeof err))) {
        fprintf(stderr, "latmac infer: %s\n", err);
    } else if (o->threads > 1 && !(pool = lm_threadpool_create(o->threads, lm_bind_to_slot, (void *)host))) {
        fprintf(stderr, "latmac infer: cannot start %d threads\n", o->threads);
    } else {
        if (x) copy_input(x, lm_plan_input(p));
        lm_plan_run(p, pool);
        if (output_array(p, lm_graph_shape(g, lm_graph_output_at(g, 0)), y) == 0) status = LM_EXIT_OK;
        else fputs("latmac infer: out of memory\n", stderr);
    }
    lm_threadpool_destroy(pool);
    lm_plan_destroy(p);
    lm_graph_destroy(g);
    return status;
}

int lm_cmd_infer(int argc, char **argv) {
    lm_host *host = lm_host_probe();
    if (!host) return fputs("latmac infer: out of memory while probing the host\n", stderr), LM_EXIT_FAILURE;
    infer_options o;
    unsigned isas = 0;
    int status = parse(argc, argv, host, &o);
    if (status == LM_EXIT_OK) status = usable_isas(host, o.isa, &isas);
    lm_npy_array x = {0}, y = {0};
    char err[512];
    if (status == LM_EXIT_OK && o.input) {
        if (lm_npy_read(o.input, &x, err, sizeof err) != 0) {
            fprintf(stderr, "latmac infer: %s\n", err);
            status = LM_EXIT_USAGE;
        } else if (x.rank != 4 || x.dims[0] < 1 || x.dims[0] > 1024 || x.dims[1] < 1 || x.dims[2] < 1 ||
                   x.dims[2] > 16384 || x.dims[3] < 1 || x.dims[3] > 16384) {
            fprintf(stderr, "latmac infer: %s: expected an array [N, C, H, W] with N 1 to 1024 and H, W 1 to 16384\n",
                    o.input);
            status = LM_EXIT_USAGE;
        }
    }
    if (status == LM_EXIT_OK) status = infer(&o, host, isas, o.input ? &x : NULL, &y);
    if (status == LM_EXIT_OK && lm_npy_write(o.output, &y, err, sizeof err) != 0) {
        fprintf(stderr, "latmac infer: %s\n", err);
        status = LM_EXIT_FAILURE;
    }
    lm_npy_free(&x);
    lm_npy_free(&y);
    lm_host_free(host);
    return status < 0 ? LM_EXIT_OK : status;
}
