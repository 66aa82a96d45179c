// The pixel shuffle oracle, straight from the definitions in runtime/include/upsample/shuffle.h
// (PyTorch pixel_shuffle / pixel_unshuffle, ONNX DepthToSpace / SpaceToDepth). For C channels
// after shuffling (before unshuffling) and an (i, j) offset inside an fh x fw block, the depth
// channel is
//   CRD: c * fh * fw + i * fw + j          (torch; ONNX DepthToSpace mode=CRD)
//   DCR: (i * fw + j) * C + c              (ONNX DepthToSpace default, SpaceToDepth)
// and shuffle(x)[n, c, h * fh + i, w * fw + j] = x[n, depth(c, i, j), h, w]; unshuffle is the
// inverse. Plain NCHW vectors; nothing shared with the library.
#pragma once

#include <cstdint>
#include <vector>

#include "reference/resize_reference.h"

namespace upsample_ref {

enum class ShuffleOrder { kCRD, kDCR };
const char* to_string(ShuffleOrder o);

// The depth channel of (c, i, j) among channels * fh * fw, for `channels` = C.
int64_t shuffle_depth(ShuffleOrder order, int64_t c, int64_t i, int64_t j, int64_t channels,
                      int factor_h, int factor_w);

// Depth to space: input (N, C * fh * fw, H, W) to output (N, C, H * fh, W * fw).
// Throws std::invalid_argument when in.c is not a multiple of fh * fw or a factor is below 1.
std::vector<double> pixel_shuffle(const std::vector<double>& input, const Shape& in, int factor_h,
                                  int factor_w, ShuffleOrder order);

// Space to depth: input (N, C, H * fh, W * fw) to output (N, C * fh * fw, H, W).
// Throws std::invalid_argument when in.h / in.w are not multiples of fh / fw.
std::vector<double> pixel_unshuffle(const std::vector<double>& input, const Shape& in, int factor_h,
                                    int factor_w, ShuffleOrder order);

// The output shapes of the two.
Shape pixel_shuffle_shape(const Shape& in, int factor_h, int factor_w);
Shape pixel_unshuffle_shape(const Shape& in, int factor_h, int factor_w);

}  // namespace upsample_ref
