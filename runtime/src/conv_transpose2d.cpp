// conv_transpose2d and its backward pass, built from the correlation pipelines (conv_common.h).
#include <limits>
#include <string>

#include "conv_common.h"
#include "upsample/conv.h"
#include "validation.h"

namespace upsample {

using internal::invalid;

Status conv_transpose2d_output_length(int64_t input_length, int kernel, int stride, int padding,
                                      int output_padding, int dilation, int64_t* output_length) {
  const char* op = "conv_transpose2d";
  if (output_length == nullptr) return invalid(op, "output_length is null");
  if (input_length < 1) return invalid(op, "input length is below 1");
  if (kernel < 1) return invalid(op, "kernel " + std::to_string(kernel) + " is below 1");
  if (Status s = internal::check_conv_axis_options(op, "the axis", stride, padding, dilation);
      !s.ok()) {
    return s;
  }
  if (output_padding < 0 || (output_padding >= stride && output_padding >= dilation)) {
    return invalid(op, "output padding " + std::to_string(output_padding) +
                           " must be non-negative and smaller than the stride " +
                           std::to_string(stride) + " or the dilation " + std::to_string(dilation));
  }
  // Each term is below 2^62: no overflow in int64.
  const int64_t length = (input_length - 1) * stride - 2 * int64_t(padding) +
                         int64_t(dilation) * (kernel - 1) + output_padding + 1;
  if (length < 1) {
    return invalid(op, "output length " + std::to_string(length) + " is below 1: padding " +
                           std::to_string(padding) + " crops more than the full output");
  }
  if (length > std::numeric_limits<int32_t>::max()) {
    return internal::out_of_range(op,
                                  "output length " + std::to_string(length) + " exceeds 2^31-1");
  }
  *output_length = length;
  return Status::Ok();
}

namespace {

// Checks options, views and the output shape; the output-side view is the output (forward) or
// the output's gradient (backward).
Status check_transposed(const char* op, const TensorView& input, const TensorView& weight,
                        const TensorView* bias, const TensorView& output,
                        const ConvTranspose2dOptions& o) {
  if (Status s = internal::check_conv_views(op, input, weight, bias, output, input.shape[kC],
                                            output.shape[kC], o.groups);
      !s.ok()) {
    return s;
  }
  int64_t height = 0, width = 0;
  if (Status s =
          conv_transpose2d_output_length(input.shape[kH], int(weight.shape[kH]), o.stride_h,
                                         o.padding_h, o.output_padding_h, o.dilation_h, &height);
      !s.ok()) {
    return s;
  }
  if (Status s =
          conv_transpose2d_output_length(input.shape[kW], int(weight.shape[kW]), o.stride_w,
                                         o.padding_w, o.output_padding_w, o.dilation_w, &width);
      !s.ok()) {
    return s;
  }
  if (output.shape[kH] != height || output.shape[kW] != width) {
    return invalid(op, "output shape mismatch: " + std::to_string(output.shape[kH]) + "x" +
                           std::to_string(output.shape[kW]) + " (HxW), the options give " +
                           std::to_string(height) + "x" + std::to_string(width));
  }
  return Status::Ok();
}

}  // namespace

Status conv_transpose2d(const TensorView& input, const TensorView& weight, const TensorView* bias,
                        const TensorView& output, const ConvTranspose2dOptions& options) {
  const char* op = "conv_transpose2d";
  if (Status s = check_transposed(op, input, weight, bias, output, options); !s.ok()) return s;
  const auto phases_y =
      internal::transposed_axis_phases(output.shape[kH], int(weight.shape[kH]), options.stride_h,
                                       options.padding_h, options.dilation_h);
  const auto phases_x =
      internal::transposed_axis_phases(output.shape[kW], int(weight.shape[kW]), options.stride_w,
                                       options.padding_w, options.dilation_w);
  return internal::run_correlation(op, input, weight, internal::kTransposedWeightRoles, bias,
                                   output, options.groups, phases_y, phases_x);
}

Status conv_transpose2d_backward(const TensorView& input, const TensorView& weight,
                                 const TensorView& grad_output, const TensorView* grad_input,
                                 const TensorView* grad_weight, const TensorView* grad_bias,
                                 const ConvTranspose2dOptions& options) {
  const char* op = "conv_transpose2d_backward";
  if (Status s = check_transposed(op, input, weight, nullptr, grad_output, options); !s.ok()) {
    return s;
  }
  if (Status s = internal::check_gradients(op, input, weight, grad_output, grad_input, grad_weight,
                                           grad_bias);
      !s.ok()) {
    return s;
  }
  const internal::CorrelationAxis axis_y{options.stride_h, options.dilation_h,
                                         -int64_t(options.padding_h)};
  const internal::CorrelationAxis axis_x{options.stride_w, options.dilation_w,
                                         -int64_t(options.padding_w)};
  if (grad_input != nullptr) {
    // The adjoint of a transposed convolution is the convolution with the same weights.
    const internal::AxisPhase py =
        internal::conv_axis(input.shape[kH], int(weight.shape[kH]), options.stride_h,
                            options.padding_h, options.dilation_h);
    const internal::AxisPhase px =
        internal::conv_axis(input.shape[kW], int(weight.shape[kW]), options.stride_w,
                            options.padding_w, options.dilation_w);
    if (Status s = internal::run_correlation(op, grad_output, weight, internal::kConvWeightRoles,
                                             nullptr, *grad_input, options.groups, {py}, {px});
        !s.ok()) {
      return s;
    }
  }
  if (grad_weight != nullptr) {
    if (Status s = internal::run_weight_grad(op, input, grad_output, *grad_weight, options.groups,
                                             axis_y, axis_x);
        !s.ok()) {
      return s;
    }
  }
  if (grad_bias != nullptr) return internal::run_channel_sums(op, grad_output, *grad_bias);
  return Status::Ok();
}

}  // namespace upsample
