// The unpooling oracle, from the seeds' definitions (000, 003): each input pixel becomes a
// factor_h x factor_w block of the output. nearest: the value fills the block. bed of nails: the
// value at the block's top-left corner, zeros elsewhere.
#pragma once

#include <vector>

#include "reference/resize_reference.h"

namespace upsample_ref {

enum class UnpoolMode { kNearest, kBedOfNails };
const char* to_string(UnpoolMode m);

// Output shape (in.n, in.c, in.h * factor_h, in.w * factor_w), NCHW.
std::vector<double> unpool(const std::vector<double>& input, const Shape& in, int factor_h,
                           int factor_w, UnpoolMode mode);

}  // namespace upsample_ref
