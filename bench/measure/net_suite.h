/* The nets suite: the zoo's networks (and ONNX models) timed end to end, and with per-layer timing each step of their
 * plan timed alone, on the buffers a full run leaves behind.
 *
 * Cases are named "nets/<network>@<batch>x<height>x<width>/latmac/threads:<N>" and, per layer,
 * "nets/<network>@<batch>x<height>x<width>/layer:<step>:<node>/latmac/threads:<N>" (step numbered
 * from 0 in execution order, three digits). A network's MAdds and params are its definition's (conv +
 * FC multiply-adds; params as the papers count them); its MAC is the executed plan's (BatchNorm folded,
 * activations fused). Weights (a model's are its own) and input are seeded by the network's name. */
#ifndef LM_NET_SUITE_H
#define LM_NET_SUITE_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>

#include "bench/net/graph.h"
#include "bench/net/plan.h"
#include "bench/predict/step_model.h"
#include "bench/measure/runner.h"
#include "bench/results/result_records.h"

/* The suite (bench/measure/suite.h): the networks of lm_run_config's nets, batch, input and
 * per_layer, and the ONNX models of its options (an lm_net_models; NULL: none). */
extern const lm_suite lm_suite_nets;

/* ONNX model files the nets suite times (`latmac run --model`): beside the zoo networks of
 * lm_run_config's nets, or alone when that is NULL. A model's cases are named after its file's base
 * name, ".onnx" included ("nets/mobilenet_v2.onnx@1x224x224/latmac/threads:1"), so that the zoo's
 * network of the same name can be timed in the same run; its weights are its own. */
typedef struct lm_net_models {
    const char *const *paths;
    size_t count;
    /* Step models calibrated on this host (bench/predict; `latmac predict --calibrate`): each whole
     * network case whose cap and thread count one of them covers gets its prediction
     * (lm_result_case.predicted_seconds). NULL: none. */
    const lm_step_model *predictors;
    size_t predictor_count;
} lm_net_models;

/* The network name of the model at `path`: its file's base name, cut to fit a case's network
 * (LM_NET_NAME_SIZE with its terminator; `latmac run` refuses longer ones). */
#define LM_NET_NAME_SIZE sizeof(((lm_result_case *)0)->network)
void lm_net_model_name(const char *path, char *name, size_t size);

/* Adds the cases of `names` (NULL: the whole zoo, in its order) at batch x height x width, with
 * merge_shuffle each ShuffleNet V2 network followed by its merged variant (lm_zoo_merged): for each
 * network, one case per entry of `bases` (one per thread count and cap: suite, backend, isa, threads, placement,
 * repetitions and time unit already set), followed, with per_layer, by its layers' cases. Cases
 * whose name does not match `filter` (NULL: all) are left out. `usable_isas`, capped by each base's isa, picks the kernels
 * named; the predictors of `models` (NULL: none) predict each whole network case. Returns 0, or -1 with a reason naming the network (and layer) when a network cannot take
 * the input or memory runs out. */
int lm_net_suite_add_cases(lm_results *r, const char *const *names, size_t name_count, int batch, int height,
                           int width, bool per_layer, bool merge_shuffle, const lm_result_case *bases, size_t base_count,
                           const regex_t *filter, unsigned usable_isas, const lm_net_models *models, char *err,
                           size_t err_size);

/* The plan the runner keeps while a network's cases run (one network at a time). */
typedef struct lm_net_cache {
    char key[128];
    lm_graph *graph;
    lm_plan *plan;
    size_t arena_offset; /* of the plans it makes (lm_plan_options); the runner draws one each round */
} lm_net_cache;

/* The plan of case c's network, as c's suite builds it (bench/measure/suite.h), planned with
 * c->separate_elementwise and c->concurrent_branches: the cached one when it is the same, else a new
 * one (the old released), run once so every buffer holds what a run leaves. NULL with a reason in err. */
lm_plan *lm_net_cache_load(lm_net_cache *cache, const lm_result_case *c, const lm_suite *suite,
                           unsigned usable_isas, char *err, size_t err_size);
void lm_net_cache_clear(lm_net_cache *cache);

/* Profiles `runs` end-to-end runs of a plan, timing every step inside the run (wall clock around each
 * step); adds the median time of each step to its category's entry of seconds[] (indexed as
 * lm_layer_category). Returns 0, or -1 when memory runs out. */
int lm_net_profile(lm_plan *p, lm_threadpool *pool, int runs, double seconds[LM_LAYER_CATEGORY_COUNT]);

#endif
