// upsample-tune: searches the schedule parameters of the library's operator variants for one
// target on a representative shape, tries Halide 14's autoschedulers beside them, checks every
// candidate against the plain-C++ oracles before it may win, and writes the winners to a file in
// schedules/tuned/ that the AOT build reads. docs/tuning.md is the user's guide.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <regex>
#include <sstream>
#include <thread>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "tune_problems.h"
#include "tune_runner.h"

namespace {

using nlohmann::json;
using upsample_tune::CandidateRunner;
using upsample_tune::Measurement;
using upsample_tune::Problem;
using upsample_tune::Toolchain;
using upsample_tune::Variant;
namespace fs = std::filesystem;

using Params = std::map<std::string, std::string>;

// Named targets: the instruction sets of the shipped multi-target lists (cmake/UpsampleTargets).
const std::map<std::string, std::string> kTargetPresets = {
    {"x86-64-avx512",
     "x86-64-linux-avx-avx2-avx512-avx512_skylake-avx512_cannonlake-f16c-fma-sse41"},
    {"x86-64-avx512_skylake", "x86-64-linux-avx-avx2-avx512-avx512_skylake-f16c-fma-sse41"},
    {"x86-64-avx2", "x86-64-linux-avx-avx2-f16c-fma-sse41"},
    {"x86-64-sse41", "x86-64-linux-sse41"},
    {"x86-64", "x86-64-linux"},
    {"aarch64-dotprod", "arm-64-linux-arm_dot_prod-arm_fp16"},
    {"aarch64", "arm-64-linux"},
    {"armv7", "arm-32-linux"},
};

// The variants the benchmarks run (bench/cases.cpp): 1080p RGB uint8 and float32 pixels and the
// 64-channel NCHW float32 map, at 2x, 4x and 1.5x; unpooling; pixel shuffle.
const char* kDefaultVariants =
    "^resize_(nearest_u8_packed3|nearest_u32_(packed3|planar)|nearest_x3d2_u8_packed3|"
    "linear16_x[24]d1_uint8_packed3|linear12_x3d2_uint8_packed3|"
    "(linear|cubic)_x(2d1|4d1|3d2)_float32_(packed3|planar)|cubic_x(2d1|4d1|3d2)_uint8_packed3)$|"
    "^unpool_(nearest|bed_of_nails)_(u8_packed3|u32_packed3|u32_planar)$|"
    "^shuffle_to_space_x[02]_u32_planar$";

struct Options {
  std::string build_dir = "build";
  std::string target = "x86-64-avx512";
  std::string variants = kDefaultVariants;
  std::string runner = "{exe} {args}";
  std::string cxx;
  std::string out;
  std::string cache;
  std::string report;
  std::string work_dir;
  std::vector<std::string> autoschedulers = {"Mullapudi2016", "Adams2019", "Li2018"};
  double budget_s = 600;
  uint64_t seed = 1;
  int threads = 0;
  int max_candidates = 20;
  double min_gain = 0.03;
  double size_scale = 1.0;
  bool correctness_only = false;
  bool list = false;
};

std::string halide_target_of(const std::string& target) {
  auto it = kTargetPresets.find(target);
  return it == kTargetPresets.end() ? target : it->second;
}

std::vector<Variant> read_manifest(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    throw std::runtime_error("cannot read " + path +
                             " (configure and build the library first: it lists the variants)");
  }
  json manifest = json::parse(in, nullptr, false);
  if (manifest.is_discarded() || !manifest.contains("variants")) {
    throw std::runtime_error(path + " is not a variant manifest");
  }
  std::vector<Variant> variants;
  for (const json& entry : manifest["variants"]) {
    Variant v;
    v.name = entry.at("name").get<std::string>();
    v.generator = entry.at("generator").get<std::string>();
    for (const json& p : entry.at("params")) {
      const std::string text = p.get<std::string>();
      const size_t eq = text.find('=');
      if (eq != std::string::npos) v.params[text.substr(0, eq)] = text.substr(eq + 1);
    }
    variants.push_back(std::move(v));
  }
  return variants;
}

