// The shuffle variants of this build.
#include "kernel_table.h"

namespace upsample::internal {
namespace {

const Entry<ShuffleKernel> kShuffleKernels[] = {
    UPSAMPLE_FOR_EACH_SHUFFLE_KERNEL(UPSAMPLE_KERNEL_ENTRY) UPSAMPLE_TABLE_END};
const Entry<ShuffleKernel> kGpuShuffleKernels[] = {
    UPSAMPLE_FOR_EACH_GPU_SHUFFLE_KERNEL(UPSAMPLE_KERNEL_ENTRY) UPSAMPLE_TABLE_END};

}  // namespace

ShuffleKernel find_shuffle_kernel(bool to_space, int fixed_factor_x, size_t element_bytes,
                                  KernelLayout layout) {
  return lookup(kShuffleKernels, kGpuShuffleKernels, to_space ? "to_space" : "to_depth",
                Phases{fixed_factor_x, 0}, bits_key(element_bytes), layout);
}

}  // namespace upsample::internal
