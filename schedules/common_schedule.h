// Scheduling pieces shared by the per-operator schedules of image-shaped (x, y, c, n) pipelines.
#pragma once

#include "Halide.h"
#include "layout.h"

namespace upsample::schedules {

// The input and output buffers of a pipeline, and the facts about them a schedule specializes on.
class ImageGeometry {
 public:
  ImageGeometry(Halide::OutputImageParam input, Halide::OutputImageParam output, Layout layout)
      : input_(std::move(input)), output_(std::move(output)), layout_(layout) {}

  // Planar buffers need unit stride in x (Halide's default); interleaved ones in c, with any x
  // stride, so that crops and channel subsets of NHWC images are accepted too.
  void constrain_strides() const;

  Halide::Expr input_width() const { return input_.dim(0).extent(); }
  Halide::Expr output_width() const { return output_.dim(0).extent(); }
  Halide::Expr channels() const { return output_.dim(2).extent(); }
  // Both buffers hold exactly `channels` interleaved channels per pixel, densely.
  Halide::Expr packed_pixels(int channels) const;

 private:
  Halide::OutputImageParam input_, output_;
  Layout layout_;
};

struct RowTasks {
  Halide::Var row;  // the loop over output rows inside a task
};

// Splits the rows of `output` into parallel tasks of `rows_per_task` rows; the channel loop is
// outside the rows for planar layouts and inside them for interleaved ones.
RowTasks split_rows(Halide::Func output, const Halide::Var& x, const Halide::Var& y,
                    const Halide::Var& c, const Halide::Var& n, const Halide::Var& task,
                    Layout layout, int rows_per_task);

// Vectorizes a row-at-a-time stage over x (planar; packed 3- and 4-channel pixels with c unrolled)
// or over c (many interleaved channels), each under a specialization that proves it safe, with a
// scalar fallback for narrow rows and unusual strides.
void vectorize_rows(Halide::Stage stage, const Halide::Var& x, const Halide::Var& c,
                    const ImageGeometry& geometry, const Halide::Expr& width, int lanes,
                    Layout layout);

}  // namespace upsample::schedules
