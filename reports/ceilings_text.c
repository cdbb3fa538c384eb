/* The measured ceilings as aligned text, for `latmac roofline`. */
#include "reports/ceilings_report.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "reports/units.h"

#define MAX_COLUMNS 7
#define MAX_ROWS (LM_CEILING_MAX_SWEEP > LM_CEILING_MAX_PEAKS ? LM_CEILING_MAX_SWEEP : LM_CEILING_MAX_PEAKS)
#define CELL 24

/* A table: its first `text_columns` columns are left-aligned, the rest (numbers) right-aligned. */
typedef struct table {
    int columns, text_columns, rows;
    const char *titles[MAX_COLUMNS];
    char cells[MAX_ROWS][MAX_COLUMNS][CELL];
} table;

static void write_table(FILE *out, const table *t) {
    int width[MAX_COLUMNS];
    for (int c = 0; c < t->columns; c++) {
        width[c] = (int)strlen(t->titles[c]);
        for (int r = 0; r < t->rows; r++)
            if ((int)strlen(t->cells[r][c]) > width[c]) width[c] = (int)strlen(t->cells[r][c]);
    }
    for (int r = -1; r < t->rows; r++) {
        fputs("  ", out);
        for (int c = 0; c < t->columns; c++) {
            const int w = c < t->text_columns ? -width[c] : width[c]; /* negative: left-aligned */
            const char *text = r < 0 ? t->titles[c] : t->cells[r][c];
            fprintf(out, "%s%*s", c ? "  " : "", c + 1 < t->columns || w > 0 ? w : 0, text); /* no trailing blanks */
        }
        fputc('\n', out);
    }
}

/* A rate with four significant digits below 1000 (whole numbers above). */
static void rate_text(double v, char *cell) {
    const int decimals = v >= 1000 ? 0 : v >= 100 ? 1 : v >= 10 ? 2 : 3;
    snprintf(cell, CELL, "%.*f", decimals, v);
}

static void set_titles(table *t, const char *const *titles) {
    for (t->columns = 0; titles[t->columns]; t->columns++) t->titles[t->columns] = titles[t->columns];
}

static void write_peaks(FILE *out, const lm_ceilings_at *at) {
    static const char *const titles[] = {"isa", "mix", "GFLOP/s", NULL};
    if (!at->peak_count) {
        fputs("Peak FP32 arithmetic: not measured (no AVX2 or AVX-512 here, or the cap leaves them out)\n", out);
        return;
    }
    char peak[CELL];
    rate_text(at->peak_gflops, peak);
    fprintf(out, "Peak FP32 arithmetic: %s GFLOP/s\n", peak);
    table t = {.text_columns = 2, .rows = (int)at->peak_count};
    set_titles(&t, titles);
    for (size_t i = 0; i < at->peak_count; i++) {
        snprintf(t.cells[i][0], CELL, "%s", at->peaks[i].isa);
        snprintf(t.cells[i][1], CELL, "%s", at->peaks[i].mix);
        rate_text(at->peaks[i].gflops, t.cells[i][2]);
    }
    write_table(out, &t);
}

static void write_levels(FILE *out, const lm_ceilings_at *at) {
    static const char *const titles[] = {"level", "capacity", "working set", "read GB/s", "write GB/s",
                                         "copy GB/s", "roof GB/s", NULL};
    fputs("Memory levels (bandwidth measured at the working set; roof: the highest of read, write, copy)\n", out);
    table t = {.text_columns = 3, .rows = (int)at->level_count};
    set_titles(&t, titles);
    for (size_t i = 0; i < at->level_count; i++) {
        const lm_memory_level *l = &at->levels[i];
        snprintf(t.cells[i][0], CELL, "%s", l->name);
        if (l->capacity_bytes == SIZE_MAX) snprintf(t.cells[i][1], CELL, "unbounded");
        else lm_bytes_text(l->capacity_bytes, t.cells[i][1], CELL);
        lm_bytes_text(l->working_set, t.cells[i][2], CELL);
        for (int k = 0; k < LM_BW_KINDS; k++) rate_text(l->gbps[k], t.cells[i][3 + k]);
        rate_text(l->roof_gbps, t.cells[i][6]);
    }
    write_table(out, &t);
}

static void write_sweep(FILE *out, const lm_ceilings_at *at) {
    static const char *const titles[] = {"working set", "read GB/s", "write GB/s", "copy GB/s", NULL};
    fputs("Bandwidth sweep (working set over all threads)\n", out);
    table t = {.text_columns = 1, .rows = (int)at->sweep_count};
    set_titles(&t, titles);
    for (size_t i = 0; i < at->sweep_count; i++) {
        lm_bytes_text(at->sweep[i].bytes, t.cells[i][0], CELL);
        for (int k = 0; k < LM_BW_KINDS; k++) rate_text(at->sweep[i].gbps[k], t.cells[i][1 + k]);
    }
    write_table(out, &t);
}

int lm_ceilings_write_text(FILE *out, const lm_ceilings *c) {
    fprintf(out, "Ceilings of this machine: the median of %d repetitions of at least %g s each, after a warm-up;\n"
                 "threads pinned one per physical core first. FLOP: lanes x operations, an FMA counting 2; bytes:\n"
                 "read plus written (a copy of n bytes moves 2n), 1 GB = 10^9 bytes.\n",
            c->repetitions, c->min_time);
    for (size_t i = 0; i < c->count; i++) {
        fprintf(out, "\n%d thread(s)\n\n", c->at[i].threads);
        write_peaks(out, &c->at[i]);
        fputc('\n', out);
        write_levels(out, &c->at[i]);
        fputc('\n', out);
        write_sweep(out, &c->at[i]);
    }
    fflush(out);
    return ferror(out) ? -1 : 0;
}
