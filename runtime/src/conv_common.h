// What conv2d and conv_transpose2d (and their backward passes) are built from: a correlation
// kernel run over channel groups and, for transposed convolutions, over output phases; a weight
// gradient kernel; channel sums. Each takes PyTorch-layout weights and packs them for the kernel.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <vector>

#include "upsample/status.h"
#include "upsample/tensor.h"

namespace upsample::internal {

// Which tap of the PyTorch weight kernel tap t reads along one axis: first + t * step.
struct TapMap {
  int count = 0;  // may be 0: a phase no tap reaches (its outputs are the bias)
  int first = 0;
  int step = 1;
};

// One axis of the correlation: out[x] reads in[x * stride + t * dilation + offset].
struct CorrelationAxis {
  int stride = 1;
  int dilation = 1;
  int64_t offset = 0;
};

// A sub-grid of the output along one axis and how it is computed: outputs first, first + step,
// ... (count of them) are a correlation of the input with the taps in `taps`.
struct AxisPhase {
  int64_t first = 0;
  int64_t count = 0;
  int64_t step = 1;
  TapMap taps;
  CorrelationAxis axis;
};

// One axis of conv2d: a single "phase" covering the output.
AxisPhase conv_axis(int64_t output_length, int kernel, int stride, int padding, int dilation);

// One axis of conv_transpose2d with an output of `output_length`: one phase per residue of
// (output index + padding) modulo stride; each reads only the taps that land on it, so no zero is
// ever inserted. Phases with no outputs are left out.
std::vector<AxisPhase> transposed_axis_phases(int64_t output_length, int kernel, int stride,
                                              int padding, int dilation);

// Which axis of the PyTorch weight tensor holds the correlation's output channels: kN for conv2d
// weights (C_out, C_in / g, ...) and kC for transposed ones (C_in, C_out / g, ...).
struct WeightRoles {
  int output_axis;
  int input_axis;
};
constexpr WeightRoles kConvWeightRoles{kN, kC};
constexpr WeightRoles kTransposedWeightRoles{kC, kN};

// output = bias + correlation of input with weight, per group and per (phase_y, phase_x): the
// outputs of each phase are written through a strided view of `output`. The two x phases of
// stride 2 on a planar CPU output run in one ConvPhases call per y phase instead.
Status run_correlation(const char* op, const TensorView& input, const TensorView& weight,
                       WeightRoles roles, const TensorView* bias, const TensorView& output,
                       int groups, const std::vector<AxisPhase>& phases_y,
                       const std::vector<AxisPhase>& phases_x);

// grad_weight[o][i][ky][kx] (o: a's channels, on the weight's N axis; i: one group of b's, on its C
// axis) = sum over pixels of a[o] * b[i] at the correlation's positions: the weight gradient of
// conv2d (a = grad of output, b = input) and of conv_transpose2d (a = input, b = grad of output),
// whose PyTorch weights both put a's channels first.
Status run_weight_grad(const char* op, const TensorView& a, const TensorView& b,
                       const TensorView& grad_weight, int groups, const CorrelationAxis& axis_y,
                       const CorrelationAxis& axis_x);

// grad_bias[c] = sum of grad_output over N, H, W.
Status run_channel_sums(const char* op, const TensorView& grad_output, const TensorView& grad_bias);

// Checks shared by both operators: float32 views, weight shape against channels and groups,
// bias shape, options ranges. `weight_out` / `weight_in` are the channel counts the weight's
// N and C axes must describe (C = count / groups).
Status check_conv_views(const char* op, const TensorView& input, const TensorView& weight,
                        const TensorView* bias, const TensorView& output, int64_t weight_n,
                        int64_t weight_c_times_groups, int groups);
Status check_float32(const char* op, const char* name, const TensorView& view);
// A gradient output: a float32 view with the shape and layout of `like`, sharing no memory with
// the operator's inputs.
Status check_gradient(const char* op, const char* name, const TensorView& grad,
                      const TensorView& like, std::initializer_list<const TensorView*> inputs);
// The gradient outputs of a backward pass (each may be nullptr): grad_input like the input (and in
// its layout), grad_weight like the weight, grad_bias (1, C_out, 1, 1) for grad_output's C_out.
Status check_gradients(const char* op, const TensorView& input, const TensorView& weight,
                       const TensorView& grad_output, const TensorView* grad_input,
                       const TensorView* grad_weight, const TensorView* grad_bias);
Status check_conv_axis_options(const char* op, const char* axis, int stride, int padding,
                               int dilation);

}  // namespace upsample::internal
