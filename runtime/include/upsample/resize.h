// Resize by nearest, bilinear or bicubic interpolation, with the semantics of ONNX Resize (opset 13
// and later). Every framework's variant is reachable through these options; presets.h names them.
#pragma once

#include <cstdint>

#include "upsample/status.h"
#include "upsample/tensor.h"

namespace upsample {

enum class ResizeMethod : int { kNearest = 0, kBilinear = 1, kBicubic = 2 };

// How an output coordinate x maps to an input coordinate (ONNX coordinate_transformation_mode).
// scale is output/input; length_in and length_out are the axis lengths.
enum class CoordinateMode : int {
  kHalfPixel = 0,         // (x + 0.5) / scale - 0.5
  kPytorchHalfPixel = 1,  // as half_pixel, but 0 when length_out == 1
  kAlignCorners = 2,      // x * (length_in - 1) / (length_out - 1), 0 when length_out == 1
  kAsymmetric = 3,        // x / scale
  kHalfPixelSymmetric =
      4,  // half_pixel, re-centred when floor(length_in * scale) != length_in * scale
};

// How nearest picks an input index from a fractional coordinate (ONNX nearest_mode).
enum class NearestMode : int {
  kRoundPreferFloor = 0,  // round to nearest, halves go down
  kRoundPreferCeil = 1,   // round to nearest, halves go up
  kFloor = 2,
  kCeil = 3,
};

struct ResizeOptions {
  ResizeMethod method = ResizeMethod::kBilinear;
  CoordinateMode coordinate_mode = CoordinateMode::kHalfPixel;
  NearestMode nearest_mode = NearestMode::kRoundPreferFloor;  // used by kNearest only
  float cubic_a = -0.75f;                                     // used by kBicubic only
  bool exclude_outside = false;  // bicubic: drop taps outside the input, renormalise the rest
  // Coordinate scales (output / input) per axis. 0 means "from the sizes": output / input.
  // Set them when the output size was derived from a scale factor S (output = floor(input * S)),
  // as PyTorch's scale_factor and ONNX's scales do: the coordinates then use S itself.
  double scale_h = 0.0;
  double scale_w = 0.0;
};

// Resizes input (N, C, H, W) into output (N, C, H', W'). N, C, dtype and layout must match. Every
// dtype is supported; uint8 and uint16 results are the float result rounded to nearest, ties to
// even, and saturated (uint8 bilinear at 2x, 4x, 3/2 and 5/2 sums exactly in integers, so there a
// float result within float32 rounding of a tie can land on the other side: docs/resize-options.md).
// Input and output must not overlap.
Status resize(const TensorView& input, const TensorView& output, const ResizeOptions& options);

// The adjoint (backward pass) of resize: grad_input (N, C, H, W) receives each grad_output
// (N, C, H', W') element times the weight with which resize read each input element, summed; taps
// clamped to the edge add to the edge. float32 only; every method, coordinate mode and option of
// resize; grad_input is overwritten. This is PyTorch's upsample_*_backward for its modes.
Status resize_backward(const TensorView& grad_output, const TensorView& grad_input,
                       const ResizeOptions& options);

// floor(input_length * scale), the output length for a scale factor; an error when scale is not a
// positive finite number or the result is not in [1, 2^31).
Status resize_output_length(int64_t input_length, double scale, int64_t* output_length);

const char* resize_method_name(ResizeMethod method);
const char* coordinate_mode_name(CoordinateMode mode);
const char* nearest_mode_name(NearestMode mode);

}  // namespace upsample
