// ResizeOptions that reproduce other libraries exactly. docs/resize-options.md has the table.
#pragma once

#include "upsample/resize.h"

namespace upsample {

// torch.nn.functional.interpolate modes.
enum class PytorchMode : int { kNearest = 0, kNearestExact = 1, kBilinear = 2, kBicubic = 3 };
// align_corners is ignored by the nearest modes, as in PyTorch.
ResizeOptions pytorch_options(PytorchMode mode, bool align_corners);

// ONNX Resize with its defaults (half_pixel, round_prefer_floor, cubic_coeff_a = -0.75).
ResizeOptions onnx_options(ResizeMethod method);

// cv::resize interpolation flags.
enum class OpencvInterpolation : int { kNearest = 0, kLinear = 1, kCubic = 2, kNearestExact = 3 };
ResizeOptions opencv_options(OpencvInterpolation interpolation);

// tf.lite RESIZE_NEAREST_NEIGHBOR / RESIZE_BILINEAR (method kNearest or kBilinear).
ResizeOptions tflite_options(ResizeMethod method, bool align_corners, bool half_pixel_centers);

}  // namespace upsample
