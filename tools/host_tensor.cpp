#include "host_tensor.h"

#include <limits>
#include <string>

#include "error.h"

namespace upsample_tools {

size_t element_size(upsample::DType dtype) {
  switch (dtype) {
    case upsample::DType::kUInt8:
      return 1;
    case upsample::DType::kUInt16:
    case upsample::DType::kFloat16:
      return 2;
    case upsample::DType::kFloat32:
    case upsample::DType::kInt32:
      return 4;
    case upsample::DType::kInt64:
      return 8;
  }
  return 0;
}

bool packed_byte_count(upsample::DType dtype, const int64_t shape[4], uint64_t* bytes) {
  uint64_t count = element_size(dtype);
  for (int axis = 0; axis < 4; ++axis) {
    if (shape[axis] < 0) return false;
    if (__builtin_mul_overflow(count, static_cast<uint64_t>(shape[axis]), &count)) return false;
  }
  // Element indices are int64 and the storage is one std::vector.
  if (count > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) ||
      count > std::vector<uint8_t>().max_size()) {
    return false;
  }
  *bytes = count;
  return true;
}

HostTensor HostTensor::allocate(upsample::DType dtype, upsample::Layout layout, int64_t n,
                                int64_t c, int64_t h, int64_t w) {
  HostTensor tensor;
  tensor.dtype = dtype;
  tensor.layout = layout;
  tensor.shape[upsample::kN] = n;
  tensor.shape[upsample::kC] = c;
  tensor.shape[upsample::kH] = h;
  tensor.shape[upsample::kW] = w;
  uint64_t bytes = 0;
  if (!packed_byte_count(dtype, tensor.shape, &bytes)) {
    throw Error("tensor of shape (" + std::to_string(n) + ", " + std::to_string(c) + ", " +
                std::to_string(h) + ", " + std::to_string(w) + ") is too large");
  }
  tensor.bytes.resize(static_cast<size_t>(bytes));
  return tensor;
}

int64_t HostTensor::index(int64_t in, int64_t ic, int64_t ih, int64_t iw) const {
  if (layout == upsample::Layout::kNHWC) return ((in * h() + ih) * w() + iw) * c() + ic;
  return ((in * c() + ic) * h() + ih) * w() + iw;
}

}  // namespace upsample_tools