std::string params_text(const Params& params) {
  if (params.empty()) return "hand schedule";
  std::string text;
  for (const auto& [name, value] : params) text += (text.empty() ? "" : " ") + name + "=" + value;
  return text;
}

// Results of earlier runs, keyed by everything that decides a measurement; saved after each
// candidate, so an interrupted run resumes where it stopped.
class Cache {
 public:
  explicit Cache(std::string path) : path_(std::move(path)) {
    std::ifstream in(path_);
    if (in) {
      data_ = json::parse(in, nullptr, false);
      if (data_.is_discarded() || !data_.is_object()) {
        throw std::runtime_error(path_ + " is not a tuning cache (delete it to start afresh)");
      }
    }
  }
  const json* find(const std::string& key) const {
    auto it = data_.find(key);
    return it == data_.end() ? nullptr : &*it;
  }
  void put(const std::string& key, const Measurement& m) {
    data_[key] = {{"status", upsample_tune::to_string(m.status)},
                  {"message", m.message},
                  {"best_ms", m.best_ms},
                  {"median_ms", m.median_ms}};
    const std::string temp = path_ + ".tmp";
    std::ofstream(temp) << data_.dump(1) << "\n";
    fs::rename(temp, path_);
  }

 private:
  std::string path_;
  json data_ = json::object();
};

Measurement from_cache(const json& entry) {
  Measurement m;
  const std::string status = entry.value("status", "");
  m.status = status == "ok"             ? Measurement::kOk
             : status == "build failed" ? Measurement::kBuildFailed
             : status == "wrong output" ? Measurement::kWrong
                                        : Measurement::kRunFailed;
  m.message = entry.value("message", "");
  m.best_ms = entry.value("best_ms", 0.0);
  m.median_ms = entry.value("median_ms", 0.0);
  return m;
}

// One line that rewrites itself on a terminal (a line per candidate otherwise, e.g. in CI logs).
class Progress {
 public:
  Progress(double budget_s, int total_variants)
      : start_(std::chrono::steady_clock::now()),
        budget_s_(budget_s),
        total_(total_variants),
        tty_(isatty(STDERR_FILENO) != 0) {}
  double elapsed() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }
  void show(int variant_index, const std::string& variant, int candidates, double best_ms,
            double bound_ms, const std::string& last) {
    const int width = 24;
    const int filled = std::min(width, int(width * elapsed() / std::max(1.0, budget_s_)));
    std::string bar = std::string(size_t(filled), '#') + std::string(size_t(width - filled), '.');
    char line[512];
    if (best_ms > 0 && bound_ms > 0) {
      std::snprintf(line, sizeof line,
                    "[%s] %3.0f/%.0fs variant %d/%d %s: %d tried, best %.3f ms "
                    "(%.2fx bound) | %s",
                    bar.c_str(), elapsed(), budget_s_, variant_index + 1, total_, variant.c_str(),
                    candidates, best_ms, best_ms / bound_ms, last.c_str());
    } else {
      std::snprintf(line, sizeof line, "[%s] %3.0f/%.0fs variant %d/%d %s: %d tried | %s",
                    bar.c_str(), elapsed(), budget_s_, variant_index + 1, total_, variant.c_str(),
                    candidates, last.c_str());
    }
    if (tty_) {
      std::fprintf(stderr, "\r\033[K%s", line);
    } else {
      std::fprintf(stderr, "%s\n", line);
    }
    std::fflush(stderr);
  }
  void done() {
    if (tty_) std::fprintf(stderr, "\n");
  }

 private:
  std::chrono::steady_clock::time_point start_;
  double budget_s_;
  int total_;
  bool tty_;
};

struct Row {
  std::string variant, shape;
  double bound_ms = 0;
  double flops = 0;  // compute-bound problems: cells give GFLOP/s instead of the bound
  Measurement hand;
  std::map<std::string, Measurement> autoschedulers;
  Params best_params;
  Measurement best;
  int candidates = 0;
  bool tuned = false;  // a candidate beat the hand schedule by min_gain
};

