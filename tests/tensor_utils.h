// Test helpers: tensors in every memory arrangement the tests use, filled from and read back into
// plain NCHW vectors, with canary values around every view; comparisons against the oracles.
#pragma once

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "reference/dtype_reference.h"
#include "reference/resize_reference.h"
#include "upsample/upsample.h"

namespace upsample_test {

using upsample::DType;
using upsample::Layout;
using upsample::TensorView;
using upsample_ref::Shape;

// The value dtypes (kInt32 / kInt64 hold only indices: pool.h).
constexpr DType kAllDTypes[] = {DType::kUInt8, DType::kUInt16, DType::kFloat16, DType::kFloat32};

inline const char* dtype_str(DType d) {
  switch (d) {
    case DType::kUInt8:
      return "uint8";
    case DType::kUInt16:
      return "uint16";
    case DType::kFloat16:
      return "float16";
    case DType::kFloat32:
      return "float32";
    case DType::kInt32:
      return "int32";
    case DType::kInt64:
      return "int64";
  }
  return "?";
}

inline size_t elem_size(DType d) {
  switch (d) {
    case DType::kUInt8:
      return 1;
    case DType::kUInt16:
    case DType::kFloat16:
      return 2;
    case DType::kFloat32:
    case DType::kInt32:
      return 4;
    case DType::kInt64:
      return 8;
  }
  return 0;
}

// Memory arrangements: dense NCHW / NHWC, and crops of a larger NCHW / NHWC buffer (strided views
// whose rows, planes and pixels are not contiguous). NHWC-crop also crops channels (pixels are
// further apart than C); NHWC-window crops only N, H and W, so pixels stay C apart but rows do
// not (the library has packed paths for C = 3 / 4 and fuses 2- and 4-byte pixels into one element,
// both of which need pixels exactly C apart; the fused path also needs aligned data, which every
// view here has except the crops with an odd start).
enum class Mem { kNCHW, kNHWC, kNCHWCrop, kNHWCCrop, kNHWCWindow };
constexpr Mem kAllMems[] = {Mem::kNCHW, Mem::kNHWC, Mem::kNCHWCrop, Mem::kNHWCCrop,
                            Mem::kNHWCWindow};

inline const char* mem_str(Mem m) {
  switch (m) {
    case Mem::kNCHW:
      return "NCHW";
    case Mem::kNHWC:
      return "NHWC";
    case Mem::kNCHWCrop:
      return "NCHW-crop";
    case Mem::kNHWCCrop:
      return "NHWC-crop";
    case Mem::kNHWCWindow:
      return "NHWC-window";
  }
  return "?";
}

inline Layout mem_layout(Mem m) {
  return (m == Mem::kNCHW || m == Mem::kNCHWCrop) ? Layout::kNCHW : Layout::kNHWC;
}

inline std::string shape_str(const Shape& s) {
  return upsample_ref::to_string(s);
}

// Element bits <-> double, for each dtype.
inline double bits_to_value(uint32_t bits, DType d) {
  switch (d) {
    case DType::kUInt8:
    case DType::kUInt16:
      return static_cast<double>(bits);
    case DType::kFloat16:
      return upsample_ref::half_bits_to_double(static_cast<uint16_t>(bits));
    case DType::kFloat32: {
      float f;
      std::memcpy(&f, &bits, 4);
      return static_cast<double>(f);
    }
    case DType::kInt32:
      return static_cast<double>(static_cast<int32_t>(bits));
    case DType::kInt64:
      break;  // does not fit 32 bits: use Buffer::fill_ints / read_ints
  }
  return 0.0;
}

// Only for values the dtype holds exactly (inputs the tests make).
inline uint32_t value_to_bits(double v, DType d) {
  switch (d) {
    case DType::kUInt8:
    case DType::kUInt16:
      return static_cast<uint32_t>(v);
    case DType::kFloat16:
      return upsample_ref::double_to_half_bits(v);
    case DType::kFloat32: {
      const float f = static_cast<float>(v);
      uint32_t bits;
      std::memcpy(&bits, &f, 4);
      return bits;
    }
    case DType::kInt32:
      return static_cast<uint32_t>(static_cast<int32_t>(v));
    case DType::kInt64:
      break;  // does not fit 32 bits: use Buffer::fill_ints / read_ints
  }
  return 0;
}

constexpr unsigned char kCanaryByte = 0xA5;
constexpr int64_t kMargin = 16;  // canary elements before and after every allocation

// An allocation holding one view, with canaries everywhere outside the view.
struct Buffer {
  DType dtype = DType::kFloat32;
  Mem mem = Mem::kNCHW;
  Shape shape;
  std::vector<uint64_t> storage;  // 8-byte aligned backing store
  int64_t alloc_elems = 0;        // elements in the allocation (margins included)
  TensorView view;
  std::vector<char> in_view;  // per allocation element: part of the view

