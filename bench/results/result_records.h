/* Results of a benchmark run: what was timed, how, and every repetition and aggregate Google
 * Benchmark reported, as plain records. The runner fills them; reports/ writes them (JSON, CSV, text);
 * the arithmetic every writer shares (statistics, ratios, rates, flags) lives here so all agree.
 *
 * A case is one shape on one backend at one thread count, named
 * "<suite>/<shape>/<backend>/threads:<N>". Times are per iteration, in the case's time unit. */
#ifndef LM_RESULT_RECORDS_H
#define LM_RESULT_RECORDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bench/host/host.h"
#include "bench/ceilings/roofline.h"
#include "bench/net/layer_category.h"
#include "bench/results/time_units.h" /* lm_time_unit_seconds, for every writer */

#define LM_RESULT_MAX_PEERS 4
#define LM_RESULT_LAYER_CATEGORIES LM_LAYER_CATEGORY_COUNT /* bench/net/layer_category.h */
#define LM_RESULT_MAX_REPETITIONS 1000 /* per case (latmac run's limit) */
#define LM_RESULT_MAX_THREADS 256      /* threads per case */
#define LM_RESULT_MAX_THREAD_COUNTS 64 /* distinct thread counts per run */

#define LM_BACKEND_LATMAC "latmac"
#define LM_BACKEND_MEMCPY "memcpy" /* the copy-bandwidth yardstick of memory-bound cases */

/* One result of a case: a repetition, or an aggregate over its repetitions. */
typedef struct lm_result_run {
    bool is_aggregate;
    char aggregate_name[16]; /* "mean", "median", "stddev", "cv", "min", "max"; "" for repetitions */
    bool is_percentage;      /* a ratio (cv): real_time and cpu_time hold the ratio itself */
    int64_t repetition_index; /* -1 for aggregates */
    int round;                /* the round it was timed in (0 first); aggregates span every round */
    int64_t iterations;       /* for aggregates, the repetitions they summarise */
    double real_time, cpu_time;
    bool error;               /* the case failed; error_message says why */
    char error_message[256];
} lm_result_run;

typedef struct lm_result_case {
    char name[256];    /* "kernels/pw_128x128_56/latmac/threads:1" */
    char suite[16];    /* "kernels", "nets" */
    char shape[192];   /* the suite's case name: "pw_128x128_56"; "mobilenet_v2@1x224x224" (network @
                          batch x height x width); "mobilenet_v2@1x224x224/layer:012:features.3.conv.0" */
    char category[16]; /* kernels: "conv", "fc", "pool", "elementwise", "data", "runtime"; whole
                          networks: "network"; layers: "Conv", "Concat/Split", "Elemwise", "Shuffle",
                          "Other" (bench/net/layer_category.h; "Data" for Concat/Split before) */
    char op[32];       /* the operator kind: "conv", "activation", ...; "memcpy" for the yardstick */
    char backend[16];  /* "latmac", a peer's name, or "memcpy" */
    char kernel[96];   /* latmac's kernel, e.g. "lm_f32_conv_nhwc__ref"; a peer's library and version */
    bool variant;      /* latmac run --variants all: `kernel` was forced rather than picked by dispatch */
    char isa[12];      /* what latmac's kernels ran under: the instruction-set cap of dispatch ("avx512",
                          "avx2", "reference"), or a forced variant's own set; "" for peers and memcpy */
    bool isa_in_name;  /* the name carries "/isa:<isa>" (a run that timed several caps) */
    char description[160]; /* the operator in words, e.g. "conv 1x1 stride 1 pad 0 groups 1, 56x56x128 -> 56x56x128" */
    int threads;
    /* The hardware threads (OS indexes) latmac bound the case's threads to: every thread of latmac and
     * memcpy cases; for a peer only the calling thread (its library owns its workers). */
    size_t placement_count;
    unsigned placement[LM_RESULT_MAX_THREADS];
    uint64_t madds, mac, params; /* cost model (kernels/op.h); mac in elements */
    /* The multiply-adds latmac's chosen kernels perform, from their own tiling (kernels/kernel.h):
     * madds plus what tile padding adds; 0 for peers, memcpy and cases without MAdds. */
    uint64_t executed_madds;
    /* Networks (suite "nets"): the zoo's network, its input, and for a per-layer case the step. */
    char network[64];       /* "" for kernel cases */
    int batch, input_h, input_w;
    int layer_index;        /* the plan step timed alone; -1 for the whole network */
    char layer[96];         /* that step's graph node, e.g. "features.3.conv.0" */
    int layers, steps;      /* whole network: graph nodes, and plan steps after folding and fusion */
    uint64_t peak_activation_bytes; /* whole network: see bench/net/plan.h */
    double predicted_seconds; /* whole network: the step model's prediction (bench/predict); 0: none */
    bool separate_elementwise;      /* planned with every BatchNorm and activation as its own step */
    bool concurrent_branches;       /* planned to run independent branches at once, one per thread */
    /* Whole networks: where the time of an end-to-end run goes, each step timed inside the run (the
     * median over repetitions of each step's time, summed per category of bench/net/layer_category.h);
     * seconds. has_profile false when not measured. */
    bool has_profile;
    double profile_seconds[LM_RESULT_LAYER_CATEGORIES];
    /* Guideline experiments (suite "guidelines"; guidelines/experiment.h): the case's place in its
     * experiment, and the paper's own figure for it. */
    char experiment[8];     /* "G1"; "" elsewhere */
    char group[32];         /* the cases compared with each other, e.g. "arm_x1" */
    char label[64];         /* the row in words */
    int rank;               /* the paper's predicted order within the group: 0 fastest */
    int scale;              /* 1, 2 or 4 */
    double paper_gpu, paper_arm; /* the paper's batches/s (GTX 1080Ti) and images/s (Snapdragon 810); 0: none */
    int64_t repetitions;
    char time_unit[4];     /* "ns", "us", "ms", "s" */
    int64_t family_index;  /* Google Benchmark's: the order in which cases ran; -1 before running */
    size_t run_count;
    lm_result_run *runs;   /* repetitions first, then aggregates, as reported */
    /* What the run planned the case as (bench/measure/backend.h, kernel_suite.h): the backend it runs
     * on and, for an operator case, its shape. NULL in results read from a file. */
    const struct lm_backend *runs_on;
    const struct lm_kernel_case *kernel_case;
} lm_result_case;

