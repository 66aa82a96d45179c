#include "max_pool_schedule.h"

#include "common_schedule.h"

namespace upsample::schedules {

void constrain_max_pool(const MaxPoolFuncs& f, Layout layout) {
  constrain_strides({f.input, f.values_param, f.indices_param}, layout);
}

void constrain_max_unpool(const MaxUnpoolFuncs& f, Layout layout) {
  constrain_strides({f.input, f.indices, f.output_param}, layout);
}

void constrain_max_unpool_windows(const MaxUnpoolWindowsFuncs& f, Layout layout) {
  constrain_strides({f.input, f.indices, f.output_param}, layout);
}

void constrain_unpool_index_check(const UnpoolIndexCheckFuncs& f, Layout layout) {
  constrain_strides({f.indices}, layout);
}

void schedule_max_pool(MaxPoolFuncs& f, const Halide::Target& target, Layout layout) {
  const int lanes = target.natural_vector_size(f.values_param.type());
  if (target.has_gpu_feature()) {
    // Each thread reduces one window; both outputs read the pooled (value, index) pairs.
    f.pooled.compute_root();
    gpu_tile_image(f.pooled, f.x, f.y, f.c, f.n, layout);
    gpu_tile_image(f.pooled.update(), f.x, f.y, f.c, f.n, layout);
    gpu_tile_image(f.values, f.x, f.y, f.c, f.n, layout);
    gpu_tile_image(f.indices, f.x, f.y, f.c, f.n, layout);
    return;
  }
  // Both outputs share one loop nest, inside which each row of windows is reduced once.
  Halide::Var task("task");
  RowTasks rows = split_rows(f.values, f.x, f.y, f.c, f.n, task, layout, 8);
  split_rows(f.indices, f.x, f.y, f.c, f.n, task, layout, 8);
  f.indices.compute_with(f.values, rows.row);
  f.pooled.compute_at(f.values, rows.row);
  const Halide::Var inner = layout == Layout::kPlanar ? f.x : f.c;
  f.pooled.vectorize(inner, lanes, Halide::TailStrategy::GuardWithIf);
  f.pooled.update().vectorize(inner, lanes, Halide::TailStrategy::GuardWithIf);
}

void schedule_max_unpool(MaxUnpoolFuncs& f, const Halide::Target& target, Layout layout,
                         int vector_lanes) {
  const int lanes =
      vector_lanes > 0 ? vector_lanes : target.natural_vector_size(f.output_param.type());
  if (target.has_gpu_feature()) {
    // One block per plane scatters it in input order (a later duplicate wins), in one thread;
    // zeroing the planes and storing the output use every thread.
    Halide::Var plane("plane"), io("io"), ii("ii");
    f.scattered.compute_root()
        .split(f.i, io, ii, 256, Halide::TailStrategy::GuardWithIf)
        .fuse(f.c, f.n, plane)
        .gpu_blocks(io, plane)
        .gpu_threads(ii);
    f.scattered.update().fuse(f.c, f.n, plane).gpu_blocks(plane);
    gpu_tile_image(f.output, f.x, f.y, f.c, f.n, layout);
    return;
  }
  // One (c, n) plane per task: zero it, scatter into it while it is in cache, then store it.
  Halide::Var plane("plane");
  f.output.reorder(f.x, f.y, f.c, f.n).fuse(f.c, f.n, plane).parallel(plane);
  f.output.specialize(f.output_param.dim(0).extent() >= lanes).vectorize(f.x, lanes);
  f.scattered.compute_at(f.output, plane);
  f.scattered.vectorize(f.i, lanes, Halide::TailStrategy::GuardWithIf);
  // The scatter runs in input order, serially within a plane: later elements win.
  f.scattered.update(0).unscheduled();
}

// Output rows per task of the windowed max unpooling: a row is one pass of loads, compares and
// stores, so tasks of a few rows are mostly the thread pool's overhead.
constexpr int kMaxUnpoolWindowsRows = 32;

void schedule_max_unpool_windows(MaxUnpoolWindowsFuncs& f, const Halide::Target& target,
                                 Layout layout, int vector_lanes, int rows_per_task) {
  if (target.has_gpu_feature()) {
    gpu_tile_image(f.output, f.x, f.y, f.c, f.n, layout);
    return;
  }
  const int lanes =
      vector_lanes > 0 ? vector_lanes : target.natural_vector_size(f.output_param.type());
  // Rows in parallel tasks, each row one pass of vectors. Planar rows vectorize x, so the
  // window's column x / window_x is a vector division: 2x2 windows (max pooling's usual kernel)
  // get a specialization in which it is a shift.
  Halide::Var task("task");
  split_rows(f.output, f.x, f.y, f.c, f.n, task, layout,
             rows_per_task > 0 ? rows_per_task : kMaxUnpoolWindowsRows);
  const ImageGeometry geometry(f.input, f.output_param, layout);
  const Halide::Expr width = f.output_param.dim(0).extent();
  if (layout == Layout::kPlanar) {
    vectorize_rows(f.output.specialize(f.window_x == 2), f.x, f.c, geometry, width, lanes, layout);
  }
  vectorize_rows(f.output, f.x, f.c, geometry, width, lanes, layout);
}

void schedule_unpool_index_check(UnpoolIndexCheckFuncs& f, const Halide::Target& target,
                                 Layout layout) {
  // Bandwidth-bound: wide vector compares folded into one flag, rows in parallel tasks.
  const int lanes = target.natural_vector_size(Halide::UInt(64));
  if (target.has_gpu_feature()) {
    // Rows are few (N x H) and long (C x W): one thread per row and outer element flags its
    // stretch along the contiguous axis (rfactor), then one thread per row folds those flags.
    Halide::Var v("v"), vo("vo"), vi("vi"), yo("yo"), yi("yi");
    Halide::Func partial = f.any_bad.update().rfactor(f.across, v);
    Halide::Func partial_rows = partial.in();
    partial_rows.compute_root()
        .split(v, vo, vi, 64, Halide::TailStrategy::GuardWithIf)
        .reorder(vi, vo, f.y, f.n)
        .gpu_blocks(vo, f.y, f.n)
        .gpu_threads(vi);
    partial.compute_at(partial_rows, vi);
    f.bad_rows.split(f.y, yo, yi, 64, Halide::TailStrategy::GuardWithIf)
        .gpu_blocks(yo, f.n)
        .gpu_threads(yi);
    f.any_bad.compute_at(f.bad_rows, yi);
    return;
  }
  Halide::Var task("task");
  f.bad_rows.split(f.y, task, f.y, 16, Halide::TailStrategy::GuardWithIf).parallel(task);
  f.any_bad.compute_at(f.bad_rows, f.y);
  // 2-row windows (max pooling's usual kernel) test two rows instead of four.
  Halide::Stage reduce = f.any_bad.update();
  reduce.specialize(f.window_y == 2).atomic().vectorize(f.contiguous, lanes);
  reduce.atomic().vectorize(f.contiguous, lanes);
}

}  // namespace upsample::schedules
