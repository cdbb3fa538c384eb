/* The writers of a comparison (see compare.h): text, markdown and JSON. Text and markdown share the
 * cells of a row and the summary's words, so they say the same thing. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "reports/compare.h"

enum { COLUMNS = 7, CELL = 48 };
static const char *const headers[COLUMNS] = {"case", "base", "new", "change", "p (Holm)", "CV base/new", "status"};

/* A metric's value: a time with the unit that suits it, anything else with four digits. */
static void format_value(char *buf, double v, bool time) {
    if (!isfinite(v)) snprintf(buf, CELL, "-");
    else if (!time) snprintf(buf, CELL, "%.4g", v);
    else if (v < 1e-6) snprintf(buf, CELL, "%.4g ns", v * 1e9);
    else if (v < 1e-3) snprintf(buf, CELL, "%.4g us", v * 1e6);
    else if (v < 1) snprintf(buf, CELL, "%.4g ms", v * 1e3);
    else snprintf(buf, CELL, "%.4g s", v);
}

static void format_cv(char *buf, double v) {
    if (isfinite(v)) snprintf(buf, CELL, "%.1f%%", 100 * v);
    else snprintf(buf, CELL, "-");
}

/* The cells of a case's row, the name excepted (it may be longer than a cell). */
static void row_cells(const lm_compare_result *r, const lm_case_comparison *c, char cells[COLUMNS][CELL]) {
    const bool time = !r->options.higher_is_better;
    format_value(cells[1], c->base_median, time);
    format_value(cells[2], c->new_median, time);
    if (isfinite(c->change)) snprintf(cells[3], CELL, "%+.1f%%", 100 * c->change);
    else snprintf(cells[3], CELL, "-");
    if (isfinite(c->p_adjusted)) snprintf(cells[4], CELL, "%.3g", c->p_adjusted);
    else snprintf(cells[4], CELL, "-");
    char base_cv[CELL], new_cv[CELL];
    format_cv(base_cv, c->base_cv);
    format_cv(new_cv, c->new_cv);
    snprintf(cells[5], CELL, "%.20s/%.20s", base_cv, new_cv);
    snprintf(cells[6], CELL, "%s", lm_compare_status_name(c->status));
}

/* "2 regressions, 1 improvement, 5 unchanged, ...; 1 only in base, 0 only in new" */
static void write_counts(FILE *out, const lm_compare_result *r) {
    for (int s = 0; s < LM_COMPARE_STATUS_COUNT; s++) {
        const size_t n = r->status_counts[s];
        const bool plural = n != 1 && (s == LM_COMPARE_REGRESSION || s == LM_COMPARE_IMPROVEMENT);
        fprintf(out, "%s%zu %s%s", s ? ", " : "", n, lm_compare_status_name((lm_compare_status)s), plural ? "s" : "");
    }
    fprintf(out, "; %zu only in base, %zu only in new", r->only_in_base_count, r->only_in_new_count);
}

static void write_geomean(FILE *out, const lm_compare_result *r) {
    if (!r->geomean_cases) {
        fputs("no case has both medians for a geometric mean", out);
        return;
    }
    fprintf(out, "geometric mean of new/base medians: %.4f over %zu case%s (above 1: %s)", r->geomean,
            r->geomean_cases, r->geomean_cases == 1 ? "" : "s", r->options.higher_is_better ? "higher" : "slower");
}

static void write_settings(FILE *out, const lm_compare_result *r) {
    const lm_compare_options *o = &r->options;
    fprintf(out, "%s (%s is better), threshold %g%%, alpha %g, max CV %g", o->metric,
            o->higher_is_better ? "higher" : "lower", o->threshold, o->alpha, o->max_cv);
}

static void write_files(FILE *out, const char *const *files, size_t count, const char *quote) {
    for (size_t i = 0; i < count; i++) fprintf(out, "%s%s%s%s", i ? ", " : "", quote, files[i], quote);
}

static int finish(FILE *out) { return fflush(out) == 0 && !ferror(out) ? 0 : -1; }

