// A deliberately simple, slow oracle for resize, written straight from the ONNX Resize spec
// (opset 19) and independent of the library: its own enums, plain std::vector data in NCHW order.
//
//  * For every output index x along an axis, x_original is computed in double by the
//    coordinate_transformation_mode formula, with scale = the given scale factor when it is
//    non-zero and output_length / input_length otherwise.
//  * nearest: x_original rounded by the nearest mode, clamped to [0, in - 1].
//  * linear:  taps floor(x), floor(x) + 1 with weights 1 - t, t; indices clamped (edge
//  replication).
//  * cubic:   taps floor(x) - 1 .. floor(x) + 2 with the Keys / ONNX coefficients for a; indices
//             clamped, or with exclude_outside the weights of out-of-range taps zeroed and the rest
//             renormalised to sum 1.
//  * 2-D is separable: out(y, x) = sum_i sum_j wy_i * wx_j * in(y_i, x_j).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace upsample_ref {

enum class Method { kNearest, kLinear, kCubic };
enum class CoordMode {
  kHalfPixel,
  kPytorchHalfPixel,
  kAlignCorners,
  kAsymmetric,
  kHalfPixelSymmetric
};
enum class NearestRounding { kRoundPreferFloor, kRoundPreferCeil, kFloor, kCeil };

const char* to_string(Method m);
const char* to_string(CoordMode m);
const char* to_string(NearestRounding m);

struct Shape {
  int64_t n = 1, c = 1, h = 1, w = 1;
  int64_t count() const { return n * c * h * w; }
};
std::string to_string(const Shape& s);

struct ResizeSpec {
  Method method = Method::kLinear;
  CoordMode coord = CoordMode::kHalfPixel;
  NearestRounding rounding = NearestRounding::kRoundPreferFloor;  // nearest only
  double cubic_a = -0.75;                                         // cubic only
  bool exclude_outside = false;                                   // cubic only
  double scale_h = 0.0;                                           // 0: output_h / input_h
  double scale_w = 0.0;                                           // 0: output_w / input_w
};

// The coordinate scale of an axis: scale_option when non-zero, else out / in.
double axis_scale(int64_t in, int64_t out, double scale_option);

// x_original for output index x (ONNX coordinate_transformation_mode), in double.
double original_coordinate(int64_t x, int64_t in, int64_t out, double scale, CoordMode mode);

// The Keys cubic convolution kernel with parameter a, at distance s.
double cubic_kernel(double s, double a);

// The input index nearest mode picks for x_original (before clamping).
int64_t round_by_mode(double x_original, NearestRounding mode);

struct Tap {
  int64_t index;  // already clamped into [0, in - 1]
  double weight;
};
using AxisTaps = std::vector<std::vector<Tap>>;  // [output index] -> taps

// Taps of one axis. coordinate_shift moves every x_original by
// coordinate_shift * (1 + |x_original| + in / 2) before the taps are taken; the tests use it to
// bound the effect of computing coordinates in float32 (0 gives the plain oracle). For nearest,
// x_original is first snapped onto a multiple of 1/2 when it is within 1e-9 of one: with the small
// sizes and simple scales of the tests every coordinate is a rational with a small denominator, so
// this recovers the exact value that double rounding may have missed.
AxisTaps axis_taps(int64_t in, int64_t out, double scale_option, Method method, CoordMode coord,
                   NearestRounding rounding, double cubic_a, bool exclude_outside,
                   double coordinate_shift = 0.0);

// out(n, c, y, x) = sum over taps_h[y] and taps_w[x].
std::vector<double> apply_separable(const std::vector<double>& input, const Shape& in,
                                    const AxisTaps& taps_h, const AxisTaps& taps_w);

// The resize of `input` (NCHW, shape `in`) to (in.n, in.c, out_h, out_w), in double, unrounded.
std::vector<double> resize(const std::vector<double>& input, const Shape& in, int64_t out_h,
                           int64_t out_w, const ResizeSpec& spec);

// For nearest: every input index (clamped) that an implementation computing the coordinate in
// float32 may legitimately pick, per output index. The first entry is the exact answer. A second
// appears only where x_original lies exactly on a rounding boundary (a tie for the round modes, an
// integer for floor / ceil) and float32 arithmetic cannot be relied on to land on it: the scale is
// not a float32 value, or ONNX Runtime's float32 formula does not give the exact coordinate.
std::vector<std::vector<int64_t>> nearest_candidates(int64_t in, int64_t out, double scale_option,
                                                     CoordMode coord, NearestRounding rounding);

}  // namespace upsample_ref
