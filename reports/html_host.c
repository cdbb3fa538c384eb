/* The report's host and method: what ran where and how it was timed, one column per run, the way a
 * careful benchmark report states it, then the method in words. */
#include "reports/html_sections.h"

#include <math.h>
#include <string.h>

#include "reports/units.h"

#define HOST(run) json_object_get((run)->latmac, "host")

/* A JSON value as text: strings as they are, numbers as short as exact, a dash when missing. */
static void value(lm_html *h, const json_t *v) {
    if (json_is_string(v)) lm_html_text(h, json_string_value(v));
    else if (json_is_integer(v)) lm_html_printf(h, "%lld", (long long)json_integer_value(v));
    else if (json_is_real(v)) lm_html_printf(h, "%g", json_real_value(v));
    else if (json_is_boolean(v)) lm_html_raw(h, json_is_true(v) ? "yes" : "no");
    else lm_html_raw(h, "&ndash;");
}

static void bytes(lm_html *h, double b) {
    char text[32];
    if (isfinite(b) && b >= 0) lm_html_text(h, lm_bytes_text((uint64_t)b, text, sizeof text));
    else lm_html_raw(h, "&ndash;");
}

static void row_run(lm_html *h, const lm_report_run *run) {
    lm_html_text(h, run->label);
    lm_html_raw(h, "<br>latmac ");
    value(h, json_object_get(run->latmac, "version"));
    lm_html_raw(h, ", ");
    value(h, json_object_get(run->context, "date"));
    lm_html_raw(h, "<br><code>");
    value(h, json_object_get(run->latmac, "command_line"));
    lm_html_raw(h, "</code>");
    if (json_is_true(json_object_get(run->latmac, "partial"))) lm_html_raw(h, "<br><span class=\"badge flag\">partial</span>");
}

static void row_cpu(lm_html *h, const lm_report_run *run) {
    const json_t *cpu = json_object_get(HOST(run), "cpu");
    value(h, json_object_get(cpu, "brand"));
    lm_html_raw(h, "<br>");
    value(h, json_object_get(cpu, "microarchitecture"));
    lm_html_printf(h, " (family %lld, model %lld, stepping %lld)", (long long)json_integer_value(json_object_get(cpu, "family")),
                   (long long)json_integer_value(json_object_get(cpu, "model")),
                   (long long)json_integer_value(json_object_get(cpu, "stepping")));
    lm_html_raw(h, "<br>SIMD the OS enables: ");
    size_t i;
    const json_t *s;
    json_array_foreach(json_object_get(cpu, "usable_simd"), i, s) lm_html_textf(h, "%s%s", i ? ", " : "", json_string_value(s));
    lm_html_raw(h, "<br>latmac's kernels may use: ");
    json_array_foreach(json_object_get(run->latmac, "usable_isas"), i, s) lm_html_textf(h, "%s%s", i ? ", " : "", json_string_value(s));
}

static void row_cores(lm_html *h, const lm_report_run *run) {
    const json_t *t = json_object_get(HOST(run), "topology");
    value(h, json_object_get(t, "physical_cores"));
    lm_html_raw(h, " physical cores, ");
    value(h, json_object_get(t, "hardware_threads"));
    lm_html_raw(h, " hardware threads, ");
    value(h, json_object_get(t, "packages"));
    lm_html_printf(h, " package(s), %zu NUMA node(s); memory ", json_array_size(json_object_get(t, "numa_nodes")));
    bytes(h, lm_report_number(t, "memory_bytes"));
}

static void row_caches(lm_html *h, const lm_report_run *run) {
    size_t i;
    const json_t *c;
    json_array_foreach(json_object_get(json_object_get(HOST(run), "topology"), "caches"), i, c) {
        const char *type = lm_report_string(c, "type");
        lm_html_printf(h, "%sL%.0f%s ", i ? "<br>" : "", lm_report_number(c, "level"),
                       strcmp(type, "data") == 0 ? "d" : strcmp(type, "instruction") == 0 ? "i" : "");
        bytes(h, lm_report_number(c, "size_bytes"));
        lm_html_printf(h, " &times; %.0f, %.0f-way, %.0f B lines, shared by %.0f core(s)", lm_report_number(c, "instances"),
                       lm_report_number(c, "associativity"), lm_report_number(c, "line_bytes"),
                       lm_report_number(c, "cores_per_instance"));
    }
}

static void row_clock(lm_html *h, const lm_report_run *run) {
    const json_t *clock = json_object_get(HOST(run), "clock");
    lm_html_raw(h, "current ");
    value(h, json_object_get(clock, "current_mhz"));
    lm_html_raw(h, " MHz, maximum ");
    value(h, json_object_get(clock, "max_mhz"));
    lm_html_raw(h, " MHz, governor ");
    value(h, json_object_get(clock, "governor"));
    lm_html_raw(h, "; Google Benchmark saw CPU frequency scaling ");
    lm_html_raw(h, json_is_true(json_object_get(run->context, "cpu_scaling_enabled")) ? "enabled" : "disabled");
}

static void row_system(lm_html *h, const lm_report_run *run) {
    const json_t *os = json_object_get(HOST(run), "os");
    value(h, json_object_get(os, "name"));
    lm_html_raw(h, ", ");
    value(h, json_object_get(os, "kernel"));
    lm_html_raw(h, "; host ");
    value(h, json_object_get(run->context, "host_name"));
}

