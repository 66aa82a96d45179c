// Learnable upsampling: transposed convolution (PyTorch conv_transpose2d) and the convolution it
// is the adjoint of (PyTorch conv2d), each with its backward pass, float32, NCHW or NHWC.
//
// Tensors are TensorViews; weights use PyTorch's layouts in a view's (N, C, H, W) slots:
//   conv_transpose2d: (C_in, C_out / groups, kH, kW)
//   conv2d:           (C_out, C_in / groups, kH, kW)
// with any strides (a contiguous PyTorch weight is make_input_tensor(..., Layout::kNCHW, ...)).
// A bias is a view of shape (1, C_out, 1, 1) (make_vector_tensor), or nullptr for none.
#pragma once

#include <cstdint>

#include "upsample/status.h"
#include "upsample/tensor.h"

namespace upsample {

struct Conv2dOptions {
  int stride_h = 1, stride_w = 1;      // >= 1
  int padding_h = 0, padding_w = 0;    // >= 0, zeros
  int dilation_h = 1, dilation_w = 1;  // >= 1
  int groups = 1;                      // divides C_in and C_out
};

struct ConvTranspose2dOptions {
  int stride_h = 1, stride_w = 1;                  // >= 1
  int padding_h = 0, padding_w = 0;                // >= 0: cropped from each side of the output
  int output_padding_h = 0, output_padding_w = 0;  // < stride or < dilation, as in PyTorch
  int dilation_h = 1, dilation_w = 1;              // >= 1
  int groups = 1;                                  // divides C_in and C_out
};

// (in - 1) * stride - 2 * padding + dilation * (kernel - 1) + output_padding + 1, checked as
// PyTorch checks it: an error when an option is out of range or the result is below 1.
Status conv_transpose2d_output_length(int64_t input_length, int kernel, int stride, int padding,
                                      int output_padding, int dilation, int64_t* output_length);

// (in + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1, rounded down; an error when an
// option is out of range or the result is below 1.
Status conv2d_output_length(int64_t input_length, int kernel, int stride, int padding, int dilation,
                            int64_t* output_length);

// output (N, C_out, H_out, W_out) = conv_transpose2d(input (N, C_in, H, W), weight, bias).
// Computed per output phase (stride_h x stride_w sub-grids, each a dense convolution with that
// phase's taps): no zero is inserted into the input. The output shape must match the formula.
Status conv_transpose2d(const TensorView& input, const TensorView& weight, const TensorView* bias,
                        const TensorView& output, const ConvTranspose2dOptions& options);

// The gradients of conv_transpose2d for grad_output (the output's shape): with respect to the
// input (a conv2d of grad_output), the weight and the bias. Any of the three outputs may be
// nullptr to skip it; grad_weight has the weight's shape, grad_bias (1, C_out, 1, 1).
Status conv_transpose2d_backward(const TensorView& input, const TensorView& weight,
                                 const TensorView& grad_output, const TensorView* grad_input,
                                 const TensorView* grad_weight, const TensorView* grad_bias,
                                 const ConvTranspose2dOptions& options);

// output (N, C_out, H_out, W_out) = conv2d(input (N, C_in, H, W), weight, bias).
Status conv2d(const TensorView& input, const TensorView& weight, const TensorView* bias,
              const TensorView& output, const Conv2dOptions& options);

// The gradients of conv2d for grad_output: input (a conv_transpose2d of grad_output), weight,
// bias; any may be nullptr.
Status conv2d_backward(const TensorView& input, const TensorView& weight,
                       const TensorView& grad_output, const TensorView* grad_input,
                       const TensorView* grad_weight, const TensorView* grad_bias,
                       const Conv2dOptions& options);

// A (1, length, 1, 1) float32 view of a vector, for biases.
TensorView make_vector_tensor(float* data, int64_t length);
TensorView make_input_vector_tensor(const float* data, int64_t length);

}  // namespace upsample
