/* The table of suites (see suites.h). */
#include "tools/suites.h"

#include <string.h>

#include "bench/measure/kernel_suite.h"
#include "bench/measure/net_suite.h"
#include "guidelines/guideline_suite.h"

const lm_suite *const lm_suites[] = {&lm_suite_kernels, &lm_suite_nets, &lm_suite_guidelines, NULL};

const lm_suite *lm_suite_named(const char *name) {
    for (int i = 0; lm_suites[i]; i++)
        if (strcmp(lm_suites[i]->name, name) == 0) return lm_suites[i];
    return NULL;
}

void lm_suites_names(char *buf, size_t size, const char *separator) {
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; lm_suites[i] && used < size; i++)
        used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? separator : "", lm_suites[i]->name);
}

/* Words of `text` after `column` characters already on the line, wrapped at 100 columns. */
static void wrap(FILE *out, const char *text, int column, int indent) {
    while (*text) {
        const size_t word = strcspn(text, " ");
        if (column > indent && column + 1 + (int)word > 100) {
            fprintf(out, "\n%*s", indent, "");
            column = indent;
        } else if (column > indent) {
            fputc(' ', out);
            column++;
        }
        column += fprintf(out, "%.*s", (int)word, text);
        text += word;
        text += strspn(text, " ");
    }
    fputc('\n', out);
}

void lm_suites_describe(FILE *out, int indent) {
    for (int i = 0; lm_suites[i]; i++) {
        char text[512];
        snprintf(text, sizeof text, "%s; named %s", lm_suites[i]->about, lm_suites[i]->names);
        const int column = fprintf(out, "  %-*s", indent - 2, lm_suites[i]->name);
        wrap(out, text, column > indent ? column : indent, indent);
    }
}
