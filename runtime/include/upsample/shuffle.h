// Pixel shuffle (depth to space) and unshuffle (space to depth): rearrangements between channels
// and fh x fw blocks of pixels, in PyTorch's order (ONNX CRD) or ONNX's default order (DCR).
#pragma once

#include "upsample/status.h"
#include "upsample/tensor.h"

namespace upsample {

// Where the (i, j) offset inside a block lives among the depth channels, for C output channels
// (shuffle) or C input channels (unshuffle):
enum class ShuffleOrder : int {
  kCRD = 0,  // depth channel = c * fh * fw + i * fw + j: torch.pixel_shuffle / pixel_unshuffle,
             // ONNX DepthToSpace mode=CRD
  kDCR = 1,  // depth channel = (i * fw + j) * C + c: ONNX DepthToSpace (default DCR) and
             // SpaceToDepth
};

struct ShuffleOptions {
  int factor_h = 2;
  int factor_w = 2;
  ShuffleOrder order = ShuffleOrder::kCRD;
};

// Depth to space: input (N, C * fh * fw, H, W) to output (N, C, H * fh, W * fw).
// output[n, c, h * fh + i, w * fw + j] = input[n, depth(c, i, j), h, w].
Status pixel_shuffle(const TensorView& input, const TensorView& output,
                     const ShuffleOptions& options);

// Space to depth, the inverse: input (N, C, H * fh, W * fw) to output (N, C * fh * fw, H, W).
// output[n, depth(c, i, j), h, w] = input[n, c, h * fh + i, w * fw + j].
Status pixel_unshuffle(const TensorView& input, const TensorView& output,
                       const ShuffleOptions& options);

const char* shuffle_order_name(ShuffleOrder order);

}  // namespace upsample