  unsigned char* bytes() { return reinterpret_cast<unsigned char*>(storage.data()); }
  const unsigned char* bytes() const {
    return reinterpret_cast<const unsigned char*>(storage.data());
  }
  std::vector<unsigned char> snapshot() const {
    return std::vector<unsigned char>(bytes(), bytes() + alloc_elems * elem_size(dtype));
  }

  int64_t element_offset(int64_t n, int64_t c, int64_t h, int64_t w) const {
    return n * view.strides[0] + c * view.strides[1] + h * view.strides[2] + w * view.strides[3];
  }
  // Allocation index of logical element (n, c, h, w).
  int64_t alloc_index(int64_t n, int64_t c, int64_t h, int64_t w) const {
    const int64_t base =
        (static_cast<unsigned char*>(view.data) - bytes()) / static_cast<int64_t>(elem_size(dtype));
    return base + element_offset(n, c, h, w);
  }
  // The low 32 bits of an element (all of it for every dtype but int64).
  uint32_t get_bits(int64_t i) const {
    uint32_t v = 0;
    const size_t es = elem_size(dtype);
    std::memcpy(&v, bytes() + i * es, std::min<size_t>(es, 4));  // little-endian hosts
    return v;
  }
  void set_bits(int64_t i, uint32_t v) {
    const size_t es = elem_size(dtype);
    std::memcpy(bytes() + i * es, &v, std::min<size_t>(es, 4));
  }
  // Integer (index) dtypes: int32 sign-extended, int64 whole.
  int64_t get_int(int64_t i) const {
    if (dtype == DType::kInt64) {
      int64_t v = 0;
      std::memcpy(&v, bytes() + i * 8, 8);
      return v;
    }
    return static_cast<int64_t>(static_cast<int32_t>(get_bits(i)));
  }
  void set_int(int64_t i, int64_t v) {
    if (dtype == DType::kInt64) {
      std::memcpy(bytes() + i * 8, &v, 8);
      return;
    }
    set_bits(i, static_cast<uint32_t>(static_cast<int32_t>(v)));
  }

