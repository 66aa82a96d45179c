#include "halide_bridge.h"

#include <mutex>
#include <vector>

namespace upsample::internal {
namespace {

thread_local std::string last_kernel_error;
// The HalideBuffers alive on this thread: the current call's views and scratch.
thread_local std::vector<halide_buffer_t*> live_buffers;

// Host data is the truth: a GPU kernel copies host-dirty buffers to the device (a CPU kernel
// ignores the flag). Set whatever the device, as a buffer may be made before the call's device
// is settled.
void prepare_for_device(halide_buffer_t* buffer) {
  buffer->flags |= halide_buffer_flag_host_dirty;
  live_buffers.push_back(buffer);
}

extern "C" void record_halide_error(void* /*user_context*/, const char* message) {
  last_kernel_error = message ? message : "";
  while (!last_kernel_error.empty() && last_kernel_error.back() == '\n')
    last_kernel_error.pop_back();
}

}  // namespace

HalideBuffer::HalideBuffer(const TensorView& view, halide_type_t type) : dims_{}, buffer_{} {
  const int axes[4] = {kW, kH, kC, kN};
  for (int d = 0; d < 4; d++) {
    // Validation has checked that extents and strides fit in int32.
    dims_[d].min = 0;
    dims_[d].extent = static_cast<int32_t>(view.shape[axes[d]]);
    dims_[d].stride = static_cast<int32_t>(view.strides[axes[d]]);
  }
  buffer_.host = static_cast<uint8_t*>(view.data);
  buffer_.type = type;
  buffer_.dimensions = 4;
  buffer_.dim = dims_;
  prepare_for_device(&buffer_);
}

HalideBuffer::~HalideBuffer() {
  if (buffer_.device != 0) halide_device_free(nullptr, &buffer_);
  for (size_t i = live_buffers.size(); i-- > 0;) {
    if (live_buffers[i] == &buffer_) {
      live_buffers.erase(live_buffers.begin() + long(i));
      break;
    }
  }
}

Status copy_results_to_host(const char* op) {
  for (halide_buffer_t* buffer : live_buffers) {
    if (buffer->device == 0 || (buffer->flags & halide_buffer_flag_device_dirty) == 0) continue;
    if (halide_copy_to_host(nullptr, buffer) != 0) {
      return Status(
          StatusCode::kInternal,
          std::string(op) + ": copying a result from the device failed: " + kernel_error());
    }
  }
  return Status::Ok();
}

HalideBuffer::HalideBuffer(void* data, halide_type_t type, std::initializer_list<int32_t> extents)
    : dims_{}, buffer_{} {
  int32_t stride = 1;
  int d = 0;
  for (int32_t extent : extents) {
    dims_[d].min = 0;
    dims_[d].extent = extent;
    dims_[d].stride = stride;
    stride *= extent;
    d++;
  }
  buffer_.host = reinterpret_cast<uint8_t*>(data);
  buffer_.type = type;
  buffer_.dimensions = d;
  buffer_.dim = dims_;
  prepare_for_device(&buffer_);
}

halide_type_t value_type(DType dtype) {
  switch (dtype) {
    case DType::kUInt8:
      return halide_type_t(halide_type_uint, 8);
    case DType::kUInt16:
      return halide_type_t(halide_type_uint, 16);
    case DType::kFloat16:
      return halide_type_t(halide_type_float, 16);
    case DType::kFloat32:
      return halide_type_t(halide_type_float, 32);
    case DType::kInt32:
      return halide_type_t(halide_type_int, 32);
    case DType::kInt64:
      return halide_type_t(halide_type_int, 64);
  }
  return halide_type_t(halide_type_uint, 8);
}

halide_type_t bits_type(size_t bytes) {
  return halide_type_t(halide_type_uint, static_cast<uint8_t>(8 * bytes));
}

void install_error_handler() {
  static std::once_flag once;
  std::call_once(once, [] { halide_set_error_handler(record_halide_error); });
  install_cpu_feature_hook();
}

std::shared_mutex& thread_pool_mutex() {
  static std::shared_mutex mutex;
  return mutex;
}

void clear_kernel_error() {
  last_kernel_error.clear();
}

std::string kernel_error() {
  return last_kernel_error.empty() ? std::string("no message") : last_kernel_error;
}

}  // namespace upsample::internal
