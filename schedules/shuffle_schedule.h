// How pixel shuffle and unshuffle are computed. The algorithm is in
// generators/shuffle_generator.cpp.
#pragma once

#include "Halide.h"
#include "layout.h"

namespace upsample::schedules {

struct ShuffleTunables {
  Layout layout = Layout::kPlanar;
  int vector_lanes = 0;  // 0: the target's natural vector width for the element type
  int rows_per_task = 16;
};

struct ShuffleFuncs {
  Halide::Func output;
  Halide::OutputImageParam input;
  Halide::OutputImageParam output_param;
  Halide::Expr factor_x, factor_y;
  Halide::Var x, y, c, n;
};

void schedule_shuffle(ShuffleFuncs& funcs, const Halide::Target& target,
                      const ShuffleTunables& tunables);

}  // namespace upsample::schedules
