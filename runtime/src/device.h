// The execution device of an operator call: resolved once per call from the policy, the build's
// variants and the device's presence, then read by the kernel lookups and the Halide buffers.
#pragma once

#include <string>

#include "HalideRuntime.h"
#include "upsample/device.h"
#include "upsample/status.h"

namespace upsample::internal {

// Resolves the device of the operator call starting on this thread (choose_layout calls it, as
// every operator does before it looks up a kernel).
Status resolve_call_device(const char* op);
// The device resolved for the current call on this thread.
Device call_device();
// When the policy allows the CPU: moves the current call there and returns true.
bool fall_back_to_cpu();
// Halide's interface to a GPU device; nullptr for the CPU or a device this build lacks.
const halide_device_interface_t* device_interface(Device device);
void record_kernel_device(Device device);
// "<op>: this build has no " and, for a call on a GPU, the device's name: how a missing variant is
// reported.
std::string no_kernel_prefix(const char* op);

}  // namespace upsample::internal