int lm_compare_write_text(FILE *out, const lm_compare_result *r, const lm_compare_sources *sources) {
    int width[COLUMNS];
    for (int k = 0; k < COLUMNS; k++) width[k] = (int)strlen(headers[k]);
    char cells[COLUMNS][CELL];
    for (size_t i = 0; i < r->count; i++) {
        row_cells(r, &r->cases[i], cells);
        const int name = (int)strlen(r->cases[i].name);
        if (name > width[0]) width[0] = name;
        for (int k = 1; k < COLUMNS; k++)
            if ((int)strlen(cells[k]) > width[k]) width[k] = (int)strlen(cells[k]);
    }
    /* names and statuses read left-aligned, numbers right-aligned */
    fprintf(out, "%-*s", width[0], headers[0]);
    for (int k = 1; k < COLUMNS - 1; k++) fprintf(out, "  %*s", width[k], headers[k]);
    fprintf(out, "  %s\n", headers[COLUMNS - 1]);
    for (size_t i = 0; i < r->count; i++) {
        row_cells(r, &r->cases[i], cells);
        fprintf(out, "%-*s", width[0], r->cases[i].name);
        for (int k = 1; k < COLUMNS - 1; k++) fprintf(out, "  %*s", width[k], cells[k]);
        fprintf(out, "  %s\n", cells[COLUMNS - 1]);
    }
    for (size_t i = 0; i < r->only_in_base_count; i++) fprintf(out, "only in base: %s\n", r->only_in_base[i]);
    for (size_t i = 0; i < r->only_in_new_count; i++) fprintf(out, "only in new: %s\n", r->only_in_new[i]);
    fputs("\nbase: ", out);
    write_files(out, sources->base, sources->base_count, "");
    fputs("\nnew: ", out);
    write_files(out, sources->next, sources->next_count, "");
    fputs("\nmetric: ", out);
    write_settings(out, r);
    fprintf(out, "\n%zu cases compared: ", r->count);
    write_counts(out, r);
    fputc('\n', out);
    write_geomean(out, r);
    fputc('\n', out);
    return finish(out);
}

/* A name in a code span inside a table cell: '|' would end the cell, a backtick the span. */
static void write_md_name(FILE *out, const char *name) {
    fputc('`', out);
    for (const char *s = name; *s; s++) {
        if (*s == '|') fputs("\\|", out);
        else fputc(*s == '`' ? '\'' : *s, out);
    }
    fputc('`', out);
}

/* The table of the cases whose status is (or, with `other`, is not) a regression or an improvement. */
static void write_md_table(FILE *out, const lm_compare_result *r, bool other) {
    fprintf(out, "| %s |", headers[0]);
    for (int k = 1; k < COLUMNS; k++) fprintf(out, " %s |", headers[k]);
    fputs("\n|---|---:|---:|---:|---:|---:|---|\n", out);
    char cells[COLUMNS][CELL];
    for (size_t i = 0; i < r->count; i++) {
        const lm_compare_status s = r->cases[i].status;
        if ((s == LM_COMPARE_REGRESSION || s == LM_COMPARE_IMPROVEMENT) == other) continue;
        row_cells(r, &r->cases[i], cells);
        fputs("| ", out);
        write_md_name(out, r->cases[i].name);
        for (int k = 1; k < COLUMNS; k++) fprintf(out, " | %s", cells[k]);
        fputs(" |\n", out);
    }
}

static void write_md_only(FILE *out, const char *side, const char *const *names, size_t count) {
    if (!count) return;
    fprintf(out, "\n**Only in %s** (%zu, not compared): ", side, count);
    for (size_t i = 0; i < count; i++) {
        fputs(i ? ", " : "", out);
        write_md_name(out, names[i]);
    }
    fputc('\n', out);
}

