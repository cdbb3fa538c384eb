/* `latmac predict`: a network's latency on this machine predicted from its steps (bench/predict/),
 * after `latmac predict --calibrate` has fitted the step model on isolated kernels; with --against,
 * each prediction beside a run's measurement. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "tools/cli.h"
#include "tools/commands.h"
#include "tools/isa_caps.h"
#include "tools/row_table.h"
#include "tools/thread_counts.h"
#include "bench/host/clock.h"
#include "bench/host/host.h"
#include "bench/host/isa.h"
#include "bench/net/onnx_import.h"
#include "bench/net/schedule.h"
#include "bench/net/zoo.h"
#include "bench/predict/calibration.h"
#include "bench/predict/proxy_comparison.h"
#include "bench/results/result_records.h"
#include "bench/stats/correlation.h"
#include "reports/json_file.h"
#include "reports/results_read.h"
#include "reports/step_model_file.h"

static const char usage[] =
    "Usage: latmac predict --calibrate [--threads LIST] [--isa LIST] [--rounds R] [--calibration FILE]\n"
    "       latmac predict [--nets LIST] [--model LIST] [--threads LIST] [--isa LIST] [--input HxW]\n"
    "                      [--batch N] [--per-step] [--against results.json] [--calibration FILE]\n"
    "                      [--format text|csv|json]\n"
    "\n"
    "Predict each network's latency on this machine as the sum of its steps' (each kernel call of its\n"
    "plan: tau + executed MAdds x seconds per MAdd + bytes moved x seconds per byte, the coefficients\n"
    "fitted per kind of step; docs/predict.md). --calibrate fits them first, on isolated kernels timed\n"
    "in the cache state a network leaves them (one to two minutes per thread count and cap), and saves\n"
    "them.\n"
    "\n"
    "Options:\n"
    "      --calibrate          time the calibration shapes and save the fitted models\n"
    "  -r, --rounds R           calibration: rounds over every shape, 1 to 15; each shape's median kept\n"
    "                           (default 3)\n"
    "  -c, --calibration FILE   the models' file (default: $XDG_CACHE_HOME/latmac/step_models.json,\n"
    "                           else ~/.cache/latmac/step_models.json)\n"
    "  -n, --nets LIST          zoo networks (default: the whole zoo, unless --model is given)\n"
    "      --model LIST         ONNX model files\n"
    "  -t, --threads LIST       thread counts (default: 1 and the physical core count)\n"
    "      --isa LIST           instruction-set caps (default: LATMAC_ISA, else the best this host can run)\n"
    "  -i, --input HxW          input height x width (default 224x224; a model its own)\n"
    "  -b, --batch N            images per inference (default 1; a model its own)\n"
    "  -s, --per-step           a row per step instead: its class, kernel and predicted time\n"
    "  -a, --against FILE       a results.json with these networks timed: the measured median beside\n"
    "                           each prediction, and per cap and thread count the share within 5% and\n"
    "                           10%, the mean absolute and root mean square percentage errors and\n"
    "                           Spearman's rho; then MAdds, MAC, both and the model compared as\n"
    "                           predictors of latency (docs/predict.md)\n"
    "  -f, --format FORMAT      text (default), csv or json\n"
    "  -h, --help               show this help\n"
    "\n"
    "Exit status: 0 success, 1 a failure while working, 2 bad command line, input file, or no model\n"
    "calibrated on this host for a cap and thread count asked for.\n";

#define MAX_NETWORKS 64

typedef struct predict_options {
    bool calibrate, per_step;
    unsigned long rounds;
    const char *calibration, *nets_text, *models_text, *threads_text, *isa_text, *against;
    unsigned long height, width, batch;
    int format;
    int threads[LM_RESULT_MAX_THREAD_COUNTS];
    size_t thread_count;
    lm_isa isas[LM_ISA_COUNT];
    size_t isa_count;
    char default_calibration[4096];
} predict_options;

static int parse(int argc, char **argv, const lm_host *host, predict_options *o) {
    static const struct option longs[] = {
        {"calibrate", no_argument, NULL, 'C'},      {"calibration", required_argument, NULL, 'c'},
        {"nets", required_argument, NULL, 'n'},     {"model", required_argument, NULL, 'M'},
        {"threads", required_argument, NULL, 't'},  {"isa", required_argument, NULL, 'I'},
        {"input", required_argument, NULL, 'i'},    {"batch", required_argument, NULL, 'b'},
        {"per-step", no_argument, NULL, 's'},       {"against", required_argument, NULL, 'a'},
        {"format", required_argument, NULL, 'f'},   {"help", no_argument, NULL, 'h'},
        {"rounds", required_argument, NULL, 'r'},
        {NULL, 0, NULL, 0}};
    static const char *const formats[] = {"text", "csv", "json", NULL};
    lm_cli_reset_getopt();
    for (int c; (c = getopt_long(argc, argv, ":c:n:t:i:b:sa:f:hr:", longs, NULL)) != -1;) {
        switch (c) {
        case 'C': o->calibrate = true; break;
        case 'c': o->calibration = optarg; break;
        case 'n': o->nets_text = optarg; break;
        case 'M': o->models_text = optarg; break;
        case 't': o->threads_text = optarg; break;
        case 'I': o->isa_text = optarg; break;
        case 's': o->per_step = true; break;
        case 'a': o->against = optarg; break;
        case 'r':
            if (!lm_cli_parse_uint(optarg, 1, LM_CALIBRATION_MAX_ROUNDS, &o->rounds))
                return lm_cli_usage_error("predict", "--rounds: '%s' is not a whole number from 1 to %d", optarg,
                                          LM_CALIBRATION_MAX_ROUNDS);
            break;
        case 'i':
            if (!lm_cli_parse_hxw(optarg, 16384, &o->height, &o->width))
                return lm_cli_usage_error("predict", "--input: '%s' is not HEIGHTxWIDTH with each from 1 to 16384", optarg);
            break;
        case 'b':
            if (!lm_cli_parse_uint(optarg, 1, 1024, &o->batch))
                return lm_cli_usage_error("predict", "--batch: '%s' is not a whole number from 1 to 1024", optarg);
            break;
        case 'f':
            if ((o->format = lm_cli_parse_choice(optarg, formats)) < 0)
                return lm_cli_usage_error("predict", "unknown format '%s' (expected text, csv or json)", optarg);
            break;
        case 'h': fputs(usage, stdout); return -1;
        default: return lm_cli_bad_option("predict", c, argv);
        }
    }
    if (lm_cli_no_operands("predict", argc, argv) != LM_EXIT_OK) return LM_EXIT_USAGE;
    if (o->calibrate && (o->nets_text || o->models_text || o->per_step || o->against || o->height || o->batch))
        return lm_cli_usage_error("predict", "--calibrate takes only --threads, --isa, --rounds and --calibration");
    if (o->rounds && !o->calibrate) return lm_cli_usage_error("predict", "--rounds applies to --calibrate");
    if (!o->calibration) {
        lm_step_model_default_path(o->default_calibration, sizeof o->default_calibration);
        o->calibration = o->default_calibration;
    }
    const int rc = lm_choose_thread_counts("predict", host, o->threads_text, LM_RESULT_MAX_THREADS, o->threads,
                                           LM_RESULT_MAX_THREAD_COUNTS, &o->thread_count);
    return rc != LM_EXIT_OK ? rc : lm_choose_isa_caps("predict", host, o->isa_text, o->isas, LM_ISA_COUNT, &o->isa_count);
}

/* ---- --calibrate ---- */

