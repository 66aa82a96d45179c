// The convolution pipelines from which the runtime assembles conv2d, conv_transpose2d and both
// of their backward passes (see runtime/src/conv_common.h). The algorithms only:
// schedules/conv_schedule.cpp decides loops, vectors, threads and storage.
//
// Buffers are (x, y, c, n) = (W, H, C, N); weights are dense (o, i, tx, ty) with the output
// channel innermost, packed by the runtime from PyTorch's layout. Reads outside an input are zeros:
// each input is first copied into a zero-bordered buffer, so the inner loops need no tests.
#include "Halide.h"
#include "common/tunable_generator.h"
#include "conv_schedule.h"

namespace upsample::generators {
namespace {

using Halide::Expr;
using Halide::Func;

// out(x, y, o, n) = bias(o) + sum over i, tx, ty of
//     weights(o, i, tx, ty) * input(x * stride_x + tx * dilation_x + offset_x, (same along y), i,
//     n)
// A correlation with stride, dilation and an offset (minus PyTorch's padding; any sign). A
// transposed convolution is run as one of these per output phase, with stride 1 and the phase's
// own taps, so no zero is ever inserted into the input.
class Conv : public TunableGenerator<Conv> {
 public:
  GeneratorParam<schedules::Layout> layout{"layout", schedules::Layout::kPlanar,
                                           schedules::kLayoutNames};
  // The register tile (0: from the target): vectors of output channels by output pixels.
  GeneratorParam<int> channel_vectors{"channel_vectors", 0};
  GeneratorParam<int> pixels{"pixels", 0};

  Input<Buffer<float, 4>> input{"input"};
  Input<Buffer<float, 4>> weights{"weights"};  // (o, i, tx, ty), dense
  Input<Buffer<float, 1>> bias{"bias"};        // (o)
  Input<int> stride_x{"stride_x"}, stride_y{"stride_y"};
  Input<int> dilation_x{"dilation_x"}, dilation_y{"dilation_y"};
  Input<int> offset_x{"offset_x"}, offset_y{"offset_y"};
  Output<Buffer<float, 4>> output{"output"};

  void generate() {
    padded(x, y, c, n) = Halide::BoundaryConditions::constant_exterior(input, 0.0f)(x, y, c, n);
    Halide::RDom r(0, weights.dim(1).extent(), 0, weights.dim(2).extent(), 0,
                   weights.dim(3).extent(), "r");
    const Expr ix = x * stride_x + r.y * dilation_x + offset_x;
    const Expr iy = y * stride_y + r.z * dilation_y + offset_y;
    // Output channel first: the schedule keeps a tile of channels x pixels in registers.
    sum(c, x, y, n) = bias(c);
    sum(c, x, y, n) += weights(c, r.x, r.y, r.z) * padded(ix, iy, r.x, n);
    output(x, y, c, n) = sum(c, x, y, n);

    input.set_estimates({{0, 64}, {0, 64}, {0, 64}, {0, 1}});
    weights.set_estimates({{0, 64}, {0, 64}, {0, 2}, {0, 2}});
    bias.set_estimates({{0, 64}});
    output.set_estimates({{0, 64}, {0, 64}, {0, 64}, {0, 1}});
    for (Input<int>* param : {&stride_x, &stride_y, &dilation_x, &dilation_y}) {
      param->set_estimate(1);
    }
    offset_x.set_estimate(-1);
    offset_y.set_estimate(-1);
    schedules::ConvFuncs funcs{output, sum, padded, input, weights, bias, output, x, y, c, n, r};
    schedules::constrain_conv(funcs, layout);
    if (wants_autoscheduler()) return autoschedule({output});
    schedules::ConvTunables tunables;
    tunables.layout = layout;
    tunables.channel_vectors = tuned("channel_vectors", channel_vectors);
    tunables.pixels = tuned("pixels", pixels);
    schedules::schedule_conv(funcs, get_target(), tunables);
  }

 private:
  Halide::Var x{"x"}, y{"y"}, c{"c"}, n{"n"};
  Func padded{"padded"}, sum{"sum"};
};

// Conv for the x phases of a transposed convolution with stride kConvFusedPhases along x, all in
// one call: output column x = P * q + p is phase p's output q, a stride-1 correlation along x with
// the phase's own taps (tap_first_x[p] .. + tap_count_x[p] on the weights' tap axis, which holds
// every phase's taps in turn), dilation and offset; y is as in Conv. Computing the phases together
// lets a planar schedule store whole output rows, where one call per phase writes every P-th pixel.
class ConvPhases : public TunableGenerator<ConvPhases> {
 public:
  static constexpr int kPhases = schedules::kConvFusedPhases;
  // The register tile (0: from the target): output channels by vectors of pixels per phase.
  GeneratorParam<int> channels{"channels", 0};
  GeneratorParam<int> pixel_vectors{"pixel_vectors", 0};

