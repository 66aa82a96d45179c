#include "upsample/presets.h"

namespace upsample {
namespace {

ResizeOptions make(ResizeMethod method, CoordinateMode coordinates,
                   NearestMode nearest = NearestMode::kRoundPreferFloor) {
  ResizeOptions options;
  options.method = method;
  options.coordinate_mode = coordinates;
  options.nearest_mode = nearest;
  options.cubic_a = -0.75f;
  return options;
}

}  // namespace

ResizeOptions pytorch_options(PytorchMode mode, bool align_corners) {
  const CoordinateMode interpolating =
      align_corners ? CoordinateMode::kAlignCorners : CoordinateMode::kHalfPixel;
  switch (mode) {
    case PytorchMode::kNearest:  // src = floor(dst * in / out)
      return make(ResizeMethod::kNearest, CoordinateMode::kAsymmetric, NearestMode::kFloor);
    case PytorchMode::kNearestExact:  // src = floor((dst + 0.5) * in / out)
      return make(ResizeMethod::kNearest, CoordinateMode::kHalfPixel,
                  NearestMode::kRoundPreferCeil);
    case PytorchMode::kBilinear:
      return make(ResizeMethod::kBilinear, interpolating);
    case PytorchMode::kBicubic:
      return make(ResizeMethod::kBicubic, interpolating);
  }
  return make(ResizeMethod::kBilinear, interpolating);
}

ResizeOptions onnx_options(ResizeMethod method) {
  return make(method, CoordinateMode::kHalfPixel, NearestMode::kRoundPreferFloor);
}

ResizeOptions opencv_options(OpencvInterpolation interpolation) {
  switch (interpolation) {
    case OpencvInterpolation::kNearest:
      return make(ResizeMethod::kNearest, CoordinateMode::kAsymmetric, NearestMode::kFloor);
    case OpencvInterpolation::kNearestExact:
      return make(ResizeMethod::kNearest, CoordinateMode::kHalfPixel,
                  NearestMode::kRoundPreferCeil);
    case OpencvInterpolation::kLinear:
      return make(ResizeMethod::kBilinear, CoordinateMode::kHalfPixel);
    case OpencvInterpolation::kCubic:
      return make(ResizeMethod::kBicubic, CoordinateMode::kHalfPixel);
  }
  return make(ResizeMethod::kBilinear, CoordinateMode::kHalfPixel);
}

ResizeOptions tflite_options(ResizeMethod method, bool align_corners, bool half_pixel_centers) {
  // TFLite rejects align_corners together with half_pixel_centers; here align_corners wins.
  const CoordinateMode coordinates = align_corners        ? CoordinateMode::kAlignCorners
                                     : half_pixel_centers ? CoordinateMode::kHalfPixel
                                                          : CoordinateMode::kAsymmetric;
  if (method != ResizeMethod::kNearest) return make(method, coordinates);
  // Nearest: round(x) with align_corners, floor((x + 0.5) * in / out) with half-pixel centres,
  // floor(x * in / out) otherwise.
  const NearestMode rounding = coordinates == CoordinateMode::kAsymmetric
                                   ? NearestMode::kFloor
                                   : NearestMode::kRoundPreferCeil;
  return make(method, coordinates, rounding);
}

}  // namespace upsample
