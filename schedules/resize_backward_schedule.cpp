#include "resize_backward_schedule.h"

#include "common_schedule.h"

namespace upsample::schedules {

using Halide::TailStrategy;

void constrain_resize_backward(const ResizeBackwardFuncs& f, Layout layout) {
  constrain_strides({f.grad_output, f.grad_input_param}, layout);
}

void schedule_resize_backward(ResizeBackwardFuncs& f, const Halide::Target& target, Layout layout) {
  const int lanes = target.natural_vector_size<float>();
  for (size_t k = 0; k < f.tables.size(); k++) {
    const bool is_weight = k % 2 == 1;
    if (!is_weight || f.has_weights) f.tables[k].compute_root();
  }
  if (target.has_gpu_feature()) {
    // Each scatter's taps run serially in a thread that owns one column (rows stage) or one row
    // (columns stage) of a plane; a later tap may add to the same pixel, and no two threads do.
    Halide::Var plane("plane"), outer("outer"), inner("inner");
    for (Halide::Func stage : {f.rows, f.columns}) {
      stage.compute_root();
      gpu_tile_image(stage, f.x, f.y, f.c, f.n, Layout::kPlanar);
    }
    f.rows.update()
        .split(f.x, outer, inner, 64, TailStrategy::GuardWithIf)
        .fuse(f.c, f.n, plane)
        .gpu_blocks(outer, plane)
        .gpu_threads(inner);
    f.columns.update()
        .split(f.y, outer, inner, 64, TailStrategy::GuardWithIf)
        .fuse(f.c, f.n, plane)
        .gpu_blocks(outer, plane)
        .gpu_threads(inner);
    gpu_tile_image(f.grad_input, f.x, f.y, f.c, f.n, layout);
    return;
  }
  // Both scatters are serial over their taps (a later tap may hit the same pixel), so the
  // parallelism is over images and, when planar, channels: each task owns whole planes.
  Halide::Var plane("plane");
  if (layout == Layout::kPlanar) {
    f.grad_input.reorder(f.x, f.y, f.c, f.n).fuse(f.c, f.n, plane).parallel(plane);
    f.grad_input.vectorize(f.x, lanes, TailStrategy::GuardWithIf);
    for (Halide::Func stage : {f.rows, f.columns}) {
      stage.compute_at(f.grad_input, plane).vectorize(f.x, lanes, TailStrategy::GuardWithIf);
    }
    // Rows are whole vectors of output columns; the column scatter runs element by element.
    f.rows.update().vectorize(f.x, lanes, TailStrategy::GuardWithIf);
    f.columns.update().unscheduled();
  } else {
    f.grad_input.reorder(f.c, f.x, f.y, f.n).parallel(f.n);
    f.grad_input.vectorize(f.c, lanes, TailStrategy::GuardWithIf);
    for (Halide::Func stage : {f.rows, f.columns}) {
      stage.compute_at(f.grad_input, f.n)
          .reorder_storage(f.c, f.x, f.y, f.n)
          .reorder(f.c, f.x, f.y)
          .vectorize(f.c, lanes, TailStrategy::GuardWithIf);
    }
    f.rows.update().reorder(f.c, f.x).vectorize(f.c, lanes, TailStrategy::GuardWithIf);
    f.columns.update().vectorize(f.c, lanes, TailStrategy::GuardWithIf);
  }
}

}  // namespace upsample::schedules
