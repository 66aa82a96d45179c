// The conv variants of this build.
#include "kernel_table.h"

namespace upsample::internal {
namespace {

const Entry<ConvKernel> kConvKernels[] = {UPSAMPLE_FOR_EACH_CONV_KERNEL(UPSAMPLE_KERNEL_ENTRY)};
const Entry<ConvWeightGradKernel> kConvWeightGradKernels[] = {
    UPSAMPLE_FOR_EACH_CONV_WEIGHT_GRAD_KERNEL(UPSAMPLE_KERNEL_ENTRY)};
const Entry<ChannelSumKernel> kChannelSumKernels[] = {
    UPSAMPLE_FOR_EACH_CHANNEL_SUM_KERNEL(UPSAMPLE_KERNEL_ENTRY)};

}  // namespace

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
