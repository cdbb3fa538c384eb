// The C face of Google Benchmark (see gbench_shim.h). This is latmac's only C++: it converts between
// the C API and benchmark::State / benchmark::BenchmarkReporter, and nothing else.
#include "bench/measure/gbench_shim.h"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstring>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

namespace {

// The context of every registered case by name, so that each result is handed back with its case's.
std::unordered_map<std::string, void *> &registered_contexts() {
    static std::unordered_map<std::string, void *> contexts;
    return contexts;
}

benchmark::State &state_of(lm_gb_state *st) { return *reinterpret_cast<benchmark::State *>(st); }
const benchmark::State &state_of(const lm_gb_state *st) {
    return *reinterpret_cast<const benchmark::State *>(st);
}
benchmark::internal::Benchmark *case_of(lm_gb_case *c) {
    return reinterpret_cast<benchmark::internal::Benchmark *>(c);
}

bool starts_with(const char *s, const char *prefix) { return std::strncmp(s, prefix, std::strlen(prefix)) == 0; }

benchmark::TimeUnit to_gb_unit(lm_gb_time_unit unit) {
    switch (unit) {
    case LM_GB_MICROSECOND: return benchmark::kMicrosecond;
    case LM_GB_MILLISECOND: return benchmark::kMillisecond;
    case LM_GB_SECOND: return benchmark::kSecond;
    case LM_GB_NANOSECOND: break;
    }
    return benchmark::kNanosecond;
}

lm_gb_time_unit from_gb_unit(benchmark::TimeUnit unit) {
    switch (unit) {
    case benchmark::kMicrosecond: return LM_GB_MICROSECOND;
    case benchmark::kMillisecond: return LM_GB_MILLISECOND;
    case benchmark::kSecond: return LM_GB_SECOND;
    default: return LM_GB_NANOSECOND;
    }
}

const char *unit_name(lm_gb_time_unit unit) {
    static const char *const names[] = {"ns", "us", "ms", "s"};
    return names[unit];
}

double stat_min(const std::vector<double> &v) { return v.empty() ? 0.0 : *std::min_element(v.begin(), v.end()); }
double stat_max(const std::vector<double> &v) { return v.empty() ? 0.0 : *std::max_element(v.begin(), v.end()); }

// Google Benchmark 1.8 replaced Run::error_occurred/error_message with Run::skipped/skip_message.
// Overload resolution picks whichever the installed version has (the int overload wins when both fit).
template <class Run>
auto run_status(const Run &r, int) -> decltype(r.error_occurred, lm_gb_result_status()) {
    return r.error_occurred ? LM_GB_RESULT_ERROR : LM_GB_RESULT_OK;
}
template <class Run>
auto run_status(const Run &r, long) -> decltype(r.skipped, lm_gb_result_status()) {
    switch (static_cast<int>(r.skipped)) {
    case 0: return LM_GB_RESULT_OK;
    case 1: return LM_GB_RESULT_SKIPPED;
    default: return LM_GB_RESULT_ERROR;
    }
}
template <class Run>
auto run_message(const Run &r, int) -> decltype(r.error_message, std::string()) { return r.error_message; }
template <class Run>
auto run_message(const Run &r, long) -> decltype(r.skip_message, std::string()) { return r.skip_message; }

// Hands each run to C, and to Google Benchmark's own display reporter when one is wanted.
class CReporter : public benchmark::BenchmarkReporter {
  public:
    CReporter(const lm_gb_run_options &options, benchmark::BenchmarkReporter *display)
        : options_(options), display_(display) {}