  // NCHW order in and out.
  void fill(const std::vector<double>& nchw) {
    if (dtype == DType::kInt64) {
      std::vector<int64_t> ints;
      for (double v : nchw) ints.push_back(static_cast<int64_t>(v));
      fill_ints(ints);
      return;
    }
    int64_t k = 0;
    for (int64_t n = 0; n < shape.n; ++n)
      for (int64_t c = 0; c < shape.c; ++c)
        for (int64_t h = 0; h < shape.h; ++h)
          for (int64_t w = 0; w < shape.w; ++w)
            set_bits(alloc_index(n, c, h, w), value_to_bits(nchw[static_cast<size_t>(k++)], dtype));
  }
  void fill_bits(const std::vector<uint32_t>& nchw) {
    int64_t k = 0;
    for (int64_t n = 0; n < shape.n; ++n)
      for (int64_t c = 0; c < shape.c; ++c)
        for (int64_t h = 0; h < shape.h; ++h)
          for (int64_t w = 0; w < shape.w; ++w)
            set_bits(alloc_index(n, c, h, w), nchw[static_cast<size_t>(k++)]);
  }
  std::vector<uint32_t> read_bits() const {
    std::vector<uint32_t> out;
    out.reserve(static_cast<size_t>(shape.count()));
    for (int64_t n = 0; n < shape.n; ++n)
      for (int64_t c = 0; c < shape.c; ++c)
        for (int64_t h = 0; h < shape.h; ++h)
          for (int64_t w = 0; w < shape.w; ++w) out.push_back(get_bits(alloc_index(n, c, h, w)));
    return out;
  }
  std::vector<double> read() const {
    std::vector<double> out;
    if (dtype == DType::kInt64) {
      for (int64_t v : read_ints()) out.push_back(static_cast<double>(v));
      return out;
    }
    for (uint32_t b : read_bits()) out.push_back(bits_to_value(b, dtype));
    return out;
  }
  // Integer (index) dtypes, NCHW order in and out; int32 values must fit 32 bits.
  void fill_ints(const std::vector<int64_t>& nchw) {
    int64_t k = 0;
    for (int64_t n = 0; n < shape.n; ++n)
      for (int64_t c = 0; c < shape.c; ++c)
        for (int64_t h = 0; h < shape.h; ++h)
          for (int64_t w = 0; w < shape.w; ++w)
            set_int(alloc_index(n, c, h, w), nchw[static_cast<size_t>(k++)]);
  }
  std::vector<int64_t> read_ints() const {
    std::vector<int64_t> out;
    out.reserve(static_cast<size_t>(shape.count()));
    for (int64_t n = 0; n < shape.n; ++n)
      for (int64_t c = 0; c < shape.c; ++c)
        for (int64_t h = 0; h < shape.h; ++h)
          for (int64_t w = 0; w < shape.w; ++w) out.push_back(get_int(alloc_index(n, c, h, w)));
    return out;
  }

  // "" when every allocation element outside the view still holds the canary.
  std::string check_canaries() const {
    const size_t es = elem_size(dtype);
    int64_t bad = 0, first = -1;
    for (int64_t i = 0; i < alloc_elems; ++i) {
      if (in_view[static_cast<size_t>(i)]) continue;
      for (size_t b = 0; b < es; ++b) {
        if (bytes()[i * es + b] != kCanaryByte) {
          if (first < 0) first = i;
          ++bad;
          break;
        }
      }
    }
    if (!bad) return "";
    std::ostringstream os;
    os << bad << " element(s) outside the output view were overwritten, first at allocation index "
       << first << " (view starts at " << kMargin << ")";
    return os.str();
  }
};

// A view of `shape` in arrangement `mem`; every byte of the allocation starts as the canary.
inline Buffer make_buffer(DType dtype, Mem mem, const Shape& shape) {
  Buffer b;
  b.dtype = dtype;
  b.mem = mem;
  b.shape = shape;
  const bool crop = mem == Mem::kNCHWCrop || mem == Mem::kNHWCCrop || mem == Mem::kNHWCWindow;
  const bool crop_c = mem != Mem::kNHWCWindow;
  // The crop sits at (1, 1, 2, 3) in a buffer larger by (1, 2, 3, 5) (window: C not cropped).
  const int64_t pad[4] = {crop ? 1 : 0, crop && crop_c ? 2 : 0, crop ? 3 : 0, crop ? 5 : 0};
  const int64_t origin[4] = {crop ? 1 : 0, crop && crop_c ? 1 : 0, crop ? 2 : 0, crop ? 3 : 0};
  const int64_t big[4] = {shape.n + pad[0], shape.c + pad[1], shape.h + pad[2], shape.w + pad[3]};
  int64_t st[4];
  if (mem_layout(mem) == Layout::kNCHW) {
    st[3] = 1;
    st[2] = big[3];
    st[1] = big[2] * big[3];
    st[0] = big[1] * big[2] * big[3];
  } else {
    st[1] = 1;
    st[3] = big[1];
    st[2] = big[3] * big[1];
    st[0] = big[2] * big[3] * big[1];
  }
  const int64_t big_elems = big[0] * big[1] * big[2] * big[3];
  b.alloc_elems = big_elems + 2 * kMargin;
  const size_t es = elem_size(dtype);
  b.storage.assign((static_cast<size_t>(b.alloc_elems) * es + 7) / 8, 0);
  std::memset(b.storage.data(), kCanaryByte, static_cast<size_t>(b.alloc_elems) * es);
  const int64_t start =
      kMargin + origin[0] * st[0] + origin[1] * st[1] + origin[2] * st[2] + origin[3] * st[3];
  b.view.data = b.bytes() + start * static_cast<int64_t>(es);
  b.view.dtype = dtype;
  b.view.layout = mem_layout(mem);
  b.view.shape[0] = shape.n;
  b.view.shape[1] = shape.c;
  b.view.shape[2] = shape.h;
  b.view.shape[3] = shape.w;
  for (int i = 0; i < 4; ++i) b.view.strides[i] = st[i];
  b.in_view.assign(static_cast<size_t>(b.alloc_elems), 0);
  for (int64_t n = 0; n < shape.n; ++n)
    for (int64_t c = 0; c < shape.c; ++c)
      for (int64_t h = 0; h < shape.h; ++h)
        for (int64_t w = 0; w < shape.w; ++w)
          b.in_view[static_cast<size_t>(b.alloc_index(n, c, h, w))] = 1;
  return b;
}

// Deterministic test data that each dtype holds exactly: uint8 0..255, uint16 0..65535,
// float16 multiples of 1/64 in [-4, 4], float32 in [-1, 1].
// Runs the calls of its scope on the CPU, whatever the suite's device (UPSAMPLE_DEVICE): for
// tests of CPU kernels (streaming variants, address spans no GPU copy should allocate).
class CpuPolicyGuard {
 public:
  CpuPolicyGuard() : previous_(upsample::execution_policy()) {
    upsample::set_execution_policy(upsample::ExecutionPolicy{});
  }
  ~CpuPolicyGuard() { upsample::set_execution_policy(previous_); }

