// upsample::resize_conv2d and resize_conv2d_backward (resize-convolution): the forward pass
// against resize() followed by conv2d() run separately through the library, and against the
// oracles composed (tests/reference/resize_reference.h then tests/reference/conv_reference.h);
// the backward pass against central finite differences of L = sum(out * R) through the oracles,
// against the oracles' own gradients composed (conv2d_backward, then the adjoint of resize from
// tests/reference/resize_backward_reference.h), and against the library's conv2d_backward +
// resize_backward run separately; every subset of gradients (nullptr skips one); validation.
//
// Nearest and bilinear (and one bicubic), factors 2 and 3 and a non-integer size, scales given or
// from the sizes, kernels 1-5 with padding, stride, dilation, groups 1/2/4, with and without bias,
// every memory arrangement with canaries around every output.
//
// Tolerance against the double oracles: |got - want| <= 1e-4 * S + 1e-6, S the sum of |terms| of
// the element (the oracles applied to absolute values of every argument).
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "reference/conv_reference.h"
#include "reference/resize_backward_reference.h"
#include "reference/resize_reference.h"
#include "tensor_utils.h"

using namespace upsample_test;
using upsample::CoordinateMode;
using upsample::NearestMode;
using upsample::ResizeConv2dOptions;
using upsample::ResizeMethod;
using upsample::ResizeOptions;
using upsample::Status;
using upsample::StatusCode;
using upsample_ref::ConvSpec;

namespace {

ConvSpec make_spec(int sh, int sw, int ph, int pw, int dh, int dw, int groups) {
  ConvSpec s;
  s.stride_h = sh;
  s.stride_w = sw;
  s.padding_h = ph;
  s.padding_w = pw;
  s.dilation_h = dh;
  s.dilation_w = dw;
  s.groups = groups;
  return s;
}

upsample::Conv2dOptions to_conv2d(const ConvSpec& s) {
  upsample::Conv2dOptions o;
  o.stride_h = s.stride_h;
  o.stride_w = s.stride_w;
  o.padding_h = s.padding_h;
  o.padding_w = s.padding_w;
  o.dilation_h = s.dilation_h;
  o.dilation_w = s.dilation_w;
  o.groups = s.groups;
  return o;
}

struct RCCase {
  Shape in;  // (N, C_in, H, W)
  int64_t resized_h = 1, resized_w = 1;
  ResizeOptions resize;  // scales included
  Shape weight;          // (C_out, C_in / G, kH, kW)
  ConvSpec spec;
  Mem mem = Mem::kNCHW;         // input, output and their gradients
  Mem weight_mem = Mem::kNCHW;  // weight and its gradient
  bool bias = true;

