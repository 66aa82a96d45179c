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
  Halide::Func scattered;  // (i, c, n): one flat plane, zeros, then the scatter
  Halide::OutputImageParam input, indices, output_param;
  Halide::Var x, y, c, n, i;
};

struct MaxUnpoolWindowsFuncs {
  Halide::Func output;
  Halide::OutputImageParam input, indices, output_param;
  Halide::Expr window_x;  // the windows' width, an input of the pipeline
  Halide::Var x, y, c, n;
};

struct UnpoolIndexCheckFuncs {
  Halide::Func bad_rows;  // (y, n)
  Halide::Func any_bad;   // its reduction over the row's elements
  Halide::OutputImageParam indices;
  Halide::RVar contiguous;  // the reduction's inner, contiguous axis
  Halide::RVar across;      // its outer axis
  Halide::Expr window_y;    // the windows' height, an input of the pipeline
  Halide::Var y, n;
};

// The buffer contracts the runtime relies on; generators apply them whoever schedules the
// pipeline (the hand schedules below or an autoscheduler).
void constrain_max_pool(const MaxPoolFuncs& funcs, Layout layout);
void constrain_max_unpool(const MaxUnpoolFuncs& funcs, Layout layout);
void constrain_max_unpool_windows(const MaxUnpoolWindowsFuncs& funcs, Layout layout);
void constrain_unpool_index_check(const UnpoolIndexCheckFuncs& funcs, Layout layout);

void schedule_max_pool(MaxPoolFuncs& funcs, const Halide::Target& target, Layout layout);
// vector_lanes 0: the target's natural vector width for the element type.
void schedule_max_unpool(MaxUnpoolFuncs& funcs, const Halide::Target& target, Layout layout,
                         int vector_lanes = 0);
// rows_per_task 0: the schedule's default (32 rows).
void schedule_max_unpool_windows(MaxUnpoolWindowsFuncs& funcs, const Halide::Target& target,
                                 Layout layout, int vector_lanes = 0, int rows_per_task = 0);
void schedule_unpool_index_check(UnpoolIndexCheckFuncs& funcs, const Halide::Target& target,
                                 Layout layout);

}  // namespace upsample::schedules