 private:
  upsample::ExecutionPolicy previous_;
};

inline std::vector<double> random_values(DType dtype, int64_t count, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<double> v(static_cast<size_t>(count));
  for (double& x : v) {
    const uint32_t r = static_cast<uint32_t>(rng());
    switch (dtype) {
      case DType::kUInt8:
        x = static_cast<double>(r % 256u);
        break;
      case DType::kUInt16:
        x = static_cast<double>(r % 65536u);
        break;
      case DType::kFloat16:
        x = static_cast<double>(static_cast<int>(r % 513u) - 256) / 64.0;
        break;
      case DType::kFloat32:
        x = static_cast<double>(
            static_cast<float>(static_cast<double>(r) / 4294967295.0 * 2.0 - 1.0));
        break;
      case DType::kInt32:
      case DType::kInt64:
        x = static_cast<double>(r % 1000u);
        break;
    }
  }
  return v;
}

inline double dtype_max(DType d) {
  return d == DType::kUInt8 ? 255.0 : d == DType::kUInt16 ? 65535.0 : 0.0;
}

// Whether `got` is an acceptable result for an exact value known to lie in [lo, hi] (the band the
// oracle gives when coordinates may carry float32 error); `arith` bounds the error of the float32
// arithmetic of the kernel (see expect_resize):
//  float32: within abs 1e-5 + rel 1e-5 of the band;
//  float16: within one binary16 ulp (+ arith) of the band: the kernel rounds a float32 result once;
//  uint8 / uint16: between the rounded (ties to even, saturated) ends of the band widened by
//  1e-3 + arith, so +/-1 only next to a .5 tie.
inline bool value_acceptable(double got, double lo, double hi, double arith, DType dtype) {
  if (std::isnan(got)) return false;
  switch (dtype) {
    case DType::kFloat32: {
      const double tol = 1e-5 + 1e-5 * std::max(std::fabs(lo), std::fabs(hi));
      return got >= lo - tol && got <= hi + tol;
    }
    case DType::kFloat16: {
      const double tol = upsample_ref::half_ulp(std::max(std::fabs(lo), std::fabs(hi))) + arith;
      return got >= lo - tol && got <= hi + tol;
    }
    case DType::kUInt8:
    case DType::kUInt16: {
      const double e = 1e-3 + arith;
      const double mx = dtype_max(dtype);
      const double a = upsample_ref::round_half_even_saturate(lo - e, 0.0, mx);
      const double b = upsample_ref::round_half_even_saturate(hi + e, 0.0, mx);
      return got >= a && got <= b && got == std::floor(got);
    }
    case DType::kInt32:
    case DType::kInt64:
      break;  // indices: not values
  }
  return false;
}

inline std::string index_str(const Shape& s, int64_t flat) {
  const int64_t w = flat % s.w, h = (flat / s.w) % s.h, c = (flat / (s.w * s.h)) % s.c,
                n = flat / (s.w * s.h * s.c);
  std::ostringstream os;
  os << "(n=" << n << ", c=" << c << ", y=" << h << ", x=" << w << ")";
  return os.str();
}

// Lowercase copy, for message checks.
inline std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  return s;
}