/* Billions per second from seconds per unit; 0 for a term the fit left out. */
static double rate(double seconds_per_unit) { return seconds_per_unit > 0 ? 1e-9 / seconds_per_unit : 0.0; }

/* A row of the calibration's table: a class's or a kernel's coefficients as rates. */
static json_t *coefficients_row(const lm_step_model *m, const char *what, const lm_step_coefficients *c) {
    return json_pack("{s:s, s:i, s:s, s:i, s:f, s:f, s:f, s:f, s:f, s:f}", "isa", lm_isa_name(m->isa), "threads",
                     m->threads, "class", what, "samples", c->samples, "tau_us", c->tau * 1e6, "gmadds_per_s",
                     rate(c->seconds_per_madd), "weight_gbytes_per_s", rate(c->seconds_per_weight_byte),
                     "near_gbytes_per_s", rate(c->seconds_per_near_byte), "far_gbytes_per_s",
                     rate(c->seconds_per_far_byte), "median_error", c->median_error);
}

static int calibrate(const predict_options *o, const lm_host *host) {
    lm_step_model_file f = {0};
    lm_step_model_fingerprint(host, f.fingerprint, sizeof f.fingerprint);
    lm_calibration_sample *samples = malloc(LM_STEP_CLASS_COUNT * LM_CALIBRATION_SHAPES * sizeof *samples);
    if (!samples) return fputs("latmac predict: out of memory\n", stderr), LM_EXIT_FAILURE;
    const double started = lm_now_seconds();
    char err[512];
    int status = LM_EXIT_OK;
    json_t *rows = json_array();
    for (size_t t = 0; t < o->thread_count && status == LM_EXIT_OK; t++) {
        lm_threadpool *pool = o->threads[t] > 1 ? lm_threadpool_create(o->threads[t], lm_bind_to_slot, (void *)host) : NULL;
        lm_host_bind_current_thread(host, 0);
        for (size_t k = 0; k < o->isa_count && status == LM_EXIT_OK; k++) {
            fprintf(stderr, "calibrating %s at %d thread(s)\n", lm_isa_name(o->isas[k]), o->threads[t]);
            const lm_calibration_config c = {.host = host, .isa = o->isas[k], .pool = pool, .seed = 1, .rounds = (int)o->rounds,
                                             .near_limit = lm_calibration_near_limit(host, o->threads[t]),
                                             .progress = stderr};
            size_t count;
            if ((o->threads[t] > 1 && !pool) || lm_calibration_measure(&c, samples, &count, err, sizeof err) != 0) {
                fprintf(stderr, "latmac predict: %s\n", pool || o->threads[t] == 1 ? err : "cannot start threads");
                status = LM_EXIT_FAILURE;
                break;
            }
            lm_step_model *m = &f.models[f.count++];
            *m = (lm_step_model){.isa = o->isas[k], .threads = o->threads[t], .near_limit = c.near_limit};
            lm_calibration_fit(samples, count, m);
            for (int j = 0; j < LM_STEP_CLASS_COUNT; j++)
                json_array_append_new(rows, coefficients_row(m, lm_step_class_name((lm_step_class)j), &m->classes[j]));
            for (size_t j = 0; j < m->kernel_count; j++)
                json_array_append_new(rows, coefficients_row(m, m->kernels[j].kernel, &m->kernels[j].c));
        }
        lm_threadpool_destroy(pool);
    }
    free(samples);
    f.calibration_seconds = lm_now_seconds() - started;
    if (status == LM_EXIT_OK && lm_step_model_file_write(o->calibration, &f, err, sizeof err) != 0) {
        fprintf(stderr, "latmac predict: %s\n", err);
        status = LM_EXIT_FAILURE;
    }
    if (status == LM_EXIT_OK) {
        static const lm_column cols[] = {{"isa", "isa", 0}, {"threads", "threads", 0}, {"class", "class or kernel", 0},
                                         {"samples", "shapes", 0}, {"tau_us", "tau us", 0},
                                         {"gmadds_per_s", "GMAdd/s", 0}, {"weight_gbytes_per_s", "weights GB/s", 0},
                                         {"near_gbytes_per_s", "near GB/s", 0}, {"far_gbytes_per_s", "far GB/s", 0},
                                         {"median_error", "median |error|", 0}, {0}};
        if (lm_rows_write(stdout, rows, cols, o->format) != 0) status = LM_EXIT_FAILURE;
        fprintf(o->format == LM_FORMAT_TEXT ? stdout : stderr, "calibrated in %.0f s; models saved to %s\n",
                f.calibration_seconds, o->calibration); /* CSV and JSON on stdout stay parseable */
    }
    json_decref(rows);
    return status;
}

