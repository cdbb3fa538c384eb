/* Time units (see time_units.h). */
#include "bench/results/time_units.h"

#include <stddef.h>
#include <string.h>

double lm_time_unit_seconds(const char *unit) {
    static const struct {
        const char *name;
        double seconds;
    } units[] = {{"ns", 1e-9}, {"us", 1e-6}, {"ms", 1e-3}, {"s", 1}};
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (strcmp(unit, units[i].name) == 0) return units[i].seconds;
    return 0;
}
