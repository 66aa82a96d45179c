// Golden vectors for the learnable-upsampling operators, made by PyTorch (tests/golden/*.json,
// written by tests/golden/make_golden.py `conv` and `resize_backward`; see tests/golden/README.md):
//
//   conv_pytorch.json: F.conv_transpose2d and F.conv2d, forward and backward (autograd with a
//     random grad_output: the gradients with respect to input, weight and bias). Run through
//     upsample::conv_transpose2d / conv_transpose2d_backward / conv2d / conv2d_backward with every
//     tensor (weight and bias included) in NCHW and again as an NHWC copy; the backward runs once
//     with all gradients, then with grad_input only and with grad_weight (+ grad_bias) only.
//   resize_backward_pytorch.json: the gradient of F.interpolate (nearest, nearest-exact, bilinear,
//     bicubic, align_corners True / False, size= and scale_factor= with
//     recompute_scale_factor=False), mapped to ResizeOptions exactly as resize_pytorch.json maps
//     the forward cases (the case records the options). Run through upsample::resize_backward in
//     NCHW and NHWC.
//
// Every output view starts as NaN (the library must overwrite it, not accumulate into it), and
// the canaries around every view and the inputs are checked to be untouched.
//
// Tolerance: |got - golden| <= 1e-5 * |golden| + 1e-5 * M, M = max |golden| over the tensor.
// The golden values are the float32 roundings of float64 (conv: exact) results; the library
// computes in float32 and sums in an order of its own, so an element's error is bounded by a small
// multiple of float32 epsilon (6e-8) times the sum of the absolute values of its terms. That sum
// is not |golden| where terms cancel (a gradient close to 0, a bicubic tap of the other sign), so
// the relative 1e-5 alone would be too strict there; the tensor's magnitude M is of the order of
// those sums (the inputs are O(1) and the sums short), and 1e-5 * M leaves a margin of ~100x over
// float32 rounding while still catching any wrong tap, weight, phase or channel (those change
// elements by O(M)). conv inputs are multiples of 1/32, so every product and partial sum is exact
// in float32 and the library is in practice expected to match bit for bit; the tolerance keeps
// the test about correctness, not about summation order. An all-zero tensor (M = 0) must match
// exactly.
#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "tensor_utils.h"

#ifndef UPSAMPLE_GOLDEN_DIR
#error "UPSAMPLE_GOLDEN_DIR must name the directory holding the golden JSON files"
#endif

using namespace upsample_test;
using nlohmann::json;

