// The OpenCV side of the interpolation benchmark: cv::resize on the same data, and the check that
// ours agrees with it.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "cases.h"

namespace upsample_bench {

using upsample::DType;
using upsample::Layout;

int opencv_interpolation(Method method) {
  switch (method) {
    case Method::kBilinear:
      return cv::INTER_LINEAR;
    case Method::kBicubic:
      return cv::INTER_CUBIC;
    default:
      return cv::INTER_NEAREST;
  }
}

const char* opencv_interpolation_name(Method method) {
  switch (method) {
    case Method::kBilinear:
      return "INTER_LINEAR";
    case Method::kBicubic:
      return "INTER_CUBIC";
    case Method::kNearest:
      return "INTER_NEAREST";
    default:
      return "INTER_NEAREST*";  // no OpenCV equivalent of unpooling: the same-size nearest resize
  }
}

void run_opencv(Workspace& ws, Method method) {
  const DataSpec& d = kData[ws.data];
  const int depth = d.dtype == DType::kUInt8 ? CV_8U : CV_32F;
  const int interpolation = opencv_interpolation(method);
  if (d.layout == Layout::kNHWC) {
    // One interleaved image per batch item (N = 1 here).
    const int type = CV_MAKETYPE(depth, int(d.c));
    const size_t in_image = size_t(d.c * d.h * d.w) * ws.elem;
    const size_t out_image = size_t(d.c * ws.out_h * ws.out_w) * ws.elem;
    for (int64_t n = 0; n < d.n; ++n) {
      cv::Mat src(int(d.h), int(d.w), type, ws.input.get() + n * in_image);
      cv::Mat dst(int(ws.out_h), int(ws.out_w), type, ws.opencv.get() + n * out_image);
      cv::resize(src, dst, dst.size(), 0, 0, interpolation);
    }
  } else {
    // Planar: what a user does with OpenCV, one cv::resize per H x W plane.
    const size_t in_plane = size_t(d.h * d.w) * ws.elem;
    const size_t out_plane = size_t(ws.out_h * ws.out_w) * ws.elem;
    for (int64_t p = 0; p < d.n * d.c; ++p) {
      cv::Mat src(int(d.h), int(d.w), depth, ws.input.get() + p * in_plane);
      cv::Mat dst(int(ws.out_h), int(ws.out_w), depth, ws.opencv.get() + p * out_plane);
      cv::resize(src, dst, dst.size(), 0, 0, interpolation);
    }
  }
}

namespace {

struct Diff {
  double max_abs = 0;
  size_t over = 0;  // elements whose difference exceeds the tolerance
  size_t count = 0;
};

template <typename T>
Diff compare(const T* a, const T* b, size_t count, double tolerance) {
  Diff diff;
  diff.count = count;
  for (size_t i = 0; i < count; ++i) {
    const double d = std::fabs(double(a[i]) - double(b[i]));
    if (!(d <= tolerance)) ++diff.over;  // NaN counts as a difference
    if (d > diff.max_abs || d != d) diff.max_abs = d;
  }
  return diff;
}

// Bed of nails by its definition: the input value at each block's top-left corner, else 0.
template <typename T>
Diff check_bed_of_nails(const Workspace& ws) {
  const DataSpec& d = kData[ws.data];
  const int f = kScales[ws.scale].factor;
  const T* in = reinterpret_cast<const T*>(ws.input.get());
  const T* out = reinterpret_cast<const T*>(ws.ours.get());
  Diff diff;
  for (int64_t n = 0; n < d.n; ++n) {
    for (int64_t c = 0; c < d.c; ++c) {
      for (int64_t y = 0; y < ws.out_h; ++y) {
        for (int64_t x = 0; x < ws.out_w; ++x) {
          size_t oi, ii;
          if (d.layout == Layout::kNHWC) {
            oi = size_t(((n * ws.out_h + y) * ws.out_w + x) * d.c + c);
            ii = size_t(((n * d.h + y / f) * d.w + x / f) * d.c + c);
          } else {
            oi = size_t(((n * d.c + c) * ws.out_h + y) * ws.out_w + x);
            ii = size_t(((n * d.c + c) * d.h + y / f) * d.w + x / f);
          }
          const T expected = (y % f == 0 && x % f == 0) ? in[ii] : T(0);
          ++diff.count;
          const double e = std::fabs(double(out[oi]) - double(expected));
          if (e != 0) ++diff.over;
          diff.max_abs = std::max(diff.max_abs, e);
        }
      }
    }
  }
  return diff;
}

}  // namespace

std::string verify(Workspace& ws, Method method, bool* ok) {
  const DataSpec& d = kData[ws.data];
  const bool u8 = d.dtype == DType::kUInt8;
  char line[512];
  const upsample::Status s = run_ours(ws, method);
  if (!s.ok()) {
    *ok = false;
    std::snprintf(line, sizeof(line), "ours failed: %s", s.message().c_str());
    return line;
  }
  Diff diff;
  const char* against;
  double tolerance;
  if (method == Method::kBedOfNails) {
    against = "its definition";
    tolerance = 0;
    diff = u8 ? check_bed_of_nails<uint8_t>(ws) : check_bed_of_nails<float>(ws);
  } else {
    run_opencv(ws, method);
    against = opencv_interpolation_name(method);
    // OpenCV rounds uint8 through fixed-point weights (11 bits for linear), so 1 LSB apart. For
    // float it computes each source coordinate in float32: near x = 1900 that is off by up to
    // 2^-14 (6e-5), so the fraction, and with values in [0, 1) the result, is off by up to
    // length * 2^-24 per axis (ours agrees with a double-precision reference to ~1e-7). The
    // float tolerances grow with the image size accordingly (2x and 4x coordinates are exact).
    const double coordinate_error = double(std::max(d.h, d.w)) * std::ldexp(1.0, -23);
    switch (method) {
      case Method::kBilinear:
        tolerance = u8 ? 1.0 : 1e-5 + coordinate_error;
        break;
      case Method::kBicubic:  // cubic weights change up to ~4x faster with the fraction
        tolerance = u8 ? 1.0 : 1e-4 + 4 * coordinate_error;
        break;
      default:  // nearest picks the same input element: bit-identical
        tolerance = 0;
        break;
    }
    const size_t count = ws.output_bytes() / ws.elem;
    diff = u8 ? compare(ws.ours.get(), ws.opencv.get(), count, tolerance)
              : compare(reinterpret_cast<const float*>(ws.ours.get()),
                        reinterpret_cast<const float*>(ws.opencv.get()), count, tolerance);
  }
  *ok = diff.over == 0;
  std::snprintf(line, sizeof(line),
                "%s vs %s: max |diff| %.3g, %zu of %zu values beyond tolerance %.3g (%.4f%%)",
                *ok ? "agrees" : "DIFFERS", against, diff.max_abs, diff.over, diff.count, tolerance,
                diff.count ? 100.0 * double(diff.over) / double(diff.count) : 0.0);
  return line;
}

}  // namespace upsample_bench
