/* `latmac compare`'s engine: two sets of cases (benchmark_file.h), the same metric's repetitions on each
 * side, compared case by case, and the writers of the comparison (compare_report.c). The engine does no
 * I/O, so it is tested on synthetic samples.
 *
 * Per case in both sides: the medians, the change of the median (new/base - 1), a two-sided
 * Mann-Whitney U test on the repetitions, the Hodges-Lehmann ratio new/base with its 95% interval, and
 * Holm's correction over every case that can be decided. The status, first that applies:
 *   failed               a side reports an error;
 *   too few repetitions  a side has fewer than 2, or even completely separated samples of these sizes
 *                        could not reach p < alpha before correction;
 *   noisy                the coefficient of variation of either side exceeds max_cv (within one round:
 *                        with several files a side, each file is a round of interleaved runs, and drift
 *                        between rounds is not noise); or, with rounds, a significant change that not
 *                        every round of NEW shows against BASE's round beside it in time (round k
 *                        against round k; every round against every other when the counts differ)
 *                        beyond the threshold;
 *   regression           corrected p < alpha and the change is worse than the threshold;
 *   improvement          the same in the better direction;
 *   unchanged            everything else. */
#ifndef LM_REPORTS_COMPARE_H
#define LM_REPORTS_COMPARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "reports/benchmark_file.h"

typedef enum lm_compare_status {
    LM_COMPARE_REGRESSION,
    LM_COMPARE_IMPROVEMENT,
    LM_COMPARE_UNCHANGED,
    LM_COMPARE_NOISY,
    LM_COMPARE_TOO_FEW,
    LM_COMPARE_FAILED,
    LM_COMPARE_STATUS_COUNT
} lm_compare_status;

/* "regression", "improvement", "unchanged", "noisy", "too few repetitions", "failed" */
const char *lm_compare_status_name(lm_compare_status s);

typedef struct lm_compare_options {
    const char *metric;    /* the field compared, e.g. "real_time" */
    bool higher_is_better; /* false for a time */
    double threshold;      /* the smallest change that counts, in percent (5: 5%) */
    double alpha;          /* significance after Holm's correction */
    double max_cv;         /* above this coefficient of variation a side is too noisy to decide */
} lm_compare_options;

/* The confidence of the Hodges-Lehmann interval of every case. */
#define LM_COMPARE_CONFIDENCE 0.95

/* One case in both sides. A field that does not apply is NaN (e.g. no median without repetitions). */
typedef struct lm_case_comparison {
    const char *name; /* borrowed from the base set */
    lm_compare_status status;
    double base_median, new_median;
    double ratio, change;              /* new/base of the medians, and that - 1 */
    double p, p_adjusted;              /* decided cases only */
    double effect, effect_low, effect_high; /* Hodges-Lehmann new/base and its 95% interval */
    double base_cv, new_cv;
    size_t base_repetitions, new_repetitions;
} lm_case_comparison;

typedef struct lm_compare_result {
    lm_compare_options options;
    lm_case_comparison *cases; /* cases in both sides, in the base's order */
    size_t count;
    const char **only_in_base, **only_in_new; /* names, borrowed from the sets */
    size_t only_in_base_count, only_in_new_count;
    size_t status_counts[LM_COMPARE_STATUS_COUNT];
    double geomean;         /* geometric mean of new/base median ratios (NaN when none) */
    size_t geomean_cases;   /* the cases with both medians behind it */
} lm_compare_result;

/* Compares `base` with `next` (both must outlive the result). 0, or -1 when memory runs out. */
int lm_compare(const lm_bench_set *base, const lm_bench_set *next, const lm_compare_options *options,
               lm_compare_result *result);
void lm_compare_result_free(lm_compare_result *result);

/* ---- Writers (compare_report.c): 0, or -1 when writing fails ---- */

/* The files each side pooled, as the reports name them. */
typedef struct lm_compare_sources {
    const char *const *base;
    size_t base_count;
    const char *const *next;
    size_t next_count;
} lm_compare_sources;

/* An aligned table (case, medians, change, corrected p, CVs, status), then the summary. */
int lm_compare_write_text(FILE *out, const lm_compare_result *c, const lm_compare_sources *sources);
/* For a CI job summary or a pull-request comment: a one-line verdict, the summary, the regressions and
 * improvements, the other cases folded in a <details> block, the cases on one side only. */
int lm_compare_write_markdown(FILE *out, const lm_compare_result *c, const lm_compare_sources *sources);
/* One JSON object (README: "latmac compare"); fields that do not apply are left out, never NaN. */
int lm_compare_write_json(FILE *out, const lm_compare_result *c, const lm_compare_sources *sources);

#endif
