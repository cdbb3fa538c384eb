/* Choosing the instruction-set caps (see isa_caps.h). */
#include "tools/isa_caps.h"

#include "tools/cli.h"
#include "bench/host/isa.h"

int lm_choose_isa_caps(const char *command, const lm_host *host, const char *text, lm_isa *caps, size_t capacity,
                       size_t *count) {
    char err[256];
    *count = 0;
    if (text) {
        if (lm_isa_parse_list(text, lm_usable_isas(host), caps, capacity, count, err, sizeof err) != 0)
            return lm_cli_usage_error(command, "--isa: %s", err);
        return LM_EXIT_OK;
    }
    unsigned isas;
    if (lm_isas_from_env(host, &isas, err, sizeof err) != 0) return lm_cli_usage_error(command, "%s", err);
    caps[(*count)++] = lm_isa_best(isas);
    return LM_EXIT_OK;
}
