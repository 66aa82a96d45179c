#include "upsample/tensor.h"

#include <limits>

namespace upsample {

size_t dtype_size(DType dtype) {
  switch (dtype) {
    case DType::kUInt8:
      return 1;
    case DType::kUInt16:
      return 2;
    case DType::kFloat16:
      return 2;
    case DType::kFloat32:
      return 4;
    case DType::kInt32:
      return 4;
    case DType::kInt64:
      return 8;
  }
  return 0;
}

const char* dtype_name(DType dtype) {
  switch (dtype) {
    case DType::kUInt8:
      return "uint8";
    case DType::kUInt16:
      return "uint16";
    case DType::kFloat16:
      return "float16";
    case DType::kFloat32:
      return "float32";
    case DType::kInt32:
      return "int32";
    case DType::kInt64:
      return "int64";
  }
  return "unknown dtype";
}

const char* layout_name(Layout layout) {
  switch (layout) {
    case Layout::kNCHW:
      return "NCHW";
    case Layout::kNHWC:
      return "NHWC";
  }
  return "unknown layout";
}

TensorView make_tensor(void* data, DType dtype, Layout layout, int64_t n, int64_t c, int64_t h,
                       int64_t w) {
  TensorView view;
  view.data = data;
  view.dtype = dtype;
  view.layout = layout;
  view.shape[kN] = n;
  view.shape[kC] = c;
  view.shape[kH] = h;
  view.shape[kW] = w;
  // Dense strides, innermost axis first. A stride that overflows is left 0, which validation
  // rejects with a message, instead of wrapping around.
  const int order_nchw[4] = {kW, kH, kC, kN};
  const int order_nhwc[4] = {kC, kW, kH, kN};
  const int* order = layout == Layout::kNHWC ? order_nhwc : order_nchw;
  int64_t stride = 1;
  for (int i = 0; i < 4; i++) {
    view.strides[order[i]] = stride;
    if (stride != 0 && __builtin_mul_overflow(stride, view.shape[order[i]], &stride)) stride = 0;
  }
  return view;
}

TensorView make_input_tensor(const void* data, DType dtype, Layout layout, int64_t n, int64_t c,
                             int64_t h, int64_t w) {
  // The library only reads through input views, so dropping const here is safe.
  return make_tensor(const_cast<void*>(data), dtype, layout, n, c, h, w);
}

TensorView make_device_tensor(Device device, uint64_t device_handle, DType dtype, Layout layout,
                              int64_t n, int64_t c, int64_t h, int64_t w) {
  TensorView view = make_tensor(nullptr, dtype, layout, n, c, h, w);
  view.device = device;
  view.device_handle = device_handle;
  return view;
}

int64_t element_count(const TensorView& view) {
  int64_t count = 1;
  for (int64_t extent : view.shape) {
    if (extent < 0) return -1;
    if (extent != 0 && count > std::numeric_limits<int64_t>::max() / extent) return -1;
    count *= extent;
  }
  return count;
}

}  // namespace upsample