  Shape resized() const { return Shape{in.n, in.c, resized_h, resized_w}; }
  Shape out() const { return upsample_ref::conv2d_shape(resized(), weight, spec); }
  ResizeConv2dOptions options() const {
    ResizeConv2dOptions o;
    o.resize = resize;
    o.resized_h = resized_h;
    o.resized_w = resized_w;
    o.conv = to_conv2d(spec);
    return o;
  }
};

std::string case_str(const RCCase& c) {
  std::ostringstream os;
  os << "input " << shape_str(c.in) << " resized to " << c.resized_h << "x" << c.resized_w << " by "
     << options_str(c.resize) << ", conv2d weight " << shape_str(c.weight) << " "
     << upsample_ref::to_string(c.spec) << " " << mem_str(c.mem) << " weight "
     << mem_str(c.weight_mem) << (c.bias ? " bias" : " no bias");
  return os.str();
}

Mem bias_mem(const RCCase& c) {
  return c.mem == Mem::kNCHW || c.mem == Mem::kNHWC ? Mem::kNCHW : Mem::kNCHWCrop;
}

std::vector<double> data(int64_t count, uint32_t seed) {
  return random_values(DType::kFloat32, count, seed);
}

std::vector<double> abs_of(std::vector<double> v) {
  for (double& x : v) x = std::fabs(x);
  return v;
}

double dot(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0.0;
  for (size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

// The interpolation matrices of the case's resize, optionally made absolute.
std::pair<upsample_ref::DenseMatrix, upsample_ref::DenseMatrix> matrices(const RCCase& c,
                                                                         bool absolute) {
  const upsample_ref::ResizeSpec s = to_ref_spec(c.resize);
  auto ah = upsample_ref::interpolation_matrix_h(c.in.h, c.resized_h, s);
  auto aw = upsample_ref::interpolation_matrix_w(c.in.w, c.resized_w, s);
  if (absolute) {
    ah = upsample_ref::abs_matrix(ah);
    aw = upsample_ref::abs_matrix(aw);
  }
  return {ah, aw};
}

// The oracles composed: conv2d(resize(x), w, b), resize by the forward oracle itself.
std::vector<double> oracle_forward(const RCCase& c, const std::vector<double>& x,
                                   const std::vector<double>& w, const std::vector<double>& b) {
  const std::vector<double> r =
      upsample_ref::resize(x, c.in, c.resized_h, c.resized_w, to_ref_spec(c.resize));
  return upsample_ref::conv2d(r, c.resized(), w, c.weight, b, c.spec);
}

// The same with |every argument| and |interpolation weights|: the scale of rounding errors.
std::vector<double> oracle_forward_scale(const RCCase& c, const std::vector<double>& x,
                                         const std::vector<double>& w,
                                         const std::vector<double>& b) {
  const auto m = matrices(c, true);
  const std::vector<double> r = upsample_ref::apply_matrices(abs_of(x), c.in, m.first, m.second);
  return upsample_ref::conv2d(r, c.resized(), abs_of(w), c.weight, abs_of(b), c.spec);
}

// The oracles' gradients composed: conv2d_backward at resize(x), then the adjoint of resize.
upsample_ref::ConvGradients oracle_backward(const RCCase& c, const std::vector<double>& x,
                                            const std::vector<double>& w,
                                            const std::vector<double>& gy, bool absolute) {
  const auto m = matrices(c, absolute);
  const std::vector<double> xx = absolute ? abs_of(x) : x;
  const std::vector<double> r = upsample_ref::apply_matrices(xx, c.in, m.first, m.second);
  upsample_ref::ConvGradients g = upsample_ref::conv2d_backward(
      r, c.resized(), absolute ? abs_of(w) : w, c.weight, absolute ? abs_of(gy) : gy, c.spec);
  g.input = upsample_ref::adjoint_matrices(g.input, c.resized(), m.first, m.second);
  return g;
}

// "" when every |got - want| <= rel * scale + abs_tol.
std::string compare(const char* what, const std::vector<double>& got,
                    const std::vector<double>& want, const std::vector<double>& scale,
                    const Shape& shape, double rel = 1e-4, double abs_tol = 1e-6) {
  if (got.size() != want.size() || want.size() != scale.size())
    return std::string(what) + ": sizes differ";
  int64_t bad = 0;
  std::ostringstream first;
  first.precision(10);
  for (size_t i = 0; i < got.size(); ++i) {
    const double tol = rel * scale[i] + abs_tol;
    if (std::fabs(got[i] - want[i]) <= tol) continue;  // false for NaN
    if (!bad)
      first << "first at " << index_str(shape, static_cast<int64_t>(i)) << ": got " << got[i]
            << ", expected " << want[i] << " (tolerance " << tol << ")";
    ++bad;
  }
  if (!bad) return "";
  std::ostringstream os;
  os << what << ": " << bad << " of " << got.size() << " wrong; " << first.str();
  return os.str();
}

// The tensors of one case, filled from seeded data.
struct Tensors {
  std::vector<double> x, w, b, gy;
  Buffer xb, wb, bb, gyb;
  Tensors(const RCCase& c, uint32_t seed) {
    const Shape out = c.out();
    x = data(c.in.count(), seed);
    w = data(c.weight.count(), seed + 1);
    b = c.bias ? data(out.c, seed + 2) : std::vector<double>();
    gy = data(out.count(), seed + 3);
    xb = make_buffer(DType::kFloat32, c.mem, c.in);
    wb = make_buffer(DType::kFloat32, c.weight_mem, c.weight);
    bb = make_buffer(DType::kFloat32, bias_mem(c), Shape{1, out.c, 1, 1});
    gyb = make_buffer(DType::kFloat32, c.mem, out);
    xb.fill(x);
    wb.fill(w);
    if (c.bias) bb.fill(b);
    gyb.fill(gy);
  }
};

// The library's resize and conv2d, run separately: resize into a dense scratch tensor of the
// input's layout, then conv2d into `out`.
Status separate_forward(const RCCase& c, const Tensors& t, const upsample::TensorView& out) {
  std::vector<float> scratch(static_cast<size_t>(c.resized().count()));
  const upsample::TensorView r = upsample::make_tensor(
      scratch.data(), DType::kFloat32, mem_layout(c.mem), c.in.n, c.in.c, c.resized_h, c.resized_w);
  if (Status s = upsample::resize(t.xb.view, r, c.resize); !s.ok()) return s;
  return upsample::conv2d(r, t.wb.view, c.bias ? &t.bb.view : nullptr, out, to_conv2d(c.spec));
}

// The library's resize, conv2d_backward and resize_backward, run separately.
Status separate_backward(const RCCase& c, const Tensors& t, const upsample::TensorView* gi,
                         const upsample::TensorView* gw, const upsample::TensorView* gb) {
  const size_t n = static_cast<size_t>(c.resized().count());
  std::vector<float> scratch(n), grad_scratch(n);
  const Layout layout = mem_layout(c.mem);
  const upsample::TensorView r = upsample::make_tensor(scratch.data(), DType::kFloat32, layout,
                                                       c.in.n, c.in.c, c.resized_h, c.resized_w);
  const upsample::TensorView gr = upsample::make_tensor(
      grad_scratch.data(), DType::kFloat32, layout, c.in.n, c.in.c, c.resized_h, c.resized_w);
  if (Status s = upsample::resize(t.xb.view, r, c.resize); !s.ok()) return s;
  if (Status s = upsample::conv2d_backward(r, t.wb.view, t.gyb.view, gi ? &gr : nullptr, gw, gb,
                                           to_conv2d(c.spec));
      !s.ok())
    return s;
  if (gi == nullptr) return Status::Ok();
  return upsample::resize_backward(gr, *gi, c.resize);
}

// Forward: resize_conv2d against the separate library calls and the composed oracles; canaries
// intact, inputs not written.
std::string check_forward(const RCCase& c, uint32_t seed) {
  const Shape out = c.out();
  Tensors t(c, seed);
  Buffer yb = make_buffer(DType::kFloat32, c.mem, out);
  Buffer y2 = make_buffer(DType::kFloat32, c.mem, out);
  const auto x0 = t.xb.snapshot(), w0 = t.wb.snapshot(), b0 = t.bb.snapshot();
  const Status st = upsample::resize_conv2d(t.xb.view, t.wb.view, c.bias ? &t.bb.view : nullptr,
                                            yb.view, c.options());
  if (!st.ok()) return std::string("resize_conv2d returned an error: ") + st.message();
  if (t.xb.snapshot() != x0 || t.wb.snapshot() != w0 || t.bb.snapshot() != b0)
    return "an input buffer was modified";
  const std::string canaries = yb.check_canaries();
  if (!canaries.empty()) return "output: " + canaries;
  const std::vector<double> got = yb.read();
  // resize() then conv2d() through the library: the same computation, to float32 rounding.
  const Status s2 = separate_forward(c, t, y2.view);
  if (!s2.ok()) return std::string("resize + conv2d returned an error: ") + s2.message();
  const std::vector<double> sep = y2.read();
  const std::vector<double> scale = oracle_forward_scale(c, t.x, t.w, t.b);
  std::string r = compare("output vs resize + conv2d", got, sep, scale, out, 1e-6, 1e-7);
  if (r.empty())
    r = compare("output vs the oracles", got, oracle_forward(c, t.x, t.w, t.b), scale, out);
  return r;
}

// Gradient subsets: bit 1 grad_input, 2 grad_weight, 4 grad_bias.
constexpr int kGradMasks[] = {7, 1, 2, 4, 6, 5, 3, 0};

// Backward with the gradients in `mask`: against the composed oracle gradients and the separate
// library calls; gradients not asked for untouched, canaries intact, inputs not written.
std::string check_backward(const RCCase& c, uint32_t seed, int mask) {
  const Shape out = c.out();
  const Shape bias_shape{1, out.c, 1, 1};
  Tensors t(c, seed);
  Buffer gib = make_buffer(DType::kFloat32, c.mem, c.in);
  Buffer gwb = make_buffer(DType::kFloat32, c.weight_mem, c.weight);
  Buffer gbb = make_buffer(DType::kFloat32, bias_mem(c), bias_shape);
  const auto x0 = t.xb.snapshot(), w0 = t.wb.snapshot(), gy0 = t.gyb.snapshot();
  const Status st = upsample::resize_conv2d_backward(
      t.xb.view, t.wb.view, t.gyb.view, (mask & 1) ? &gib.view : nullptr,
      (mask & 2) ? &gwb.view : nullptr, (mask & 4) ? &gbb.view : nullptr, c.options());
  if (!st.ok()) return std::string("resize_conv2d_backward returned an error: ") + st.message();
  if (t.xb.snapshot() != x0 || t.wb.snapshot() != w0 || t.gyb.snapshot() != gy0)
    return "an input buffer was modified";
  const std::pair<const Buffer*, const char*> grads[3] = {
      {&gib, "grad_input"}, {&gwb, "grad_weight"}, {&gbb, "grad_bias"}};
  for (int k = 0; k < 3; ++k) {
    const std::string canaries = grads[k].first->check_canaries();
    if (!canaries.empty()) return std::string(grads[k].second) + ": " + canaries;
    if (!(mask & (1 << k))) {
      for (unsigned char byte : grads[k].first->snapshot())
        if (byte != kCanaryByte) return std::string(grads[k].second) + " was written, not asked";
    }
  }
  const upsample_ref::ConvGradients want = oracle_backward(c, t.x, t.w, t.gy, false);
  const upsample_ref::ConvGradients scale = oracle_backward(c, t.x, t.w, t.gy, true);
  // The separate library calls, into dense buffers of the same arrangements.
  Buffer gi2 = make_buffer(DType::kFloat32, c.mem, c.in);
  Buffer gw2 = make_buffer(DType::kFloat32, c.weight_mem, c.weight);
  Buffer gb2 = make_buffer(DType::kFloat32, bias_mem(c), bias_shape);
  const Status s2 = separate_backward(c, t, &gi2.view, &gw2.view, &gb2.view);
  if (!s2.ok()) return std::string("the separate calls returned an error: ") + s2.message();
  std::string r;
  if (mask & 1) {
    r = compare("grad_input vs conv2d_backward + resize_backward", gib.read(), gi2.read(),
                scale.input, c.in, 1e-6, 1e-7);
    if (r.empty())
      r = compare("grad_input vs the oracles", gib.read(), want.input, scale.input, c.in);
  }
  if (r.empty() && (mask & 2)) {
    r = compare("grad_weight vs conv2d_backward", gwb.read(), gw2.read(), scale.weight, c.weight,
                1e-6, 1e-7);
    if (r.empty())
      r = compare("grad_weight vs the oracles", gwb.read(), want.weight, scale.weight, c.weight);
  }
  if (r.empty() && (mask & 4)) {
    r = compare("grad_bias vs conv2d_backward", gbb.read(), gb2.read(), scale.bias, bias_shape,
                1e-6, 1e-7);
    if (r.empty())
      r = compare("grad_bias vs the oracles", gbb.read(), want.bias, scale.bias, bias_shape);
  }
  return r;
}

struct ConvVariant {
  int64_t cin, cout;
  int kh, kw;
  ConvSpec spec;
};

// Convolutions after the resize: 3x3 padding 1 (the usual resize-convolution), 1x1, 5x3 with
// padding, 2x2 stride 2, dilation 2, groups 2 and 4 (depthwise), per-axis strides.
const std::vector<ConvVariant>& conv_variants() {
  static const std::vector<ConvVariant> v = {
      {2, 3, 3, 3, make_spec(1, 1, 1, 1, 1, 1, 1)}, {4, 2, 3, 3, make_spec(1, 1, 1, 1, 1, 1, 2)},
      {3, 2, 1, 1, make_spec(1, 1, 0, 0, 1, 1, 1)}, {1, 2, 5, 3, make_spec(1, 1, 2, 1, 1, 1, 1)},
      {2, 4, 2, 2, make_spec(2, 2, 0, 0, 1, 1, 1)}, {2, 4, 3, 3, make_spec(1, 1, 2, 2, 2, 2, 2)},
      {4, 4, 3, 3, make_spec(1, 2, 0, 1, 1, 1, 4)},
  };
  return v;
}

// Nearest and bilinear by factors 2 and 3 (half the cases with the factor given as the scale)
// over every convolution variant; coordinate modes and memory arrangements cycle.
std::vector<RCCase> main_cases() {
  std::vector<RCCase> cases;
  const std::pair<CoordinateMode, NearestMode> nearest_modes[] = {
      {CoordinateMode::kAsymmetric, NearestMode::kFloor},            // PyTorch's nearest
      {CoordinateMode::kHalfPixel, NearestMode::kRoundPreferCeil},   // nearest-exact
      {CoordinateMode::kHalfPixel, NearestMode::kRoundPreferFloor},  // ONNX's default
  };
  const CoordinateMode linear_modes[] = {CoordinateMode::kHalfPixel, CoordinateMode::kAlignCorners,
                                         CoordinateMode::kPytorchHalfPixel,
                                         CoordinateMode::kAsymmetric};
  const Mem kWeightMems[] = {Mem::kNCHW, Mem::kNCHW, Mem::kNCHWCrop, Mem::kNHWC};
  int i = 0;
  for (ResizeMethod m : {ResizeMethod::kNearest, ResizeMethod::kBilinear})
    for (int factor : {2, 3})
      for (const ConvVariant& cv : conv_variants()) {
        RCCase c;
        c.in = Shape{1 + i % 2, cv.cin, 2 + i % 3, 3 + i % 2};
        c.resized_h = c.in.h * factor;
        c.resized_w = c.in.w * factor;
        c.resize.method = m;
        if (m == ResizeMethod::kNearest) {
          c.resize.coordinate_mode = nearest_modes[i % 3].first;
          c.resize.nearest_mode = nearest_modes[i % 3].second;
        } else {
          c.resize.coordinate_mode = linear_modes[i % 4];
        }
        if (i % 2 == 1) {
          c.resize.scale_h = factor;
          c.resize.scale_w = factor;
        }
        c.weight = Shape{cv.cout, cv.cin / cv.spec.groups, cv.kh, cv.kw};
        c.spec = cv.spec;
        c.mem = kAllMems[i % 5];
        c.weight_mem = kWeightMems[(i / 5) % 4];
        c.bias = i % 4 != 3;
        cases.push_back(c);
        ++i;
      }
  return cases;
}

// Other resizes: a non-integer size, different per axis, down in one axis, bicubic, 1x1 input.
std::vector<RCCase> other_cases() {
  std::vector<RCCase> cases;
  auto add = [&](Shape in, int64_t rh, int64_t rw, ResizeMethod m, CoordinateMode cm,
                 const ConvVariant& cv, Mem mem, bool bias) {
    RCCase c;
    c.in = Shape{in.n, cv.cin, in.h, in.w};
    c.resized_h = rh;
    c.resized_w = rw;
    c.resize.method = m;
    c.resize.coordinate_mode = cm;
    c.weight = Shape{cv.cout, cv.cin / cv.spec.groups, cv.kh, cv.kw};
    c.spec = cv.spec;
    c.mem = mem;
    c.bias = bias;
    cases.push_back(c);
  };
  const auto& v = conv_variants();
  add({1, 0, 5, 4}, 7, 9, ResizeMethod::kBilinear, CoordinateMode::kHalfPixel, v[0], Mem::kNCHW,
      true);
  add({2, 0, 6, 3}, 4, 9, ResizeMethod::kNearest, CoordinateMode::kHalfPixel, v[1], Mem::kNHWC,
      true);
  add({1, 0, 3, 3}, 9, 6, ResizeMethod::kBicubic, CoordinateMode::kHalfPixel, v[5], Mem::kNCHWCrop,
      false);
  add({1, 0, 1, 1}, 4, 4, ResizeMethod::kBilinear, CoordinateMode::kAlignCorners, v[0],
      Mem::kNHWCWindow, true);
  add({1, 0, 4, 5}, 8, 10, ResizeMethod::kNearest, CoordinateMode::kAsymmetric, v[6],
      Mem::kNHWCCrop, true);
  // Three and four interleaved channels (the library's packed-pixel paths).
  add({1, 0, 4, 4}, 8, 8, ResizeMethod::kBilinear, CoordinateMode::kHalfPixel,
      ConvVariant{3, 3, 3, 3, make_spec(1, 1, 1, 1, 1, 1, 1)}, Mem::kNHWC, true);
  add({2, 0, 3, 5}, 6, 10, ResizeMethod::kNearest, CoordinateMode::kAsymmetric,
      ConvVariant{4, 4, 3, 3, make_spec(1, 1, 1, 1, 1, 1, 4)}, Mem::kNHWC, true);
  // A larger image: vector bodies and tails.
  add({1, 0, 13, 17}, 26, 34, ResizeMethod::kBilinear, CoordinateMode::kHalfPixel,
      ConvVariant{3, 8, 3, 3, make_spec(1, 1, 1, 1, 1, 1, 1)}, Mem::kNCHW, true);
  return cases;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// The composed oracle checks itself: its gradients against central differences of its forward.

TEST_CASE(
    "resize_conv oracle: composed gradients equal central differences of the composed "
    "forward",
    "[resize_conv][reference]") {
  uint32_t seed = 100;
  std::vector<RCCase> cases = main_cases();
  for (size_t k = 0; k < cases.size(); k += 5) {
    const RCCase& c = cases[k];
    INFO(case_str(c));
    std::vector<double> x = data(c.in.count(), seed++), w = data(c.weight.count(), seed++),
                        b = data(c.out().c, seed++);
    const std::vector<double> r = data(c.out().count(), seed++);
    const upsample_ref::ConvGradients g = oracle_backward(c, x, w, r, false);
    auto loss = [&] { return dot(oracle_forward(c, x, w, b), r); };
    auto fd = [&](std::vector<double>& v, size_t i) {
      const double eps = 0.25, v0 = v[i];  // L is linear in each argument: any step is exact
      v[i] = v0 + eps;
      const double up = loss();
      v[i] = v0 - eps;
      const double down = loss();
      v[i] = v0;
      return (up - down) / (2 * eps);
    };
    for (size_t i = 0; i < x.size(); ++i) CHECK(g.input[i] == Approx(fd(x, i)).margin(1e-9));
    for (size_t i = 0; i < w.size(); ++i) CHECK(g.weight[i] == Approx(fd(w, i)).margin(1e-9));
    for (size_t i = 0; i < b.size(); ++i) CHECK(g.bias[i] == Approx(fd(b, i)).margin(1e-9));
  }
}

// ---------------------------------------------------------------------------------------------
// The library.

TEST_CASE(
    "resize_conv2d equals resize then conv2d (library and oracles): nearest and bilinear "
    "by 2 and 3, kernels, padding, stride, dilation, groups, bias, memory arrangements",
    "[resize_conv]") {
  uint32_t seed = 1000;
  for (const RCCase& c : main_cases()) {
    INFO(case_str(c));
    CHECK(check_forward(c, seed) == "");
    seed += 4;
  }
}

TEST_CASE(
    "resize_conv2d: non-integer and per-axis sizes, bicubic, 1x1 input, packed pixels, "
    "a larger image",
    "[resize_conv]") {
  uint32_t seed = 2000;
  for (const RCCase& c : other_cases()) {
    INFO(case_str(c));
    CHECK(check_forward(c, seed) == "");
    seed += 4;
  }
}

TEST_CASE(
    "resize_conv2d_backward: every gradient subset against the composed oracles and "
    "against conv2d_backward + resize_backward",
    "[resize_conv]") {
  uint32_t seed = 3000;
  int i = 0;
  for (const RCCase& c : main_cases()) {
    const int mask = kGradMasks[i++ % 8];
    INFO(case_str(c) << " gradients mask " << mask);
    CHECK(check_backward(c, seed, mask) == "");
    seed += 4;
  }
  for (const RCCase& c : other_cases()) {
    for (int mask : {7, 1}) {
      INFO(case_str(c) << " gradients mask " << mask);
      CHECK(check_backward(c, seed, mask) == "");
      seed += 4;
    }
  }
}

TEST_CASE(
    "resize_conv2d_backward: gradients equal central differences of L = sum(out * R) "
    "through the oracles",
    "[resize_conv]") {
  std::vector<RCCase> cases;
  const std::vector<RCCase> main = main_cases();
  for (size_t k = 0; k < main.size(); k += 3) cases.push_back(main[k]);
  const std::vector<RCCase> other = other_cases();
  for (size_t k = 0; k + 1 < other.size(); ++k) cases.push_back(other[k]);  // not the larger one
  uint32_t seed = 4000;
  for (const RCCase& c : cases) {
    INFO(case_str(c));
    Tensors t(c, seed);
    seed += 4;
    const Shape out = c.out();
    Buffer gib = make_buffer(DType::kFloat32, c.mem, c.in);
    Buffer gwb = make_buffer(DType::kFloat32, c.weight_mem, c.weight);
    Buffer gbb = make_buffer(DType::kFloat32, bias_mem(c), Shape{1, out.c, 1, 1});
    // R is the gradient of L with respect to the output.
    const Status st = upsample::resize_conv2d_backward(t.xb.view, t.wb.view, t.gyb.view, &gib.view,
                                                       &gwb.view, &gbb.view, c.options());
    INFO(st.message());
    REQUIRE(st.ok());
    std::vector<double> x = t.x, w = t.w;
    std::vector<double> b = c.bias ? t.b : std::vector<double>(size_t(out.c), 0.0);
    auto loss = [&] { return dot(oracle_forward(c, x, w, b), t.gy); };
    auto fd = [&](std::vector<double>& v, size_t i) {
      const double eps = 1e-3, v0 = v[i];
      v[i] = v0 + eps;
      const double up = loss();
      v[i] = v0 - eps;
      const double down = loss();
      v[i] = v0;
      return (up - down) / (2 * eps);
    };
    const upsample_ref::ConvGradients scale = oracle_backward(c, t.x, t.w, t.gy, true);
    std::vector<double> fx(x.size()), fw(w.size()), fb(b.size());
    for (size_t i = 0; i < x.size(); ++i) fx[i] = fd(x, i);
    for (size_t i = 0; i < w.size(); ++i) fw[i] = fd(w, i);
    for (size_t i = 0; i < b.size(); ++i) fb[i] = fd(b, i);
    CHECK(compare("grad_input", gib.read(), fx, scale.input, c.in) == "");
    CHECK(compare("grad_weight", gwb.read(), fw, scale.weight, c.weight) == "");
    CHECK(compare("grad_bias", gbb.read(), fb, scale.bias, Shape{1, out.c, 1, 1}) == "");
  }
}

// ---------------------------------------------------------------------------------------------
// Validation: a non-ok Status naming the problem, every output untouched.

namespace {

void check_rejected(const Status& st, const std::vector<const Buffer*>& outputs,
                    const std::vector<std::vector<unsigned char>>& before,
                    std::initializer_list<const char*> words) {
  INFO("status " << upsample::status_code_name(st.code()) << ": \"" << st.message() << "\"");
  CHECK_FALSE(st.ok());
  CHECK((st.code() == StatusCode::kInvalidArgument || st.code() == StatusCode::kOutOfRange));
  CHECK(mentions_any(st.message(), words));
  for (size_t i = 0; i < outputs.size(); ++i) {
    const bool output_unchanged = outputs[i]->snapshot() == before[i];
    CHECK(output_unchanged);
  }
}

// Input (1, 2, 3, 3) resized (nearest) to 6x6, conv2d weight (4, 2, 3, 3), padding 1, bias 4:
// output (1, 4, 6, 6); gradients of the same shapes.
struct RCFixture {
  Buffer in, weight, bias, out, grad_out, grad_in, grad_weight, grad_bias;
  ResizeConv2dOptions options;
  explicit RCFixture(Shape weight_shape = {4, 2, 3, 3}, Shape out_shape = {1, 4, 6, 6}) {
    const Shape in_shape{1, 2, 3, 3};
    in = make_buffer(DType::kFloat32, Mem::kNCHW, in_shape);
    in.fill(data(in_shape.count(), 1));
    weight = make_buffer(DType::kFloat32, Mem::kNCHW, weight_shape);
    weight.fill(data(weight_shape.count(), 2));
    bias = make_buffer(DType::kFloat32, Mem::kNCHW, Shape{1, 4, 1, 1});
    bias.fill(data(4, 3));
    out = make_buffer(DType::kFloat32, Mem::kNCHW, out_shape);
    grad_out = make_buffer(DType::kFloat32, Mem::kNCHW, out_shape);
    grad_out.fill(data(out_shape.count(), 4));
    grad_in = make_buffer(DType::kFloat32, Mem::kNCHW, in_shape);
    grad_weight = make_buffer(DType::kFloat32, Mem::kNCHW, weight_shape);
    grad_bias = make_buffer(DType::kFloat32, Mem::kNCHW, Shape{1, 4, 1, 1});
    options.resize.method = ResizeMethod::kNearest;
    options.resized_h = 6;
    options.resized_w = 6;
    options.conv.padding_h = 1;
    options.conv.padding_w = 1;
  }
  void forward_rejected(const ResizeConv2dOptions& o, std::initializer_list<const char*> words,
                        const upsample::TensorView* in_view = nullptr) {
    const auto before = out.snapshot();
    const auto inputs_before =
        std::vector<std::vector<unsigned char>>{in.snapshot(), weight.snapshot(), bias.snapshot()};
    check_rejected(
        upsample::resize_conv2d(in_view ? *in_view : in.view, weight.view, &bias.view, out.view, o),
        {&out, &in, &weight, &bias}, {before, inputs_before[0], inputs_before[1], inputs_before[2]},
        words);
  }
  void backward_rejected(const ResizeConv2dOptions& o, std::initializer_list<const char*> words,
                         const upsample::TensorView* gi = nullptr,
                         const upsample::TensorView* gw = nullptr,
                         const upsample::TensorView* gb = nullptr) {
    const std::vector<const Buffer*> all = {&grad_in, &grad_weight, &grad_bias,
                                            &in,      &weight,      &grad_out};
    std::vector<std::vector<unsigned char>> before;
    for (const Buffer* b : all) before.push_back(b->snapshot());
    check_rejected(upsample::resize_conv2d_backward(
                       in.view, weight.view, grad_out.view, gi ? gi : &grad_in.view,
                       gw ? gw : &grad_weight.view, gb ? gb : &grad_bias.view, o),
                   all, before, words);
  }
};

}  // namespace

TEST_CASE("resize_conv validation: the fixture itself is accepted", "[resize_conv][validation]") {
  RCFixture f;
  Status st =
      upsample::resize_conv2d(f.in.view, f.weight.view, &f.bias.view, f.out.view, f.options);
  INFO(st.message());
  CHECK(st.ok());
  st = upsample::resize_conv2d_backward(f.in.view, f.weight.view, f.grad_out.view, &f.grad_in.view,
                                        &f.grad_weight.view, &f.grad_bias.view, f.options);
  INFO(st.message());
  CHECK(st.ok());
  // No gradient asked for: nothing to do.
  CHECK(upsample::resize_conv2d_backward(f.in.view, f.weight.view, f.grad_out.view, nullptr,
                                         nullptr, nullptr, f.options)
            .ok());
  // The default options: resized 0x0 is rejected.
  const ResizeConv2dOptions d;
  CHECK((d.resized_h == 0 && d.resized_w == 0 && d.conv.groups == 1 && d.conv.stride_h == 1));
}

TEST_CASE("resize_conv validation: a resized size that is not positive",
          "[resize_conv][validation]") {
  for (std::pair<int64_t, int64_t> size :
       {std::pair<int64_t, int64_t>{0, 6}, {6, 0}, {-3, 6}, {0, 0}}) {
    RCFixture f;
    ResizeConv2dOptions o = f.options;
    o.resized_h = size.first;
    o.resized_w = size.second;
    INFO("resized " << size.first << "x" << size.second);
    f.forward_rejected(o, {"resized", "positive"});
    f.backward_rejected(o, {"resized", "positive"});
  }
}

TEST_CASE("resize_conv validation: a weight that does not match the channels or groups",
          "[resize_conv][validation]") {
  {
    // (4, 3, 3, 3): 3 is not the input's 2 channels.
    RCFixture f({4, 3, 3, 3});
    f.forward_rejected(f.options, {"weight"});
    f.backward_rejected(f.options, {"weight"});
  }
  {
    // (5, 2, 3, 3): 5 is not the output's 4 channels.
    RCFixture f({5, 2, 3, 3});
    f.forward_rejected(f.options, {"weight"});
  }
  {
    // groups 2 with weight (4, 2, ...) describes 4 input channels, not 2.
    RCFixture f;
    ResizeConv2dOptions o = f.options;
    o.conv.groups = 2;
    f.forward_rejected(o, {"weight", "groups"});
    f.backward_rejected(o, {"weight", "groups"});
    o.conv.groups = 0;
    f.forward_rejected(o, {"groups"});
  }
  {
    // A kernel larger than the padded resized input: 9 > 6 + 2.
    RCFixture f({4, 2, 9, 9});
    f.forward_rejected(f.options, {"kernel", "larger"});
    f.backward_rejected(f.options, {"kernel", "larger"});
  }
}

TEST_CASE("resize_conv validation: an output shape that disagrees", "[resize_conv][validation]") {
  for (Shape out : {Shape{1, 4, 6, 7}, Shape{1, 4, 5, 6}, Shape{1, 4, 12, 12}, Shape{1, 3, 6, 6},
                    Shape{2, 4, 6, 6}}) {
    RCFixture f({4, 2, 3, 3}, out);
    INFO(shape_str(out));
    f.forward_rejected(f.options, {"shape", "mismatch", "channels"});
    f.backward_rejected(f.options, {"shape", "mismatch", "channels"});
  }
  // The resize's scale disagrees with the resized size.
  RCFixture f;
  ResizeConv2dOptions o = f.options;
  o.resize.scale_h = 3.0;
  f.forward_rejected(o, {"scale", "disagree"});
  f.backward_rejected(o, {"scale", "disagree"});
  // An unknown resize method.
  o = f.options;
  o.resize.method = static_cast<ResizeMethod>(9);
  f.forward_rejected(o, {"method"});
  f.backward_rejected(o, {"method"});
}

TEST_CASE("resize_conv validation: inputs and gradients of the wrong dtype, shape or null",
          "[resize_conv][validation]") {
  RCFixture f;
  upsample::TensorView v = f.in.view;
  v.dtype = DType::kUInt8;
  f.forward_rejected(f.options, {"dtype", "float32"}, &v);
  v = f.in.view;
  v.data = nullptr;
  f.forward_rejected(f.options, {"null"}, &v);
  // grad_input of the wrong shape.
  Buffer gi_bad = make_buffer(DType::kFloat32, Mem::kNCHW, Shape{1, 2, 3, 4});
  f.backward_rejected(f.options, {"grad_input"}, &gi_bad.view);
  CHECK(gi_bad.check_canaries() == "");
  // grad_weight of the wrong shape.
  Buffer gw_bad = make_buffer(DType::kFloat32, Mem::kNCHW, Shape{4, 2, 3, 2});
  f.backward_rejected(f.options, {"grad_weight"}, nullptr, &gw_bad.view);
  CHECK(gw_bad.check_canaries() == "");
  // grad_bias of the wrong length.
  Buffer gb_bad = make_buffer(DType::kFloat32, Mem::kNCHW, Shape{1, 3, 1, 1});
  f.backward_rejected(f.options, {"grad_bias"}, nullptr, nullptr, &gb_bad.view);
  CHECK(gb_bad.check_canaries() == "");
  // A null grad_input data pointer.
  upsample::TensorView gi = f.grad_in.view;
  gi.data = nullptr;
  f.backward_rejected(f.options, {"null"}, &gi);
}

// An error found in grad_input must leave grad_weight and grad_bias untouched too (an operator
// either succeeds or writes nothing), and grad_input must not overlap the tensors it is computed
// from, as conv2d_backward requires of its gradients.
TEST_CASE("resize_conv validation: a bad grad_input writes no gradient at all",
          "[resize_conv][validation]") {
  {
    RCFixture f;
    Buffer gi_nhwc = make_buffer(DType::kFloat32, Mem::kNHWC, Shape{1, 2, 3, 3});
    f.backward_rejected(f.options, {"layout"}, &gi_nhwc.view);
    CHECK(gi_nhwc.check_canaries() == "");
  }
  {
    RCFixture f;
    Buffer gi_u8 = make_buffer(DType::kUInt8, Mem::kNCHW, Shape{1, 2, 3, 3});
    f.backward_rejected(f.options, {"dtype", "float32"}, &gi_u8.view);
  }
}

TEST_CASE("resize_conv validation: an output overlapping the input, weight or bias",
          "[resize_conv][validation]") {
  // One allocation holding the input; the output starts inside it.
  RCFixture f;
  Buffer shared = make_buffer(DType::kFloat32, Mem::kNCHW, Shape{1, 1, 1, 400});
  shared.fill(data(400, 9));
  upsample::TensorView in = f.in.view, out = f.out.view;
  in.data = shared.view.data;
  out.data = static_cast<float*>(shared.view.data) + 5;
  auto before = shared.snapshot();
  check_rejected(upsample::resize_conv2d(in, f.weight.view, &f.bias.view, out, f.options),
                 {&shared}, {before}, {"overlap"});
  // The weight inside the output.
  shared.fill(data(400, 9));
  upsample::TensorView w = f.weight.view;
  out.data = shared.view.data;
  w.data = static_cast<float*>(shared.view.data) + 20;
  before = shared.snapshot();
  check_rejected(upsample::resize_conv2d(f.in.view, w, &f.bias.view, out, f.options), {&shared},
                 {before}, {"overlap"});
  // The bias inside the output.
  upsample::TensorView b = f.bias.view;
  b.data = static_cast<float*>(shared.view.data) + 3;
  before = shared.snapshot();
  check_rejected(upsample::resize_conv2d(f.in.view, f.weight.view, &b, out, f.options), {&shared},
                 {before}, {"overlap"});
}

TEST_CASE("resize_conv validation: grad_input overlapping the input, weight or grad_output",
          "[resize_conv][validation]") {
  RCFixture f;
  upsample::TensorView gi = f.grad_in.view;
  gi.data = f.in.view.data;
  f.backward_rejected(f.options, {"overlap"}, &gi);
  gi.data = f.grad_out.view.data;
  f.backward_rejected(f.options, {"overlap"}, &gi);
  gi.data = f.weight.view.data;
  f.backward_rejected(f.options, {"overlap"}, &gi);
}