std::string cell(const Measurement& m, double bound_ms, bool timing, double flops = 0) {
  if (m.status != Measurement::kOk) return upsample_tune::to_string(m.status);
  if (!timing) return "ok";
  char text[64];
  if (flops > 0) {
    std::snprintf(text, sizeof text, "%.3f (%.1f GFLOP/s)", m.best_ms, flops / (m.best_ms * 1e6));
  } else if (bound_ms > 0) {
    std::snprintf(text, sizeof text, "%.3f (%.2fx)", m.best_ms, m.best_ms / bound_ms);
  } else {
    std::snprintf(text, sizeof text, "%.3f", m.best_ms);
  }
  return text;
}

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  }
  return "unknown";
}

int run(const Options& o, const std::string& command_line) {
  const std::string manifest_path = o.build_dir + "/generators/upsample_variants.json";
  std::vector<Variant> all = read_manifest(manifest_path);
  std::regex pattern(o.variants);
  std::vector<Variant> selected;
  for (const Variant& v : all) {
    if (std::regex_search(v.name, pattern)) selected.push_back(v);
  }
  if (o.list) {
    for (const Variant& v : selected) {
      std::string why;
      const bool runnable = upsample_tune::make_problems(v, 0.05, 1, &why).has_value();
      std::printf("%-44s %s\n", v.name.c_str(),
                  runnable ? "" : ("(not tunable: " + why + ")").c_str());
    }
    return 0;
  }
  if (selected.empty()) {
    std::fprintf(stderr, "upsample-tune: no variant of %s matches '%s' (see --list)\n",
                 manifest_path.c_str(), o.variants.c_str());
    return 2;
  }

  const std::string target = halide_target_of(o.target);
  const std::string target_name = kTargetPresets.count(o.target) ? o.target : "custom";
  Toolchain toolchain;
  toolchain.generator = fs::absolute(o.build_dir + "/generators/upsample_generators").string();
  toolchain.halide_target = target;
  toolchain.halide_include = UPSAMPLE_HALIDE_INCLUDE_DIR;
  toolchain.source_dir = UPSAMPLE_SOURCE_DIR;
  toolchain.runner = o.runner;
  toolchain.timing = !o.correctness_only;
  toolchain.threads =
      o.threads > 0 ? o.threads : int(std::max(1u, std::thread::hardware_concurrency()));
  toolchain.cxx = !o.cxx.empty()                   ? o.cxx
                  : target.rfind("arm-64", 0) == 0 ? "aarch64-linux-gnu-g++"
                  : target.rfind("arm-32", 0) == 0 ? "arm-linux-gnueabihf-g++"
                                                   : "c++";
  // Absolute: candidates run in their own directories.
  const std::string work_dir =
      fs::absolute(!o.work_dir.empty() ? o.work_dir : o.build_dir + "/tune/" + target_name)
          .string();
  CandidateRunner runner(toolchain, work_dir);
  std::string error;
  if (!runner.prepare(&error)) {
    std::fprintf(stderr, "upsample-tune: %s\n", error.c_str());
    return 1;
  }
  Cache cache(!o.cache.empty() ? o.cache : work_dir + "/cache.json");
  // A rebuilt generator (a changed schedule or algorithm) invalidates what was measured with it.
  std::string generator_id;
  {
    std::ifstream in(toolchain.generator, std::ios::binary);
    if (!in) throw std::runtime_error("no generator at " + toolchain.generator + " (build first)");
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    generator_id = upsample_tune::stable_hash(bytes);
  }
  Progress progress(o.budget_s, int(selected.size()));
  std::printf("upsample-tune: %zu variants for %s (%s), %d thread%s, budget %.0f s, seed %llu%s\n",
              selected.size(), target_name.c_str(), target.c_str(), toolchain.threads,
              toolchain.threads == 1 ? "" : "s", o.budget_s,
              static_cast<unsigned long long>(o.seed),
              o.correctness_only ? ", correctness only (no timings)" : "");
  std::fflush(stdout);

  double copy_gbs = 0;
  int measured = 0, from_cache_count = 0;
  std::vector<Row> rows;
  for (size_t index = 0; index < selected.size(); index++) {
    const Variant& variant = selected[index];
    std::string why_not;
    const std::optional<upsample_tune::ProblemSet> problems =
        upsample_tune::make_problems(variant, o.size_scale, o.seed, &why_not);
    if (!problems) {
      std::printf("skipped %s: %s\n", variant.name.c_str(), why_not.c_str());
      continue;
    }
    runner.set_problems(variant, *problems);
    const Problem* problem = &problems->timed;
    Row row;
    row.variant = variant.name;
    row.shape = problem->shape;
    row.flops = problem->flops;
    const double variant_budget =
        (o.budget_s - progress.elapsed()) / double(selected.size() - index);
    const double variant_start = progress.elapsed();
    auto evaluate = [&](const Params& params) -> Measurement {
      std::string key =
          generator_id + "|" + target + "|" + variant.name + "|" + problem->shape +
          "|threads=" + std::to_string(toolchain.threads) + "|seed=" + std::to_string(o.seed) +
          (o.correctness_only ? "|check" : "|timed") +
          "|checks=" + std::to_string(problems->checks.size()) + "|" + params_text(params);
      Measurement m;
      if (const json* hit = cache.find(key)) {
        m = from_cache(*hit);
        from_cache_count++;
      } else {
        m = runner.measure(variant, params, *problems);
        cache.put(key, m);
        measured++;
      }
      row.candidates++;
      if (copy_gbs == 0 && m.status == Measurement::kOk && toolchain.timing) {
        std::string bw_error;
        copy_gbs = runner.copy_bandwidth_gbs(&bw_error).value_or(0.0);
        if (copy_gbs == 0) std::fprintf(stderr, "bandwidth not measured: %s\n", bw_error.c_str());
      }
      if (copy_gbs > 0 && row.flops == 0) {
        row.bound_ms = double(problem->input_bytes + problem->output_bytes) / (copy_gbs * 1e6);
      }
      const bool better = m.status == Measurement::kOk &&
                          (row.best.status != Measurement::kOk || m.best_ms < row.best.best_ms);
      if (better) {
        row.best = m;
        row.best_params = params;
      }
      progress.show(int(index), variant.name, row.candidates,
                    row.best.status == Measurement::kOk ? row.best.best_ms : 0, row.bound_ms,
                    params_text(params) + ": " +
                        (m.status == Measurement::kOk && toolchain.timing
                             ? std::to_string(m.best_ms) + " ms"
                             : upsample_tune::to_string(m.status)));
      if (m.status != Measurement::kOk) {
        std::fprintf(stderr, "\n  %s [%s]: %s\n", variant.name.c_str(), params_text(params).c_str(),
                     m.message.c_str());
      }
      return m;
    };
    auto budget_left = [&] {
      return progress.elapsed() - variant_start < variant_budget &&
             row.candidates < o.max_candidates && progress.elapsed() < o.budget_s;
    };

    row.hand = evaluate({});
    for (const std::string& name : o.autoschedulers) {
      row.autoschedulers[name] = evaluate({{"autoscheduler", name}});
    }
    // Coordinate descent from the hand schedule, one parameter at a time in a seeded order,
    // then random points of the space while the variant's share of the budget lasts.
    std::mt19937_64 random(o.seed ^ std::hash<std::string>{}(variant.name));
    std::vector<upsample_tune::Tunable> space = upsample_tune::tunables_of(variant);
    std::shuffle(space.begin(), space.end(), random);
    Params current;
    double current_ms = row.hand.status == Measurement::kOk ? row.hand.best_ms : 1e300;
    for (upsample_tune::Tunable& tunable : space) {
      std::shuffle(tunable.values.begin(), tunable.values.end(), random);
      for (const std::string& value : tunable.values) {
        if (!budget_left()) break;
        Params trial = current;
        trial[tunable.name] = value;
        if (trial == current) continue;
        const Measurement m = evaluate(trial);
        if (m.status == Measurement::kOk && m.best_ms < current_ms) {
          current = trial;
          current_ms = m.best_ms;
        }
      }
    }
    while (!space.empty() && budget_left()) {
      Params trial;
      for (const upsample_tune::Tunable& tunable : space) {
        trial[tunable.name] = tunable.values[random() % tunable.values.size()];
      }
      evaluate(trial);
    }
    // A candidate replaces the hand schedule only when it is clearly faster, so noise does not
    // decide what ships.
    row.tuned = toolchain.timing && row.best.status == Measurement::kOk &&
                !row.best_params.empty() &&
                (row.hand.status != Measurement::kOk ||
                 row.best.best_ms < row.hand.best_ms * (1.0 - o.min_gain));
    rows.push_back(row);
  }
  progress.done();
  std::printf("%d candidates measured, %d taken from the cache, in %.0f s\n", measured,
              from_cache_count, progress.elapsed());

  // The report.
  std::ostringstream table;
  table << "## upsample-tune: " << target_name << " (" << target << ")\n\n"
        << "- machine: " << cpu_model() << ", " << toolchain.threads << " thread"
        << (toolchain.threads == 1 ? "" : "s") << "; seed " << o.seed << "; budget " << o.budget_s
        << " s\n";
  if (toolchain.timing) {
    char bw[128];
    std::snprintf(bw, sizeof bw, "%.1f", copy_gbs);
    table << "- times: best of " << toolchain.repetitions
          << " samples, each the mean over >= " << toolchain.min_time
          << " s of calls; bound = (input + output bytes) / copy bandwidth " << bw
          << " GB/s (read + write, best of memcpy, a copy loop and a non-temporal copy loop, "
          << "measured by the driver in this run); (x) = time / bound; convolutions, which are "
          << "bound by arithmetic, give GFLOP/s (useful FLOPs: 2 per multiply-add) instead\n";
  } else {
    table << "- correctness only (no timings): each candidate was built for the target, run "
             "through the runner and checked against tests/reference\n";
  }
  table << "- every candidate's output was checked against tests/reference on the timed shape "
           "and on small check problems (odd sizes, two images, the variant's other ratios or "
           "factors) before it could win; a tuned schedule must beat the hand one by "
        << int(o.min_gain * 100) << "% to replace it\n\n";
  table << "| variant | shape | bound ms | hand ms |";
  for (const std::string& name : o.autoschedulers) table << " " << name << " |";
  table << " tuned ms | tuned parameters | candidates |\n|---|---|---:|---:|";
  for (size_t i = 0; i < o.autoschedulers.size(); i++) table << "---:|";
  table << "---:|---|---:|\n";
  char bound[32];
  for (const Row& row : rows) {
    std::snprintf(bound, sizeof bound, "%.3f", row.bound_ms);
    table << "| " << row.variant << " | " << row.shape << " | " << (row.bound_ms > 0 ? bound : "-")
          << " | " << cell(row.hand, row.bound_ms, toolchain.timing, row.flops) << " |";
    for (const std::string& name : o.autoschedulers) {
      table << " " << cell(row.autoschedulers.at(name), row.bound_ms, toolchain.timing, row.flops)
            << " |";
    }
    table << " " << (row.tuned ? cell(row.best, row.bound_ms, true, row.flops) : "(hand)") << " | "
          << (row.tuned ? params_text(row.best_params) : "") << " | " << row.candidates << " |\n";
  }
  std::printf("\n%s", table.str().c_str());
  const std::string report = !o.report.empty() ? o.report : work_dir + "/report.md";
  std::ofstream(report) << table.str();
  std::printf("\nreport written to %s\n", report.c_str());

  if (!toolchain.timing) {
    std::printf("correctness only: no tuned file written\n");
  } else {
    // Merge into the tuned file: variants tuned in this run replace their entries.
    const std::string out = !o.out.empty() ? o.out
                                           : std::string(UPSAMPLE_SOURCE_DIR) +
                                                 "/schedules/tuned/" + target_name + ".json";
    // "runs" lists the command of every run that wrote the file; each entry names its run, so a
    // merged file keeps where each schedule came from.
    json document = {{"target", target}, {"variants", json::object()}, {"runs", json::array()}};
    if (std::ifstream in(out); in) {
      json existing = json::parse(in, nullptr, false);
      if (!existing.is_discarded() && existing.contains("variants")) {
        document["variants"] = existing["variants"];
        if (existing.contains("runs")) document["runs"] = existing["runs"];
      }
    }
    document["runs"].push_back(command_line);
    const int run = int(document["runs"].size()) - 1;
    document["tool"] = "upsample-tune";
    document["machine"] = cpu_model();
    document["threads"] = toolchain.threads;
    document["seed"] = o.seed;
    for (const Row& row : rows) {
      json params = json::object();
      if (row.tuned) {
        for (const auto& [name, value] : row.best_params) {
          const bool integer =
              !value.empty() && value.find_first_not_of("-0123456789") == std::string::npos;
          params[name] = integer ? json(std::stoi(value)) : json(value);
        }
      }
      json entry = {{"params", params},
                    {"shape", row.shape},
                    {"hand_ms", row.hand.best_ms},
                    {"tuned_ms", row.tuned ? row.best.best_ms : row.hand.best_ms},
                    {"bound_ms", row.bound_ms},
                    {"run", run}};
      if (row.flops > 0) entry["gflop"] = row.flops * 1e-9;
      document["variants"][row.variant] = entry;
    }
    fs::create_directories(fs::path(out).parent_path());
    std::ofstream(out) << document.dump(2) << "\n";
    std::printf("tuned schedules written to %s\n", out.c_str());
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{
      "upsample-tune: tunes the schedules of upsample's operator variants for one target and "
      "writes schedules/tuned/<target>.json, which the AOT build reads"};
  app.add_option("--build-dir", o.build_dir,
                 "a configured and built upsample build (its generator and variant manifest)")
      ->capture_default_str();
  std::string presets;
  for (const auto& [name, target] : kTargetPresets) presets += " " + name;
  app.add_option("--target", o.target, "a preset (" + presets + ") or a Halide target string")
      ->capture_default_str();
  app.add_option("--variants", o.variants, "regular expression over variant names (see --list)");
  app.add_flag("--list", o.list, "list the selected variants and exit");
  app.add_option("--budget", o.budget_s, "wall-time budget in seconds")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--seed", o.seed, "seed of the search order and of the test data")
      ->capture_default_str();
  app.add_option("--threads", o.threads, "threads the candidates run with (default: all cores)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--max-candidates", o.max_candidates, "candidates per variant at most")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--min-gain", o.min_gain,
                 "how much faster than the hand schedule a candidate must be to replace it")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 0.9));
  app.add_option("--size-scale", o.size_scale,
                 "scales the representative width and height (1: the benchmarks' shapes)")
      ->capture_default_str()
      ->check(CLI::Range(0.01, 4.0));
  app.add_option("--autoschedulers", o.autoschedulers,
                 "autoschedulers to try (Mullapudi2016 Adams2019 Li2018; 'none' for none)")
      ->capture_default_str();
  app.add_option("--runner", o.runner,
                 "how to run a candidate: {exe}, {dir} (the working directory, with the case "
                 "and input files) and {args} are replaced; e.g. \"qemu-aarch64 -L "
                 "/usr/aarch64-linux-gnu {exe} {args}\"")
      ->capture_default_str();
  app.add_option("--cxx", o.cxx, "the target's C++ compiler (default from the target)");
  app.add_flag("--correctness-only", o.correctness_only,
               "run and check candidates without timing them (emulators); writes no tuned file");
  app.add_option("--out", o.out, "the tuned file (default schedules/tuned/<target>.json)");
  app.add_option("--cache", o.cache, "the cache of measured candidates (resumes a run)");
  app.add_option("--report", o.report, "where the Markdown report goes");
  app.add_option("--work-dir", o.work_dir,
                 "where candidates are built (default BUILD/tune/<target>)");
  CLI11_PARSE(app, argc, argv);
  std::vector<std::string> autoschedulers;
  for (const std::string& name : o.autoschedulers) {
    if (name == "none") continue;
    if (name != "Mullapudi2016" && name != "Adams2019" && name != "Li2018") {
      std::fprintf(stderr, "upsample-tune: unknown autoscheduler %s\n", name.c_str());
      return 2;
    }
    autoschedulers.push_back(name);
  }
  o.autoschedulers = autoschedulers;
  std::string command_line = "upsample-tune";
  for (int i = 1; i < argc; i++) command_line += std::string(" ") + argv[i];
  try {
    return run(o, command_line);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "upsample-tune: %s\n", e.what());
    return 1;
  }
}