/* ---- predicting ---- */

typedef struct network {
    char name[LM_GRAPH_NAME_SIZE];
    char family[64]; /* the zoo's; a model is a family of its own */
    lm_graph *graph;
} network;

/* Adds zoo network `net`, built for the options' input; -1 after a message. */
static int add_zoo_network(const predict_options *o, const lm_zoo_net *net, network *nets, int *n) {
    if (*n == MAX_NETWORKS) return lm_cli_usage_error("predict", "more than %d networks", MAX_NETWORKS), -1;
    network *m = &nets[(*n)++];
    m->graph = lm_zoo_build(net, o->batch ? (int)o->batch : 1, o->height ? (int)o->height : 224,
                            o->width ? (int)o->width : 224);
    snprintf(m->name, sizeof m->name, "%s", net->name);
    snprintf(m->family, sizeof m->family, "%s", net->family);
    if (m->graph && !lm_graph_error(m->graph)) return 0;
    fprintf(stderr, "latmac predict: %s cannot take the input: %s\n", net->name,
            m->graph ? lm_graph_error(m->graph) : "out of memory");
    return -1;
}

/* Adds the ONNX model at `path` (a family of its own); -1 after a message. */
static int add_model(const predict_options *o, const char *path, network *nets, int *n) {
    char err[512];
    if (*n == MAX_NETWORKS) return lm_cli_usage_error("predict", "more than %d networks", MAX_NETWORKS), -1;
    network *m = &nets[*n];
    if (!(m->graph = lm_onnx_import(path, (int)o->batch, (int)o->height, (int)o->width, err, sizeof err)))
        return fprintf(stderr, "latmac predict: %s\n", err), -1;
    (*n)++;
    const char *slash = strrchr(path, '/');
    snprintf(m->name, sizeof m->name, "%.*s", (int)sizeof m->name - 1, slash ? slash + 1 : path);
    snprintf(m->family, sizeof m->family, "%.*s", (int)sizeof m->family - 1, slash ? slash + 1 : path);
    return 0;
}

