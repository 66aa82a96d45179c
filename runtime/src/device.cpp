#include "device.h"

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>

#include "halide_bridge.h"

#ifdef UPSAMPLE_HAS_OPENCL
#include "HalideRuntimeOpenCL.h"
#endif
#ifdef UPSAMPLE_HAS_CUDA
#include "HalideRuntimeCuda.h"
#endif

namespace upsample {
namespace internal {
namespace {

thread_local Device current_call_device = Device::kCPU;
// Whether the current call's tensors are in GPU memory: such a call can never move to the CPU.
thread_local bool current_call_on_device_memory = false;
thread_local Device last_device = Device::kCPU;
thread_local const char* last_variant = "";

// An unknown UPSAMPLE_DEVICE value leaves the CPU policy; set_execution_policy reports errors.
ExecutionPolicy initial_policy() {
  ExecutionPolicy policy;
  const char* value = std::getenv("UPSAMPLE_DEVICE");
  if (value == nullptr) return policy;
  std::string text = value;
  const size_t comma = text.find(',');
  if (comma != std::string::npos) {
    // ",fallback" allows the CPU; the test suite's ",skip-if-missing" is read by its main.
    policy.allow_cpu_fallback = (text + ",").find(",fallback,") != std::string::npos;
    text = text.substr(0, comma);
  }
  for (Device device : {Device::kCPU, Device::kOpenCL, Device::kCUDA}) {
    if (text == device_name(device) && has_device_variants(device)) policy.device = device;
  }
  return policy;
}

// The policy as two atomics: calls read it without a lock.
std::atomic<int>& policy_device() {
  static std::atomic<int> device{int(initial_policy().device)};
  return device;
}
std::atomic<bool>& policy_fallback() {
  static std::atomic<bool> fallback{initial_policy().allow_cpu_fallback};
  return fallback;
}

// Allocates and frees one element on the device: the driver, a platform and a device must all be
// there. The error Halide reports becomes the message.
Status probe(Device device) {
  const halide_device_interface_t* interface = device_interface(device);
  if (interface == nullptr) {
    return Status(StatusCode::kUnsupported, std::string("this build has no ") +
                                                device_name(device) +
                                                " variants (configure with UPSAMPLE_GPU)");
  }
  install_error_handler();
  clear_kernel_error();
  float value = 0.0f;
  halide_dimension_t dim{0, 1, 1, 0};
  halide_buffer_t buffer{};
  buffer.host = reinterpret_cast<uint8_t*>(&value);
  buffer.type = halide_type_t(halide_type_float, 32);
  buffer.dimensions = 1;
  buffer.dim = &dim;
  if (halide_device_malloc(nullptr, &buffer, interface) != 0) {
    std::string message = kernel_error();
    return Status(StatusCode::kUnavailable, std::string("no ") + device_name(device) + " device" +
                                                (message.empty() ? "" : ": " + message));
  }
  halide_device_free(nullptr, &buffer);
  return Status::Ok();
}

}  // namespace

const halide_device_interface_t* device_interface(Device device) {
#ifdef UPSAMPLE_HAS_OPENCL
  if (device == Device::kOpenCL) return halide_opencl_device_interface();
#endif
#ifdef UPSAMPLE_HAS_CUDA
  if (device == Device::kCUDA) return halide_cuda_device_interface();
#endif
  (void)device;
  return nullptr;
}

uint64_t native_device_handle(const halide_buffer_t* buffer) {
#ifdef UPSAMPLE_HAS_OPENCL
  return halide_opencl_get_cl_mem(nullptr, const_cast<halide_buffer_t*>(buffer));
#elif defined(UPSAMPLE_HAS_CUDA)
  return halide_cuda_get_device_ptr(nullptr, const_cast<halide_buffer_t*>(buffer));
#else
  (void)buffer;
  return 0;
#endif
}

Status resolve_call_device(const char* op, std::initializer_list<const TensorView*> views) {
  current_call_device = Device::kCPU;
  current_call_on_device_memory = false;
  // Validation has checked that all tensors of a call are in one place.
  const Device memory = views.size() > 0 ? (*views.begin())->device : Device::kCPU;
  if (memory != Device::kCPU) {
    if (!has_device_variants(memory)) {
      return Status(StatusCode::kUnsupported,
                    std::string(op) + ": the tensors are in " + device_name(memory) +
                        " memory, but this build has no " + device_name(memory) +
                        " variants (configure with UPSAMPLE_GPU=" + device_name(memory) + ")");
    }
    const Status available = device_status(memory);
    if (!available.ok()) {
      return Status(available.code(), std::string(op) + ": " + available.message());
    }
    current_call_device = memory;
    current_call_on_device_memory = true;
    return Status::Ok();
  }
  const Device wanted = Device(policy_device().load());
  if (wanted == Device::kCPU) return Status::Ok();
  const Status available = device_status(wanted);
  if (available.ok()) {
    current_call_device = wanted;
    return Status::Ok();
  }
  if (policy_fallback().load()) return Status::Ok();  // on the CPU
  return Status(available.code(), std::string(op) + ": " + available.message() +
                                      " (the execution policy does not allow the CPU instead)");
}

Device call_device() {
  return current_call_device;
}

std::string no_kernel_prefix(const char* op) {
  return std::string(op) + ": this build has no " +
         (current_call_device == Device::kCPU
              ? std::string()
              : std::string(device_name(current_call_device)) + " ");
}

bool fall_back_to_cpu() {
  if (current_call_on_device_memory || !policy_fallback().load()) return false;
  current_call_device = Device::kCPU;
  return true;
}

void record_kernel_device(Device device) {
  last_device = device;
}

void record_kernel_variant(const char* variant) {
  last_variant = variant;
}

}  // namespace internal

const char* device_name(Device device) {
  switch (device) {
    case Device::kCPU:
      return "cpu";
    case Device::kOpenCL:
      return "opencl";
    case Device::kCUDA:
      return "cuda";
  }
  return "unknown";
}

bool has_device_variants(Device device) {
  return device == Device::kCPU || internal::device_interface(device) != nullptr;
}

Status device_status(Device device) {
  if (device == Device::kCPU) return Status::Ok();
  if (device != Device::kOpenCL && device != Device::kCUDA) {
    return Status(StatusCode::kInvalidArgument,
                  "device_status: unknown device value " + std::to_string(int(device)));
  }
  static std::once_flag once[3];
  static Status status[3];
  const int index = int(device);
  std::call_once(once[index], [&] { status[index] = internal::probe(device); });
  return status[index];
}

Status set_execution_policy(const ExecutionPolicy& policy) {
  if (std::strcmp(device_name(policy.device), "unknown") == 0) {
    return Status(StatusCode::kInvalidArgument, "set_execution_policy: unknown device value " +
                                                    std::to_string(int(policy.device)));
  }
  if (!has_device_variants(policy.device)) {
    return Status(StatusCode::kUnsupported,
                  std::string("set_execution_policy: this build has no ") +
                      device_name(policy.device) +
                      " variants (configure with UPSAMPLE_GPU=" + device_name(policy.device) + ")");
  }
  internal::policy_device().store(int(policy.device));
  internal::policy_fallback().store(policy.allow_cpu_fallback);
  return Status::Ok();
}

ExecutionPolicy execution_policy() {
  ExecutionPolicy policy;
  policy.device = Device(internal::policy_device().load());
  policy.allow_cpu_fallback = internal::policy_fallback().load();
  return policy;
}

Device last_kernel_device() {
  return internal::last_device;
}

const char* last_kernel_variant() {
  return internal::last_variant;
}

}  // namespace upsample