    bool ReportContext(const Context &context) override {
        if (display_ && !display_->ReportContext(context)) return false;
        if (!options_.on_context) return true;
        std::vector<const char *> keys, values;
        if (const auto *custom = benchmark::internal::GetGlobalContext()) {
            for (const auto &kv : *custom) {
                keys.push_back(kv.first.c_str());
                values.push_back(kv.second.c_str());
            }
        }
        lm_gb_context c{};
        c.executable = Context::executable_name ? Context::executable_name : "";
        c.host_name = context.sys_info.name.c_str();
        c.num_cpus = context.cpu_info.num_cpus;
        c.mhz_per_cpu = context.cpu_info.cycles_per_second / 1.0e6;
        c.cpu_scaling = context.cpu_info.scaling == benchmark::CPUInfo::ENABLED    ? 1
                        : context.cpu_info.scaling == benchmark::CPUInfo::DISABLED ? 0
                                                                                   : -1;
        c.custom_count = keys.size();
        c.custom_keys = keys.data();
        c.custom_values = values.data();
        // Only Google Benchmark's JSON reporter knows some facts (its library's build type), so let it
        // write its opening and close the benchmark list it leaves open.
        std::ostringstream json, ignored;
        benchmark::JSONReporter json_reporter;
        json_reporter.SetOutputStream(&json);
        json_reporter.SetErrorStream(&ignored);
        json_reporter.ReportContext(context);
        const std::string document = json.str() + "]}";
        c.json = document.c_str();
        return options_.on_context(&c, options_.user);
    }

    void ReportRuns(const std::vector<Run> &report) override {
        if (display_) display_->ReportRuns(report);
        if (!options_.on_result) return;
        for (const Run &run : report) deliver(run);
    }

    void Finalize() override {
        if (display_) display_->Finalize();
    }

  private:
    void deliver(const Run &run) {
        const std::string name = run.benchmark_name();
        const std::string message = run_message(run, 0);
        std::vector<lm_gb_counter> counters;
        for (const auto &kv : run.counters)
            counters.push_back({kv.first.c_str(), kv.second.value, static_cast<unsigned>(kv.second.flags)});

        lm_gb_result r{};
        r.name = name.c_str();
        r.case_name = run.run_name.function_name.c_str();
        const auto found = registered_contexts().find(run.run_name.function_name);
        r.context = found == registered_contexts().end() ? nullptr : found->second;
        r.is_aggregate = run.run_type == Run::RT_Aggregate;
        r.aggregate_name = r.is_aggregate ? run.aggregate_name.c_str() : "";
        r.is_percentage = r.is_aggregate && run.aggregate_unit == benchmark::kPercentage;
        r.repetition_index = r.is_aggregate ? -1 : run.repetition_index;
        r.repetitions = run.repetitions;
        r.iterations = run.iterations;
        r.threads = run.threads;
        // A percentage aggregate keeps its ratio in the accumulated time, not per iteration.
        r.real_time = r.is_percentage ? run.real_accumulated_time : run.GetAdjustedRealTime();
        r.cpu_time = r.is_percentage ? run.cpu_accumulated_time : run.GetAdjustedCPUTime();
        r.time_unit = from_gb_unit(run.time_unit);
        r.time_unit_name = unit_name(r.time_unit);
        r.label = run.report_label.c_str();
        r.status = run_status(run, 0);
        r.message = message.c_str();
        r.counter_count = counters.size();
        r.counters = counters.data();
        options_.on_result(&r, options_.user);
    }

    const lm_gb_run_options &options_;
    benchmark::BenchmarkReporter *display_;
};

} // namespace