/* The networks asked for, built: --nets (the whole zoo when neither list is given), then --model; their
 * count, or -1 after a message. */
static int networks_of(const predict_options *o, network *nets) {
    int n = 0;
    if (!o->nets_text && !o->models_text) { /* the whole zoo */
        for (int i = 0; i < lm_zoo_count; i++)
            if (add_zoo_network(o, &lm_zoo[i], nets, &n) != 0) return -1;
    }
    if (o->nets_text && !lm_cli_list_well_formed(o->nets_text))
        return lm_cli_usage_error("predict", "--nets: '%s' is not a comma-separated list of networks", o->nets_text), -1;
    size_t length;
    for (const char *cursor = o->nets_text, *item; o->nets_text && (item = lm_cli_list_next(&cursor, &length));) {
        char name[64];
        snprintf(name, sizeof name, "%.*s", (int)(length < sizeof name - 1 ? length : sizeof name - 1), item);
        const lm_zoo_net *net = lm_zoo_find(name);
        if (!net) return lm_cli_usage_error("predict", "--nets: unknown network '%s' (see 'latmac list nets')", name), -1;
        if (add_zoo_network(o, net, nets, &n) != 0) return -1;
    }
    if (o->models_text && !lm_cli_list_well_formed(o->models_text))
        return lm_cli_usage_error("predict", "--model: '%s' is not a comma-separated list of files", o->models_text), -1;
    for (const char *cursor = o->models_text, *item; o->models_text && (item = lm_cli_list_next(&cursor, &length));) {
        char path[4096];
        snprintf(path, sizeof path, "%.*s", (int)(length < sizeof path - 1 ? length : sizeof path - 1), item);
        if (add_model(o, path, nets, &n) != 0) return -1;
    }
    return n;
}

/* The measured median of `name` at (isa, threads) in r; NAN when it has none. */
static double measured(const lm_results *r, const char *name, lm_isa isa, int threads) {
    for (size_t i = 0; r && i < r->case_count; i++) {
        const lm_result_case *c = &r->cases[i];
        double s;
        if (c->layer_index < 0 && strcmp(c->network, name) == 0 && c->threads == threads &&
            (!c->isa[0] || strcmp(c->isa, lm_isa_name(isa)) == 0) && lm_result_seconds(c, "median", &s))
            return s;
    }
    return NAN;
}

