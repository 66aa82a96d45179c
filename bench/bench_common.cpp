#include "bench_common.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "bandwidth.h"

namespace upsample_bench {

bool parse_flag(const char* arg, const char* name, std::string* value) {
  const size_t n = std::strlen(name);
  if (std::strncmp(arg, name, n) != 0) return false;
  if (arg[n] == '\0') {
    value->clear();
    return true;
  }
  if (arg[n] != '=') return false;
  *value = arg + n + 1;
  return true;
}

FlagResult parse_common_flag(const char* arg, CommonOptions* options) {
  std::string v;
  if (parse_flag(arg, "--quick", &v)) {
    options->quick = true;
  } else if (parse_flag(arg, "--probe-cpu", &v)) {
    // Only how much CPU is free right now (see parallel_speedup); for scripts that wait for a
    // quiet machine before a timed run.
    std::printf("%.2f\n", parallel_speedup(2, 3));
    return FlagResult::kExit0;
  } else if (parse_flag(arg, "--no-verify", &v)) {
    options->verify = false;
  } else if (parse_flag(arg, "--csv", &v)) {
    options->csv = v;
  } else if (parse_flag(arg, "--table", &v)) {
    options->table = v;
  } else if (parse_flag(arg, "--repetitions", &v)) {
    options->repetitions = std::max(1, std::atoi(v.c_str()));
    options->repetitions_given = true;
  } else if (parse_flag(arg, "--min-time", &v)) {
    options->min_time = std::max(0.001, std::atof(v.c_str()));
    options->min_time_given = true;
  } else if (parse_flag(arg, "--threads", &v)) {
    options->threads.clear();
    std::istringstream list(v);
    std::string item;
    while (std::getline(list, item, ',')) {
      if (std::atoi(item.c_str()) > 0) options->threads.push_back(std::atoi(item.c_str()));
    }
    if (options->threads.empty()) return FlagResult::kBad;
    std::sort(options->threads.begin(), options->threads.end());
    options->threads.erase(std::unique(options->threads.begin(), options->threads.end()),
                           options->threads.end());
  } else if (parse_flag(arg, "--bandwidth-mib", &v)) {
    options->bandwidth_mib = size_t(std::max(16, std::atoi(v.c_str())));
  } else if (parse_flag(arg, "--bandwidth-runs", &v)) {
    options->bandwidth_runs = std::max(1, std::atoi(v.c_str()));
  } else {
    return FlagResult::kNotCommon;
  }
  return FlagResult::kTaken;
}

double min_of(const std::vector<double>& v) {
  return v.empty() ? NAN : *std::min_element(v.begin(), v.end());
}

double median_of(std::vector<double> v) {
  if (v.empty()) return NAN;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

std::string fmt(const char* format, double v) {
  if (std::isnan(v)) return "-";
  char buf[64];
  std::snprintf(buf, sizeof(buf), format, v);
  return buf;
}

std::string read_first_line(const char* path) {
  std::ifstream f(path);
  std::string line;
  std::getline(f, line);
  return line;
}

}  // namespace upsample_bench
