#include "tune_runner.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace upsample_tune {

namespace fs = std::filesystem;

const char* to_string(Measurement::Status status) {
  switch (status) {
    case Measurement::kOk:
      return "ok";
    case Measurement::kBuildFailed:
      return "build failed";
    case Measurement::kRunFailed:
      return "run failed";
    case Measurement::kWrong:
      return "wrong output";
  }
  return "?";
}

int run_shell(const std::string& command, std::string* output) {
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return -1;
  char chunk[4096];
  size_t got;
  while ((got = fread(chunk, 1, sizeof chunk, pipe)) > 0) {
    if (output != nullptr) output->append(chunk, got);
  }
  const int status = pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status)
                           : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

std::string shell_quote(const std::string& text) {
  std::string quoted = "'";
  for (char ch : text) {
    if (ch == '\'') {
      quoted += "'\\''";
    } else {
      quoted += ch;
    }
  }
  return quoted + "'";
}

std::string stable_hash(const std::string& text) {
  uint64_t hash = 1469598103934665603ull;
  for (unsigned char ch : text) {
    hash ^= ch;
    hash *= 1099511628211ull;
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
  return hex;
}

namespace {

std::string last_lines(const std::string& text, int count) {
  size_t pos = text.size();
  for (int i = 0; i < count && pos > 0; i++) {
    pos = text.rfind('\n', pos - 1);
    if (pos == std::string::npos) return text;
  }
  return text.substr(pos + 1);
}

// The driver's JSON line: the last line of its output that parses as an object.
std::optional<nlohmann::json> driver_result(const std::string& output) {
  std::istringstream lines(output);
  std::string line;
  std::optional<nlohmann::json> result;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] != '{') continue;
    nlohmann::json parsed = nlohmann::json::parse(line, nullptr, false);
    if (!parsed.is_discarded() && parsed.is_object()) result = parsed;
  }
  return result;
}

// Half of the build host's memory, in KiB (at least 2 GiB).
long long generator_memory_limit_kib() {
  const long long pages = sysconf(_SC_PHYS_PAGES), page_size = sysconf(_SC_PAGESIZE);
  return std::max(2ll << 20, pages > 0 && page_size > 0 ? pages * page_size / 2048 : 0);
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (size_t pos = 0; (pos = text.find(from, pos)) != std::string::npos; pos += to.size()) {
    text.replace(pos, from.size(), to);
  }
  return text;
}

}  // namespace

CandidateRunner::CandidateRunner(Toolchain toolchain, std::string work_dir)
    : toolchain_(std::move(toolchain)), work_dir_(std::move(work_dir)) {}

bool CandidateRunner::prepare(std::string* error) {
  fs::create_directories(work_dir_);
  const std::string objects = work_dir_ + "/driver";
  fs::create_directories(objects);
  std::string output;
  for (const char* source : {"tools/tune/tune_driver.cpp", "bench/bandwidth.cpp"}) {
    const std::string object = objects + "/" + fs::path(source).stem().string() + ".o";
    const std::string command = shell_quote(toolchain_.cxx) + " -O2 -std=c++17 -c -I" +
                                shell_quote(toolchain_.halide_include) + " -I" +
                                shell_quote(toolchain_.source_dir + "/bench") + " " +
                                shell_quote(toolchain_.source_dir + "/" + source) + " -o " +
                                shell_quote(object);
    if (run_shell(command, &output) != 0) {
      *error = "compiling the driver failed: " + command + "\n" + last_lines(output, 20);
      return false;
    }
    driver_objects_ += " " + shell_quote(object);
  }
  return true;
}

namespace {

void write_problem(const std::string& dir, const Problem& problem) {
  fs::create_directories(dir);
  std::ofstream case_file(dir + "/case.txt");
  for (const std::string& line : problem.case_lines) case_file << line << "\n";
  for (const auto& [name, bytes] : problem.input_files) {
    std::ofstream out(dir + "/" + name, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes->data()), std::streamsize(bytes->size()));
  }
}

}  // namespace

void CandidateRunner::set_problems(const Variant& variant, const ProblemSet& problems) {
  variant_dir_ = work_dir_ + "/" + variant.name;
  write_problem(variant_dir_, problems.timed);
  for (size_t i = 0; i < problems.checks.size(); i++) {
    write_problem(variant_dir_ + "/check" + std::to_string(i), problems.checks[i]);
  }
}

int CandidateRunner::run_on_target(const std::string& exe, const std::string& dir,
                                   const std::string& args, std::string* output) {
  std::string command = toolchain_.runner;
  command = replace_all(command, "{exe}", shell_quote(exe));
  command = replace_all(command, "{dir}", shell_quote(dir));
  command = replace_all(command, "{args}", args);
  return run_shell("cd " + shell_quote(dir) + " && " + command, output);
}