// Whether the message mentions any of the words (case-insensitive).
inline bool mentions_any(const std::string& message, std::initializer_list<const char*> words) {
  const std::string m = lower(message);
  for (const char* w : words)
    if (m.find(lower(w)) != std::string::npos) return true;
  return false;
}

// ---------------------------------------------------------------------------------------------
// Resize against the oracle.

inline upsample_ref::ResizeSpec to_ref_spec(const upsample::ResizeOptions& o) {
  upsample_ref::ResizeSpec s;
  switch (o.method) {
    case upsample::ResizeMethod::kNearest:
      s.method = upsample_ref::Method::kNearest;
      break;
    case upsample::ResizeMethod::kBilinear:
      s.method = upsample_ref::Method::kLinear;
      break;
    case upsample::ResizeMethod::kBicubic:
      s.method = upsample_ref::Method::kCubic;
      break;
  }
  switch (o.coordinate_mode) {
    case upsample::CoordinateMode::kHalfPixel:
      s.coord = upsample_ref::CoordMode::kHalfPixel;
      break;
    case upsample::CoordinateMode::kPytorchHalfPixel:
      s.coord = upsample_ref::CoordMode::kPytorchHalfPixel;
      break;
    case upsample::CoordinateMode::kAlignCorners:
      s.coord = upsample_ref::CoordMode::kAlignCorners;
      break;
    case upsample::CoordinateMode::kAsymmetric:
      s.coord = upsample_ref::CoordMode::kAsymmetric;
      break;
    case upsample::CoordinateMode::kHalfPixelSymmetric:
      s.coord = upsample_ref::CoordMode::kHalfPixelSymmetric;
      break;
  }
  switch (o.nearest_mode) {
    case upsample::NearestMode::kRoundPreferFloor:
      s.rounding = upsample_ref::NearestRounding::kRoundPreferFloor;
      break;
    case upsample::NearestMode::kRoundPreferCeil:
      s.rounding = upsample_ref::NearestRounding::kRoundPreferCeil;
      break;
    case upsample::NearestMode::kFloor:
      s.rounding = upsample_ref::NearestRounding::kFloor;
      break;
    case upsample::NearestMode::kCeil:
      s.rounding = upsample_ref::NearestRounding::kCeil;
      break;
  }
  s.cubic_a = static_cast<double>(o.cubic_a);
  s.exclude_outside = o.exclude_outside;
  s.scale_h = o.scale_h;
  s.scale_w = o.scale_w;
  return s;
}

