// The GPU contexts that Halide's runtime runs kernels in, so that tensors in the caller's GPU
// memory (and the caller's queue or stream) can be used: OpenCL by replacing the runtime's weak
// halide_acquire_cl_context / halide_release_cl_context, CUDA through the runtime's handler
// setters. Neither SDK is needed: the drivers' functions come through Halide's own loader.
#include <atomic>
#include <mutex>
#include <string>

#include "device.h"
#include "halide_bridge.h"
#include "upsample/device.h"

#ifdef UPSAMPLE_HAS_OPENCL
#include "HalideRuntimeOpenCL.h"
#endif
#ifdef UPSAMPLE_HAS_CUDA
#include "HalideRuntimeCuda.h"
#endif

namespace upsample {
namespace {

Status no_variants(const char* function, Device device) {
  return Status(StatusCode::kUnsupported,
                std::string(function) + ": this build has no " + device_name(device) +
                    " variants (configure with UPSAMPLE_GPU=" + device_name(device) + ")");
}

}  // namespace
}  // namespace upsample

#ifdef UPSAMPLE_HAS_OPENCL

struct _cl_mem;
using cl_context = _cl_context*;
using cl_command_queue = _cl_command_queue*;

extern "C" {
void* halide_opencl_get_symbol(void* user_context, const char* name);
// Weak in Halide's runtime (opencl.cpp); defined below.
int halide_acquire_cl_context(void* user_context, cl_context* context, cl_command_queue* queue,
                              bool create);
int halide_release_cl_context(void* user_context);
}

// Halide 14's default context maker (runtime/opencl.cpp): the weak halide_acquire_cl_context
// replaced below would call it. It needs the OpenCL functions loaded, which every runtime entry
// point does before it acquires a context.
namespace Halide::Runtime::Internal::OpenCL {
int create_opencl_context(void* user_context, cl_context* context, cl_command_queue* queue);
}

namespace upsample::internal {
namespace {

// The library's own context (made on first use) and the caller's (set_opencl_context), which
// wins when set. Halide requires acquire to block until the matching release.
std::mutex opencl_mutex;
cl_context library_context = nullptr;
cl_command_queue library_queue = nullptr;
cl_context callers_context = nullptr;
cl_command_queue callers_queue = nullptr;

template <typename Function>
Function opencl_function(const char* name) {
  return reinterpret_cast<Function>(halide_opencl_get_symbol(nullptr, name));
}

// Retains (or releases) the caller's handles while the library uses them.
int retain_opencl(cl_context context, cl_command_queue queue, bool retain) {
  using ContextFn = int (*)(cl_context);
  using QueueFn = int (*)(cl_command_queue);
  const auto context_fn =
      opencl_function<ContextFn>(retain ? "clRetainContext" : "clReleaseContext");
  const auto queue_fn =
      opencl_function<QueueFn>(retain ? "clRetainCommandQueue" : "clReleaseCommandQueue");
  if (context_fn == nullptr || queue_fn == nullptr) return -1;
  const int context_error = context_fn(context);
  return context_error != 0 ? context_error : queue_fn(queue);
}

}  // namespace

uint64_t device_offset_alignment(Device device) {
  if (device != Device::kOpenCL) return 1;
  using ContextInfoFn = int (*)(cl_context, uint32_t, size_t, void*, size_t*);
  using DeviceInfoFn = int (*)(void*, uint32_t, size_t, void*, size_t*);
  constexpr uint32_t kClContextDevices = 0x1081, kClDeviceMemBaseAddrAlign = 0x1019;
  // Cached per context: the caller may switch contexts between calls.
  static std::mutex cache_mutex;
  static cl_context cached_context = nullptr;
  static uint64_t cached_alignment = 0;
  cl_context context = nullptr;
  cl_command_queue queue = nullptr;
  // The probe loads the driver, which making the library's own context needs.
  if (!device_status(Device::kOpenCL).ok()) return 1;
  if (halide_acquire_cl_context(nullptr, &context, &queue, true) != 0) return 1;
  halide_release_cl_context(nullptr);
  std::lock_guard<std::mutex> lock(cache_mutex);
  if (context == cached_context) return cached_alignment;
  const auto context_info = opencl_function<ContextInfoFn>("clGetContextInfo");
  const auto device_info = opencl_function<DeviceInfoFn>("clGetDeviceInfo");
  void* first_device[16] = {};
  uint32_t bits = 0;
  // When the driver cannot say, every offset is staged (an alignment no offset meets).
  uint64_t alignment = uint64_t(1) << 62;
  if (context_info != nullptr && device_info != nullptr &&
      context_info(context, kClContextDevices, sizeof(first_device), first_device, nullptr) == 0 &&
      device_info(first_device[0], kClDeviceMemBaseAddrAlign, sizeof(bits), &bits, nullptr) == 0 &&
      bits >= 8) {
    alignment = bits / 8;
  }
  cached_context = context;
  cached_alignment = alignment;
  return alignment;
}

Status check_device_extent(const char* op, const char* name, const TensorView& view,
                           uint64_t bytes) {
  // Without a device the call is refused later, naming the driver's error; with one, the probe
  // has loaded the driver for Halide (which making the library's context needs).
  if (view.device != Device::kOpenCL || !device_status(Device::kOpenCL).ok()) return Status::Ok();
  using InfoFn = int (*)(_cl_mem*, uint32_t, size_t, void*, size_t*);
  constexpr uint32_t kClMemSize = 0x1102;  // CL_MEM_SIZE
  const auto info = opencl_function<InfoFn>("clGetMemObjectInfo");
  if (info == nullptr) return Status::Ok();  // no driver: the device check reports it
  size_t size = 0;
  const int error = info(reinterpret_cast<_cl_mem*>(view.device_handle), kClMemSize, sizeof(size),
                         &size, nullptr);
  if (error != 0) {
    return Status(StatusCode::kInvalidArgument, std::string(op) + ": " + name +
                                                    ": device_handle is not a valid cl_mem "
                                                    "(clGetMemObjectInfo returned " +
                                                    std::to_string(error) + ")");
  }
  constexpr uint32_t kClMemContext = 0x1106;  // CL_MEM_CONTEXT
  cl_context owner = nullptr, context = nullptr;
  cl_command_queue queue = nullptr;
  if (info(reinterpret_cast<_cl_mem*>(view.device_handle), kClMemContext, sizeof(owner), &owner,
           nullptr) == 0 &&
      halide_acquire_cl_context(nullptr, &context, &queue, true) == 0) {
    halide_release_cl_context(nullptr);
    if (owner != context) {
      return Status(StatusCode::kInvalidArgument,
                    std::string(op) + ": " + name +
                        ": the cl_mem belongs to another OpenCL context than the one the kernels "
                        "run in (see opencl_context and set_opencl_context)");
    }
  }
  if (view.device_offset > size || bytes > size - view.device_offset) {
    return Status(StatusCode::kOutOfRange, std::string(op) + ": " + name + ": the cl_mem holds " +
                                               std::to_string(size) + " bytes; the view needs " +
                                               std::to_string(bytes) + " from offset " +
                                               std::to_string(view.device_offset));
  }
  return Status::Ok();
}

}  // namespace upsample::internal

