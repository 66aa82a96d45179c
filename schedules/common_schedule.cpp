#include "common_schedule.h"

#include <numeric>

namespace upsample::schedules {

using Halide::Expr;

namespace {
// gpu_tile_output's tiles: thread columns and rows per block, and the block loop of the tiles.
int gpu_tile_columns(Layout layout) {
  return layout == Layout::kPlanar ? 16 : 64;
}
int gpu_tile_rows(Layout layout) {
  return layout == Layout::kPlanar ? 8 : 2;
}
const char* const kGpuTileBlock = "gpu_xo";
}  // namespace

void constrain_strides(const std::vector<Halide::OutputImageParam>& buffers, Layout layout) {
  const int channels = packed_channels(layout);
  for (const Halide::OutputImageParam& buffer : buffers) {
    // Knowing that views start at 0 lets Halide see the phase of x in each vector.
    for (int d = 0; d < 4; d++) buffer.dim(d).set_min(0);
    if (layout == Layout::kPlanar) continue;  // Halide's default: unit stride in x
    buffer.dim(2).set_stride(1);
    if (channels == 0) {
      buffer.dim(0).set_stride(Expr());
    } else {
      // Strides known when compiling let Halide turn the per-channel accesses into dense loads
      // and stores of interleaved vectors; a stride learnt at run time (specialize) does not.
      buffer.dim(0).set_stride(channels);
      buffer.dim(2).set_bounds(0, channels);
    }
  }
}

void require_streaming_alignment(Halide::OutputImageParam output, Layout layout) {
  const int elements = kStreamingAlignment / output.type().bytes();
  output.set_host_alignment(kStreamingAlignment);
  for (int d : {1, 2, 3}) {
    if (d == 2 && layout != Layout::kPlanar) continue;  // channels: unit stride, within a pixel
    const Expr stride = output.dim(d).stride();
    output.dim(d).set_stride(stride / elements * elements);
  }
}

void gpu_tile_image(Halide::Stage stage, const Halide::Var& x, const Halide::Var& y,
                    const Halide::Var& c, const Halide::Var& n, Layout layout, int tile_x,
                    int tile_y) {
  Halide::Var xo("gpu_xo"), xi("gpu_xi"), yo("gpu_yo"), yi("gpu_yi"), plane("gpu_plane");
  stage.split(x, xo, xi, tile_x, Halide::TailStrategy::GuardWithIf)
      .split(y, yo, yi, tile_y, Halide::TailStrategy::GuardWithIf);
  if (layout == Layout::kPlanar) {
    stage.reorder(xi, yi, xo, yo, c, n).fuse(c, n, plane).gpu_blocks(xo, yo, plane);
  } else {
    stage.reorder(c, xi, yi, xo, yo, n).gpu_blocks(xo, yo, n);
  }
  stage.gpu_threads(xi, yi);
}

void gpu_tile_output(Halide::Func output, const Halide::Var& x, const Halide::Var& y,
                     const Halide::Var& c, const Halide::Var& n, Layout layout,
                     const Halide::Expr& channels, const Halide::Expr& fast_path) {
  const bool planar = layout == Layout::kPlanar;
  // The axis a block's threads run along: x, or a row's elements (pixel and channel fused).
  Halide::Var column = x;
  if (!planar) {
    column = Halide::Var("gpu_element");
    output.reorder(c, x, y, n).fuse(c, x, column);
  }
  const int tile_columns = gpu_tile_columns(layout), tile_rows = gpu_tile_rows(layout);
  Halide::Var co(kGpuTileBlock), ci("gpu_xi"), yo("gpu_yo"), yi("gpu_yi"), row("gpu_row");
  Halide::Var plane("gpu_plane");
  output.split(column, co, ci, tile_columns, Halide::TailStrategy::GuardWithIf)
      .split(y, yo, yi, tile_rows * kGpuRowsPerThread, Halide::TailStrategy::GuardWithIf)
      .split(yi, yi, row, kGpuRowsPerThread)
      .unroll(row);
  if (planar) {
    output.reorder(row, ci, yi, co, yo, c, n).fuse(c, n, plane).gpu_blocks(co, yo, plane);
  } else {
    output.reorder(row, ci, yi, co, yo, n).gpu_blocks(co, yo, n);
  }
  output.gpu_threads(ci, yi);
  if (!planar) {
    Halide::Stage rgb = output.specialize(channels == 3);
    if (fast_path.defined()) rgb.specialize(fast_path);
  }
  if (fast_path.defined()) output.specialize(fast_path);
}

int gpu_block_rows(Layout layout) {
  return gpu_tile_rows(layout) * kGpuRowsPerThread;
}

int gpu_band_rows() {
  // Upscaling reads about half as many input rows as a planar block's 32 output rows, plus the
  // taps; 40 also holds a band of equal sizes (36 rows).
  return 40;
}

void gpu_compute_band(Halide::Func band, Halide::Func output, const Halide::Var& x,
                      const Halide::Var& row, const Halide::Var& band_index) {
  const int columns = gpu_tile_columns(Layout::kPlanar), rows = gpu_tile_rows(Layout::kPlanar);
  // Fixed extents, the same for every block: Halide would otherwise size the shared memory by
  // looping over every block on the host (the last tiles are narrower).
  Halide::Var rows_outer("band_rows"), row_thread("band_row_thread");
  band.compute_at(output, Halide::Var(kGpuTileBlock))
      .bound_extent(x, columns)
      .bound_extent(band_index, 1)
      .split(row, rows_outer, row_thread, rows, Halide::TailStrategy::GuardWithIf)
      .reorder(x, row_thread, rows_outer)
      .gpu_threads(x, row_thread);
}

void gpu_compute_tables(const std::vector<Halide::Func>& tables, const Halide::Target& target) {
  for (Halide::Func table : tables) {
    if (!table.defined()) continue;
    table.compute_root();
    if (!target.has_feature(Halide::Target::CUDA)) continue;
    const std::vector<Halide::Var> args = table.args();
    Halide::Var outer("table_outer"), inner("table_inner");
    table.split(args[0], outer, inner, 64, Halide::TailStrategy::GuardWithIf);
    if (args.size() == 1) {
      table.gpu_blocks(outer);
    } else if (args.size() == 2) {
      table.gpu_blocks(outer, args[1]);
    } else {
      table.gpu_blocks(outer, args[1], args[2]);  // no table has more than three axes
    }
    table.gpu_threads(inner);
  }
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
  } else if (packed_channels(layout) != 0) {
    stage.reorder(c, x).unroll(c).specialize(width >= lanes).vectorize(x, lanes);
  } else {
    stage.reorder(c, x).specialize(geometry.channels() >= lanes).vectorize(c, lanes);
  }
}

void vectorize_packed_periods(Halide::Stage stage, const Halide::Var& x, const Halide::Var& c,
                              const Expr& width, int channels, int period, int lanes,
                              int max_vectors) {
  // Whole vectors of whole periods (aligned stores); where that takes more than max_vectors
  // vectors (periods of 9 elements: 3 RGB pixels), just whole periods, at least one vector.
  const int elements_per_period = period * channels;
  const int whole_vectors = std::lcm(lanes, elements_per_period);
  const int elements =
      whole_vectors <= max_vectors * lanes
          ? whole_vectors
          : (lanes + elements_per_period - 1) / elements_per_period * elements_per_period;
  Halide::Var periods("periods"), phase("phase"), outer("periods_outer"), inner("periods_inner");
  // The splits keep x % period == phase visible to the simplifier, so each phase's taps and
  // weights are constant lanes; RoundUp is exact because rows are whole periods.
  stage.specialize(width >= elements / channels)
      .split(x, periods, phase, period, Halide::TailStrategy::RoundUp)
      .split(periods, outer, inner, elements / elements_per_period)
      .reorder(c, phase, inner, outer)
      .vectorize(c)
      .vectorize(phase)
      .vectorize(inner);
}

}  // namespace upsample::schedules
