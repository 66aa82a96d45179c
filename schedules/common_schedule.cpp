#include "common_schedule.h"

namespace upsample::schedules {

using Halide::Expr;

void ImageGeometry::constrain_strides() const {
  if (layout_ != Layout::kInterleaved) return;
  for (const Halide::OutputImageParam& buffer : {input_, output_}) {
    buffer.dim(0).set_stride(Expr());
    buffer.dim(2).set_stride(1);
  }
}

Expr ImageGeometry::packed_pixels(int channels) const {
  Expr packed = Halide::Internal::const_true();
  for (const Halide::OutputImageParam& buffer : {input_, output_}) {
    packed = packed && buffer.dim(0).stride() == channels && buffer.dim(2).min() == 0 &&
             buffer.dim(2).extent() == channels;
  }
  return packed;
}

RowTasks split_rows(Halide::Func output, const Halide::Var& x, const Halide::Var& y,
                    const Halide::Var& c, const Halide::Var& n, const Halide::Var& task,
                    Layout layout, int rows_per_task) {
  Halide::Var row_block("row_block"), row("row"), plane("plane");
  output.split(y, row_block, row, rows_per_task, Halide::TailStrategy::GuardWithIf);
  if (layout == Layout::kPlanar) {
    output.reorder(x, row, row_block, c, n).fuse(c, n, plane).fuse(row_block, plane, task);
  } else {
    output.reorder(c, x, row, row_block, n).fuse(row_block, n, task);
  }
  output.parallel(task);
  return RowTasks{row};
}

void vectorize_rows(Halide::Stage stage, const Halide::Var& x, const Halide::Var& c,
                    const ImageGeometry& geometry, const Expr& width, int lanes, Layout layout) {
  if (layout == Layout::kPlanar) {
    stage.specialize(width >= lanes).vectorize(x, lanes);
    return;
  }
  stage.reorder(c, x);
  for (int channels : {3, 4}) {
    stage.specialize(geometry.packed_pixels(channels) && width >= lanes)
        .unroll(c)
        .vectorize(x, lanes);
  }
  stage.specialize(geometry.channels() >= lanes).vectorize(c, lanes);
}

}  // namespace upsample::schedules
