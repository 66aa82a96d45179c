#include "reference/resize_reference.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <numeric>
#include <stdexcept>

namespace upsample_ref {

const char* to_string(Method m) {
  switch (m) {
    case Method::kNearest:
      return "nearest";
    case Method::kLinear:
      return "linear";
    case Method::kCubic:
      return "cubic";
  }
  return "?";
}

const char* to_string(CoordMode m) {
  switch (m) {
    case CoordMode::kHalfPixel:
      return "half_pixel";
    case CoordMode::kPytorchHalfPixel:
      return "pytorch_half_pixel";
    case CoordMode::kAlignCorners:
      return "align_corners";
    case CoordMode::kAsymmetric:
      return "asymmetric";
    case CoordMode::kHalfPixelSymmetric:
      return "half_pixel_symmetric";
  }
  return "?";
}

const char* to_string(NearestRounding m) {
  switch (m) {
    case NearestRounding::kRoundPreferFloor:
      return "round_prefer_floor";
    case NearestRounding::kRoundPreferCeil:
      return "round_prefer_ceil";
    case NearestRounding::kFloor:
      return "floor";
    case NearestRounding::kCeil:
      return "ceil";
  }
  return "?";
}

std::string to_string(const Shape& s) {
  return std::to_string(s.n) + "x" + std::to_string(s.c) + "x" + std::to_string(s.h) + "x" +
         std::to_string(s.w);
}

double axis_scale(int64_t in, int64_t out, double scale_option) {
  return scale_option != 0.0 ? scale_option : static_cast<double>(out) / static_cast<double>(in);
}

double original_coordinate(int64_t x_out, int64_t in, int64_t out, double scale, CoordMode mode) {
  const double x = static_cast<double>(x_out);
  switch (mode) {
    case CoordMode::kHalfPixel:
      return (x + 0.5) / scale - 0.5;
    case CoordMode::kPytorchHalfPixel:
      return out > 1 ? (x + 0.5) / scale - 0.5 : 0.0;
    case CoordMode::kAlignCorners:
      return out == 1 ? 0.0 : x * static_cast<double>(in - 1) / static_cast<double>(out - 1);
    case CoordMode::kAsymmetric:
      return x / scale;
    case CoordMode::kHalfPixelSymmetric: {
      const double adjustment = static_cast<double>(out) / (scale * static_cast<double>(in));
      const double center = static_cast<double>(in) / 2.0;
      const double offset = center * (1.0 - adjustment);
      return offset + (x + 0.5) / scale - 0.5;
    }
  }
  throw std::invalid_argument("unknown coordinate mode");
}

double cubic_kernel(double s, double a) {
  s = std::fabs(s);
  if (s <= 1.0) return (a + 2.0) * s * s * s - (a + 3.0) * s * s + 1.0;
  if (s < 2.0) return a * s * s * s - 5.0 * a * s * s + 8.0 * a * s - 4.0 * a;
  return 0.0;
}

int64_t round_by_mode(double x, NearestRounding mode) {
  switch (mode) {
    case NearestRounding::kRoundPreferFloor:
      return static_cast<int64_t>(std::ceil(x - 0.5));
    case NearestRounding::kRoundPreferCeil:
      return static_cast<int64_t>(std::floor(x + 0.5));
    case NearestRounding::kFloor:
      return static_cast<int64_t>(std::floor(x));
    case NearestRounding::kCeil:
      return static_cast<int64_t>(std::ceil(x));
  }
  throw std::invalid_argument("unknown nearest mode");
}

namespace {

int64_t clamp_index(int64_t i, int64_t in) {
  return std::min<int64_t>(std::max<int64_t>(i, 0), in - 1);
}

// Snaps x onto the nearest multiple of 1/2 when within 1e-9 (relative) of it; see the header.
double snap_half(double x) {
  const double r = std::nearbyint(2.0 * x);
  if (std::fabs(2.0 * x - r) <= 2e-9 * (1.0 + std::fabs(x))) return r / 2.0;
  return x;
}

bool on_rounding_boundary(double x, NearestRounding mode) {
  const double frac = x - std::floor(x);
  if (mode == NearestRounding::kFloor || mode == NearestRounding::kCeil) return frac == 0.0;
  return frac == 0.5;
}

// Whether the coordinate scale is exactly a float32 value.
bool scale_is_float(int64_t in, int64_t out, double scale_option) {
  if (scale_option != 0.0)
    return static_cast<double>(static_cast<float>(scale_option)) == scale_option;
  const int64_t g = std::gcd(in, out);
  const int64_t p = out / g, q = in / g;
  return (q & (q - 1)) == 0 && p < (int64_t{1} << 24);
}

// ONNX Runtime's get_original_coordinate, in float32 as it computes it.
float ort_float_coordinate(int64_t x_out, int64_t in, int64_t out, double scale_option,
                           CoordMode mode) {
  const float scale = scale_option != 0.0 ? static_cast<float>(scale_option)
                                          : static_cast<float>(out) / static_cast<float>(in);
  const float x = static_cast<float>(x_out);
  const float length_in = static_cast<float>(in), length_out = static_cast<float>(out);
  switch (mode) {
    case CoordMode::kHalfPixel:
      return (x + 0.5f) / scale - 0.5f;
    case CoordMode::kPytorchHalfPixel:
      return out > 1 ? (x + 0.5f) / scale - 0.5f : 0.0f;
    case CoordMode::kAlignCorners:
      return out == 1 ? 0.0f : x * (length_in - 1.0f) / (length_out - 1.0f);
    case CoordMode::kAsymmetric:
      return x / scale;
    case CoordMode::kHalfPixelSymmetric: {
      const float output_width = scale * length_in;
      const float adjustment = length_out / output_width;
      const float center = length_in / 2.0f;
      const float offset = center * (1.0f - adjustment);
      return offset + (x + 0.5f) / scale - 0.5f;
    }
  }
  throw std::invalid_argument("unknown coordinate mode");
}

}  // namespace

AxisTaps axis_taps(int64_t in, int64_t out, double scale_option, Method method, CoordMode coord,
                   NearestRounding rounding, double cubic_a, bool exclude_outside,
                   double coordinate_shift) {
  const double scale = axis_scale(in, out, scale_option);
  AxisTaps taps(static_cast<size_t>(out));
  for (int64_t xo = 0; xo < out; ++xo) {
    double x = original_coordinate(xo, in, out, scale, coord);
    x += coordinate_shift * (1.0 + std::fabs(x) + static_cast<double>(in) / 2.0);
    std::vector<Tap>& t = taps[static_cast<size_t>(xo)];
    switch (method) {
      case Method::kNearest: {
        t.push_back({clamp_index(round_by_mode(snap_half(x), rounding), in), 1.0});
        break;
      }
      case Method::kLinear: {
        const double x0 = std::floor(x);
        const double f = x - x0;
        const int64_t i0 = static_cast<int64_t>(x0);
        t.push_back({clamp_index(i0, in), 1.0 - f});
        t.push_back({clamp_index(i0 + 1, in), f});
        break;
      }
      case Method::kCubic: {
        const double x0 = std::floor(x);
        const double f = x - x0;
        const int64_t i0 = static_cast<int64_t>(x0);
        std::vector<Tap> raw;
        for (int k = -1; k <= 2; ++k) raw.push_back({i0 + k, cubic_kernel(f - k, cubic_a)});
        if (exclude_outside) {
          double total = 0.0;
          for (Tap& tap : raw) {
            if (tap.index < 0 || tap.index >= in) tap.weight = 0.0;
            total += tap.weight;
          }
          for (Tap& tap : raw) tap.weight /= total;
        }
        for (const Tap& tap : raw) t.push_back({clamp_index(tap.index, in), tap.weight});
        break;
      }
    }
  }
  return taps;
}

std::vector<double> apply_separable(const std::vector<double>& input, const Shape& in,
                                    const AxisTaps& taps_h, const AxisTaps& taps_w) {
  if (static_cast<int64_t>(input.size()) != in.count()) throw std::invalid_argument("input size");
  const int64_t oh = static_cast<int64_t>(taps_h.size()), ow = static_cast<int64_t>(taps_w.size());
  std::vector<double> output(static_cast<size_t>(in.n * in.c * oh * ow), 0.0);
  for (int64_t n = 0; n < in.n; ++n) {
    for (int64_t c = 0; c < in.c; ++c) {
      const double* plane = &input[static_cast<size_t>((n * in.c + c) * in.h * in.w)];
      double* out_plane = &output[static_cast<size_t>((n * in.c + c) * oh * ow)];
      for (int64_t y = 0; y < oh; ++y) {
        for (int64_t x = 0; x < ow; ++x) {
          double sum = 0.0;
          for (const Tap& ty : taps_h[static_cast<size_t>(y)]) {
            for (const Tap& tx : taps_w[static_cast<size_t>(x)]) {
              sum += ty.weight * tx.weight * plane[ty.index * in.w + tx.index];
            }
          }
          out_plane[y * ow + x] = sum;
        }
      }
    }
  }
  return output;
}

std::vector<double> resize(const std::vector<double>& input, const Shape& in, int64_t out_h,
                           int64_t out_w, const ResizeSpec& spec) {
  const AxisTaps th = axis_taps(in.h, out_h, spec.scale_h, spec.method, spec.coord, spec.rounding,
                                spec.cubic_a, spec.exclude_outside);
  const AxisTaps tw = axis_taps(in.w, out_w, spec.scale_w, spec.method, spec.coord, spec.rounding,
                                spec.cubic_a, spec.exclude_outside);
  return apply_separable(input, in, th, tw);
}

std::vector<std::vector<int64_t>> nearest_candidates(int64_t in, int64_t out, double scale_option,
                                                     CoordMode coord, NearestRounding rounding) {
  const double scale = axis_scale(in, out, scale_option);
  const bool scale_exact = scale_is_float(in, out, scale_option);
  const bool recentred = coord == CoordMode::kHalfPixelSymmetric &&
                         static_cast<double>(out) != scale * static_cast<double>(in);
  std::vector<std::vector<int64_t>> result(static_cast<size_t>(out));
  for (int64_t xo = 0; xo < out; ++xo) {
    const double x = snap_half(original_coordinate(xo, in, out, scale, coord));
    std::vector<int64_t>& c = result[static_cast<size_t>(xo)];
    c.push_back(clamp_index(round_by_mode(x, rounding), in));
    if (on_rounding_boundary(x, rounding)) {
      const float xf = ort_float_coordinate(xo, in, out, scale_option, coord);
      if (!scale_exact || recentred || static_cast<double>(xf) != x) {
        const double eps = 1e-6 * (1.0 + std::fabs(x));
        for (double alt : {x - eps, x + eps}) {
          const int64_t i = clamp_index(round_by_mode(alt, rounding), in);
          if (std::find(c.begin(), c.end(), i) == c.end()) c.push_back(i);
        }
      }
    }
  }
  return result;
}

}  // namespace upsample_ref
