/* Progress of a run on a terminal (see progress.h). */
#include "bench/measure/progress.h"

#include "bench/host/clock.h"

#include <math.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>


/* The terminal's width in characters; 0 when unknown. Asked at each line, so a resize is followed. */
static size_t columns(FILE *terminal) {
    struct winsize w;
    return ioctl(fileno(terminal), TIOCGWINSZ, &w) == 0 ? w.ws_col : 0;
}

static size_t digits(size_t n) {
    size_t d = 1;
    while (n >= 10) n /= 10, d++;
    return d;
}

void lm_progress_init(lm_progress *p, FILE *terminal) {
    memset(p, 0, sizeof *p);
    p->terminal = terminal;
    p->start = lm_now_seconds();
}

void lm_progress_start(lm_progress *p) { p->start = lm_now_seconds(); }

void lm_progress_add(lm_progress *p, double expected_seconds) {
    p->total++;
    p->expected_total += expected_seconds;
}

void lm_progress_remove(lm_progress *p, double expected_seconds) {
    if (p->total) p->total--;
    p->expected_total -= expected_seconds;
}

void lm_progress_case_started(lm_progress *p, const char *name) {
    if (!p->terminal) return;
    const double elapsed = lm_now_seconds() - p->start;
    const size_t width = columns(p->terminal);
    char line[512];
    /* one character short of the width: a full line would wrap on some terminals, and "\r" then
     * rewrites only its second half */
    lm_progress_format_line(p->done + 1, p->total, elapsed,
                            lm_progress_seconds_left(elapsed, p->expected_done, p->expected_total), name,
                            width ? width - 1 : 0, line, sizeof line);
    fprintf(p->terminal, "\r\033[K%s", line);
    fflush(p->terminal);
    p->line_open = true;
}

void lm_progress_case_finished(lm_progress *p, const char *name, double expected_seconds, const char *error) {
    p->done++;
    p->expected_done += expected_seconds;
    if (!p->terminal || !error || !*error) return;
    fprintf(p->terminal, "\r\033[K[%*zu/%zu] %s  error: %s\n", (int)digits(p->total), p->done, p->total, name, error);
    fflush(p->terminal);
    p->line_open = false;
}

void lm_progress_clear(lm_progress *p) {
    if (!p->terminal || !p->line_open) return;
    fputs("\r\033[K", p->terminal);
    fflush(p->terminal);
    p->line_open = false;
}

void lm_progress_end(lm_progress *p) {
    if (!p->terminal) return;
    char elapsed[32];
    lm_progress_format_duration(lm_now_seconds() - p->start, elapsed, sizeof elapsed);
    fprintf(p->terminal, "\r\033[K[%*zu/%zu] %s elapsed\n", (int)digits(p->total), p->done, p->total, elapsed);
    fflush(p->terminal);
    p->line_open = false;
}

double lm_progress_seconds_left(double elapsed, double expected_done, double expected_total) {
    if (!(expected_done > 0) || !(elapsed >= 0)) return -1;
    const double expected_left = expected_total - expected_done;
    return expected_left > 0 ? expected_left * (elapsed / expected_done) : 0;
}

void lm_progress_format_duration(double seconds, char *buf, size_t size) {
    if (!isfinite(seconds) || seconds < 0 || seconds > 1e9) {
        snprintf(buf, size, "?");
        return;
    }
    const long long s = llround(seconds);
    if (s >= 3600) snprintf(buf, size, "%lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
    else snprintf(buf, size, "%lld:%02lld", s / 60, s % 60);
}

void lm_progress_format_line(size_t position, size_t total, double elapsed, double left, const char *name, size_t width,
                             char *buf, size_t size) {
    char spent[32], rest[48] = "";
    lm_progress_format_duration(elapsed, spent, sizeof spent);
    if (left >= 0) {
        char t[32];
        lm_progress_format_duration(left, t, sizeof t);
        snprintf(rest, sizeof rest, ", ~%s left", t);
    }
    snprintf(buf, size, "[%*zu/%zu] %s elapsed%s  %s", (int)digits(total), position, total, spent, rest, name);
    if (width && width < size && strlen(buf) > width) buf[width] = '\0';
}
