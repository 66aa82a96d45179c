// Where a schedule's tunable parameters come from when a library is generated: the generator's own
// GeneratorParams (the hand-picked values, or what upsample-tune is trying), overridden by the
// files in schedules/tuned/ that upsample-tune writes and the AOT build passes in (tuned_dir).
//
// A tuned file holds the parameters chosen for one Halide target:
//   {"target": "x86-64-linux-avx-avx2-f16c-fma-sse41",
//    "variants": {"resize_linear16_x2d1_uint8_packed3": {"params": {"rows_per_task": 4}, ...}}}
// Its entries apply where the generated target has the same architecture, OS and instruction-set
// features (bookkeeping features such as no_runtime or large_buffers are ignored), so in a
// multi-target library each target picks its own file.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "Halide.h"

namespace upsample::schedules {

class TunedParams {
 public:
  TunedParams() = default;
  // The entry of `variant` in the file of `tuned_dir` made for `target`; empty where there is
  // none (or tuned_dir is empty). A malformed file is an error: a build must not silently ignore
  // the schedules it was told to use.
  static TunedParams load(const std::string& tuned_dir, const std::string& variant,
                          const Halide::Target& target);

  int get(const std::string& name, int fallback) const;
  std::string get(const std::string& name, const std::string& fallback) const;
  bool empty() const { return ints_.empty() && strings_.empty(); }

 private:
  std::map<std::string, int> ints_;
  std::map<std::string, std::string> strings_;
};

// The instruction-set identity of a target: `target` without the features that do not change
// the code a schedule should pick (no_runtime, large_buffers, user_context, ...).
Halide::Target isa_of(const Halide::Target& target);

// The autoschedulers Debian's Halide 14 ships as plugins.
const std::vector<std::string>& autoscheduler_names();

// Schedules the pipeline of `outputs` with Halide's autoscheduler `name` (Mullapudi2016,
// Adams2019 or Li2018) for `target`, loading its plugin; returns false for "none" or "", where
// the caller applies its hand schedule. `parallelism` and `cache_bytes` are the machine the
// autoscheduler plans for.
bool apply_autoscheduler(const std::string& name, const std::vector<Halide::Func>& outputs,
                         const Halide::Target& target, int parallelism = 2,
                         uint64_t cache_bytes = 32ull << 20);

}  // namespace upsample::schedules
