// How max pooling and max unpooling are computed. The algorithms are in
// generators/max_pool_generator.cpp.
#pragma once

#include "Halide.h"
#include "layout.h"

namespace upsample::schedules {

struct MaxPoolFuncs {
  Halide::Func values, indices;  // the two outputs
  Halide::Func pooled;           // (value, index, found) per output pixel
  Halide::OutputImageParam input, values_param, indices_param;
  Halide::Var x, y, c, n;
};

struct MaxUnpoolFuncs {
  Halide::Func output;
  Halide::Func scattered;  // one plane: zeros, then the scatter
  Halide::OutputImageParam input, indices, output_param;
  Halide::Var x, y, c, n;
};

void schedule_max_pool(MaxPoolFuncs& funcs, const Halide::Target& target, Layout layout);
void schedule_max_unpool(MaxUnpoolFuncs& funcs, const Halide::Target& target, Layout layout);

}  // namespace upsample::schedules
