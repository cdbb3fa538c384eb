/* The statistics module behind a line protocol, for tests/test_stats_oracle.py to check against SciPy
 * and statsmodels. Each line of stdin is a request, a name and numbers; a sample is its length then its
 * values. Each answer is one line of numbers (%.17g, so doubles survive the trip), or "error ..." for a
 * request it cannot read.
 *   median S | cv S | quantile Q S | pearson N X Y | spearman N X Y | line N X Y | loglog N X Y
 *   mwu ALT A B (ALT 0 two-sided, 1 greater, 2 less) | minp N M | hl CONFIDENCE A B | holm S
 *   tost MARGIN A B | bootstrap CONFIDENCE RESAMPLES SEED A B
 *   tcdf T DF | tppf P DF | logratio CONFIDENCE S (answers ratio lo hi log_mean log_sd n)
 *   plane N X1 X2 Y (answers intercept b1 b2) | partial N X Y Z
 *   resolve LOG_SD MARGIN CONFIDENCE MAX | page ALT BLOCKS K W D (answers L mean sd p exact)
 * where X and Y are N values each, W the K weights and D the BLOCKS*K values, block by block. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/stats/bootstrap.h"
#include "bench/stats/correlation.h"
#include "bench/stats/equivalence.h"
#include "bench/stats/log_ratio.h"
#include "bench/stats/multiplicity.h"
#include "bench/stats/rank_tests.h"
#include "bench/stats/student_t.h"
#include "bench/stats/summary.h"
#include "bench/stats/trend.h"

typedef struct reader {
    char *next; /* the rest of the line */
    int failed;
} reader;

static double number(reader *r) {
    char *end;
    const double v = strtod(r->next, &end);
    if (end == r->next) r->failed = 1;
    r->next = end;
    return v;
}

static size_t count(reader *r) {
    const double v = number(r);
    if (!(v >= 0 && v <= 1e7)) r->failed = 1;
    return r->failed ? 0 : (size_t)v;
}

/* n values into a new array (never NULL unless memory runs out: one slot at least). */
static double *values(reader *r, size_t n) {
    double *x = malloc((n ? n : 1) * sizeof *x);
    if (!x) r->failed = 1;
    for (size_t i = 0; x && i < n; i++) x[i] = number(r);
    return x;
}

static void print(const double *v, size_t n) {
    for (size_t i = 0; i < n; i++) printf(i ? " %.17g" : "%.17g", v[i]);
    printf("\n");
}

static const lm_alternative alternatives[] = {LM_TWO_SIDED, LM_GREATER, LM_LESS};

