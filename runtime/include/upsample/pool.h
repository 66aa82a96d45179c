// Max pooling that remembers where each maximum came from, and max unpooling, which puts each
// value back at its remembered position: PyTorch's max_pool2d(return_indices=True) and
// max_unpool2d (and ONNX MaxPool / MaxUnpool with IndexSpace::kTensor).
#pragma once

#include <cstdint>

#include "upsample/status.h"
#include "upsample/tensor.h"

namespace upsample {

// What an index counts.
enum class IndexSpace : int {
  kPlane = 0,   // h * W + w within each (n, c) plane of the pooling input: PyTorch
  kTensor = 1,  // ((n * C + c) * H + h) * W + w over the whole NCHW pooling input: ONNX
};

struct MaxPoolOptions {
  int kernel_h = 2, kernel_w = 2;
  int stride_h = 0, stride_w = 0;    // 0: the kernel size, PyTorch's default
  int padding_h = 0, padding_w = 0;  // at most half the kernel, as in PyTorch
  int dilation_h = 1, dilation_w = 1;
  bool ceil_mode = false;
  IndexSpace index_space = IndexSpace::kPlane;
};

// PyTorch's output length: floor or ceil of (in + 2 padding - dilation (kernel - 1) - 1) / stride
// + 1, where with ceil_mode the last window must start inside the input or its left padding.
// `stride` 0 means the kernel size. An error when the result is below 1, or when a window would
// cover only padding (it would have no maximum).
Status max_pool_output_length(int64_t input_length, int kernel, int stride, int padding,
                              int dilation, bool ceil_mode, int64_t* output_length);

// values (N, C, H', W') of input's dtype; indices (N, C, H', W') of dtype kInt64 (or kInt32):
// the maximum of each window and its index. Ties keep the first maximum in row-major window
// order; a NaN is a maximum (the last NaN of a window wins), as in PyTorch. Padding never wins.
Status max_pool2d(const TensorView& input, const TensorView& values, const TensorView& indices,
                  const MaxPoolOptions& options);

struct MaxUnpoolOptions {
  IndexSpace index_space = IndexSpace::kPlane;
};

// output (N, C, H_out, W_out), zeros except output[index] = input value for each input element;
// indices (int64 or int32) have input's shape and index the output (with kPlane: within the
// element's own (n, c) plane of H_out * W_out; with kTensor: over the whole output, and must fall
// in the element's own plane). An index out of range is an error naming its position; when two
// elements name one position, the later one in NCHW order wins. Any H_out, W_out may be given
// (PyTorch's default is the pooling input's size).
Status max_unpool2d(const TensorView& input, const TensorView& indices, const TensorView& output,
                    const MaxUnpoolOptions& options);

const char* index_space_name(IndexSpace space);

}  // namespace upsample
