// upsample::conv_transpose2d / conv2d and their backward passes against the oracle
// (tests/reference/conv_reference.h, PyTorch's definitions): strides 1-3, padding 0-2, output
// padding below max(stride, dilation), dilation 1-2, groups 1/2/4, kernels 1-5 (square and not),
// batch 1-2, 1-3 channels per group and wide channel counts (16-264, across the library's
// 64-channel tile), every memory arrangement with canaries around every output, weights in dense,
// cropped and channel-innermost views; every gradient, and every subset of them (nullptr skips
// one). Then the seeds' worked examples (004, 003, 000, 002) with literal numbers; properties that
// need no oracle (the adjoint identity, finite differences of the forward pass); and the
// validation of bad arguments.
//
// Tolerance: float32 accumulation against the double oracle, |got - want| <= 1e-4 * S + 1e-6
// where S is the sum of |terms| of that element (the oracle applied to absolute values).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "reference/conv_reference.h"
#include "tensor_utils.h"

using namespace upsample_test;
using upsample::Conv2dOptions;
using upsample::ConvTranspose2dOptions;
using upsample::Status;
using upsample::StatusCode;
using upsample_ref::ConvSpec;

namespace {

enum class Op { kConv2d, kConvTranspose2d };

const char* op_str(Op op) {
  return op == Op::kConv2d ? "conv2d" : "conv_transpose2d";
}

Conv2dOptions to_conv2d(const ConvSpec& s) {
  Conv2dOptions o;
  o.stride_h = s.stride_h;
  o.stride_w = s.stride_w;
  o.padding_h = s.padding_h;
  o.padding_w = s.padding_w;
  o.dilation_h = s.dilation_h;
  o.dilation_w = s.dilation_w;
  o.groups = s.groups;
  return o;
}

ConvTranspose2dOptions to_transposed(const ConvSpec& s) {
  ConvTranspose2dOptions o;
  o.stride_h = s.stride_h;
  o.stride_w = s.stride_w;
  o.padding_h = s.padding_h;
  o.padding_w = s.padding_w;
  o.output_padding_h = s.output_padding_h;
  o.output_padding_w = s.output_padding_w;
  o.dilation_h = s.dilation_h;
  o.dilation_w = s.dilation_w;
  o.groups = s.groups;
  return o;
}

ConvSpec make_spec(int sh, int sw, int ph, int pw, int oph, int opw, int dh, int dw, int groups) {
  ConvSpec s;
  s.stride_h = sh;
  s.stride_w = sw;
  s.padding_h = ph;
  s.padding_w = pw;
  s.output_padding_h = oph;
  s.output_padding_w = opw;
  s.dilation_h = dh;
  s.dilation_w = dw;
  s.groups = groups;
  return s;
}

// One configuration: input shape, weight shape in the op's PyTorch layout, options, and where
// the tensors live.
struct ConvCase {
  Op op = Op::kConvTranspose2d;
  Shape in;
  Shape weight;
  ConvSpec spec;
  Mem mem = Mem::kNCHW;         // input, output and their gradients
  Mem weight_mem = Mem::kNCHW;  // weight and its gradient
  bool bias = true;
};

Shape output_shape(const ConvCase& c) {
  return c.op == Op::kConv2d ? upsample_ref::conv2d_shape(c.in, c.weight, c.spec)
                             : upsample_ref::conv_transpose2d_shape(c.in, c.weight, c.spec);
}

std::string case_str(const ConvCase& c) {
  std::ostringstream os;
  os << op_str(c.op) << " input " << shape_str(c.in) << " weight " << shape_str(c.weight) << " "
     << upsample_ref::to_string(c.spec) << " " << mem_str(c.mem) << " weight "
     << mem_str(c.weight_mem) << (c.bias ? " bias" : " no bias");
  return os.str();
}

// Bias views: a dense (1, C, 1, 1) vector or one cropped from a larger buffer.
Mem bias_mem(const ConvCase& c) {
  return c.mem == Mem::kNCHW || c.mem == Mem::kNHWC ? Mem::kNCHW : Mem::kNCHWCrop;
}

// float32 test data in [-1, 1].
std::vector<double> data(int64_t count, uint32_t seed) {
  return random_values(DType::kFloat32, count, seed);
}

std::vector<double> abs_of(std::vector<double> v) {
  for (double& x : v) x = std::fabs(x);
  return v;
}

Status run_forward(Op op, const upsample::TensorView& in, const upsample::TensorView& w,
                   const upsample::TensorView* b, const upsample::TensorView& out,
                   const ConvSpec& s) {
  return op == Op::kConv2d ? upsample::conv2d(in, w, b, out, to_conv2d(s))
                           : upsample::conv_transpose2d(in, w, b, out, to_transposed(s));
}

Status run_backward(Op op, const upsample::TensorView& in, const upsample::TensorView& w,
                    const upsample::TensorView& gy, const upsample::TensorView* gi,
                    const upsample::TensorView* gw, const upsample::TensorView* gb,
                    const ConvSpec& s) {
  return op == Op::kConv2d
             ? upsample::conv2d_backward(in, w, gy, gi, gw, gb, to_conv2d(s))
             : upsample::conv_transpose2d_backward(in, w, gy, gi, gw, gb, to_transposed(s));
}

std::vector<double> oracle_forward(Op op, const std::vector<double>& x, const Shape& in,
                                   const std::vector<double>& w, const Shape& ws,
                                   const std::vector<double>& b, const ConvSpec& s) {
  return op == Op::kConv2d ? upsample_ref::conv2d(x, in, w, ws, b, s)
                           : upsample_ref::conv_transpose2d(x, in, w, ws, b, s);
}

upsample_ref::ConvGradients oracle_backward(Op op, const std::vector<double>& x, const Shape& in,
                                            const std::vector<double>& w, const Shape& ws,
                                            const std::vector<double>& gy, const ConvSpec& s) {
  return op == Op::kConv2d ? upsample_ref::conv2d_backward(x, in, w, ws, gy, s)
                           : upsample_ref::conv_transpose2d_backward(x, in, w, ws, gy, s);
}

// "" when every |got - want| <= rel * scale + abs_tol, else the count and the first failure.
std::string compare(const char* what, const std::vector<double>& got,
                    const std::vector<double>& want, const std::vector<double>& scale,
                    const Shape& shape, double rel = 1e-4, double abs_tol = 1e-6) {
  if (got.size() != want.size() || want.size() != scale.size())
    return std::string(what) + ": sizes";
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

// Runs the forward op of `c` on seeded data; "" when the output matches the oracle, the canaries
// around the output are intact and no input was written.
std::string check_forward(const ConvCase& c, uint32_t seed) {
  const Shape out = output_shape(c);
  const Shape bias_shape{1, out.c, 1, 1};
  const std::vector<double> x = data(c.in.count(), seed);
  const std::vector<double> w = data(c.weight.count(), seed + 1);
  const std::vector<double> b = c.bias ? data(out.c, seed + 2) : std::vector<double>();
  Buffer xb = make_buffer(DType::kFloat32, c.mem, c.in);
  Buffer wb = make_buffer(DType::kFloat32, c.weight_mem, c.weight);
  Buffer bb = make_buffer(DType::kFloat32, bias_mem(c), bias_shape);
  Buffer yb = make_buffer(DType::kFloat32, c.mem, out);
  xb.fill(x);
  wb.fill(w);
  if (c.bias) bb.fill(b);
  const auto x0 = xb.snapshot(), w0 = wb.snapshot(), b0 = bb.snapshot();
  const Status st =
      run_forward(c.op, xb.view, wb.view, c.bias ? &bb.view : nullptr, yb.view, c.spec);
  if (!st.ok()) return std::string(op_str(c.op)) + " returned an error: " + st.message();
  if (xb.snapshot() != x0 || wb.snapshot() != w0 || bb.snapshot() != b0)
    return "an input buffer was modified";
  const std::string canaries = yb.check_canaries();
  if (!canaries.empty()) return "output: " + canaries;
  const std::vector<double> want = oracle_forward(c.op, x, c.in, w, c.weight, b, c.spec);
  const std::vector<double> scale =
      oracle_forward(c.op, abs_of(x), c.in, abs_of(w), c.weight, abs_of(b), c.spec);
  return compare("output", yb.read(), want, scale, out);
}

// Gradient subsets: bit 1 grad_input, 2 grad_weight, 4 grad_bias.
constexpr int kGradMasks[] = {7, 1, 2, 4, 6, 5, 3, 0};

// Runs the backward op of `c`, asking for the gradients in `mask`; "" when each matches the
// oracle, canaries are intact and no input was written.
std::string check_backward(const ConvCase& c, uint32_t seed, int mask) {
  const Shape out = output_shape(c);
  const Shape bias_shape{1, out.c, 1, 1};
  const std::vector<double> x = data(c.in.count(), seed);
  const std::vector<double> w = data(c.weight.count(), seed + 1);
  const std::vector<double> gy = data(out.count(), seed + 2);
  Buffer xb = make_buffer(DType::kFloat32, c.mem, c.in);
  Buffer wb = make_buffer(DType::kFloat32, c.weight_mem, c.weight);
  Buffer gyb = make_buffer(DType::kFloat32, c.mem, out);
  Buffer gib = make_buffer(DType::kFloat32, c.mem, c.in);
  Buffer gwb = make_buffer(DType::kFloat32, c.weight_mem, c.weight);
  Buffer gbb = make_buffer(DType::kFloat32, bias_mem(c), bias_shape);
  xb.fill(x);
  wb.fill(w);
  gyb.fill(gy);
  const auto x0 = xb.snapshot(), w0 = wb.snapshot(), gy0 = gyb.snapshot();
  const Status st =
      run_backward(c.op, xb.view, wb.view, gyb.view, (mask & 1) ? &gib.view : nullptr,
                   (mask & 2) ? &gwb.view : nullptr, (mask & 4) ? &gbb.view : nullptr, c.spec);
  if (!st.ok()) return std::string(op_str(c.op)) + "_backward returned an error: " + st.message();
  if (xb.snapshot() != x0 || wb.snapshot() != w0 || gyb.snapshot() != gy0)
    return "an input buffer was modified";
  const upsample_ref::ConvGradients want = oracle_backward(c.op, x, c.in, w, c.weight, gy, c.spec);
  const upsample_ref::ConvGradients scale =
      oracle_backward(c.op, abs_of(x), c.in, abs_of(w), c.weight, abs_of(gy), c.spec);
  const std::pair<const Buffer*, const char*> grads[3] = {
      {&gib, "grad_input"}, {&gwb, "grad_weight"}, {&gbb, "grad_bias"}};
  for (int k = 0; k < 3; ++k) {
    const std::string canaries = grads[k].first->check_canaries();
    if (!canaries.empty()) return std::string(grads[k].second) + ": " + canaries;
    if (!(mask & (1 << k))) {
      // Not asked for: not a single byte of its buffer was touched.
      for (unsigned char byte : grads[k].first->snapshot())
        if (byte != kCanaryByte) return std::string(grads[k].second) + " was written, not asked";
    }
  }
  std::string r;
  if (mask & 1) r = compare("grad_input", gib.read(), want.input, scale.input, c.in);
  if (r.empty() && (mask & 2))
    r = compare("grad_weight", gwb.read(), want.weight, scale.weight, c.weight);
  if (r.empty() && (mask & 4))
    r = compare("grad_bias", gbb.read(), want.bias, scale.bias, bias_shape);
  return r;
}

// Random configurations (deterministic). Groups cycle 1, 2, 4 and the memory arrangement through
// all five; 1-3 channels per group, kernels 1-5 per axis, strides 1-3, padding 0-2, dilation 1-2,
// output padding below max(stride, dilation), batch 1-2, spatial sizes 1-5 (conv_transpose2d) or
// from the smallest the kernel allows (conv2d).
std::vector<ConvCase> random_cases(Op op, int count, uint32_t seed, int max_kernel = 5,
                                   int max_size = 5) {
  std::mt19937 rng(seed);
  auto pick = [&](int lo, int hi) { return lo + static_cast<int>(rng() % uint32_t(hi - lo + 1)); };
  const int kGroups[] = {1, 2, 4};
  const Mem kWeightMems[] = {Mem::kNCHW, Mem::kNCHWCrop, Mem::kNCHW, Mem::kNHWC};
  std::vector<ConvCase> cases;
  for (int i = 0; i < count; ++i) {
    ConvCase c;
    c.op = op;
    const int g = kGroups[i % 3];
    const int cin_g = pick(1, 3), cout_g = pick(1, 3);
    const int kh = pick(1, max_kernel), kw = pick(1, max_kernel);
    c.spec.groups = g;
    c.spec.stride_h = pick(1, 3);
    c.spec.stride_w = pick(1, 3);
    c.spec.padding_h = pick(0, 2);
    c.spec.padding_w = pick(0, 2);
    c.spec.dilation_h = pick(1, 2);
    c.spec.dilation_w = pick(1, 2);
    int64_t h, w;
    if (op == Op::kConvTranspose2d) {
      c.spec.output_padding_h = pick(0, std::max(c.spec.stride_h, c.spec.dilation_h) - 1);
      c.spec.output_padding_w = pick(0, std::max(c.spec.stride_w, c.spec.dilation_w) - 1);
      h = pick(1, max_size);
      w = pick(1, max_size);
      // Grow the input until the padding no longer crops the whole output.
      auto length = [](int64_t n, int k, int s, int p, int op_, int d) {
        return (n - 1) * s - 2 * p + d * (k - 1) + op_ + 1;
      };
      while (length(h, kh, c.spec.stride_h, c.spec.padding_h, c.spec.output_padding_h,
                    c.spec.dilation_h) < 1)
        ++h;
      while (length(w, kw, c.spec.stride_w, c.spec.padding_w, c.spec.output_padding_w,
                    c.spec.dilation_w) < 1)
        ++w;
      c.weight = Shape{int64_t{g} * cin_g, cout_g, kh, kw};
    } else {
      const int64_t min_h =
          std::max<int64_t>(1, c.spec.dilation_h * (kh - 1) + 1 - 2 * c.spec.padding_h);
      const int64_t min_w =
          std::max<int64_t>(1, c.spec.dilation_w * (kw - 1) + 1 - 2 * c.spec.padding_w);
      h = min_h + pick(0, 4);
      w = min_w + pick(0, 4);
      c.weight = Shape{int64_t{g} * cout_g, cin_g, kh, kw};
    }
    c.in = Shape{pick(1, 2), int64_t{g} * cin_g, h, w};
    c.mem = kAllMems[i % 5];
    c.weight_mem = kWeightMems[(i / 5) % 4];
    c.bias = i % 4 != 3;
    cases.push_back(c);
  }
  return cases;
}

// Wide channel counts: over 64 output channels per group (the correlation's register tile) and
// over 64 input channels per group (the weight gradient's tile), with and without groups.
std::vector<ConvCase> wide_cases() {
  std::vector<ConvCase> cases;
  auto add = [&](Op op, Shape in, Shape weight, ConvSpec spec, Mem mem, Mem weight_mem) {
    ConvCase c;
    c.op = op;
    c.in = in;
    c.weight = weight;
    c.spec = spec;
    c.mem = mem;
    c.weight_mem = weight_mem;
    cases.push_back(c);
  };
  const Op T = Op::kConvTranspose2d, C = Op::kConv2d;
  add(T, {1, 70, 4, 5}, {70, 67, 3, 3}, make_spec(2, 2, 1, 1, 1, 0, 1, 1, 1), Mem::kNCHW,
      Mem::kNCHW);
  // 64 outputs: whole 64-channel blocks, but not whole register tiles where a tile is 12, 24 or
  // 48 channels (NEON, SSE4.1, AVX2): the last tile reaches past channel 63.
  add(T, {1, 8, 5, 4}, {8, 64, 3, 3}, make_spec(2, 2, 1, 1, 1, 0, 1, 1, 1), Mem::kNCHW, Mem::kNCHW);
  add(C, {1, 6, 5, 6}, {64, 6, 3, 3}, make_spec(1, 1, 1, 1, 0, 0, 1, 1, 1), Mem::kNHWC, Mem::kNCHW);
  add(T, {2, 16, 3, 4}, {16, 65, 2, 3}, make_spec(2, 1, 0, 1, 0, 0, 1, 2, 2), Mem::kNHWC,
      Mem::kNCHW);
  add(T, {1, 132, 3, 3}, {132, 17, 3, 3}, make_spec(3, 3, 1, 1, 2, 1, 1, 1, 4), Mem::kNCHWCrop,
      Mem::kNCHWCrop);
  add(T, {1, 16, 4, 4}, {16, 16, 4, 4}, make_spec(2, 2, 1, 1, 0, 0, 1, 1, 1), Mem::kNHWCCrop,
      Mem::kNHWC);
  add(T, {1, 24, 3, 3}, {24, 20, 3, 2}, make_spec(1, 2, 0, 0, 0, 1, 2, 1, 1), Mem::kNHWCWindow,
      Mem::kNCHW);
  add(C, {1, 70, 6, 7}, {66, 70, 3, 3}, make_spec(1, 1, 1, 1, 0, 0, 1, 1, 1), Mem::kNCHW,
      Mem::kNCHW);
  add(C, {2, 130, 5, 5}, {20, 65, 3, 2}, make_spec(2, 1, 1, 0, 0, 0, 1, 1, 2), Mem::kNHWC,
      Mem::kNCHWCrop);
  add(C, {1, 24, 5, 6}, {264, 6, 3, 3}, make_spec(1, 2, 1, 1, 0, 0, 1, 1, 4), Mem::kNCHWCrop,
      Mem::kNCHW);
  add(C, {1, 16, 7, 7}, {16, 16, 3, 3}, make_spec(2, 2, 2, 2, 0, 0, 2, 2, 1), Mem::kNHWCCrop,
      Mem::kNHWC);
  add(C, {1, 68, 4, 5}, {17, 68, 1, 1}, make_spec(1, 1, 0, 0, 0, 0, 1, 1, 1), Mem::kNHWCWindow,
      Mem::kNCHW);
  return cases;
}

// Three and four channels interleaved: the library's packed-pixel paths.
std::vector<ConvCase> packed_pixel_cases() {
  std::vector<ConvCase> cases;
  int i = 0;
  for (Op op : {Op::kConvTranspose2d, Op::kConv2d})
    for (int64_t ch : {3, 4})
      for (Mem mem : {Mem::kNHWC, Mem::kNHWCWindow})
        for (int groups : {1, int(ch)}) {
          ConvCase c;
          c.op = op;
          c.spec =
              make_spec(2, 1 + i % 2, 1, 0, op == Op::kConv2d ? 0 : 1, 0, 1, 1 + i % 2, groups);
          c.in = Shape{1 + i % 2, ch, 5, 6};
          c.weight = Shape{ch, ch / groups, 3, 3};  // both ops: C_in = C_out = ch
          c.mem = mem;
          c.bias = i % 2 == 0;
          cases.push_back(c);
          ++i;
        }
  return cases;
}

// A dense NCHW float32 call through make_input_tensor / make_tensor / make_input_vector_tensor;
// returns the output, or an empty vector (with the message in *error) on failure.
std::vector<double> dense_forward(Op op, const std::vector<double>& x, const Shape& in,
                                  const std::vector<double>& w, const Shape& ws,
                                  const std::vector<double>& b, const ConvSpec& s, const Shape& out,
                                  std::string* error) {
  const std::vector<float> xf(x.begin(), x.end()), wf(w.begin(), w.end()), bf(b.begin(), b.end());
  std::vector<float> yf(static_cast<size_t>(out.count()), -12345.0f);
  const auto xv = upsample::make_input_tensor(xf.data(), DType::kFloat32, Layout::kNCHW, in.n, in.c,
                                              in.h, in.w);
  const auto wv = upsample::make_input_tensor(wf.data(), DType::kFloat32, Layout::kNCHW, ws.n, ws.c,
                                              ws.h, ws.w);
  const auto bv = upsample::make_input_vector_tensor(bf.data(), static_cast<int64_t>(bf.size()));
  const auto yv =
      upsample::make_tensor(yf.data(), DType::kFloat32, Layout::kNCHW, out.n, out.c, out.h, out.w);
  const Status st = run_forward(op, xv, wv, b.empty() ? nullptr : &bv, yv, s);
  if (!st.ok()) {
    *error = st.message();
    return {};
  }
  error->clear();
  return std::vector<double>(yf.begin(), yf.end());
}

// The same for the backward pass: all three gradients.
upsample_ref::ConvGradients dense_backward(Op op, const std::vector<double>& x, const Shape& in,
                                           const std::vector<double>& w, const Shape& ws,
                                           const std::vector<double>& gy, const Shape& out,
                                           const ConvSpec& s, std::string* error) {
  const std::vector<float> xf(x.begin(), x.end()), wf(w.begin(), w.end()),
      gyf(gy.begin(), gy.end());
  std::vector<float> gi(static_cast<size_t>(in.count())), gw(static_cast<size_t>(ws.count())),
      gb(static_cast<size_t>(out.c));
  const auto xv = upsample::make_input_tensor(xf.data(), DType::kFloat32, Layout::kNCHW, in.n, in.c,
                                              in.h, in.w);
  const auto wv = upsample::make_input_tensor(wf.data(), DType::kFloat32, Layout::kNCHW, ws.n, ws.c,
                                              ws.h, ws.w);
  const auto gyv = upsample::make_input_tensor(gyf.data(), DType::kFloat32, Layout::kNCHW, out.n,
                                               out.c, out.h, out.w);
  const auto giv =
      upsample::make_tensor(gi.data(), DType::kFloat32, Layout::kNCHW, in.n, in.c, in.h, in.w);
  const auto gwv =
      upsample::make_tensor(gw.data(), DType::kFloat32, Layout::kNCHW, ws.n, ws.c, ws.h, ws.w);
  const auto gbv = upsample::make_vector_tensor(gb.data(), out.c);
  const Status st = run_backward(op, xv, wv, gyv, &giv, &gwv, &gbv, s);
  upsample_ref::ConvGradients g;
  if (!st.ok()) {
    *error = st.message();
    return g;
  }
  error->clear();
  g.input.assign(gi.begin(), gi.end());
  g.weight.assign(gw.begin(), gw.end());
  g.bias.assign(gb.begin(), gb.end());
  return g;
}

double dot(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0.0;
  for (size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// The oracle checks itself: its gradients (written as their own gathers) against central
// differences of its forward (a scatter for conv_transpose2d), and the adjoint identity between
// its two forwards. Everything is in double, so the agreement is to rounding.

TEST_CASE("conv oracle: gradients equal central differences of the oracle's forward",
          "[conv][reference]") {
  for (Op op : {Op::kConvTranspose2d, Op::kConv2d}) {
    uint32_t seed = 500;
    for (const ConvCase& c : random_cases(op, 24, op == Op::kConv2d ? 71 : 72, 3, 3)) {
      INFO(case_str(c));
      const Shape out = output_shape(c);
      std::vector<double> x = data(c.in.count(), seed++), w = data(c.weight.count(), seed++),
                          b = data(out.c, seed++);
      const std::vector<double> r = data(out.count(), seed++);
      const auto g = oracle_backward(op, x, c.in, w, c.weight, r, c.spec);
      auto loss = [&] { return dot(oracle_forward(op, x, c.in, w, c.weight, b, c.spec), r); };
      const double eps = 0.25;  // the loss is linear in each argument: any step is exact
      auto fd = [&](std::vector<double>& v, size_t i) {
        const double v0 = v[i];
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
}

TEST_CASE("conv oracle: conv_transpose2d is the adjoint of conv2d", "[conv][reference]") {
  uint32_t seed = 900;
  for (const ConvCase& c : random_cases(Op::kConv2d, 60, 73)) {
    INFO(case_str(c));
    const Shape y_shape = output_shape(c);
    ConvSpec t = c.spec;
    t.output_padding_h = static_cast<int>(c.in.h - ((y_shape.h - 1) * t.stride_h - 2 * t.padding_h +
                                                    t.dilation_h * (c.weight.h - 1) + 1));
    t.output_padding_w = static_cast<int>(c.in.w - ((y_shape.w - 1) * t.stride_w - 2 * t.padding_w +
                                                    t.dilation_w * (c.weight.w - 1) + 1));
    const std::vector<double> x = data(c.in.count(), seed++), w = data(c.weight.count(), seed++),
                              y = data(y_shape.count(), seed++);
    const double lhs = dot(upsample_ref::conv2d(x, c.in, w, c.weight, {}, c.spec), y);
    const double rhs = dot(x, upsample_ref::conv_transpose2d(y, y_shape, w, c.weight, {}, t));
    CHECK(lhs == Approx(rhs).margin(1e-9));
  }
}

TEST_CASE("conv oracle: output lengths follow PyTorch's formulas and checks", "[conv][reference]") {
  CHECK(upsample_ref::conv_transpose2d_output_length(2, 3, 2, 0, 0, 1) == 5);
  CHECK(upsample_ref::conv_transpose2d_output_length(2, 3, 1, 0, 0, 1) == 4);
  CHECK(upsample_ref::conv_transpose2d_output_length(2, 3, 2, 1, 1, 1) == 4);
  CHECK(upsample_ref::conv_transpose2d_output_length(3, 3, 1, 0, 1, 2) == 8);
  CHECK_THROWS(upsample_ref::conv_transpose2d_output_length(3, 3, 2, 0, 2, 1));
  CHECK_THROWS(upsample_ref::conv_transpose2d_output_length(1, 1, 1, 1, 0, 1));
  CHECK(upsample_ref::conv2d_output_length(4, 3, 1, 0, 1) == 2);
  CHECK(upsample_ref::conv2d_output_length(7, 3, 2, 0, 1) == 3);
  CHECK(upsample_ref::conv2d_output_length(4, 3, 2, 1, 2) == 1);
  CHECK_THROWS(upsample_ref::conv2d_output_length(2, 3, 1, 0, 1));
  CHECK_THROWS(upsample_ref::conv2d_output_length(4, 3, 0, 0, 1));
}

// ---------------------------------------------------------------------------------------------
// The library against the oracle.

TEST_CASE(
    "conv_transpose2d matches the oracle across strides, padding, output padding, "
    "dilation, groups, kernels and memory arrangements",
    "[conv]") {
  uint32_t seed = 1000;
  for (const ConvCase& c : random_cases(Op::kConvTranspose2d, 300, 1)) {
    INFO(case_str(c));
    CHECK(check_forward(c, seed) == "");
    seed += 3;
  }
}

TEST_CASE(
    "conv2d matches the oracle across strides, padding, dilation, groups, kernels and "
    "memory arrangements",
    "[conv]") {
  uint32_t seed = 2000;
  for (const ConvCase& c : random_cases(Op::kConv2d, 300, 2)) {
    INFO(case_str(c));
    CHECK(check_forward(c, seed) == "");
    seed += 3;
  }
}

TEST_CASE(
    "conv_transpose2d_backward: grad_input, grad_weight and grad_bias (any subset) match "
    "the oracle",
    "[conv]") {
  uint32_t seed = 3000;
  int i = 0;
  for (const ConvCase& c : random_cases(Op::kConvTranspose2d, 240, 3)) {
    const int mask = kGradMasks[i++ % 8];
    INFO(case_str(c) << " gradients mask " << mask);
    CHECK(check_backward(c, seed, mask) == "");
    seed += 3;
  }
}

TEST_CASE("conv2d_backward: grad_input, grad_weight and grad_bias (any subset) match the oracle",
          "[conv]") {
  uint32_t seed = 4000;
  int i = 0;
  for (const ConvCase& c : random_cases(Op::kConv2d, 240, 4)) {
    const int mask = kGradMasks[i++ % 8];
    INFO(case_str(c) << " gradients mask " << mask);
    CHECK(check_backward(c, seed, mask) == "");
    seed += 3;
  }
}

TEST_CASE("conv: wide channel counts (16-264, across the 64-channel tile), forward and backward",
          "[conv]") {
  uint32_t seed = 5000;
  for (const ConvCase& c : wide_cases()) {
    INFO(case_str(c));
    CHECK(check_forward(c, seed) == "");
    CHECK(check_backward(c, seed + 7, 7) == "");
    seed += 20;
  }
}

TEST_CASE("conv: larger images (vector bodies and tails, many rows), forward and backward",
          "[conv]") {
  std::vector<ConvCase> cases;
  auto add = [&](Op op, Shape in, Shape weight, ConvSpec spec, Mem mem) {
    ConvCase c;
    c.op = op;
    c.in = in;
    c.weight = weight;
    c.spec = spec;
    c.mem = mem;
    c.weight_mem = mem == Mem::kNCHWCrop ? Mem::kNCHWCrop : Mem::kNCHW;
    cases.push_back(c);
  };
  const Op T = Op::kConvTranspose2d, C = Op::kConv2d;
  add(T, {2, 3, 17, 37}, {3, 5, 4, 4}, make_spec(2, 2, 1, 1, 0, 0, 1, 1, 1), Mem::kNCHW);
  add(T, {1, 4, 21, 19}, {4, 2, 3, 5}, make_spec(3, 2, 1, 2, 2, 1, 1, 1, 2), Mem::kNHWC);
  add(T, {1, 8, 16, 33}, {8, 3, 3, 3}, make_spec(2, 2, 0, 0, 1, 1, 2, 2, 1), Mem::kNCHWCrop);
  add(T, {1, 2, 40, 13}, {2, 2, 5, 2}, make_spec(1, 1, 2, 0, 0, 0, 1, 1, 1), Mem::kNHWCCrop);
  add(C, {2, 3, 35, 41}, {5, 3, 4, 4}, make_spec(2, 2, 1, 1, 0, 0, 1, 1, 1), Mem::kNCHW);
  add(C, {1, 4, 29, 67}, {6, 2, 3, 5}, make_spec(1, 2, 1, 2, 0, 0, 2, 1, 2), Mem::kNHWC);
  add(C, {1, 8, 33, 18}, {3, 8, 3, 3}, make_spec(3, 1, 2, 1, 0, 0, 1, 2, 1), Mem::kNCHWCrop);
  add(C, {1, 4, 19, 47}, {4, 1, 5, 2}, make_spec(1, 1, 0, 1, 0, 0, 1, 1, 4), Mem::kNHWCWindow);
  uint32_t seed = 5500;
  for (const ConvCase& c : cases) {
    INFO(case_str(c));
    CHECK(check_forward(c, seed) == "");
    CHECK(check_backward(c, seed + 7, 7) == "");
    seed += 20;
  }
}

// Planar outputs of stride 2 along x run both x phases in one call (ConvPhases), which stores
// whole periods of two columns: tiles of 2 x (8 to 64) columns where a row is wide enough, a
// guarded partial tile where it is not, and an odd last column on its own.
TEST_CASE(
    "conv_transpose2d, stride 2 along x on planar outputs: output widths 1 to 130 (odd and "
    "even), x phases no tap reaches, channel tails, groups and crops, forward and backward",
    "[conv]") {
  std::vector<ConvCase> cases;
  auto add = [&](Shape in, Shape weight, ConvSpec spec, Mem mem) {
    ConvCase c;
    c.op = Op::kConvTranspose2d;
    c.in = in;
    c.weight = weight;
    c.spec = spec;
    c.mem = mem;
    c.weight_mem = Mem::kNCHW;
    cases.push_back(c);
  };
  // Output width (W - 1) * 2 - 2 * padding + dilation * (kernel - 1) + output padding + 1: 2W
  // and 2W - 1 here.
  for (const int64_t width : {1, 2, 3, 8, 12, 16, 17, 24, 25, 32, 33, 48, 64, 65}) {
    add({1, 3, 3, width}, {3, 5, 3, 4}, make_spec(2, 2, 1, 1, 0, 0, 1, 1, 1), Mem::kNCHW);
    add({1, 2, 2, width}, {2, 3, 2, 3}, make_spec(1, 2, 0, 1, 0, 0, 1, 1, 1), Mem::kNCHWCrop);
  }
  // Kernel 1: odd columns are the bias. Dilation 2: every tap lands on even columns.
  add({2, 4, 3, 21}, {4, 6, 1, 1}, make_spec(2, 2, 0, 0, 1, 1, 1, 1, 1), Mem::kNCHW);
  add({1, 4, 3, 20}, {4, 6, 3, 3}, make_spec(2, 2, 1, 1, 0, 0, 2, 2, 2), Mem::kNCHW);
  // Channel tails past a 16-channel tile, groups, stride 3 along y.
  add({1, 6, 4, 35}, {6, 35, 4, 4}, make_spec(3, 2, 1, 1, 2, 1, 1, 1, 1), Mem::kNCHWCrop);
  add({2, 8, 3, 18}, {8, 9, 5, 5}, make_spec(2, 2, 2, 2, 1, 0, 1, 1, 2), Mem::kNCHW);
  uint32_t seed = 5800;
  for (const ConvCase& c : cases) {
    INFO(case_str(c));
    CHECK(check_forward(c, seed) == "");
    CHECK(check_backward(c, seed + 7, 7) == "");
    seed += 20;
  }
}

TEST_CASE("conv: 3 and 4 interleaved channels (packed pixels), forward and backward", "[conv]") {
  uint32_t seed = 6000;
  for (const ConvCase& c : packed_pixel_cases()) {
    INFO(case_str(c));
    CHECK(check_forward(c, seed) == "");
    CHECK(check_backward(c, seed + 7, 7) == "");
    seed += 20;
  }
}

TEST_CASE("conv: output padding below the dilation (stride 1) is accepted and matches the oracle",
          "[conv]") {
  // PyTorch allows output_padding < max(stride, dilation): with stride 1 only the dilation
  // permits it. The extra rows / columns are reached by no tap: they hold the bias.
  ConvCase c;
  c.op = Op::kConvTranspose2d;
  c.in = Shape{1, 2, 3, 4};
  c.weight = Shape{2, 3, 3, 2};
  c.spec = make_spec(1, 1, 0, 1, 1, 2, 2, 3, 1);
  for (Mem mem : kAllMems) {
    c.mem = mem;
    INFO(case_str(c));
    CHECK(output_shape(c).h == 8);
    CHECK(check_forward(c, 77) == "");
    CHECK(check_backward(c, 78, 7) == "");
  }
}

TEST_CASE("conv: a 1x1 input, a 1x1 kernel, and outputs no tap reaches", "[conv]") {
  std::vector<ConvCase> cases;
  ConvCase c;
  c.op = Op::kConvTranspose2d;
  c.in = Shape{1, 1, 1, 1};
  c.weight = Shape{1, 1, 1, 1};
  cases.push_back(c);
  // Stride 3 with a 1x1 kernel: two of every three rows and columns are only the bias.
  c.in = Shape{2, 2, 3, 2};
  c.weight = Shape{2, 2, 1, 1};
  c.spec = make_spec(3, 3, 0, 0, 2, 2, 1, 1, 1);
  cases.push_back(c);
  // Padding crops all but one output.
  c.in = Shape{1, 2, 2, 2};
  c.weight = Shape{2, 1, 2, 2};
  c.spec = make_spec(1, 1, 1, 1, 0, 0, 1, 1, 2);
  cases.push_back(c);
  // conv2d whose stride skips input rows and columns entirely (their input gradient is zero).
  c.op = Op::kConv2d;
  c.in = Shape{1, 2, 7, 8};
  c.weight = Shape{3, 2, 1, 2};
  c.spec = make_spec(3, 3, 0, 0, 0, 0, 1, 1, 1);
  cases.push_back(c);
  // conv2d: the kernel exactly as large as the padded input.
  c.in = Shape{1, 1, 2, 3};
  c.weight = Shape{2, 1, 4, 3};
  c.spec = make_spec(1, 2, 1, 1, 0, 0, 1, 2, 1);
  cases.push_back(c);
  uint32_t seed = 7000;
  for (const ConvCase& k : cases)
    for (Mem mem : kAllMems) {
      ConvCase m = k;
      m.mem = mem;
      INFO(case_str(m));
      CHECK(check_forward(m, seed) == "");
      CHECK(check_backward(m, seed + 5, 7) == "");
      seed += 10;
    }
}

// ---------------------------------------------------------------------------------------------
// The seeds' worked examples.

// Seed 004: "Output contains copies of the kernel weighted by the values in the input. For any
// overlapping region, the output is the sum of the weighted entries." Input [[2,0],[4,1]], kernel
// [[4,2,1],[1,0,3],[0,5,2]], stride 2: (2 - 1) * 2 + 3 = 5. The seed's first copy reads
// "8 4 2 / 2 0 6 / 0 10 2"; the last entry is 2 * 2 = 4 by its own rule (its text lost a digit
// with the figures), which the hand sum below uses:
//   2 * K at (0, 0):  8 4 2 / 2 0 6 / 0 10 4
//   0 * K at (0, 2):  zeros
//   4 * K at (2, 0): 16 8 4 / 4 0 12 / 0 20 8
//   1 * K at (2, 2):  4 2 1 / 1 0 3 / 0 5 2
TEST_CASE("conv seed 004: transposed convolution of [[2,0],[4,1]] with a 3x3 kernel, stride 2",
          "[conv][seeds]") {
  const std::vector<double> x = {2, 0, 4, 1};
  const std::vector<double> k = {4, 2, 1, 1, 0, 3, 0, 5, 2};
  const std::vector<double> expected = {
      8,  4,  2,  0, 0,  //
      2,  0,  6,  0, 0,  //
      16, 18, 12, 2, 1,  //
      4,  0,  13, 0, 3,  //
      0,  20, 8,  5, 2,  //
  };
  const Shape in{1, 1, 2, 2}, ws{1, 1, 3, 3}, out{1, 1, 5, 5};
  const ConvSpec s = make_spec(2, 2, 0, 0, 0, 0, 1, 1, 1);
  CHECK(upsample_ref::conv_transpose2d_shape(in, ws, s).h == 5);
  CHECK(upsample_ref::conv_transpose2d(x, in, k, ws, {}, s) == expected);
  std::string error;
  CHECK(dense_forward(Op::kConvTranspose2d, x, in, k, ws, {}, s, out, &error) == expected);
  CHECK(error == "");
  // Every memory arrangement, and a bias added to every output.
  for (Mem mem : kAllMems) {
    INFO(mem_str(mem));
    Buffer xb = make_buffer(DType::kFloat32, mem, in);
    Buffer wb = make_buffer(DType::kFloat32, Mem::kNCHW, ws);
    Buffer yb = make_buffer(DType::kFloat32, mem, out);
    xb.fill(x);
    wb.fill(k);
    const float bias = 0.5f;
    const auto bv = upsample::make_input_vector_tensor(&bias, 1);
    REQUIRE(upsample::conv_transpose2d(xb.view, wb.view, &bv, yb.view, to_transposed(s)).ok());
    CHECK(yb.check_canaries() == "");
    std::vector<double> plus_bias = expected;
    for (double& v : plus_bias) v += 0.5;
    CHECK(yb.read() == plus_bias);
  }
}

// Seed 003: "Suppose we have 2x1 input, 3x1 filter, and transpose convolution with the stride of
// 2. Then the output of the operation has the size of 5x1, which is obtained by copying each input
// value weighted by the filter, summing the overlaps ... if the stride is one, then the output
// size becomes 4x1." With input (a, b) and filter (x, y, z): stride 2 gives
// (a x, a y, a z + b x, b y, b z); stride 1 gives (a x, a y + b x, a z + b y, b z). The figure's
// numbers were lost: a, b = 2, 3 and x, y, z = 1, 4, 5 here.
TEST_CASE(
    "conv seed 003: 1-D transposed convolution, 2x1 input, 3x1 filter, stride 2 -> 5x1, "
    "stride 1 -> 4x1",
    "[conv][seeds]") {
  const std::vector<double> x = {2, 3}, k = {1, 4, 5};
  const std::vector<double> stride2 = {2, 8, 13, 12, 15};  // 2, 2*4, 2*5 + 3*1, 3*4, 3*5
  const std::vector<double> stride1 = {2, 11, 22, 15};     // 2, 2*4 + 3, 2*5 + 3*4, 3*5
  std::string error;
  // Along H (2x1 as rows) and along W (1x2 as columns).
  const ConvSpec s2 = make_spec(2, 2, 0, 0, 0, 0, 1, 1, 1);
  const ConvSpec s1 = make_spec(1, 1, 0, 0, 0, 0, 1, 1, 1);
  CHECK(dense_forward(Op::kConvTranspose2d, x, {1, 1, 2, 1}, k, {1, 1, 3, 1}, {}, s2, {1, 1, 5, 1},
                      &error) == stride2);
  CHECK(error == "");
  CHECK(dense_forward(Op::kConvTranspose2d, x, {1, 1, 1, 2}, k, {1, 1, 1, 3}, {}, s2, {1, 1, 1, 5},
                      &error) == stride2);
  CHECK(error == "");
  CHECK(dense_forward(Op::kConvTranspose2d, x, {1, 1, 2, 1}, k, {1, 1, 3, 1}, {}, s1, {1, 1, 4, 1},
                      &error) == stride1);
  CHECK(error == "");
  CHECK(dense_forward(Op::kConvTranspose2d, x, {1, 1, 1, 2}, k, {1, 1, 1, 3}, {}, s1, {1, 1, 1, 4},
                      &error) == stride1);
  CHECK(error == "");
  CHECK(upsample_ref::conv_transpose2d(x, {1, 1, 2, 1}, k, {1, 1, 3, 1}, {}, s2) == stride2);
  CHECK(upsample_ref::conv_transpose2d(x, {1, 1, 2, 1}, k, {1, 1, 3, 1}, {}, s1) == stride1);
  int64_t len = 0;
  REQUIRE(upsample::conv_transpose2d_output_length(2, 3, 2, 0, 0, 1, &len).ok());
  CHECK(len == 5);
  REQUIRE(upsample::conv_transpose2d_output_length(2, 3, 1, 0, 0, 1, &len).ok());
  CHECK(len == 4);
}

// Seed 000: "Step 1: Expand with zeros ... (stride 2) [1,0,2,0],[0,0,0,0],[3,0,4,0],[0,0,0,0].
// Step 2: ... apply the filters like in convolution on the expanded matrix ... filter stride 1
// padding 1." That is conv_transpose2d with stride 2, padding 1, output padding 1 (the zero row
// and column at the end) and a 3x3 kernel: 4x4 = (2 - 1) * 2 - 2 + 2 + 1 + 1. The convolution of
// step 2 uses the flipped kernel (a transposed convolution scatters; a convolution gathers).
// With K = [[1,2,0],[0,1,3],[2,0,1]] the scatter of 1K, 2K, 3K, 4K at (0,0), (0,2), (2,0), (2,2)
// is the 5x5 [[1,2,2,4,0],[0,1,3,2,6],[5,6,9,8,2],[0,3,9,4,12],[6,0,11,0,4]], cropped by the
// padding to rows and columns 1-4.
TEST_CASE(
    "conv seed 000: transposed convolution of [[1,2],[3,4]] at stride 2 is a convolution of "
    "the zero-inserted input",
    "[conv][seeds]") {
  const std::vector<double> x = {1, 2, 3, 4};
  const std::vector<double> k = {1, 2, 0, 0, 1, 3, 2, 0, 1};
  const std::vector<double> zero_inserted = {
      1, 0, 2, 0,  //
      0, 0, 0, 0,  //
      3, 0, 4, 0,  //
      0, 0, 0, 0,  //
  };
  const std::vector<double> expected = {
      1, 3,  2, 6,   //
      6, 9,  8, 2,   //
      3, 9,  4, 12,  //
      0, 11, 0, 4,   //
  };
  std::vector<double> flipped(9);
  for (int i = 0; i < 9; ++i) flipped[static_cast<size_t>(i)] = k[static_cast<size_t>(8 - i)];
  // Step 2 by hand: a stride-1 correlation of the zero-inserted input, zero-padded by 1, with the
  // flipped kernel.
  std::vector<double> by_hand(16, 0.0);
  for (int oy = 0; oy < 4; ++oy)
    for (int ox = 0; ox < 4; ++ox)
      for (int a = 0; a < 3; ++a)
        for (int b = 0; b < 3; ++b) {
          const int iy = oy - 1 + a, ix = ox - 1 + b;
          if (iy < 0 || iy >= 4 || ix < 0 || ix >= 4) continue;
          by_hand[static_cast<size_t>(oy * 4 + ox)] +=
              zero_inserted[static_cast<size_t>(iy * 4 + ix)] *
              flipped[static_cast<size_t>(a * 3 + b)];
        }
  CHECK(by_hand == expected);

  const Shape in{1, 1, 2, 2}, ws{1, 1, 3, 3}, out{1, 1, 4, 4};
  const ConvSpec t = make_spec(2, 2, 1, 1, 1, 1, 1, 1, 1);
  const ConvSpec c = make_spec(1, 1, 1, 1, 0, 0, 1, 1, 1);
  std::string error;
  CHECK(dense_forward(Op::kConvTranspose2d, x, in, k, ws, {}, t, out, &error) == expected);
  CHECK(error == "");
  // The library's own conv2d on the zero-inserted input gives the same.
  CHECK(dense_forward(Op::kConv2d, zero_inserted, out, flipped, ws, {}, c, out, &error) ==
        expected);
  CHECK(error == "");
  CHECK(upsample_ref::conv_transpose2d(x, in, k, ws, {}, t) == expected);

  // And without padding: the full 5x5 result is the correlation of the zero-inserted 3x3 (no
  // output padding) padded by k - 1 = 2.
  const std::vector<double> full = {
      1, 2, 2,  4, 0,   //
      0, 1, 3,  2, 6,   //
      5, 6, 9,  8, 2,   //
      0, 3, 9,  4, 12,  //
      6, 0, 11, 0, 4,   //
  };
  const std::vector<double> zero_inserted3 = {1, 0, 2, 0, 0, 0, 3, 0, 4};
  CHECK(dense_forward(Op::kConvTranspose2d, x, in, k, ws, {}, make_spec(2, 2, 0, 0, 0, 0, 1, 1, 1),
                      {1, 1, 5, 5}, &error) == full);
  CHECK(error == "");
  CHECK(dense_forward(Op::kConv2d, zero_inserted3, {1, 1, 3, 3}, flipped, ws, {},
                      make_spec(1, 1, 2, 2, 0, 0, 1, 1, 1), {1, 1, 5, 5}, &error) == full);
  CHECK(error == "");
}

// The same identity in general: conv_transpose2d(x) with stride s, padding p, output padding op
// and dilation d equals conv2d of x with s - 1 zeros inserted between neighbours and op zeros
// appended, zero-padded by d (k - 1) - p, with the kernel flipped and its channel axes swapped
// (the padding must be non-negative: p <= d (k - 1)).
TEST_CASE(
    "conv: conv_transpose2d equals a stride-1 conv2d of the zero-inserted input with the "
    "flipped kernel",
    "[conv][seeds]") {
  std::mt19937 rng(31);
  auto pick = [&](int lo, int hi) { return lo + static_cast<int>(rng() % uint32_t(hi - lo + 1)); };
  int checked = 0;
  for (int iter = 0; iter < 40; ++iter) {
    const int s = pick(1, 3), d = pick(1, 2), k = pick(1, 4), groups = pick(1, 2);
    const int p = pick(0, d * (k - 1)), op = pick(0, std::max(s, d) - 1);
    const int cin_g = pick(1, 2), cout_g = pick(1, 2);
    const Shape in{pick(1, 2), int64_t{groups} * cin_g, pick(1, 4), pick(1, 4)};
    const Shape ws{in.c, cout_g, k, k};
    const ConvSpec t = make_spec(s, s, p, p, op, op, d, d, groups);
    Shape out;
    try {
      out = upsample_ref::conv_transpose2d_shape(in, ws, t);
    } catch (const std::invalid_argument&) {
      continue;
    }
    INFO("input " << shape_str(in) << " k " << k << " " << upsample_ref::to_string(t));
    // Zero insertion: (H - 1) * s + 1 + op rows.
    const Shape z{in.n, in.c, (in.h - 1) * s + 1 + op, (in.w - 1) * s + 1 + op};
    const std::vector<double> x = data(in.count(), 40 + iter);
    std::vector<double> zi(static_cast<size_t>(z.count()), 0.0);
    for (int64_t n = 0; n < in.n; ++n)
      for (int64_t c = 0; c < in.c; ++c)
        for (int64_t h = 0; h < in.h; ++h)
          for (int64_t w = 0; w < in.w; ++w)
            zi[static_cast<size_t>(((n * z.c + c) * z.h + h * s) * z.w + w * s)] =
                x[static_cast<size_t>(((n * in.c + c) * in.h + h) * in.w + w)];
    // The flipped kernel with C_in and C_out / G swapped: conv2d weight (C_out, C_in / G, k, k).
    const std::vector<double> wt = data(ws.count(), 80 + iter);
    const Shape wc{int64_t{groups} * cout_g, cin_g, k, k};
    std::vector<double> wf(static_cast<size_t>(wc.count()));
    for (int g = 0; g < groups; ++g)
      for (int i = 0; i < cin_g; ++i)
        for (int o = 0; o < cout_g; ++o)
          for (int a = 0; a < k; ++a)
            for (int b = 0; b < k; ++b)
              wf[static_cast<size_t>((((g * cout_g + o) * cin_g + i) * k + a) * k + b)] =
                  wt[static_cast<size_t>((((g * cin_g + i) * cout_g + o) * k + (k - 1 - a)) * k +
                                         (k - 1 - b))];
    const int pad = d * (k - 1) - p;
    // conv2d pads both sides by `pad`; the zero rows of output padding are already in z.
    const ConvSpec c = make_spec(1, 1, pad, pad, 0, 0, d, d, groups);
    REQUIRE(upsample_ref::conv2d_shape(z, wc, c).h == out.h);
    std::string e1, e2;
    const auto a = dense_forward(Op::kConvTranspose2d, x, in, wt, ws, {}, t, out, &e1);
    const auto b = dense_forward(Op::kConv2d, zi, z, wf, wc, {}, c, out, &e2);
    CHECK(e1 == "");
    CHECK(e2 == "");
    REQUIRE(a.size() == b.size());
    const auto scale = upsample_ref::conv_transpose2d(abs_of(x), in, abs_of(wt), ws, {}, t);
    CHECK(compare("zero insertion", a, b, scale, out) == "");
    ++checked;
  }
  CHECK(checked >= 20);
}

// Seed 002: "we have a 4x4 image. Convolution kernel is of size 3x3 ... no padding and stride
// length one, output is 2x2 ... the kernel values rearranged and inserted in a matrix of size
// 4x16. Image matrix is converted into vector of size 16x1. Matrix multiplication of this two
// results into an output vector of size 4x1." The transposed convolution multiplies by C^T: 2x2
// back to 4x4. Kernel 1..9 (row-major): row r = (oy, ox) of C holds the kernel rows at columns
// (oy + a) * 4 + ox + b.
TEST_CASE(
    "conv seed 002: conv2d is multiplication by the 4x16 convolution matrix, "
    "conv_transpose2d by its transpose",
    "[conv][seeds]") {
  const std::vector<double> k = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  const double C[4][16] = {
      {1, 2, 3, 0, 4, 5, 6, 0, 7, 8, 9, 0, 0, 0, 0, 0},
      {0, 1, 2, 3, 0, 4, 5, 6, 0, 7, 8, 9, 0, 0, 0, 0},
      {0, 0, 0, 0, 1, 2, 3, 0, 4, 5, 6, 0, 7, 8, 9, 0},
      {0, 0, 0, 0, 0, 1, 2, 3, 0, 4, 5, 6, 0, 7, 8, 9},
  };
  // The matrix from its definition agrees with the literal one.
  for (int oy = 0; oy < 2; ++oy)
    for (int ox = 0; ox < 2; ++ox)
      for (int iy = 0; iy < 4; ++iy)
        for (int ix = 0; ix < 4; ++ix) {
          const int a = iy - oy, b = ix - ox;
          const double v =
              (a >= 0 && a < 3 && b >= 0 && b < 3) ? k[static_cast<size_t>(a * 3 + b)] : 0;
          CHECK(C[oy * 2 + ox][iy * 4 + ix] == v);
        }
  const std::vector<double> x = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3};
  const std::vector<double> y = {2, 7, 1, 8};
  std::vector<double> cx(4, 0.0), cty(16, 0.0);
  for (int r = 0; r < 4; ++r)
    for (int j = 0; j < 16; ++j) {
      cx[static_cast<size_t>(r)] += C[r][j] * x[static_cast<size_t>(j)];
      cty[static_cast<size_t>(j)] += C[r][j] * y[static_cast<size_t>(r)];
    }
  const ConvSpec s = make_spec(1, 1, 0, 0, 0, 0, 1, 1, 1);
  std::string error;
  CHECK(dense_forward(Op::kConv2d, x, {1, 1, 4, 4}, k, {1, 1, 3, 3}, {}, s, {1, 1, 2, 2}, &error) ==
        cx);
  CHECK(error == "");
  CHECK(dense_forward(Op::kConvTranspose2d, y, {1, 1, 2, 2}, k, {1, 1, 3, 3}, {}, s, {1, 1, 4, 4},
                      &error) == cty);
  CHECK(error == "");
  // The backward passes multiply by the same matrices: conv2d's grad_input is C^T g and
  // conv_transpose2d's is C g.
  auto g =
      dense_backward(Op::kConv2d, x, {1, 1, 4, 4}, k, {1, 1, 3, 3}, y, {1, 1, 2, 2}, s, &error);
  CHECK(error == "");
  CHECK(g.input == cty);
  g = dense_backward(Op::kConvTranspose2d, y, {1, 1, 2, 2}, k, {1, 1, 3, 3}, x, {1, 1, 4, 4}, s,
                     &error);
  CHECK(error == "");
  CHECK(g.input == cx);

  // Seed 003: "The behavior of transpose convolution becomes more clear when we have an example
  // with the stride of 2": the matrix of a stride-2, padding-1 convolution of the same 4x4 input
  // (C[r][(iy, ix)] = K[iy - 2 oy + 1][ix - 2 ox + 1]) and its transpose, which with output
  // padding 1 maps 2x2 back to 4x4.
  double C2[4][16] = {};
  for (int oy = 0; oy < 2; ++oy)
    for (int ox = 0; ox < 2; ++ox)
      for (int iy = 0; iy < 4; ++iy)
        for (int ix = 0; ix < 4; ++ix) {
          const int a = iy - 2 * oy + 1, b = ix - 2 * ox + 1;
          if (a >= 0 && a < 3 && b >= 0 && b < 3)
            C2[oy * 2 + ox][iy * 4 + ix] = k[static_cast<size_t>(a * 3 + b)];
        }
  std::vector<double> c2x(4, 0.0), c2ty(16, 0.0);
  for (int r = 0; r < 4; ++r)
    for (int j = 0; j < 16; ++j) {
      c2x[static_cast<size_t>(r)] += C2[r][j] * x[static_cast<size_t>(j)];
      c2ty[static_cast<size_t>(j)] += C2[r][j] * y[static_cast<size_t>(r)];
    }
  CHECK(dense_forward(Op::kConv2d, x, {1, 1, 4, 4}, k, {1, 1, 3, 3}, {},
                      make_spec(2, 2, 1, 1, 0, 0, 1, 1, 1), {1, 1, 2, 2}, &error) == c2x);
  CHECK(error == "");
  CHECK(dense_forward(Op::kConvTranspose2d, y, {1, 1, 2, 2}, k, {1, 1, 3, 3}, {},
                      make_spec(2, 2, 1, 1, 1, 1, 1, 1, 1), {1, 1, 4, 4}, &error) == c2ty);
  CHECK(error == "");
}

// ---------------------------------------------------------------------------------------------
// Properties that need no oracle.

// <conv2d(x), y> = <x, conv_transpose2d(y)> for the same weights and options, the transposed
// output padding chosen so that it returns to x's size.
TEST_CASE("conv: conv_transpose2d is the adjoint of conv2d (library only)", "[conv]") {
  uint32_t seed = 8000;
  for (const ConvCase& c : random_cases(Op::kConv2d, 150, 8)) {
    INFO(case_str(c));
    const Shape y_shape = output_shape(c);
    ConvSpec t = c.spec;
    t.output_padding_h = static_cast<int>(c.in.h - ((y_shape.h - 1) * t.stride_h - 2 * t.padding_h +
                                                    t.dilation_h * (c.weight.h - 1) + 1));
    t.output_padding_w = static_cast<int>(c.in.w - ((y_shape.w - 1) * t.stride_w - 2 * t.padding_w +
                                                    t.dilation_w * (c.weight.w - 1) + 1));
    const std::vector<double> x = data(c.in.count(), seed), w = data(c.weight.count(), seed + 1),
                              y = data(y_shape.count(), seed + 2);
    seed += 3;
    Buffer xb = make_buffer(DType::kFloat32, c.mem, c.in);
    Buffer wb = make_buffer(DType::kFloat32, c.weight_mem, c.weight);
    Buffer yb = make_buffer(DType::kFloat32, c.mem, y_shape);
    Buffer cxb = make_buffer(DType::kFloat32, c.mem, y_shape);
    Buffer tyb = make_buffer(DType::kFloat32, c.mem, c.in);
    xb.fill(x);
    wb.fill(w);
    yb.fill(y);
    const Status s1 = upsample::conv2d(xb.view, wb.view, nullptr, cxb.view, to_conv2d(c.spec));
    const Status s2 =
        upsample::conv_transpose2d(yb.view, wb.view, nullptr, tyb.view, to_transposed(t));
    INFO(s1.message() << " / " << s2.message());
    REQUIRE(s1.ok());
    REQUIRE(s2.ok());
    const std::vector<double> cx = cxb.read(), ty = tyb.read();
    const double lhs = dot(cx, y), rhs = dot(x, ty);
    // Scale: the same products in absolute value, from the library too.
    Buffer axb = make_buffer(DType::kFloat32, c.mem, c.in);
    Buffer awb = make_buffer(DType::kFloat32, c.weight_mem, c.weight);
    Buffer acx = make_buffer(DType::kFloat32, c.mem, y_shape);
    axb.fill(abs_of(x));
    awb.fill(abs_of(w));
    REQUIRE(upsample::conv2d(axb.view, awb.view, nullptr, acx.view, to_conv2d(c.spec)).ok());
    const double scale = dot(acx.read(), abs_of(y));
    CHECK(std::fabs(lhs - rhs) <= 1e-4 * scale + 1e-9);
  }
}

// The library's gradients against central differences of L = sum(forward(x, w, b) * R): in
// double through the oracle's forward (the loss is linear, so the differences are exact to
// rounding), for every element of x, w and b.
TEST_CASE("conv: library gradients equal central differences of L = sum(output * R) (double)",
          "[conv]") {
  for (Op op : {Op::kConvTranspose2d, Op::kConv2d}) {
    uint32_t seed = op == Op::kConv2d ? 9000 : 9500;
    for (const ConvCase& c : random_cases(op, 30, op == Op::kConv2d ? 91 : 92, 4, 4)) {
      INFO(case_str(c));
      const Shape out = output_shape(c);
      std::vector<double> x = data(c.in.count(), seed), w = data(c.weight.count(), seed + 1),
                          b = data(out.c, seed + 2);
      const std::vector<double> r = data(out.count(), seed + 3);
      seed += 4;
      std::string error;
      const auto g = dense_backward(op, x, c.in, w, c.weight, r, out, c.spec, &error);
      REQUIRE(error == "");
      // Central differences of L and, for the tolerance, of the same loss on absolute values.
      std::vector<double> ax = abs_of(x), aw = abs_of(w), ab = abs_of(b);
      const std::vector<double> ar = abs_of(r);
      auto fd = [&](std::vector<double>& v, size_t i, const std::vector<double>& xx,
                    const std::vector<double>& ww, const std::vector<double>& bb,
                    const std::vector<double>& rr) {
        const double eps = 1e-3, v0 = v[i];
        v[i] = v0 + eps;
        const double up = dot(oracle_forward(op, xx, c.in, ww, c.weight, bb, c.spec), rr);
        v[i] = v0 - eps;
        const double down = dot(oracle_forward(op, xx, c.in, ww, c.weight, bb, c.spec), rr);
        v[i] = v0;
        return (up - down) / (2 * eps);
      };
      std::vector<double> fx, sx, fw, sw, fb, sb;
      for (size_t i = 0; i < x.size(); ++i) {
        fx.push_back(fd(x, i, x, w, b, r));
        sx.push_back(fd(ax, i, ax, aw, ab, ar));
      }
      for (size_t i = 0; i < w.size(); ++i) {
        fw.push_back(fd(w, i, x, w, b, r));
        sw.push_back(fd(aw, i, ax, aw, ab, ar));
      }
      for (size_t i = 0; i < b.size(); ++i) {
        fb.push_back(fd(b, i, x, w, b, r));
        sb.push_back(fd(ab, i, ax, aw, ab, ar));
      }
      CHECK(compare("grad_input", g.input, fx, sx, c.in) == "");
      CHECK(compare("grad_weight", g.weight, fw, sw, c.weight) == "");
      CHECK(compare("grad_bias", g.bias, fb, sb, Shape{1, out.c, 1, 1}) == "");
    }
  }
}

// The same from the library's own float32 forward pass (step 1e-2, tolerance 1e-2 relative): the
// library's backward is the derivative of the library's forward, with no oracle involved.
TEST_CASE("conv: library gradients equal central differences of the library's forward (float)",
          "[conv]") {
  for (Op op : {Op::kConvTranspose2d, Op::kConv2d}) {
    uint32_t seed = op == Op::kConv2d ? 9900 : 9950;
    for (const ConvCase& c : random_cases(op, 6, op == Op::kConv2d ? 93 : 94, 3, 3)) {
      INFO(case_str(c));
      const Shape out = output_shape(c);
      std::vector<double> x = data(c.in.count(), seed), w = data(c.weight.count(), seed + 1),
                          b = data(out.c, seed + 2);
      const std::vector<double> r = data(out.count(), seed + 3);
      seed += 4;
      std::string error;
      const auto g = dense_backward(op, x, c.in, w, c.weight, r, out, c.spec, &error);
      REQUIRE(error == "");
      auto loss = [&] {
        const auto y = dense_forward(op, x, c.in, w, c.weight, b, c.spec, out, &error);
        return dot(y, r);
      };
      auto fd = [&](std::vector<double>& v, size_t i) {
        const double eps = 1e-2, v0 = v[i];
        v[i] = v0 + eps;
        const double up = loss();
        v[i] = v0 - eps;
        const double down = loss();
        v[i] = v0;
        return (up - down) / (2 * eps);
      };
      for (size_t i = 0; i < x.size(); ++i)
        CHECK(g.input[i] == Approx(fd(x, i)).epsilon(1e-2).margin(1e-3));
      for (size_t i = 0; i < w.size(); ++i)
        CHECK(g.weight[i] == Approx(fd(w, i)).epsilon(1e-2).margin(1e-3));
      for (size_t i = 0; i < b.size(); ++i)
        CHECK(g.bias[i] == Approx(fd(b, i)).epsilon(1e-2).margin(1e-3));
      CHECK(error == "");
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Validation: a non-ok Status (kInvalidArgument or kOutOfRange) whose message names the problem,
// and every output left exactly as it was.

namespace {

#define CONV_KW_NULL \
  { "null", "pointer" }
#define CONV_KW_SHAPE \
  { "shape", "size", "extent", "dimension", "length" }

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

// conv_transpose2d: input (1, 4, 3, 3), weight (4, 6, 3, 3), bias 6, stride 2 -> (1, 6, 7, 7);
// its backward: grad_output (1, 6, 7, 7), grad_input / grad_weight / grad_bias.
// conv2d: input (1, 4, 7, 7), weight (6, 4, 3, 3), bias 6, stride 2 -> (1, 6, 3, 3).
struct ConvFixture {
  Op op;
  Buffer in, weight, bias, out, grad_in, grad_weight, grad_bias;
  ConvSpec spec;
  explicit ConvFixture(Op o, Shape in_shape = {}, Shape weight_shape = {}, Shape out_shape = {},
                       int64_t bias_length = 6)
      : op(o) {
    const bool t = o == Op::kConvTranspose2d;
    if (in_shape.count() == 1) in_shape = t ? Shape{1, 4, 3, 3} : Shape{1, 4, 7, 7};
    if (weight_shape.count() == 1) weight_shape = t ? Shape{4, 6, 3, 3} : Shape{6, 4, 3, 3};
    if (out_shape.count() == 1) out_shape = t ? Shape{1, 6, 7, 7} : Shape{1, 6, 3, 3};
    spec = make_spec(2, 2, 0, 0, 0, 0, 1, 1, 1);
    in = make_buffer(DType::kFloat32, Mem::kNCHW, in_shape);
    in.fill(data(in_shape.count(), 1));
    weight = make_buffer(DType::kFloat32, Mem::kNCHW, weight_shape);
    weight.fill(data(weight_shape.count(), 2));
    bias = make_buffer(DType::kFloat32, Mem::kNCHW, Shape{1, bias_length, 1, 1});
    bias.fill(data(bias_length, 3));
    out = make_buffer(DType::kFloat32, Mem::kNCHW, out_shape);
    grad_in = make_buffer(DType::kFloat32, Mem::kNCHW, in_shape);
    grad_weight = make_buffer(DType::kFloat32, Mem::kNCHW, weight_shape);
    grad_bias = make_buffer(DType::kFloat32, Mem::kNCHW, Shape{1, out_shape.c, 1, 1});
  }
};

// The forward call of the fixture (with views that may be replaced) must be rejected.
void forward_rejected(const ConvFixture& f, const upsample::TensorView& in,
                      const upsample::TensorView& w, const upsample::TensorView* b,
                      const upsample::TensorView& out, const ConvSpec& s,
                      std::initializer_list<const char*> words) {
  INFO(op_str(f.op) << " " << upsample_ref::to_string(s));
  check_rejected(run_forward(f.op, in, w, b, out, s), {&f.out}, {f.out.snapshot()}, words);
}

void forward_rejected(const ConvFixture& f, const ConvSpec& s,
                      std::initializer_list<const char*> words) {
  forward_rejected(f, f.in.view, f.weight.view, &f.bias.view, f.out.view, s, words);
}

// The backward call: grad_output is the fixture's output buffer, filled.
void backward_rejected(ConvFixture& f, const upsample::TensorView& in,
                       const upsample::TensorView& w, const upsample::TensorView& gy,
                       const upsample::TensorView* gi, const upsample::TensorView* gw,
                       const upsample::TensorView* gb, const ConvSpec& s,
                       std::initializer_list<const char*> words) {
  INFO(op_str(f.op) << "_backward " << upsample_ref::to_string(s));
  check_rejected(run_backward(f.op, in, w, gy, gi, gw, gb, s),
                 {&f.grad_in, &f.grad_weight, &f.grad_bias},
                 {f.grad_in.snapshot(), f.grad_weight.snapshot(), f.grad_bias.snapshot()}, words);
}

}  // namespace

TEST_CASE("conv validation: the fixtures themselves are accepted", "[conv][validation]") {
  for (Op op : {Op::kConvTranspose2d, Op::kConv2d}) {
    INFO(op_str(op));
    ConvFixture f(op);
    const Status st = run_forward(op, f.in.view, f.weight.view, &f.bias.view, f.out.view, f.spec);
    INFO(st.message());
    CHECK(st.ok());
    CHECK(st.message().empty());
    f.out.fill(data(f.out.shape.count(), 4));
    const Status sb = run_backward(op, f.in.view, f.weight.view, f.out.view, &f.grad_in.view,
                                   &f.grad_weight.view, &f.grad_bias.view, f.spec);
    INFO(sb.message());
    CHECK(sb.ok());
    // No gradient asked for: fine, nothing to do.
    CHECK(run_backward(op, f.in.view, f.weight.view, f.out.view, nullptr, nullptr, nullptr, f.spec)
              .ok());
  }
  const ConvTranspose2dOptions t;
  CHECK((t.stride_h == 1 && t.stride_w == 1 && t.padding_h == 0 && t.padding_w == 0 &&
         t.output_padding_h == 0 && t.output_padding_w == 0 && t.dilation_h == 1 &&
         t.dilation_w == 1 && t.groups == 1));
  const Conv2dOptions c;
  CHECK((c.stride_h == 1 && c.stride_w == 1 && c.padding_h == 0 && c.padding_w == 0 &&
         c.dilation_h == 1 && c.dilation_w == 1 && c.groups == 1));
  float v[3] = {1, 2, 3};
  const upsample::TensorView bv = upsample::make_vector_tensor(v, 3);
  CHECK((bv.shape[0] == 1 && bv.shape[1] == 3 && bv.shape[2] == 1 && bv.shape[3] == 1));
  CHECK(bv.dtype == DType::kFloat32);
  CHECK(bv.data == v);
}

TEST_CASE("conv validation: weight channels that do not match the input, output or groups",
          "[conv][validation]") {
  {
    // conv_transpose2d weight (C_in, C_out / G, ...): 5 is not the input's 4 channels.
    ConvFixture f(Op::kConvTranspose2d, {}, {5, 6, 3, 3});
    forward_rejected(f, f.spec, {"weight"});
  }
  {
    // 7 * 1 is not the output's 6 channels.
    ConvFixture f(Op::kConvTranspose2d, {}, {4, 7, 3, 3});
    forward_rejected(f, f.spec, {"weight"});
  }
  {
    // With groups 2 the weight (4, 6, ...) describes 12 output channels, not 6.
    ConvFixture f(Op::kConvTranspose2d);
    ConvSpec s = f.spec;
    s.groups = 2;
    forward_rejected(f, s, {"weight"});
  }
  {
    // conv2d weight (C_out, C_in / G, ...): 3 is not the input's 4 channels.
    ConvFixture f(Op::kConv2d, {}, {6, 3, 3, 3});
    forward_rejected(f, f.spec, {"weight"});
  }
  {
    // 5 is not the output's 6 channels.
    ConvFixture f(Op::kConv2d, {}, {5, 4, 3, 3});
    forward_rejected(f, f.spec, {"weight"});
  }
}

TEST_CASE("conv validation: groups 0, negative, or not dividing the channels",
          "[conv][validation]") {
  for (Op op : {Op::kConvTranspose2d, Op::kConv2d}) {
    ConvFixture f(op);
    for (int g : {0, -1, 3, 5}) {
      ConvSpec s = f.spec;
      s.groups = g;
      forward_rejected(f, s, {"groups"});
    }
    // 4 divides the input's 4 channels but not the output's 6.
    ConvFixture f4(op, {}, op == Op::kConv2d ? Shape{6, 1, 3, 3} : Shape{4, 1, 3, 3});
    ConvSpec s = f4.spec;
    s.groups = 4;
    forward_rejected(f4, s, {"groups"});
  }
}

TEST_CASE("conv validation: stride, padding, dilation and output padding out of range",
          "[conv][validation]") {
  for (Op op : {Op::kConvTranspose2d, Op::kConv2d}) {
    ConvFixture f(op);
    for (int axis = 0; axis < 2; ++axis) {
      ConvSpec s = f.spec;
      (axis ? s.stride_w : s.stride_h) = 0;
      forward_rejected(f, s, {"stride"});
      s = f.spec;
      (axis ? s.stride_w : s.stride_h) = -2;
      forward_rejected(f, s, {"stride"});
      s = f.spec;
      (axis ? s.padding_w : s.padding_h) = -1;
      forward_rejected(f, s, {"padding"});
      s = f.spec;
      (axis ? s.dilation_w : s.dilation_h) = 0;
      forward_rejected(f, s, {"dilation"});
    }
  }
  ConvFixture f(Op::kConvTranspose2d);
  for (int axis = 0; axis < 2; ++axis) {
    // Stride 2, dilation 1: output padding 2 is not below max(2, 1); -1 is negative.
    for (int op : {2, 3, -1}) {
      ConvSpec s = f.spec;
      (axis ? s.output_padding_w : s.output_padding_h) = op;
      forward_rejected(f, s, {"output padding", "output_padding"});
    }
    // Stride 1, dilation 1: output padding 1 is too large too (the output shape is adjusted so
    // that only the output padding is wrong).
    ConvFixture g(Op::kConvTranspose2d, {1, 4, 3, 3}, {4, 6, 3, 3},
                  axis ? Shape{1, 6, 5, 6} : Shape{1, 6, 6, 5});
    ConvSpec s = make_spec(1, 1, 0, 0, axis ? 0 : 1, axis ? 1 : 0, 1, 1, 1);
    forward_rejected(g, s, {"output padding", "output_padding"});
  }
}

TEST_CASE("conv validation: an output shape that disagrees with the formula",
          "[conv][validation]") {
  for (Op op : {Op::kConvTranspose2d, Op::kConv2d}) {
    const bool t = op == Op::kConvTranspose2d;
    for (Shape out :
         {t ? Shape{1, 6, 6, 7} : Shape{1, 6, 2, 3}, t ? Shape{1, 6, 7, 8} : Shape{1, 6, 3, 4},
          t ? Shape{1, 6, 8, 8} : Shape{1, 6, 4, 4}}) {
      ConvFixture f(op, {}, {}, out);
      forward_rejected(f, f.spec, CONV_KW_SHAPE);
    }
    // Batch differs.
    ConvFixture f(op, {}, {}, t ? Shape{2, 6, 7, 7} : Shape{2, 6, 3, 3});
    forward_rejected(f, f.spec, CONV_KW_SHAPE);
  }
}

TEST_CASE("conv validation: dtypes other than float32", "[conv][validation]") {
  for (Op op : {Op::kConvTranspose2d, Op::kConv2d}) {
    ConvFixture f(op);
    for (DType d : {DType::kUInt8, DType::kUInt16, DType::kFloat16, DType::kInt32}) {
      INFO(dtype_str(d));
      upsample::TensorView v = f.in.view;
      v.dtype = d;
      forward_rejected(f, v, f.weight.view, &f.bias.view, f.out.view, f.spec,
                       {"dtype", "float32", dtype_str(d)});
      v = f.weight.view;
      v.dtype = d;
      forward_rejected(f, f.in.view, v, &f.bias.view, f.out.view, f.spec,
                       {"dtype", "float32", dtype_str(d)});
      v = f.bias.view;
      v.dtype = d;
      forward_rejected(f, f.in.view, f.weight.view, &v, f.out.view, f.spec,
                       {"dtype", "float32", dtype_str(d)});
    }
    // A real uint8 input buffer, with a uint8 output of the right shape.
    Buffer in8 = make_buffer(DType::kUInt8, Mem::kNCHW, f.in.shape);
    in8.fill(random_values(DType::kUInt8, f.in.shape.count(), 5));
    Buffer out8 = make_buffer(DType::kUInt8, Mem::kNCHW, f.out.shape);
    const auto before = out8.snapshot();
    check_rejected(run_forward(op, in8.view, f.weight.view, &f.bias.view, out8.view, f.spec),
                   {&out8}, {before}, {"dtype", "float32", "uint8"});
    // An unknown dtype value.
    upsample::TensorView v = f.in.view;
    v.dtype = static_cast<DType>(42);
    forward_rejected(f, v, f.weight.view, &f.bias.view, f.out.view, f.spec, {"dtype"});
  }
}

TEST_CASE("conv validation: null data pointers", "[conv][validation]") {
  for (Op op : {Op::kConvTranspose2d, Op::kConv2d}) {
    ConvFixture f(op);
    upsample::TensorView v = f.in.view;
    v.data = nullptr;
    forward_rejected(f, v, f.weight.view, &f.bias.view, f.out.view, f.spec, CONV_KW_NULL);
    v = f.weight.view;
    v.data = nullptr;
    forward_rejected(f, f.in.view, v, &f.bias.view, f.out.view, f.spec, CONV_KW_NULL);
    v = f.bias.view;
    v.data = nullptr;
    forward_rejected(f, f.in.view, f.weight.view, &v, f.out.view, f.spec, CONV_KW_NULL);
    v = f.out.view;
    v.data = nullptr;
    forward_rejected(f, f.in.view, f.weight.view, &f.bias.view, v, f.spec, CONV_KW_NULL);
    f.out.fill(data(f.out.shape.count(), 4));
    v = f.grad_in.view;
    v.data = nullptr;
    backward_rejected(f, f.in.view, f.weight.view, f.out.view, &v, &f.grad_weight.view,
                      &f.grad_bias.view, f.spec, CONV_KW_NULL);
    v = f.grad_weight.view;
    v.data = nullptr;
    backward_rejected(f, f.in.view, f.weight.view, f.out.view, &f.grad_in.view, &v,
                      &f.grad_bias.view, f.spec, CONV_KW_NULL);
    v = f.out.view;
    v.data = nullptr;
    backward_rejected(f, f.in.view, f.weight.view, v, &f.grad_in.view, &f.grad_weight.view,
                      &f.grad_bias.view, f.spec, CONV_KW_NULL);
  }
}

TEST_CASE("conv validation: a bias of the wrong length or shape", "[conv][validation]") {
  for (Op op : {Op::kConvTranspose2d, Op::kConv2d}) {
    for (int64_t len : {5, 7, 1}) {
      ConvFixture f(op, {}, {}, {}, len);
      forward_rejected(f, f.spec, {"bias"});
    }
    ConvFixture f(op);
    upsample::TensorView v = f.bias.view;  // (1, 3, 1, 2): six values, the wrong shape
    v.shape[1] = 3;
    v.shape[3] = 2;
    v.strides[3] = 3;
    forward_rejected(f, f.in.view, f.weight.view, &v, f.out.view, f.spec, {"bias"});
  }
}

TEST_CASE("conv validation: views that overlap the output, and overlapping output strides",
          "[conv][validation]") {
  for (Op op : {Op::kConvTranspose2d, Op::kConv2d}) {
    const bool t = op == Op::kConvTranspose2d;
    ConvFixture f(op);
    // One allocation holding the input; the output starts inside it.
    const Shape big{1, 1, 1, 400};
    Buffer shared = make_buffer(DType::kFloat32, Mem::kNCHW, big);
    shared.fill(data(big.count(), 9));
    upsample::TensorView in = f.in.view, out = f.out.view;
    in.data = shared.view.data;
    out.data = static_cast<float*>(shared.view.data) + 10;
    const auto before = shared.snapshot();
    check_rejected(run_forward(op, in, f.weight.view, &f.bias.view, out, f.spec), {&shared},
                   {before}, {"overlap"});
    // The weight inside the output.
    upsample::TensorView w = f.weight.view;
    out.data = shared.view.data;
    w.data = static_cast<float*>(shared.view.data) + 20;
    check_rejected(run_forward(op, f.in.view, w, &f.bias.view, out, f.spec), {&shared}, {before},
                   {"overlap"});
    // The bias inside the output.
    upsample::TensorView b = f.bias.view;
    b.data = static_cast<float*>(shared.view.data) + 3;
    check_rejected(run_forward(op, f.in.view, f.weight.view, &b, out, f.spec), {&shared}, {before},
                   {"overlap"});
    // An output whose rows overlap (stride along H smaller than the width).
    upsample::TensorView o = f.out.view;
    o.strides[2] = t ? 3 : 1;
    forward_rejected(f, f.in.view, f.weight.view, &f.bias.view, o, f.spec,
                     {"overlap", "distinct", "stride"});
    o = f.out.view;
    o.strides[3] = 0;
    forward_rejected(f, f.in.view, f.weight.view, &f.bias.view, o, f.spec, {"stride"});
  }
}

TEST_CASE("conv validation: layouts that disagree", "[conv][validation]") {
  for (Op op : {Op::kConvTranspose2d, Op::kConv2d}) {
    ConvFixture f(op);
    Buffer nhwc = make_buffer(DType::kFloat32, Mem::kNHWC, f.out.shape);
    const auto before = nhwc.snapshot();
    check_rejected(run_forward(op, f.in.view, f.weight.view, &f.bias.view, nhwc.view, f.spec),
                   {&nhwc}, {before}, {"layout"});
    upsample::TensorView v = f.in.view;
    v.layout = static_cast<Layout>(7);
    forward_rejected(f, v, f.weight.view, &f.bias.view, f.out.view, f.spec, {"layout"});
  }
}

TEST_CASE("conv validation: conv2d with a kernel larger than the padded input",
          "[conv][validation]") {
  // 2x2 input, 3x3 kernel, no padding.
  {
    ConvFixture f(Op::kConv2d, {1, 4, 2, 2}, {6, 4, 3, 3}, {1, 6, 1, 1});
    forward_rejected(f, make_spec(1, 1, 0, 0, 0, 0, 1, 1, 1), {"kernel", "larger"});
  }
  // 5x5 input, 3x3 kernel dilated by 3 spans 7 > 5.
  {
    ConvFixture f(Op::kConv2d, {1, 4, 5, 5}, {6, 4, 3, 3}, {1, 6, 1, 1});
    forward_rejected(f, make_spec(1, 1, 0, 0, 0, 0, 3, 1, 1), {"kernel", "larger"});
    forward_rejected(f, make_spec(1, 1, 0, 0, 0, 0, 1, 3, 1), {"kernel", "larger"});
    // With padding 1 it fits: accepted (7 <= 5 + 2), output 1x1.
    const Status st = upsample::conv2d(f.in.view, f.weight.view, &f.bias.view, f.out.view,
                                       to_conv2d(make_spec(1, 1, 1, 1, 0, 0, 3, 3, 1)));
    INFO(st.message());
    CHECK(st.ok());
  }
  // conv_transpose2d whose padding crops the whole output.
  {
    ConvFixture f(Op::kConvTranspose2d, {1, 4, 1, 1}, {4, 6, 1, 1}, {1, 6, 1, 1});
    forward_rejected(f, make_spec(1, 1, 1, 0, 0, 0, 1, 1, 1), {"padding", "length"});
  }
}

TEST_CASE("conv validation: backward gradients of the wrong shape, dtype, layout or overlapping",
          "[conv][validation]") {
  for (Op op : {Op::kConvTranspose2d, Op::kConv2d}) {
    ConvFixture f(op);
    f.out.fill(data(f.out.shape.count(), 4));
    const upsample::TensorView gy = f.out.view;
    // grad_weight of the wrong shape, along each axis.
    for (int d = 0; d < 4; ++d) {
      Buffer gw_bad = make_buffer(DType::kFloat32, Mem::kNCHW,
                                  Shape{f.weight.shape.n + (d == 0), f.weight.shape.c + (d == 1),
                                        f.weight.shape.h + (d == 2), f.weight.shape.w + (d == 3)});
      const auto before = gw_bad.snapshot();
      backward_rejected(f, f.in.view, f.weight.view, gy, &f.grad_in.view, &gw_bad.view,
                        &f.grad_bias.view, f.spec, {"grad_weight"});
      CHECK(gw_bad.snapshot() == before);
    }
    // grad_input of the wrong shape.
    {
      Buffer gi_bad = make_buffer(DType::kFloat32, Mem::kNCHW,
                                  Shape{1, f.in.shape.c, f.in.shape.h + 1, f.in.shape.w});
      backward_rejected(f, f.in.view, f.weight.view, gy, &gi_bad.view, &f.grad_weight.view,
                        &f.grad_bias.view, f.spec, {"grad_input"});
    }
    // grad_bias of the wrong length.
    {
      Buffer gb_bad = make_buffer(DType::kFloat32, Mem::kNCHW, Shape{1, 5, 1, 1});
      backward_rejected(f, f.in.view, f.weight.view, gy, &f.grad_in.view, &f.grad_weight.view,
                        &gb_bad.view, f.spec, {"grad_bias"});
    }
    // grad_output of the wrong shape.
    {
      Buffer gy_bad =
          make_buffer(DType::kFloat32, Mem::kNCHW, Shape{1, 6, f.out.shape.h + 1, f.out.shape.w});
      gy_bad.fill(data(gy_bad.shape.count(), 5));
      backward_rejected(f, f.in.view, f.weight.view, gy_bad.view, &f.grad_in.view,
                        &f.grad_weight.view, &f.grad_bias.view, f.spec, CONV_KW_SHAPE);
    }
    // A uint8 gradient.
    {
      upsample::TensorView v = f.grad_weight.view;
      v.dtype = DType::kUInt8;
      backward_rejected(f, f.in.view, f.weight.view, gy, &f.grad_in.view, &v, &f.grad_bias.view,
                        f.spec, {"dtype", "float32"});
    }
    // grad_input in NHWC for an NCHW input.
    {
      Buffer gi_nhwc = make_buffer(DType::kFloat32, Mem::kNHWC, f.in.shape);
      backward_rejected(f, f.in.view, f.weight.view, gy, &gi_nhwc.view, &f.grad_weight.view,
                        &f.grad_bias.view, f.spec, {"layout"});
    }
    // Gradients that overlap an input: grad_input on the input, grad_weight on the weight,
    // grad_bias on grad_output.
    {
      upsample::TensorView gi = f.grad_in.view;
      gi.data = f.in.view.data;
      const auto in_before = f.in.snapshot();
      backward_rejected(f, f.in.view, f.weight.view, gy, &gi, &f.grad_weight.view,
                        &f.grad_bias.view, f.spec, {"overlap"});
      CHECK(f.in.snapshot() == in_before);
      upsample::TensorView gw = f.grad_weight.view;
      gw.data = f.weight.view.data;
      const auto w_before = f.weight.snapshot();
      backward_rejected(f, f.in.view, f.weight.view, gy, &f.grad_in.view, &gw, &f.grad_bias.view,
                        f.spec, {"overlap"});
      CHECK(f.weight.snapshot() == w_before);
      upsample::TensorView gb = f.grad_bias.view;
      gb.data = f.out.view.data;
      const auto gy_before = f.out.snapshot();
      backward_rejected(f, f.in.view, f.weight.view, gy, &f.grad_in.view, &f.grad_weight.view, &gb,
                        f.spec, {"overlap"});
      CHECK(f.out.snapshot() == gy_before);
    }
    // Options are checked by the backward pass too.
    {
      ConvSpec s = f.spec;
      s.stride_h = 0;
      backward_rejected(f, f.in.view, f.weight.view, gy, &f.grad_in.view, &f.grad_weight.view,
                        &f.grad_bias.view, s, {"stride"});
      s = f.spec;
      s.groups = 0;
      backward_rejected(f, f.in.view, f.weight.view, gy, &f.grad_in.view, &f.grad_weight.view,
                        &f.grad_bias.view, s, {"groups"});
    }
  }
}

TEST_CASE("conv validation: conv_transpose2d_output_length and conv2d_output_length",
          "[conv][validation]") {
  auto t_ok = [](int64_t in, int k, int s, int p, int op, int d) {
    int64_t len = -7;
    const Status st = upsample::conv_transpose2d_output_length(in, k, s, p, op, d, &len);
    INFO(st.message());
    CHECK(st.ok());
    return len;
  };
  CHECK(t_ok(3, 3, 2, 0, 0, 1) == 7);
  CHECK(t_ok(3, 3, 2, 1, 1, 1) == 6);
  CHECK(t_ok(2, 3, 2, 0, 0, 1) == 5);
  CHECK(t_ok(2, 3, 1, 0, 0, 1) == 4);
  CHECK(t_ok(3, 3, 1, 0, 1, 2) == 8);  // output padding below the dilation
  CHECK(t_ok(1, 1, 1, 0, 0, 1) == 1);
  CHECK(t_ok(5, 4, 3, 2, 2, 2) == 17);
  auto t_bad = [](int64_t in, int k, int s, int p, int op, int d,
                  std::initializer_list<const char*> words) {
    int64_t len = -7;
    const Status st = upsample::conv_transpose2d_output_length(in, k, s, p, op, d, &len);
    INFO("conv_transpose2d_output_length(" << in << ", " << k << ", " << s << ", " << p << ", "
                                           << op << ", " << d << "): " << st.message());
    CHECK_FALSE(st.ok());
    CHECK((st.code() == StatusCode::kInvalidArgument || st.code() == StatusCode::kOutOfRange));
    CHECK(mentions_any(st.message(), words));
    CHECK(len == -7);
  };
  t_bad(3, 0, 2, 0, 0, 1, {"kernel"});
  t_bad(3, 3, 0, 0, 0, 1, {"stride"});
  t_bad(3, 3, 2, -1, 0, 1, {"padding"});
  t_bad(3, 3, 2, 0, 0, 0, {"dilation"});
  t_bad(3, 3, 2, 0, 2, 1, {"output padding", "output_padding"});
  t_bad(3, 3, 1, 0, 1, 1, {"output padding", "output_padding"});
  t_bad(3, 3, 2, 0, -1, 1, {"output padding", "output_padding"});
  t_bad(0, 3, 2, 0, 0, 1, {"input", "length"});
  t_bad(1, 1, 1, 1, 0, 1, {"padding", "length"});
  t_bad(int64_t{1} << 40, 3, 2, 0, 0, 1, {"length", "exceed", "overflow", "range"});
  CHECK_FALSE(upsample::conv_transpose2d_output_length(3, 3, 2, 0, 0, 1, nullptr).ok());

  auto c_ok = [](int64_t in, int k, int s, int p, int d) {
    int64_t len = -7;
    const Status st = upsample::conv2d_output_length(in, k, s, p, d, &len);
    INFO(st.message());
    CHECK(st.ok());
    return len;
  };
  CHECK(c_ok(7, 3, 2, 0, 1) == 3);
  CHECK(c_ok(4, 3, 1, 0, 1) == 2);
  CHECK(c_ok(5, 3, 1, 1, 1) == 5);
  CHECK(c_ok(4, 3, 2, 1, 2) == 1);
  CHECK(c_ok(8, 3, 3, 0, 1) == 2);
  CHECK(c_ok(3, 3, 1, 1, 2) == 1);
  auto c_bad = [](int64_t in, int k, int s, int p, int d,
                  std::initializer_list<const char*> words) {
    int64_t len = -7;
    const Status st = upsample::conv2d_output_length(in, k, s, p, d, &len);
    INFO("conv2d_output_length(" << in << ", " << k << ", " << s << ", " << p << ", " << d
                                 << "): " << st.message());
    CHECK_FALSE(st.ok());
    CHECK((st.code() == StatusCode::kInvalidArgument || st.code() == StatusCode::kOutOfRange));
    CHECK(mentions_any(st.message(), words));
    CHECK(len == -7);
  };
  c_bad(2, 3, 1, 0, 1, {"kernel", "larger"});
  c_bad(4, 3, 1, 0, 2, {"kernel", "larger"});
  c_bad(3, 0, 1, 0, 1, {"kernel"});
  c_bad(3, 3, 0, 0, 1, {"stride"});
  c_bad(3, 3, 1, -1, 1, {"padding"});
  c_bad(3, 3, 1, 0, 0, {"dilation"});
  c_bad(0, 1, 1, 0, 1, {"input", "length"});
  CHECK_FALSE(upsample::conv2d_output_length(7, 3, 2, 0, 1, nullptr).ok());
}