int lm_compare_write_markdown(FILE *out, const lm_compare_result *r, const lm_compare_sources *sources) {
    const size_t regressions = r->status_counts[LM_COMPARE_REGRESSION];
    const size_t notable = regressions + r->status_counts[LM_COMPARE_IMPROVEMENT];
    if (regressions) fprintf(out, "**latmac compare: %zu regression%s**", regressions, regressions == 1 ? "" : "s");
    else fputs("**latmac compare: no regression**", out);
    fprintf(out, " (threshold %g%%, alpha %g)\n\n", r->options.threshold, r->options.alpha);
    fprintf(out, "- %zu cases compared on ", r->count);
    write_settings(out, r);
    fputs(": ", out);
    write_counts(out, r);
    fputs("\n- ", out);
    write_geomean(out, r);
    fputs("\n- base: ", out);
    write_files(out, sources->base, sources->base_count, "`");
    fputs("; new: ", out);
    write_files(out, sources->next, sources->next_count, "`");
    fputs("\n\n", out);
    if (notable) write_md_table(out, r, false);
    else fputs("No change beyond the threshold.\n", out);
    if (r->count > notable) {
        fprintf(out, "\n<details><summary>%zu other case%s</summary>\n\n", r->count - notable,
                r->count - notable == 1 ? "" : "s");
        write_md_table(out, r, true);
        fputs("\n</details>\n", out);
    }
    write_md_only(out, "base", r->only_in_base, r->only_in_base_count);
    write_md_only(out, "new", r->only_in_new, r->only_in_new_count);
    return finish(out);
}

/* Sets key to the number when it is one (JSON has no NaN: a field that does not apply is left out). */
static void set_number(json_t *object, const char *key, double v) {
    if (isfinite(v)) json_object_set_new(object, key, json_real(v));
}

static json_t *string_list(const char *const *items, size_t count) {
    json_t *list = json_array();
    for (size_t i = 0; i < count; i++) json_array_append_new(list, json_string(items[i]));
    return list;
}

static json_t *case_json(const lm_case_comparison *c) {
    json_t *o = json_pack("{s:s, s:s}", "name", c->name, "status", lm_compare_status_name(c->status));
    const struct {
        const char *key;
        double value;
    } fields[] = {
        {"base_median", c->base_median}, {"new_median", c->new_median}, {"ratio", c->ratio},
        {"change", c->change}, {"p", c->p}, {"p_adjusted", c->p_adjusted}, {"effect", c->effect},
        {"effect_low", c->effect_low}, {"effect_high", c->effect_high}, {"base_cv", c->base_cv},
        {"new_cv", c->new_cv},
    };
    for (size_t k = 0; k < sizeof fields / sizeof fields[0]; k++) set_number(o, fields[k].key, fields[k].value);
    json_object_set_new(o, "base_repetitions", json_integer((json_int_t)c->base_repetitions));
    json_object_set_new(o, "new_repetitions", json_integer((json_int_t)c->new_repetitions));
    return o;
}

static json_t *summary_json(const lm_compare_result *r) {
    static const char *const keys[LM_COMPARE_STATUS_COUNT] = {
        "regressions", "improvements", "unchanged", "noisy", "too_few_repetitions", "failed",
    };
    json_t *s = json_pack("{s:I}", "cases", (json_int_t)r->count);
    for (int k = 0; k < LM_COMPARE_STATUS_COUNT; k++)
        json_object_set_new(s, keys[k], json_integer((json_int_t)r->status_counts[k]));
    json_object_set_new(s, "only_in_base", json_integer((json_int_t)r->only_in_base_count));
    json_object_set_new(s, "only_in_new", json_integer((json_int_t)r->only_in_new_count));
    set_number(s, "geomean_ratio", r->geomean);
    json_object_set_new(s, "geomean_cases", json_integer((json_int_t)r->geomean_cases));
    return s;
}

int lm_compare_write_json(FILE *out, const lm_compare_result *r, const lm_compare_sources *sources) {
    const lm_compare_options *o = &r->options;
    json_t *cases = json_array();
    for (size_t i = 0; i < r->count; i++) json_array_append_new(cases, case_json(&r->cases[i]));
    json_t *root = json_pack("{s:o, s:o, s:s, s:b, s:f, s:f, s:f, s:o, s:o, s:o, s:o}", "base",
                             string_list(sources->base, sources->base_count), "new",
                             string_list(sources->next, sources->next_count), "metric", o->metric,
                             "higher_is_better", o->higher_is_better, "threshold", o->threshold, "alpha", o->alpha,
                             "max_cv", o->max_cv, "summary", summary_json(r), "cases", cases, "only_in_base",
                             string_list(r->only_in_base, r->only_in_base_count), "only_in_new",
                             string_list(r->only_in_new, r->only_in_new_count));
    const int written = root ? json_dumpf(root, out, JSON_INDENT(2)) : -1;
    json_decref(root);
    if (written != 0 || fputc('\n', out) == EOF) return -1;
    return finish(out);
}
