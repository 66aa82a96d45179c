#include "upsample/pool.h"

#include <string>
#include <vector>

#include "device.h"
#include "halide_bridge.h"
#include "kernels.h"
#include "validation.h"

namespace upsample {
namespace {

using internal::invalid;

bool is_value_dtype(DType dtype) {
  return dtype == DType::kUInt8 || dtype == DType::kUInt16 || dtype == DType::kFloat16 ||
         dtype == DType::kFloat32;
}

bool is_index_dtype(DType dtype) {
  return dtype == DType::kInt32 || dtype == DType::kInt64;
}

bool is_known(IndexSpace space) {
  return space == IndexSpace::kPlane || space == IndexSpace::kTensor;
}

Status check_values_view(const char* op, const char* name, const TensorView& view) {
  if (!is_value_dtype(view.dtype) && dtype_size(view.dtype) != 0) {
    return invalid(op, std::string(name) + ": dtype " + dtype_name(view.dtype) +
                           " is not a value dtype (uint8, uint16, float16, float32)");
  }
  return Status::Ok();
}

// indices: int32 or int64, with the shape and layout of `like`.
Status check_indices(const char* op, const TensorView& indices, const TensorView& like,
                     bool is_output) {
  if (Status s = internal::check_view(op, "indices", indices, is_output); !s.ok()) return s;
  if (!is_index_dtype(indices.dtype)) {
    return invalid(
        op, std::string("indices: dtype ") + dtype_name(indices.dtype) + " is not int32 or int64");
  }
  if (indices.layout != like.layout) return invalid(op, "indices: layout mismatch");
  for (int d = 0; d < 4; d++) {
    if (indices.shape[d] != like.shape[d]) {
      return invalid(op, "indices: shape mismatch: indices " + internal::shape_string(indices) +
                             ", expected " + internal::shape_string(like));
    }
  }
  return Status::Ok();
}

int64_t index_at(const TensorView& indices, int64_t n, int64_t c, int64_t h, int64_t w) {
  const int64_t offset = n * indices.strides[kN] + c * indices.strides[kC] +
                         h * indices.strides[kH] + w * indices.strides[kW];
  if (indices.dtype == DType::kInt64) return static_cast<const int64_t*>(indices.data)[offset];
  return static_cast<const int32_t*>(indices.data)[offset];
}

// The first index outside its element's output plane in row h of batch n, as an error naming it.
Status bad_index_in_row(const char* op, const TensorView& indices, const TensorView& output,
                        IndexSpace space, int64_t n, int64_t h) {
  const int64_t plane_size = output.shape[kH] * output.shape[kW];
  for (int64_t c = 0; c < indices.shape[kC]; c++) {
    const int64_t start =
        space == IndexSpace::kTensor ? (n * output.shape[kC] + c) * plane_size : 0;
    for (int64_t w = 0; w < indices.shape[kW]; w++) {
      const int64_t index = index_at(indices, n, c, h, w);
      if (index < start || index >= start + plane_size) {
        return Status(
            StatusCode::kOutOfRange,
            std::string(op) + ": index " + std::to_string(index) + " at (n=" + std::to_string(n) +
                ", c=" + std::to_string(c) + ", h=" + std::to_string(h) +
                ", w=" + std::to_string(w) + ") is outside its output plane [" +
                std::to_string(start) + ", " + std::to_string(start + plane_size) + ") of " +
                std::to_string(output.shape[kH]) + "x" + std::to_string(output.shape[kW]));
      }
    }
  }
  return Status(StatusCode::kInternal, std::string(op) + ": the index check flagged row " +
                                           std::to_string(h) + " of batch " + std::to_string(n) +
                                           " but no index in it is out of range");
}

// The flags of the index check (generators/max_pool_generator.cpp, UnpoolIndexCheck).
constexpr uint8_t kInWindow = 0, kOutsidePlane = 2;

// The windows max pooling with kernel = stride and no padding makes, along one axis: the kernel
// k = ceil(output / input) fits both PyTorch's default output size (input * k) and ceil_mode
// pooling unpooled to the pooled input's size. Only a speed hint: the check tests it.
int window_length(int64_t input_length, int64_t output_length) {
  return int((output_length + input_length - 1) / input_length);
}

// Every index must name a position of its own element's output plane. A vectorized kernel flags
// the rows that hold a bad index (it reads every index before any output is written); only a
// flagged row is scanned element by element, to name the offender. *in_windows says whether
// every index lies in its element's window (window_x by window_y).
Status check_index_values(const char* op, const TensorView& indices, const TensorView& output,
                          IndexSpace space, internal::KernelLayout layout, int window_x,
                          int window_y, bool* in_windows) {
  const internal::UnpoolIndexCheckKernel kernel =
      internal::find_unpool_index_check_kernel(indices.dtype == DType::kInt64, layout);
  if (kernel == nullptr) {
    return Status(StatusCode::kUnsupported, internal::no_kernel_prefix(op) + "index check");
  }
  const int64_t rows = indices.shape[kN] * indices.shape[kH];
  std::vector<uint8_t> bad_rows(static_cast<size_t>(rows));
  internal::HalideBuffer idx(indices, internal::value_type(indices.dtype));
  internal::HalideBuffer flags(bad_rows.data(), halide_type_t(halide_type_uint, 8),
                               {int32_t(indices.shape[kH]), int32_t(indices.shape[kN])});
  if (Status s = internal::call_kernel(op,
                                       [&] {
                                         return kernel(idx.get(), int32_t(output.shape[kW]),
                                                       int32_t(output.shape[kH]), window_x,
                                                       window_y, int(space), flags.get());
                                       });
      !s.ok()) {
    return s;
  }
  *in_windows = true;
  for (int64_t row = 0; row < rows; row++) {
    *in_windows = *in_windows && bad_rows[size_t(row)] == kInWindow;
    if (bad_rows[size_t(row)] >= kOutsidePlane) {
      // Indices in GPU memory are read back to name the offender (only on this error path).
      internal::HostCopy host_indices;
      if (Status s = host_indices.read(op, indices); !s.ok()) return s;
      return bad_index_in_row(op, host_indices.view(), output, space, row / indices.shape[kH],
                              row % indices.shape[kH]);
    }
  }
  return Status::Ok();
}

}  // namespace

const char* index_space_name(IndexSpace space) {
  switch (space) {
    case IndexSpace::kPlane:
      return "plane";
    case IndexSpace::kTensor:
      return "tensor";
  }
  return "unknown index space";
}

Status max_pool_output_length(int64_t input_length, int kernel, int stride, int padding,
                              int dilation, bool ceil_mode, int64_t* output_length) {
  const char* op = "max_pool2d";
  if (output_length == nullptr) return invalid(op, "output_length is null");
  if (kernel < 1) return invalid(op, "kernel " + std::to_string(kernel) + " is below 1");
  if (stride < 0) return invalid(op, "stride " + std::to_string(stride) + " is negative");
  if (dilation < 1) return invalid(op, "dilation " + std::to_string(dilation) + " is below 1");
  if (padding < 0) return invalid(op, "padding " + std::to_string(padding) + " is negative");
  if (padding > kernel / 2) {
    return invalid(op, "padding " + std::to_string(padding) + " exceeds half the kernel " +
                           std::to_string(kernel));
  }
  if (input_length < 1) return invalid(op, "input length is below 1");
  const int64_t step = stride == 0 ? kernel : stride;
  const int64_t span = input_length + 2 * int64_t(padding) - int64_t(dilation) * (kernel - 1) - 1;
  // PyTorch's pooling_output_shape: division rounding toward minus infinity.
  const int64_t numerator = span + (ceil_mode ? step - 1 : 0);
  const int64_t quotient = numerator >= 0 ? numerator / step : -((-numerator + step - 1) / step);
  int64_t length = quotient + 1;
  // With ceil_mode the last window must start inside the input or its left padding.
  if (ceil_mode && (length - 1) * step >= input_length + padding) length--;
  if (length < 1) {
    return invalid(op, "output length " + std::to_string(length) + " is below 1: the window " +
                           "(kernel " + std::to_string(kernel) + ", dilation " +
                           std::to_string(dilation) + ") does not fit the padded input of " +
                           std::to_string(input_length + 2 * int64_t(padding)));
  }
  // A window made only of padding has no maximum (PyTorch returns -inf and an index outside the
  // input); only the first and the last windows can be such.
  for (int64_t window : {int64_t(0), length - 1}) {
    const int64_t start = window * step - padding;
    bool covers_input = false;
    for (int tap = 0; tap < kernel && !covers_input; tap++) {
      const int64_t position = start + int64_t(tap) * dilation;
      covers_input = position >= 0 && position < input_length;
    }
    if (!covers_input) {
      return invalid(
          op, "window " + std::to_string(window) + " covers only padding, so it has no maximum");
    }
  }
  *output_length = length;
  return Status::Ok();
}

Status max_pool2d(const TensorView& input, const TensorView& values, const TensorView& indices,
                  const MaxPoolOptions& options) {
  const char* op = "max_pool2d";
  if (!is_known(options.index_space)) {
    return invalid(op, "unknown index space value " + std::to_string(int(options.index_space)));
  }
  if (Status s = internal::check_view(op, "input", input, false); !s.ok()) return s;
  if (Status s = internal::check_view(op, "values", values, true); !s.ok()) return s;
  if (Status s = check_values_view(op, "input", input); !s.ok()) return s;
  if (Status s = internal::check_pair(op, input, values); !s.ok()) return s;
  if (Status s = check_indices(op, indices, values, true); !s.ok()) return s;
  if (Status s = internal::check_pair(op, input, indices, true, /*same_dtype=*/false); !s.ok()) {
    return s;
  }
  if (Status s = internal::check_pair(op, values, indices, true, /*same_dtype=*/false); !s.ok()) {
    return s;
  }
  int64_t out_h = 0, out_w = 0;
  if (Status s =
          max_pool_output_length(input.shape[kH], options.kernel_h, options.stride_h,
                                 options.padding_h, options.dilation_h, options.ceil_mode, &out_h);
      !s.ok()) {
    return s;
  }
  if (Status s =
          max_pool_output_length(input.shape[kW], options.kernel_w, options.stride_w,
                                 options.padding_w, options.dilation_w, options.ceil_mode, &out_w);
      !s.ok()) {
    return s;
  }
  if (values.shape[kH] != out_h || values.shape[kW] != out_w) {
    return invalid(op, "output shape mismatch: values are " + std::to_string(values.shape[kH]) +
                           "x" + std::to_string(values.shape[kW]) + " (HxW), the options give " +
                           std::to_string(out_h) + "x" + std::to_string(out_w));
  }
  internal::KernelLayout layout;
  if (Status s = internal::choose_layout(op, {&input, &values, &indices}, &layout); !s.ok())
    return s;
  const bool int64_indices = indices.dtype == DType::kInt64;
  const internal::MaxPoolKernel kernel =
      internal::find_max_pool_kernel(int64_indices, input.dtype, layout);
  if (kernel == nullptr) {
    return Status(StatusCode::kUnsupported,
                  internal::no_kernel_prefix(op) + "kernel for " + dtype_name(input.dtype));
  }
  auto step = [](int stride, int kernel_size) { return stride == 0 ? kernel_size : stride; };
  internal::HalideBuffer in(input, internal::value_type(input.dtype));
  internal::HalideBuffer out(values, internal::value_type(values.dtype));
  internal::HalideBuffer idx(indices, internal::value_type(indices.dtype));
  return internal::call_kernel(op, [&] {
    return kernel(
        in.get(), options.kernel_w, options.kernel_h, step(options.stride_w, options.kernel_w),
        step(options.stride_h, options.kernel_h), options.padding_w, options.padding_h,
        options.dilation_w, options.dilation_h, int(options.index_space), out.get(), idx.get());
  });
}

Status max_unpool2d(const TensorView& input, const TensorView& indices, const TensorView& output,
                    const MaxUnpoolOptions& options) {
  const char* op = "max_unpool2d";
  if (!is_known(options.index_space)) {
    return invalid(op, "unknown index space value " + std::to_string(int(options.index_space)));
  }
  if (Status s = internal::check_view(op, "input", input, false); !s.ok()) return s;
  if (Status s = internal::check_view(op, "output", output, true); !s.ok()) return s;
  if (Status s = check_values_view(op, "input", input); !s.ok()) return s;
  if (Status s = internal::check_pair(op, input, output); !s.ok()) return s;
  if (Status s = check_indices(op, indices, input, false); !s.ok()) return s;
  if (Status s = internal::check_pair(op, indices, output, true, /*same_dtype=*/false); !s.ok()) {
    return s;
  }
  internal::KernelLayout layout;
  if (Status s = internal::choose_layout(op, {&input, &indices, &output}, &layout); !s.ok())
    return s;
  const int window_x = window_length(input.shape[kW], output.shape[kW]);
  const int window_y = window_length(input.shape[kH], output.shape[kH]);
  bool in_windows = false;
  if (Status s = check_index_values(op, indices, output, options.index_space, layout, window_x,
                                    window_y, &in_windows);
      !s.ok()) {
    return s;
  }
  const size_t bytes = dtype_size(input.dtype);
  const bool int64_indices = indices.dtype == DType::kInt64;
  internal::HalideBuffer in(input, internal::bits_type(bytes));
  internal::HalideBuffer idx(indices, internal::value_type(indices.dtype));
  internal::HalideBuffer out(output, internal::bits_type(bytes));
  // Every index in its own window: each output pixel gathers from its window's element.
  const internal::MaxUnpoolWindowsKernel gather =
      in_windows ? internal::find_max_unpool_windows_kernel(int64_indices, bytes, layout) : nullptr;
  if (gather != nullptr) {
    return internal::call_kernel(op, [&] {
      return gather(in.get(), idx.get(), int32_t(output.shape[kW]), int32_t(output.shape[kH]),
                    window_x, window_y, int(options.index_space), out.get());
    });
  }
  const internal::MaxUnpoolKernel kernel =
      internal::find_max_unpool_kernel(int64_indices, bytes, layout);
  if (kernel == nullptr) {
    return Status(StatusCode::kUnsupported,
                  internal::no_kernel_prefix(op) + "kernel for " + dtype_name(input.dtype));
  }
  return internal::call_kernel(op, [&] {
    return kernel(in.get(), idx.get(), int32_t(output.shape[kW]), int32_t(output.shape[kH]),
                  int(options.index_space), out.get());
  });
}

}  // namespace upsample