extern "C" int halide_acquire_cl_context(void* user_context, cl_context* context,
                                         cl_command_queue* queue, bool create) {
  using namespace upsample::internal;
  opencl_mutex.lock();
  if (callers_context != nullptr) {
    *context = callers_context;
    *queue = callers_queue;
    return 0;
  }
  if (library_context == nullptr && create) {
    const int error = Halide::Runtime::Internal::OpenCL::create_opencl_context(
        user_context, &library_context, &library_queue);
    if (error != 0) {
      library_context = nullptr;
      library_queue = nullptr;
      opencl_mutex.unlock();
      return error;
    }
  }
  *context = library_context;
  *queue = library_queue;
  return 0;
}

extern "C" int halide_release_cl_context(void* /*user_context*/) {
  upsample::internal::opencl_mutex.unlock();
  return 0;
}

namespace upsample {

Status set_opencl_context(_cl_context* context, _cl_command_queue* queue) {
  using namespace internal;
  if ((context == nullptr) != (queue == nullptr)) {
    return Status(StatusCode::kInvalidArgument,
                  "set_opencl_context: give both a context and a queue, or neither");
  }
  if (context != nullptr) {
    // Loads the driver (through Halide) so that the handles can be retained.
    if (Status s = device_status(Device::kOpenCL); !s.ok()) return s;
    if (const int error = retain_opencl(context, queue, true); error != 0) {
      return Status(StatusCode::kInvalidArgument,
                    "set_opencl_context: retaining the context and queue failed (OpenCL error " +
                        std::to_string(error) + ")");
    }
  }
  std::lock_guard<std::mutex> lock(opencl_mutex);
  if (callers_context != nullptr) retain_opencl(callers_context, callers_queue, false);
  callers_context = context;
  callers_queue = queue;
  return Status::Ok();
}

Status opencl_context(_cl_context** context, _cl_command_queue** queue) {
  if (context == nullptr || queue == nullptr) {
    return Status(StatusCode::kInvalidArgument, "opencl_context: null output pointer");
  }
  if (Status s = device_status(Device::kOpenCL); !s.ok()) return s;
  if (const int error = halide_acquire_cl_context(nullptr, context, queue, true); error != 0) {
    return Status(StatusCode::kUnavailable,
                  "opencl_context: no OpenCL context (" + internal::kernel_error() + ")");
  }
  halide_release_cl_context(nullptr);
  return Status::Ok();
}

}  // namespace upsample

