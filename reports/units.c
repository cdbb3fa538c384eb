/* Sizes as people read them (see units.h). */
#include "reports/units.h"

#include <math.h>
#include <stdio.h>

const char *lm_bytes_text(uint64_t bytes, char *buf, size_t size) {
    static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    int u = 0;
    while (u < 4 && bytes >> (10 * u) >= 1024) u++;
    const double v = ldexp((double)bytes, -10 * u);
    snprintf(buf, size, "%.*f %s", v == floor(v) ? 0 : 1, v, units[u]);
    return buf;
}