static void answer(const char *op, reader *r) {
    double out[3];
    if (!strcmp(op, "median") || !strcmp(op, "cv") || !strcmp(op, "holm")) {
        size_t n = count(r);
        double *x = values(r, n);
        if (!r->failed && !strcmp(op, "holm")) {
            lm_holm(x, n, x);
            print(x, n);
        } else if (!r->failed) {
            out[0] = !strcmp(op, "median") ? lm_median(x, n) : lm_coefficient_of_variation(x, n);
            print(out, 1);
        }
        free(x);
    } else if (!strcmp(op, "quantile")) {
        const double q = number(r);
        size_t n = count(r);
        double *x = values(r, n);
        if (!r->failed) {
            lm_sort(x, n);
            out[0] = lm_quantile_sorted(x, n, q);
            print(out, 1);
        }
        free(x);
    } else if (!strcmp(op, "plane") || !strcmp(op, "partial")) {
        size_t n = count(r);
        double *a = values(r, n), *b = values(r, n), *c = values(r, n);
        if (!r->failed) {
            if (!strcmp(op, "plane")) {
                const lm_plane_fit f = lm_fit_plane(a, b, c, n);
                out[0] = f.intercept, out[1] = f.b1, out[2] = f.b2;
                print(out, 3);
            } else {
                out[0] = lm_partial_correlation(a, b, c, n);
                print(out, 1);
            }
        }
        free(a), free(b), free(c);
    } else if (!strcmp(op, "pearson") || !strcmp(op, "spearman") || !strcmp(op, "line") || !strcmp(op, "loglog")) {
        size_t n = count(r);
        double *x = values(r, n), *y = values(r, n);
        if (!r->failed) {
            if (!strcmp(op, "pearson") || !strcmp(op, "spearman")) {
                out[0] = !strcmp(op, "pearson") ? lm_pearson(x, y, n) : lm_spearman(x, y, n);
                print(out, 1);
            } else {
                const lm_line_fit f = !strcmp(op, "line") ? lm_fit_line(x, y, n) : lm_fit_log_log(x, y, n);
                print((const double[]){f.intercept, f.slope, f.r2}, 3);
            }
        }
        free(x);
        free(y);
    } else if (!strcmp(op, "minp")) {
        size_t n = count(r), m = count(r);
        out[0] = lm_mann_whitney_min_p(n, m);
        if (!r->failed) print(out, 1);
    } else if (!strcmp(op, "mwu") || !strcmp(op, "hl") || !strcmp(op, "tost") || !strcmp(op, "bootstrap")) {
        const double parameter = number(r); /* the alternative, confidence or margin */
        size_t resamples = 0;
        uint64_t seed = 0;
        if (!strcmp(op, "bootstrap")) {
            resamples = count(r);
            seed = strtoull(r->next, &r->next, 10);
        }
        size_t n = count(r);
        double *a = values(r, n);
        size_t m = count(r);
        double *b = values(r, m);
        if (!r->failed) {
            if (!strcmp(op, "mwu")) {
                out[0] = lm_mann_whitney_p(a, n, b, m, alternatives[(int)parameter % 3]);
                print(out, 1);
            } else if (!strcmp(op, "tost")) {
                const lm_equivalence e = lm_equivalence_ratio(a, n, b, m, parameter);
                print((const double[]){e.p_lower, e.p_upper, e.p}, 3);
            } else {
                const lm_ratio_estimate e = !strcmp(op, "hl") ? lm_hodges_lehmann_ratio(a, n, b, m, parameter)
                                                              : lm_bootstrap_median_ratio(a, n, b, m, parameter,
                                                                                          resamples, seed);
                print((const double[]){e.ratio, e.low, e.high}, 3);
            }
        }
        free(a);
        free(b);
    } else if (!strcmp(op, "tcdf") || !strcmp(op, "tppf")) {
        const double x = number(r), df = number(r);
        out[0] = !strcmp(op, "tcdf") ? lm_student_t_cdf(x, df) : lm_student_t_quantile(x, df);
        if (!r->failed) print(out, 1);
    } else if (!strcmp(op, "logratio")) {
        const double confidence = number(r), trim = number(r);
        size_t n = count(r);
        double *d = values(r, n);
        if (!r->failed) {
            const lm_log_ratio_interval e = trim == 0 ? lm_log_ratio_t_interval(d, n, confidence)
                                                      : lm_log_ratio_trimmed_interval(d, n, confidence, trim);
            print((const double[]){e.ratio, e.lo, e.hi, e.log_mean, e.log_sd, (double)e.n}, 6);
        }
        free(d);
    } else if (!strcmp(op, "resolve")) {
        const double log_sd = number(r), margin = number(r), confidence = number(r), trim = number(r);
        size_t max = count(r);
        out[0] = (double)lm_rounds_to_resolve(log_sd, margin, confidence, trim, max);
        if (!r->failed) print(out, 1);
    } else if (!strcmp(op, "page")) {
        const double alternative = number(r);
        size_t blocks = count(r), k = count(r);
        double *w = values(r, k), *d = r->failed ? NULL : values(r, blocks * k);
        if (!r->failed) {
            const lm_page_trend t = lm_page_trend_test(d, blocks, k, w, alternatives[(int)alternative % 3]);
            print((const double[]){t.l, t.mean, t.sd, t.p, t.exact}, 5);
        }
        free(w);
        free(d);
    } else {
        r->failed = 1;
    }
}

int main(void) {
    char *line = NULL;
    size_t size = 0;
    while (getline(&line, &size, stdin) > 0) {
        char op[16];
        int used = 0;
        if (sscanf(line, "%15s%n", op, &used) != 1) continue;
        reader r = {line + used, 0};
        answer(op, &r);
        if (r.failed) printf("error reading: %s", line);
        fflush(stdout);
    }
    free(line);
    return 0;
}