static void row_build(lm_html *h, const lm_report_run *run) {
    const json_t *b = json_object_get(HOST(run), "build");
    value(h, json_object_get(b, "compiler"));
    lm_html_raw(h, " <code>");
    value(h, json_object_get(b, "flags"));
    lm_html_raw(h, "</code> (");
    value(h, json_object_get(b, "build_type"));
    lm_html_raw(h, " build; kernels compiled per instruction set and chosen at run time)<br>Google Benchmark ");
    value(h, json_object_get(b, "google_benchmark"));
    lm_html_raw(h, " (library built as ");
    value(h, json_object_get(run->context, "library_build_type"));
    lm_html_raw(h, ")");
}

static void row_peers(lm_html *h, const lm_report_run *run) {
    size_t i;
    const json_t *p;
    const json_t *peers = json_object_get(run->latmac, "peers");
    if (!json_array_size(peers)) lm_html_raw(h, "none compiled in");
    json_array_foreach(peers, i, p) lm_html_textf(h, "%s%s %s", i ? "; " : "", lm_report_string(p, "name"), lm_report_string(p, "version"));
}

static void row_threads(lm_html *h, const lm_report_run *run) {
    size_t i, k;
    const json_t *t, *cpu;
    json_array_foreach(json_object_get(run->latmac, "thread_counts"), i, t) {
        lm_html_printf(h, "%s%.0f thread(s) on CPU ", i ? "; " : "", lm_report_number(t, "threads"));
        json_array_foreach(json_object_get(t, "placement"), k, cpu) lm_html_printf(h, "%s%lld", k ? ", " : "", (long long)json_integer_value(cpu));
    }
    lm_html_raw(h, "<br>");
    value(h, json_object_get(run->latmac, "pinning"));
}

static void row_timing(lm_html *h, const lm_report_run *run) {
    lm_html_printf(h, "wall clock; a warm-up of at least %g s, then %.0f repetitions of at least %g s each (a layer "
                   "timed alone gets a tenth); the statistic quoted is the ",
                   lm_report_number(run->latmac, "warmup_time_seconds"), lm_report_number(run->latmac, "repetitions"),
                   lm_report_number(run->latmac, "min_time_seconds"));
    value(h, json_object_get(run->latmac, "statistic"));
    lm_html_printf(h, " of the repetitions; a case is flagged <span class=\"badge flag\">noisy</span> when their "
                   "coefficient of variation exceeds %g%%",
                   100 * lm_report_number(run->latmac, "noisy_cv"));
}

static void row_load(lm_html *h, const lm_report_run *run) {
    value(h, json_object_get(run->latmac, "load_average_at_start"));
    lm_html_raw(h, " at the start, on ");
    value(h, json_object_get(run->latmac, "cores"));
    lm_html_raw(h, " cores (above the core count, every case is flagged <span class=\"badge flag\">load</span>)");
}

static const struct {
    const char *name;
    void (*write)(lm_html *h, const lm_report_run *run);
} rows[] = {
    {"run", row_run},         {"CPU", row_cpu},       {"cores and memory", row_cores},
    {"caches", row_caches},   {"clock", row_clock},   {"system", row_system},
    {"compiler and flags", row_build}, {"peers timed alongside", row_peers},
    {"threads and pinning", row_threads}, {"timing", row_timing}, {"load average", row_load},
};

void lm_report_host_section(lm_report *r) {
    lm_html *h = r->h;
    lm_html_raw(h, "<section id=\"host\">\n<h2>Host and method</h2>\n");
    lm_report_table_begin(h, NULL);
    lm_html_raw(h, "<tbody>\n");
    for (size_t k = 0; k < sizeof rows / sizeof rows[0]; k++) {
        lm_html_raw(h, "<tr><th>");
        lm_html_text(h, rows[k].name);
        lm_html_raw(h, "</th>");
        for (size_t i = 0; i < r->run_count; i++) {
            lm_html_raw(h, "<td>");
            if (r->run_count > 1) lm_html_printf(h, "<strong>%c</strong> ", r->runs[i].letter);
            rows[k].write(h, &r->runs[i]);
            lm_html_raw(h, "</td>");
        }
        lm_html_raw(h, "</tr>\n");
    }
    lm_html_raw(h, "</tbody>");
    lm_report_table_end(h);
    lm_html_raw(h,
                "<p>How to read the numbers. Every case runs under Google Benchmark on the threads listed above, "
                "pinned as stated; its inputs, weights and buffers are prepared before the timed loop. A case's "
                "time is the median over its repetitions of the wall-clock time per iteration; rates are derived "
                "from it: GFLOP/s counts 2 FLOP per multiply-add (convolutions and fully connected layers only, "
                "as in the ShuffleNet V2 paper), GB/s counts the memory access cost (MAC: every element read and "
                "written once, 4 bytes each). Peers (oneDNN, XNNPACK) run the same operator on the same data and "
                "threads; a ratio to a peer is latmac's time over the peer's (below 1: latmac is faster). Compare "
                "speeds as ratios measured in the same run: on a shared machine, absolute numbers move from day "
                "to day.</p>\n</section>\n");
}