namespace {

json load_golden(const std::string& file) {
  const std::string path = std::string(UPSAMPLE_GOLDEN_DIR) + "/" + file;
  std::ifstream in(path);
  INFO("golden file " << path);
  if (!in) FAIL("golden file missing: " << path << " (made by tests/golden/make_golden.py)");
  json j;
  try {
    in >> j;
  } catch (const std::exception& e) {
    FAIL("golden file " << path << " is not valid JSON: " << e.what());
  }
  REQUIRE(j.contains("cases"));
  REQUIRE(j["cases"].is_array());
  REQUIRE(!j["cases"].empty());
  return j;
}

Shape shape4(const json& j) {
  REQUIRE(j.is_array());
  REQUIRE(j.size() == 4);
  return Shape{j[0].get<int64_t>(), j[1].get<int64_t>(), j[2].get<int64_t>(), j[3].get<int64_t>()};
}

std::vector<double> values_of(const json& j, int64_t count) {
  REQUIRE(j.is_array());
  REQUIRE(static_cast<int64_t>(j.size()) == count);
  std::vector<double> v;
  v.reserve(j.size());
  for (const json& x : j) v.push_back(x.get<double>());
  return v;
}

std::pair<int, int> pair_of(const json& c, const char* key) {
  const json& j = c.at(key);
  REQUIRE(j.is_array());
  REQUIRE(j.size() == 2);
  return {j[0].get<int>(), j[1].get<int>()};
}

// A float32 tensor in arrangement `mem` holding `values` (NCHW order).
Buffer tensor_with(Mem mem, const Shape& shape, const std::vector<double>& values) {
  Buffer b = make_buffer(DType::kFloat32, mem, shape);
  b.fill(values);
  return b;
}

// An output tensor whose view starts as NaN: an element the library does not write fails.
Buffer output_tensor(Mem mem, const Shape& shape) {
  return tensor_with(mem, shape,
                     std::vector<double>(static_cast<size_t>(shape.count()),
                                         std::numeric_limits<double>::quiet_NaN()));
}

// "" when every element of `got` is within the tolerance of `want` (see the top of the file);
// otherwise how many are not and the worst one (largest error relative to its tolerance; a NaN,
// i.e. an element never written, counts as the worst).
std::string compare_tensor(const char* what, const std::vector<double>& got,
                           const std::vector<double>& want, const Shape& shape) {
  if (got.size() != want.size()) return std::string(what) + ": wrong element count";
  double magnitude = 0.0;
  for (double w : want) magnitude = std::max(magnitude, std::fabs(w));
  int64_t bad = 0, worst = -1;
  double worst_ratio = -1.0;
  for (size_t i = 0; i < want.size(); ++i) {
    const double tol = 1e-5 * std::fabs(want[i]) + 1e-5 * magnitude;
    const double err = std::fabs(got[i] - want[i]);
    if (err <= tol) continue;  // false for NaN
    ++bad;
    const double ratio =
        std::isnan(err) ? std::numeric_limits<double>::infinity() : err / std::max(tol, 1e-300);
    if (ratio > worst_ratio) worst_ratio = ratio, worst = static_cast<int64_t>(i);
  }
  if (!bad) return "";
  const size_t w = static_cast<size_t>(worst);
  std::ostringstream os;
  os.precision(9);
  os << what << ": " << bad << " of " << want.size() << " elements outside the tolerance; worst at "
     << index_str(shape, worst) << " (flat " << worst << "): got " << got[w] << ", golden "
     << want[w] << ", error " << std::fabs(got[w] - want[w]) << ", tolerance "
     << 1e-5 * std::fabs(want[w]) + 1e-5 * magnitude << " (tensor magnitude " << magnitude << ")";
  return os.str();
}

// Checks an output tensor after a call: canaries intact, values within tolerance.
std::string check_output(const char* what, const Buffer& b, const std::vector<double>& want) {
  const std::string canaries = b.check_canaries();
  if (!canaries.empty()) return std::string(what) + ": " + canaries;
  return compare_tensor(what, b.read(), want, b.shape);
}

// ---------------------------------------------------------------------------------------------
// conv_pytorch.json

struct ConvCase {
  std::string name, op;
  bool transposed = false, has_bias = false;
  upsample::ConvTranspose2dOptions t;
  upsample::Conv2dOptions c;
  Shape in_shape, weight_shape, out_shape, bias_shape;
  std::vector<double> input, weight, bias, output, grad_output, grad_input, grad_weight, grad_bias;
};

ConvCase parse_conv_case(const json& c) {
  ConvCase k;
  k.name = c.value("name", std::string("(unnamed)"));
  k.op = c.at("op").get<std::string>();
  REQUIRE((k.op == "conv_transpose2d" || k.op == "conv2d"));
  REQUIRE(c.at("dtype").get<std::string>() == "float32");
  k.transposed = k.op == "conv_transpose2d";
  const auto stride = pair_of(c, "stride"), padding = pair_of(c, "padding"),
             dilation = pair_of(c, "dilation");
  const int groups = c.at("groups").get<int>();
  if (k.transposed) {
    const auto opad = pair_of(c, "output_padding");
    k.t.stride_h = stride.first, k.t.stride_w = stride.second;
    k.t.padding_h = padding.first, k.t.padding_w = padding.second;
    k.t.output_padding_h = opad.first, k.t.output_padding_w = opad.second;
    k.t.dilation_h = dilation.first, k.t.dilation_w = dilation.second;
    k.t.groups = groups;
  } else {
    REQUIRE(!c.contains("output_padding"));
    k.c.stride_h = stride.first, k.c.stride_w = stride.second;
    k.c.padding_h = padding.first, k.c.padding_w = padding.second;
    k.c.dilation_h = dilation.first, k.c.dilation_w = dilation.second;
    k.c.groups = groups;
  }
  k.in_shape = shape4(c.at("input_shape"));
  k.weight_shape = shape4(c.at("weight_shape"));
  k.out_shape = shape4(c.at("output_shape"));
  REQUIRE(pair_of(c, "kernel") == std::make_pair(int(k.weight_shape.h), int(k.weight_shape.w)));
  k.bias_shape = Shape{1, k.out_shape.c, 1, 1};
  k.has_bias = c.at("has_bias").get<bool>();
  k.input = values_of(c.at("input"), k.in_shape.count());
  k.weight = values_of(c.at("weight"), k.weight_shape.count());
  k.output = values_of(c.at("output"), k.out_shape.count());
  k.grad_output = values_of(c.at("grad_output"), k.out_shape.count());
  k.grad_input = values_of(c.at("grad_input"), k.in_shape.count());
  k.grad_weight = values_of(c.at("grad_weight"), k.weight_shape.count());
  if (k.has_bias) {
    k.bias = values_of(c.at("bias"), k.out_shape.c);
    k.grad_bias = values_of(c.at("grad_bias"), k.out_shape.c);
  } else {
    REQUIRE(c.at("bias").is_null());
    REQUIRE(c.at("grad_bias").is_null());
  }
  return k;
}

std::string conv_options_str(const ConvCase& k) {
  std::ostringstream os;
  if (k.transposed) {
    const auto& o = k.t;
    os << "stride " << o.stride_h << "x" << o.stride_w << " padding " << o.padding_h << "x"
       << o.padding_w << " output_padding " << o.output_padding_h << "x" << o.output_padding_w
       << " dilation " << o.dilation_h << "x" << o.dilation_w << " groups " << o.groups;
  } else {
    const auto& o = k.c;
    os << "stride " << o.stride_h << "x" << o.stride_w << " padding " << o.padding_h << "x"
       << o.padding_w << " dilation " << o.dilation_h << "x" << o.dilation_w << " groups "
       << o.groups;
  }
  os << (k.has_bias ? " with bias" : " without bias") << "; input " << shape_str(k.in_shape)
     << " weight " << shape_str(k.weight_shape) << " output " << shape_str(k.out_shape);
  return os.str();
}

// Which gradients a backward call asks for.
struct GradSet {
  bool input, weight, bias;
  const char* label;
};

// Runs one conv case in arrangement `mem`; returns the problems found ("" when none).
std::string run_conv_case(const ConvCase& k, Mem mem) {
  std::ostringstream problems;
  auto note = [&](const std::string& s) {
    if (!s.empty()) problems << (problems.tellp() > 0 ? "\n  " : "") << s;
  };
  Buffer input = tensor_with(mem, k.in_shape, k.input);
  Buffer weight = tensor_with(mem, k.weight_shape, k.weight);
  Buffer bias = tensor_with(mem, k.bias_shape,
                            k.has_bias ? k.bias : std::vector<double>(size_t(k.out_shape.c), 0.0));
  Buffer grad_output = tensor_with(mem, k.out_shape, k.grad_output);
  const TensorView* bias_view = k.has_bias ? &bias.view : nullptr;
  const auto before_in = input.snapshot(), before_w = weight.snapshot(), before_b = bias.snapshot(),
             before_go = grad_output.snapshot();
  auto inputs_untouched = [&](const char* call) {
    if (input.snapshot() != before_in) note(std::string(call) + ": the input was modified");
    if (weight.snapshot() != before_w) note(std::string(call) + ": the weight was modified");
    if (bias.snapshot() != before_b) note(std::string(call) + ": the bias was modified");
    if (grad_output.snapshot() != before_go) note(std::string(call) + ": grad_output was modified");
  };

  // Forward.
  {
    Buffer output = output_tensor(mem, k.out_shape);
    const upsample::Status st =
        k.transposed
            ? upsample::conv_transpose2d(input.view, weight.view, bias_view, output.view, k.t)
            : upsample::conv2d(input.view, weight.view, bias_view, output.view, k.c);
    if (!st.ok()) {
      note(k.op + " returned an error: " + st.message());
    } else {
      note(check_output("forward output", output, k.output));
    }
    inputs_untouched("forward");
  }

  // Backward: every gradient at once, then subsets (the others nullptr).
  const GradSet sets[] = {{true, true, k.has_bias, "backward (all gradients)"},
                          {true, false, false, "backward (grad_input only)"},
                          {false, true, k.has_bias, "backward (grad_weight / grad_bias only)"}};
  for (const GradSet& set : sets) {
    Buffer gi = output_tensor(mem, k.in_shape);
    Buffer gw = output_tensor(mem, k.weight_shape);
    Buffer gb = output_tensor(mem, k.bias_shape);
    const TensorView* gi_view = set.input ? &gi.view : nullptr;
    const TensorView* gw_view = set.weight ? &gw.view : nullptr;
    const TensorView* gb_view = set.bias ? &gb.view : nullptr;
    const upsample::Status st =
        k.transposed
            ? upsample::conv_transpose2d_backward(input.view, weight.view, grad_output.view,
                                                  gi_view, gw_view, gb_view, k.t)
            : upsample::conv2d_backward(input.view, weight.view, grad_output.view, gi_view, gw_view,
                                        gb_view, k.c);
    if (!st.ok()) {
      note(std::string(set.label) + ": " + k.op + "_backward returned an error: " + st.message());
      continue;
    }
    const std::string prefix = std::string(set.label) + ": ";
    if (set.input) note(check_output((prefix + "grad_input").c_str(), gi, k.grad_input));
    if (set.weight) note(check_output((prefix + "grad_weight").c_str(), gw, k.grad_weight));
    if (set.bias) note(check_output((prefix + "grad_bias").c_str(), gb, k.grad_bias));
    // A gradient not asked for (its pointer nullptr) must not be written at all.
    for (auto [asked, buffer, what] : {std::make_tuple(set.input, &gi, "grad_input"),
                                       std::make_tuple(set.weight, &gw, "grad_weight"),
                                       std::make_tuple(set.bias, &gb, "grad_bias")}) {
      if (asked) continue;
      bool untouched = buffer->check_canaries().empty();
      for (double v : buffer->read()) untouched = untouched && std::isnan(v);
      if (!untouched) note(prefix + what + " was not asked for (nullptr) but its memory changed");
    }
    inputs_untouched(set.label);
  }
  return problems.str();
}

// ---------------------------------------------------------------------------------------------
// resize_backward_pytorch.json

upsample::ResizeMethod method_of(const std::string& s) {
  if (s == "nearest") return upsample::ResizeMethod::kNearest;
  if (s == "bilinear") return upsample::ResizeMethod::kBilinear;
  if (s == "bicubic") return upsample::ResizeMethod::kBicubic;
  FAIL("unknown method " << s);
  return upsample::ResizeMethod::kNearest;
}

upsample::CoordinateMode coordinate_mode_of(const std::string& s) {
  using upsample::CoordinateMode;
  if (s == "half_pixel") return CoordinateMode::kHalfPixel;
  if (s == "pytorch_half_pixel") return CoordinateMode::kPytorchHalfPixel;
  if (s == "align_corners") return CoordinateMode::kAlignCorners;
  if (s == "asymmetric") return CoordinateMode::kAsymmetric;
  if (s == "half_pixel_symmetric") return CoordinateMode::kHalfPixelSymmetric;
  FAIL("unknown coordinate_mode " << s);
  return CoordinateMode::kHalfPixel;
}

upsample::NearestMode nearest_mode_of(const std::string& s) {
  using upsample::NearestMode;
  if (s == "round_prefer_floor") return NearestMode::kRoundPreferFloor;
  if (s == "round_prefer_ceil") return NearestMode::kRoundPreferCeil;
  if (s == "floor") return NearestMode::kFloor;
  if (s == "ceil") return NearestMode::kCeil;
  FAIL("unknown nearest_mode " << s);
  return NearestMode::kFloor;
}

// The options of a case, as test_golden.cpp reads a resize_pytorch.json case.
upsample::ResizeOptions resize_options_of(const json& c) {
  upsample::ResizeOptions o;
  o.method = method_of(c.at("method").get<std::string>());
  o.coordinate_mode = coordinate_mode_of(c.at("coordinate_mode").get<std::string>());
  o.nearest_mode = nearest_mode_of(c.at("nearest_mode").get<std::string>());
  o.cubic_a = c.at("cubic_a").get<float>();
  o.exclude_outside = c.at("exclude_outside").get<bool>();
  if (!c.at("scale").is_null()) {
    REQUIRE(c["scale"].size() == 2);
    o.scale_h = c["scale"][0].get<double>();
    o.scale_w = c["scale"][1].get<double>();
  }
  return o;
}

}  // namespace

