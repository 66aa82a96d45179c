#include "conv_schedule.h"

#include <algorithm>

#include "common_schedule.h"

namespace upsample::schedules {

using Halide::TailStrategy;
using Halide::Var;

namespace {

bool has_32_vector_registers(const Halide::Target& target) {
  return target.has_feature(Halide::Target::AVX512) ||
         (target.arch == Halide::Target::ARM && target.bits == 64);
}

// Copies an input into its zero-bordered buffer once per image of the batch, in its own memory
// order, one row per task.
void schedule_padded(Halide::Func padded, const Var& x, const Var& y, const Var& c, const Var& n,
                     Halide::Func consumer, const Var& consumer_n, int lanes, Layout layout) {
  padded.compute_at(consumer, consumer_n);
  if (layout == Layout::kPlanar) {
    padded.reorder(x, y, c).parallel(c).vectorize(x, lanes, TailStrategy::GuardWithIf);
  } else {
    padded.reorder_storage(c, x, y, n)
        .reorder(c, x, y)
        .parallel(y)
        .vectorize(c, lanes, TailStrategy::GuardWithIf);
  }
}

}  // namespace

void constrain_conv(const ConvFuncs& f, Layout layout) {
  constrain_strides({f.input, f.output_param}, layout);
  // Packed weights: output channels dense and padded to whole blocks by the runtime.
  f.weights.dim(0).set_min(0).set_stride(1);
  f.weights.dim(0).set_extent((f.weights.dim(0).extent() / kConvChannelTile) * kConvChannelTile);
  f.bias.dim(0).set_bounds(0, f.weights.dim(0).extent());
  // Each phase of a transposed convolution writes every stride-th column of a planar output.
  if (layout == Layout::kPlanar) f.output_param.dim(0).set_stride(Halide::Expr());
}

void constrain_conv_phases(const ConvPhasesFuncs& f) {
  constrain_strides({f.input, f.output_param}, Layout::kPlanar);
  f.weights.dim(0).set_min(0).set_stride(1);
  f.weights.dim(0).set_extent((f.weights.dim(0).extent() / kConvChannelTile) * kConvChannelTile);
  f.bias.dim(0).set_bounds(0, f.weights.dim(0).extent());
  // Whole periods: column x is phase x % P's output x / P.
  const int periods = kConvFusedPhases;
  f.output_param.dim(0).set_extent((f.output_param.dim(0).extent() / periods) * periods);
}

void constrain_conv_weight_grad(const ConvWeightGradFuncs& f, Layout layout) {
  constrain_strides({f.a}, layout);
  constrain_strides({f.b}, layout);
  // The runtime's scratch: dense, input channels padded to whole blocks.
  f.grad_weights_param.dim(0).set_min(0).set_stride(1);
  f.grad_weights_param.dim(0).set_extent((f.grad_weights_param.dim(0).extent() / kConvChannelTile) *
                                         kConvChannelTile);
  for (int d = 1; d < 4; d++) f.grad_weights_param.dim(d).set_min(0);
}

void constrain_channel_sum(const ChannelSumFuncs& f, Layout layout) {
  constrain_strides({f.input}, layout);
}

void schedule_conv(ConvFuncs& f, const Halide::Target& target, const ConvTunables& tunables) {
  const int lanes = target.natural_vector_size<float>();
  const bool wide = has_32_vector_registers(target);
  const int channel_vectors =
      tunables.channel_vectors > 0 ? tunables.channel_vectors : (wide ? 4 : 3);
  const int pixels = tunables.pixels > 0 ? tunables.pixels : (wide ? 5 : 4);
  const int channels_per_tile = lanes * channel_vectors;
  // The last tile reads up to a tile past the output channels; the runtime pads one block.
  _halide_user_assert(channels_per_tile <= kConvChannelTile)
      << "conv: channel_vectors=" << channel_vectors << " makes a tile of " << channels_per_tile
      << " channels, more than the " << kConvChannelTile << " the runtime pads for";
  if (target.has_gpu_feature()) {
    // One thread per output value, its reduction over (input channel, tap) serial; the
    // zero-bordered input is inlined.
    gpu_tile_image(f.output, f.x, f.y, f.c, f.n, tunables.layout);
    f.sum.compute_at(f.output, Var("gpu_xi"));
    return;
  }

  // Rows and channel tiles of one image are the parallel tasks. Tails are guarded (outputs may
  // be a few pixels wide, and channel counts anything), which loop partitioning confines to the
  // last tile.
  Var co("co"), ci("ci"), xo("xo"), xi("xi"), task("task");
  f.output.split(f.c, co, ci, channels_per_tile, TailStrategy::GuardWithIf);
  Halide::Func tiled_stage = f.output;  // the Func whose loops hold the register tiles
  if (tunables.layout == Layout::kPlanar) {
    // Planar outputs: a row of the channel tile is staged in a small x-innermost buffer, so each
    // tile's channel vectors go to L1, and the output rows are stored as dense vectors.
    // Unit-stride rows are stored as vectors, the others (phases of a transposed convolution)
    // element by element.
    f.output.reorder(f.x, ci, f.y, co, f.n).fuse(f.y, co, task).parallel(task);
    f.output.specialize(f.output_param.dim(0).stride() == 1)
        .vectorize(f.x, lanes, TailStrategy::GuardWithIf);
    tiled_stage = f.sum.in(f.output);
    tiled_stage.compute_at(f.output, task)
        .bound_extent(f.c, channels_per_tile)
        .reorder_storage(f.x, f.c, f.y, f.n)
        .split(f.x, xo, xi, pixels, TailStrategy::RoundUp)
        .reorder(f.c, xi, xo)
        .vectorize(f.c, lanes)
        .unroll(f.c)
        .unroll(xi);
  } else {
    // Channel-innermost outputs take the tile's vectors directly.
    f.output.split(f.x, xo, xi, pixels, TailStrategy::GuardWithIf)
        .reorder(ci, xi, xo, f.y, co, f.n)
        .vectorize(ci, lanes)
        .unroll(ci)
        .unroll(xi)
        .fuse(f.y, co, task)
        .parallel(task);
  }

  // The accumulators: whole tiles even at the edges, so the tile has constant indices and stays
  // in registers for the whole reduction.
  f.sum.compute_at(tiled_stage, xo)
      .bound_extent(f.c, channels_per_tile)
      .bound_extent(f.x, pixels)
      .vectorize(f.c, lanes)
      .unroll(f.c)
      .unroll(f.x);
  f.sum.update()
      .reorder(f.c, f.x, f.r.x, f.r.y, f.r.z, f.y, f.n)
      .vectorize(f.c, lanes)
      .unroll(f.c)
      .unroll(f.x);

  schedule_padded(f.padded, f.x, f.y, f.c, f.n, f.output, f.n, lanes, tunables.layout);
}

void schedule_conv_phases(ConvPhasesFuncs& f, const Halide::Target& target,
                          const ConvPhasesTunables& tunables) {
  const int phases = kConvFusedPhases;
  const int lanes = target.natural_vector_size<float>();
  _halide_user_assert(!target.has_gpu_feature())
      << "conv_phases has no GPU schedule: a GPU runs one conv call per phase";
  // AVX-512: 16 channels by one vector (16 accumulators, one input load per 16 FMAs measured
  // fastest); NEON on AArch64 8 by 2; 16-register targets 4 by 3.
  const bool avx512 = target.has_feature(Halide::Target::AVX512);
  const bool wide = has_32_vector_registers(target);
  const int channels = tunables.channels > 0 ? tunables.channels : (avx512 ? 16 : wide ? 8 : 4);
  const int pixel_vectors = tunables.pixel_vectors > 0 ? tunables.pixel_vectors
                                                       : (avx512 ? 1
                                                          : wide ? 2
                                                                 : 3);
  // The last channel tile reads up to a tile past the output channels; the runtime pads a block.
  _halide_user_assert(channels <= kConvChannelTile)
      << "conv_phases: channels=" << channels << " is more than the " << kConvChannelTile
      << " the runtime pads for";
  const int tile = lanes * pixel_vectors;  // each phase's outputs per tile

  // Output columns x = phases * xq + xp. Rows of channel tiles are the parallel tasks; in a tile,
  // each phase's vectors are stored together, which Halide turns into dense stores of
  // interleaved vectors.
  Var xq("xq"), xp("xp"), xqo("xqo"), xqi("xqi"), xqv("xqv"), xql("xql");
  Var co("co"), ci("ci"), task("task");
  f.output
      .split(f.x, xq, xp, phases, TailStrategy::RoundUp)  // exact: whole periods
      .split(f.c, co, ci, channels, TailStrategy::GuardWithIf);
  // Rows of at least a tile: the last tile shifts inward (recomputing a few outputs), so every
  // tile is whole. Narrower rows guard their one partial tile.
  for (const bool wide_rows : {true, false}) {
    Halide::Stage stage = wide_rows
                              ? f.output.specialize(f.output_param.dim(0).extent() >= phases * tile)
                              : Halide::Stage(f.output);
    stage
        .split(xq, xqo, xqi, tile,
               wide_rows ? TailStrategy::ShiftInwards : TailStrategy::GuardWithIf)
        .split(xqi, xqv, xql, lanes)
        .reorder(xql, xp, xqv, ci, xqo, f.y, co, f.n)
        .vectorize(xql)
        .unroll(xp)
        .unroll(xqv)
        .unroll(ci)
        .fuse(f.y, co, task)
        .parallel(task);
  }
  // Each phase's accumulators: a whole tile with constant indices, in registers for the whole
  // reduction, pixels innermost so that they are stored as the output's vectors.
  for (size_t p = 0; p < f.sums.size(); p++) {
    const Halide::RDom& r = f.reductions[p];
    f.sums[p]
        .compute_at(f.output, xqo)
        .bound_extent(f.c, channels)
        .bound_extent(f.q, tile)
        .reorder_storage(f.q, f.c)
        .reorder(f.q, f.c)
        .vectorize(f.q, lanes)
        .unroll(f.q)
        .unroll(f.c);
    f.sums[p]
        .update()
        .reorder(f.q, f.c, r.x, r.y, r.z, f.y, f.n)
        .vectorize(f.q, lanes)
        .unroll(f.q)
        .unroll(f.c);
  }
  schedule_padded(f.padded, f.x, f.y, f.c, f.n, f.output, f.n, lanes, Layout::kPlanar);
}

void schedule_conv_weight_grad(ConvWeightGradFuncs& f, const Halide::Target& target,
                               const ConvWeightGradTunables& tunables) {
  const int lanes = target.natural_vector_size<float>();
  const bool wide = has_32_vector_registers(target);
  const int channel_vectors =
      tunables.channel_vectors > 0 ? tunables.channel_vectors : (wide ? 4 : 3);
  const int outputs = tunables.outputs > 0 ? tunables.outputs : (wide ? 5 : 4);
  const int rows_per_block = std::max(1, tunables.block_rows);
  if (target.has_gpu_feature()) {
    // One thread per weight (input channel x output channel, per tap), its reduction over every
    // pixel of the batch serial.
    Var io("io"), ii("ii"), oo("oo"), oi("oi");
    f.grad_weights.split(f.i, io, ii, 16, TailStrategy::GuardWithIf)
        .split(f.o, oo, oi, 8, TailStrategy::GuardWithIf)
        .reorder(ii, oi, io, oo, f.tx, f.ty)
        .gpu_blocks(io, oo, f.tx)
        .gpu_threads(ii, oi);
    f.sum.compute_at(f.grad_weights, ii);
    return;
  }

  // The reduction is blocked by a few rows of a at a time: for each block, every (tap, input
  // channel tile) task runs over all output channel tiles, each tile's sums kept in registers over
  // the block, and adds them to the totals. The rows of b a block reads stay in cache for all the
  // tasks, where a whole-image reduction per task would stream b from memory once per task; tasks
  // hold whole channel loops so that they stay large for narrow images.
  Var io("io"), ii("ii"), oo("oo"), oi("oi"), task("task"), block("block"), image("image");
  Halide::RVar row_block("row_block"), row_in_block("row_in_block");
  f.sum.update().split(f.r.y, row_block, row_in_block, rows_per_block, TailStrategy::GuardWithIf);
  Halide::Func block_sums = f.sum.update().rfactor({{row_block, block}, {f.r.z, image}});
  f.grad_weights.vectorize(f.i, lanes);
  f.sum.compute_root().vectorize(f.i, lanes);
  f.sum.update()
      .split(f.i, io, ii, lanes * channel_vectors)
      .split(f.o, oo, oi, outputs, TailStrategy::GuardWithIf)
      .reorder(ii, oi, oo, io, f.tx, f.ty, row_block, f.r.z)
      .vectorize(ii, lanes)
      .unroll(ii)
      .unroll(oi)
      .fuse(io, f.tx, task)
      .fuse(task, f.ty, task)
      .parallel(task);
  block_sums.compute_at(f.sum, oo)
      .bound_extent(f.i, lanes * channel_vectors)
      .bound_extent(f.o, outputs)
      .vectorize(f.i, lanes)
      .unroll(f.i)
      .unroll(f.o);
  block_sums.update()
      .reorder(f.i, f.o, f.r.x, row_in_block)
      .vectorize(f.i, lanes)
      .unroll(f.i)
      .unroll(f.o);

  // b, zero-bordered and channel innermost, once for the whole batch.
  const std::vector<Var> args = f.padded.args();  // (c, x, y, n)
  f.padded.compute_root()
      .fuse(args[2], args[3], task)
      .parallel(task)
      .vectorize(args[0], lanes, TailStrategy::GuardWithIf);
}

void schedule_channel_sum(ChannelSumFuncs& f, const Halide::Target& target, Layout layout) {
  const int lanes = target.natural_vector_size<float>();
  if (target.has_gpu_feature()) {
    Var co("co"), ci("ci");
    f.sums.split(f.c, co, ci, 64, TailStrategy::GuardWithIf).gpu_blocks(co).gpu_threads(ci);
    f.sum.compute_at(f.sums, ci);
    return;
  }
  f.sum.compute_at(f.sums, Halide::Var::outermost());
  if (layout == Layout::kPlanar) {
    // Each channel's plane is summed in vector lanes (rfactor), then the lanes are added.
    Var lane("lane");
    Halide::RVar rxo("rxo"), rxi("rxi");
    f.sum.update().split(f.r.x, rxo, rxi, lanes, TailStrategy::GuardWithIf);
    Halide::Func lane_sums = f.sum.update().rfactor(rxi, lane);
    lane_sums.compute_at(f.sum, f.c).vectorize(lane);
    lane_sums.update().vectorize(lane);
    f.sum.update().parallel(f.c);
  } else {
    f.sum.vectorize(f.c, lanes, TailStrategy::GuardWithIf);
    f.sum.update().vectorize(f.c, lanes, TailStrategy::GuardWithIf);
  }
  (void)f.x;
}

}  // namespace upsample::schedules
