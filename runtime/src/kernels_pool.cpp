// The pool variants of this build.
#include "kernel_table.h"

namespace upsample::internal {
namespace {

const Entry<MaxPoolKernel> kMaxPoolKernels[] = {
    UPSAMPLE_FOR_EACH_MAX_POOL_KERNEL(UPSAMPLE_KERNEL_ENTRY) UPSAMPLE_TABLE_END};
const Entry<MaxPoolKernel> kGpuMaxPoolKernels[] = {
    UPSAMPLE_FOR_EACH_GPU_MAX_POOL_KERNEL(UPSAMPLE_KERNEL_ENTRY) UPSAMPLE_TABLE_END};
const Entry<MaxUnpoolKernel> kMaxUnpoolKernels[] = {
    UPSAMPLE_FOR_EACH_MAX_UNPOOL_KERNEL(UPSAMPLE_KERNEL_ENTRY) UPSAMPLE_TABLE_END};
const Entry<MaxUnpoolKernel> kGpuMaxUnpoolKernels[] = {
    UPSAMPLE_FOR_EACH_GPU_MAX_UNPOOL_KERNEL(UPSAMPLE_KERNEL_ENTRY) UPSAMPLE_TABLE_END};
const Entry<MaxUnpoolWindowsKernel> kMaxUnpoolWindowsKernels[] = {
    UPSAMPLE_FOR_EACH_MAX_UNPOOL_WINDOWS_KERNEL(UPSAMPLE_KERNEL_ENTRY) UPSAMPLE_TABLE_END};
const Entry<MaxUnpoolWindowsKernel> kGpuMaxUnpoolWindowsKernels[] = {
    UPSAMPLE_FOR_EACH_GPU_MAX_UNPOOL_WINDOWS_KERNEL(UPSAMPLE_KERNEL_ENTRY) UPSAMPLE_TABLE_END};
const Entry<UnpoolIndexCheckKernel> kUnpoolIndexCheckKernels[] = {
    UPSAMPLE_FOR_EACH_UNPOOL_INDEX_CHECK_KERNEL(UPSAMPLE_KERNEL_ENTRY) UPSAMPLE_TABLE_END};
const Entry<UnpoolIndexCheckKernel> kGpuUnpoolIndexCheckKernels[] = {
    UPSAMPLE_FOR_EACH_GPU_UNPOOL_INDEX_CHECK_KERNEL(UPSAMPLE_KERNEL_ENTRY) UPSAMPLE_TABLE_END};

}  // namespace

MaxPoolKernel find_max_pool_kernel(bool int64_indices, DType dtype, KernelLayout layout) {
  return lookup(kMaxPoolKernels, kGpuMaxPoolKernels,
                int64_indices ? "max_pool_i64" : "max_pool_i32", Phases{}, dtype_name(dtype),
                layout);
}

MaxUnpoolKernel find_max_unpool_kernel(bool int64_indices, size_t element_bytes,
                                       KernelLayout layout) {
  return lookup(kMaxUnpoolKernels, kGpuMaxUnpoolKernels,
                int64_indices ? "max_unpool_i64" : "max_unpool_i32", Phases{},
                bits_key(element_bytes), layout);
}

MaxUnpoolWindowsKernel find_max_unpool_windows_kernel(bool int64_indices, size_t element_bytes,
                                                      KernelLayout layout) {
  return lookup(kMaxUnpoolWindowsKernels, kGpuMaxUnpoolWindowsKernels,
                int64_indices ? "max_unpool_windows_i64" : "max_unpool_windows_i32", Phases{},
                bits_key(element_bytes), layout);
}

UnpoolIndexCheckKernel find_unpool_index_check_kernel(bool int64_indices, KernelLayout layout) {
  const char* index = int64_indices ? "i64" : "i32";
  return lookup(kUnpoolIndexCheckKernels, kGpuUnpoolIndexCheckKernels,
                int64_indices ? "unpool_index_check_i64" : "unpool_index_check_i32", Phases{},
                index, layout);
}

}  // namespace upsample::internal
