#include "validation.h"

#include "device.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

namespace upsample::internal {
namespace {

constexpr int64_t kMaxInt32 = std::numeric_limits<int32_t>::max();

// Highest element offset of a view with positive strides, or -1 on overflow.
int64_t last_offset(const TensorView& view) {
  int64_t offset = 0;
  for (int d = 0; d < 4; d++) {
    int64_t term;
    if (__builtin_mul_overflow(view.shape[d] - 1, view.strides[d], &term) ||
        __builtin_add_overflow(offset, term, &offset)) {
      return -1;
    }
  }
  return offset;
}

// True when no two elements of the view share an address: sorted by stride, each axis must step
// over everything the smaller axes span.
bool is_injective(const TensorView& view) {
  int order[4] = {0, 1, 2, 3};
  std::sort(order, order + 4, [&](int a, int b) { return view.strides[a] < view.strides[b]; });
  int64_t span = 1;  // elements covered by the axes seen so far
  for (int i = 0; i < 4; i++) {
    const int d = order[i];
    if (view.shape[d] == 1) continue;
    if (view.strides[d] < span) return false;
    span = view.strides[d] * (view.shape[d] - 1) + span;
  }
  return true;
}

const char* const kAxisNames[4] = {"N", "C", "H", "W"};

const char* memory_name(Device device) {
  return device == Device::kCPU ? "host" : device_name(device);
}

}  // namespace

Status invalid(const char* op, const std::string& what) {
  return Status(StatusCode::kInvalidArgument, std::string(op) + ": " + what);
}

Status out_of_range(const char* op, const std::string& what) {
  return Status(StatusCode::kOutOfRange, std::string(op) + ": " + what);
}

std::string shape_string(const TensorView& view) {
  std::string s = "[";
  for (int d = 0; d < 4; d++) {
    if (d) s += ", ";
    s += std::to_string(view.shape[d]);
  }
  return s + "] (NCHW)";
}

Status check_view(const char* op, const char* name, const TensorView& view, bool is_output) {
  const std::string prefix = std::string(name) + ": ";
  if (std::strcmp(device_name(view.device), "unknown") == 0) {
    return invalid(op, prefix + "unknown device value " + std::to_string(int(view.device)));
  }
  if (view.device == Device::kCPU && view.data == nullptr)
    return invalid(op, prefix + "data is null");
  if (view.device != Device::kCPU) {
    if (view.device_handle == 0) {
      return invalid(op, prefix + "device_handle is null (a " + device_name(view.device) +
                             " tensor's memory)");
    }
    if (view.data != nullptr) {
      return invalid(op, prefix + "data must be null for a tensor in " + device_name(view.device) +
                             " memory (device_handle holds it)");
    }
    if (dtype_size(view.dtype) != 0 && view.device_offset % dtype_size(view.dtype) != 0) {
      return invalid(op, prefix + "device_offset " + std::to_string(view.device_offset) +
                             " is not a multiple of the " + dtype_name(view.dtype) +
                             " element size");
    }
  } else if (view.device_handle != 0 || view.device_offset != 0) {
    return invalid(op, prefix + "device_handle and device_offset must be 0 for host memory " +
                           "(set device to name the GPU that holds them)");
  }
  if (dtype_size(view.dtype) == 0) {
    return invalid(op, prefix + "unknown dtype value " + std::to_string(int(view.dtype)));
  }
  if (view.layout != Layout::kNCHW && view.layout != Layout::kNHWC) {
    return invalid(op, prefix + "unknown layout value " + std::to_string(int(view.layout)));
  }
  for (int d = 0; d < 4; d++) {
    const std::string axis = std::string(" along ") + kAxisNames[d];
    if (view.shape[d] <= 0) {
      return invalid(op, prefix + "size " + std::to_string(view.shape[d]) + axis +
                             " is not positive; shape " + shape_string(view));
    }
    if (view.shape[d] > kMaxInt32) {
      return out_of_range(
          op, prefix + "size " + std::to_string(view.shape[d]) + axis + " exceeds 2^31-1");
    }
    if (view.strides[d] <= 0) {
      return invalid(op, prefix + "stride " + std::to_string(view.strides[d]) + axis +
                             " is not positive (strides overflow or are unset)");
    }
    if (view.strides[d] > kMaxInt32) {
      return out_of_range(op, prefix + "stride " + std::to_string(view.strides[d]) + axis +
                                  " exceeds 2^31-1 elements");
    }
  }
  const int64_t last = last_offset(view);
  int64_t bytes = 0;
  if (last < 0 || __builtin_mul_overflow(last + 1, int64_t(dtype_size(view.dtype)), &bytes) ||
      bytes > std::numeric_limits<int64_t>::max() / 2) {
    return out_of_range(op, prefix + "byte size overflows; shape " + shape_string(view));
  }
  if (Status s = check_device_extent(op, name, view, uint64_t(bytes)); !s.ok()) return s;
  if (is_output && !is_injective(view)) {
    return invalid(op,
                   prefix + "strides make elements overlap; an output needs distinct addresses");
  }
  return Status::Ok();
}

Status check_pair(const char* op, const TensorView& input, const TensorView& output,
                  bool same_channels, bool same_dtype) {
  if (same_dtype && input.dtype != output.dtype) {
    return invalid(op, std::string("dtype mismatch: input is ") + dtype_name(input.dtype) +
                           ", output is " + dtype_name(output.dtype));
  }
  if (input.layout != output.layout) {
    return invalid(op, std::string("layout mismatch: input is ") + layout_name(input.layout) +
                           ", output is " + layout_name(output.layout));
  }
  for (int d : {kN, kC}) {
    if (d == kC && !same_channels) continue;
    if (input.shape[d] != output.shape[d]) {
      return invalid(op, std::string("shape mismatch along ") + kAxisNames[d] + ": input " +
                             shape_string(input) + ", output " + shape_string(output));
    }
  }
  return check_no_overlap(op, "input", input, "output", output);
}

Status check_no_overlap(const char* op, const char* name_a, const TensorView& a, const char* name_b,
                        const TensorView& b) {
  if (a.device != b.device) {
    return invalid(op, std::string(name_a) + " is in " + memory_name(a.device) + " memory, " +
                           name_b + " in " + memory_name(b.device) +
                           " memory: all tensors of a call must be in one place");
  }
  // OpenCL allocations are separate objects; host and CUDA memory share one address space.
  if (a.device == Device::kOpenCL && a.device_handle != b.device_handle) return Status::Ok();
  const auto begin = [](const TensorView& v) {
    return v.device == Device::kCPU ? reinterpret_cast<uintptr_t>(v.data)
                                    : uintptr_t(v.device_handle + v.device_offset);
  };
  const auto end = [&](const TensorView& v) {
    return begin(v) + uintptr_t(last_offset(v) + 1) * dtype_size(v.dtype);
  };
  if (begin(a) < end(b) && begin(b) < end(a)) {
    return invalid(op, std::string(name_a) + " and " + name_b + " overlap in memory");
  }
  return Status::Ok();
}

bool under_one_gib(const TensorView& view) {
  double span = 1;
  for (int d = 0; d < 4; d++) span += double(view.shape[d] - 1) * std::abs(double(view.strides[d]));
  return span * double(dtype_size(view.dtype)) < double(int64_t(1) << 30);
}

Status choose_layout(const char* op, std::initializer_list<const TensorView*> views,
                     KernelLayout* layout) {
  // Every operator chooses its layout before it looks up a kernel: the device is settled here too.
  if (Status s = resolve_call_device(op, views); !s.ok()) return s;
  const int64_t channels = (*views.begin())->shape[kC];
  bool planar = true, interleaved = true, packed = channels == 3 || channels == 4;
  for (const TensorView* view : views) {
    planar = planar && view->strides[kW] == 1;
    interleaved = interleaved && view->strides[kC] == 1;
    packed = packed && view->shape[kC] == channels && view->strides[kW] == channels &&
             under_one_gib(*view);
  }
  if (planar) {
    *layout = KernelLayout::kPlanar;
  } else if (interleaved) {
    *layout = !packed         ? KernelLayout::kInterleaved
              : channels == 3 ? KernelLayout::kPacked3
                              : KernelLayout::kPacked4;
  } else {
    return Status(StatusCode::kUnsupported,
                  std::string(op) + ": views need unit stride along W (NCHW) or along C (NHWC), " +
                      "all the same");
  }
  return Status::Ok();
}

TensorView offset_view(const TensorView& view, int64_t elements) {
  TensorView moved = view;
  const int64_t bytes = elements * int64_t(dtype_size(view.dtype));
  if (view.device == Device::kCPU) {
    moved.data = static_cast<uint8_t*>(view.data) + bytes;
  } else {
    moved.device_offset += uint64_t(bytes);
  }
  return moved;
}

TensorView packed_rows(const TensorView& view) {
  TensorView rows = view;
  rows.shape[kW] = view.shape[kW] * view.shape[kC];
  rows.strides[kW] = 1;
  rows.shape[kC] = 1;
  rows.strides[kC] = rows.shape[kW];
  return rows;
}

size_t fuse_small_pixels(TensorView* input, TensorView* output) {
  const size_t size = dtype_size(input->dtype);
  const int64_t channels = input->shape[kC];
  const int64_t pixel_bytes = channels * int64_t(size);
  if (channels == 1 || (pixel_bytes != 2 && pixel_bytes != 4)) return size;
  for (const TensorView* view : {input, output}) {
    if (view->strides[kC] != 1 || view->strides[kW] != channels) return size;
    if (view->strides[kH] % channels != 0 || view->strides[kN] % channels != 0) return size;
    const uintptr_t address = reinterpret_cast<uintptr_t>(view->data) +
                              uintptr_t(view->device_handle + view->device_offset);
    if (address % uintptr_t(pixel_bytes) != 0) return size;
  }
  for (TensorView* view : {input, output}) {
    view->shape[kC] = 1;
    view->strides[kC] = 1;
    view->strides[kW] = 1;
    view->strides[kH] /= channels;
    view->strides[kN] /= channels;
  }
  return size_t(pixel_bytes);
}

}  // namespace upsample::internal
