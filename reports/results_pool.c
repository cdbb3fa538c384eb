/* Results of several runs pooled as rounds of one (see results_read.h). */
#include "reports/results_read.h"

#include <string.h>

#include "kernels/error.h"

static lm_result_case *find_case(lm_results *r, const char *name) {
    for (size_t i = 0; i < r->case_count; i++)
        if (strcmp(r->cases[i].name, name) == 0) return &r->cases[i];
    return NULL;
}

/* The rounds r's repetitions span: its recorded count, or more when a repetition says so. */
static int rounds_of(const lm_results *r) {
    int rounds = r->rounds > 0 ? r->rounds : 1;
    for (size_t i = 0; i < r->case_count; i++)
        for (size_t k = 0; k < r->cases[i].run_count; k++)
            if (!r->cases[i].runs[k].is_aggregate && r->cases[i].runs[k].round >= rounds)
                rounds = r->cases[i].runs[k].round + 1;
    return rounds;
}

int lm_results_pool(lm_results *into, lm_results *more, char *err, size_t err_size) {
    const int offset = rounds_of(into);
    for (size_t i = 0; i < more->case_count; i++) {
        lm_result_case *c = &more->cases[i], *same = find_case(into, c->name);
        if (same && (same->madds != c->madds || same->mac != c->mac))
            return lm_error(err, err_size, "%s is not the same case in both runs (its MAdds or MAC differ)", c->name);
        if (!same) {
            lm_result_case copy = *c;
            copy.runs = NULL, copy.run_count = 0;
            if (lm_results_add_case(into, &copy) != 0) return lm_error(err, err_size, "out of memory");
            same = &into->cases[into->case_count - 1];
        }
        for (size_t k = 0; k < c->run_count; k++) {
            lm_result_run run = c->runs[k];
            if (run.is_aggregate) continue;
            run.round += offset;
            run.repetition_index += (int64_t)same->run_count;
            if (lm_result_case_add_run(same, &run) != 0) return lm_error(err, err_size, "out of memory");
        }
    }
    into->rounds = offset + rounds_of(more);
    into->partial |= more->partial;
    for (size_t i = 0; i < into->case_count; i++)
        if (lm_result_case_add_aggregates(&into->cases[i]) != 0) return lm_error(err, err_size, "out of memory");
    return 0;
}
