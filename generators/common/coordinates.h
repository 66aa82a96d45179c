// The coordinate transforms, nearest rounding rules and interpolation weights of ONNX Resize,
// written once as Halide expressions. Enum values match runtime/include/upsample/resize.h.
#pragma once

#include "Halide.h"

namespace upsample::generators {

enum class CoordinateMode : int {
  kHalfPixel = 0,
  kPytorchHalfPixel = 1,
  kAlignCorners = 2,
  kAsymmetric = 3,
  kHalfPixelSymmetric = 4,
};

enum class NearestMode : int { kRoundPreferFloor = 0, kRoundPreferCeil = 1, kFloor = 2, kCeil = 3 };

// A float64 constant (Halide has no double literals).
inline Halide::Expr f64(double v) {
  return Halide::Internal::make_const(Halide::Float(64), v);
}

// Where output index `x` samples the input, along an axis of `length_in` input and `length_out`
// output pixels. With `scale` == 0 the scale is length_out / length_in and the coordinate is kept
// as an exact ratio of integers (numerator / denominator, both exact in float64), so ties and
// integer positions are recognised exactly, e.g. 2 * 7 / 4 = 3.5 is a tie, which float32
// arithmetic turns into 3.4999998. With a given scale factor S (> 0) the ONNX formulas are
// evaluated in float64 with S itself.
struct SourceCoordinate {
  Halide::Expr base;         // floor of the coordinate (int), clamped to [-4, length_in + 4]
  Halide::Expr fraction;     // coordinate - floor, in [0, 1) (float64)
  Halide::Expr remainder;    // fraction * denominator, exact (float64)
  Halide::Expr denominator;  // (float64)
};

inline SourceCoordinate source_coordinate(const Halide::Expr& x, const Halide::Expr& mode,
                                          const Halide::Expr& scale, const Halide::Expr& length_in,
                                          const Halide::Expr& length_out) {
  using Halide::Expr;
  using Halide::select;
  Expr xd = Halide::cast<double>(x);
  Expr in = Halide::cast<double>(length_in);
  Expr out = Halide::cast<double>(length_out);
  Expr from_sizes = scale == f64(0.0);
  Expr one_output = length_out <= 1;

  // half_pixel: (x + 0.5) / scale - 0.5, i.e. ((2x + 1) in - out) / (2 out) from the sizes.
  Expr half_num =
      select(from_sizes, (f64(2.0) * xd + f64(1.0)) * in - out, (xd + f64(0.5)) / scale - f64(0.5));
  Expr half_den = select(from_sizes, f64(2.0) * out, f64(1.0));
  // asymmetric: x / scale.
  Expr asym_num = select(from_sizes, xd * in, xd / scale);
  Expr asym_den = select(from_sizes, out, f64(1.0));
  // align_corners: x (in - 1) / (out - 1), 0 for a single output pixel.
  Expr align_num = select(one_output, f64(0.0), xd * (in - f64(1.0)));
  Expr align_den = select(one_output, f64(1.0), out - f64(1.0));
  // half_pixel_symmetric: re-centred by (in / 2)(1 - out / (scale in)), which is 0 from sizes.
  Expr symmetric_num =
      select(from_sizes, half_num, (in / f64(2.0)) * (f64(1.0) - out / (scale * in)) + half_num);

  auto pick = [&](const Expr& half, const Expr& pytorch, const Expr& align, const Expr& asym,
                  const Expr& symmetric) {
    return select(mode == int(CoordinateMode::kPytorchHalfPixel), pytorch,
                  mode == int(CoordinateMode::kAlignCorners), align,
                  mode == int(CoordinateMode::kAsymmetric), asym,
                  mode == int(CoordinateMode::kHalfPixelSymmetric), symmetric, half);
  };
  // pytorch_half_pixel: half_pixel, but 0 for a single output pixel.
  Expr num =
      pick(half_num, select(one_output, f64(0.0), half_num), align_num, asym_num, symmetric_num);
  Expr den = pick(half_den, select(one_output, f64(1.0), half_den), align_den, asym_den, half_den);

  // floor(num / den), corrected where the rounded quotient reached the next integer.
  Expr quotient = Halide::floor(num / den);
  quotient = select(quotient * den > num, quotient - f64(1.0), quotient);
  Expr remainder = num - quotient * den;
  SourceCoordinate c;
  Expr clamped = Halide::clamp(quotient, -f64(4.0), in + f64(4.0));
  c.base = Halide::cast<int>(Halide::strict_float(clamped));
  c.fraction = Halide::strict_float(remainder / den);
  c.remainder = Halide::strict_float(remainder);
  c.denominator = Halide::strict_float(den);
  return c;
}

// How far the source coordinate moves per output index: every mode maps x affinely.
inline Halide::Expr coordinate_step(const Halide::Expr& mode, const Halide::Expr& scale,
                                    const Halide::Expr& length_in, const Halide::Expr& length_out) {
  using Halide::Expr;
  using Halide::select;
  Expr in = Halide::cast<double>(length_in);
  Expr out = Halide::cast<double>(length_out);
  Expr align = select(length_out <= 1, f64(0.0), (in - f64(1.0)) / (out - f64(1.0)));
  Expr general = select(scale == f64(0.0), in / out, f64(1.0) / scale);
  return select(mode == int(CoordinateMode::kAlignCorners), align, general);
}

// The input index nearest picks, before clamping to the input (callers clamp: edge replication).
// Halves are compared exactly: 2 * remainder against the denominator.
inline Halide::Expr nearest_index(const SourceCoordinate& c, const Halide::Expr& mode) {
  using Halide::Expr;
  using Halide::select;
  Expr zero = Halide::Internal::make_zero(Halide::Float(64));
  Expr twice = c.remainder + c.remainder;
  Expr up = select(mode == int(NearestMode::kRoundPreferCeil), twice >= c.denominator,
                   mode == int(NearestMode::kFloor), Halide::cast<bool>(false),
                   mode == int(NearestMode::kCeil), c.remainder > zero,
                   twice > c.denominator);  // round_prefer_floor
  return c.base + select(up, 1, 0);
}

// Keys' cubic convolution weight of the tap at signed distance `d` (|d| < 2) for coefficient `a`,
// as ONNX and PyTorch define it, in float64: the polynomial cancels terms of size ~5, which would
// cost float32 weights about 4e-7 (visible in uint16 results).
// The two pieces of the polynomial, at t = |d| in [0, 1] and (1, 2), written once for Halide
// expressions and for numbers known when the pipeline is compiled (constant taps).
template <typename T>
T keys_cubic_near(const T& t, const T& a) {
  return ((a + 2) * t - (a + 3)) * t * t + 1;
}
template <typename T>
T keys_cubic_far(const T& t, const T& a) {
  return ((a * t - 5 * a) * t + 8 * a) * t - 4 * a;
}

inline Halide::Expr cubic_weight(const Halide::Expr& d, const Halide::Expr& a_float) {
  using Halide::Expr;
  Expr a = Halide::cast<double>(a_float);
  Expr t = Halide::abs(d);
  return Halide::strict_float(
      Halide::select(t <= f64(1), keys_cubic_near(t, a), t < f64(2), keys_cubic_far(t, a), f64(0)));
}

}  // namespace upsample::generators
