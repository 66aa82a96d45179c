// upsample::resize_backward, the adjoint of resize: against the dense-matrix oracle
// (tests/reference/resize_backward_reference.h: grad_input = A_h^T * grad_output * A_w in double)
// over every method, coordinate mode, nearest mode, cubic a, exclude_outside, scale given or from
// the sizes, up- and down-sampling, sizes 1-9 in and 1-20 out, batches and channels, and every
// memory arrangement with canaries around the gradient; then the adjoint identity
// <resize(x), g> = <x, resize_backward(g)> with the library alone; PyTorch-like sanity checks
// (nearest 2x of ones gives 4, the interpolating modes conserve the gradient's sum); and the
// validation of bad arguments.
//
// Tolerance: float32 accumulation against the double oracle, |got - want| <= 1e-5 * S + 1e-6
// where S is the oracle applied to |grad_output| and |A| (the sum of |terms| of that element).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "reference/resize_backward_reference.h"
#include "tensor_utils.h"

using namespace upsample_test;
using upsample::CoordinateMode;
using upsample::NearestMode;
using upsample::ResizeMethod;
using upsample::ResizeOptions;
using upsample::Status;
using upsample::StatusCode;

namespace {

constexpr ResizeMethod kMethods[] = {ResizeMethod::kNearest, ResizeMethod::kBilinear,
                                     ResizeMethod::kBicubic};
constexpr CoordinateMode kCoordModes[] = {
    CoordinateMode::kHalfPixel, CoordinateMode::kPytorchHalfPixel, CoordinateMode::kAlignCorners,
    CoordinateMode::kAsymmetric, CoordinateMode::kHalfPixelSymmetric};
constexpr NearestMode kNearestModes[] = {NearestMode::kRoundPreferFloor,
                                         NearestMode::kRoundPreferCeil, NearestMode::kFloor,
                                         NearestMode::kCeil};

// Every option combination of a method: nearest x 4 rounding modes, bicubic x a in {-0.75, -0.5}
// x exclude_outside, per coordinate mode.
std::vector<ResizeOptions> option_variants(ResizeMethod method) {
  std::vector<ResizeOptions> v;
  for (CoordinateMode cm : kCoordModes) {
    ResizeOptions o;
    o.method = method;
    o.coordinate_mode = cm;
    if (method == ResizeMethod::kNearest) {
      for (NearestMode nm : kNearestModes) {
        o.nearest_mode = nm;
        v.push_back(o);
      }
    } else if (method == ResizeMethod::kBicubic) {
      for (float a : {-0.75f, -0.5f}) {
        for (bool ex : {false, true}) {
          o.cubic_a = a;
          o.exclude_outside = ex;
          v.push_back(o);
        }
      }
    } else {
      v.push_back(o);
    }
  }
  return v;
}

// One resize's shapes: the forward input (n, c, in_h, in_w) and output (n, c, out_h, out_w).
// With a scale given, out = floor(in * scale), as PyTorch's scale_factor and ONNX's scales give.
struct BackwardCase {
  Shape in;
  int64_t out_h = 1, out_w = 1;
  double scale_h = 0.0, scale_w = 0.0;
  Shape out() const { return Shape{in.n, in.c, out_h, out_w}; }
};

std::string case_str(const BackwardCase& bc) {
  std::ostringstream os;
  os << "forward " << shape_str(bc.in) << " -> " << bc.out_h << "x" << bc.out_w;
  if (bc.scale_h != 0.0 || bc.scale_w != 0.0)
    os << " (scale given: " << bc.scale_h << ", " << bc.scale_w << ")";
  return os.str();
}

// Sizes 1-9 in and 1-20 out, N x C up to 2 x 5: 1x1 in and out, integer and non-integer factors up
// and down, per-axis mixes, and scales given (all exactly representable in float64, with small
// denominators, so ties are computed exactly by both sides).
const std::vector<BackwardCase>& shape_cases() {
  static const std::vector<BackwardCase> cases = {
      {{1, 1, 1, 1}, 1, 1},
      {{1, 1, 1, 1}, 20, 3},
      {{1, 2, 9, 7}, 1, 1},
      {{1, 1, 2, 3}, 4, 6},
      {{2, 3, 3, 5}, 9, 15},
      {{1, 2, 7, 9}, 13, 20},
      {{1, 3, 9, 8}, 4, 3},
      {{2, 1, 5, 2}, 17, 1},
      {{1, 2, 2, 9}, 5, 2},
      {{2, 5, 8, 3}, 20, 19},
      {{1, 1, 6, 6}, 6, 6},
      {{1, 2, 4, 4}, 6, 6, 1.5, 1.5},
      {{1, 1, 3, 5}, 7, 12, 2.5, 2.5},  // half_pixel_symmetric re-centres: 7.5 and 12.5 floored
      {{2, 2, 9, 9}, 4, 6, 0.5, 0.75},
      {{1, 3, 6, 4}, 18, 5, 3.0, 1.25},
      {{1, 1, 5, 7}, 10, 14, 2.0, 2.0},
      {{1, 2, 9, 5}, 2, 20, 0.25, 4.0},
  };
  return cases;
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

// Whether nearest may legitimately pick another input index than the oracle somewhere: only with a
// scale given and half_pixel_symmetric re-centring (floor(in * S) != in * S), whose offset is not
// exact in float64, so a coordinate that is exactly on a rounding boundary in the reals can come
// out on either side of it (the oracle snaps it onto the boundary, the library need not). Such
// cases are skipped (they are rare; the count of cases run is checked).
bool nearest_ambiguous(const BackwardCase& bc, const upsample_ref::ResizeSpec& s) {
  if (s.method != upsample_ref::Method::kNearest ||
      s.coord != upsample_ref::CoordMode::kHalfPixelSymmetric)
    return false;
  auto axis = [&](int64_t in, int64_t out, double scale, bool is_h) {
    if (scale == 0.0 || static_cast<double>(out) == scale * static_cast<double>(in)) return false;
    auto m = [&](double shift) {
      return is_h ? upsample_ref::interpolation_matrix_h(in, out, s, shift).v
                  : upsample_ref::interpolation_matrix_w(in, out, s, shift).v;
    };
    const std::vector<double> exact = m(0.0);
    return m(-3e-7) != exact || m(3e-7) != exact;
  };
  return axis(bc.in.h, bc.out_h, s.scale_h, true) || axis(bc.in.w, bc.out_w, s.scale_w, false);
}

// "" when every |got - want| <= rel * scale + abs_tol, else the count and the first failure.
std::string compare(const std::vector<double>& got, const std::vector<double>& want,
                    const std::vector<double>& scale, const Shape& shape, double rel = 1e-5,
                    double abs_tol = 1e-6) {
  if (got.size() != want.size() || want.size() != scale.size()) return "sizes differ";
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
  os << bad << " of " << got.size() << " wrong; " << first.str();
  return os.str();
}

// Runs resize_backward with grad_output and grad_input laid out as `mem`; "" when grad_input
// matches the oracle, every element of it was overwritten (it starts non-zero), the canaries around
// it are intact and grad_output was not written.
std::string check_backward(const BackwardCase& bc, const ResizeOptions& o, Mem mem, uint32_t seed) {
  ResizeOptions opts = o;
  opts.scale_h = bc.scale_h;
  opts.scale_w = bc.scale_w;
  const upsample_ref::ResizeSpec spec = to_ref_spec(opts);
  const Shape out = bc.out();
  const std::vector<double> g = data(out.count(), seed);
  Buffer gy = make_buffer(DType::kFloat32, mem, out);
  Buffer gx = make_buffer(DType::kFloat32, mem, bc.in);
  gy.fill(g);
  gx.fill(std::vector<double>(static_cast<size_t>(bc.in.count()), 1000.0));  // overwritten, not +=
  const auto gy0 = gy.snapshot();
  const Status st = upsample::resize_backward(gy.view, gx.view, opts);
  if (!st.ok()) return std::string("resize_backward returned an error: ") + st.message();
  if (gy.snapshot() != gy0) return "grad_output was modified";
  const std::string canaries = gx.check_canaries();
  if (!canaries.empty()) return "grad_input: " + canaries;
  const upsample_ref::DenseMatrix ah = upsample_ref::interpolation_matrix_h(bc.in.h, out.h, spec);
  const upsample_ref::DenseMatrix aw = upsample_ref::interpolation_matrix_w(bc.in.w, out.w, spec);
  const std::vector<double> want = upsample_ref::adjoint_matrices(g, out, ah, aw);
  const std::vector<double> scale = upsample_ref::adjoint_matrices(
      abs_of(g), out, upsample_ref::abs_matrix(ah), upsample_ref::abs_matrix(aw));
  return compare(gx.read(), want, scale, bc.in);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// The oracle checks itself, in double: its matrices give the forward oracle's values, the adjoint
// identity holds, and a hand-computed case.

TEST_CASE("resize_backward oracle: matrices reproduce the forward oracle; adjoint identity",
          "[resize_backward][reference]") {
  uint32_t seed = 10;
  for (ResizeMethod m : kMethods)
    for (const ResizeOptions& base : option_variants(m))
      for (const BackwardCase& bc : shape_cases()) {
        ResizeOptions o = base;
        o.scale_h = bc.scale_h;
        o.scale_w = bc.scale_w;
        const upsample_ref::ResizeSpec s = to_ref_spec(o);
        INFO(options_str(o) << " " << case_str(bc));
        const Shape out = bc.out();
        const std::vector<double> x = data(bc.in.count(), seed++), g = data(out.count(), seed++);
        const auto ah = upsample_ref::interpolation_matrix_h(bc.in.h, out.h, s);
        const auto aw = upsample_ref::interpolation_matrix_w(bc.in.w, out.w, s);
        const std::vector<double> y = upsample_ref::resize(x, bc.in, out.h, out.w, s);
        const std::vector<double> y2 = upsample_ref::apply_matrices(x, bc.in, ah, aw);
        REQUIRE(y.size() == y2.size());
        for (size_t i = 0; i < y.size(); ++i) REQUIRE(y2[i] == Approx(y[i]).margin(1e-12));
        const std::vector<double> gi = upsample_ref::resize_backward(g, out, bc.in.h, bc.in.w, s);
        REQUIRE(gi.size() == x.size());
        CHECK(dot(y, g) == Approx(dot(x, gi)).margin(1e-9));
      }
}

TEST_CASE("resize_backward oracle: hand-computed bilinear and nearest adjoints",
          "[resize_backward][reference]") {
  // 1-D along W: 2 -> 4, half_pixel bilinear. x_in = (x + 0.5) / 2 - 0.5 = -0.25, 0.25, 0.75,
  // 1.25: output 0 reads input 0 (clamped, 1 + 0), output 1 0.75 / 0.25, output 2 0.25 / 0.75,
  // output 3 input 1. The adjoint of g = (1, 2, 3, 4): input 0 gets 1 + 1.5 + 0.75 = 3.25,
  // input 1 gets 0.5 + 2.25 + 4 = 6.75.
  upsample_ref::ResizeSpec s;
  s.method = upsample_ref::Method::kLinear;
  s.coord = upsample_ref::CoordMode::kHalfPixel;
  const std::vector<double> gi =
      upsample_ref::resize_backward({1, 2, 3, 4}, Shape{1, 1, 1, 4}, 1, 2, s);
  REQUIRE(gi.size() == 2);
  CHECK(gi[0] == Approx(3.25));
  CHECK(gi[1] == Approx(6.75));
  // Nearest, asymmetric floor, 3 -> 2: x_in = 0, 1.5 -> inputs 0 and 1; input 2 is never read.
  s.method = upsample_ref::Method::kNearest;
  s.coord = upsample_ref::CoordMode::kAsymmetric;
  s.rounding = upsample_ref::NearestRounding::kFloor;
  const std::vector<double> gn = upsample_ref::resize_backward({5, 7}, Shape{1, 1, 1, 2}, 1, 3, s);
  CHECK(gn == std::vector<double>{5, 7, 0});
  // The same through the library.
  const float g[4] = {1, 2, 3, 4};
  float out[2] = {-1, -1};
  ResizeOptions o;
  o.method = ResizeMethod::kBilinear;
  const Status st = upsample::resize_backward(
      upsample::make_input_tensor(g, DType::kFloat32, Layout::kNCHW, 1, 1, 1, 4),
      upsample::make_tensor(out, DType::kFloat32, Layout::kNCHW, 1, 1, 1, 2), o);
  INFO(st.message());
  REQUIRE(st.ok());
  CHECK(out[0] == Approx(3.25));
  CHECK(out[1] == Approx(6.75));
}

// ---------------------------------------------------------------------------------------------
// The library against the oracle.

TEST_CASE(
    "resize_backward matches the oracle: every method, coordinate mode, nearest mode, cubic a, "
    "exclude_outside, scale given or from sizes, up and down, every memory arrangement",
    "[resize_backward]") {
  uint32_t seed = 1000;
  int run = 0, skipped = 0, i = 0;
  for (ResizeMethod m : kMethods)
    for (const ResizeOptions& o : option_variants(m))
      for (const BackwardCase& bc : shape_cases()) {
        ResizeOptions with_scale = o;
        with_scale.scale_h = bc.scale_h;
        with_scale.scale_w = bc.scale_w;
        const Mem mem = kAllMems[i++ % 5];
        if (nearest_ambiguous(bc, to_ref_spec(with_scale))) {
          ++skipped;
          continue;
        }
        INFO(options_str(with_scale) << " " << case_str(bc) << " " << mem_str(mem));
        CHECK(check_backward(bc, o, mem, seed++) == "");
        ++run;
      }
  CHECK(skipped * 50 < run);
}

TEST_CASE("resize_backward matches the oracle on random configurations (sizes 1-9 -> 1-20)",
          "[resize_backward]") {
  std::mt19937 rng(77);
  auto pick = [&](int lo, int hi) { return lo + static_cast<int>(rng() % uint32_t(hi - lo + 1)); };
  const double kScales[] = {0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0};
  uint32_t seed = 5000;
  int run = 0;
  for (int k = 0; k < 400; ++k) {
    BackwardCase bc;
    bc.in = Shape{pick(1, 2), pick(1, 5), pick(1, 9), pick(1, 9)};
    if (k % 3 == 0) {
      // A scale given; the output is floor(in * scale), at least 1.
      do {
        bc.scale_h = kScales[pick(0, 9)];
        bc.scale_w = kScales[pick(0, 9)];
      } while (std::floor(bc.in.h * bc.scale_h) < 1 || std::floor(bc.in.w * bc.scale_w) < 1);
      bc.out_h = static_cast<int64_t>(std::floor(bc.in.h * bc.scale_h));
      bc.out_w = static_cast<int64_t>(std::floor(bc.in.w * bc.scale_w));
    } else {
      bc.out_h = pick(1, 20);
      bc.out_w = pick(1, 20);
    }
    ResizeOptions o;
    o.method = kMethods[k % 3];
    o.coordinate_mode = kCoordModes[pick(0, 4)];
    o.nearest_mode = kNearestModes[pick(0, 3)];
    o.cubic_a = k % 2 ? -0.75f : -0.6f;
    o.exclude_outside = pick(0, 1) == 1;
    const Mem mem = kAllMems[pick(0, 4)];
    ResizeOptions with_scale = o;
    with_scale.scale_h = bc.scale_h;
    with_scale.scale_w = bc.scale_w;
    if (nearest_ambiguous(bc, to_ref_spec(with_scale))) continue;
    INFO(options_str(with_scale) << " " << case_str(bc) << " " << mem_str(mem));
    CHECK(check_backward(bc, o, mem, seed++) == "");
    ++run;
  }
  CHECK(run > 380);
}

TEST_CASE("resize_backward matches the oracle on larger images (vector bodies and tails)",
          "[resize_backward]") {
  const BackwardCase cases[] = {
      {{1, 3, 37, 53}, 74, 106}, {{2, 4, 17, 40}, 51, 120, 3.0, 3.0},
      {{1, 2, 64, 61}, 17, 23},  {{1, 5, 19, 33}, 40, 45},
      {{1, 16, 9, 12}, 18, 24},
  };
  uint32_t seed = 8000;
  int k = 0;
  for (const BackwardCase& bc : cases)
    for (ResizeMethod m : kMethods) {
      ResizeOptions o;
      o.method = m;
      o.coordinate_mode = kCoordModes[k % 5];
      o.nearest_mode = kNearestModes[k % 4];
      o.exclude_outside = k % 2 == 1;
      const Mem mem = kAllMems[k++ % 5];
      INFO(options_str(o) << " " << case_str(bc) << " " << mem_str(mem));
      CHECK(check_backward(bc, o, mem, seed++) == "");
    }
}

// ---------------------------------------------------------------------------------------------
// The adjoint identity with the library alone: <resize(x), g> == <x, resize_backward(g)>.

TEST_CASE("resize_backward is the adjoint of resize: <resize(x), g> == <x, resize_backward(g)>",
          "[resize_backward]") {
  std::mt19937 rng(4242);
  auto pick = [&](int lo, int hi) { return lo + static_cast<int>(rng() % uint32_t(hi - lo + 1)); };
  const double kScales[] = {0.5, 0.75, 1.5, 2.0, 2.5, 3.0, 1.7, 0.3};
  uint32_t seed = 9000;
  for (int k = 0; k < 300; ++k) {
    const Shape in{pick(1, 2), pick(1, 4), pick(1, 12), pick(1, 12)};
    int64_t out_h = pick(1, 25), out_w = pick(1, 25);
    ResizeOptions o;
    o.method = kMethods[k % 3];
    o.coordinate_mode = kCoordModes[pick(0, 4)];
    o.nearest_mode = kNearestModes[pick(0, 3)];
    o.cubic_a = static_cast<float>(-0.4 - 0.1 * pick(0, 5));
    o.exclude_outside = pick(0, 1) == 1;
    if (k % 4 == 0) {
      // Any scale, even one that is not a float64 with a small denominator: the forward and the
      // backward pass must pick the same taps whatever they are.
      do {
        o.scale_h = kScales[pick(0, 7)];
        o.scale_w = kScales[pick(0, 7)];
      } while (std::floor(in.h * o.scale_h) < 1 || std::floor(in.w * o.scale_w) < 1);
      out_h = static_cast<int64_t>(std::floor(in.h * o.scale_h));
      out_w = static_cast<int64_t>(std::floor(in.w * o.scale_w));
    }
    const Shape out{in.n, in.c, out_h, out_w};
    const Mem mem = kAllMems[pick(0, 4)];
    INFO(options_str(o) << " " << shape_str(in) << " -> " << shape_str(out) << " " << mem_str(mem));
    const std::vector<double> x = data(in.count(), seed++), g = data(out.count(), seed++);
    Buffer xb = make_buffer(DType::kFloat32, mem, in);
    Buffer yb = make_buffer(DType::kFloat32, mem, out);
    Buffer gb = make_buffer(DType::kFloat32, mem, out);
    Buffer gib = make_buffer(DType::kFloat32, mem, in);
    xb.fill(x);
    gb.fill(g);
    const Status fs = upsample::resize(xb.view, yb.view, o);
    const Status bs = upsample::resize_backward(gb.view, gib.view, o);
    INFO(fs.message() << " / " << bs.message());
    REQUIRE(fs.ok());
    REQUIRE(bs.ok());
    const std::vector<double> y = yb.read(), gi = gib.read();
    const double lhs = dot(y, g), rhs = dot(x, gi);
    const double scale = dot(abs_of(y), abs_of(g)) + dot(abs_of(x), abs_of(gi));
    CHECK(std::fabs(lhs - rhs) <= 1e-5 * scale + 1e-6);
  }
}

// ---------------------------------------------------------------------------------------------
// PyTorch-like sanity.

TEST_CASE("resize_backward: nearest by an integer factor sends every gradient to one block",
          "[resize_backward]") {
  // PyTorch's nearest (asymmetric, floor), nearest-exact and ONNX's default (half_pixel,
  // round_prefer_floor / ceil): by 2, every input element is read by 2 x 2 outputs, so the
  // backward pass of all-ones is 4 everywhere; by 3, 9; by (2, 3), 6.
  const std::pair<CoordinateMode, NearestMode> modes[] = {
      {CoordinateMode::kAsymmetric, NearestMode::kFloor},
      {CoordinateMode::kHalfPixel, NearestMode::kRoundPreferFloor},
      {CoordinateMode::kHalfPixel, NearestMode::kRoundPreferCeil},
      {CoordinateMode::kPytorchHalfPixel, NearestMode::kRoundPreferFloor},
  };
  for (const auto& [cm, nm] : modes)
    for (int64_t fh : {2, 3})
      for (int64_t fw : {2, 3})
        for (bool given : {false, true})
          for (Mem mem : {Mem::kNCHW, Mem::kNHWC, Mem::kNCHWCrop}) {
            ResizeOptions o;
            o.method = ResizeMethod::kNearest;
            o.coordinate_mode = cm;
            o.nearest_mode = nm;
            if (given) {
              o.scale_h = static_cast<double>(fh);
              o.scale_w = static_cast<double>(fw);
            }
            const Shape in{2, 3, 5, 4}, out{2, 3, 5 * fh, 4 * fw};
            INFO(options_str(o) << " " << shape_str(in) << " " << mem_str(mem));
            Buffer gy = make_buffer(DType::kFloat32, mem, out);
            Buffer gx = make_buffer(DType::kFloat32, mem, in);
            gy.fill(std::vector<double>(static_cast<size_t>(out.count()), 1.0));
            const Status st = upsample::resize_backward(gy.view, gx.view, o);
            INFO(st.message());
            REQUIRE(st.ok());
            CHECK(gx.check_canaries() == "");
            CHECK(gx.read() ==
                  std::vector<double>(static_cast<size_t>(in.count()), double(fh * fw)));
          }
}

TEST_CASE("resize_backward: bilinear and bicubic conserve the gradient's sum (weights sum to 1)",
          "[resize_backward]") {
  // Every output's taps have weights summing to 1 (bilinear 1 - t, t; Keys' cubic for any a, and
  // renormalised with exclude_outside; clamped taps add to the edge), so each output gradient is
  // split among the inputs without loss: sum(grad_input) == sum(grad_output) per plane. PyTorch's
  // align_corners=True first, then every other mode and method.
  struct Sizes {
    Shape in;
    int64_t out_h, out_w;
  };
  const Sizes sizes[] = {
      {{1, 2, 4, 5}, 8, 10}, {{2, 1, 7, 3}, 3, 11}, {{1, 3, 1, 6}, 9, 2}, {{1, 1, 9, 9}, 20, 1}};
  uint32_t seed = 12000;
  for (ResizeMethod m : {ResizeMethod::kBilinear, ResizeMethod::kBicubic})
    for (const ResizeOptions& o : option_variants(m))
      for (const Sizes& sz : sizes) {
        const Shape out{sz.in.n, sz.in.c, sz.out_h, sz.out_w};
        INFO(options_str(o) << " " << shape_str(sz.in) << " -> " << shape_str(out));
        const std::vector<double> g = data(out.count(), seed++);
        Buffer gy = make_buffer(DType::kFloat32, Mem::kNCHW, out);
        Buffer gx = make_buffer(DType::kFloat32, Mem::kNCHW, sz.in);
        gy.fill(g);
        const Status st = upsample::resize_backward(gy.view, gx.view, o);
        INFO(st.message());
        REQUIRE(st.ok());
        const std::vector<double> gi = gx.read();
        const int64_t planes = sz.in.n * sz.in.c;
        const int64_t out_plane = out.h * out.w, in_plane = sz.in.h * sz.in.w;
        for (int64_t p = 0; p < planes; ++p) {
          double sum_out = 0.0, sum_in = 0.0, abs_in = 0.0;
          for (int64_t i = 0; i < out_plane; ++i) sum_out += g[size_t(p * out_plane + i)];
          for (int64_t i = 0; i < in_plane; ++i) {
            sum_in += gi[size_t(p * in_plane + i)];
            abs_in += std::fabs(gi[size_t(p * in_plane + i)]);
          }
          double abs_out = 0.0;
          for (int64_t i = 0; i < out_plane; ++i)
            abs_out += std::fabs(g[size_t(p * out_plane + i)]);
          INFO("plane " << p);
          CHECK(std::fabs(sum_in - sum_out) <= 1e-5 * (abs_in + 3 * abs_out) + 1e-6);
        }
      }
}

TEST_CASE("resize_backward: align_corners bilinear backward of all-ones (hand-checked)",
          "[resize_backward]") {
  // 1-D, 2 -> 5 with align_corners: x_in = 0, 0.25, 0.5, 0.75, 1; input 0 receives
  // 1 + 0.75 + 0.5 + 0.25 + 0 = 2.5, input 1 the same: sum 5, the number of outputs.
  const std::vector<float> g(5, 1.0f);
  float out[2] = {0, 0};
  ResizeOptions o;
  o.method = ResizeMethod::kBilinear;
  o.coordinate_mode = CoordinateMode::kAlignCorners;
  const Status st = upsample::resize_backward(
      upsample::make_input_tensor(g.data(), DType::kFloat32, Layout::kNCHW, 1, 1, 1, 5),
      upsample::make_tensor(out, DType::kFloat32, Layout::kNCHW, 1, 1, 1, 2), o);
  INFO(st.message());
  REQUIRE(st.ok());
  CHECK(out[0] == Approx(2.5));
  CHECK(out[1] == Approx(2.5));
}

// ---------------------------------------------------------------------------------------------
// Validation: a non-ok Status whose message names the problem; grad_input untouched.

namespace {

// resize_backward of grad_output (1, 2, 6, 8) into grad_input (1, 2, 3, 4), bilinear.
struct BackwardFixture {
  Buffer gy, gx;
  ResizeOptions options;
  explicit BackwardFixture(Mem mem = Mem::kNCHW, Shape gx_shape = {1, 2, 3, 4},
                           Shape gy_shape = {1, 2, 6, 8}) {
    gy = make_buffer(DType::kFloat32, mem, gy_shape);
    gy.fill(data(gy_shape.count(), 3));
    gx = make_buffer(DType::kFloat32, mem, gx_shape);
    options.method = ResizeMethod::kBilinear;
  }
};

void check_rejected(const Status& st, const std::vector<const Buffer*>& unchanged,
                    const std::vector<std::vector<unsigned char>>& before,
                    std::initializer_list<const char*> words) {
  INFO("status " << upsample::status_code_name(st.code()) << ": \"" << st.message() << "\"");
  CHECK_FALSE(st.ok());
  CHECK((st.code() == StatusCode::kInvalidArgument || st.code() == StatusCode::kOutOfRange));
  CHECK(mentions_any(st.message(), words));
  for (size_t i = 0; i < unchanged.size(); ++i) {
    const bool buffer_unchanged = unchanged[i]->snapshot() == before[i];
    CHECK(buffer_unchanged);
  }
}

void backward_rejected(const BackwardFixture& f, const upsample::TensorView& gy,
                       const upsample::TensorView& gx, const ResizeOptions& o,
                       std::initializer_list<const char*> words) {
  INFO(options_str(o));
  const auto gx0 = f.gx.snapshot(), gy0 = f.gy.snapshot();
  check_rejected(upsample::resize_backward(gy, gx, o), {&f.gx, &f.gy}, {gx0, gy0}, words);
}

}  // namespace

TEST_CASE("resize_backward validation: the fixture itself is accepted",
          "[resize_backward][validation]") {
  for (Mem mem : kAllMems) {
    BackwardFixture f(mem);
    const Status st = upsample::resize_backward(f.gy.view, f.gx.view, f.options);
    INFO(mem_str(mem) << ": " << st.message());
    CHECK(st.ok());
    CHECK(f.gx.check_canaries() == "");
  }
}

TEST_CASE("resize_backward validation: dtypes other than float32",
          "[resize_backward][validation]") {
  BackwardFixture f;
  for (DType d : {DType::kUInt8, DType::kUInt16, DType::kFloat16, DType::kInt32, DType::kInt64}) {
    INFO(dtype_str(d));
    upsample::TensorView v = f.gy.view;
    v.dtype = d;
    backward_rejected(f, v, f.gx.view, f.options, {"dtype", "float32", dtype_str(d)});
    v = f.gx.view;
    v.dtype = d;
    backward_rejected(f, f.gy.view, v, f.options, {"dtype", "float32", dtype_str(d)});
  }
  // Real uint8 and float16 buffers of the right shapes, both sides.
  for (DType d : {DType::kUInt8, DType::kFloat16}) {
    Buffer gy = make_buffer(d, Mem::kNCHW, f.gy.shape);
    gy.fill(random_values(d, f.gy.shape.count(), 5));
    Buffer gx = make_buffer(d, Mem::kNCHW, f.gx.shape);
    const auto before = gx.snapshot();
    check_rejected(upsample::resize_backward(gy.view, gx.view, f.options), {&gx}, {before},
                   {"dtype", "float32", dtype_str(d)});
  }
  // An unknown dtype value.
  upsample::TensorView v = f.gy.view;
  v.dtype = static_cast<DType>(42);
  backward_rejected(f, v, f.gx.view, f.options, {"dtype"});
}

TEST_CASE("resize_backward validation: null data pointers", "[resize_backward][validation]") {
  BackwardFixture f;
  upsample::TensorView v = f.gy.view;
  v.data = nullptr;
  backward_rejected(f, v, f.gx.view, f.options, {"null", "pointer"});
  v = f.gx.view;
  v.data = nullptr;
  backward_rejected(f, f.gy.view, v, f.options, {"null", "pointer"});
}

TEST_CASE("resize_backward validation: N or C that differ, sizes that are not positive",
          "[resize_backward][validation]") {
  for (Shape gx_shape : {Shape{2, 2, 3, 4}, Shape{1, 3, 3, 4}, Shape{1, 1, 3, 4}}) {
    BackwardFixture f(Mem::kNCHW, gx_shape);
    INFO(shape_str(gx_shape));
    backward_rejected(f, f.gy.view, f.gx.view, f.options, {"shape", "mismatch"});
  }
  BackwardFixture f;
  for (int d = 0; d < 4; ++d) {
    upsample::TensorView v = f.gx.view;
    v.shape[d] = 0;
    backward_rejected(f, f.gy.view, v, f.options, {"size", "positive"});
    v = f.gy.view;
    v.shape[d] = -1;
    backward_rejected(f, v, f.gx.view, f.options, {"size", "positive"});
  }
}

TEST_CASE("resize_backward validation: a scale that disagrees with the sizes",
          "[resize_backward][validation]") {
  // The forward pass resized 3x4 to 6x8: scale 2 agrees (and is accepted), 3 or 1.5 do not.
  BackwardFixture f;
  ResizeOptions o = f.options;
  o.scale_h = 2.0;
  o.scale_w = 2.0;
  {
    BackwardFixture ok;
    const Status st = upsample::resize_backward(ok.gy.view, ok.gx.view, o);
    INFO(st.message());
    CHECK(st.ok());
  }
  o.scale_h = 3.0;
  backward_rejected(f, f.gy.view, f.gx.view, o, {"scale", "disagree"});
  o.scale_h = 2.0;
  o.scale_w = 1.5;
  backward_rejected(f, f.gy.view, f.gx.view, o, {"scale", "disagree"});
  for (double bad : {-2.0, std::nan(""), HUGE_VAL}) {
    o = f.options;
    o.scale_w = bad;
    backward_rejected(f, f.gy.view, f.gx.view, o, {"scale"});
  }
}

TEST_CASE("resize_backward validation: enum values outside their enums, cubic_a not finite",
          "[resize_backward][validation]") {
  BackwardFixture f;
  ResizeOptions o = f.options;
  for (int bad : {3, -1, 99}) {
    o = f.options;
    o.method = static_cast<ResizeMethod>(bad);
    backward_rejected(f, f.gy.view, f.gx.view, o, {"method"});
  }
  for (int bad : {5, -1, 42}) {
    o = f.options;
    o.coordinate_mode = static_cast<CoordinateMode>(bad);
    backward_rejected(f, f.gy.view, f.gx.view, o, {"coordinate"});
  }
  for (int bad : {4, -1, 17}) {
    o = f.options;
    o.method = ResizeMethod::kNearest;
    o.nearest_mode = static_cast<NearestMode>(bad);
    backward_rejected(f, f.gy.view, f.gx.view, o, {"nearest"});
  }
  o = f.options;
  o.method = ResizeMethod::kBicubic;
  o.cubic_a = std::numeric_limits<float>::quiet_NaN();
  backward_rejected(f, f.gy.view, f.gx.view, o, {"cubic_a"});
  upsample::TensorView v = f.gx.view;
  v.layout = static_cast<Layout>(5);
  backward_rejected(f, f.gy.view, v, f.options, {"layout"});
}

TEST_CASE("resize_backward validation: views that overlap", "[resize_backward][validation]") {
  BackwardFixture f;
  // grad_input placed inside grad_output's memory.
  upsample::TensorView gx = f.gx.view;
  gx.data = static_cast<float*>(f.gy.view.data) + 5;
  backward_rejected(f, f.gy.view, gx, f.options, {"overlap"});
  // grad_output and grad_input on the same memory (in place).
  {
    BackwardFixture g(Mem::kNCHW, {1, 2, 1, 1}, {1, 2, 1, 2});
    upsample::TensorView in = g.gy.view;
    in.data = g.gx.view.data;  // the same memory
    backward_rejected(g, in, g.gx.view, g.options, {"overlap"});
  }
  // grad_input whose elements overlap one another.
  gx = f.gx.view;
  gx.strides[2] = 1;
  backward_rejected(f, f.gy.view, gx, f.options, {"overlap", "distinct", "stride"});
  gx = f.gx.view;
  gx.strides[3] = 0;
  backward_rejected(f, f.gy.view, gx, f.options, {"stride"});
}

TEST_CASE("resize_backward validation: layouts that disagree", "[resize_backward][validation]") {
  BackwardFixture f;
  Buffer nhwc = make_buffer(DType::kFloat32, Mem::kNHWC, f.gx.shape);
  const auto before = nhwc.snapshot();
  check_rejected(upsample::resize_backward(f.gy.view, nhwc.view, f.options), {&nhwc}, {before},
                 {"layout"});
  BackwardFixture g(Mem::kNHWC);
  Buffer nchw = make_buffer(DType::kFloat32, Mem::kNCHW, g.gx.shape);
  const auto before2 = nchw.snapshot();
  check_rejected(upsample::resize_backward(g.gy.view, nchw.view, g.options), {&nchw}, {before2},
                 {"layout"});
}
