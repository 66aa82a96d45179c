// Resize-convolution: an interpolating upsample followed by a convolution, the usual alternative
// to a transposed convolution that avoids its checkerboard artefacts (Odena et al., 2016). One
// operator, with its backward pass; float32, NCHW or NHWC.
#pragma once

#include <cstdint>

#include "upsample/conv.h"
#include "upsample/resize.h"
#include "upsample/status.h"
#include "upsample/tensor.h"

namespace upsample {

struct ResizeConv2dOptions {
  ResizeOptions resize;                  // usually kNearest or kBilinear; any resize option works
  int64_t resized_h = 0, resized_w = 0;  // the size after the resize: the convolution's input
  Conv2dOptions conv;
};

// output = conv2d(resize(input to resized_h x resized_w), weight, bias). weight is
// (C_out, C_in / groups, kH, kW) as for conv2d; output's H, W follow the conv2d formula from the
// resized size.
Status resize_conv2d(const TensorView& input, const TensorView& weight, const TensorView* bias,
                     const TensorView& output, const ResizeConv2dOptions& options);

// Gradients of resize_conv2d with respect to the input, the weight and the bias (any may be
// nullptr).
Status resize_conv2d_backward(const TensorView& input, const TensorView& weight,
                              const TensorView& grad_output, const TensorView* grad_input,
                              const TensorView* grad_weight, const TensorView* grad_bias,
                              const ResizeConv2dOptions& options);

}  // namespace upsample
