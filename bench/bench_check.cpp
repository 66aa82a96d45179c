// The benchmarks' cases, each run once at its benchmark shape and checked against the plain-C++
// oracles (tests/reference), with no timings: how the benchmarks run on a target where timing
// means nothing (aarch64 and armv7 under qemu-user) or where OpenCV and Google Benchmark are not
// installed. The interpolation cases (cases.cpp: the main data sets, or with --all every one, at
// every scale and method) are checked at sampled outputs; the transposed convolutions of
// conv_bench.cpp's cases a and b in full.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "cases.h"
#include "reference/conv_reference.h"
#include "tensor_utils.h"

namespace {

using upsample::DType;
using upsample::Layout;
using upsample_bench::kData;
using upsample_bench::kScales;
using upsample_bench::Method;

constexpr int kSamples = 4096;

// Element (n, c, y, x) of an NCHW or NHWC buffer of shape (N, C, H, W), as a double.
double element(const uint8_t* data, DType dtype, Layout layout, int64_t c_count, int64_t h_count,
               int64_t w_count, int64_t n, int64_t c, int64_t y, int64_t x) {
  const int64_t index = layout == Layout::kNHWC ? ((n * h_count + y) * w_count + x) * c_count + c
                                                : ((n * c_count + c) * h_count + y) * w_count + x;
  if (dtype == DType::kUInt8) return double(data[index]);
  return double(reinterpret_cast<const float*>(data)[index]);
}

upsample::ResizeOptions resize_options(Method method) {
  switch (method) {
    case Method::kBilinear:
      return upsample::opencv_options(upsample::OpencvInterpolation::kLinear);
    case Method::kBicubic:
      return upsample::opencv_options(upsample::OpencvInterpolation::kCubic);
    default:
      return upsample::opencv_options(upsample::OpencvInterpolation::kNearest);
  }
}

// Checks one interpolation case at sampled outputs; prints a line and returns whether it agreed.
bool check_interpolation(int data, int scale, Method method) {
  const upsample_bench::DataSpec& d = kData[data];
  upsample_bench::Workspace& ws = upsample_bench::workspace(data, scale);
  const char* name = upsample_bench::method_name(method);
  if (upsample::Status s = upsample_bench::run_ours(ws, method); !s.ok()) {
    std::printf("FAIL %-24s %-8s %-4s: %s\n", name, d.name, kScales[scale].name,
                s.message().c_str());
    return false;
  }
  const bool u8 = d.dtype == DType::kUInt8;
  const bool is_resize =
      method == Method::kNearest || method == Method::kBilinear || method == Method::kBicubic;
  const upsample_ref::ResizeSpec spec = upsample_test::to_ref_spec(resize_options(method));
  upsample_ref::AxisTaps taps_h, taps_w;
  std::vector<std::vector<int64_t>> nearest_h, nearest_w;
  if (method == Method::kNearest) {
    nearest_h =
        upsample_ref::nearest_candidates(d.h, ws.out_h, spec.scale_h, spec.coord, spec.rounding);
    nearest_w =
        upsample_ref::nearest_candidates(d.w, ws.out_w, spec.scale_w, spec.coord, spec.rounding);
  } else if (is_resize) {
    taps_h = upsample_ref::axis_taps(d.h, ws.out_h, spec.scale_h, spec.method, spec.coord,
                                     spec.rounding, spec.cubic_a, spec.exclude_outside);
    taps_w = upsample_ref::axis_taps(d.w, ws.out_w, spec.scale_w, spec.method, spec.coord,
                                     spec.rounding, spec.cubic_a, spec.exclude_outside);
  }
  // Float coordinates: cases.cpp's verify explains the allowance (OpenCV's and ours agree).
  const double coordinate_error = double(std::max(d.h, d.w)) * std::ldexp(1.0, -23);
  const double tolerance = method == Method::kBilinear  ? (u8 ? 1.0 : 1e-5 + coordinate_error)
                           : method == Method::kBicubic ? (u8 ? 1.0 : 1e-4 + 4 * coordinate_error)
                                                        : 0.0;
  const int factor = kScales[scale].factor;
  uint64_t state = 0x2545F4914F6CDD1Dull ^ uint64_t((data * 16 + scale) * 8 + int(method));
  const auto next = [&state](int64_t bound) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return int64_t(state % uint64_t(bound));
  };
  const auto input_at = [&](int64_t n, int64_t c, int64_t y, int64_t x) {
    return element(ws.input.get(), d.dtype, d.layout, d.c, d.h, d.w, n, c, y, x);
  };
  double worst = 0.0;
  int bad = 0;
  for (int sample = 0; sample < kSamples; sample++) {
    // The first samples are the corners, where clamping matters.
    const int64_t n = next(d.n), c = next(d.c);
    const int64_t y = sample < 4 ? (sample & 1) * (ws.out_h - 1) : next(ws.out_h);
    const int64_t x = sample < 4 ? (sample >> 1) * (ws.out_w - 1) : next(ws.out_w);
    const double got =
        element(ws.ours.get(), d.dtype, d.layout, d.c, ws.out_h, ws.out_w, n, c, y, x);
    double want = 0.0, error = 0.0;
    if (method == Method::kNearest) {
      error = 1e300;  // the smallest difference over the legitimate picks
      for (int64_t iy : nearest_h[size_t(y)]) {
        for (int64_t ix : nearest_w[size_t(x)]) {
          error = std::min(error, std::abs(got - input_at(n, c, iy, ix)));
        }
      }
    } else if (is_resize) {
      for (const upsample_ref::Tap& ty : taps_h[size_t(y)]) {
        for (const upsample_ref::Tap& tx : taps_w[size_t(x)]) {
          want += ty.weight * tx.weight * input_at(n, c, ty.index, tx.index);
        }
      }
      // uint8 results round and saturate.
      if (u8) want = std::min(255.0, std::max(0.0, want));
      error = std::abs(got - want);
    } else {
      const bool nail = method == Method::kUnpoolNearest || (y % factor == 0 && x % factor == 0);
      want = nail ? input_at(n, c, y / factor, x / factor) : 0.0;
      error = std::abs(got - want);
    }
    worst = std::max(worst, error);
    if (!(error <= tolerance)) bad++;
  }
  std::printf("%s %-24s %-8s %-4s: %d sampled outputs, max |diff| %.3g (tolerance %.3g)\n",
              bad == 0 ? "ok  " : "FAIL", name, d.name, kScales[scale].name, kSamples, worst,
              tolerance);
  return bad == 0;
}

