#include "resize_schedule.h"

#include <algorithm>
#include <numeric>

#include "common_schedule.h"

namespace upsample::schedules {

using Halide::Func;
using Halide::Var;

namespace {

// Phased variants with at least this many phases compute each phase at its own columns only
// (vectorize_phases). With 2, vectors of whole periods that compute both and select measured as
// fast or faster: float32 planar at 2x took 1.09-1.22x the time split (bench/RESULTS.md).
constexpr int kMinSplitPhases = 3;

// Output rows per parallel task of a streaming variant, at least. Each task ends by draining the
// write-combining buffers (SFENCE, and the runtime's locked bookkeeping), which short tasks pay
// often: uint8 planar 5/2 with 640-byte rows took 1.21x the ordinary variant's time in tasks of 8
// rows and 0.84x its own 8-row time in tasks of 32 (bench/RESULTS.md, "Streaming twins").
constexpr int kStreamingRowsPerTask = 32;

// Lanes of the stages that read a row with clamped (edge-replicated) columns; see below.
constexpr int kPaddedLanes = 16;

// Phased variants in element order: a vector of whole periods spans at most this many vectors of
// `lanes`, or else just enough whole periods for one (lcm(32, 9) = 288 float32 lanes, periods of
// 3 RGB pixels at 3x, took minutes per variant to compile).
constexpr int kMaxPeriodVectors = 3;

// The stage that computes the horizontal taps, and its specialization for constant taps (added
// before the stage is vectorized, as a specialization copies the schedule it is made from).
std::vector<Halide::Stage> with_constant_taps(Func func, const Halide::Expr& constant_taps) {
  if (!constant_taps.defined()) return {func};
  Halide::Stage constant = func.specialize(constant_taps);
  return {constant, func};
}

// Planar phased rows: output column k * j + p is phase p of period j. Each phase is computed
// only at its own columns, a dense vector over j (its taps and weights constants, as the split
// keeps x % k visible), and Halide merges the k strided stores of the unrolled phases into one
// dense store of interleaved vectors. Vectorizing whole periods instead computes every phase at
// every column and selects: k times the arithmetic.
// `tail`: ShiftInwards for the output; RoundUp for an intermediate Func, whose last vector then
// starts at a multiple of the vector (a shifted start is a `let` in the store's index, and Halide
// 14 merges the phases' stores only when each index is a plain ramp).
void vectorize_phases(Halide::Stage stage, const Halide::Var& x, const Halide::Expr& width,
                      int phases, int lanes, Halide::TailStrategy tail) {
  Var period("period"), phase("phase"), outer("period_outer"), inner("period_inner");
  // RoundUp is exact: phased rows are whole periods.
  stage.specialize(width >= phases * lanes)
      .split(x, period, phase, phases, Halide::TailStrategy::RoundUp)
      .split(period, outer, inner, lanes, tail)
      .reorder(inner, phase, outer)
      .vectorize(inner)
      .unroll(phase);
}

}  // namespace

void constrain_resize_buffers(const ResizeFuncs& f, Layout layout) {
  if (packed_channels(layout) == 0) {
    constrain_strides({f.input, f.output_param}, layout);
    return;
  }
  // A packed input is a row of elements with unit stride and a single "channel".
  constrain_strides({f.input}, Layout::kPlanar);
  f.input.dim(2).set_bounds(0, 1);
  constrain_strides({f.output_param}, layout);
}

void schedule_resize(ResizeFuncs& f, const Halide::Target& target, const ResizeTunables& tunables) {
  constrain_resize_buffers(f, tunables.layout);
  if (target.has_gpu_feature()) {
    // The tap tables first (gpu_compute_tables), then per block its band of input rows resized
    // along x (gpu_compute_band); every other stage is inlined into the output's threads.
    gpu_tile_output(f.output, f.x, f.y, f.c, f.n, tunables.layout, f.output_param.dim(2).extent(),
                    f.gpu_band_fits);
    gpu_compute_tables(f.tables, target);
    if (f.gpu_band.defined()) gpu_compute_band(f.gpu_band, f.output, f.x, f.band_row, f.band);
    return;
  }
  if (tunables.streaming) require_streaming_alignment(f.output_param, tunables.layout);
  const bool interpolating = f.taps > 1;
  // Interpolation: two vectors of its math per step, to hide latency.
  int lanes = tunables.vector_lanes > 0
                  ? tunables.vector_lanes
                  : target.natural_vector_size(f.math_type) * (interpolating ? 2 : 1);
  // Phased variants from kMinSplitPhases phases compute each phase on vectors of its own `lanes`
  // columns (vectorize_phases), except in element order. Other phased vectors span whole periods,
  // so that each phase sits at fixed lanes.
  const bool split_phases = f.phases >= kMinSplitPhases && !f.element_order;
  if (f.phases > 1 && !split_phases) lanes = std::lcm(lanes, f.phases);

  ImageGeometry geometry(f.input, f.output_param, tunables.layout);

  // The tap tables are tiny (one row per output row, column or phase): computed once per call.
  for (Func table : f.tables) {
    if (table.defined()) table.compute_root();
  }

  // Rows are split into tasks, and tasks (with channels and images) run in parallel.
  Var task("task");
  const int rows_per_task = tunables.streaming
                                ? std::max(tunables.rows_per_task, kStreamingRowsPerTask)
                                : tunables.rows_per_task;
  RowTasks rows = split_rows(f.output, f.x, f.y, f.c, f.n, task, tunables.layout, rows_per_task);

  // Tabled variants: each task's band of output rows reads a band of input rows, resized along x
  // once per task (`across`; planes of pixels for packed layouts).
  if (f.across.defined()) {
    f.across.compute_at(f.output, task);
    if (tunables.layout == Layout::kInterleaved) {
      f.across.reorder_storage(f.c, f.x, f.band_row, f.band, f.n);
    }
    // Packed layouts: with tap words (made one input row at a time, below), the band's rows in
    // order, a row's channels together. Without them x stays outside the rows (vectorize_rows
    // swaps c and x), so a vector of columns reads its taps once for the whole band: float32
    // RGB/RGBA linear measured 4-5% slower in row order.
    if (f.tap_words.defined() && packed_channels(tunables.layout) != 0) {
      f.across.reorder(f.x, f.c, f.band_row, f.band, f.n);
    }
    vectorize_rows(f.across, f.x, f.c, geometry, geometry.output_width(), lanes, tunables.layout);
  }
  // The tap words of one input row at a time, in a buffer of one row (a band of them would be
  // allocated per task, and past glibc's mmap threshold for float32 that cost page faults on
  // every call). Its reads are clamped, so rounding the row up to whole vectors is safe, and its
  // vectors are short, as the edge-padded row's below are.
  if (f.tap_words.defined()) {
    f.tap_words.compute_at(f.across, f.band_row);
    if (packed_channels(tunables.layout) != 0) f.tap_words.reorder(f.c, f.x).unroll(f.c);
    f.tap_words.vectorize(f.x, std::min(lanes, kPaddedLanes), Halide::TailStrategy::RoundUp);
  }

  // Row stages: one row of vertical results (and of its edge-padded copy) per output row, kept in
  // a per-task buffer folded to one row.
  for (Func stage : {f.vertical, f.padded}) {
    if (!stage.defined()) continue;
    stage.compute_at(f.output, rows.row).store_at(f.output, task);
    if (tunables.layout == Layout::kInterleaved) {
      stage.reorder_storage(f.c, f.x, f.y, f.n);
      vectorize_rows(stage, f.x, f.c, geometry, geometry.input_width(), lanes, tunables.layout);
    } else if (stage.name() == f.padded.name()) {
      // Its reads are clamped, so rounding the row up to whole vectors is safe. The vectors that
      // hold the clamped edge columns compile to gathers (Halide 14 does not see that a clamped
      // ramp is a dense load and a shuffle), so they are kept short: at most kPaddedLanes, not
      // the output's lanes (192 for 3-phase uint8 on AVX-512). bench/RESULTS.md has the numbers.
      // Packed rows: whole pixels per vector, so the clamp of x / C to the row is the identity
      // on the interior's vectors (dense copies), as it is for one channel.
      const int pixel = f.element_order ? packed_channels(tunables.layout) : 1;
      stage.vectorize(f.x, std::lcm(std::min(lanes, kPaddedLanes), pixel),
                      Halide::TailStrategy::RoundUp);
    } else {
      vectorize_rows(stage, f.x, f.c, geometry, geometry.input_width(), lanes, Layout::kPlanar);
    }
  }

  // The stage that interpolates along x (and its constant-tap specialization): each phase at its
  // own columns, or vectors of whole periods. `tail`: see vectorize_phases.
  auto vectorize_interpolation = [&](Func func, Layout layout, Halide::TailStrategy tail) {
    for (Halide::Stage stage : with_constant_taps(func, f.constant_taps)) {
      if (split_phases) {
        vectorize_phases(stage, f.x, geometry.output_width(), f.phases, lanes, tail);
      } else {
        vectorize_rows(stage, f.x, f.c, geometry, geometry.output_width(), lanes, layout);
      }
    }
  };

  // Phased variants in element order: whole phase periods of packed pixels per vector (the taps
  // are dense loads and shuffles; generators/resize_generator.cpp).
  const bool packed = packed_channels(tunables.layout) != 0;
  if (f.element_order) {
    for (Halide::Stage stage : with_constant_taps(f.output, f.constant_taps)) {
      vectorize_packed_periods(stage, f.x, f.c, geometry.output_width(),
                               packed_channels(tunables.layout), f.phases, lanes,
                               kMaxPeriodVectors);
    }
    return;
  }
  // Other packed variants resize planes of channels and interleave them when stored, so Halide
  // reads and writes the packed rows with dense vectors and shuffles. The planes are computed a
  // chunk of the row at a time (they stay in L1 whatever the width, their buffer has a fixed size,
  // on the stack, and the output's stores are spread over the row's compute instead of coming in
  // one burst) or, with chunk_width 0, a whole row at a time.
  if (packed && (interpolating || f.padded.defined())) {
    // By default, 256-pixel chunks for nearest and linear and whole rows for cubic, whose 4-tap
    // planes measured slower in chunks (bench/RESULTS.md).
    const int asked = tunables.chunk_width >= 0 ? tunables.chunk_width : f.taps > 2 ? 0 : 256;
    if (asked > 0) {
      // Whole blocks of vectors per chunk, so every chunk starts a phase period.
      const int block = split_phases ? f.phases * lanes : lanes;
      const int chunk_width = (std::max(asked, block) + block - 1) / block * block;
      Var chunk("chunk");
      f.output.split(f.x, chunk, f.x, chunk_width, Halide::TailStrategy::GuardWithIf);
      f.resized.compute_at(f.output, chunk).bound_storage(f.x, chunk_width);
    } else {
      f.resized.compute_at(f.output, rows.row);
    }
    vectorize_interpolation(f.resized, Layout::kPlanar, Halide::TailStrategy::RoundUp);
    vectorize_rows(f.output, f.x, f.c, geometry, geometry.output_width(), lanes, tunables.layout);
    return;
  }
  vectorize_interpolation(f.output, tunables.layout, Halide::TailStrategy::ShiftInwards);
}

}  // namespace upsample::schedules
