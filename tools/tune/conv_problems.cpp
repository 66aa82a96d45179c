// upsample-tune's problems for the convolution generators: `conv` (the correlation that conv2d
// and each phase of conv_transpose2d run), `conv_phases` (both x phases of a stride-2
// conv_transpose2d in one call) and `conv_weight_grad` (the weight gradient of both).
// The pipelines are called directly, with operands laid out as the runtime lays them out (packed
// weights and gradients, channels padded to whole blocks), and checked against the conv2d oracle
// of tests/reference: a correlation with offset -p is conv2d with padding p.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <sstream>

#include "reference/conv_reference.h"
#include "schedules/conv_packing.h"
#include "tune_problems.h"

namespace upsample_tune {
namespace {

// A float32 buffer of (x, y, c, n) or any other 1-4 axes: extents and strides in elements.
struct FloatBuffer {
  std::vector<std::pair<int64_t, int64_t>> dims;  // (extent, stride) per axis
  int64_t offset(std::initializer_list<int64_t> at) const {
    int64_t o = 0, d = 0;
    for (int64_t v : at) o += v * dims[size_t(d++)].second;
    return o;
  }
  int64_t span() const {
    int64_t last = 0;
    for (const auto& [extent, stride] : dims) last += (extent - 1) * stride;
    return last + 1;
  }
  std::string case_line(const std::string& name, const std::string& source) const {
    std::ostringstream line;
    line << "buffer " << name << " " << dims.size();
    for (const auto& [extent, stride] : dims) line << " " << extent << " " << stride;
    line << " " << source;
    return line.str();
  }
};

// An image buffer (x, y, c, n), planar (x innermost) or interleaved (c innermost), optionally a
// view of every `step`-th column and row of a larger image (a phase of a transposed convolution).
FloatBuffer image_buffer(int64_t w, int64_t h, int64_t c, int64_t n, bool interleaved,
                         int64_t step = 1) {
  const int64_t full_w = w * step, full_h = h * step;
  if (interleaved) {
    return {{{w, c * step}, {h, full_w * c * step}, {c, 1}, {n, full_w * full_h * c}}};
  }
  return {{{w, step}, {h, full_w * step}, {c, full_w * full_h}, {n, full_w * full_h * c}}};
}

// Random float32 values in [lo, hi) for the buffer's elements, in its storage (span order).
std::vector<float> random_floats(int64_t count, uint64_t seed, float lo, float hi) {
  std::mt19937_64 random(seed);
  std::uniform_real_distribution<float> uniform(lo, hi);
  std::vector<float> values(static_cast<size_t>(count));
  for (float& v : values) v = uniform(random);
  return values;
}

std::shared_ptr<const std::vector<uint8_t>> as_bytes(const std::vector<float>& values) {
  auto bytes = std::make_shared<std::vector<uint8_t>>(values.size() * sizeof(float));
  std::memcpy(bytes->data(), values.data(), bytes->size());
  return bytes;
}

// An image (x, y, c, n) as the oracle's dense NCHW doubles of shape `s`; where `s` is wider or
// taller than the image, zeros (what the pipelines read past an image).
std::vector<double> to_nchw(const std::vector<float>& data, const FloatBuffer& b,
                            const upsample_ref::Shape& s, bool absolute) {
  std::vector<double> out(size_t(s.count()), 0.0);
  const int64_t width = std::min(s.w, b.dims[0].first), height = std::min(s.h, b.dims[1].first);
  for (int64_t n = 0; n < s.n; n++)
    for (int64_t c = 0; c < s.c; c++)
      for (int64_t y = 0; y < height; y++)
        for (int64_t x = 0; x < width; x++) {
          const double v = data[size_t(b.offset({x, y, c, n}))];
          out[size_t(((n * s.c + c) * s.h + y) * s.w + x)] = absolute ? std::abs(v) : v;
        }
  return out;
}

// What a check compares: the oracle's results, their scale (the oracle applied to absolute
// values: the size of float32's rounding error) and the output element each is compared with.
struct Expected {
  std::vector<double> values, scale;
  std::vector<int64_t> at;
};

float read_float(const std::vector<uint8_t>& bytes, int64_t element) {
  float v;
  std::memcpy(&v, bytes.data() + element * 4, 4);
  return v;
}

// A check that runs the oracle once, at its first call (the problems are made before it is known
// which will run), then compares float32 outputs: |got - want| <= 1e-4 * scale + 1e-6.
std::function<CheckResult(const std::vector<uint8_t>&)> oracle_check(
    int64_t output_span, const std::string& what, std::function<Expected()> run_oracle) {
  auto expected = std::make_shared<std::optional<Expected>>();
  return [=](const std::vector<uint8_t>& got) -> CheckResult {
    if (int64_t(got.size()) < output_span * 4) return {false, "the output file is short"};
    if (!*expected) *expected = run_oracle();
    const Expected& e = **expected;
    int64_t bad = 0;
    double worst = 0;
    for (size_t k = 0; k < e.at.size(); k++) {
      const double error = std::abs(double(read_float(got, e.at[k])) - e.values[k]);
      const double allowed = 1e-4 * e.scale[k] + 1e-6;
      worst = std::max(worst, error / allowed);
      if (!(error <= allowed)) bad++;
    }
    std::ostringstream message;
    message << "every one of " << e.at.size() << " " << what
            << " against tests/reference's conv2d, worst |diff| / tolerance " << worst << ", "
            << bad << " beyond";
    return {bad == 0, message.str()};
  };
}

// The correlation's axes as conv2d's options: offset -p is padding p.
upsample_ref::ConvSpec conv_spec(int stride, int dilation, int offset) {
  upsample_ref::ConvSpec spec;
  spec.stride_h = spec.stride_w = stride;
  spec.padding_h = spec.padding_w = -offset;
  spec.dilation_h = spec.dilation_w = dilation;
  return spec;
}

// conv2d's output shape, or nullopt with why_not set where the oracle rejects the problem.
std::optional<upsample_ref::Shape> conv2d_output(const upsample_ref::Shape& in,
                                                 const upsample_ref::Shape& weight,
                                                 const upsample_ref::ConvSpec& spec,
                                                 const std::string& what, std::string* why_not) {
  try {
    return upsample_ref::conv2d_shape(in, weight, spec);
  } catch (const std::exception& e) {
    *why_not = what + " problem: " + e.what();
    return std::nullopt;
  }
}

// The correlation pipelines' packed operands, laid out as the runtime lays them out: weights
// (o, i, t, ty), output channels innermost and padded (conv_packed_output_channels), and a bias of
// that length; random values, zeros in the padding.
struct PackedOperands {
  int64_t in_channels, out_channels;
  FloatBuffer weights, bias;
  std::vector<float> weight_data, bias_data;

