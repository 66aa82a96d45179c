// Where the kernels run. A library configured with UPSAMPLE_GPU=opencl or cuda holds GPU variants
// of the operators beside the CPU ones; the execution policy sends later calls to the GPU. Tensors
// stay in host memory: a GPU call copies its inputs to the device and its results back.
#pragma once

#include "upsample/status.h"

namespace upsample {

enum class Device : int { kCPU = 0, kOpenCL = 1, kCUDA = 2 };

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

}  // namespace upsample
