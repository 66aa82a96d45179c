#include "resize_schedule.h"

#include "common_schedule.h"

namespace upsample::schedules {

using Halide::Expr;
using Halide::Func;
using Halide::TailStrategy;
using Halide::Var;

void schedule_resize(ResizeFuncs& f, const Halide::Target& target, const ResizeTunables& tunables) {
  const bool interpolating = f.vertical.defined();
  // Float math for interpolation; a plain copy for nearest, which can use wider vectors.
  const Halide::Type math_type = interpolating ? Halide::Float(32) : f.output_param.type();
  const int lanes =
      tunables.vector_lanes > 0 ? tunables.vector_lanes : target.natural_vector_size(math_type);

  ImageGeometry geometry(f.input, f.output_param, tunables.layout);
  geometry.constrain_strides();

  f.x_index.compute_root();
  if (interpolating) f.x_weight.compute_root();

  // Rows are split into tasks, and tasks (with channels and images) run in parallel.
  Var task("task");
  RowTasks rows =
      split_rows(f.output, f.x, f.y, f.c, f.n, task, tunables.layout, tunables.rows_per_task);

  if (interpolating) {
    // One row of vertical results per output row, kept in a per-task buffer folded to one row.
    f.vertical.compute_at(f.output, rows.row).store_at(f.output, task);
    if (tunables.layout == Layout::kInterleaved) f.vertical.reorder_storage(f.c, f.x, f.y, f.n);
    vectorize_rows(f.vertical, f.x, f.c, geometry, geometry.input_width(), lanes, tunables.layout);
  }
  vectorize_rows(f.output, f.x, f.c, geometry, geometry.output_width(), lanes, tunables.layout);
}

}  // namespace upsample::schedules
