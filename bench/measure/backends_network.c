/* The backends of network cases (see backend.h): a whole network, and one step of it, through
 * latmac's executor on the plan the runner keeps while the network's cases run. */
#include "bench/measure/backend.h"

static int network_prepare(lm_bench_case *c, const lm_backend *self, char *why, size_t why_size) {
    (void)self;
    c->plan = lm_net_cache_load(c->nets, c->result, c->suite, c->isas, why, why_size);
    return c->plan ? 0 : -1;
}

static void network_time(lm_bench_case *c, const lm_backend *self, lm_gb_state *st) {
    (void)self;
    while (lm_gb_keep_running(st)) lm_plan_run(c->plan, c->pool);
}

static void layer_time(lm_bench_case *c, const lm_backend *self, lm_gb_state *st) {
    (void)self;
    while (lm_gb_keep_running(st)) lm_plan_run_step(c->plan, c->result->layer_index, c->pool);
}

/* The cache keeps the plan for the network's next case. */
static void network_release(lm_bench_case *c, const lm_backend *self) {
    (void)self;
    c->plan = NULL;
}

const lm_backend lm_backend_network = {
    .name = LM_BACKEND_LATMAC, .prepare = network_prepare, .time = network_time, .release = network_release};
const lm_backend lm_backend_layer = {
    .name = LM_BACKEND_LATMAC, .prepare = network_prepare, .time = layer_time, .release = network_release};
