// Unpooling by an integer factor per axis: each input pixel becomes a factor_h x factor_w block.
#pragma once

#include "upsample/status.h"
#include "upsample/tensor.h"

namespace upsample {

enum class UnpoolMode : int {
  kNearest = 0,     // the value fills its whole block
  kBedOfNails = 1,  // the value at the block's top-left corner, zeros elsewhere
};

struct UnpoolOptions {
  UnpoolMode mode = UnpoolMode::kNearest;
  int factor_h = 2;
  int factor_w = 2;
};

// output must be (N, C, H * factor_h, W * factor_w) with input's dtype and layout.
Status unpool(const TensorView& input, const TensorView& output, const UnpoolOptions& options);

const char* unpool_mode_name(UnpoolMode mode);

}  // namespace upsample
