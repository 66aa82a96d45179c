// The resize variants of this build.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "kernel_table.h"

namespace upsample::internal {
namespace {

const Entry<ResizeKernel> kResizeKernels[] = {UPSAMPLE_FOR_EACH_RESIZE_KERNEL(UPSAMPLE_KERNEL_ENTRY)
                                                  UPSAMPLE_TABLE_END};
const Entry<ResizeKernel> kGpuResizeKernels[] = {
    UPSAMPLE_FOR_EACH_GPU_RESIZE_KERNEL(UPSAMPLE_KERNEL_ENTRY) UPSAMPLE_TABLE_END};
const Entry<ResizeBackwardKernel> kResizeBackwardKernels[] = {
    UPSAMPLE_FOR_EACH_RESIZE_BACKWARD_KERNEL(UPSAMPLE_KERNEL_ENTRY) UPSAMPLE_TABLE_END};
const Entry<ResizeBackwardKernel> kGpuResizeBackwardKernels[] = {
    UPSAMPLE_FOR_EACH_GPU_RESIZE_BACKWARD_KERNEL(UPSAMPLE_KERNEL_ENTRY) UPSAMPLE_TABLE_END};

}  // namespace

ResizeKernel find_resize_kernel(ResizeMethod method, Phases phases, int weight_units, DType dtype,
                                size_t copy_bytes, KernelLayout* layout, bool streaming) {
  // Streaming twins are CPU variants only.
  if (streaming && call_device() != Device::kCPU) return nullptr;
  // The dispatch key's name (generators/CMakeLists.txt): fixed-point bilinear is linearU.
  // Formatted on the stack, as this runs on every call (%.0d prints nothing for 0).
  const char* method_name = method == ResizeMethod::kNearest   ? "nearest"
                            : method == ResizeMethod::kBicubic ? "cubic"
                                                               : "linear";
  const int units = method == ResizeMethod::kBilinear ? weight_units : 0;
  char name[48];
  std::snprintf(name, sizeof(name), "%s%.0d%s", method_name, units, streaming ? "_streaming" : "");
  const std::string type =
      method == ResizeMethod::kNearest ? bits_key(copy_bytes) : dtype_name(dtype);
  return lookup(kResizeKernels, kGpuResizeKernels, name, phases, type, *layout, layout);
}

int bilinear_variant_weight_units(Phases phases) {
  struct PhasedUnits {
    Phases phases;
    int units;
  };
  // Read from the table once: this runs on every uint8 bilinear call.
  static const std::vector<PhasedUnits> all_units = [] {
    std::vector<PhasedUnits> found;
    for (const Entry<ResizeKernel>& entry : kResizeKernels) {
      if (entry.name == nullptr || std::strncmp(entry.name, "linear", 6) != 0) continue;
      const char* digits = entry.name + 6;
      if (*digits >= '1' && *digits <= '9') {
        found.push_back({Phases{entry.phases, entry.phase_stride}, std::atoi(digits)});
      }
    }
    return found;
  }();
  for (const PhasedUnits& entry : all_units) {
    if (entry.phases.out == phases.out && entry.phases.in == phases.in) return entry.units;
  }
  return 0;
}

ResizeBackwardKernel find_resize_backward_kernel(ResizeMethod method, KernelLayout layout) {
  const char* name = method == ResizeMethod::kNearest   ? "nearest"
                     : method == ResizeMethod::kBicubic ? "cubic"
                                                        : "linear";
  return lookup(kResizeBackwardKernels, kGpuResizeBackwardKernels, name, Phases{}, "float32",
                layout);
}

}  // namespace upsample::internal