extern "C" {

const char *lm_gb_initialize(int *argc, char **argv) {
    // Only Google Benchmark's own flags go to it: it would otherwise act on --help and exit.
    std::vector<char *> ours{argv[0]};
    for (int i = 1; i < *argc; i++)
        if (starts_with(argv[i], "--benchmark_") || starts_with(argv[i], "--v=")) ours.push_back(argv[i]);
    int n = static_cast<int>(ours.size());
    ours.push_back(nullptr);
    benchmark::Initialize(&n, ours.data());

    // What Google Benchmark left in its copy it did not recognise; everything else it consumed.
    const char *unrecognised = n > 1 ? ours[1] : nullptr;
    int kept = 1;
    for (int i = 1; i < *argc; i++) {
        bool passed = starts_with(argv[i], "--benchmark_") || starts_with(argv[i], "--v=");
        bool left = std::find(ours.begin() + 1, ours.begin() + n, argv[i]) != ours.begin() + n;
        if (!passed || left) argv[kept++] = argv[i];
    }
    *argc = kept;
    argv[kept] = nullptr;
    return unrecognised;
}

void lm_gb_add_context(const char *key, const char *value) { benchmark::AddCustomContext(key, value); }

void lm_gb_clear_cases(void) {
    benchmark::ClearRegisteredBenchmarks();
    registered_contexts().clear();
}

lm_gb_case *lm_gb_register(const char *name, lm_gb_case_fn fn, void *context) {
    registered_contexts()[name] = context;
    auto *b = benchmark::RegisterBenchmark(name, [fn, context](benchmark::State &st) {
        fn(reinterpret_cast<lm_gb_state *>(&st), context);
    });
    return reinterpret_cast<lm_gb_case *>(b);
}

void lm_gb_case_repetitions(lm_gb_case *c, int repetitions) { case_of(c)->Repetitions(repetitions); }
void lm_gb_case_min_time(lm_gb_case *c, double seconds) { case_of(c)->MinTime(seconds); }
void lm_gb_case_min_warmup_time(lm_gb_case *c, double seconds) { case_of(c)->MinWarmUpTime(seconds); }
void lm_gb_case_iterations(lm_gb_case *c, int64_t iterations) { case_of(c)->Iterations(iterations); }
void lm_gb_case_use_real_time(lm_gb_case *c) { case_of(c)->UseRealTime(); }
void lm_gb_case_use_manual_time(lm_gb_case *c) { case_of(c)->UseManualTime(); }
void lm_gb_case_time_unit(lm_gb_case *c, lm_gb_time_unit unit) { case_of(c)->Unit(to_gb_unit(unit)); }
void lm_gb_case_threads(lm_gb_case *c, int threads) { case_of(c)->Threads(threads); }
void lm_gb_case_aggregates_only(lm_gb_case *c) { case_of(c)->ReportAggregatesOnly(true); }

void lm_gb_case_add_statistic(lm_gb_case *c, lm_gb_statistic statistic) {
    if (statistic == LM_GB_STAT_MIN) case_of(c)->ComputeStatistics("min", stat_min);
    else case_of(c)->ComputeStatistics("max", stat_max);
}

bool lm_gb_keep_running(lm_gb_state *st) { return state_of(st).KeepRunning(); }
bool lm_gb_keep_running_batch(lm_gb_state *st, int64_t n) { return state_of(st).KeepRunningBatch(n); }
void lm_gb_pause_timing(lm_gb_state *st) { state_of(st).PauseTiming(); }
void lm_gb_resume_timing(lm_gb_state *st) { state_of(st).ResumeTiming(); }
void lm_gb_set_iteration_time(lm_gb_state *st, double seconds) { state_of(st).SetIterationTime(seconds); }

void lm_gb_set_counter(lm_gb_state *st, const char *name, double value, unsigned flags) {
    const unsigned known = LM_GB_COUNTER_IS_RATE | LM_GB_COUNTER_AVG_THREADS | LM_GB_COUNTER_IS_ITERATION_INVARIANT |
                           LM_GB_COUNTER_AVG_ITERATIONS | LM_GB_COUNTER_INVERT;
    state_of(st).counters[name] = benchmark::Counter(value, static_cast<benchmark::Counter::Flags>(flags & known));
}

void lm_gb_set_label(lm_gb_state *st, const char *label) { state_of(st).SetLabel(label); }
void lm_gb_skip_with_error(lm_gb_state *st, const char *message) { state_of(st).SkipWithError(message); }
bool lm_gb_error_occurred(const lm_gb_state *st) { return state_of(st).error_occurred(); }
int64_t lm_gb_iterations(const lm_gb_state *st) { return state_of(st).iterations(); }
int lm_gb_thread_index(const lm_gb_state *st) { return static_cast<int>(state_of(st).thread_index()); }
int lm_gb_threads(const lm_gb_state *st) { return static_cast<int>(state_of(st).threads()); }

size_t lm_gb_run(const lm_gb_run_options *options) {
    // Google Benchmark owns its default display reporter (one per process, never freed).
    benchmark::BenchmarkReporter *display = nullptr;
    if (options->display != LM_GB_DISPLAY_NONE) {
        display = benchmark::CreateDefaultDisplayReporter();
        display->SetOutputStream(options->display == LM_GB_DISPLAY_STDERR ? &std::cerr : &std::cout);
    }
    CReporter reporter(*options, display);
    const std::string filter = options->filter ? options->filter : benchmark::GetBenchmarkFilter();
    return benchmark::RunSpecifiedBenchmarks(&reporter, nullptr, filter);
}

} // extern "C"
