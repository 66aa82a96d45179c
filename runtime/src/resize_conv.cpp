// resize_conv2d: resize into a scratch tensor, then conv2d; its backward pass runs the two
// adjoints in the opposite order.
#include <new>
#include <string>
#include <vector>

#include "conv_common.h"
#include "halide_bridge.h"
#include "upsample/resize_conv.h"
#include "validation.h"

namespace upsample {
namespace {

// Sub-operation errors keep their text, prefixed with this operator's name.
Status prefixed(const char* op, const Status& status) {
  if (status.ok()) return status;
  return Status(status.code(), std::string(op) + ": " + status.message());
}

// The resized tensor: the input's N and C at the resized size, in the input's layout.
Status make_resized(const char* op, const TensorView& input, const ResizeConv2dOptions& options,
                    internal::ScratchTensor* storage, TensorView* resized) {
  if (Status s = internal::check_view(op, "input", input, false); !s.ok()) return s;
  if (options.resized_h < 1 || options.resized_w < 1) {
    return internal::invalid(op, "resized size " + std::to_string(options.resized_h) + "x" +
                                     std::to_string(options.resized_w) + " is not positive");
  }
  // Where the input is: host memory, or the GPU that holds it.
  const int64_t shape[4] = {input.shape[kN], input.shape[kC], options.resized_h, options.resized_w};
  if (Status s = storage->allocate(op, input, DType::kFloat32, shape); !s.ok()) return s;
  *resized = storage->view();
  return Status::Ok();
}

}  // namespace

Status resize_conv2d(const TensorView& input, const TensorView& weight, const TensorView* bias,
                     const TensorView& output, const ResizeConv2dOptions& options) {
  const char* op = "resize_conv2d";
  internal::ScratchTensor storage;
  TensorView resized;
  if (Status s = make_resized(op, input, options, &storage, &resized); !s.ok()) return s;
  // Check the convolution before resizing, so a bad weight or output costs nothing.
  int64_t height = 0, width = 0;
  if (Status s =
          conv2d_output_length(options.resized_h, int(weight.shape[kH]), options.conv.stride_h,
                               options.conv.padding_h, options.conv.dilation_h, &height);
      !s.ok()) {
    return prefixed(op, s);
  }
  if (Status s =
          conv2d_output_length(options.resized_w, int(weight.shape[kW]), options.conv.stride_w,
                               options.conv.padding_w, options.conv.dilation_w, &width);
      !s.ok()) {
    return prefixed(op, s);
  }
  if (output.shape[kH] != height || output.shape[kW] != width) {
    return internal::invalid(op, "output shape mismatch: " + std::to_string(output.shape[kH]) +
                                     "x" + std::to_string(output.shape[kW]) +
                                     " (HxW), the options give " + std::to_string(height) + "x" +
                                     std::to_string(width));
  }
  // The checks against the caller's input: the sub-operations only see the scratch tensor.
  if (Status s = internal::check_view(op, "output", output, true); !s.ok()) return s;
  if (Status s = internal::check_no_overlap(op, "input", input, "output", output); !s.ok()) {
    return s;
  }
  if (Status s = resize(input, resized, options.resize); !s.ok()) return prefixed(op, s);
  return prefixed(op, conv2d(resized, weight, bias, output, options.conv));
}

Status resize_conv2d_backward(const TensorView& input, const TensorView& weight,
                              const TensorView& grad_output, const TensorView* grad_input,
                              const TensorView* grad_weight, const TensorView* grad_bias,
                              const ResizeConv2dOptions& options) {
  const char* op = "resize_conv2d_backward";
  internal::ScratchTensor storage, grad_storage;
  TensorView resized;
  if (Status s = make_resized(op, input, options, &storage, &resized); !s.ok()) return s;
  // Every gradient is checked against the caller's tensors before anything is written: the
  // sub-operations only see the scratch tensors.
  for (const TensorView* view : {&weight, &grad_output}) {
    if (Status s =
            internal::check_view(op, view == &weight ? "weight" : "grad_output", *view, false);
        !s.ok()) {
      return s;
    }
  }
  const std::initializer_list<const TensorView*> inputs = {&input, &weight, &grad_output};
  if (grad_input != nullptr) {
    if (Status s = internal::check_gradient(op, "grad_input", *grad_input, input, inputs); !s.ok())
      return s;
    if (grad_input->layout != input.layout) {
      return internal::invalid(op, "grad_input: layout mismatch");
    }
  }
  for (const TensorView* grad : {grad_weight, grad_bias}) {
    if (grad == nullptr) continue;
    const char* name = grad == grad_weight ? "grad_weight" : "grad_bias";
    if (Status s = internal::check_view(op, name, *grad, true); !s.ok()) return s;
    for (const TensorView* other : inputs) {
      if (Status s = internal::check_no_overlap(op, name, *grad, "an input", *other); !s.ok()) {
        return s;
      }
    }
  }
  // The weight gradient needs the resized input; the input gradient the resized gradient.
  if (Status s = resize(input, resized, options.resize); !s.ok()) return prefixed(op, s);
  TensorView grad_resized = resized;
  if (grad_input != nullptr) {
    if (Status s = grad_storage.allocate(op, input, DType::kFloat32, resized.shape); !s.ok()) {
      return s;
    }
    grad_resized = grad_storage.view();
  }
  if (Status s = conv2d_backward(resized, weight, grad_output,
                                 grad_input != nullptr ? &grad_resized : nullptr, grad_weight,
                                 grad_bias, options.conv);
      !s.ok()) {
    return prefixed(op, s);
  }
  if (grad_input == nullptr) return Status::Ok();
  return prefixed(op, resize_backward(grad_resized, *grad_input, options.resize));
}

}  // namespace upsample
