// upsample against OpenCV's cv::resize and against the memory-bandwidth bound, in one run.
//
//   upsample_bench [--quick] [--csv=PATH] [--table=PATH] [--repetitions=N] [--min-time=S]
//                  [--threads=1,2] [--no-verify] [--bandwidth-mib=N] [--bandwidth-runs=N]
//                  [--probe-cpu] [--streaming-threshold=BYTES|off]
//                  [Google Benchmark flags, e.g. --benchmark_filter=rgb_u8/2x]
//
// For every (data, scale, method, threads) it times our operator and the matching cv::resize
// (INTER_NEAREST / INTER_LINEAR / INTER_CUBIC; unpooling is compared with INTER_NEAREST, which
// produces the same-size output), each thread count set on both libraries per benchmark. Before
// timing a case it checks that the two agree (nearest identical, bilinear and bicubic within 1 LSB
// on uint8) and prints a warning if not. At the start and the end it measures the streaming copy
// bandwidth of the machine; bound = (input bytes + output bytes) / copy bandwidth (the best copy,
// and again with ordinary stores only). The end of the run prints a Markdown table with each row's
// speed goal and verdict (bench/goals.h) and a per-goal summary, and writes a CSV.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/core/utility.hpp>

#include "bandwidth.h"
#include "bench_common.h"
#include "cases.h"
#include "goals.h"
#include "upsample/upsample.h"

#ifndef UPSAMPLE_BENCH_DEFAULT_CSV
#define UPSAMPLE_BENCH_DEFAULT_CSV "results.csv"
#endif

