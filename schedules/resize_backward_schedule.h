// How the adjoint of resize is computed. The algorithm is in
// generators/resize_backward_generator.cpp.
#pragma once

#include <vector>

#include "Halide.h"
#include "layout.h"

namespace upsample::schedules {

struct ResizeBackwardFuncs {
  Halide::Func grad_input;
  Halide::Func rows;                 // output rows added into input rows (output width)
  Halide::Func columns;              // then columns into input columns
  std::vector<Halide::Func> tables;  // x_index, x_weight, y_index, y_weight
  Halide::OutputImageParam grad_output, grad_input_param;
  Halide::Var x, y, c, n;
  bool has_weights;  // false for nearest: the weight tables are not defined
};

// The buffer contract the runtime relies on; the generator applies it whoever schedules the
// pipeline (the hand schedule below or an autoscheduler).
void constrain_resize_backward(const ResizeBackwardFuncs& funcs, Layout layout);

void schedule_resize_backward(ResizeBackwardFuncs& funcs, const Halide::Target& target,
                              Layout layout);

}  // namespace upsample::schedules
