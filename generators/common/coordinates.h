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

// The input coordinate (in input pixels, pixel centres at integers) that output index `x` maps to,
// in float32 as ONNX Runtime computes it. `scale` is output/input (a given scale factor, or the
// ratio of the sizes); `mode` a runtime CoordinateMode. strict_float keeps the compiler from
// contracting or reassociating, so the result is the same on every target.
inline Halide::Expr source_coordinate(const Halide::Expr& x, const Halide::Expr& mode,
                                      const Halide::Expr& scale, const Halide::Expr& length_in,
                                      const Halide::Expr& length_out) {
  using Halide::Expr;
  using Halide::select;
  Expr xf = Halide::cast<float>(x);
  Expr in_f = Halide::cast<float>(length_in);
  Expr out_f = Halide::cast<float>(length_out);
  Expr half_pixel = (xf + 0.5f) / scale - 0.5f;
  Expr pytorch_half_pixel = select(length_out > 1, half_pixel, 0.0f);
  Expr align_corners = select(length_out > 1, xf * (in_f - 1.0f) / (out_f - 1.0f), 0.0f);
  Expr asymmetric = xf / scale;
  // half_pixel_symmetric re-centres the grid when the output length was truncated from in*scale.
  Expr adjustment = out_f / (scale * in_f);
  Expr offset = (in_f / 2.0f) * (1.0f - adjustment);
  Expr half_pixel_symmetric = offset + half_pixel;
  Expr result =
      select(mode == int(CoordinateMode::kPytorchHalfPixel), pytorch_half_pixel,
             mode == int(CoordinateMode::kAlignCorners), align_corners,
             mode == int(CoordinateMode::kAsymmetric), asymmetric,
             mode == int(CoordinateMode::kHalfPixelSymmetric), half_pixel_symmetric, half_pixel);
  return Halide::strict_float(result);
}

// The input index nearest picks for coordinate `xf`, clamped to the input (edge replication).
inline Halide::Expr nearest_index(const Halide::Expr& xf, const Halide::Expr& mode,
                                  const Halide::Expr& length_in) {
  using Halide::Expr;
  using Halide::select;
  Expr down = Halide::floor(xf);
  Expr fraction = xf - down;
  Expr rounded = select(mode == int(NearestMode::kRoundPreferCeil),
                        select(fraction >= 0.5f, down + 1.0f, down),  //
                        mode == int(NearestMode::kFloor), down,       //
                        mode == int(NearestMode::kCeil), Halide::ceil(xf),
                        select(fraction > 0.5f, down + 1.0f, down));  // round_prefer_floor
  // Clamp in float first: a coordinate far outside the input must not overflow the int cast.
  Expr clamped = Halide::clamp(rounded, 0.0f, Halide::cast<float>(length_in - 1));
  return Halide::cast<int>(Halide::strict_float(clamped));
}

// floor(xf) as an int, clamped to [-4, length_in + 4] so that far-out coordinates stay finite;
// interpolation taps are then clamped to the input separately.
inline Halide::Expr floor_index(const Halide::Expr& xf, const Halide::Expr& length_in) {
  Halide::Expr clamped =
      Halide::clamp(Halide::floor(xf), -4.0f, Halide::cast<float>(length_in + 4));
  return Halide::cast<int>(Halide::strict_float(clamped));
}

// Keys' cubic convolution weight of the tap at signed distance `d` (|d| < 2) for coefficient `a`,
// as ONNX and PyTorch define it.
inline Halide::Expr cubic_weight(const Halide::Expr& d, const Halide::Expr& a) {
  using Halide::Expr;
  Expr t = Halide::abs(d);
  Expr near = ((a + 2.0f) * t - (a + 3.0f)) * t * t + 1.0f;
  Expr far = ((a * t - 5.0f * a) * t + 8.0f * a) * t - 4.0f * a;
  return Halide::select(t <= 1.0f, near, t < 2.0f, far, 0.0f);
}

}  // namespace upsample::generators
