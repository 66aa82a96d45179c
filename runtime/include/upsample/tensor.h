// Non-owning views of 4-D tensors. The caller owns the memory; the library never allocates outputs.
// A view names where its memory is: host memory (any build), or a GPU allocation (a CUDA device
// pointer or an OpenCL cl_mem) that a GPU build wraps without copying.
#pragma once

#include <cstddef>
#include <cstdint>

namespace upsample {

enum class DType : int {
  kUInt8 = 0,
  kUInt16 = 1,
  kFloat16 = 2,  // IEEE binary16, stored as its 16-bit pattern
  kFloat32 = 3,
  kInt32 = 4,  // indices (max pooling and unpooling)
  kInt64 = 5,  // indices, PyTorch's dtype for them
};

// Where kernels run and where a tensor's memory is (device.h sets the policy for host tensors).
enum class Device : int { kCPU = 0, kOpenCL = 1, kCUDA = 2 };

enum class Layout : int {
  kNCHW = 0,  // planar: W is the innermost (unit-stride) axis
  kNHWC = 1,  // interleaved: C is the innermost axis (RGB, RGBA images)
};

// Axis positions in TensorView::shape and TensorView::strides: always logical N, C, H, W,
// whatever the memory layout.
enum Axis : int { kN = 0, kC = 1, kH = 2, kW = 3 };

struct TensorView {
  void* data = nullptr;  // host memory; must be null for a tensor in GPU memory
  DType dtype = DType::kFloat32;
  Layout layout = Layout::kNCHW;
  int64_t shape[4] = {0, 0, 0, 0};    // N, C, H, W
  int64_t strides[4] = {0, 0, 0, 0};  // N, C, H, W, in elements (not bytes)
  // kCPU: the memory is `data`. kCUDA: `device_handle` is a CUdeviceptr; kOpenCL: a cl_mem. The
  // call then runs on that GPU, whatever the execution policy, and never on the CPU.
  Device device = Device::kCPU;
  uint64_t device_handle = 0;
  uint64_t device_offset = 0;  // bytes from the start of the allocation to element (0, 0, 0, 0)
};

// Bytes per element of a dtype; 0 for a value outside the enum.
size_t dtype_size(DType dtype);
const char* dtype_name(DType dtype);
const char* layout_name(Layout layout);

// A densely packed view in the given layout. Input data is only ever read through a view, so a
// const pointer may be wrapped with make_input_tensor.
TensorView make_tensor(void* data, DType dtype, Layout layout, int64_t n, int64_t c, int64_t h,
                       int64_t w);
TensorView make_input_tensor(const void* data, DType dtype, Layout layout, int64_t n, int64_t c,
                             int64_t h, int64_t w);

// A densely packed view of GPU memory: a CUdeviceptr (Device::kCUDA) or a cl_mem
// (Device::kOpenCL) cast to uint64_t, from the context that the library's kernels use (device.h).
TensorView make_device_tensor(Device device, uint64_t device_handle, DType dtype, Layout layout,
                              int64_t n, int64_t c, int64_t h, int64_t w);

// Number of elements of a view, or -1 when a dimension is negative or the count overflows int64.
int64_t element_count(const TensorView& view);

}  // namespace upsample
