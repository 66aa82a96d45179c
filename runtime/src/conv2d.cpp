// conv2d and its backward pass, built from the correlation pipelines (conv_common.h).
#include <limits>
#include <string>

#include "conv_common.h"
#include "upsample/conv.h"
#include "validation.h"

namespace upsample {

using internal::invalid;

TensorView make_vector_tensor(float* data, int64_t length) {
  return make_tensor(data, DType::kFloat32, Layout::kNCHW, 1, length, 1, 1);
}

TensorView make_input_vector_tensor(const float* data, int64_t length) {
  return make_input_tensor(data, DType::kFloat32, Layout::kNCHW, 1, length, 1, 1);
}

Status conv2d_output_length(int64_t input_length, int kernel, int stride, int padding, int dilation,
                            int64_t* output_length) {
  const char* op = "conv2d";
  if (output_length == nullptr) return invalid(op, "output_length is null");
  if (input_length < 1) return invalid(op, "input length is below 1");
  if (kernel < 1) return invalid(op, "kernel " + std::to_string(kernel) + " is below 1");
  if (Status s = internal::check_conv_axis_options(op, "the axis", stride, padding, dilation);
      !s.ok()) {
    return s;
  }
  const int64_t span = input_length + 2 * int64_t(padding) - int64_t(dilation) * (kernel - 1) - 1;
  if (span < 0) {
    return invalid(op, "the kernel (" + std::to_string(kernel) + " taps, dilation " +
                           std::to_string(dilation) + ") is larger than the padded input of " +
                           std::to_string(input_length + 2 * int64_t(padding)));
  }
  *output_length = span / stride + 1;
  return Status::Ok();
}

namespace {

Status check_conv(const char* op, const TensorView& input, const TensorView& weight,
                  const TensorView* bias, const TensorView& output, const Conv2dOptions& o) {
  if (Status s = internal::check_conv_views(op, input, weight, bias, output, output.shape[kC],
                                            input.shape[kC], o.groups);
      !s.ok()) {
    return s;
  }
  int64_t height = 0, width = 0;
  if (Status s = conv2d_output_length(input.shape[kH], int(weight.shape[kH]), o.stride_h,
                                      o.padding_h, o.dilation_h, &height);
      !s.ok()) {
    return s;
  }
  if (Status s = conv2d_output_length(input.shape[kW], int(weight.shape[kW]), o.stride_w,
                                      o.padding_w, o.dilation_w, &width);
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

Status conv2d(const TensorView& input, const TensorView& weight, const TensorView* bias,
              const TensorView& output, const Conv2dOptions& options) {
  const char* op = "conv2d";
  if (Status s = check_conv(op, input, weight, bias, output, options); !s.ok()) return s;
  const internal::AxisPhase py =
      internal::conv_axis(output.shape[kH], int(weight.shape[kH]), options.stride_h,
                          options.padding_h, options.dilation_h);
  const internal::AxisPhase px =
      internal::conv_axis(output.shape[kW], int(weight.shape[kW]), options.stride_w,
                          options.padding_w, options.dilation_w);
  return internal::run_correlation(op, input, weight, internal::kConvWeightRoles, bias, output,
                                   options.groups, {py}, {px});
}

Status conv2d_backward(const TensorView& input, const TensorView& weight,
                       const TensorView& grad_output, const TensorView* grad_input,
                       const TensorView* grad_weight, const TensorView* grad_bias,
                       const Conv2dOptions& options) {
  const char* op = "conv2d_backward";
  if (Status s = check_conv(op, input, weight, nullptr, grad_output, options); !s.ok()) return s;
  if (Status s = internal::check_gradients(op, input, weight, grad_output, grad_input, grad_weight,
                                           grad_bias);
      !s.ok()) {
    return s;
  }
  if (grad_input != nullptr) {
    // The adjoint of a convolution is the transposed convolution with the same weights, cropped
    // or extended to the input's size.
    const auto phases_y =
        internal::transposed_axis_phases(input.shape[kH], int(weight.shape[kH]), options.stride_h,
                                         options.padding_h, options.dilation_h);
    const auto phases_x =
        internal::transposed_axis_phases(input.shape[kW], int(weight.shape[kW]), options.stride_w,
                                         options.padding_w, options.dilation_w);
    if (Status s =
            internal::run_correlation(op, grad_output, weight, internal::kTransposedWeightRoles,
                                      nullptr, *grad_input, options.groups, phases_y, phases_x);
        !s.ok()) {
      return s;
    }
  }
  if (grad_weight != nullptr) {
    const internal::CorrelationAxis axis_y{options.stride_h, options.dilation_h,
                                           -int64_t(options.padding_h)};
    const internal::CorrelationAxis axis_x{options.stride_w, options.dilation_w,
                                           -int64_t(options.padding_w)};
    if (Status s = internal::run_weight_grad(op, grad_output, input, *grad_weight, options.groups,
                                             axis_y, axis_x);
        !s.ok()) {
      return s;
    }
  }
  if (grad_bias != nullptr) return internal::run_channel_sums(op, grad_output, *grad_bias);
  return Status::Ok();
}

}  // namespace upsample