#else  // no OpenCL variants

namespace upsample {
namespace internal {
uint64_t device_offset_alignment(Device) {
  return 1;
}
Status check_device_extent(const char*, const char*, const TensorView&, uint64_t) {
  return Status::Ok();
}
}  // namespace internal

Status set_opencl_context(_cl_context*, _cl_command_queue*) {
  return no_variants("set_opencl_context", Device::kOpenCL);
}
Status opencl_context(_cl_context**, _cl_command_queue**) {
  return no_variants("opencl_context", Device::kOpenCL);
}
}  // namespace upsample

#endif

#ifdef UPSAMPLE_HAS_CUDA

extern "C" int halide_cuda_acquire_context(void* user_context, void** context, bool create);
extern "C" int halide_cuda_release_context(void* user_context);
extern "C" int halide_cuda_get_stream(void* user_context, void* context, void** stream);

namespace upsample {
namespace internal {
namespace {

std::atomic<CUctx_st*> cuda_callers_context{nullptr};
std::atomic<CUstream_st*> cuda_callers_stream{nullptr};
halide_cuda_acquire_context_t default_cuda_acquire = nullptr;
halide_cuda_release_context_t default_cuda_release = nullptr;
halide_cuda_get_stream_t default_cuda_get_stream = nullptr;
// Whether this thread's pending acquire went to Halide's default (its release must too).
thread_local bool cuda_default_acquired = false;

int acquire_cuda(void* user_context, void** context, bool create) {
  if (CUctx_st* callers = cuda_callers_context.load()) {
    *context = callers;
    cuda_default_acquired = false;
    return 0;
  }
  cuda_default_acquired = true;
  return default_cuda_acquire(user_context, context, create);
}

int release_cuda(void* user_context) {
  if (!cuda_default_acquired) return 0;
  cuda_default_acquired = false;
  return default_cuda_release(user_context);
}

int cuda_stream(void* user_context, void* context, void** stream) {
  if (context != nullptr && context == cuda_callers_context.load()) {
    *stream = cuda_callers_stream.load();
    return 0;
  }
  return default_cuda_get_stream(user_context, context, stream);
}

void install_cuda_handlers() {
  static std::once_flag once;
  std::call_once(once, [] {
    default_cuda_acquire = halide_set_cuda_acquire_context(acquire_cuda);
    default_cuda_release = halide_set_cuda_release_context(release_cuda);
    default_cuda_get_stream = halide_set_cuda_get_stream(cuda_stream);
  });
}

}  // namespace
}  // namespace internal

Status set_cuda_context(CUctx_st* context, CUstream_st* stream) {
  if (context == nullptr && stream != nullptr) {
    return Status(StatusCode::kInvalidArgument,
                  "set_cuda_context: a stream needs the context it belongs to");
  }
  internal::install_cuda_handlers();
  internal::cuda_callers_stream.store(stream);
  internal::cuda_callers_context.store(context);
  return Status::Ok();
}

Status cuda_context(CUctx_st** context, CUstream_st** stream) {
  if (context == nullptr || stream == nullptr) {
    return Status(StatusCode::kInvalidArgument, "cuda_context: null output pointer");
  }
  internal::install_cuda_handlers();
  if (Status s = device_status(Device::kCUDA); !s.ok()) return s;
  void* handle = nullptr;
  if (halide_cuda_acquire_context(nullptr, &handle, true) != 0 || handle == nullptr) {
    return Status(StatusCode::kUnavailable,
                  "cuda_context: no CUDA context (" + internal::kernel_error() + ")");
  }
  void* stream_handle = nullptr;
  const int error = halide_cuda_get_stream(nullptr, handle, &stream_handle);
  halide_cuda_release_context(nullptr);
  if (error != 0) {
    return Status(StatusCode::kUnavailable,
                  "cuda_context: no CUDA stream (" + internal::kernel_error() + ")");
  }
  *context = static_cast<CUctx_st*>(handle);
  *stream = static_cast<CUstream_st*>(stream_handle);
  return Status::Ok();
}

}  // namespace upsample

#else  // no CUDA variants

namespace upsample {
Status set_cuda_context(CUctx_st*, CUstream_st*) {
  return no_variants("set_cuda_context", Device::kCUDA);
}
Status cuda_context(CUctx_st**, CUstream_st**) {
  return no_variants("cuda_context", Device::kCUDA);
}
}  // namespace upsample

#endif