struct ConvCase {
  const char* name;
  int64_t n, c_in, h, w, c_out;
  int kernel, stride, padding, output_padding;
};

// conv_bench.cpp's cases a and b (case c is those layers at batch 8 and 256 channels).
constexpr ConvCase kConvCases[] = {
    {"a: 1x64x64x64->64 k4 s2 p1", 1, 64, 64, 64, 64, 4, 2, 1, 0},
    {"b: 1x64x64x64->64 k3 s2 p1 op1", 1, 64, 64, 64, 64, 3, 2, 1, 1},
};

bool check_conv(const ConvCase& k) {
  const upsample_ref::Shape in{k.n, k.c_in, k.h, k.w},
      weight_shape{k.c_in, k.c_out, k.kernel, k.kernel};
  upsample_ref::ConvSpec spec;
  spec.stride_h = spec.stride_w = k.stride;
  spec.padding_h = spec.padding_w = k.padding;
  spec.output_padding_h = spec.output_padding_w = k.output_padding;
  const upsample_ref::Shape out = upsample_ref::conv_transpose2d_shape(in, weight_shape, spec);
  std::vector<float> input(size_t(in.count())), weight(size_t(weight_shape.count())),
      bias(size_t(k.c_out)), output(size_t(out.count()));
  for (size_t i = 0; i < input.size(); i++) input[i] = std::sin(float(i) * 0.013f);
  for (size_t i = 0; i < weight.size(); i++) weight[i] = std::cos(float(i) * 0.029f) * 0.1f;
  for (size_t i = 0; i < bias.size(); i++) bias[i] = float(i) * 0.01f;
  upsample::ConvTranspose2dOptions options;
  options.stride_h = options.stride_w = k.stride;
  options.padding_h = options.padding_w = k.padding;
  options.output_padding_h = options.output_padding_w = k.output_padding;
  const upsample::TensorView bias_view =
      upsample::make_input_tensor(bias.data(), DType::kFloat32, Layout::kNCHW, 1, k.c_out, 1, 1);
  const upsample::Status s = upsample::conv_transpose2d(
      upsample::make_input_tensor(input.data(), DType::kFloat32, Layout::kNCHW, in.n, in.c, in.h,
                                  in.w),
      upsample::make_input_tensor(weight.data(), DType::kFloat32, Layout::kNCHW, weight_shape.n,
                                  weight_shape.c, weight_shape.h, weight_shape.w),
      &bias_view,
      upsample::make_tensor(output.data(), DType::kFloat32, Layout::kNCHW, out.n, out.c, out.h,
                            out.w),
      options);
  if (!s.ok()) {
    std::printf("FAIL conv_transpose2d %s: %s\n", k.name, s.message().c_str());
    return false;
  }
  const std::vector<double> want = upsample_ref::conv_transpose2d(
      std::vector<double>(input.begin(), input.end()), in,
      std::vector<double>(weight.begin(), weight.end()), weight_shape,
      std::vector<double>(bias.begin(), bias.end()), spec);
  double worst = 0.0;
  for (size_t i = 0; i < want.size(); i++) {
    worst = std::max(worst, std::abs(double(output[i]) - want[i]) / (1.0 + std::abs(want[i])));
  }
  const double tolerance = 1e-4;
  std::printf("%s conv_transpose2d %s: %zu outputs, max relative diff %.3g (tolerance %.3g)\n",
              worst <= tolerance ? "ok  " : "FAIL", k.name, want.size(), worst, tolerance);
  return worst <= tolerance;
}

}  // namespace

int main(int argc, char** argv) {
  // The main data sets by default (each case runs at full size, slow under qemu); --all: every one.
  const bool all = argc > 1 && std::string(argv[1]) == "--all";
  if (argc > 2 || (argc == 2 && !all)) {
    std::fprintf(stderr, "usage: %s [--all]\n", argv[0]);
    return 2;
  }
  const int data_count = all ? upsample_bench::kDataCount : upsample_bench::kMainDataCount;
  int failures = 0, cases = 0;
  const Method methods[] = {Method::kNearest, Method::kBilinear, Method::kBicubic,
                            Method::kUnpoolNearest, Method::kBedOfNails};
  for (int data = 0; data < data_count; data++) {
    for (int scale = 0; scale < upsample_bench::kScaleCount; scale++) {
      for (Method method : methods) {
        const bool unpool = method == Method::kUnpoolNearest || method == Method::kBedOfNails;
        if (unpool && kScales[scale].factor == 0) continue;
        cases++;
        if (!check_interpolation(data, scale, method)) failures++;
      }
    }
  }
  for (const ConvCase& k : kConvCases) {
    cases++;
    if (!check_conv(k)) failures++;
  }
  std::printf("bench_check: %d of %d benchmark cases agree with the oracles (CPU variant %s)\n",
              cases - failures, cases, upsample::cpu_variant_name(upsample::cpu_variant()));
  return failures == 0 ? 0 : 1;
}
