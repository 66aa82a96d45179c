// Builds a candidate schedule of one variant (the build's generator executable, then the target's
// C++ compiler to link it with tune_driver.cpp) and runs it where the user says: directly, or
// through a runner command (qemu-user, adb, ssh, ...).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tune_problems.h"

namespace upsample_tune {

struct Toolchain {
  std::string generator;       // the build's upsample_generators executable
  std::string halide_target;   // e.g. x86-64-linux-avx-avx2-f16c-fma-sse41
  std::string cxx;             // the target's C++ compiler
  std::string halide_include;  // HalideRuntime.h's directory
  std::string source_dir;      // this repository (tools/tune/, bench/)
  // How to run the driver, with {exe} (its absolute path), {dir} (the directory with its case
  // and input files, also the working directory) and {args}; e.g.
  // "qemu-aarch64 -L /usr/aarch64-linux-gnu {exe} {args}".
  std::string runner = "{exe} {args}";
  bool timing = true;  // false: correctness only (emulators)
  int threads = 1;
  int repetitions = 5;
  double min_time = 0.1;
};

struct Measurement {
  enum Status { kOk, kBuildFailed, kRunFailed, kWrong } status = kRunFailed;
  std::string message;                // the error, or what the check compared
  double best_ms = 0, median_ms = 0;  // timing runs only
};

const char* to_string(Measurement::Status status);

class CandidateRunner {
 public:
  CandidateRunner(Toolchain toolchain, std::string work_dir);

  // Compiles the driver once; false (with the compiler's message) where it cannot.
  bool prepare(std::string* error);

  // Writes the problems' case and input files: the timed one to the variant's directory, each
  // check to a directory of its own inside it (check0, check1, ...).
  void set_problems(const Variant& variant, const ProblemSet& problems);

  // Generates and links one candidate of the current variant, runs and checks it on every check
  // problem, then runs, checks and times it on the timed problem.
  Measurement measure(const Variant& variant, const std::map<std::string, std::string>& tunables,
                      const ProblemSet& problems);

  // The copy bandwidth (bytes read + written per second, GB/s) the driver measures on the
  // target; nullopt where it cannot run.
  std::optional<double> copy_bandwidth_gbs(std::string* error);

  const Toolchain& toolchain() const { return toolchain_; }

 private:
  int run_on_target(const std::string& exe, const std::string& dir, const std::string& args,
                    std::string* output);
  // Runs `exe` on the problem in `dir` (timed or not) and checks its output; kOk or the failure.
  Measurement run_and_check(const std::string& exe, const std::string& dir, const Problem& problem,
                            bool timed);

  Toolchain toolchain_;
  std::string work_dir_, variant_dir_, driver_objects_;
  std::string last_driver_;  // the most recently linked driver (any can measure bandwidth)
};

// Runs `command` with /bin/sh, output and errors captured together; the exit status.
int run_shell(const std::string& command, std::string* output);

// `text` quoted for /bin/sh.
std::string shell_quote(const std::string& text);

// A stable 64-bit hash (FNV-1a) as 16 hex digits: candidate directory names.
std::string stable_hash(const std::string& text);

}  // namespace upsample_tune
