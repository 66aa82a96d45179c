#include "halide_bridge.h"

#include <algorithm>

#include <mutex>
#include <new>
#include <vector>

namespace upsample::internal {
namespace {

thread_local std::string last_kernel_error;
// The HalideBuffers alive on this thread: the current call's views and scratch.
thread_local std::vector<HalideBuffer*> live_buffers;

extern "C" void record_halide_error(void* /*user_context*/, const char* message) {
  last_kernel_error = message ? message : "";
  while (!last_kernel_error.empty() && last_kernel_error.back() == '\n')
    last_kernel_error.pop_back();
}

// Dims (W, H, C, N) of a view with the given strides.
void view_dims(const TensorView& view, const int64_t strides[4], halide_dimension_t dims[4]) {
  const int axes[4] = {kW, kH, kC, kN};
  for (int d = 0; d < 4; d++) {
    // Validation has checked that extents and strides fit in int32.
    dims[d] = halide_dimension_t{0, static_cast<int32_t>(view.shape[axes[d]]),
                                 static_cast<int32_t>(strides[axes[d]]), 0};
  }
}

std::string halide_failure(const char* what, int code) {
  return std::string(what) + " failed (Halide error " + std::to_string(code) +
         "): " + kernel_error();
}

}  // namespace

HalideBuffer::HalideBuffer(const TensorView& view, halide_type_t type)
    : dims_{}, buffer_{}, view_dims_{}, view_buffer_{} {
  view_dims(view, view.strides, dims_);
  buffer_.type = type;
  buffer_.dimensions = 4;
  buffer_.dim = dims_;
  live_buffers.push_back(this);
  if (view.device == Device::kCPU) {
    buffer_.host = static_cast<uint8_t*>(view.data);
    // Host data is the truth: a GPU kernel copies host-dirty buffers to the device. Set whatever
    // the device, as a buffer may be made before the call's device is settled.
    buffer_.flags |= halide_buffer_flag_host_dirty;
    return;
  }
  install_error_handler();
  if (view.device_offset % device_offset_alignment(view.device) == 0) {
    memory_ = wrap(view, &buffer_);
    return;
  }
  // OpenCL runs a kernel on memory inside an allocation through a sub-buffer, which must start
  // aligned: a dense device copy stands in (Halide's copies take any offset).
  view_dims(view, view.strides, view_dims_);
  view_buffer_ = buffer_;
  view_buffer_.dim = view_dims_;
  view_memory_ = wrap(view, &view_buffer_);
  if (!error_.empty()) return;
  // Dense in the view's own axis order, so the kernel's layout (channel-innermost or not) holds.
  int order[4] = {kW, kH, kC, kN};
  std::stable_sort(order, order + 4,
                   [&](int a, int b) { return view.strides[a] < view.strides[b]; });
  int64_t dense[4];
  int64_t stride = 1;
  for (int axis : order) {
    dense[axis] = stride;
    stride *= view.shape[axis];
  }
  view_dims(view, dense, dims_);
  memory_ = Memory::kStaged;
  clear_kernel_error();
  if (int code = halide_device_malloc(nullptr, &buffer_, device_interface(view.device))) {
    error_ = halide_failure("allocating a device copy of an unaligned view", code);
  } else if (int code = halide_buffer_copy(nullptr, &view_buffer_, device_interface(view.device),
                                           &buffer_)) {
    error_ = halide_failure("copying an unaligned view", code);
  }
  buffer_.flags &= ~uint64_t(halide_buffer_flag_device_dirty);
}

// Wraps the view's GPU memory in `buffer` (dims set). At a non-zero offset: a crop of a buffer
// over the whole allocation, Halide's own way to address memory inside an allocation.
HalideBuffer::Memory HalideBuffer::wrap(const TensorView& view, halide_buffer_t* buffer) {
  const halide_device_interface_t* interface = device_interface(view.device);
  clear_kernel_error();
  if (interface == nullptr) {
    error_ = std::string("this build has no ") + device_name(view.device) + " variants";
    return Memory::kHost;
  }
  if (view.device_offset == 0) {
    if (int code = halide_device_wrap_native(nullptr, buffer, view.device_handle, interface)) {
      error_ = halide_failure("wrapping the device memory", code);
      return Memory::kHost;
    }
    return Memory::kWrapped;
  }
  // Byte offset = lo + hi * 2^30, as mins of a 2-D byte buffer (Halide's dims are 32-bit).
  constexpr int32_t kSpan = int32_t(1) << 30;
  halide_dimension_t whole_dims[2] = {{0, kSpan, 1, 0}, {0, kSpan, kSpan, 0}};
  halide_dimension_t part_dims[2] = {{int32_t(view.device_offset % uint64_t(kSpan)), 1, 1, 0},
                                     {int32_t(view.device_offset / uint64_t(kSpan)), 1, kSpan, 0}};
  halide_buffer_t whole{}, part{};
  whole.type = part.type = halide_type_t(halide_type_uint, 8);
  whole.dimensions = part.dimensions = 2;
  whole.dim = whole_dims;
  part.dim = part_dims;
  if (int code = halide_device_wrap_native(nullptr, &whole, view.device_handle, interface)) {
    error_ = halide_failure("wrapping the device memory", code);
    return Memory::kHost;
  }
  const int code = halide_device_crop(nullptr, &whole, &part);
  halide_device_detach_native(nullptr, &whole);
  if (code != 0) {
    error_ = halide_failure("addressing the device memory at its offset", code);
    return Memory::kHost;
  }
  buffer->device = part.device;
  buffer->device_interface = part.device_interface;
  return Memory::kCropped;
}

HalideBuffer::~HalideBuffer() {
  for (auto [buffer, memory] : {std::pair{&buffer_, memory_}, {&view_buffer_, view_memory_}}) {
    if (buffer->device == 0) continue;
    switch (memory) {
      case Memory::kHost:
      case Memory::kStaged:
        halide_device_free(nullptr, buffer);
        break;
      case Memory::kWrapped:
        halide_device_detach_native(nullptr, buffer);
        break;
      case Memory::kCropped:
        halide_device_release_crop(nullptr, buffer);
        break;
    }
  }
  for (size_t i = live_buffers.size(); i-- > 0;) {
    if (live_buffers[i] == this) {
      live_buffers.erase(live_buffers.begin() + long(i));
      break;
    }
  }
}

Status HalideBuffer::finish(const char* op) {
  if (buffer_.device == 0 || (buffer_.flags & halide_buffer_flag_device_dirty) == 0) {
    return Status::Ok();
  }
  clear_kernel_error();
  if (memory_ == Memory::kHost && halide_copy_to_host(nullptr, &buffer_) != 0) {
    return Status(StatusCode::kInternal,
                  std::string(op) + ": copying a result from the device failed: " + kernel_error());
  }
  if (memory_ == Memory::kStaged) {
    if (int code =
            halide_buffer_copy(nullptr, &buffer_, view_buffer_.device_interface, &view_buffer_)) {
      return Status(StatusCode::kInternal,
                    std::string(op) + ": " + halide_failure("copying an unaligned result", code));
    }
    buffer_.flags &= ~uint64_t(halide_buffer_flag_device_dirty);
  }
  return Status::Ok();
}

Status check_buffers(const char* op) {
  for (const HalideBuffer* buffer : live_buffers) {
    if (!buffer->error().empty()) {
      return Status(StatusCode::kInvalidArgument, std::string(op) + ": " + buffer->error());
    }
  }
  return Status::Ok();
}

Status finish_buffers(const char* op) {
  for (HalideBuffer* buffer : live_buffers) {
    if (Status s = buffer->finish(op); !s.ok()) return s;
  }
  return Status::Ok();
}

HalideBuffer::HalideBuffer(void* data, halide_type_t type, std::initializer_list<int32_t> extents)
    : dims_{}, buffer_{}, view_dims_{}, view_buffer_{} {
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
  buffer_.flags |= halide_buffer_flag_host_dirty;
  live_buffers.push_back(this);
}

ScratchTensor::~ScratchTensor() {
  if (device_.device != 0) halide_device_free(nullptr, &device_);
}

Status ScratchTensor::allocate(const char* op, const TensorView& like, DType dtype,
                               const int64_t shape[4]) {
  view_ = make_tensor(nullptr, dtype, like.layout, shape[kN], shape[kC], shape[kH], shape[kW]);
  const int64_t count = element_count(view_);
  const int64_t bytes = count * int64_t(dtype_size(dtype));
  if (count < 0 || count > (int64_t(1) << 40)) {
    return Status(StatusCode::kOutOfRange,
                  std::string(op) + ": the size of an intermediate tensor overflows");
  }
  if (like.device == Device::kCPU) {
    try {
      host_.resize(size_t(bytes));
    } catch (const std::bad_alloc&) {
      return Status(StatusCode::kOutOfRange, std::string(op) + ": cannot allocate " +
                                                 std::to_string(bytes) +
                                                 " bytes for an intermediate tensor");
    }
    view_.data = host_.data();
    return Status::Ok();
  }
  // Rows of 4 KiB keep each extent within Halide's 32 bits.
  constexpr int32_t kRow = 4096;
  device_dims_[0] = halide_dimension_t{0, kRow, 1, 0};
  device_dims_[1] = halide_dimension_t{0, int32_t((bytes + kRow - 1) / kRow), kRow, 0};
  device_.type = halide_type_t(halide_type_uint, 8);
  device_.dimensions = 2;
  device_.dim = device_dims_;
  install_error_handler();
  clear_kernel_error();
  if (int code = halide_device_malloc(nullptr, &device_, device_interface(like.device))) {
    return Status(
        StatusCode::kOutOfRange,
        std::string(op) + ": " + halide_failure("allocating an intermediate tensor", code));
  }
  view_.device = like.device;
  view_.device_handle = native_device_handle(&device_);
  return Status::Ok();
}

Status copy_view(const char* op, const TensorView& from, const TensorView& to) {
  install_error_handler();
  HalideBuffer source(from, bits_type(dtype_size(from.dtype)));
  HalideBuffer destination(to, bits_type(dtype_size(to.dtype)));
  if (Status s = check_buffers(op); !s.ok()) return s;
  clear_kernel_error();
  // The destination's interface: nullptr copies into host memory.
  const halide_device_interface_t* interface =
      to.device == Device::kCPU ? nullptr : destination.get()->device_interface;
  if (to.device == Device::kCPU) destination.get()->flags = 0;
  if (int code = halide_buffer_copy(nullptr, source.get(), interface, destination.get())) {
    return Status(StatusCode::kInternal,
                  std::string(op) + ": " + halide_failure("copying a tensor", code));
  }
  if (Status s = destination.finish(op); !s.ok()) return s;
  // A copy into host memory must not be mistaken for a GPU kernel's result later.
  destination.get()->flags = 0;
  return Status::Ok();
}

namespace {

// A dense host tensor shaped like `view`, in `storage`.
Status dense_host_like(const char* op, const TensorView& view, std::vector<uint8_t>* storage,
                       TensorView* dense) {
  *dense = make_tensor(nullptr, view.dtype, view.layout, view.shape[kN], view.shape[kC],
                       view.shape[kH], view.shape[kW]);
  try {
    storage->resize(size_t(element_count(*dense)) * dtype_size(view.dtype));
  } catch (const std::bad_alloc&) {
    return Status(StatusCode::kOutOfRange,
                  std::string(op) + ": cannot allocate a host copy of a device tensor");
  }
  dense->data = storage->data();
  return Status::Ok();
}

}  // namespace

Status HostCopy::read(const char* op, const TensorView& view) {
  view_ = view;
  if (view.device == Device::kCPU) return Status::Ok();
  TensorView dense;
  if (Status s = dense_host_like(op, view, &storage_, &dense); !s.ok()) return s;
  if (Status s = copy_view(op, view, dense); !s.ok()) return s;
  view_ = dense;
  return Status::Ok();
}

Status HostResult::prepare(const char* op, const TensorView& view) {
  caller_ = host_ = view;
  if (view.device == Device::kCPU) return Status::Ok();
  return dense_host_like(op, view, &storage_, &host_);
}

Status HostResult::store(const char* op) const {
  if (caller_.device == Device::kCPU) return Status::Ok();
  return copy_view(op, host_, caller_);
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
