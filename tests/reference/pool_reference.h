// The max pooling / max unpooling oracle, straight from PyTorch's definitions
// (aten/src/ATen/native/Pool.h pooling_output_shape, the CPU max_pool2d_with_indices and
// max_unpool2d kernels) as runtime/include/upsample/pool.h states them. Plain NCHW vectors of
// doubles and int64 indices; nothing shared with the library.
//
//  * Output length per axis: floor((L + 2p - d (k - 1) - 1) / s) + 1, or the ceiling with
//    ceil_mode, where with ceil_mode an output whose window would start at or past L + p (in the
//    right padding) is dropped: if (out - 1) s >= L + p then out -= 1. Stride 0 means the kernel.
//  * Window (oh, ow) covers rows oh s_h - p_h + i d_h (i < k_h) and columns likewise; only the
//    positions inside the input take part (padding never wins). In row-major window order
//    (rows outer), an element is taken when it is the first position inside the input, or
//    v > max, or v is NaN (PyTorch's `(val > maxval) || isnan(val)`: ties keep the first maximum,
//    the last NaN of a window wins).
//  * Index: kPlane ih * W + iw (within the (n, c) plane, PyTorch); kTensor
//    ((n * C + c) * H + ih) * W + iw (over the whole NCHW input, ONNX).
//  * Max unpooling: zeros of (N, C, H_out, W_out), then for every input element in NCHW order
//    out[plane(n, c)][index] = value (kPlane: index into the plane of H_out * W_out; kTensor: a
//    flat index into the whole output that must fall in the element's own plane); later writes
//    win.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "reference/resize_reference.h"

namespace upsample_ref {

enum class PoolIndexSpace { kPlane, kTensor };
const char* to_string(PoolIndexSpace s);

struct PoolSpec {
  int kernel_h = 2, kernel_w = 2;
  int stride_h = 0, stride_w = 0;  // 0: the kernel
  int padding_h = 0, padding_w = 0;
  int dilation_h = 1, dilation_w = 1;
  bool ceil_mode = false;
  PoolIndexSpace space = PoolIndexSpace::kPlane;
};
std::string to_string(const PoolSpec& s);

// PyTorch's output length. Throws std::invalid_argument when kernel or dilation < 1, stride < 0,
// padding < 0, or the length is below 1. (Whether padding <= kernel / 2 is not checked here:
// see pool_spec_error.)
int64_t pool_output_length(int64_t input_length, int kernel, int stride, int padding, int dilation,
                           bool ceil_mode);

// "" when max_pool2d accepts the spec for an input of shape `in` (PyTorch's checks: kernel,
// dilation >= 1, stride >= 0, 0 <= padding <= kernel / 2, output lengths >= 1), else the reason.
std::string pool_spec_error(const Shape& in, const PoolSpec& spec);

// The output shape (N, C, H', W'); throws std::invalid_argument when pool_spec_error says so.
Shape max_pool2d_shape(const Shape& in, const PoolSpec& spec);

// Whether some window holds no position inside the input (possible with dilation and padding,
// e.g. L = 1, k = 2, d = 2, p = 1: PyTorch then outputs -inf and an index outside the input).
bool pool_has_empty_window(const Shape& in, const PoolSpec& spec);

struct PoolResult {
  Shape shape;
  std::vector<double> values;    // NCHW
  std::vector<int64_t> indices;  // NCHW, in spec.space; -1 for an empty window (value -inf)
  std::vector<int64_t> source;   // NCHW flat input element each value came from; -1 if none
};

// Throws std::invalid_argument when pool_spec_error says so or the input has the wrong size.
PoolResult max_pool2d(const std::vector<double>& input, const Shape& in, const PoolSpec& spec);

// Output (N, C, out_h, out_w). Throws std::out_of_range naming the position of the first index
// that is out of range (or, with kTensor, outside its element's plane).
std::vector<double> max_unpool2d(const std::vector<double>& input,
                                 const std::vector<int64_t>& indices, const Shape& in,
                                 int64_t out_h, int64_t out_w, PoolIndexSpace space);

}  // namespace upsample_ref