inline std::string options_str(const upsample::ResizeOptions& o) {
  const upsample_ref::ResizeSpec s = to_ref_spec(o);
  std::ostringstream os;
  os << upsample_ref::to_string(s.method) << " " << upsample_ref::to_string(s.coord);
  if (s.method == upsample_ref::Method::kNearest) os << " " << upsample_ref::to_string(s.rounding);
  if (s.method == upsample_ref::Method::kCubic)
    os << " a=" << s.cubic_a << " exclude_outside=" << (s.exclude_outside ? 1 : 0);
  if (s.scale_h != 0.0 || s.scale_w != 0.0)
    os << " scale=(" << s.scale_h << ", " << s.scale_w << ")";
  return os.str();
}

// What the oracle allows for one resize. nearest: the input pixels each output may copy (exact
// bits). linear / cubic: per output element the band [lo, hi] of exact values the output takes
// when every coordinate moves by up to about 3e-7 relative (float32 coordinate arithmetic), and
// `arith`, a bound on the float32 rounding error of computing the weights and the weighted sum:
//   1e-6 * sum_ij |wy_i wx_j v_ij|  +  eps_w * sum_ij (|wy_i| + |wx_j|) |v_ij|
// where eps_w is the absolute error of one float32 weight: 2e-7 for linear (1 - t, t), 1e-6 for
// cubic, whose Keys polynomial cancels terms of size ~5 (measured: up to 3.6e-7 with the library's
// Horner form, ONNX Runtime evaluates the same polynomial).
struct ResizeExpectation {
  bool nearest = false;
  Shape in, out;
  std::vector<std::vector<int64_t>> cand_h, cand_w;
  std::vector<double> lo, hi, exact;
  std::vector<double> arith;  // bound on the float32 arithmetic error per output element
};

constexpr double kCoordinateShift = 3e-7;

inline ResizeExpectation expect_resize(const std::vector<double>& input, const Shape& in,
                                       int64_t out_h, int64_t out_w,
                                       const upsample::ResizeOptions& o) {
  const upsample_ref::ResizeSpec s = to_ref_spec(o);
  ResizeExpectation e;
  e.in = in;
  e.out = Shape{in.n, in.c, out_h, out_w};
  if (s.method == upsample_ref::Method::kNearest) {
    e.nearest = true;
    e.cand_h = upsample_ref::nearest_candidates(in.h, out_h, s.scale_h, s.coord, s.rounding);
    e.cand_w = upsample_ref::nearest_candidates(in.w, out_w, s.scale_w, s.coord, s.rounding);
    return e;
  }
  auto taps = [&](int64_t li, int64_t lo, double sc, double shift) {
    return upsample_ref::axis_taps(li, lo, sc, s.method, s.coord, s.rounding, s.cubic_a,
                                   s.exclude_outside, shift);
  };
  const upsample_ref::AxisTaps h0 = taps(in.h, out_h, s.scale_h, 0.0);
  const upsample_ref::AxisTaps w0 = taps(in.w, out_w, s.scale_w, 0.0);
  e.exact = upsample_ref::apply_separable(input, in, h0, w0);
  {
    auto absolute = [](upsample_ref::AxisTaps t, bool ones) {
      for (auto& per_output : t)
        for (auto& tap : per_output) tap.weight = ones ? 1.0 : std::fabs(tap.weight);
      return t;
    };
    std::vector<double> abs_input(input);
    for (double& v : abs_input) v = std::fabs(v);
    const std::vector<double> m =
        upsample_ref::apply_separable(abs_input, in, absolute(h0, false), absolute(w0, false));
    const std::vector<double> uh =
        upsample_ref::apply_separable(abs_input, in, absolute(h0, false), absolute(w0, true));
    const std::vector<double> uw =
        upsample_ref::apply_separable(abs_input, in, absolute(h0, true), absolute(w0, false));
    const double eps_w = s.method == upsample_ref::Method::kCubic ? 1e-6 : 2e-7;
    e.arith.resize(m.size());
    for (size_t i = 0; i < m.size(); ++i) e.arith[i] = 1e-6 * m[i] + eps_w * (uh[i] + uw[i]);
  }
  e.lo = e.exact;
  e.hi = e.exact;
  for (double dh : {-kCoordinateShift, kCoordinateShift}) {
    const upsample_ref::AxisTaps th = taps(in.h, out_h, s.scale_h, dh);
    for (double dw : {-kCoordinateShift, kCoordinateShift}) {
      const upsample_ref::AxisTaps tw = taps(in.w, out_w, s.scale_w, dw);
      const std::vector<double> v = upsample_ref::apply_separable(input, in, th, tw);
      for (size_t i = 0; i < v.size(); ++i) {
        e.lo[i] = std::min(e.lo[i], v[i]);
        e.hi[i] = std::max(e.hi[i], v[i]);
      }
    }
  }
  return e;
}

