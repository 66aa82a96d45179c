#include "kernels.h"

#include <cstring>
#include <string>

#include "upsample_kernels.h"  // generated: the variants of this build

namespace upsample::internal {
namespace {

template <typename Kernel>
struct Entry {
  const char* name;  // method or mode
  const char* type;  // dtype, or uN for copies of N-bit elements
  const char* layout;
  Kernel kernel;
};

#define UPSAMPLE_RESIZE_ENTRY(method, type, layout) \
  {#method, #type, #layout, &upsample_resize_##method##_##type##_##layout},
#define UPSAMPLE_UNPOOL_ENTRY(mode, type, layout) \
  {#mode, #type, #layout, &upsample_unpool_##mode##_##type##_##layout},

const Entry<ResizeKernel> kResizeKernels[] = {
    UPSAMPLE_FOR_EACH_RESIZE_KERNEL(UPSAMPLE_RESIZE_ENTRY)};
const Entry<UnpoolKernel> kUnpoolKernels[] = {
    UPSAMPLE_FOR_EACH_UNPOOL_KERNEL(UPSAMPLE_UNPOOL_ENTRY)};

#undef UPSAMPLE_RESIZE_ENTRY
#undef UPSAMPLE_UNPOOL_ENTRY

const char* layout_key(KernelLayout layout) {
  return layout == KernelLayout::kPlanar ? "planar" : "interleaved";
}

std::string bits_key(size_t bytes) {
  return "u" + std::to_string(8 * bytes);
}

template <typename Kernel, size_t N>
Kernel lookup(const Entry<Kernel> (&table)[N], const char* name, const std::string& type,
              KernelLayout layout) {
  for (const Entry<Kernel>& entry : table) {
    if (std::strcmp(entry.name, name) == 0 && type == entry.type &&
        std::strcmp(entry.layout, layout_key(layout)) == 0) {
      return entry.kernel;
    }
  }
  return nullptr;
}

}  // namespace

ResizeKernel find_resize_kernel(ResizeMethod method, DType dtype, size_t copy_bytes,
                                KernelLayout layout) {
  const char* name = method == ResizeMethod::kNearest    ? "nearest"
                     : method == ResizeMethod::kBilinear ? "linear"
                                                         : "cubic";
  const std::string type =
      method == ResizeMethod::kNearest ? bits_key(copy_bytes) : dtype_name(dtype);
  return lookup(kResizeKernels, name, type, layout);
}

UnpoolKernel find_unpool_kernel(UnpoolMode mode, size_t element_bytes, KernelLayout layout) {
  const char* name = mode == UnpoolMode::kNearest ? "nearest" : "bed_of_nails";
  return lookup(kUnpoolKernels, name, bits_key(element_bytes), layout);
}

}  // namespace upsample::internal