  // The oracle's weights (o, i, ky, kx) = taps [first_tx, first_tx + count_x) of t (absolute
  // values if asked); a phase without taps reads one zero weight.
  std::vector<double> oracle_weights(int first_tx, int count_x, bool absolute) const {
    const int64_t taps_y = weights.dims[3].first, width = std::max(count_x, 1);
    std::vector<double> w(size_t(out_channels * in_channels * taps_y * width), 0.0);
    for (int64_t o = 0; o < out_channels; o++)
      for (int64_t i = 0; i < in_channels; i++)
        for (int64_t ty = 0; ty < taps_y; ty++)
          for (int64_t tx = 0; tx < count_x; tx++) {
            const double v = weight_data[size_t(weights.offset({o, i, first_tx + tx, ty}))];
            w[size_t(((o * in_channels + i) * taps_y + ty) * width + tx)] =
                absolute ? std::abs(v) : v;
          }
    return w;
  }
  std::vector<double> oracle_bias(bool absolute) const {
    std::vector<double> b(bias_data.begin(), bias_data.begin() + out_channels);
    for (double& v : b) v = absolute ? std::abs(v) : v;
    return b;
  }
};

PackedOperands packed_operands(int64_t in_channels, int64_t out_channels, int64_t taps_x,
                               int64_t taps_y, uint64_t seed) {
  const int64_t packed = upsample::schedules::conv_packed_output_channels(out_channels);
  const int64_t tap_stride = packed * in_channels;
  PackedOperands p{
      in_channels,
      out_channels,
      {{{packed, 1}, {in_channels, packed}, {taps_x, tap_stride}, {taps_y, tap_stride * taps_x}}},
      {{{packed, 1}}},
      {},
      {}};
  p.weight_data = random_floats(p.weights.span(), seed + 1, -1.0f, 1.0f);
  p.bias_data = random_floats(p.bias.span(), seed + 2, -1.0f, 1.0f);
  for (int64_t t = 0; t < taps_x * taps_y * in_channels; t++) {  // the runtime's padding is zeros
    std::fill(p.weight_data.begin() + t * packed + out_channels,
              p.weight_data.begin() + (t + 1) * packed, 0.0f);
  }
  std::fill(p.bias_data.begin() + out_channels, p.bias_data.end(), 0.0f);
  return p;
}

// A correlation problem's files and buffers: the input, the packed operands and the output.
void add_correlation_buffers(Problem& problem, const FloatBuffer& input,
                             const std::vector<float>& input_data, const PackedOperands& operands,
                             const FloatBuffer& output) {
  problem.input_files["input.bin"] = as_bytes(input_data);
  problem.input_files["weights.bin"] = as_bytes(operands.weight_data);
  problem.input_files["bias.bin"] = as_bytes(operands.bias_data);
  problem.case_lines = {
      input.case_line("input", "input.bin"), operands.weights.case_line("weights", "weights.bin"),
      operands.bias.case_line("bias", "bias.bin"), output.case_line("output", "output")};
  problem.input_bytes = (input.span() + operands.weights.span() + operands.bias.span()) * 4;
}

// The scalars both pipelines take per axis (equal along x and y here).
void add_axis_scalars(Problem& problem, int stride, int dilation, int offset) {
  for (const char* axis : {"x", "y"}) {
    const std::string suffix = std::string("_") + axis + " ";
    problem.case_lines.push_back("scalar stride" + suffix + std::to_string(stride));
    problem.case_lines.push_back("scalar dilation" + suffix + std::to_string(dilation));
    problem.case_lines.push_back("scalar offset" + suffix + std::to_string(offset));
  }
}

// out(x, y, o, n) = bias(o) + sum weights(o, i, tx, ty) * input(x * stride + tx * dilation +
// offset, ...): conv2d with padding -offset, cropped to out_w x out_h.
struct ConvCase {
  int64_t n, cin, cout, h, w;
  int kernel, stride, dilation, offset;  // offset <= 0
  int64_t out_w = 0, out_h = 0;          // 0: conv2d's length
  int64_t view_step = 1;                 // the output is a phase view of a larger image
};

std::optional<Problem> conv_problem(const ConvCase& k, bool interleaved, uint64_t seed,
                                    std::string* why_not) {
  const upsample_ref::ConvSpec spec = conv_spec(k.stride, k.dilation, k.offset);
  const upsample_ref::Shape in_shape{k.n, k.cin, k.h, k.w};
  const upsample_ref::Shape weight_shape{k.cout, k.cin, k.kernel, k.kernel};
  const std::optional<upsample_ref::Shape> ref =
      conv2d_output(in_shape, weight_shape, spec, "conv", why_not);
  if (!ref) return std::nullopt;
  const upsample_ref::Shape ref_shape = *ref;
  const int64_t out_w = k.out_w > 0 ? std::min(k.out_w, ref_shape.w) : ref_shape.w;
  const int64_t out_h = k.out_h > 0 ? std::min(k.out_h, ref_shape.h) : ref_shape.h;

  const FloatBuffer input = image_buffer(k.w, k.h, k.cin, k.n, interleaved);
  const FloatBuffer output = image_buffer(out_w, out_h, k.cout, k.n, interleaved, k.view_step);
  const std::vector<float> input_data = random_floats(input.span(), seed, 0.0f, 1.0f);
  const PackedOperands operands = packed_operands(k.cin, k.cout, k.kernel, k.kernel, seed);

  Problem problem;
  std::ostringstream shape;
  shape << k.n << "x" << k.cin << "x" << k.h << "x" << k.w << (interleaved ? " NHWC" : " NCHW")
        << " -> " << k.cout << "x" << out_h << "x" << out_w << ", " << k.kernel << "x" << k.kernel
        << " taps";
  if (k.view_step > 1) shape << ", a phase (output step " << k.view_step << ")";
  problem.shape = shape.str();
  add_correlation_buffers(problem, input, input_data, operands, output);
  add_axis_scalars(problem, k.stride, k.dilation, k.offset);
  problem.output_bytes = out_w * out_h * k.cout * k.n * 4;
  problem.flops = 2.0 * double(k.n) * double(k.cin) * double(k.cout) * k.kernel * k.kernel *
                  double(out_w) * double(out_h);

  problem.check = oracle_check(output.span(), "outputs", [=] {
    const std::vector<double> values =
        upsample_ref::conv2d(to_nchw(input_data, input, in_shape, false), in_shape,
                             operands.oracle_weights(0, k.kernel, false), weight_shape,
                             operands.oracle_bias(false), spec);
    const std::vector<double> scale = upsample_ref::conv2d(
        to_nchw(input_data, input, in_shape, true), in_shape,
        operands.oracle_weights(0, k.kernel, true), weight_shape, operands.oracle_bias(true), spec);
    // The compared outputs, cropped to out_w x out_h.
    Expected e;
    for (int64_t n = 0; n < k.n; n++)
      for (int64_t c = 0; c < k.cout; c++)
        for (int64_t y = 0; y < out_h; y++)
          for (int64_t x = 0; x < out_w; x++) {
            const size_t r = size_t(((n * k.cout + c) * ref_shape.h + y) * ref_shape.w + x);
            e.values.push_back(values[r]);
            e.scale.push_back(scale[r]);
            e.at.push_back(output.offset({x, y, c, n}));
          }
    return e;
  });
  return problem;
}

// conv_phases: output column 2q + p (p = 0, 1) is phase p's output q, a correlation with stride 1
// along x and the phase's own taps (the weights' tap axis holds phase 0's, then phase 1's),
// dilation and offset; y as in conv. The output is every `row_step`-th row of a larger image (a
// y phase of a transposed convolution).
struct PhasesCase {
  int64_t n, cin, cout, h, w;
  int taps_y, stride_y, dilation_y, offset_y;  // offsets <= 0
  std::array<int, 2> taps_x, dilation_x, offset_x;
  int64_t out_w, out_h;  // out_w even
  int64_t row_step = 1;
};

std::optional<Problem> phases_problem(const PhasesCase& k, uint64_t seed) {
  const int taps_x = k.taps_x[0] + k.taps_x[1];
  const FloatBuffer input = image_buffer(k.w, k.h, k.cin, k.n, false);
  const FloatBuffer output{{{k.out_w, 1},
                            {k.out_h, k.out_w * k.row_step},
                            {k.cout, k.out_w * k.out_h * k.row_step},
                            {k.n, k.out_w * k.out_h * k.row_step * k.cout}}};
  const std::vector<float> input_data = random_floats(input.span(), seed, 0.0f, 1.0f);
  const PackedOperands operands = packed_operands(k.cin, k.cout, taps_x, k.taps_y, seed);

  Problem problem;
  std::ostringstream shape;
  shape << k.n << "x" << k.cin << "x" << k.h << "x" << k.w << " NCHW -> " << k.cout << "x"
        << k.out_h << "x" << k.out_w << ", x phases of " << k.taps_x[0] << " and " << k.taps_x[1]
        << " by " << k.taps_y << " taps";
  if (k.row_step > 1) shape << ", every " << k.row_step << "nd row";
  problem.shape = shape.str();
  add_correlation_buffers(problem, input, input_data, operands, output);
  problem.case_lines.push_back("scalar stride_y " + std::to_string(k.stride_y));
  problem.case_lines.push_back("scalar dilation_y " + std::to_string(k.dilation_y));
  problem.case_lines.push_back("scalar offset_y " + std::to_string(k.offset_y));
  for (int p = 0; p < 2; p++) {
    const std::string suffix = "_" + std::to_string(p) + " ";
    problem.case_lines.push_back("scalar tap_first_x" + suffix + std::to_string(p * k.taps_x[0]));
    problem.case_lines.push_back("scalar tap_count_x" + suffix +
                                 std::to_string(k.taps_x[size_t(p)]));
    problem.case_lines.push_back("scalar dilation_x" + suffix +
                                 std::to_string(k.dilation_x[size_t(p)]));
    problem.case_lines.push_back("scalar offset_x" + suffix +
                                 std::to_string(k.offset_x[size_t(p)]));
  }
  problem.output_bytes = k.out_w * k.out_h * k.cout * k.n * 4;
  problem.flops = 2.0 * double(k.n) * double(k.cin) * double(k.cout) * taps_x * k.taps_y *
                  double(k.out_w / 2) * double(k.out_h);

  // Each phase is conv2d of the input (zero-extended on the right and bottom, as the pipeline
  // reads past the image) with that phase's taps, padding -offset; column 2q + p is its output q.
  problem.check = oracle_check(output.span(), "outputs", [=] {
    // Enough zeros that each phase's conv2d has out_h rows and out_w / 2 columns.
    int64_t wide = k.w;
    for (int p = 0; p < 2; p++) {
      wide = std::max<int64_t>(
          wide, k.out_w / 2 + 2 * k.offset_x[size_t(p)] +
                    int64_t(k.dilation_x[size_t(p)]) * (std::max(k.taps_x[size_t(p)], 1) - 1));
    }
    const int64_t high = std::max<int64_t>(k.h, (k.out_h - 1) * k.stride_y + 1 + 2 * k.offset_y +
                                                    int64_t(k.dilation_y) * (k.taps_y - 1));
    const upsample_ref::Shape in_shape{k.n, k.cin, high, wide};
    const std::vector<double> in = to_nchw(input_data, input, in_shape, false);
    const std::vector<double> in_abs = to_nchw(input_data, input, in_shape, true);
    const std::vector<double> b = operands.oracle_bias(false), b_abs = operands.oracle_bias(true);
    Expected e;
    e.values.resize(size_t(k.n * k.cout * k.out_h * k.out_w));
    e.scale.resize(e.values.size());
    e.at.resize(e.values.size());
    for (int p = 0; p < 2; p++) {
      const int t = k.taps_x[size_t(p)];
      const upsample_ref::Shape weight_shape{k.cout, k.cin, k.taps_y, std::max(t, 1)};
      const std::vector<double> w = operands.oracle_weights(p * k.taps_x[0], t, false);
      const std::vector<double> w_abs = operands.oracle_weights(p * k.taps_x[0], t, true);
      upsample_ref::ConvSpec spec;
      spec.stride_h = k.stride_y;
      spec.stride_w = 1;
      spec.padding_h = -k.offset_y;
      spec.dilation_h = k.dilation_y;
      spec.padding_w = -k.offset_x[size_t(p)];
      spec.dilation_w = k.dilation_x[size_t(p)];
      const upsample_ref::Shape ref_shape =
          upsample_ref::conv2d_shape(in_shape, weight_shape, spec);
      const std::vector<double> values =
          upsample_ref::conv2d(in, in_shape, w, weight_shape, b, spec);
      const std::vector<double> scale =
          upsample_ref::conv2d(in_abs, in_shape, w_abs, weight_shape, b_abs, spec);
      for (int64_t n = 0; n < k.n; n++)
        for (int64_t c = 0; c < k.cout; c++)
          for (int64_t y = 0; y < k.out_h; y++)
            for (int64_t q = 0; q < k.out_w / 2; q++) {
              const size_t r = size_t(((n * k.cout + c) * ref_shape.h + y) * ref_shape.w + q);
              const size_t at = size_t(((n * k.cout + c) * k.out_h + y) * k.out_w + 2 * q + p);
              e.values[at] = values[r];
              e.scale[at] = scale[r];
              e.at[at] = output.offset({2 * q + p, y, c, n});
            }
    }
    return e;
  });
  return problem;
}

// grad_weights(i, o, tx, ty) = sum over x, y, n of a(x, y, o, n) * b(x * stride + tx * dilation +
// offset, ..., i, n): conv2d's weight gradient with input b and output gradient a.
struct WeightGradCase {
  int64_t n, in_channels, out_channels, b_h, b_w;  // b is (b_w, b_h, in_channels, n)
  int kernel, stride, dilation, offset;            // offset <= 0
};

std::optional<Problem> weight_grad_problem(const WeightGradCase& k, bool interleaved, uint64_t seed,
                                           std::string* why_not) {
  const upsample_ref::ConvSpec spec = conv_spec(k.stride, k.dilation, k.offset);
  const upsample_ref::Shape b_shape{k.n, k.in_channels, k.b_h, k.b_w};
  const upsample_ref::Shape weight_shape{k.out_channels, k.in_channels, k.kernel, k.kernel};
  const std::optional<upsample_ref::Shape> a_out =
      conv2d_output(b_shape, weight_shape, spec, "conv_weight_grad", why_not);
  if (!a_out) return std::nullopt;
  const upsample_ref::Shape a_shape = *a_out;
  const FloatBuffer a = image_buffer(a_shape.w, a_shape.h, k.out_channels, k.n, interleaved);
  const FloatBuffer b = image_buffer(k.b_w, k.b_h, k.in_channels, k.n, interleaved);
  const int64_t padded_in = upsample::schedules::conv_padded_gradient_channels(k.in_channels);
  const int64_t tap_stride = padded_in * k.out_channels;
  const FloatBuffer grad{{{padded_in, 1},
                          {k.out_channels, padded_in},
                          {k.kernel, tap_stride},
                          {k.kernel, tap_stride * k.kernel}}};
  const std::vector<float> a_data = random_floats(a.span(), seed, -1.0f, 1.0f);
  const std::vector<float> b_data = random_floats(b.span(), seed + 1, -1.0f, 1.0f);

  Problem problem;
  std::ostringstream shape;
  shape << "a " << k.n << "x" << k.out_channels << "x" << a_shape.h << "x" << a_shape.w << ", b "
        << k.in_channels << "x" << k.b_h << "x" << k.b_w << (interleaved ? " NHWC" : " NCHW")
        << ", " << k.kernel << "x" << k.kernel << " taps, stride " << k.stride;
  problem.shape = shape.str();
  problem.input_files["a.bin"] = as_bytes(a_data);
  problem.input_files["b.bin"] = as_bytes(b_data);
  problem.case_lines = {a.case_line("a", "a.bin"), b.case_line("b", "b.bin"),
                        grad.case_line("grad_weights", "output")};
  problem.case_lines.push_back("scalar kernel_x " + std::to_string(k.kernel));
  problem.case_lines.push_back("scalar kernel_y " + std::to_string(k.kernel));
  add_axis_scalars(problem, k.stride, k.dilation, k.offset);
  problem.input_bytes = (a.span() + b.span()) * 4;
  problem.output_bytes = grad.span() * 4;
  problem.flops = 2.0 * double(k.n) * double(k.in_channels) * double(k.out_channels) * k.kernel *
                  k.kernel * double(a_shape.w) * double(a_shape.h);

  problem.check = oracle_check(grad.span(), "weight gradients", [=] {
    const std::vector<double> unused_weights(size_t(weight_shape.count()), 0.0);
    Expected e;
    e.values =
        upsample_ref::conv2d_backward(to_nchw(b_data, b, b_shape, false), b_shape, unused_weights,
                                      weight_shape, to_nchw(a_data, a, a_shape, false), spec)
            .weight;
    e.scale =
        upsample_ref::conv2d_backward(to_nchw(b_data, b, b_shape, true), b_shape, unused_weights,
                                      weight_shape, to_nchw(a_data, a, a_shape, true), spec)
            .weight;
    // The oracle's weight gradient is (o, i, ky, kx); ours (i, o, tx, ty).
    for (int64_t o = 0; o < k.out_channels; o++)
      for (int64_t i = 0; i < k.in_channels; i++)
        for (int64_t ty = 0; ty < k.kernel; ty++)
          for (int64_t tx = 0; tx < k.kernel; tx++) e.at.push_back(grad.offset({i, o, tx, ty}));
    return e;
  });
  return problem;
}

int64_t scaled(int64_t v, double size_scale) {
  return std::max<int64_t>(4, int64_t(std::lround(double(v) * size_scale)));
}

}  // namespace

std::optional<ProblemSet> make_conv_problems(const Variant& variant, double size_scale,
                                             uint64_t seed, std::string* why_not) {
  const auto layout = variant.params.find("layout");
  const bool interleaved = layout != variant.params.end() && layout->second == "interleaved";
  std::vector<std::optional<Problem>> problems;
  if (variant.generator == "conv") {
    // Timed: one phase of the learnable benchmark's case a (conv_transpose2d 64 -> 64 channels,
    // kernel 4, stride 2, padding 1, on 64x64): 2x2 taps, written to every other output pixel.
    const int64_t side = scaled(64, size_scale);
    problems = {
        conv_problem({1, 64, 64, side, side, 2, 1, 1, -1, side, side, 2}, interleaved, seed,
                     why_not),
        // conv2d's own use: stride 2, dilation 2, two images, channels that fill no tile.
        conv_problem({2, 5, 70, 9, 13, 3, 2, 2, -2}, interleaved, seed + 10, why_not),
        // A phase view with odd sizes, and a one-pixel-wide 1x1 convolution.
        conv_problem({1, 16, 20, 6, 11, 2, 1, 1, -1, 11, 6, 2}, interleaved, seed + 20, why_not),
        conv_problem({1, 3, 7, 3, 1, 1, 1, 1, 0}, interleaved, seed + 30, why_not)};
  } else if (variant.generator == "conv_phases") {
    // Timed: a y phase of the learnable benchmark's case a (conv_transpose2d 64 -> 64 channels,
    // kernel 4, stride 2, padding 1, on 64x64): x phases of 2 taps (offsets 0 and -1) by 2 taps,
    // every other row of the 128x128 output.
    const int64_t side = scaled(64, size_scale);
    problems = {
        phases_problem(
            {1, 64, 64, side, side, 2, 1, 1, -1, {2, 2}, {1, 1}, {0, -1}, 2 * side, side, 2}, seed),
        // Case b's phases (1 and 2 taps) with a row of one partial tile, 70 output
        // channels, two images and stride and dilation 2 along y; dilation 2 along x and
        // a phase without taps; rows of two and a half tiles.
        phases_problem({2, 5, 70, 9, 13, 3, 2, 2, -2, {1, 2}, {1, 1}, {0, -1}, 26, 7, 1},
                       seed + 10),
        phases_problem({1, 6, 20, 5, 4, 2, 1, 1, 0, {2, 0}, {2, 1}, {-1, 0}, 8, 5, 2}, seed + 20),
        phases_problem({1, 3, 17, 4, 40, 1, 1, 1, 0, {2, 1}, {1, 1}, {-1, 0}, 80, 4, 1},
                       seed + 30)};
  } else if (variant.generator == "conv_weight_grad") {
    // Timed: the weight gradient of case a's conv_transpose2d (a = its 64x64 input, b = the
    // gradient of its 128x128 output).
    const int64_t side = scaled(128, size_scale);
    problems = {
        weight_grad_problem({1, 64, 64, side, side, 4, 2, 1, -1}, interleaved, seed, why_not),
        weight_grad_problem({2, 5, 7, 9, 13, 3, 2, 1, -1}, interleaved, seed + 10, why_not),
        weight_grad_problem({1, 70, 3, 6, 5, 2, 1, 2, 0}, interleaved, seed + 20, why_not)};
  } else {
    *why_not = "no convolution problem for generator " + variant.generator;
    return std::nullopt;
  }
  ProblemSet set;
  for (size_t i = 0; i < problems.size(); i++) {
    if (!problems[i]) return std::nullopt;  // why_not says why
    if (i == 0) {
      set.timed = std::move(*problems[i]);
    } else {
      set.checks.push_back(std::move(*problems[i]));
    }
  }
  return set;
}

}  // namespace upsample_tune
