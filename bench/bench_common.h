// What upsample_bench and upsample_conv_bench share: their common command-line flags, summary
// statistics and small formatting helpers.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace upsample_bench {

// The flags both benchmarks take; each benchmark's Config adds its own and sets its defaults.
struct CommonOptions {
  bool quick = false;
  bool verify = true;
  int repetitions = 3;
  double min_time = 0.2;
  std::vector<int> threads = {1, 2};
  size_t bandwidth_mib = 256;
  int bandwidth_runs = 5;
  std::string csv;
  std::string table;  // also write the Markdown table (with its header) here
  bool repetitions_given = false, min_time_given = false;
};

enum class FlagResult {
  kNotCommon,  // not one of the common flags: the benchmark's own, or Google Benchmark's
  kTaken,      // parsed into the options
  kExit0,      // handled completely (--probe-cpu printed its answer): exit with 0
  kBad,        // a common flag with a bad value: print the usage
};

// "--name" or "--name=value": true when `arg` is that flag, with the value (empty without '=').
bool parse_flag(const char* arg, const char* name, std::string* value);
FlagResult parse_common_flag(const char* arg, CommonOptions* options);

double min_of(const std::vector<double>& v);    // NaN when empty
double median_of(std::vector<double> v);        // NaN when empty
std::string fmt(const char* format, double v);  // "-" for NaN
std::string read_first_line(const char* path);  // empty when unreadable

}  // namespace upsample_bench
