// Where the kernels run. A library configured with UPSAMPLE_GPU=opencl or cuda holds GPU variants
// of the operators beside the CPU ones.
//  - Host tensors: the execution policy decides. A GPU call copies its inputs to the device and
//    its results back, and returns when they are in host memory.
//  - Tensors in GPU memory (tensor.h, make_device_tensor): the call runs on that GPU, wrapping the
//    memory without copying. It is enqueued on the context's command queue or stream and returns
//    without waiting: synchronize that queue before reading the results on the host.
#pragma once

#include "upsample/status.h"
#include "upsample/tensor.h"

// The drivers' handle types (cl_context, cl_command_queue, CUcontext, CUstream), declared here so
// that this header needs neither SDK.
struct _cl_context;
struct _cl_command_queue;
struct CUctx_st;
struct CUstream_st;

namespace upsample {

const char* device_name(Device device);  // "cpu", "opencl", "cuda"

struct ExecutionPolicy {
  Device device = Device::kCPU;
  // When the device is missing at run time (no driver, no GPU): run on the CPU instead of
  // returning kUnavailable.
  bool allow_cpu_fallback = false;
};

// Sets the policy for every later call from any thread (kUnsupported when this build has no
// variants for the device). The environment variable UPSAMPLE_DEVICE ("cpu", "opencl", "cuda",
// optionally followed by ",fallback" to allow the CPU) sets the initial policy.
Status set_execution_policy(const ExecutionPolicy& policy);
ExecutionPolicy execution_policy();

// Whether this build holds variants for the device.
bool has_device_variants(Device device);
// Ok when the device can run kernels now; kUnavailable with the driver's message otherwise (for
// example "no OpenCL device: CL: clGetPlatformIDs failed"). Probed once per process.
Status device_status(Device device);

// The device that the last kernel run by this thread ran on (for tests and diagnostics).
Device last_kernel_device();
// The generated variant that this thread's last kernel lookup chose, by its function's name (for
// example "upsample_max_unpool_windows_i64_u32_planar"; "" before any call), for tests and
// diagnostics. For resize, unpooling (streaming or not), pixel shuffle and max unpooling it is the
// kernel that the call ran last; the convolutions look up several and report the last of those.
const char* last_kernel_variant();

// OpenCL: the context and in-order command queue that every OpenCL kernel runs on; a cl_mem tensor
// must belong to that context. By default the library makes its own on first use (Halide's
// choice of platform and device: HL_OCL_PLATFORM_NAME, HL_OCL_DEVICE_TYPE, HL_GPU_DEVICE).
// set_opencl_context makes it use the caller's, retained until replaced; (nullptr, nullptr) goes
// back to the library's own. Call it when no operator call is running. kUnsupported in a build
// without OpenCL variants.
Status set_opencl_context(_cl_context* context, _cl_command_queue* queue);
// The context and queue in use, making the library's own if none is set yet (kUnavailable when
// there is no OpenCL device).
Status opencl_context(_cl_context** context, _cl_command_queue** queue);

// CUDA: the context and stream that every CUDA kernel runs on; device pointers must be valid in
// that context. By default Halide's own context (made on first use on device HL_GPU_DEVICE) and
// its default stream. set_cuda_context makes calls use the caller's context (not retained: keep
// it alive while calls may run) and stream (nullptr: the context's default stream);
// (nullptr, nullptr) goes back to the default. kUnsupported in a build without CUDA variants.
Status set_cuda_context(CUctx_st* context, CUstream_st* stream);
// The context and stream in use, making Halide's context if none is set yet (kUnavailable when
// there is no CUDA device).
Status cuda_context(CUctx_st** context, CUstream_st** stream);

}  // namespace upsample
