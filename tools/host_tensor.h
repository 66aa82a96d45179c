// An owning, densely packed 4-D tensor: what the tools read from and write to files.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "upsample/tensor.h"

namespace upsample_tools {

// Bytes per element. The tools keep their own table so that file I/O builds without the library.
size_t element_size(upsample::DType dtype);

struct HostTensor {
  upsample::DType dtype = upsample::DType::kFloat32;
  upsample::Layout layout = upsample::Layout::kNCHW;
  int64_t shape[4] = {0, 0, 0, 0};  // logical N, C, H, W, as in upsample::TensorView
  std::vector<uint8_t> bytes;       // densely packed in `layout`

  // A zero-filled tensor; throws Error when a dimension is negative or the byte count overflows.
  static HostTensor allocate(upsample::DType dtype, upsample::Layout layout, int64_t n, int64_t c,
                             int64_t h, int64_t w);

  int64_t n() const { return shape[upsample::kN]; }
  int64_t c() const { return shape[upsample::kC]; }
  int64_t h() const { return shape[upsample::kH]; }
  int64_t w() const { return shape[upsample::kW]; }

  // Element index of (n, c, h, w) in the packed storage.
  int64_t index(int64_t n, int64_t c, int64_t h, int64_t w) const;

  // Views for the library calls (these need the library linked).
  upsample::TensorView view() {
    return upsample::make_tensor(bytes.data(), dtype, layout, n(), c(), h(), w());
  }
  upsample::TensorView input_view() const {
    return upsample::make_input_tensor(bytes.data(), dtype, layout, n(), c(), h(), w());
  }
};

// Byte count of a packed tensor, or false when a dimension is negative or the count overflows.
bool packed_byte_count(upsample::DType dtype, const int64_t shape[4], uint64_t* bytes);

}  // namespace upsample_tools
