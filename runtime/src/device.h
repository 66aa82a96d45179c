// The execution device of an operator call: resolved once per call from the policy, the build's
// variants and the device's presence, then read by the kernel lookups and the Halide buffers.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>

#include "HalideRuntime.h"
#include "upsample/device.h"
#include "upsample/status.h"

namespace upsample::internal {

// Resolves the device of the operator call starting on this thread (choose_layout calls it, as
// every operator does before it looks up a kernel): the GPU that holds the views' memory, else
// the execution policy's device.
Status resolve_call_device(const char* op, std::initializer_list<const TensorView*> views);
// The device resolved for the current call on this thread.
Device call_device();
// When the policy allows the CPU: moves the current call there and returns true.
bool fall_back_to_cpu();
// Halide's interface to a GPU device; nullptr for the CPU or a device this build lacks.
const halide_device_interface_t* device_interface(Device device);
void record_kernel_device(Device device);
// The variant a kernel lookup chose for this thread's call (last_kernel_variant).
void record_kernel_variant(const char* variant);
// The driver's handle (CUdeviceptr, cl_mem) of a buffer's device allocation.
uint64_t native_device_handle(const halide_buffer_t* buffer);
// The byte alignment a view's device_offset needs for a kernel to address it directly (OpenCL
// sub-buffers: CL_DEVICE_MEM_BASE_ADDR_ALIGN; 1 for CUDA).
uint64_t device_offset_alignment(Device device);
// For a view in OpenCL memory: the cl_mem is valid and holds the view's bytes past its offset.
Status check_device_extent(const char* op, const char* name, const TensorView& view,
                           uint64_t bytes);
// "<op>: this build has no " and, for a call on a GPU, the device's name: how a missing variant is
// reported.
std::string no_kernel_prefix(const char* op);

}  // namespace upsample::internal
