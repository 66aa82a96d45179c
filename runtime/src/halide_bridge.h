// The one place that knows about Halide: buffers built from views, and kernel calls whose errors
// become Status values instead of abort().
#pragma once

#include <initializer_list>
#include <shared_mutex>
#include <string>
#include <vector>

#include "HalideRuntime.h"
#include "cpu_features.h"
#include "device.h"
#include "upsample/status.h"
#include "upsample/tensor.h"

namespace upsample::internal {

// A halide_buffer_t over a view's memory, with dims ordered (W, H, C, N) as the pipelines expect.
// Host memory is marked host-dirty, so a GPU kernel copies it in (a CPU kernel ignores the flag).
// GPU memory is wrapped, not copied, at the view's offset; an offset that OpenCL cannot address
// (unaligned for a sub-buffer) is staged through a dense device copy, copied back after a kernel
// wrote it. Not copyable: buffer.dim points into the object.
class HalideBuffer {
 public:
  HalideBuffer(const TensorView& view, halide_type_t type);
  // A dense host array of up to 4 dimensions, the first innermost (packed weights, scratch).
  HalideBuffer(void* data, halide_type_t type, std::initializer_list<int32_t> extents);
  HalideBuffer(float* data, std::initializer_list<int32_t> extents)
      : HalideBuffer(data, halide_type_t(halide_type_float, 32), extents) {}
  HalideBuffer(const HalideBuffer&) = delete;
  HalideBuffer& operator=(const HalideBuffer&) = delete;
  // Frees the device copy a GPU kernel made of host memory; detaches wrapped GPU memory.
  ~HalideBuffer();
  halide_buffer_t* get() { return &buffer_; }
  // Why wrapping GPU memory failed; empty when the buffer is usable.
  const std::string& error() const { return error_; }
  // After a kernel: host memory it wrote on a GPU is copied back; a staged view is copied to the
  // caller's memory.
  Status finish(const char* op);

 private:
  enum class Memory { kHost, kWrapped, kCropped, kStaged };
  Memory wrap(const TensorView& view, halide_buffer_t* buffer);

  halide_dimension_t dims_[4];
  halide_buffer_t buffer_;
  Memory memory_ = Memory::kHost;
  std::string error_;
  // kStaged: the caller's memory, which buffer_ is a dense device copy of.
  halide_dimension_t view_dims_[4];
  halide_buffer_t view_buffer_;
  Memory view_memory_ = Memory::kHost;
};

// Memory for an intermediate tensor of a call, where the call's tensors are: host memory, or the
// GPU that holds them (so a GPU call never stages its intermediates through the host).
class ScratchTensor {
 public:
  ScratchTensor() = default;
  ScratchTensor(const ScratchTensor&) = delete;
  ScratchTensor& operator=(const ScratchTensor&) = delete;
  ~ScratchTensor();
  // A dense tensor like `like` (device and layout) with the given dtype and shape.
  Status allocate(const char* op, const TensorView& like, DType dtype, const int64_t shape[4]);
  const TensorView& view() const { return view_; }

 private:
  std::vector<uint8_t> host_;
  halide_dimension_t device_dims_[2];
  halide_buffer_t device_{};
  TensorView view_;
};

// Copies the elements of one view into another of the same shape and element size, wherever
// each lives (host or GPU); returns when the copy is done.
Status copy_view(const char* op, const TensorView& from, const TensorView& to);

// A host-readable copy of a view: the view itself for host memory, a dense host copy of GPU
// memory (small tensors the runtime reads on the host: weights, biases, a row of indices).
class HostCopy {
 public:
  HostCopy() = default;
  Status read(const char* op, const TensorView& view);
  const TensorView& view() const { return view_; }

 private:
  std::vector<uint8_t> storage_;
  TensorView view_;
};

// A host view to write a result into: the caller's view for host memory, else a dense host
// tensor that store() copies into the caller's GPU memory.
class HostResult {
 public:
  HostResult() = default;
  Status prepare(const char* op, const TensorView& view);
  const TensorView& view() const { return host_; }
  Status store(const char* op) const;

 private:
  std::vector<uint8_t> storage_;
  TensorView caller_;
  TensorView host_;
};

// The Halide type of a dtype's values, and the unsigned type of the same width (for copies).
halide_type_t value_type(DType dtype);
halide_type_t bits_type(size_t bytes);

// The buffers alive on this thread: before a kernel, any that failed to wrap GPU memory stop it;
// after it, each is finished (HalideBuffer::finish).
Status check_buffers(const char* op);
Status finish_buffers(const char* op);

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
  if (Status s = check_buffers(op); !s.ok()) return s;
  begin_kernel_variant();
  int code;
  {
    std::shared_lock<std::shared_mutex> pool_in_use(thread_pool_mutex());
    code = kernel();
  }
  record_kernel_device(call_device());
  if (code == 0) return finish_buffers(op);
  return Status(StatusCode::kInternal, std::string(op) + ": kernel failed (Halide error " +
                                           std::to_string(code) + "): " + kernel_error());
}

}  // namespace upsample::internal
