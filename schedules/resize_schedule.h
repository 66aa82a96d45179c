// How the resize pipeline is computed, chosen from the target and a few tunables. The algorithm is
// in generators/resize_generator.cpp; nothing here changes what is computed.
#pragma once

#include "Halide.h"
#include "layout.h"

namespace upsample::schedules {

struct ResizeTunables {
  Layout layout = Layout::kPlanar;
  int vector_lanes = 0;   // lanes of float math; 0: the target's natural float vector width
  int rows_per_task = 8;  // output rows one parallel task produces
};

// The Funcs of one resize pipeline, as the schedule needs to see them.
struct ResizeFuncs {
  Halide::Func output;
  Halide::Func vertical;  // interpolated along y at input width (float); undefined for nearest
  Halide::Func x_index;   // (x, tap): input column of each tap of output column x
  Halide::Func x_weight;  // (x, tap): its weight; undefined for nearest
  Halide::OutputImageParam input;
  Halide::OutputImageParam output_param;
  Halide::Var x, y, c, n, tap;
  int taps = 1;
};

void schedule_resize(ResizeFuncs& funcs, const Halide::Target& target,
                     const ResizeTunables& tunables);

}  // namespace upsample::schedules