namespace upsample_bench {
namespace {

struct Config : CommonOptions {
  Config() {
    repetitions = 5;
    min_time = 0.2;
    csv = UPSAMPLE_BENCH_DEFAULT_CSV;
  }
};

struct Case {
  std::string name;
  int data, scale, threads;
  Method method;
  Impl impl;
};

Config g_config;
std::vector<Case> g_cases;
// Copy bandwidth (GB/s) per thread count, used for the x_bound counter while running.
std::map<int, double> g_copy_gbs;

struct Verdict {
  bool ok = true;
  std::string line;
};
std::map<std::string, Verdict> g_verdicts;  // key: data/scale/method

std::string verdict_key(int data, int scale, Method method) {
  return std::string(kData[data].name) + "/" + kScales[scale].name + "/" + method_name(method);
}

std::string case_name(Impl impl, Method method, int data, int scale, int threads) {
  std::string name = impl == Impl::kOurs
                         ? std::string("ours:") + method_name(method)
                         : std::string("opencv:") + opencv_interpolation_name(method);
  if (!name.empty() && name.back() == '*') name.pop_back();
  return name + "/" + kData[data].name + "/" + kScales[scale].name + "/t" + std::to_string(threads);
}

void run_case(benchmark::State& state, const Case& c) {
  Workspace& ws = workspace(c.data, c.scale);
  upsample::set_num_threads(c.threads);
  cv::setNumThreads(c.threads);

  if (c.impl == Impl::kOurs && g_config.verify) {
    const std::string key = verdict_key(c.data, c.scale, c.method);
    if (g_verdicts.find(key) == g_verdicts.end()) {
      Verdict v;
      v.line = verify(ws, c.method, &v.ok);
      std::printf("%s %s: %s\n", v.ok ? "verify" : "WARNING: verify", key.c_str(), v.line.c_str());
      std::fflush(stdout);
      g_verdicts[key] = v;
    }
  }

  std::string error;
  auto once = [&]() -> bool {
    if (c.impl == Impl::kOpenCV) {
      run_opencv(ws, c.method);
      return true;
    }
    const upsample::Status s = run_ours(ws, c.method);
    if (!s.ok()) error = s.message();
    return s.ok();
  };
  // One untimed call: thread pools started at this thread count, caches and TLBs warm.
  if (!once()) {
    state.SkipWithError(error.c_str());
    return;
  }
  for (auto _ : state) {
    once();
    benchmark::ClobberMemory();
  }
  const double bytes = double(ws.input_bytes() + ws.output_bytes());
  state.SetBytesProcessed(int64_t(bytes) * state.iterations());
  const auto bw = g_copy_gbs.find(c.threads);
  if (bw != g_copy_gbs.end() && bw->second > 0) {
    // time per iteration / bound: a rate of (bound seconds per iteration), inverted. Live view
    // only: it uses the bandwidth measured at the start; the table uses the best of start and end.
    state.counters["x_bound"] = benchmark::Counter(
        bytes / (bw->second * 1e9),
        benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
  }
}

void register_cases() {
  std::vector<int> scales = {0};
  for (int s = 1; s < kScaleCount && !g_config.quick; ++s) scales.push_back(s);
  // Thread counts are the outer loop, lowest first: Halide 14's thread pool keeps the workers it
  // has spawned, and halide_set_num_threads only bounds how many it spawns, so once a 2-thread
  // call has run, a later "1 thread" call still runs on 2 threads. Running every 1-thread case
  // before any 2-thread case keeps the 1-thread rows honest.
  for (int t : g_config.threads) {
    for (int d = 0; d < kDataCount; ++d) {
      for (int s : scales) {
        std::vector<std::pair<Impl, Method>> list = {{Impl::kOpenCV, Method::kNearest},
                                                     {Impl::kOurs, Method::kNearest}};
        if (kScales[s].factor > 0) {
          list.push_back({Impl::kOurs, Method::kUnpoolNearest});
          list.push_back({Impl::kOurs, Method::kBedOfNails});
        }
        list.push_back({Impl::kOpenCV, Method::kBilinear});
        list.push_back({Impl::kOurs, Method::kBilinear});
        list.push_back({Impl::kOpenCV, Method::kBicubic});
        list.push_back({Impl::kOurs, Method::kBicubic});
        for (const auto& [impl, method] : list) {
          g_cases.push_back({case_name(impl, method, d, s, t), d, s, t, method, impl});
        }
      }
    }
  }
  for (const Case& c : g_cases) {
    benchmark::RegisterBenchmark(c.name.c_str(), [c](benchmark::State& st) { run_case(st, c); })
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime()
        ->MinTime(g_config.min_time)
        ->Repetitions(g_config.repetitions)
        ->ComputeStatistics("min", [](const std::vector<double>& v) {
          return v.empty() ? 0.0 : *std::min_element(v.begin(), v.end());
        });
  }
}

// Collects every repetition's time while the console shows only the aggregates.
class Collector : public benchmark::ConsoleReporter {
 public:
  std::map<std::string, std::vector<double>> samples_ms;
  std::map<std::string, std::string> errors;

  void ReportRuns(const std::vector<Run>& runs) override {
    std::vector<Run> aggregates;
    for (const Run& r : runs) {
      if (r.run_type == Run::RT_Aggregate) aggregates.push_back(r);
    }
    ConsoleReporter::ReportRuns(aggregates.empty() ? runs : aggregates);
    for (const Run& r : runs) {
      const std::string& name = r.run_name.function_name;
      if (r.error_occurred) {
        errors[name] = r.error_message;
      } else if (r.run_type == Run::RT_Iteration) {
        // Real time per iteration in the benchmark's unit (milliseconds).
        samples_ms[name].push_back(r.GetAdjustedRealTime());
      }
    }
  }
};

std::string proc_field(const char* path, const char* key) {
  std::ifstream f(path);
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind(key, 0) == 0) {
      const size_t colon = line.find(':');
      std::string v = colon == std::string::npos ? line : line.substr(colon + 1);
      v.erase(0, v.find_first_not_of(" \t"));
      return v;
    }
  }
  return "?";
}

std::string opencv_parallel_framework() {
  std::istringstream info(cv::getBuildInformation());
  std::string line;
  while (std::getline(info, line)) {
    const size_t at = line.find("Parallel framework:");
    if (at != std::string::npos) {
      std::string v = line.substr(at + 19);
      v.erase(0, v.find_first_not_of(" \t"));
      return v;
    }
  }
  return "?";
}

struct Row {
  int data, scale, threads;
  Method method;
  double in_bytes, out_bytes;
  double ours_min, ours_median, cv_min, cv_median;
  double bound_ms, bound_ordinary_ms;  // with the best copy; with ordinary stores only
  double over_bound, over_ordinary;    // ours_min over each bound
  SpeedGoal goal;
  const char* verdict;  // goal_verdict of this row
  std::string ours_error, verify;
};

int usage(const char* argv0) {
  std::fprintf(
      stderr,
      "usage: %s [--quick] [--csv=PATH] [--table=PATH] [--repetitions=N] [--min-time=S]\n"
      "          [--threads=1,2] [--no-verify] [--bandwidth-mib=N] [--bandwidth-runs=N]\n"
      "          [--probe-cpu: print how many cores' worth of CPU 2 threads get, and exit]\n"
      "          [--streaming-threshold=BYTES: upsample::set_streaming_store_threshold (bytes of\n"
      "           input + output); \"off\" never streams]\n"
      "          [Google Benchmark flags, e.g. --benchmark_filter=REGEX]\n"
      "--quick (or UPSAMPLE_BENCH_QUICK=1): only the 2x cases, 1 repetition, 0.05 s.\n",
      argv0);
  return 2;
}

}  // namespace
}  // namespace upsample_bench