typedef struct lm_result_peer {
    char name[16], version[64];
} lm_result_peer;

typedef struct lm_result_thread_count {
    int threads;
    size_t placement_count; /* the hardware threads (OS indexes) thread 0, 1, ... were bound to */
    unsigned placement[LM_RESULT_MAX_THREADS];
} lm_result_thread_count;

typedef struct lm_results {
    /* How the run was made. */
    char suite[16];
    char *command_line;            /* the invocation, quoted for a shell (owned) */
    const lm_host *host;           /* borrowed; NULL leaves the host out */
    const lm_ceilings *ceilings;   /* the host's measured roofline (borrowed); NULL: not measured */
    unsigned usable_isas;          /* an OR of LM_ISA_BIT (kernels/kernel.h): what the host can run */
    unsigned timed_isas;           /* the caps latmac's cases ran under (--isa), an OR of LM_ISA_BIT */
    size_t peer_count;
    lm_result_peer peers[LM_RESULT_MAX_PEERS]; /* compiled in */
    size_t thread_count_count;
    lm_result_thread_count thread_counts[LM_RESULT_MAX_THREAD_COUNTS];
    int repetitions;              /* per round */
    int rounds;                   /* rounds of the run (bench/measure/runner.h); 1 for one */
    uint64_t seed;                /* the rounds' orders and arena offsets were drawn from it */
    double min_time, warmup_time; /* seconds */
    char pinning[512];            /* how threads were placed, in words; says so when binding failed */
    double load_at_start;         /* 1-minute load average when the run started; < 0 unknown */
    unsigned cores;               /* physical cores (hardware threads when unknown); 0 unknown */
    char *gb_context_json;        /* Google Benchmark's JSON context (lm_gb_context.json; owned), or NULL */
    /* What Google Benchmark's context says, for when its JSON is missing or does not parse. */
    char executable[256], host_name[64];
    int num_cpus;
    double mhz_per_cpu;
    int cpu_scaling; /* 1, 0, -1 unknown */
    /* What was timed. */
    size_t case_count;
    lm_result_case *cases; /* in the suite's order: shape, then threads, then backend */
    /* An interrupted run keeps only the cases that finished every repetition: partial is then true,
     * and cases_planned counts the cases it was to time (peer cases without an equivalent left out). */
    bool partial;
    size_t cases_planned;
} lm_results;

/* The one format of case names: "<suite>/<shape>/<backend>[/kernel:<variant>][/isa:<isa>]/threads:<N>"
 * (variant and isa NULL: left out), into buf (cut to fit). */
void lm_result_name(char *buf, size_t size, const char *suite, const char *shape, const char *backend,
                    const char *variant, const char *isa, int threads);

/* Composes c->name from its suite, shape, backend, forced variant, cap (when isa_in_name) and threads. */
void lm_result_case_set_name(lm_result_case *c);

/* A column of the tables that set latmac's cases side by side: a thread count and an instruction-set
 * cap. */
typedef struct lm_result_column {
    int threads;
    char isa[12];
} lm_result_column;
#define LM_RESULT_MAX_COLUMNS (LM_RESULT_MAX_THREAD_COUNTS * 3)

/* The run's columns: each thread count with each cap timed (best first). Returns how many. */
size_t lm_results_columns(const lm_results *r, lm_result_column *columns, size_t capacity);
/* Whether latmac case c belongs to the column (its threads and cap). */
bool lm_result_in_column(const lm_result_case *c, const lm_result_column *column);
/* "4T", or "4T avx2" when the run timed several caps. */
const char *lm_result_column_label(const lm_results *r, const lm_result_column *column, char *buf, size_t size);

/* Frees what `r` owns (cases, runs, strings) and leaves it empty. */
void lm_results_free(lm_results *r);

