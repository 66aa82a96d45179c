// What upsample-tune knows about each operator: how to call a variant's pipeline on a
// representative shape, how to check its output against the plain-C++ oracles of tests/reference,
// and which schedule parameters it may vary (the GeneratorParams of the variant's schedule).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace upsample_tune {

// One operator variant of the build, from its manifest (generators/upsample_variants.json).
struct Variant {
  std::string name;                           // e.g. resize_linear16_x2d1_uint8_packed3
  std::string generator;                      // e.g. resize
  std::map<std::string, std::string> params;  // the variant's fixed GeneratorParams
};

// A schedule parameter and the values the search tries; the generator's default is the hand
// schedule's value.
struct Tunable {
  std::string name;
  std::vector<std::string> values;
};

struct CheckResult {
  bool ok = false;
  std::string message;  // what was compared and the worst difference found
};

// One call of a variant: its arguments (the driver's case file, whose buffers name files written
// next to it), and how to judge the output.
struct Problem {
  std::string shape;  // for the report, e.g. "1920x1080x3 uint8 -> 3840x2160"
  std::vector<std::string> case_lines;
  std::map<std::string, std::shared_ptr<const std::vector<uint8_t>>> input_files;  // name -> bytes
  int64_t input_bytes = 0, output_bytes = 0;  // what the bandwidth bound counts
  // Useful floating-point operations of a compute-bound problem (convolutions): the report gives
  // GFLOP/s for it instead of a ratio to the bandwidth bound. 0 for memory-bound problems.
  double flops = 0;
  std::function<CheckResult(const std::vector<uint8_t>& output)> check;
};

// The problems of a variant: the timed one on its representative shape (the benchmarks' shapes
// scaled by `size_scale`), and small ones that check a candidate on other shapes (odd sizes, two
// images) and arguments (the other factors and ratios the variant is specialized for). nullopt,
// with the reason, where upsample-tune cannot run the operator.
struct ProblemSet {
  Problem timed;
  std::vector<Problem> checks;
};
std::optional<ProblemSet> make_problems(const Variant& variant, double size_scale, uint64_t seed,
                                        std::string* why_not);

// The problems of the convolution generators (conv, conv_weight_grad), from conv_problems.cpp.
std::optional<ProblemSet> make_conv_problems(const Variant& variant, double size_scale,
                                             uint64_t seed, std::string* why_not);

// The schedule parameters of the variant's generator that the search varies.
std::vector<Tunable> tunables_of(const Variant& variant);

}  // namespace upsample_tune
