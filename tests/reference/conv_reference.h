// The convolution oracle, straight from PyTorch's definitions of conv2d and conv_transpose2d
// (torch.nn.functional, with autograd's gradients) as runtime/include/upsample/conv.h states them.
// Plain dense NCHW vectors of doubles (the tests store float32 values in them), accumulated in
// double; nothing shared with the library.
//
// Per group g of G (C_in / G input and C_out / G output channels each):
//  * conv2d, weight (C_out, C_in / G, kH, kW), a gather:
//      y[n, co, oy, ox] = bias[co] + sum over i < C_in / G, ky, kx of
//                         x[n, g * C_in / G + i, oy * s - p + ky * d, ox * s - p + kx * d]
//                         * w[co, i, ky, kx]           (g = co / (C_out / G); positions outside
//                                                       the input read zero)
//    with H_out = floor((H + 2p - d (kH - 1) - 1) / s) + 1.
//  * conv_transpose2d, weight (C_in, C_out / G, kH, kW), a scatter: y starts as the bias, then
//      y[n, g * C_out / G + o, iy * s - p + ky * d, ix * s - p + kx * d] += x[n, ci, iy, ix]
//                                                                         * w[ci, o, ky, kx]
//    for every input element (g = ci / (C_in / G)) and tap, dropping positions outside the
//    output, with H_out = (H - 1) s - 2p + d (kH - 1) + output_padding + 1.
//  * The gradients of L = sum(y * grad_output): each written as its own formula (a gather over the
//    positions the forward definition pairs), not through the forward functions:
//      d/dx, d/dw: the sums of grad_output * w and grad_output * x over those pairs;
//      d/dbias[c] = sum of grad_output[n, c, y, x] over n, y, x.
//
// Sums of |terms| (the scale of a result's float32 rounding error) are the same functions applied
// to the absolute values of every argument.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "reference/resize_reference.h"

namespace upsample_ref {

struct ConvSpec {
  int stride_h = 1, stride_w = 1;
  int padding_h = 0, padding_w = 0;
  int output_padding_h = 0, output_padding_w = 0;  // conv_transpose2d only
  int dilation_h = 1, dilation_w = 1;
  int groups = 1;
};
std::string to_string(const ConvSpec& s);

// PyTorch's output lengths. Throw std::invalid_argument when kernel, stride or dilation < 1,
// padding < 0, output_padding < 0 or >= max(stride, dilation), or the length is below 1
// (conv2d: the dilated kernel is longer than the padded input).
int64_t conv2d_output_length(int64_t input_length, int kernel, int stride, int padding,
                             int dilation);
int64_t conv_transpose2d_output_length(int64_t input_length, int kernel, int stride, int padding,
                                       int output_padding, int dilation);

// Output shapes; throw std::invalid_argument when the lengths do, groups < 1, groups does not
// divide the channels, or the weight's channel axes do not match (conv2d weight (C_out,
// C_in / G, kH, kW), conv_transpose2d weight (C_in, C_out / G, kH, kW); conv_transpose2d's
// C_out is weight.c * groups).
Shape conv2d_shape(const Shape& in, const Shape& weight, const ConvSpec& spec);
Shape conv_transpose2d_shape(const Shape& in, const Shape& weight, const ConvSpec& spec);

// Forward passes. `bias` is empty (none) or holds C_out values. Throw std::invalid_argument on a
// size that does not match the shapes.
std::vector<double> conv2d(const std::vector<double>& input, const Shape& in,
                           const std::vector<double>& weight, const Shape& weight_shape,
                           const std::vector<double>& bias, const ConvSpec& spec);
std::vector<double> conv_transpose2d(const std::vector<double>& input, const Shape& in,
                                     const std::vector<double>& weight, const Shape& weight_shape,
                                     const std::vector<double>& bias, const ConvSpec& spec);

struct ConvGradients {
  std::vector<double> input;   // the input's shape
  std::vector<double> weight;  // the weight's shape
  std::vector<double> bias;    // C_out values
};

// The gradients of L = sum(forward(input, weight, bias) * grad_output) with respect to the input,
// the weight and the bias; grad_output has the forward's output shape.
ConvGradients conv2d_backward(const std::vector<double>& input, const Shape& in,
                              const std::vector<double>& weight, const Shape& weight_shape,
                              const std::vector<double>& grad_output, const ConvSpec& spec);
ConvGradients conv_transpose2d_backward(const std::vector<double>& input, const Shape& in,
                                        const std::vector<double>& weight,
                                        const Shape& weight_shape,
                                        const std::vector<double>& grad_output,
                                        const ConvSpec& spec);

}  // namespace upsample_ref
