// The unpool variants of this build.
#include "kernel_table.h"

namespace upsample::internal {
namespace {

const Entry<UnpoolKernel> kUnpoolKernels[] = {UPSAMPLE_FOR_EACH_UNPOOL_KERNEL(UPSAMPLE_KERNEL_ENTRY)
                                                  UPSAMPLE_TABLE_END};
const Entry<UnpoolKernel> kGpuUnpoolKernels[] = {
    UPSAMPLE_FOR_EACH_GPU_UNPOOL_KERNEL(UPSAMPLE_KERNEL_ENTRY) UPSAMPLE_TABLE_END};

}  // namespace

UnpoolKernel find_unpool_kernel(UnpoolMode mode, size_t element_bytes, KernelLayout layout,
                                bool streaming) {
  const char* name = mode == UnpoolMode::kNearest
                         ? (streaming ? "nearest_streaming" : "nearest")
                         : (streaming ? "bed_of_nails_streaming" : "bed_of_nails");
  if (streaming && call_device() != Device::kCPU) return nullptr;
  return lookup(kUnpoolKernels, kGpuUnpoolKernels, name, Phases{}, bits_key(element_bytes), layout);
}

bool has_streaming_unpool_kernels() {
  return lookup_in(kUnpoolKernels, "nearest_streaming", Phases{}, bits_key(4),
                   KernelLayout::kPlanar) != nullptr;
}

}  // namespace upsample::internal
