// How unpooling is computed. The algorithm is in generators/unpool_generator.cpp.
#pragma once

#include "Halide.h"
#include "layout.h"

namespace upsample::schedules {

struct UnpoolTunables {
  Layout layout = Layout::kPlanar;
  int vector_lanes = 0;  // 0: the target's natural vector width for the element type
  int rows_per_task = 16;
  bool streaming =
      false;  // a streaming variant: its output is aligned (require_streaming_alignment)
};

struct UnpoolFuncs {
  Halide::Func output;
  Halide::Func source_column;  // (x): input column of output column x, for large factors
  Halide::OutputImageParam input;
  Halide::OutputImageParam output_param;
  Halide::Expr factor_x, factor_y;
  Halide::Expr large_factor_x;  // true where the algorithm reads source_column
  Halide::Var x, y, c, n;
};

void schedule_unpool(UnpoolFuncs& funcs, const Halide::Target& target,
                     const UnpoolTunables& tunables);

}  // namespace upsample::schedules