/* A number for JSON: null when it is not one (an interval the data cannot give). */
static json_t *number(double x) { return isfinite(x) ? json_real(x) : json_null(); }

/* The share within 5% and 10%, MAPE, RMSPE (root mean square percentage error) and Spearman of one cap and
 * thread count, as a row. */
static json_t *agreement_row(lm_isa isa, int threads, const double *predicted, const double *actual, int n) {
    int within5 = 0, within10 = 0, m = 0;
    double ape = 0, spe = 0, p[MAX_NETWORKS], a[MAX_NETWORKS];
    for (int i = 0; i < n; i++) {
        if (isnan(actual[i])) continue;
        const double e = fabs(predicted[i] / actual[i] - 1);
        within5 += e <= 0.05, within10 += e <= 0.10, ape += e, spe += e * e;
        p[m] = predicted[i], a[m++] = actual[i];
    }
    if (!m) return NULL;
    return json_pack("{s:s, s:i, s:i, s:f, s:f, s:f, s:f, s:o}", "isa", lm_isa_name(isa), "threads", threads, "networks",
                     m, "within_5_percent", (double)within5 / m, "within_10_percent", (double)within10 / m, "mape",
                     ape / m, "rmspe", sqrt(spe / m), "spearman",
                     m > 2 ? json_real(lm_spearman(p, a, (size_t)m)) : json_null());
}

/* The proxies compared on the networks measured (proxy_comparison.h): a row per proxy onto `rows`, and
 * the answer to the paper's question as one sentence onto `answers`. */
static void compare_proxies(const network *nets, int n, const double *predicted, const double *actual,
                            const double *madds, const double *mac, lm_isa isa, int threads, json_t *rows,
                            json_t *answers) {
    lm_proxy_network p[MAX_NETWORKS];
    size_t m = 0;
    for (int i = 0; i < n; i++) {
        if (isnan(actual[i])) continue;
        int family = 0; /* the first network of its family stands for it */
        while (strcmp(nets[family].family, nets[i].family) != 0) family++;
        p[m++] = (lm_proxy_network){family, actual[i], madds[i], mac[i], predicted[i]};
    }
    lm_proxy_comparison c;
    if (lm_proxy_compare(p, m, 2000, 1, &c) != 0) return; /* fewer than 3 families: nothing to compare */
    for (int k = 0; k < LM_PROXY_COUNT; k++) {
        const lm_proxy_score *s = &c.scores[k];
        json_array_append_new(rows, json_pack("{s:s, s:i, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "isa",
                                              lm_isa_name(isa), "threads", threads, "proxy",
                                              lm_proxy_kind_name((lm_proxy_kind)k), "mape", number(s->mape.value),
                                              "mape_low", number(s->mape.low), "mape_high", number(s->mape.high),
                                              "within_10", number(s->within_10.value), "within_10_low",
                                              number(s->within_10.low), "within_10_high", number(s->within_10.high),
                                              "spearman", number(s->spearman.value), "spearman_low",
                                              number(s->spearman.low), "spearman_high", number(s->spearman.high)));
    }
    char text[1024];
    const lm_interval pc = c.partial_mac_given_madds, bc = c.bin_concordance;
    const lm_proxy_score *fl = &c.scores[LM_PROXY_MADDS], *lm = &c.scores[LM_PROXY_LAYER_MODEL];
    snprintf(text, sizeof text,
             "%s, %d thread(s), %zu networks of %zu families: predicted from MAdds (fitted without the network's "
             "family) latency is off by %.1f%% on average [%.1f, %.1f], by the layer model %.1f%% [%.1f, %.1f]; "
             "given MAdds, MAC still goes with latency (partial correlation of the logs %.2f [%.2f, %.2f]); among "
             "networks of nearly equal MAdds, MAC orders latency in %.0f%% of %zu pairs [%.0f, %.0f].",
             lm_isa_name(isa), threads, c.networks, c.families, 100 * fl->mape.value, 100 * fl->mape.low,
             100 * fl->mape.high, 100 * lm->mape.value, 100 * lm->mape.low, 100 * lm->mape.high, pc.value, pc.low,
             pc.high, 100 * bc.value, c.bin_pairs, 100 * bc.low, 100 * bc.high);
    json_array_append_new(answers, json_string(text));
}