  Input<Buffer<float, 4>> input{"input"};
  Input<Buffer<float, 4>> weights{"weights"};  // (o, i, t, ty), dense; t: every phase's x taps
  Input<Buffer<float, 1>> bias{"bias"};        // (o)
  Input<int> stride_y{"stride_y"}, dilation_y{"dilation_y"}, offset_y{"offset_y"};
  Input<int[kPhases]> tap_first_x{"tap_first_x"}, tap_count_x{"tap_count_x"};
  Input<int[kPhases]> dilation_x{"dilation_x"}, offset_x{"offset_x"};
  Output<Buffer<float, 4>> output{"output"};

  void generate() {
    padded(x, y, c, n) = Halide::BoundaryConditions::constant_exterior(input, 0.0f)(x, y, c, n);
    std::vector<Func> sums;
    std::vector<Halide::RDom> reductions;
    for (int p = 0; p < kPhases; p++) {
      const std::string suffix = std::to_string(p);
      Halide::RDom r(0, input.dim(2).extent(), 0, tap_count_x[p], 0, weights.dim(3).extent(),
                     "r" + suffix);
      const Expr ix = q + r.y * dilation_x[p] + offset_x[p];
      const Expr iy = y * stride_y + r.z * dilation_y + offset_y;
      Func sum("sum" + suffix);
      sum(c, q, y, n) = bias(c);
      sum(c, q, y, n) += weights(c, r.x, tap_first_x[p] + r.y, r.z) * padded(ix, iy, r.x, n);
      sums.push_back(sum);
      reductions.push_back(r);
    }
    Expr value = sums[kPhases - 1](c, x / kPhases, y, n);
    for (int p = kPhases - 2; p >= 0; p--) {
      value = Halide::select(x % kPhases == p, sums[size_t(p)](c, x / kPhases, y, n), value);
    }
    output(x, y, c, n) = value;

    input.set_estimates({{0, 64}, {0, 64}, {0, 64}, {0, 1}});
    weights.set_estimates({{0, 128}, {0, 64}, {0, 4}, {0, 2}});
    bias.set_estimates({{0, 128}});
    output.set_estimates({{0, 128}, {0, 64}, {0, 64}, {0, 1}});
    stride_y.set_estimate(1);
    dilation_y.set_estimate(1);
    offset_y.set_estimate(-1);
    for (int p = 0; p < kPhases; p++) {
      tap_first_x.set_estimate(size_t(p), 2 * p);
      tap_count_x.set_estimate(size_t(p), 2);
      dilation_x.set_estimate(size_t(p), 1);
      offset_x.set_estimate(size_t(p), -1);
    }
    schedules::ConvPhasesFuncs funcs{output, sums, reductions, padded, input, weights, bias,
                                     output, x,    y,          c,      n,     q};
    schedules::constrain_conv_phases(funcs);
    if (wants_autoscheduler()) return autoschedule({output});
    schedules::ConvPhasesTunables tunables;
    tunables.channels = tuned("channels", channels);
    tunables.pixel_vectors = tuned("pixel_vectors", pixel_vectors);
    schedules::schedule_conv_phases(funcs, get_target(), tunables);
  }

 private:
  Halide::Var x{"x"}, y{"y"}, c{"c"}, n{"n"}, q{"q"};
  Func padded{"padded"};
};

// The weight and bias gradients of Conv: with a = the gradient of Conv's output and b = Conv's
// input,
//   grad_weights(i, o, tx, ty) = sum over x, y, n of
//       a(x, y, o, n) * b(x * stride_x + tx * dilation_x + offset_x, (same along y), i, n)
// The same contraction is the weight gradient of a transposed convolution, with a = its input and
// b = the gradient of its output (the runtime swaps the roles).
class ConvWeightGrad : public TunableGenerator<ConvWeightGrad> {
 public:
  GeneratorParam<schedules::Layout> layout{"layout", schedules::Layout::kPlanar,
                                           schedules::kLayoutNames};
  // The register tile (0: from the target): vectors of input channels by output channels, and
  // the rows of a summed per block.
  GeneratorParam<int> channel_vectors{"channel_vectors", 0};
  GeneratorParam<int> outputs{"outputs", 0};
  GeneratorParam<int> block_rows{"block_rows", 4};

