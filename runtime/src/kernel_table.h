// The dispatch tables' machinery: one entry per generated variant (the X-macros of the generated
// upsample_kernels.h), looked up by name, phases, type and layout. Each operator's table is in its
// own kernels_<operator>.cpp, so a program that never calls an operator links none of its variants.
#pragma once

#include <cstring>
#include <string>

#include "device.h"
#include "kernels.h"
#include "upsample_kernels.h"  // generated: the variants of this build

namespace upsample::internal {

template <typename Kernel>
struct Entry {
  const char* name;  // method or mode
  int phases;        // phased variants: output columns per period along x (else 0)
  int phase_stride;  // phased variants: input columns per period
  const char* type;  // dtype, or uN for copies of N-bit elements
  const char* layout;
  Kernel kernel;
  const char* variant;  // the generated function's name (last_kernel_variant)
};

#define UPSAMPLE_KERNEL_ENTRY(name, phases, phase_stride, type, layout, function) \
  {#name, phases, phase_stride, #type, #layout, &function, #function},
// Ends every table: a build without GPU variants has empty GPU lists.
#define UPSAMPLE_TABLE_END \
  { nullptr, 0, 0, nullptr, nullptr, nullptr, nullptr }

inline const char* layout_key(KernelLayout layout) {
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

inline std::string bits_key(size_t bytes) {
  return "u" + std::to_string(8 * bytes);
}

// A packed layout without its own variant uses the interleaved one; `found`, when given, says
// which layout the returned variant has.
template <typename Kernel, size_t N>
Kernel lookup_in(const Entry<Kernel> (&table)[N], const char* name, Phases phases,
                 const std::string& type, KernelLayout layout, KernelLayout* found = nullptr) {
  for (const Entry<Kernel>& entry : table) {
    if (entry.name != nullptr && std::strcmp(entry.name, name) == 0 && entry.phases == phases.out &&
        entry.phase_stride == phases.in && type == entry.type &&
        std::strcmp(entry.layout, layout_key(layout)) == 0) {
      if (found != nullptr) *found = layout;
      record_kernel_variant(entry.variant);
      return entry.kernel;
    }
  }
  const bool packed = layout == KernelLayout::kPacked3 || layout == KernelLayout::kPacked4;
  return packed ? lookup_in(table, name, phases, type, KernelLayout::kInterleaved, found) : nullptr;
}

// The variant in the table of the current call's device (device.h): the GPU variants when the
// call runs on a GPU, the CPU ones otherwise; nullptr when that table has none. A GPU without the
// variant (float16 on OpenCL) sends the call to the CPU when the policy allows it.
template <typename Kernel, size_t N, size_t M>
Kernel lookup(const Entry<Kernel> (&cpu_table)[N], const Entry<Kernel> (&gpu_table)[M],
              const char* name, Phases phases, const std::string& type, KernelLayout layout,
              KernelLayout* found = nullptr) {
  if (call_device() == Device::kCPU) return lookup_in(cpu_table, name, phases, type, layout, found);
  Kernel kernel = lookup_in(gpu_table, name, phases, type, layout, found);
  if (kernel == nullptr && fall_back_to_cpu()) {
    kernel = lookup_in(cpu_table, name, phases, type, layout, found);
  }
  return kernel;
}

}  // namespace upsample::internal
