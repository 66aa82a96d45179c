// The taps and weights of one axis of an interpolating resize: which input indices an output index
// reads and with what weights. Shared by every pipeline that resizes (forward and, later, adjoint).
#pragma once

#include <cmath>
#include <vector>

#include "Halide.h"
#include "common/coordinates.h"

namespace upsample::generators {

enum class Method : int { kNearest = 0, kLinear = 1, kCubic = 2 };

inline int tap_count(Method method) {
  switch (method) {
    case Method::kNearest:
      return 1;
    case Method::kLinear:
      return 2;
    case Method::kCubic:
      return 4;
  }
  return 0;
}

struct AxisTaps {
  Halide::Expr first;                // input index of tap 0, before clamping to the input
  std::vector<Halide::Expr> weight;  // one weight per tap, summing to 1
};

struct InterpolationParams {
  Halide::Expr coordinate_mode;  // int, CoordinateMode
  Halide::Expr nearest_mode;     // int, NearestMode
  Halide::Expr cubic_a;          // float
  Halide::Expr exclude_outside;  // bool
};

// Taps of output index `x` along an axis of `length_in` input and `length_out` output pixels;
// `scale` is the float64 scale factor, or 0 for output / input.
inline AxisTaps axis_taps(Method method, const Halide::Expr& x, const Halide::Expr& scale,
                          const Halide::Expr& length_in, const Halide::Expr& length_out,
                          const InterpolationParams& params) {
  using Halide::Expr;
  SourceCoordinate coordinate =
      source_coordinate(x, params.coordinate_mode, scale, length_in, length_out);
  AxisTaps taps;
  // Weights are computed in float64, once per row or column, and used as float32.
  auto to_float = [](const Expr& w) { return Halide::strict_float(Halide::cast<float>(w)); };
  if (method == Method::kNearest) {
    taps.first = nearest_index(coordinate, params.nearest_mode);
    taps.weight = {Expr(1.0f)};
    return taps;
  }
  Expr base = coordinate.base;
  Expr t = coordinate.fraction;
  if (method == Method::kLinear) {
    // Taps outside the input read the edge pixel (indices are clamped by the caller), which is
    // what ONNX, PyTorch, OpenCV and TFLite all do for linear.
    taps.first = base;
    taps.weight = {to_float(f64(1) - t), to_float(t)};
    return taps;
  }
  taps.first = base - 1;
  Expr sum = f64(0);
  for (int k = 0; k < 4; k++) {
    Expr w = cubic_weight(t + f64(1 - k), params.cubic_a);
    // exclude_outside drops taps beyond the input and renormalises what is left.
    Expr tap = base + (k - 1);
    Expr outside = tap < 0 || tap >= length_in;
    w = Halide::select(params.exclude_outside && outside, f64(0), w);
    taps.weight.push_back(w);
    sum += w;
  }
  for (Expr& w : taps.weight) {
    w = to_float(Halide::select(params.exclude_outside, w / sum, w));
  }
  return taps;
}

// The taps of phase `p` of an upscale by k / q (in lowest terms) in ONNX half_pixel mode, as
// numbers known when the pipeline is compiled: output k * i + p reads input q * i + first + tap.
// Coordinates are ((2p + 1) q - k) / (2k) past q * i, so the floor and fraction are exact integer
// arithmetic; weights are computed in float64 as axis_taps does.
struct ConstantTaps {
  int first = 0;
  std::vector<double> weight;
};

// Keys' a as PyTorch, OpenCV and ONNX (by default) use it; the runtime passes half_pixel_x only
// for it.
constexpr double kDefaultCubicA = -0.75;

inline ConstantTaps half_pixel_phase_taps(Method method, int k, int q, int p, double cubic_a) {
  const int numerator = (2 * p + 1) * q - k, denominator = 2 * k;
  const int base =
      numerator >= 0 ? numerator / denominator : -((-numerator + denominator - 1) / denominator);
  const double t = double(numerator - base * denominator) / denominator;
  ConstantTaps taps;
  if (method == Method::kLinear) {
    taps.first = base;
    taps.weight = {1 - t, t};
  } else {
    taps.first = base - 1;
    for (int j = 0; j < 4; j++) {
      const double d = std::abs(t + 1 - j);
      taps.weight.push_back(d <= 1 ? keys_cubic_near(d, cubic_a) : keys_cubic_far(d, cubic_a));
    }
  }
  return taps;
}

// Weight `tap` (a Var) of a table row, as one expression of the tap index.
inline Halide::Expr weight_of_tap(const AxisTaps& taps, const Halide::Var& tap) {
  Halide::Expr w = taps.weight[0];
  for (size_t k = 1; k < taps.weight.size(); k++) {
    w = Halide::select(tap == int(k), taps.weight[k], w);
  }
  return w;
}

// The taps of every output index `v` along one axis as two tables: index(v, tap), the input index
// clamped to the input (edge replication), and weight(v, tap) (not defined for nearest).
inline void define_axis_tables(Method method, const Halide::Var& v, const Halide::Var& tap,
                               const Halide::Expr& scale, const Halide::Expr& length_in,
                               const Halide::Expr& length_out, const InterpolationParams& params,
                               Halide::Func& index, Halide::Func& weight) {
  AxisTaps taps = axis_taps(method, v, scale, length_in, length_out, params);
  index(v, tap) = Halide::clamp(taps.first + tap, 0, length_in - 1);
  if (method != Method::kNearest) weight(v, tap) = weight_of_tap(taps, tap);
}

}  // namespace upsample::generators
