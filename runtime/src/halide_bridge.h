// The one place that knows about Halide: buffers built from views, and kernel calls whose errors
// become Status values instead of abort().
#pragma once

#include <initializer_list>
#include <shared_mutex>
#include <string>

#include "HalideRuntime.h"
#include "cpu_features.h"
#include "device.h"
#include "upsample/status.h"
#include "upsample/tensor.h"

namespace upsample::internal {

// A halide_buffer_t over a view's memory, with dims ordered (W, H, C, N) as the pipelines expect.
// Not copyable: buffer.dim points into the object.
class HalideBuffer {
 public:
  HalideBuffer(const TensorView& view, halide_type_t type);
  // A dense array of up to 4 dimensions, the first innermost (packed weights, scratch).
  HalideBuffer(void* data, halide_type_t type, std::initializer_list<int32_t> extents);
  HalideBuffer(float* data, std::initializer_list<int32_t> extents)
      : HalideBuffer(data, halide_type_t(halide_type_float, 32), extents) {}
  HalideBuffer(const HalideBuffer&) = delete;
  HalideBuffer& operator=(const HalideBuffer&) = delete;
  // Frees the device copy a GPU kernel made, if any.
  ~HalideBuffer();
  halide_buffer_t* get() { return &buffer_; }

 private:
  halide_dimension_t dims_[4];
  halide_buffer_t buffer_;
};

// The Halide type of a dtype's values, and the unsigned type of the same width (for copies).
halide_type_t value_type(DType dtype);
halide_type_t bits_type(size_t bytes);

// Buffers live on this thread: for a call on a GPU, their host data is copied to the device by
// the kernel (marked host-dirty when made), and what the kernel wrote is copied back.
Status copy_results_to_host(const char* op);

// Runs a generated kernel, capturing Halide's error message (Halide's default handler aborts).
template <typename Kernel>
Status call_kernel(const char* op, Kernel&& kernel);

void install_error_handler();

// Kernels run under a shared lock; changing the thread count takes it exclusively, because
// Halide's pool can only shrink by being shut down, which must not happen under a running kernel.
std::shared_mutex& thread_pool_mutex();
void clear_kernel_error();
std::string kernel_error();

template <typename Kernel>
Status call_kernel(const char* op, Kernel&& kernel) {
  install_error_handler();
  clear_kernel_error();
  begin_kernel_variant();
  int code;
  {
    std::shared_lock<std::shared_mutex> pool_in_use(thread_pool_mutex());
    code = kernel();
  }
  record_kernel_device(call_device());
  if (code == 0) return copy_results_to_host(op);
  return Status(StatusCode::kInternal, std::string(op) + ": kernel failed (Halide error " +
                                           std::to_string(code) + "): " + kernel_error());
}

}  // namespace upsample::internal
