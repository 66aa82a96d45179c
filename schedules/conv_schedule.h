// How the convolution pipelines are computed. The algorithms are in generators/conv_generator.cpp.
#pragma once

#include <vector>

#include "Halide.h"
#include "conv_packing.h"
#include "layout.h"

namespace upsample::schedules {

// A register tile of `channel_vectors` vectors of output channels by `pixels` output pixels: each
// step of the reduction loads that many weight vectors and broadcasts that many input values.
struct ConvTunables {
  Layout layout = Layout::kPlanar;
  int channel_vectors = 0;  // 0: from the target (4 where there are 32 vector registers)
  int pixels = 0;           // 0: from the target
};

struct ConvFuncs {
  Halide::Func output;
  Halide::Func sum;     // (c, x, y, n): the accumulator tile
  Halide::Func padded;  // the input with a zero border
  Halide::OutputImageParam input, weights, bias, output_param;
  Halide::Var x, y, c, n;
  Halide::RDom r;  // (input channel, tx, ty)
};

// ConvPhases' register tile: `channels` output channels by `pixel_vectors` vectors of each phase's
// outputs; each step of a phase's reduction loads that many input vectors and broadcasts that
// many weights.
struct ConvPhasesTunables {
  int channels = 0;       // 0: from the target
  int pixel_vectors = 0;  // 0: from the target
};

struct ConvPhasesFuncs {
  Halide::Func output;
  std::vector<Halide::Func> sums;        // per phase, (c, q, y, n): phase p's output q
  std::vector<Halide::RDom> reductions;  // per phase, (input channel, tx, ty)
  Halide::Func padded;                   // the input with a zero border
  Halide::OutputImageParam input, weights, bias, output_param;
  Halide::Var x, y, c, n, q;
};

// The weight gradient's tile: `channel_vectors` vectors of input channels by `outputs` output
// channels in registers, summed over blocks of `block_rows` rows of a (0: from the target).
struct ConvWeightGradTunables {
  Layout layout = Layout::kPlanar;
  int channel_vectors = 0;
  int outputs = 0;
  int block_rows = 4;
};

struct ConvWeightGradFuncs {
  Halide::Func grad_weights;
  Halide::Func sum;     // (i, o, tx, ty)
  Halide::Func padded;  // b with a zero border, (c, x, y, n)
  Halide::OutputImageParam a, b, grad_weights_param;
  Halide::Var i, o, tx, ty;
  Halide::RDom r;  // (x, y, n) of a
};

struct ChannelSumFuncs {
  Halide::Func sums;
  Halide::Func sum;
  Halide::OutputImageParam input;
  Halide::Var x, c;
  Halide::RDom r;  // (x, y, n)
};

// The buffer contracts the runtime relies on (strides, packed and padded operands). Generators
// apply them whoever schedules the pipeline: the hand schedules below or an autoscheduler.
void constrain_conv(const ConvFuncs& funcs, Layout layout);
// Planar only; the output holds whole periods of kConvFusedPhases columns.
void constrain_conv_phases(const ConvPhasesFuncs& funcs);
void constrain_conv_weight_grad(const ConvWeightGradFuncs& funcs, Layout layout);
void constrain_channel_sum(const ChannelSumFuncs& funcs, Layout layout);

void schedule_conv(ConvFuncs& funcs, const Halide::Target& target, const ConvTunables& tunables);
void schedule_conv_phases(ConvPhasesFuncs& funcs, const Halide::Target& target,
                          const ConvPhasesTunables& tunables);
void schedule_conv_weight_grad(ConvWeightGradFuncs& funcs, const Halide::Target& target,
                               const ConvWeightGradTunables& tunables);
void schedule_channel_sum(ChannelSumFuncs& funcs, const Halide::Target& target, Layout layout);

}  // namespace upsample::schedules