int main(int argc, char** argv) {
  using namespace upsample_bench;
  Config& cfg = g_config;
  if (const char* q = std::getenv("UPSAMPLE_BENCH_QUICK"); q != nullptr && q[0] && q[0] != '0') {
    cfg.quick = true;
  }
  std::vector<char*> rest = {argv[0]};
  for (int i = 1; i < argc; ++i) {
    std::string v;
    const FlagResult common = parse_common_flag(argv[i], &cfg);
    if (common == FlagResult::kExit0) return 0;
    if (common == FlagResult::kBad) return usage(argv[0]);
    if (common == FlagResult::kTaken) continue;
    if (parse_flag(argv[i], "--streaming-threshold", &v)) {
      char* end = nullptr;
      const unsigned long long bytes = v == "off" ? ~0ull : std::strtoull(v.c_str(), &end, 10);
      if (v != "off" && (v.empty() || *end != '\0')) {
        std::fprintf(stderr, "--streaming-threshold: '%s' is not a byte count or \"off\"\n",
                     v.c_str());
        return usage(argv[0]);
      }
      upsample::set_streaming_store_threshold(size_t(bytes));
    } else if (parse_flag(argv[i], "--help", &v) || parse_flag(argv[i], "-h", &v)) {
      usage(argv[0]);
      rest.push_back(argv[i]);  // and Google Benchmark's own help
    } else {
      rest.push_back(argv[i]);
    }
  }
  if (cfg.quick) {
    if (!cfg.repetitions_given) cfg.repetitions = 1;
    if (!cfg.min_time_given) cfg.min_time = 0.05;
  }
  int bargc = int(rest.size());
  rest.push_back(nullptr);
  benchmark::Initialize(&bargc, rest.data());
  if (benchmark::ReportUnrecognizedArguments(bargc, rest.data())) return usage(argv[0]);

  const std::string load_before = read_first_line("/proc/loadavg");
  const auto t_start = std::chrono::steady_clock::now();

  // Bandwidth, before the benchmarks (and again after them: the best of both is used).
  std::map<int, Bandwidth> bandwidth;
  std::map<int, std::vector<double>> speedups;  // parallel_speedup at the start and the end
  auto measure = [&](const char* when) {
    for (int t : cfg.threads) {
      Bandwidth b = measure_bandwidth(cfg.bandwidth_mib << 20, t, cfg.bandwidth_runs);
      std::printf(
          "bandwidth (%s, %d thread%s, %zu MiB buffers, best of %d): memcpy %.1f GB/s, copy loop "
          "%.1f GB/s, non-temporal copy loop %.1f GB/s (read+write); store loop %.1f GB/s, "
          "memset %.1f GB/s (write)\n",
          when, t, t == 1 ? "" : "s", cfg.bandwidth_mib, cfg.bandwidth_runs, b.memcpy_gbs,
          b.copy_loop_gbs, b.nt_copy_gbs, b.store_gbs, b.memset_gbs);
      Bandwidth& best = bandwidth[t];
      best = best_of(best, b);
      best.threads = t;
      g_copy_gbs[t] = best.copy_gbs();
      if (t > 1) {
        const double speedup = parallel_speedup(t, 5);
        std::printf("CPU available (%s): %d threads do %.2fx the work of 1 in the same time\n",
                    when, t, speedup);
        speedups[t].push_back(speedup);
      }
    }
    std::fflush(stdout);
  };
  measure("start");

  register_cases();
  Collector collector;
  benchmark::RunSpecifiedBenchmarks(&collector);

  measure("end");
  upsample::set_num_threads(0);
  cv::setNumThreads(-1);
  const std::string load_after = read_first_line("/proc/loadavg");
  const double minutes =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count() / 60.0;

  // One row per (data, scale, our method, threads), with the matching OpenCV time.
  std::vector<Row> rows;
  for (const Case& c : g_cases) {
    if (c.impl != Impl::kOurs) continue;
    const auto ours = collector.samples_ms.find(c.name);
    const auto err = collector.errors.find(c.name);
    if (ours == collector.samples_ms.end() && err == collector.errors.end()) continue;  // filtered
    Row r{};
    r.data = c.data;
    r.scale = c.scale;
    r.threads = c.threads;
    r.method = c.method;
    int64_t oh, ow;
    output_size(c.data, c.scale, &oh, &ow);
    const DataSpec& d = kData[c.data];
    const double elem = double(upsample::dtype_size(d.dtype));
    r.in_bytes = double(d.n * d.c * d.h * d.w) * elem;
    r.out_bytes = double(d.n * d.c * oh * ow) * elem;
    if (ours != collector.samples_ms.end()) {
      r.ours_min = min_of(ours->second);
      r.ours_median = median_of(ours->second);
    } else {
      r.ours_min = r.ours_median = NAN;
    }
    if (err != collector.errors.end()) r.ours_error = err->second;
    const auto cv =
        collector.samples_ms.find(case_name(Impl::kOpenCV, c.method, c.data, c.scale, c.threads));
    r.cv_min = cv == collector.samples_ms.end() ? NAN : min_of(cv->second);
    r.cv_median = cv == collector.samples_ms.end() ? NAN : median_of(cv->second);
    r.bound_ms = bound_ms(r.in_bytes + r.out_bytes, bandwidth[c.threads].copy_gbs());
    r.bound_ordinary_ms =
        bound_ms(r.in_bytes + r.out_bytes, bandwidth[c.threads].ordinary_copy_gbs());
    r.over_bound = r.ours_min / r.bound_ms;
    r.over_ordinary = r.ours_min / r.bound_ordinary_ms;
    r.goal = speed_goal(c.method, kScales[c.scale], d);
    r.verdict = goal_verdict(r.goal, r.over_bound, r.cv_min / r.ours_min);
    const auto v = g_verdicts.find(verdict_key(c.data, c.scale, c.method));
    r.verify = v == g_verdicts.end() ? "-" : (v->second.ok ? "ok" : "DIFFERS");
    rows.push_back(r);
  }
  // Nothing timed (--benchmark_list_tests, or a filter that matched none of ours): the last run's
  // CSV and table are left as they were.
  if (rows.empty()) {
    std::printf("no case of ours ran: %s and %s not written\n", cfg.csv.c_str(),
                cfg.table.empty() ? "no table" : cfg.table.c_str());
    return 0;
  }

  // Table order: data, scale, method, threads (the runs themselves went thread count first).
  std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    if (a.data != b.data) return a.data < b.data;
    if (a.scale != b.scale) return a.scale < b.scale;
    if (a.method != b.method) return int(a.method) < int(b.method);
    return a.threads < b.threads;
  });

  std::ostringstream out;
  out << "## upsample vs OpenCV " << CV_VERSION << " cv::resize, and vs the bandwidth bound\n\n";
  out << "- CPU: " << proc_field("/proc/cpuinfo", "model name") << ", "
      << std::thread::hardware_concurrency() << " logical CPUs; memory "
      << proc_field("/proc/meminfo", "MemTotal") << "\n";
  out << "- load average (1, 5, 15 min) before: " << load_before << "; after: " << load_after
      << " (other work may have been running; run took " << fmt("%.1f", minutes) << " min)\n";
  out << "- OpenCV parallel framework: " << opencv_parallel_framework()
      << "; threads set per benchmark with upsample::set_num_threads and cv::setNumThreads\n";
  out << "- times: best of " << cfg.repetitions
      << " repetition(s), each the mean over >= " << cfg.min_time
      << " s of calls (one untimed warm-up call first); CSV also has medians\n";
  for (const auto& [t, b] : bandwidth) {
    out << "- bandwidth, " << t << " thread" << (t == 1 ? "" : "s") << " (" << cfg.bandwidth_mib
        << " MiB buffers, best of " << 2 * cfg.bandwidth_runs << "): copy "
        << fmt("%.1f", b.copy_gbs()) << " GB/s read+write (memcpy " << fmt("%.1f", b.memcpy_gbs)
        << ", ordinary-store copy loop " << fmt("%.1f", b.copy_loop_gbs)
        << ", non-temporal-store copy loop " << fmt("%.1f", b.nt_copy_gbs) << "); store-only "
        << fmt("%.1f", std::max(b.store_gbs, b.memset_gbs)) << " GB/s\n";
  }
  for (const auto& [t, v] : speedups) {
    out << "- CPU available: " << t << " threads did";
    for (size_t i = 0; i < v.size(); ++i) out << (i ? " (start), " : " ") << fmt("%.2f", v[i]);
    out << (v.size() > 1 ? " (end)" : "") << " times the work of 1 thread in the same time (" << t
        << ".00 on an idle machine; near 1.00 means the " << t
        << "-thread rows measure contention, not scaling)\n";
  }
  out << "- bound = (input bytes + output bytes) / copy bandwidth at that thread count; "
         "x bound = time / bound (1.0 = as fast as a streaming copy of the same bytes); "
         "x ordinary = time / the bound with the ordinary-store copy loop's bandwidth (what a "
         "kernel without non-temporal stores can reach; of ours unpooling, nearest, "
         "and bilinear and bicubic at 2x, 4x, 1.5x and 2.5x stream, for aligned outputs of calls "
         "moving (input + output) "
      << fmt("%.1f", double(upsample::streaming_store_threshold()) / (1 << 20))
      << " MiB and more: upsample/streaming.h)\n";
  out << "- goal: the row's speed goal (bench/goals.h); verdict: met or MISS against x bound (and "
         "OpenCV)\n";
  out << "- OpenCV on NCHW: one cv::resize per 256x256 plane (64 calls), as a user would; "
         "unpool rows (*) are compared with INTER_NEAREST, which has the same output\n\n";
  out << "| data | scale | method | thr | ours ms | OpenCV ms | OpenCV flag | ours/OpenCV | "
         "bound ms | ours x bound | ours x ordinary | OpenCV x bound | goal | verdict | check |\n";
  out << "|---|---|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---|---|---|\n";
  for (const Row& r : rows) {
    out << "| " << kData[r.data].name << " | " << kScales[r.scale].name << " | "
        << method_name(r.method) << " | " << r.threads << " | "
        << (r.ours_error.empty() ? fmt("%.3f", r.ours_min) : "error") << " | "
        << fmt("%.3f", r.cv_min) << " | " << opencv_interpolation_name(r.method) << " | "
        << fmt("%.2f", r.ours_min / r.cv_min) << " | " << fmt("%.3f", r.bound_ms) << " | "
        << fmt("%.2f", r.over_bound) << " | " << fmt("%.2f", r.over_ordinary) << " | "
        << fmt("%.2f", r.cv_min / r.bound_ms) << " | " << (r.goal.defined ? r.goal.text : "-")
        << " | " << r.verdict << " | " << r.verify << " |\n";
  }

  // Summary: rows slower than OpenCV, and how far each goal is.
  std::vector<std::string> slower;
  GoalTally tally;
  for (const Row& r : rows) {
    const std::string id = std::string(kData[r.data].name) + " " + kScales[r.scale].name + " " +
                           method_name(r.method) + " t" + std::to_string(r.threads);
    const double vs_cv = r.ours_min / r.cv_min;
    if (!(vs_cv < 1.0) && !std::isnan(r.cv_min))
      slower.push_back(id + " (" + fmt("%.2f", vs_cv) + ")");
    tally.add(r.goal, r.over_bound, r.over_ordinary, r.cv_min / r.ours_min);
  }
  out << "\nNot faster than OpenCV (ours/OpenCV >= 1): " << slower.size() << " of " << rows.size()
      << " rows";
  for (size_t i = 0; i < slower.size(); ++i) out << (i ? ", " : ": ") << slower[i];
  out << "\n\nSpeed goals (the verdict column, per goal):\n" << tally.summary();
  size_t warnings = 0;
  for (const auto& [key, v] : g_verdicts) warnings += v.ok ? 0 : 1;
  if (!g_verdicts.empty()) {
    out << "\nAgreement checks (before timing):\n";
    for (const auto& [key, v] : g_verdicts) {
      out << "- " << (v.ok ? "" : "WARNING: ") << key << ": " << v.line << "\n";
    }
  }

  std::printf("\n%s", out.str().c_str());
  if (warnings) std::printf("WARNING: %zu agreement check(s) failed; see above\n", warnings);
  if (!cfg.table.empty()) {
    std::ofstream t(cfg.table);
    t << out.str();
  }

  if (!cfg.csv.empty()) {
    std::ofstream csv(cfg.csv);
    if (!csv) {
      std::fprintf(stderr, "cannot write %s\n", cfg.csv.c_str());
    } else {
      csv << "data,layout,dtype,shape_nchw,scale,method,opencv_flag,threads,input_bytes,"
             "output_bytes,ours_ms_min,ours_ms_median,opencv_ms_min,opencv_ms_median,"
             "ours_over_opencv,copy_gbs,bound_ms,ours_over_bound,opencv_over_bound,check,"
             "ordinary_copy_gbs,ordinary_bound_ms,ours_over_ordinary_bound,goal,goal_verdict\n";
      for (const Row& r : rows) {
        const DataSpec& d = kData[r.data];
        std::string flag = opencv_interpolation_name(r.method);
        char buf[1024];
        std::snprintf(buf, sizeof(buf),
                      "%s,%s,%s,%lldx%lldx%lldx%lld,%g,%s,%s,%d,%.0f,%.0f,%.4f,%.4f,%.4f,%.4f,%.4f,"
                      "%.2f,%.4f,%.4f,%.4f,%s,%.2f,%.4f,%.4f,%s,%s\n",
                      d.name, upsample::layout_name(d.layout), upsample::dtype_name(d.dtype),
                      (long long)d.n, (long long)d.c, (long long)d.h, (long long)d.w,
                      kScales[r.scale].scale, method_name(r.method), flag.c_str(), r.threads,
                      r.in_bytes, r.out_bytes, r.ours_min, r.ours_median, r.cv_min, r.cv_median,
                      r.ours_min / r.cv_min, bandwidth[r.threads].copy_gbs(), r.bound_ms,
                      r.over_bound, r.cv_min / r.bound_ms, r.verify.c_str(),
                      bandwidth[r.threads].ordinary_copy_gbs(), r.bound_ordinary_ms,
                      r.over_ordinary, r.goal.defined ? r.goal.text.c_str() : "-", r.verdict);
        csv << buf;
      }
      std::printf("CSV written to %s\n", cfg.csv.c_str());
    }
  }
  benchmark::Shutdown();
  return 0;
}
