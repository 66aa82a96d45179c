// Scheduling pieces shared by the per-operator schedules of image-shaped (x, y, c, n) pipelines.
#pragma once

#include <vector>

#include "Halide.h"
#include "layout.h"

namespace upsample::schedules {

// Output rows per GPU thread of the copy and interpolation kernels (resize, unpool, shuffle).
constexpr int kGpuRowsPerThread = 4;

// GPU: one thread per pixel of a tile_x x tile_y tile; blocks over the tiles and the fused (c, n)
// planes (planar), or over the tiles and n, each thread looping over its pixel's channels
// (interleaved). Works for a Func's pure definition and for update stages (reduction loops stay
// inside the thread).
void gpu_tile_image(Halide::Stage stage, const Halide::Var& x, const Halide::Var& y,
                    const Halide::Var& c, const Halide::Var& n, Layout layout, int tile_x = 16,
                    int tile_y = 8);

// GPU: the copy and interpolation kernels (resize, unpool, pixel shuffle). Each thread computes
// kGpuRowsPerThread consecutive rows of its column (unrolled, so that its index arithmetic and its
// column's table reads serve them all). Planar outputs: blocks of 16x8 threads over x and y, and
// over the fused (c, n) planes. Interleaved outputs: blocks of 64x2 threads over the elements of a
// row (pixel and channel fused) and y, so that a warp's loads and stores are contiguous (a thread
// per pixel, looping over its channels, stores them a pixel apart across the warp), and over n;
// with a kernel for 3 channels, in which the split of an element into pixel and channel divides by
// a constant. Given `fast_path`, each of those kernels has a twin specialized on it (unpool and
// pixel shuffle: factor 2 along both axes, whose divisions are shifts, where a GPU has no integer
// divider; resize: a band of rows that fits in shared memory, gpu_compute_band).
void gpu_tile_output(Halide::Func output, const Halide::Var& x, const Halide::Var& y,
                     const Halide::Var& c, const Halide::Var& n, Layout layout,
                     const Halide::Expr& channels, const Halide::Expr& fast_path = Halide::Expr());

// GPU resize: the output rows of one gpu_tile_output block, and the most input rows a planar
// block's band (gpu_compute_band) may hold.
int gpu_block_rows(Layout layout);
int gpu_band_rows();

// GPU resize, planar: `band` (x, row, band, c, n), the input rows one block of gpu_tile_output
// reads, resized along x, computed by the block's threads into shared memory before its outputs.
void gpu_compute_band(Halide::Func band, Halide::Func output, const Halide::Var& x,
                      const Halide::Var& row, const Halide::Var& band_index);

// GPU: the small tables a kernel reads (taps or source columns per output row or column), each
// computed before the kernel. On CUDA in a kernel of its own, one thread per entry: on the host
// each table was computed serially and copied to the device at every call. (Computed per block
// instead, into shared memory, they made bilinear and bicubic 3-8x slower on an H100: each block
// recomputed its entries in float64; bench/RESULTS.md, "GPU".) OpenCL keeps them on the host:
// the weights are computed in float64, which OpenCL devices need not have.
void gpu_compute_tables(const std::vector<Halide::Func>& tables, const Halide::Target& target);

// Planar buffers need unit stride in x (Halide's default); interleaved ones unit stride in c with
// any x stride (so crops and channel subsets of NHWC images work too); packed ones exactly 3 or 4
// dense channels. Every buffer starts at 0, as the runtime's views do.
void constrain_strides(const std::vector<Halide::OutputImageParam>& buffers, Layout layout);

// The input and output buffers of a pipeline, and the facts about them a schedule relies on.
class ImageGeometry {
 public:
  ImageGeometry(Halide::OutputImageParam input, Halide::OutputImageParam output, Layout layout)
      : input_(std::move(input)), output_(std::move(output)), layout_(layout) {}

  void constrain_strides() const { schedules::constrain_strides({input_, output_}, layout_); }

  Halide::Expr input_width() const { return input_.dim(0).extent(); }
  Halide::Expr output_width() const { return output_.dim(0).extent(); }
  Halide::Expr channels() const { return output_.dim(2).extent(); }

 private:
  Halide::OutputImageParam input_, output_;
  Layout layout_;
};

// Streaming variants (generators/streaming_stores.cpp turns their stores into the output into
// non-temporal ones): the output's base address and its row and image strides (and plane stride,
// planar) are whole multiples of kStreamingAlignment bytes, so each row's vectors start aligned and
// LLVM emits aligned MOVNT stores for them (unaligned ones it would split into 8-byte MOVNTI). The
// runtime calls a streaming variant only for outputs that satisfy this (runtime/src/streaming.cpp).
void require_streaming_alignment(Halide::OutputImageParam output, Layout layout);

struct RowTasks {
  Halide::Var row;  // the loop over output rows inside a task
};

// Splits the rows of `output` into parallel tasks of `rows_per_task` rows; the channel loop is
// outside the rows for planar layouts and inside them for interleaved ones.
RowTasks split_rows(Halide::Func output, const Halide::Var& x, const Halide::Var& y,
                    const Halide::Var& c, const Halide::Var& n, const Halide::Var& task,
                    Layout layout, int rows_per_task);

// Vectorizes a row-at-a-time stage over x (planar; packed pixels with c unrolled) or over c
// (interleaved, when there are enough channels), with a scalar fallback for narrow rows.
void vectorize_rows(Halide::Stage stage, const Halide::Var& x, const Halide::Var& c,
                    const ImageGeometry& geometry, const Halide::Expr& width, int lanes,
                    Layout layout);

// Packed pixels whose source columns repeat every `period` output pixels (phased resizes,
// unpooling by a small whole factor): each vector holds whole periods in memory order (a pixel's
// channels, then the pixels of a period, then periods), at least `lanes` elements, so Halide
// reads a period's sources with dense loads and shuffles and stores dense vectors, with no
// per-channel planes in between. A vector is a whole number of `lanes`-element vectors too (so
// stores stay aligned) unless that takes more than `max_vectors` of them. `width` (output pixels)
// must be a whole number of periods; rows narrower than one vector run the stage's scalar loop.
void vectorize_packed_periods(Halide::Stage stage, const Halide::Var& x, const Halide::Var& c,
                              const Halide::Expr& width, int channels, int period, int lanes,
                              int max_vectors);

}  // namespace upsample::schedules
