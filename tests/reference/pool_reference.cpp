#include "reference/pool_reference.h"

#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace upsample_ref {

const char* to_string(PoolIndexSpace s) {
  return s == PoolIndexSpace::kPlane ? "plane" : "tensor";
}

std::string to_string(const PoolSpec& s) {
  std::ostringstream os;
  os << "kernel " << s.kernel_h << "x" << s.kernel_w << " stride " << s.stride_h << "x"
     << s.stride_w << " padding " << s.padding_h << "x" << s.padding_w << " dilation "
     << s.dilation_h << "x" << s.dilation_w << (s.ceil_mode ? " ceil_mode" : "") << " index "
     << to_string(s.space);
  return os.str();
}

namespace {

// Floor and ceiling of a / b for b > 0, exact in integers.
int64_t floor_div(int64_t a, int64_t b) {
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}
int64_t ceil_div(int64_t a, int64_t b) {
  return a >= 0 ? (a + b - 1) / b : -((-a) / b);
}

struct Axis {
  int64_t length;
  int kernel, stride, padding, dilation;
};

Axis axis_h(const Shape& in, const PoolSpec& s) {
  return Axis{in.h, s.kernel_h, s.stride_h == 0 ? s.kernel_h : s.stride_h, s.padding_h,
              s.dilation_h};
}
Axis axis_w(const Shape& in, const PoolSpec& s) {
  return Axis{in.w, s.kernel_w, s.stride_w == 0 ? s.kernel_w : s.stride_w, s.padding_w,
              s.dilation_w};
}

// The input positions of window o along one axis, in order, inside the input only.
std::vector<int64_t> window(const Axis& a, int64_t o) {
  std::vector<int64_t> pos;
  const int64_t start = o * a.stride - a.padding;
  for (int64_t i = 0; i < a.kernel; ++i) {
    const int64_t p = start + i * a.dilation;
    if (p >= 0 && p < a.length) pos.push_back(p);
  }
  return pos;
}

}  // namespace

int64_t pool_output_length(int64_t input_length, int kernel, int stride, int padding, int dilation,
                           bool ceil_mode) {
  if (kernel < 1) throw std::invalid_argument("kernel below 1");
  if (dilation < 1) throw std::invalid_argument("dilation below 1");
  if (stride < 0) throw std::invalid_argument("stride below 0");
  if (padding < 0) throw std::invalid_argument("padding below 0");
  if (input_length < 1) throw std::invalid_argument("input length below 1");
  const int64_t s = stride == 0 ? kernel : stride;
  const int64_t num = input_length + 2 * int64_t{padding} - int64_t{dilation} * (kernel - 1) - 1;
  int64_t out = (ceil_mode ? ceil_div(num, s) : floor_div(num, s)) + 1;
  if (ceil_mode && (out - 1) * s >= input_length + padding) --out;
  if (out < 1) throw std::invalid_argument("output length below 1");
  return out;
}