/* Appends a run to a case. Returns 0, or -1 when memory runs out. */
int lm_result_case_add_run(lm_result_case *c, const lm_result_run *run);

/* Appends Google Benchmark's aggregates (mean, median, stddev, cv, min, max) over c's repetitions, every
 * round's, after dropping any it has: what a run of several rounds, or rounds pooled from several
 * files, reports. Nothing for a failed case or one with fewer than 2 repetitions. 0, or -1 when memory
 * runs out. */
int lm_result_case_add_aggregates(lm_result_case *c);

/* ---- Arithmetic shared by every writer ---- */

/* The aggregate named `name` of a case, or NULL. */
const lm_result_run *lm_result_aggregate(const lm_result_case *c, const char *name);

/* The cases that ran (have runs). */
size_t lm_results_cases_finished(const lm_results *r);

/* Whether any run of the case failed. */
bool lm_result_failed(const lm_result_case *c);

/* A statistic of the case's real time in seconds ("median", "mean", "min", "max"): the aggregate when
 * Google Benchmark computed one, else (a single repetition) that repetition's time. False when the
 * case failed or has no such time. */
bool lm_result_seconds(const lm_result_case *c, const char *statistic, double *seconds);

/* The coefficient of variation of the real time (a ratio), when there were repetitions to compute it. */
bool lm_result_cv(const lm_result_case *c, double *cv);

/* The case with the same suite, shape and thread count on `backend`, or NULL (a peer has one case for
 * all of latmac's instruction sets and variants). */
const lm_result_case *lm_result_sibling(const lm_results *r, const lm_result_case *c, const char *backend);

/* latmac's median over `peer`'s median for the same shape and threads (above 1: latmac is slower).
 * False when either is missing or failed. */
bool lm_result_ratio_to(const lm_results *r, const lm_result_case *c, const char *peer, double *ratio);

/* The geometric mean of latmac's ratios to `peer` (lm_result_ratio_to) over the kernel suite's latmac
 * cases of `column` that have one (dispatch's picks, not forced variants); their count in *count.
 * False when there is none. */
bool lm_result_peer_geomean(const lm_results *r, const char *peer, const lm_result_column *column, double *geomean,
                            size_t *count);

/* The memcpy yardstick's median over the case's median: the fraction of copy bandwidth the case
 * reaches (1: as fast as copying its input). False without a yardstick. */
bool lm_result_copy_fraction(const lm_results *r, const lm_result_case *c, double *fraction);

/* MAC in bytes (fp32); FLOP per MAC byte (FLOP = 2 * MAdds); 0 when MAC is 0. */
uint64_t lm_result_mac_bytes(const lm_result_case *c);
double lm_result_intensity(const lm_result_case *c);
/* GFLOP/s and GB/s (of MAC bytes) at `seconds` per iteration; 0 when seconds is not positive. */
double lm_result_gflops(const lm_result_case *c, double seconds);
double lm_result_gbps(const lm_result_case *c, double seconds);

/* Appends a case to the results. Returns 0, or -1 when memory runs out. */
int lm_results_add_case(lm_results *r, const lm_result_case *c);

/* Moves every case of `from` (with its runs) to the end of `to`, leaving `from` without cases (its
 * facts stay). Returns 0, or -1 when memory runs out (both unchanged then). */
int lm_results_move_cases(lm_results *to, lm_results *from);

/* Whole networks: images per second at the median (batch / median time). False when not a network
 * case or without a median. */
bool lm_result_images_per_second(const lm_result_case *c, double *images_per_second);

/* Where a network's time goes, from its per-layer cases in the same results (same network, input,
 * batch, backend, instruction-set cap and threads): the sum of the isolated layers' medians per category of the ShuffleNet
 * V2 paper's Figure 2, their total, and the gap: the end-to-end median minus that total (positive:
 * the network is slower than its layers timed alone). Seconds. False without layer cases or medians. */
typedef struct lm_result_breakdown {
    double category_seconds[LM_RESULT_LAYER_CATEGORIES];
    double layers_seconds, end_to_end_seconds, gap_seconds;
    int layers_timed;
} lm_result_breakdown;
bool lm_result_net_breakdown(const lm_results *r, const lm_result_case *net, lm_result_breakdown *b);

/* The case under the host's roofline at its thread count (roofline.h), from its median, 2 x MAdds FLOP
 * and MAC bytes. False for whole networks (guideline cases too: their MAC is no single working set),
 * and without ceilings for its threads, a median or MAC. */
bool lm_result_roof(const lm_results *r, const lm_result_case *c, lm_roof_placement *p);

/* Flags that qualify a case's numbers, space-separated into buf ("" when none):
 *   error       a run failed (see the JSON for the message)
 *   noisy       the coefficient of variation exceeds LM_RESULT_NOISY_CV
 *   load        the 1-minute load average at the start exceeded the number of cores
 *   above_roof  faster than the measured roofline allows: its counts or its timing are wrong */
#define LM_RESULT_NOISY_CV 0.05
void lm_result_flags(const lm_results *r, const lm_result_case *c, char *buf, size_t size);

#endif