TEST_CASE("golden: conv_transpose2d and conv2d, forward and backward, match PyTorch",
          "[golden][conv]") {
  const json j = load_golden("conv_pytorch.json");
  int checked = 0, failed = 0, transposed = 0;
  for (const json& c : j["cases"]) {
    const ConvCase k = parse_conv_case(c);
    INFO("conv_pytorch.json case " << k.name);
    INFO(k.op << " " << conv_options_str(k));
    for (Mem mem : {Mem::kNCHW, Mem::kNHWC}) {
      INFO("every tensor " << mem_str(mem));
      const std::string problems = run_conv_case(k, mem);
      if (!problems.empty()) ++failed;
      CHECK(problems == "");
    }
    ++checked;
    transposed += k.transposed ? 1 : 0;
  }
  INFO(checked << " cases (" << transposed << " conv_transpose2d), " << failed << " runs failed");
  CHECK(checked > 0);
  CHECK(transposed > 0);
  CHECK(transposed < checked);
}

TEST_CASE("golden: resize_backward matches the gradient of PyTorch F.interpolate",
          "[golden][resize_backward]") {
  const json j = load_golden("resize_backward_pytorch.json");
  int checked = 0;
  for (const json& c : j["cases"]) {
    const std::string name = c.value("name", std::string("(unnamed)"));
    INFO("resize_backward_pytorch.json case " << name);
    REQUIRE(c.value("op", std::string()) == "resize_backward");
    REQUIRE(c.at("dtype").get<std::string>() == "float32");
    const upsample::ResizeOptions o = resize_options_of(c);
    INFO("options " << options_str(o) << "; torch call " << c.at("torch_call").dump());
    const Shape in_shape = shape4(c.at("input_shape"));
    const Shape out_shape = shape4(c.at("output_shape"));
    REQUIRE(out_shape.n == in_shape.n);
    REQUIRE(out_shape.c == in_shape.c);
    const std::vector<double> grad_output = values_of(c.at("grad_output"), out_shape.count());
    const std::vector<double> want = values_of(c.at("grad_input"), in_shape.count());
    for (Mem mem : {Mem::kNCHW, Mem::kNHWC}) {
      INFO(mem_str(mem));
      Buffer go = tensor_with(mem, out_shape, grad_output);
      const auto before = go.snapshot();
      Buffer gi = output_tensor(mem, in_shape);
      const upsample::Status st = upsample::resize_backward(go.view, gi.view, o);
      if (st.code() == upsample::StatusCode::kUnsupported)
        FAIL("resize_backward is not implemented for these options: " << st.message());
      INFO("status " << upsample::status_code_name(st.code()) << ": " << st.message());
      CHECK(st.ok());
      CHECK(go.snapshot() == before);
      if (st.ok()) CHECK(check_output("grad_input", gi, want) == "");
    }
    ++checked;
  }
  CHECK(checked > 0);
}
