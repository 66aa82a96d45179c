#include "kernels.h"

#include <cstring>
#include <string>

#include "upsample_kernels.h"  // generated: the variants of this build

namespace upsample::internal {
namespace {

template <typename Kernel>
struct Entry {
  const char* name;  // method or mode
  int phases;        // phased variants: output columns per period along x (else 0)
  int phase_stride;  // phased variants: input columns per period
  const char* type;  // dtype, or uN for copies of N-bit elements
  const char* layout;
  Kernel kernel;
};

#define UPSAMPLE_KERNEL_ENTRY(name, phases, phase_stride, type, layout, function) \
  {#name, phases, phase_stride, #type, #layout, &function},

const Entry<ResizeKernel> kResizeKernels[] = {
    UPSAMPLE_FOR_EACH_RESIZE_KERNEL(UPSAMPLE_KERNEL_ENTRY)};
const Entry<UnpoolKernel> kUnpoolKernels[] = {
    UPSAMPLE_FOR_EACH_UNPOOL_KERNEL(UPSAMPLE_KERNEL_ENTRY)};
const Entry<MaxPoolKernel> kMaxPoolKernels[] = {
    UPSAMPLE_FOR_EACH_MAX_POOL_KERNEL(UPSAMPLE_KERNEL_ENTRY)};
const Entry<MaxUnpoolKernel> kMaxUnpoolKernels[] = {
    UPSAMPLE_FOR_EACH_MAX_UNPOOL_KERNEL(UPSAMPLE_KERNEL_ENTRY)};
const Entry<UnpoolIndexCheckKernel> kUnpoolIndexCheckKernels[] = {
    UPSAMPLE_FOR_EACH_UNPOOL_INDEX_CHECK_KERNEL(UPSAMPLE_KERNEL_ENTRY)};
const Entry<ShuffleKernel> kShuffleKernels[] = {
    UPSAMPLE_FOR_EACH_SHUFFLE_KERNEL(UPSAMPLE_KERNEL_ENTRY)};

const Entry<ResizeBackwardKernel> kResizeBackwardKernels[] = {
    UPSAMPLE_FOR_EACH_RESIZE_BACKWARD_KERNEL(UPSAMPLE_KERNEL_ENTRY)};
const Entry<ConvKernel> kConvKernels[] = {UPSAMPLE_FOR_EACH_CONV_KERNEL(UPSAMPLE_KERNEL_ENTRY)};
const Entry<ConvWeightGradKernel> kConvWeightGradKernels[] = {
    UPSAMPLE_FOR_EACH_CONV_WEIGHT_GRAD_KERNEL(UPSAMPLE_KERNEL_ENTRY)};
const Entry<ChannelSumKernel> kChannelSumKernels[] = {
    UPSAMPLE_FOR_EACH_CHANNEL_SUM_KERNEL(UPSAMPLE_KERNEL_ENTRY)};

#undef UPSAMPLE_KERNEL_ENTRY

const char* layout_key(KernelLayout layout) {
  switch (layout) {
    case KernelLayout::kPlanar:
      return "planar";
    case KernelLayout::kInterleaved:
      return "interleaved";
    case KernelLayout::kPacked3:
      return "packed3";
    case KernelLayout::kPacked4:
      return "packed4";
  }
  return "";
}

std::string bits_key(size_t bytes) {
  return "u" + std::to_string(8 * bytes);
}

template <typename Kernel, size_t N>
Kernel lookup(const Entry<Kernel> (&table)[N], const char* name, Phases phases,
              const std::string& type, KernelLayout layout) {
  for (const Entry<Kernel>& entry : table) {
    if (std::strcmp(entry.name, name) == 0 && entry.phases == phases.out &&
        entry.phase_stride == phases.in && type == entry.type &&
        std::strcmp(entry.layout, layout_key(layout)) == 0) {
      return entry.kernel;
    }
  }
  const bool packed = layout == KernelLayout::kPacked3 || layout == KernelLayout::kPacked4;
  return packed ? lookup(table, name, phases, type, KernelLayout::kInterleaved) : nullptr;
}

}  // namespace

ResizeKernel find_resize_kernel(ResizeMethod method, Phases phases, bool fixed_point, DType dtype,
                                size_t copy_bytes, KernelLayout layout) {
  const char* name = method == ResizeMethod::kNearest   ? "nearest"
                     : method == ResizeMethod::kBicubic ? "cubic"
                     : fixed_point                      ? "linear16"
                                                        : "linear";
  const std::string type =
      method == ResizeMethod::kNearest ? bits_key(copy_bytes) : dtype_name(dtype);
  return lookup(kResizeKernels, name, phases, type, layout);
}

UnpoolKernel find_unpool_kernel(UnpoolMode mode, size_t element_bytes, KernelLayout layout) {
  const char* name = mode == UnpoolMode::kNearest ? "nearest" : "bed_of_nails";
  return lookup(kUnpoolKernels, name, Phases{}, bits_key(element_bytes), layout);
}

MaxPoolKernel find_max_pool_kernel(bool int64_indices, DType dtype, KernelLayout layout) {
  return lookup(kMaxPoolKernels, int64_indices ? "max_pool_i64" : "max_pool_i32", Phases{},
                dtype_name(dtype), layout);
}

MaxUnpoolKernel find_max_unpool_kernel(bool int64_indices, size_t element_bytes,
                                       KernelLayout layout) {
  return lookup(kMaxUnpoolKernels, int64_indices ? "max_unpool_i64" : "max_unpool_i32", Phases{},
                bits_key(element_bytes), layout);
}

UnpoolIndexCheckKernel find_unpool_index_check_kernel(bool int64_indices, KernelLayout layout) {
  const char* index = int64_indices ? "i64" : "i32";
  return lookup(kUnpoolIndexCheckKernels,
                int64_indices ? "unpool_index_check_i64" : "unpool_index_check_i32", Phases{},
                index, layout);
}

ShuffleKernel find_shuffle_kernel(bool to_space, int fixed_factor_x, size_t element_bytes,
                                  KernelLayout layout) {
  return lookup(kShuffleKernels, to_space ? "to_space" : "to_depth", Phases{fixed_factor_x, 0},
                bits_key(element_bytes), layout);
}

ResizeBackwardKernel find_resize_backward_kernel(ResizeMethod method, KernelLayout layout) {
  const char* name = method == ResizeMethod::kNearest   ? "nearest"
                     : method == ResizeMethod::kBicubic ? "cubic"
                                                        : "linear";
  return lookup(kResizeBackwardKernels, name, Phases{}, "float32", layout);
}

ConvKernel find_conv_kernel(KernelLayout layout) {
  return lookup(kConvKernels, "conv", Phases{}, "float32", layout);
}

ConvWeightGradKernel find_conv_weight_grad_kernel(KernelLayout layout) {
  return lookup(kConvWeightGradKernels, "conv_weight_grad", Phases{}, "float32", layout);
}

ChannelSumKernel find_channel_sum_kernel(KernelLayout layout) {
  return lookup(kChannelSumKernels, "channel_sum", Phases{}, "float32", layout);
}

}  // namespace upsample::internal
