// Per-call times for the programs that time without Google Benchmark (upsample_scaling_bench and
// the tuner's driver, which must build with nothing but a C++ compiler for any target).
#pragma once

#include <chrono>
#include <vector>

namespace upsample_bench {

// `samples` samples, each the mean time in seconds of one `call()` over at least `min_time`
// seconds of calls.
template <typename Call>
std::vector<double> mean_call_seconds(Call&& call, int samples, double min_time) {
  std::vector<double> result;
  for (int sample = 0; sample < samples; sample++) {
    int calls = 0;
    const auto start = std::chrono::steady_clock::now();
    double elapsed = 0;
    do {
      call();
      calls++;
      elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    } while (elapsed < min_time);
    result.push_back(elapsed / calls);
  }
  return result;
}

}  // namespace upsample_bench