static int predict(const predict_options *o, const lm_host *host) {
    char err[512];
    lm_step_model_file file;
    if (!lm_step_model_file_for_host(host, o->calibration, &file, err, sizeof err))
        return fprintf(stderr, "latmac predict: %s (calibrate with 'latmac predict --calibrate')\n", err), LM_EXIT_USAGE;
    lm_results_file against = {0};
    if (o->against) {
        json_t *doc = lm_json_file_load(o->against, err, sizeof err);
        const int read = doc ? lm_results_read(doc, o->against, &against, err, sizeof err) : -1;
        json_decref(doc);
        if (read != 0) {
            lm_results_file_free(&against);
            return fprintf(stderr, "latmac predict: %s\n", err), LM_EXIT_USAGE;
        }
    }
    network nets[MAX_NETWORKS] = {0};
    const int n = networks_of(o, nets);
    int status = n < 0 ? LM_EXIT_USAGE : LM_EXIT_OK;
    json_t *rows = json_array(), *agreement = json_array(), *proxies = json_array(), *answers = json_array();
    for (size_t k = 0; k < o->isa_count && status == LM_EXIT_OK; k++)
        for (size_t t = 0; t < o->thread_count && status == LM_EXIT_OK; t++) {
            const lm_step_model *m = lm_step_model_find(&file, o->isas[k], o->threads[t]);
            if (!m) {
                fprintf(stderr, "latmac predict: %s holds no model of %s at %d thread(s); calibrate with 'latmac "
                                "predict --calibrate --isa %s --threads %d'\n", o->calibration, lm_isa_name(o->isas[k]),
                        o->threads[t], lm_isa_name(o->isas[k]), o->threads[t]);
                status = LM_EXIT_USAGE;
                break;
            }
            const lm_plan_options po = {.usable_isas = lm_isas_up_to(lm_usable_isas(host), o->isas[k])};
            double predicted[MAX_NETWORKS], actual[MAX_NETWORKS], madds[MAX_NETWORKS], mac[MAX_NETWORKS];
            for (int i = 0; i < n && status == LM_EXIT_OK; i++) {
                lm_schedule s;
                if (lm_schedule_make(nets[i].graph, &po, &s, err, sizeof err) != 0) {
                    fprintf(stderr, "latmac predict: %s\n", err);
                    status = LM_EXIT_FAILURE;
                    break;
                }
                predicted[i] = 0;
                for (int j = 0; j < s.step_count; j++) {
                    const lm_plan_step *step = &s.steps[j].info;
                    const double seconds = lm_step_predict(m, &step->desc, step->kernel);
                    predicted[i] += seconds > 0 ? seconds : 0;
                    if (o->per_step)
                        json_array_append_new(rows, json_pack("{s:s, s:s, s:i, s:i, s:s, s:s, s:s, s:f}", "network",
                                                              nets[i].name, "isa", lm_isa_name(m->isa), "threads",
                                                              m->threads, "step", j, "layer", step->name, "class",
                                                              lm_step_class_name(lm_step_class_of(&step->desc)),
                                                              "kernel", step->kernel->name, "predicted_ms", seconds * 1e3));
                }
                actual[i] = measured(o->against ? &against.results : NULL, nets[i].name, m->isa, m->threads);
                madds[i] = (double)lm_graph_cost(nets[i].graph).madds, mac[i] = (double)lm_schedule_cost(&s).mac;
                if (!o->per_step) {
                    json_t *row = json_pack("{s:s, s:s, s:i, s:i, s:f}", "network", nets[i].name, "isa",
                                            lm_isa_name(m->isa), "threads", m->threads, "steps", s.step_count,
                                            "predicted_ms", predicted[i] * 1e3);
                    if (!isnan(actual[i])) {
                        json_object_set_new(row, "measured_ms", json_real(actual[i] * 1e3));
                        json_object_set_new(row, "predicted_over_measured", json_real(predicted[i] / actual[i]));
                    }
                    json_array_append_new(rows, row);
                }
                lm_schedule_free(&s);
            }
            json_t *a = o->against && status == LM_EXIT_OK ? agreement_row(m->isa, m->threads, predicted, actual, n) : NULL;
            if (a) json_array_append_new(agreement, a);
            if (a && !o->per_step) compare_proxies(nets, n, predicted, actual, madds, mac, m->isa, m->threads, proxies, answers);
        }
    if (status == LM_EXIT_OK) {
        static const lm_column network_cols[] = {{"network", "network", 0}, {"isa", "isa", 0}, {"threads", "threads", 0},
                                                 {"steps", "steps", 0}, {"predicted_ms", "predicted ms", 0},
                                                 {"measured_ms", "measured ms", 0},
                                                 {"predicted_over_measured", "predicted/measured", 0}, {0}};
        static const lm_column step_cols[] = {{"network", "network", 0}, {"isa", "isa", 0}, {"threads", "threads", 0},
                                              {"step", "#", 0}, {"layer", "layer", 0}, {"class", "class", 0},
                                              {"kernel", "kernel", 0}, {"predicted_ms", "predicted ms", 0}, {0}};
        static const lm_column agreement_cols[] = {{"isa", "isa", 0}, {"threads", "threads", 0},
                                                   {"networks", "networks", 0}, {"within_5_percent", "within 5%", 0},
                                                   {"within_10_percent", "within 10%", 0}, {"mape", "MAPE", 0},
                                                   {"rmspe", "RMSPE", 0},
                                                   {"spearman", "Spearman", 0}, {0}};
        static const lm_column proxy_cols[] = {
            {"isa", "isa", 0}, {"threads", "threads", 0}, {"proxy", "proxy", 0}, {"mape", "MAPE", 0},
            {"mape_low", "low", 0}, {"mape_high", "high", 0}, {"within_10", "within 10%", 0}, {"within_10_low", "low", 0},
            {"within_10_high", "high", 0}, {"spearman", "Spearman", 0}, {"spearman_low", "low", 0},
            {"spearman_high", "high", 0}, {0}};
        json_t *out = rows;
        if (o->format == LM_FORMAT_JSON && o->against)
            out = json_pack("{s:O, s:O, s:O, s:O}", "networks", rows, "agreement", agreement, "proxies", proxies,
                            "answers", answers);
        int failed = lm_rows_write(stdout, out, o->per_step ? step_cols : network_cols, o->format);
        if (o->format != LM_FORMAT_JSON && json_array_size(agreement))
            failed |= fputc('\n', stdout) == EOF || lm_rows_write(stdout, agreement, agreement_cols, o->format);
        if (o->format != LM_FORMAT_JSON && json_array_size(proxies)) {
            failed |= fputs("\nFLOPs, MAC and the layer model as predictors of latency (MAdds, MAC and MAdds+MAC fitted\n"
                            "log-linearly without the predicted network's family; 95% intervals resampling families)\n",
                            stdout) == EOF ||
                      lm_rows_write(stdout, proxies, proxy_cols, o->format);
            size_t i;
            json_t *answer;
            json_array_foreach(answers, i, answer) failed |= printf("%s\n", json_string_value(answer)) < 0;
        }
        if (out != rows) json_decref(out);
        if (failed || fflush(stdout) != 0) status = LM_EXIT_FAILURE;
    }
    json_decref(rows), json_decref(agreement), json_decref(proxies), json_decref(answers);
    for (int i = 0; i < (n > 0 ? n : MAX_NETWORKS); i++) lm_graph_destroy(nets[i].graph);
    lm_results_file_free(&against);
    return status;
}

int lm_cmd_predict(int argc, char **argv) {
    lm_host *host = lm_host_probe();
    if (!host) return fputs("latmac predict: out of memory while probing the host\n", stderr), LM_EXIT_FAILURE;
    predict_options o = {0};
    int status = parse(argc, argv, host, &o);
    if (status == LM_EXIT_OK) status = o.calibrate ? calibrate(&o, host) : predict(&o, host);
    lm_host_free(host);
    return status < 0 ? LM_EXIT_OK : status;
}