// Compares an output (NCHW bits) with the expectation; "" when every element is acceptable.
inline std::string compare_resize(const std::vector<uint32_t>& in_bits,
                                  const std::vector<uint32_t>& out_bits, DType dtype,
                                  const ResizeExpectation& e) {
  const Shape& in = e.in;
  const Shape& out = e.out;
  auto in_index = [&](int64_t n, int64_t c, int64_t yi, int64_t xi) {
    return static_cast<size_t>(((n * in.c + c) * in.h + yi) * in.w + xi);
  };
  int64_t bad = 0;
  std::ostringstream first;
  first.precision(10);
  for (int64_t n = 0; n < out.n; ++n)
    for (int64_t c = 0; c < out.c; ++c)
      for (int64_t y = 0; y < out.h; ++y)
        for (int64_t x = 0; x < out.w; ++x) {
          const int64_t flat = ((n * out.c + c) * out.h + y) * out.w + x;
          const size_t i = static_cast<size_t>(flat);
          const uint32_t got = out_bits[i];
          bool ok = false;
          if (e.nearest) {
            for (int64_t yi : e.cand_h[static_cast<size_t>(y)])
              for (int64_t xi : e.cand_w[static_cast<size_t>(x)])
                ok = ok || in_bits[in_index(n, c, yi, xi)] == got;
          } else {
            ok = value_acceptable(bits_to_value(got, dtype), e.lo[i], e.hi[i], e.arith[i], dtype);
          }
          if (ok) continue;
          if (!bad) {
            first << "first at " << index_str(out, flat) << ": got " << bits_to_value(got, dtype)
                  << ", expected";
            if (e.nearest) {
              for (int64_t yi : e.cand_h[static_cast<size_t>(y)])
                for (int64_t xi : e.cand_w[static_cast<size_t>(x)])
                  first << " input(y=" << yi << ", x=" << xi
                        << ")=" << bits_to_value(in_bits[in_index(n, c, yi, xi)], dtype);
            } else {
              first << " " << e.exact[i] << " (band [" << e.lo[i] << ", " << e.hi[i]
                    << "], arithmetic error bound " << e.arith[i] << ")";
            }
          }
          ++bad;
        }
  if (!bad) return "";
  std::ostringstream os;
  os << bad << " of " << out.count() << " outputs wrong; " << first.str();
  return os.str();
}

// Runs upsample::resize on `input` (NCHW values) laid out as `mem`, checks the input is not
// written, the canaries around the output are intact and the output matches the expectation.
inline std::string check_resize(DType dtype, Mem mem, const std::vector<double>& input,
                                const ResizeExpectation& e, const upsample::ResizeOptions& o) {
  Buffer in_buf = make_buffer(dtype, mem, e.in);
  in_buf.fill(input);
  const std::vector<unsigned char> in_before = in_buf.snapshot();
  Buffer out_buf = make_buffer(dtype, mem, e.out);
  const upsample::Status st = upsample::resize(in_buf.view, out_buf.view, o);
  if (!st.ok()) return std::string("resize returned an error: ") + st.message();
  if (in_buf.snapshot() != in_before) return "the input buffer was modified";
  const std::string canaries = out_buf.check_canaries();
  if (!canaries.empty()) return canaries;
  return compare_resize(in_buf.read_bits(), out_buf.read_bits(), dtype, e);
}

}  // namespace upsample_test
