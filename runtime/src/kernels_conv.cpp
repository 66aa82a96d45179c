// The conv variants of this build.
#include "kernel_table.h"
#include "schedules/conv_packing.h"

namespace upsample::internal {
namespace {

const Entry<ConvKernel> kConvKernels[] = {UPSAMPLE_FOR_EACH_CONV_KERNEL(UPSAMPLE_KERNEL_ENTRY)
                                              UPSAMPLE_TABLE_END};
const Entry<ConvKernel> kGpuConvKernels[] = {
    UPSAMPLE_FOR_EACH_GPU_CONV_KERNEL(UPSAMPLE_KERNEL_ENTRY) UPSAMPLE_TABLE_END};
const Entry<ConvPhasesKernel> kConvPhasesKernels[] = {
    UPSAMPLE_FOR_EACH_CONV_PHASES_KERNEL(UPSAMPLE_KERNEL_ENTRY) UPSAMPLE_TABLE_END};
const Entry<ConvWeightGradKernel> kConvWeightGradKernels[] = {
    UPSAMPLE_FOR_EACH_CONV_WEIGHT_GRAD_KERNEL(UPSAMPLE_KERNEL_ENTRY) UPSAMPLE_TABLE_END};
const Entry<ConvWeightGradKernel> kGpuConvWeightGradKernels[] = {
    UPSAMPLE_FOR_EACH_GPU_CONV_WEIGHT_GRAD_KERNEL(UPSAMPLE_KERNEL_ENTRY) UPSAMPLE_TABLE_END};
const Entry<ChannelSumKernel> kChannelSumKernels[] = {
    UPSAMPLE_FOR_EACH_CHANNEL_SUM_KERNEL(UPSAMPLE_KERNEL_ENTRY) UPSAMPLE_TABLE_END};
const Entry<ChannelSumKernel> kGpuChannelSumKernels[] = {
    UPSAMPLE_FOR_EACH_GPU_CHANNEL_SUM_KERNEL(UPSAMPLE_KERNEL_ENTRY) UPSAMPLE_TABLE_END};

}  // namespace

ConvKernel find_conv_kernel(KernelLayout layout) {
  return lookup(kConvKernels, kGpuConvKernels, "conv", Phases{}, "float32", layout);
}

ConvPhasesKernel find_conv_phases_kernel(KernelLayout layout) {
  if (call_device() != Device::kCPU) return nullptr;
  return lookup_in(kConvPhasesKernels, "conv", Phases{schedules::kConvFusedPhases, 1}, "float32",
                   layout);
}

ConvWeightGradKernel find_conv_weight_grad_kernel(KernelLayout layout) {
  return lookup(kConvWeightGradKernels, kGpuConvWeightGradKernels, "conv_weight_grad", Phases{},
                "float32", layout);
}

ChannelSumKernel find_channel_sum_kernel(KernelLayout layout) {
  return lookup(kChannelSumKernels, kGpuChannelSumKernels, "channel_sum", Phases{}, "float32",
                layout);
}

}  // namespace upsample::internal