  Input<Buffer<float, 4>> a{"a"};  // (x, y, o, n)
  Input<Buffer<float, 4>> b{"b"};  // (x, y, i, n)
  Input<int> kernel_x{"kernel_x"}, kernel_y{"kernel_y"};
  Input<int> stride_x{"stride_x"}, stride_y{"stride_y"};
  Input<int> dilation_x{"dilation_x"}, dilation_y{"dilation_y"};
  Input<int> offset_x{"offset_x"}, offset_y{"offset_y"};
  Output<Buffer<float, 4>> grad_weights{"grad_weights"};  // (i, o, tx, ty)

  void generate() {
    // b with a zero border, channel innermost so a tile of input channels is one vector load.
    padded(c, x, y, n) = Halide::BoundaryConditions::constant_exterior(b, 0.0f)(x, y, c, n);
    Halide::RDom r(0, a.dim(0).extent(), 0, a.dim(1).extent(), 0, a.dim(3).extent(), "r");
    const Expr bx = r.x * stride_x + tx * dilation_x + offset_x;
    const Expr by = r.y * stride_y + ty * dilation_y + offset_y;
    sum(i, o, tx, ty) = 0.0f;
    // A tile may reach past the last output channel; it reads the last one again (and is not
    // stored).
    const Expr o_read = Halide::clamp(o, 0, a.dim(2).extent() - 1);
    sum(i, o, tx, ty) += a(r.x, r.y, o_read, r.z) * padded(i, bx, by, r.z);
    grad_weights(i, o, tx, ty) = sum(i, o, tx, ty);
    grad_weights.dim(2).set_extent(kernel_x);
    grad_weights.dim(3).set_extent(kernel_y);

    a.set_estimates({{0, 64}, {0, 64}, {0, 64}, {0, 1}});
    b.set_estimates({{0, 128}, {0, 128}, {0, 64}, {0, 1}});
    grad_weights.set_estimates({{0, 64}, {0, 64}, {0, 4}, {0, 4}});
    kernel_x.set_estimate(4);
    kernel_y.set_estimate(4);
    for (Input<int>* param : {&stride_x, &stride_y, &dilation_x, &dilation_y}) {
      param->set_estimate(1);
    }
    offset_x.set_estimate(-1);
    offset_y.set_estimate(-1);
    schedules::ConvWeightGradFuncs funcs{grad_weights, sum, padded, a, b, grad_weights, i, o,
                                         tx,           ty,  r};
    schedules::constrain_conv_weight_grad(funcs, layout);
    if (wants_autoscheduler()) return autoschedule({grad_weights});
    schedules::ConvWeightGradTunables tunables;
    tunables.layout = layout;
    tunables.channel_vectors = tuned("channel_vectors", channel_vectors);
    tunables.outputs = tuned("outputs", outputs);
    tunables.block_rows = tuned("block_rows", block_rows);
    schedules::schedule_conv_weight_grad(funcs, get_target(), tunables);
  }

 private:
  Halide::Var x{"x"}, y{"y"}, c{"c"}, n{"n"}, i{"i"}, o{"o"}, tx{"tx"}, ty{"ty"};
  Func padded{"padded"}, sum{"sum"};
};

// sums(c) = sum over x, y, n of input(x, y, c, n): the bias gradient of both convolutions.
class ChannelSum : public TunableGenerator<ChannelSum> {
 public:
  GeneratorParam<schedules::Layout> layout{"layout", schedules::Layout::kPlanar,
                                           schedules::kLayoutNames};

  Input<Buffer<float, 4>> input{"input"};
  Output<Buffer<float, 1>> sums{"sums"};

  void generate() {
    Halide::RDom r(0, input.dim(0).extent(), 0, input.dim(1).extent(), 0, input.dim(3).extent(),
                   "r");
    sum(c) = 0.0f;
    sum(c) += input(r.x, r.y, c, r.z);
    sums(c) = sum(c);

    input.set_estimates({{0, 128}, {0, 128}, {0, 64}, {0, 1}});
    sums.set_estimates({{0, 64}});
    schedules::ChannelSumFuncs funcs{sums, sum, input, x, c, r};
    schedules::constrain_channel_sum(funcs, layout);
    if (wants_autoscheduler()) return autoschedule({sums});
    schedules::schedule_channel_sum(funcs, get_target(), layout);
  }

 private:
  Halide::Var x{"x"}, c{"c"};
  Func sum{"sum"};
};

}  // namespace
}  // namespace upsample::generators

HALIDE_REGISTER_GENERATOR(upsample::generators::Conv, conv)
HALIDE_REGISTER_GENERATOR(upsample::generators::ConvPhases, conv_phases)
HALIDE_REGISTER_GENERATOR(upsample::generators::ConvWeightGrad, conv_weight_grad)
HALIDE_REGISTER_GENERATOR(upsample::generators::ChannelSum, channel_sum)
