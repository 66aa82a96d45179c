#include "conv_common.h"
#include "device.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "halide_bridge.h"
#include "kernels.h"
#include "schedules/conv_packing.h"
#include "validation.h"

namespace upsample::internal {
namespace {

// a / b rounded toward minus infinity, for b > 0.
int64_t floor_div(int64_t a, int64_t b) {
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}

float weight_at(const TensorView& weight, int64_t n, int64_t c, int64_t h, int64_t w) {
  return static_cast<const float*>(weight.data)[n * weight.strides[kN] + c * weight.strides[kC] +
                                                h * weight.strides[kH] + w * weight.strides[kW]];
}

// Channels [first, first + count) of a view.
TensorView channel_slice(const TensorView& view, int64_t first, int64_t count) {
  TensorView slice = offset_view(view, first * view.strides[kC]);
  slice.shape[kC] = count;
  return slice;
}

// The outputs of one phase along `axis` (kH or kW) of a view.
TensorView phase_slice(const TensorView& view, int axis, const AxisPhase& phase) {
  TensorView slice = offset_view(view, phase.first * view.strides[axis]);
  slice.shape[axis] = phase.count;
  slice.strides[axis] = view.strides[axis] * phase.step;
  return slice;
}

}  // namespace

AxisPhase conv_axis(int64_t output_length, int kernel, int stride, int padding, int dilation) {
  AxisPhase phase;
  phase.count = output_length;
  phase.taps = TapMap{kernel, 0, 1};
  phase.axis = CorrelationAxis{stride, dilation, -int64_t(padding)};
  return phase;
}

std::vector<AxisPhase> transposed_axis_phases(int64_t output_length, int kernel, int stride,
                                              int padding, int dilation) {
  // Output o sits at u = o + padding of the uncropped output; input i reaches u = i * stride +
  // k * dilation through tap k. Outputs with u = q * stride + r read, for each tap k with
  // k * dilation = r (mod stride), input q - (k * dilation - r) / stride.
  std::vector<AxisPhase> phases;
  for (int r = 0; r < stride; r++) {
    const int64_t q_min = std::max<int64_t>(0, -floor_div(r - int64_t(padding), stride));
    const int64_t q_max = floor_div(output_length - 1 + padding - r, stride);
    if (q_max < q_min) continue;
    std::vector<int> taps;
    for (int k = 0; k < kernel; k++) {
      if ((int64_t(k) * dilation - r) % stride == 0) taps.push_back(k);
    }
    AxisPhase phase;
    phase.first = q_min * stride + r - padding;
    phase.count = q_max - q_min + 1;
    phase.step = stride;
    if (!taps.empty()) {
      // Kernel tap t is PyTorch tap taps[T - 1 - t], so the correlation reads inputs in
      // increasing order: q - e(taps[T - 1]) + t * (input step between taps).
      const int count = int(taps.size());
      const int tap_step = count > 1 ? taps[1] - taps[0] : 1;
      const int64_t last_shift = (int64_t(taps.back()) * dilation - r) / stride;
      phase.taps = TapMap{count, taps.back(), -tap_step};
      phase.axis =
          CorrelationAxis{1, int(int64_t(tap_step) * dilation / stride), q_min - last_shift};
    }
    phases.push_back(phase);
  }
  return phases;
}

namespace {

// Packs one group's weights for one y phase and one or more x phases as the correlation pipelines
// read them: (o, i, t, ty), output channels innermost and padded to `out_padded`, the x phases'
// taps in turn along t. A phase without taps reads one zero weight; returns t's extent.
int pack_weights(const TensorView& weight, WeightRoles roles, int64_t group, int64_t in_per_group,
                 int64_t out_per_group, int64_t out_padded, const AxisPhase& py,
                 const std::vector<const AxisPhase*>& pxs, std::vector<float>* packed) {
  int taps_x = 0;
  for (const AxisPhase* px : pxs) taps_x += px->taps.count;
  taps_x = std::max(taps_x, 1);
  const int taps_y = std::max(py.taps.count, 1);
  packed->assign(size_t(out_padded * in_per_group * taps_x * taps_y), 0.0f);
  int first_tap = 0;
  for (const AxisPhase* px : pxs) {
    for (int ty = 0; ty < py.taps.count; ty++) {
      const int ky = py.taps.first + ty * py.taps.step;
      for (int tx = 0; tx < px->taps.count; tx++) {
        const int kx = px->taps.first + tx * px->taps.step;
        for (int64_t i = 0; i < in_per_group; i++) {
          float* row = &(*packed)[size_t(
              ((int64_t(ty) * taps_x + first_tap + tx) * in_per_group + i) * out_padded)];
          for (int64_t o = 0; o < out_per_group; o++) {
            int64_t index[4] = {0, 0, ky, kx};
            index[roles.output_axis] = roles.output_axis == kN ? group * out_per_group + o : o;
            index[roles.input_axis] = roles.input_axis == kN ? group * in_per_group + i : i;
            row[o] = weight_at(weight, index[0], index[1], index[2], index[3]);
          }
        }
      }
    }
    first_tap += px->taps.count;
  }
  return taps_x;
}

// The correlation axis a phase runs; a phase without taps, any (its outputs are the bias).
CorrelationAxis phase_axis(const AxisPhase& phase) {
  return phase.taps.count > 0 ? phase.axis : CorrelationAxis{1, 1, 0};
}

// The phases of `phases_x` by their first output column when they are the two phases of stride 2
// that ConvPhases computes in one call; empty otherwise.
std::vector<const AxisPhase*> fused_x_phases(const std::vector<AxisPhase>& phases_x) {
  constexpr int kPhases = schedules::kConvFusedPhases;
  if (phases_x.size() != size_t(kPhases)) return {};
  std::vector<const AxisPhase*> by_column(size_t(kPhases), nullptr);
  for (const AxisPhase& phase : phases_x) {
    if (phase.step != kPhases || phase.first < 0 || phase.first >= kPhases) return {};
    by_column[size_t(phase.first)] = &phase;
  }
  for (const AxisPhase* phase : by_column) {
    if (phase == nullptr) return {};
  }
  return by_column;
}

}  // namespace

Status run_correlation(const char* op, const TensorView& input, const TensorView& weight,
                       WeightRoles roles, const TensorView* bias, const TensorView& output,
                       int groups, const std::vector<AxisPhase>& phases_y,
                       const std::vector<AxisPhase>& phases_x) {
  KernelLayout layout;
  if (Status s = choose_layout(op, {&input, &output}, &layout); !s.ok()) return s;
  const ConvKernel kernel = find_conv_kernel(layout);
  if (kernel == nullptr) {
    return Status(StatusCode::kUnsupported, internal::no_kernel_prefix(op) + "kernel");
  }
  // Weights are packed on the host: a GPU's copy is read back (weights are small).
  HostCopy host_weight, host_bias;
  if (Status s = host_weight.read(op, weight); !s.ok()) return s;
  if (bias != nullptr) {
    if (Status s = host_bias.read(op, *bias); !s.ok()) return s;
  }
  const int64_t in_per_group = input.shape[kC] / groups;
  const int64_t out_per_group = output.shape[kC] / groups;
  const int64_t out_padded = schedules::conv_packed_output_channels(out_per_group);
  // Stride 2 along x on a planar CPU output: both x phases in one call that writes whole rows.
  // ConvPhases has 32-bit indices: larger tensors run one call per phase.
  const ConvPhasesKernel phases_kernel = find_conv_phases_kernel(layout);
  const double packed_bytes = 4.0 * double(out_padded) * double(in_per_group) *
                              double(weight.shape[kH]) * double(weight.shape[kW]);
  const bool small =
      under_one_gib(input) && under_one_gib(output) && packed_bytes < double(int64_t(1) << 30);
  const std::vector<const AxisPhase*> fused = phases_kernel != nullptr && small
                                                  ? fused_x_phases(phases_x)
                                                  : std::vector<const AxisPhase*>{};
  std::vector<float> bias_padded(size_t(out_padded), 0.0f);
  std::vector<float> packed;
  for (int g = 0; g < groups; g++) {
    const TensorView group_in = channel_slice(input, g * in_per_group, in_per_group);
    const TensorView group_out = channel_slice(output, g * out_per_group, out_per_group);
    for (int64_t o = 0; o < out_per_group && bias != nullptr; o++) {
      bias_padded[size_t(o)] = weight_at(host_bias.view(), 0, g * out_per_group + o, 0, 0);
    }
    HalideBuffer in(group_in, value_type(DType::kFloat32));
    HalideBuffer biases(bias_padded.data(), {int32_t(out_padded)});
    // One phase along each axis, through a strided view of the output.
    auto run_phase = [&](const AxisPhase& py, const AxisPhase& px) {
      const int taps_x = pack_weights(host_weight.view(), roles, g, in_per_group, out_per_group,
                                      out_padded, py, {&px}, &packed);
      const TensorView view = phase_slice(phase_slice(group_out, kH, py), kW, px);
      HalideBuffer out(view, value_type(DType::kFloat32));
      HalideBuffer weights(packed.data(), {int32_t(out_padded), int32_t(in_per_group),
                                           int32_t(taps_x), int32_t(std::max(py.taps.count, 1))});
      const CorrelationAxis ax = phase_axis(px), ay = phase_axis(py);
      return call_kernel(op, [&] {
        return kernel(in.get(), weights.get(), biases.get(), ax.stride, ay.stride, ax.dilation,
                      ay.dilation, int32_t(ax.offset), int32_t(ay.offset), out.get());
      });
    };
    // Both x phases of one y phase: the whole periods of the row in one call; an odd last column
    // (the first phase's) on its own.
    auto run_fused = [&](const AxisPhase& py) {
      const int64_t width = output.shape[kW];
      const int64_t periods_width = width / 2 * 2;
      const int taps_x = pack_weights(host_weight.view(), roles, g, in_per_group, out_per_group,
                                      out_padded, py, fused, &packed);
      TensorView view = phase_slice(group_out, kH, py);
      view.shape[kW] = periods_width;
      HalideBuffer out(view, value_type(DType::kFloat32));
      HalideBuffer weights(packed.data(), {int32_t(out_padded), int32_t(in_per_group),
                                           int32_t(taps_x), int32_t(std::max(py.taps.count, 1))});
      const CorrelationAxis ay = phase_axis(py);
      const CorrelationAxis ax0 = phase_axis(*fused[0]), ax1 = phase_axis(*fused[1]);
      Status s = call_kernel(op, [&] {
        return phases_kernel(in.get(), weights.get(), biases.get(), ay.stride, ay.dilation,
                             int32_t(ay.offset), 0, fused[0]->taps.count, fused[0]->taps.count,
                             fused[1]->taps.count, ax0.dilation, ax1.dilation, int32_t(ax0.offset),
                             int32_t(ax1.offset), out.get());
      });
      if (!s.ok() || periods_width == width) return s;
      AxisPhase last = *fused[0];
      const int64_t index = (width - 1) / 2;  // the column's output index in its phase
      last.first = width - 1;
      last.count = 1;
      last.axis.offset += index * last.axis.stride;
      return run_phase(py, last);
    };
    for (const AxisPhase& py : phases_y) {
      if (!fused.empty()) {
        if (Status s = run_fused(py); !s.ok()) return s;
        continue;
      }
      for (const AxisPhase& px : phases_x) {
        if (Status s = run_phase(py, px); !s.ok()) return s;
      }
    }
  }
  return Status::Ok();
}

Status run_weight_grad(const char* op, const TensorView& a, const TensorView& b,
                       const TensorView& grad_weight, int groups, const CorrelationAxis& axis_y,
                       const CorrelationAxis& axis_x) {
  KernelLayout layout;
  if (Status s = choose_layout(op, {&a, &b}, &layout); !s.ok()) return s;
  const ConvWeightGradKernel kernel = find_conv_weight_grad_kernel(layout);
  if (kernel == nullptr) {
    return Status(StatusCode::kUnsupported, internal::no_kernel_prefix(op) + "kernel");
  }
  const int64_t a_per_group = a.shape[kC] / groups;
  const int64_t b_per_group = b.shape[kC] / groups;
  const int64_t b_padded = schedules::conv_padded_gradient_channels(b_per_group);
  const int64_t kernel_h = grad_weight.shape[kH], kernel_w = grad_weight.shape[kW];
  std::vector<float> sums(size_t(b_padded * a_per_group * kernel_w * kernel_h));
  // The gradient is gathered on the host from the kernel's padded layout.
  HostResult host_grad;
  if (Status s = host_grad.prepare(op, grad_weight); !s.ok()) return s;
  const TensorView& grad_view = host_grad.view();
  float* grad = static_cast<float*>(grad_view.data);
  for (int g = 0; g < groups; g++) {
    HalideBuffer group_a(channel_slice(a, g * a_per_group, a_per_group),
                         value_type(DType::kFloat32));
    HalideBuffer group_b(channel_slice(b, g * b_per_group, b_per_group),
                         value_type(DType::kFloat32));
    HalideBuffer scratch(sums.data(), {int32_t(b_padded), int32_t(a_per_group), int32_t(kernel_w),
                                       int32_t(kernel_h)});
    Status s = call_kernel(op, [&] {
      return kernel(group_a.get(), group_b.get(), int32_t(kernel_w), int32_t(kernel_h),
                    axis_x.stride, axis_y.stride, axis_x.dilation, axis_y.dilation,
                    int32_t(axis_x.offset), int32_t(axis_y.offset), scratch.get());
    });
    if (!s.ok()) return s;
    // The weight's N axis holds a's channels (all groups), its C axis b's (one group's).
    for (int64_t ky = 0; ky < kernel_h; ky++) {
      for (int64_t kx = 0; kx < kernel_w; kx++) {
        for (int64_t o = 0; o < a_per_group; o++) {
          const float* row = &sums[size_t(((ky * kernel_w + kx) * a_per_group + o) * b_padded)];
          for (int64_t i = 0; i < b_per_group; i++) {
            grad[(g * a_per_group + o) * grad_view.strides[kN] + i * grad_view.strides[kC] +
                 ky * grad_view.strides[kH] + kx * grad_view.strides[kW]] = row[i];
          }
        }
      }
    }
  }
  return host_grad.store(op);
}

Status run_channel_sums(const char* op, const TensorView& grad_output,
                        const TensorView& grad_bias) {
  KernelLayout layout;
  if (Status s = choose_layout(op, {&grad_output}, &layout); !s.ok()) return s;
  const ChannelSumKernel kernel = find_channel_sum_kernel(layout);
  if (kernel == nullptr) {
    return Status(StatusCode::kUnsupported, internal::no_kernel_prefix(op) + "kernel");
  }
  const int64_t channels = grad_output.shape[kC];
  std::vector<float> sums(static_cast<size_t>(channels));
  HalideBuffer in(grad_output, value_type(DType::kFloat32));
  HalideBuffer out(sums.data(), {int32_t(channels)});
  if (Status s = call_kernel(op, [&] { return kernel(in.get(), out.get()); }); !s.ok()) return s;
  HostResult host_bias;
  if (Status s = host_bias.prepare(op, grad_bias); !s.ok()) return s;
  for (int64_t c = 0; c < channels; c++) {
    static_cast<float*>(host_bias.view().data)[c * host_bias.view().strides[kC]] = sums[size_t(c)];
  }
  return host_bias.store(op);
}

Status check_float32(const char* op, const char* name, const TensorView& view) {
  if (view.dtype != DType::kFloat32) {
    return invalid(op, std::string(name) + ": dtype " + dtype_name(view.dtype) +
                           " is not supported (float32 only)");
  }
  return Status::Ok();
}

Status check_gradient(const char* op, const char* name, const TensorView& grad,
                      const TensorView& like, std::initializer_list<const TensorView*> inputs) {
  if (Status s = check_view(op, name, grad, true); !s.ok()) return s;
  if (Status s = check_float32(op, name, grad); !s.ok()) return s;
  for (int d = 0; d < 4; d++) {
    if (grad.shape[d] != like.shape[d]) {
      return invalid(op, std::string(name) + ": shape " + shape_string(grad) + " is not " +
                             shape_string(like));
    }
  }
  for (const TensorView* input : inputs) {
    if (Status s = check_no_overlap(op, name, grad, "an input", *input); !s.ok()) return s;
  }
  return Status::Ok();
}

namespace {

// The weight-gradient and bias-gradient kernels exist for the call's device, so that a missing
// one (a GPU without the variant, with no CPU allowed) fails before any gradient is written.
Status check_gradient_kernels(const char* op, const TensorView& input,
                              const TensorView& grad_output, const TensorView* grad_weight,
                              const TensorView* grad_bias) {
  KernelLayout layout;
  if (grad_weight != nullptr) {
    if (Status s = choose_layout(op, {&input, &grad_output}, &layout); !s.ok()) return s;
    if (find_conv_weight_grad_kernel(layout) == nullptr) {
      return Status(StatusCode::kUnsupported, no_kernel_prefix(op) + "weight gradient kernel");
    }
  }
  if (grad_bias != nullptr) {
    if (Status s = choose_layout(op, {&grad_output}, &layout); !s.ok()) return s;
    if (find_channel_sum_kernel(layout) == nullptr) {
      return Status(StatusCode::kUnsupported, no_kernel_prefix(op) + "bias gradient kernel");
    }
  }
  return Status::Ok();
}

}  // namespace

Status check_gradients(const char* op, const TensorView& input, const TensorView& weight,
                       const TensorView& grad_output, const TensorView* grad_input,
                       const TensorView* grad_weight, const TensorView* grad_bias) {
  const std::initializer_list<const TensorView*> inputs = {&input, &weight, &grad_output};
  if (grad_input != nullptr) {
    if (Status s = check_gradient(op, "grad_input", *grad_input, input, inputs); !s.ok()) return s;
    if (grad_input->layout != input.layout) return invalid(op, "grad_input: layout mismatch");
  }
  if (grad_weight != nullptr) {
    if (Status s = check_gradient(op, "grad_weight", *grad_weight, weight, inputs); !s.ok()) {
      return s;
    }
  }
  if (Status s = check_gradient_kernels(op, input, grad_output, grad_weight, grad_bias); !s.ok()) {
    return s;
  }
  if (grad_bias != nullptr) {
    TensorView bias_shape = *grad_bias;
    bias_shape.shape[kN] = 1, bias_shape.shape[kC] = grad_output.shape[kC];
    bias_shape.shape[kH] = 1, bias_shape.shape[kW] = 1;
    if (Status s = check_gradient(op, "grad_bias", *grad_bias, bias_shape, inputs); !s.ok()) {
      return s;
    }
  }
  return Status::Ok();
}

Status check_conv_axis_options(const char* op, const char* axis, int stride, int padding,
                               int dilation) {
  const std::string along = std::string(" along ") + axis;
  if (stride < 1) return invalid(op, "stride " + std::to_string(stride) + along + " is below 1");
  if (padding < 0)
    return invalid(op, "padding " + std::to_string(padding) + along + " is negative");
  if (dilation < 1) {
    return invalid(op, "dilation " + std::to_string(dilation) + along + " is below 1");
  }
  return Status::Ok();
}

Status check_conv_views(const char* op, const TensorView& input, const TensorView& weight,
                        const TensorView* bias, const TensorView& output, int64_t weight_n,
                        int64_t weight_c_times_groups, int groups) {
  if (Status s = check_view(op, "input", input, false); !s.ok()) return s;
  if (Status s = check_view(op, "weight", weight, false); !s.ok()) return s;
  if (Status s = check_view(op, "output", output, true); !s.ok()) return s;
  for (auto [name, view] : {std::pair{"input", &input}, {"weight", &weight}, {"output", &output}}) {
    if (Status s = check_float32(op, name, *view); !s.ok()) return s;
  }
  if (Status s = check_pair(op, input, output, /*same_channels=*/false); !s.ok()) return s;
  if (Status s = check_no_overlap(op, "weight", weight, "output", output); !s.ok()) return s;
  if (groups < 1) return invalid(op, "groups " + std::to_string(groups) + " is below 1");
  for (auto [name, channels] :
       {std::pair{"input", input.shape[kC]}, std::pair{"output", output.shape[kC]}}) {
    if (channels % groups != 0) {
      return invalid(op, std::string("groups ") + std::to_string(groups) + " does not divide the " +
                             name + "'s " + std::to_string(channels) + " channels");
    }
  }
  if (weight.shape[kN] != weight_n || weight.shape[kC] * groups != weight_c_times_groups) {
    return invalid(op, "weight shape " + shape_string(weight) + " does not match: expected (" +
                           std::to_string(weight_n) + ", " +
                           std::to_string(weight_c_times_groups / groups) + ", kH, kW) for " +
                           std::to_string(input.shape[kC]) + " input and " +
                           std::to_string(output.shape[kC]) + " output channels in " +
                           std::to_string(groups) + " groups");
  }
  if (bias != nullptr) {
    if (Status s = check_view(op, "bias", *bias, false); !s.ok()) return s;
    if (Status s = check_float32(op, "bias", *bias); !s.ok()) return s;
    if (bias->shape[kN] != 1 || bias->shape[kC] != output.shape[kC] || bias->shape[kH] != 1 ||
        bias->shape[kW] != 1) {
      return invalid(op, "bias shape " + shape_string(*bias) + " is not (1, " +
                             std::to_string(output.shape[kC]) + ", 1, 1)");
    }
    if (Status s = check_no_overlap(op, "bias", *bias, "output", output); !s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace upsample::internal