Measurement CandidateRunner::measure(const Variant& variant,
                                     const std::map<std::string, std::string>& tunables,
                                     const ProblemSet& problems) {
  Measurement m;
  std::string params;
  for (const auto& [name, value] : variant.params) params += " " + shell_quote(name + "=" + value);
  for (const auto& [name, value] : tunables) params += " " + shell_quote(name + "=" + value);
  const std::string candidate_dir =
      variant_dir_ + "/" + stable_hash(toolchain_.halide_target + params);
  fs::create_directories(candidate_dir);
  std::string output;
  // The autoschedulers plan for the machine the candidate is timed on. The generator may use half
  // of the build host's memory: Adams2019 has been seen to take all of it for a convolution, and
  // the kernel's out-of-memory killer then picks any process.
  const std::string generate =
      "ulimit -v " + std::to_string(generator_memory_limit_kib()) + "; timeout 900 " +
      shell_quote(toolchain_.generator) + " -g " + shell_quote(variant.generator) +
      " -f upsample_tune_candidate -e static_library,c_header" + " -o " +
      shell_quote(candidate_dir) + " " + shell_quote("target=" + toolchain_.halide_target) +
      params + " autoscheduler_cores=" + std::to_string(toolchain_.threads);
  if (run_shell(generate, &output) != 0) {
    m.status = Measurement::kBuildFailed;
    m.message = last_lines(output, 3);
    if (output.find("bad_alloc") != std::string::npos) {
      m.message = "out of memory (the generator may use " +
                  std::to_string(generator_memory_limit_kib() >> 20) + " GiB): " + m.message;
    }
    return m;
  }
  const std::string exe = candidate_dir + "/tune_driver";
  const std::string link = shell_quote(toolchain_.cxx) + driver_objects_ + " " +
                           shell_quote(candidate_dir + "/upsample_tune_candidate.a") + " -o " +
                           shell_quote(exe) + " -lpthread -ldl";
  output.clear();
  if (run_shell(link, &output) != 0) {
    m.status = Measurement::kBuildFailed;
    m.message = "link: " + last_lines(output, 3);
    return m;
  }
  last_driver_ = exe;
  for (size_t i = 0; i < problems.checks.size(); i++) {
    Measurement check =
        run_and_check(exe, variant_dir_ + "/check" + std::to_string(i), problems.checks[i], false);
    if (check.status != Measurement::kOk) {
      check.message = problems.checks[i].shape + ": " + check.message;
      return check;
    }
  }
  return run_and_check(exe, variant_dir_, problems.timed, toolchain_.timing);
}

Measurement CandidateRunner::run_and_check(const std::string& exe, const std::string& dir,
                                           const Problem& problem, bool timed) {
  Measurement m;
  const std::string output_file = dir + "/output.bin";
  fs::remove(output_file);
  std::string args = "--case case.txt --output output.bin --threads " +
                     std::to_string(toolchain_.threads) + " --repetitions " +
                     std::to_string(toolchain_.repetitions) + " --min-time " +
                     std::to_string(toolchain_.min_time);
  if (!timed) args += " --no-time";
  std::string output;
  const int status = run_on_target(exe, dir, args, &output);
  const std::optional<nlohmann::json> result = driver_result(output);
  if (status != 0 || !result || !result->value("ok", false)) {
    m.status = Measurement::kRunFailed;
    m.message = result && result->contains("error") ? (*result)["error"].get<std::string>()
                                                    : last_lines(output, 3);
    return m;
  }
  std::ifstream in(output_file, std::ios::binary);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  const CheckResult check = problem.check(bytes);
  m.message = check.message;
  if (!check.ok) {
    m.status = Measurement::kWrong;
    return m;
  }
  m.status = Measurement::kOk;
  if (timed) {
    m.best_ms = result->value("best_ms", 0.0);
    m.median_ms = result->value("median_ms", 0.0);
  }
  return m;
}

std::optional<double> CandidateRunner::copy_bandwidth_gbs(std::string* error) {
  // Every driver can measure it (--bandwidth never calls the pipeline).
  if (last_driver_.empty()) {
    *error = "no driver was built";
    return std::nullopt;
  }
  std::string output;
  const int status =
      run_on_target(last_driver_, fs::path(last_driver_).parent_path().string(),
                    "--bandwidth 256 --threads " + std::to_string(toolchain_.threads), &output);
  const std::optional<nlohmann::json> result = driver_result(output);
  if (status == 0 && result && result->value("ok", false)) return result->value("copy_gbs", 0.0);
  *error = last_lines(output, 3);
  return std::nullopt;
}

}  // namespace upsample_tune
