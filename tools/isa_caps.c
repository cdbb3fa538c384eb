/* Choosing the instruction-set caps (see isa_caps.h). */
#include "tools/isa_caps.h"

#include <stdio.h>

#include "tools/cli.h"
#include "bench/host/isa.h"

int lm_choose_isa_caps(const char *command, const lm_host *host, const char *text, lm_isa *caps, size_t capacity,
                       size_t *count) {
    char err[256];
    *count = 0;
    if (text) {
        if (!lm_cli_list_well_formed(text))
            return lm_cli_usage_error(command, "--isa: '%s': expected instruction sets such as avx2,avx512", text);
        unsigned set = 0;
        size_t n;
        for (const char *cursor = text, *item; (item = lm_cli_list_next(&cursor, &n));) {
            char name[32];
            snprintf(name, sizeof name, "%.*s", (int)(n < sizeof name ? n : sizeof name - 1), item);
            if (lm_isa_cap_add(name, lm_usable_isas(host), capacity, &set, err, sizeof err) != 0)
                return lm_cli_usage_error(command, "--isa: %s", err);
        }
        *count = lm_isa_caps_best_first(set, caps);
        return LM_EXIT_OK;
    }
    unsigned isas;
    if (lm_isas_from_env(host, &isas, err, sizeof err) != 0) return lm_cli_usage_error(command, "%s", err);
    caps[(*count)++] = lm_isa_best(isas);
    return LM_EXIT_OK;
}