std::string pool_spec_error(const Shape& in, const PoolSpec& s) {
  if (s.kernel_h < 1 || s.kernel_w < 1) return "kernel below 1";
  if (s.dilation_h < 1 || s.dilation_w < 1) return "dilation below 1";
  if (s.stride_h < 0 || s.stride_w < 0) return "stride below 0";
  if (s.padding_h < 0 || s.padding_w < 0) return "padding below 0";
  if (s.padding_h > s.kernel_h / 2 || s.padding_w > s.kernel_w / 2)
    return "padding over half the kernel";
  try {
    pool_output_length(in.h, s.kernel_h, s.stride_h, s.padding_h, s.dilation_h, s.ceil_mode);
    pool_output_length(in.w, s.kernel_w, s.stride_w, s.padding_w, s.dilation_w, s.ceil_mode);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

Shape max_pool2d_shape(const Shape& in, const PoolSpec& s) {
  const std::string error = pool_spec_error(in, s);
  if (!error.empty()) throw std::invalid_argument(error);
  return Shape{
      in.n, in.c,
      pool_output_length(in.h, s.kernel_h, s.stride_h, s.padding_h, s.dilation_h, s.ceil_mode),
      pool_output_length(in.w, s.kernel_w, s.stride_w, s.padding_w, s.dilation_w, s.ceil_mode)};
}

bool pool_has_empty_window(const Shape& in, const PoolSpec& s) {
  const Shape out = max_pool2d_shape(in, s);
  const Axis ah = axis_h(in, s), aw = axis_w(in, s);
  for (int64_t o = 0; o < out.h; ++o)
    if (window(ah, o).empty()) return true;
  for (int64_t o = 0; o < out.w; ++o)
    if (window(aw, o).empty()) return true;
  return false;
}

PoolResult max_pool2d(const std::vector<double>& input, const Shape& in, const PoolSpec& s) {
  if (static_cast<int64_t>(input.size()) != in.count()) throw std::invalid_argument("input size");
  PoolResult r;
  r.shape = max_pool2d_shape(in, s);
  const Axis ah = axis_h(in, s), aw = axis_w(in, s);
  const size_t count = static_cast<size_t>(r.shape.count());
  r.values.assign(count, -std::numeric_limits<double>::infinity());
  r.indices.assign(count, -1);
  r.source.assign(count, -1);
  size_t k = 0;
  for (int64_t n = 0; n < in.n; ++n)
    for (int64_t c = 0; c < in.c; ++c) {
      const int64_t plane = (n * in.c + c) * in.h * in.w;
      for (int64_t oh = 0; oh < r.shape.h; ++oh) {
        const std::vector<int64_t> rows = window(ah, oh);
        for (int64_t ow = 0; ow < r.shape.w; ++ow, ++k) {
          const std::vector<int64_t> cols = window(aw, ow);
          bool first = true;
          double best = 0.0;
          int64_t best_at = -1;
          for (int64_t ih : rows)
            for (int64_t iw : cols) {
              const int64_t at = ih * in.w + iw;
              const double v = input[static_cast<size_t>(plane + at)];
              if (first || v > best || std::isnan(v)) {
                best = v;
                best_at = at;
              }
              first = false;
            }
          if (best_at < 0) continue;  // empty window: -inf, index -1
          r.values[k] = best;
          r.source[k] = plane + best_at;
          r.indices[k] = s.space == PoolIndexSpace::kPlane ? best_at : plane + best_at;
        }
      }
    }
  return r;
}

std::vector<double> max_unpool2d(const std::vector<double>& input,
                                 const std::vector<int64_t>& indices, const Shape& in,
                                 int64_t out_h, int64_t out_w, PoolIndexSpace space) {
  if (static_cast<int64_t>(input.size()) != in.count() ||
      static_cast<int64_t>(indices.size()) != in.count())
    throw std::invalid_argument("input or indices size");
  if (out_h < 1 || out_w < 1) throw std::invalid_argument("output size below 1");
  const int64_t plane_size = out_h * out_w;
  std::vector<double> out(static_cast<size_t>(in.n * in.c * plane_size), 0.0);
  size_t k = 0;
  for (int64_t n = 0; n < in.n; ++n)
    for (int64_t c = 0; c < in.c; ++c) {
      const int64_t plane = (n * in.c + c) * plane_size;
      for (int64_t h = 0; h < in.h; ++h)
        for (int64_t w = 0; w < in.w; ++w, ++k) {
          const int64_t index = indices[k];
          const int64_t at = space == PoolIndexSpace::kPlane ? plane + index : index;
          if (at < plane || at >= plane + plane_size) {
            std::ostringstream os;
            os << "index " << index << " at (n=" << n << ", c=" << c << ", h=" << h << ", w=" << w
               << ") outside [" << (space == PoolIndexSpace::kPlane ? 0 : plane) << ", "
               << (space == PoolIndexSpace::kPlane ? plane_size : plane + plane_size) << ")";
            throw std::out_of_range(os.str());
          }
          out[static_cast<size_t>(at)] = input[k];
        }
    }
  return out;
}

}  // namespace upsample_ref
