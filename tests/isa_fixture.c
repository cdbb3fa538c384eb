/* The instruction sets a test exercises (see isa_fixture.h). */
#include "tests/isa_fixture.h"

#include <stdio.h>

#include "bench/host/isa.h"

int fixture_isas(const lm_host *host, unsigned *isas) {
    char err[256], sets[64];
    if (lm_isas_from_env(host, isas, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    printf("# instruction sets used: %s\n", lm_isa_list_text(*isas, sets, sizeof sets));
    return 0;
}
