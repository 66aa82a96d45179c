// The learnable and rearranging upsampling operators against the hardware bounds (and PyTorch).
//
//   upsample_conv_bench [--quick] [--csv=PATH] [--table=PATH] [--pytorch-csv=PATH]
//                       [--rounds=N] [--repetitions=N] [--min-time=S] [--threads=1,2]
//                       [--no-verify]
//                       [--bandwidth-mib=N] [--bandwidth-runs=N] [--peak-runs=N]
//                       [--peak: print the FMA peaks and exit] [--probe-cpu]
//                       [Google Benchmark flags, e.g. --benchmark_filter=conv_transpose2d_fwd]
//
// conv_transpose2d forward and backward (grad input + grad weight + grad bias in one
// conv_transpose2d_backward call), float32, on
//   a: 1x64x64x64 -> 64 channels, kernel 4, stride 2, padding 1 (NCHW and NHWC)
//   b: 1x64x64x64 -> 64 channels, kernel 3, stride 2, padding 1, output padding 1 (NCHW)
//   c: 8x256x32x32 -> 128 channels, kernel 4, stride 2, padding 1 (NCHW)
// against the FP32 FMA peak measured in the same run (peak.h): useful GFLOP/s =
// 2 * N * C_in * C_out * kH * kW * H * W per forward (the input's H, W), twice that per backward.
// max_unpool2d (1x64x64x64 values and int64 indices from a 2x2 max pooling -> 1x64x128x128; also
// with int32 indices, and with one index moved out of its window, which makes the call scatter
// instead of gathering by windows) and
// pixel_shuffle (1x256x128x128 -> 1x64x256x256, factor 2) against the memory-bandwidth bound
// measured in the same run (bandwidth.h): (bytes read + bytes written) / copy bandwidth.
// --pytorch-csv reads bench/pytorch_bench.py's CSV and puts PyTorch's times beside ours.
// Before timing, each case is checked against a plain loop (sampled points for the convolutions).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "bandwidth.h"
#include "bench_common.h"
#include "conv_goals.h"
#include "peak.h"
#include "upsample/upsample.h"

#ifndef UPSAMPLE_CONV_BENCH_DEFAULT_CSV
#define UPSAMPLE_CONV_BENCH_DEFAULT_CSV "conv_results.csv"
#endif

namespace upsample_bench {
namespace {

using upsample::DType;
using upsample::Layout;
using upsample::TensorView;

struct Config : CommonOptions {
  Config() {
    repetitions = 3;
    min_time = 0.3;
    csv = UPSAMPLE_CONV_BENCH_DEFAULT_CSV;
  }
  int rounds = 3;
  int peak_runs = 5;
  std::string pytorch_csv;
};
Config g_config;

// ---------------------------------------------------------------------------------------------
// Cases

struct ConvShape {
  const char* name;
  const char* label;
  int64_t n, c_in, h, w, c_out;
  int kernel, stride, padding, output_padding;
};

const ConvShape kConvShapes[] = {
    {"a", "1x64x64x64->64 k4 s2 p1", 1, 64, 64, 64, 64, 4, 2, 1, 0},
    {"b", "1x64x64x64->64 k3 s2 p1 op1", 1, 64, 64, 64, 64, 3, 2, 1, 1},
    {"c", "8x256x32x32->128 k4 s2 p1", 8, 256, 32, 32, 128, 4, 2, 1, 0},
};

enum class Op : int {
  kConvFwd,
  kConvBwd,
  kMaxUnpool,
  kMaxUnpoolI32,
  kMaxUnpoolScatter,
  kPixelShuffle
};

const char* op_name(Op op) {
  switch (op) {
    case Op::kConvFwd:
      return "conv_transpose2d_fwd";
    case Op::kConvBwd:
      return "conv_transpose2d_bwd";
    case Op::kMaxUnpool:
      return "max_unpool2d";
    case Op::kMaxUnpoolI32:
      return "max_unpool2d_i32";
    case Op::kMaxUnpoolScatter:
      return "max_unpool2d_scatter";
    case Op::kPixelShuffle:
      return "pixel_shuffle";
  }
  return "?";
}

bool is_conv(Op op) {
  return op == Op::kConvFwd || op == Op::kConvBwd;
}

struct Case {
  Op op;
  int shape;  // index into kConvShapes for the convolutions, unused otherwise
  Layout layout;
  int threads;
  std::string name;  // the benchmark's name: op/case/layout/tN
  std::string shape_name() const;
  std::string key() const;  // op/case/layout/threads, as in the PyTorch CSV
};

const char* kUnpoolCase = "1x64x64x64_k2";
const char* kShuffleCase = "1x256x128x128_f2";

std::string Case::shape_name() const {
  if (is_conv(op)) return kConvShapes[shape].name;
  return op == Op::kPixelShuffle ? kShuffleCase : kUnpoolCase;
}
std::string Case::key() const {
  return std::string(op_name(op)) + "/" + shape_name() + "/" +
         (layout == Layout::kNHWC ? "nhwc" : "nchw") + "/t" + std::to_string(threads);
}

// ---------------------------------------------------------------------------------------------
// Buffers

struct Buffer {
  struct Free {
    void operator()(void* p) const { std::free(p); }
  };
  std::unique_ptr<uint8_t, Free> data;
  size_t bytes = 0;
  void allocate(size_t n) {
    bytes = n;
    void* p = std::aligned_alloc(64, (n + 63) & ~size_t(63));
    if (p == nullptr) throw std::bad_alloc();
    std::memset(p, 0, n);  // fault the pages in now
    data.reset(static_cast<uint8_t*>(p));
  }
  float* f() const { return reinterpret_cast<float*>(data.get()); }
  template <typename T>
  T* as() const {
    return reinterpret_cast<T*>(data.get());
  }
};

void fill_random(float* p, size_t count, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  for (size_t i = 0; i < count; ++i) p[i] = dist(rng);
}

int64_t offset(const TensorView& v, int64_t n, int64_t c, int64_t h, int64_t w) {
  return n * v.strides[0] + c * v.strides[1] + h * v.strides[2] + w * v.strides[3];
}
float at(const TensorView& v, int64_t n, int64_t c, int64_t h, int64_t w) {
  return static_cast<const float*>(v.data)[offset(v, n, c, h, w)];
}

// Everything one case needs, built on first use and kept (the largest set, case c backward, is
// about 50 MiB).
struct Workspace {
  Buffer input, weight, bias, output, grad_output, grad_input, grad_weight, grad_bias, indices;
  TensorView in_v, w_v, b_v, out_v, go_v, gi_v, gw_v, gb_v, idx_v;
  upsample::ConvTranspose2dOptions conv;
  double read_bytes = 0, written_bytes = 0;  // for the bandwidth bound
  double flops = 0;                          // useful flops per call
};

std::map<std::string, std::unique_ptr<Workspace>> g_workspaces;  // key: op/case/layout

int64_t conv_out_len(int64_t in, const ConvShape& s) {
  return (in - 1) * s.stride - 2 * s.padding + (s.kernel - 1) + s.output_padding + 1;
}

Workspace& workspace(const Case& c) {
  const std::string key = std::string(op_name(c.op)) + "/" + c.shape_name() + "/" +
                          (c.layout == Layout::kNHWC ? "nhwc" : "nchw");
  auto it = g_workspaces.find(key);
  if (it != g_workspaces.end()) return *it->second;
  auto ws = std::make_unique<Workspace>();
  Workspace& w = *ws;
  if (is_conv(c.op)) {
    const ConvShape& s = kConvShapes[c.shape];
    const int64_t oh = conv_out_len(s.h, s), ow = conv_out_len(s.w, s);
    const size_t in_n = size_t(s.n * s.c_in * s.h * s.w);
    const size_t w_n = size_t(s.c_in * s.c_out * s.kernel * s.kernel);
    const size_t out_n = size_t(s.n * s.c_out * oh * ow);
    w.input.allocate(in_n * 4);
    w.weight.allocate(w_n * 4);
    w.bias.allocate(size_t(s.c_out) * 4);
    fill_random(w.input.f(), in_n, 1);
    fill_random(w.weight.f(), w_n, 2);
    fill_random(w.bias.f(), size_t(s.c_out), 3);
    // Scale the weights as PyTorch's default initialization does (about 1/sqrt(fan in)), so that
    // outputs stay near 1 in magnitude.
    const float scale = 1.0f / std::sqrt(float(s.c_out * s.kernel * s.kernel));
    for (size_t i = 0; i < w_n; ++i) w.weight.f()[i] *= scale;
    w.in_v = upsample::make_tensor(w.input.f(), DType::kFloat32, c.layout, s.n, s.c_in, s.h, s.w);
    w.w_v = upsample::make_tensor(w.weight.f(), DType::kFloat32, Layout::kNCHW, s.c_in, s.c_out,
                                  s.kernel, s.kernel);
    w.b_v = upsample::make_vector_tensor(w.bias.f(), s.c_out);
    w.conv.stride_h = w.conv.stride_w = s.stride;
    w.conv.padding_h = w.conv.padding_w = s.padding;
    w.conv.output_padding_h = w.conv.output_padding_w = s.output_padding;
    w.flops = 2.0 * double(s.n) * double(s.c_in) * double(s.c_out) * s.kernel * s.kernel *
              double(s.h) * double(s.w);
    if (c.op == Op::kConvFwd) {
      w.output.allocate(out_n * 4);
      w.out_v =
          upsample::make_tensor(w.output.f(), DType::kFloat32, c.layout, s.n, s.c_out, oh, ow);
      w.read_bytes = double(in_n + w_n + size_t(s.c_out)) * 4;
      w.written_bytes = double(out_n) * 4;
    } else {
      w.flops *= 2;  // grad input and grad weight, each as much work as the forward
      w.grad_output.allocate(out_n * 4);
      fill_random(w.grad_output.f(), out_n, 4);
      w.grad_input.allocate(in_n * 4);
      w.grad_weight.allocate(w_n * 4);
      w.grad_bias.allocate(size_t(s.c_out) * 4);
      w.go_v =
          upsample::make_tensor(w.grad_output.f(), DType::kFloat32, c.layout, s.n, s.c_out, oh, ow);
      w.gi_v =
          upsample::make_tensor(w.grad_input.f(), DType::kFloat32, c.layout, s.n, s.c_in, s.h, s.w);
      w.gw_v = upsample::make_tensor(w.grad_weight.f(), DType::kFloat32, Layout::kNCHW, s.c_in,
                                     s.c_out, s.kernel, s.kernel);
      w.gb_v = upsample::make_vector_tensor(w.grad_bias.f(), s.c_out);
      w.read_bytes = double(in_n + w_n + out_n) * 4;
      w.written_bytes = double(in_n + w_n + size_t(s.c_out)) * 4;
    }
  } else if (c.op == Op::kPixelShuffle) {
    const int64_t n = 1, cin = 256, h = 128, wd = 128, f = 2;
    const size_t count = size_t(n * cin * h * wd);
    w.input.allocate(count * 4);
    w.output.allocate(count * 4);
    fill_random(w.input.f(), count, 5);
    w.in_v = upsample::make_tensor(w.input.f(), DType::kFloat32, c.layout, n, cin, h, wd);
    w.out_v = upsample::make_tensor(w.output.f(), DType::kFloat32, c.layout, n, cin / (f * f),
                                    h * f, wd * f);
    w.read_bytes = w.written_bytes = double(count) * 4;
  } else {  // max_unpool2d: the values and indices of a 2x2 max pooling of a 128x128 plane
    const bool i32 = c.op == Op::kMaxUnpoolI32;
    const int64_t n = 1, ch = 64, h = 64, wd = 64, oh = 128, ow = 128;
    const size_t count = size_t(n * ch * h * wd), out_count = size_t(n * ch * oh * ow);
    w.input.allocate(count * 4);
    w.indices.allocate(count * (i32 ? 4 : 8));
    w.output.allocate(out_count * 4);
    fill_random(w.input.f(), count, 6);
    std::mt19937 rng(7);
    for (int64_t p = 0; p < n * ch; ++p) {
      for (int64_t y = 0; y < h; ++y) {
        for (int64_t x = 0; x < wd; ++x) {
          const uint32_t r = rng();
          const int64_t index = (2 * y + (r & 1)) * ow + 2 * x + ((r >> 1) & 1);
          const size_t at_ = size_t((p * h + y) * wd + x);
          if (i32) {
            w.indices.as<int32_t>()[at_] = int32_t(index);
          } else {
            w.indices.as<int64_t>()[at_] = index;
          }
        }
      }
    }
    // The last element of the first plane names the plane's first pixel, in window (0, 0): the
    // indices are then not all in their own windows (and that element wins the pixel).
    if (c.op == Op::kMaxUnpoolScatter) w.indices.as<int64_t>()[size_t(h * wd - 1)] = 0;
    w.in_v = upsample::make_tensor(w.input.f(), DType::kFloat32, Layout::kNCHW, n, ch, h, wd);
    w.idx_v = upsample::make_tensor(w.indices.data.get(), i32 ? DType::kInt32 : DType::kInt64,
                                    Layout::kNCHW, n, ch, h, wd);
    w.out_v = upsample::make_tensor(w.output.f(), DType::kFloat32, Layout::kNCHW, n, ch, oh, ow);
    w.read_bytes = double(count) * (4 + (i32 ? 4 : 8));
    w.written_bytes = double(out_count) * 4;
  }
  Workspace& ref = *ws;
  g_workspaces[key] = std::move(ws);
  return ref;
}

upsample::Status run_once(const Case& c, Workspace& w) {
  switch (c.op) {
    case Op::kConvFwd:
      return upsample::conv_transpose2d(w.in_v, w.w_v, &w.b_v, w.out_v, w.conv);
    case Op::kConvBwd:
      return upsample::conv_transpose2d_backward(w.in_v, w.w_v, w.go_v, &w.gi_v, &w.gw_v, &w.gb_v,
                                                 w.conv);
    case Op::kMaxUnpool:
    case Op::kMaxUnpoolI32:
    case Op::kMaxUnpoolScatter:
      return upsample::max_unpool2d(w.in_v, w.idx_v, w.out_v, upsample::MaxUnpoolOptions());
    case Op::kPixelShuffle: {
      upsample::ShuffleOptions o;
      o.factor_h = o.factor_w = 2;
      o.order = upsample::ShuffleOrder::kCRD;
      return upsample::pixel_shuffle(w.in_v, w.out_v, o);
    }
  }
  return upsample::Status(upsample::StatusCode::kInternal, "unknown op");
}

// ---------------------------------------------------------------------------------------------
// Checks against plain loops (double accumulation); sampled for the convolutions.

struct Verdict {
  bool ok = true;
  std::string line;
};

// |got - want| <= 1e-4 * (sum of |terms|) + 1e-6: float accumulation in any order.
struct Checker {
  int64_t points = 0, bad = 0;
  double worst = 0;  // largest error / allowance
  std::string first_bad;
  void check(double got, double want, double magnitude, const std::string& where) {
    ++points;
    const double allow = 1e-4 * magnitude + 1e-6;
    const double err = std::fabs(got - want);
    worst = std::max(worst, err / allow);
    if (!(err <= allow)) {
      if (bad++ == 0) {
        char buf[160];
        std::snprintf(buf, sizeof(buf), " (first: %s got %.6g want %.6g)", where.c_str(), got,
                      want);
        first_bad = buf;
      }
    }
  }
};

Verdict verify_conv(const Case& c, Workspace& w) {
  const ConvShape& s = kConvShapes[c.shape];
  const int64_t oh = conv_out_len(s.h, s), ow = conv_out_len(s.w, s);
  const int k = s.kernel, st = s.stride, p = s.padding;
  std::mt19937 rng(11);
  auto pick = [&](int64_t n) { return int64_t(rng() % uint64_t(n)); };
  const int samples = g_config.quick ? 128 : 512;
  const float* wt = w.weight.f();
  auto wat = [&](int64_t ci, int64_t co, int ky, int kx) {
    return wt[((ci * s.c_out + co) * k + ky) * k + kx];
  };
  Checker out, gi, gw, gb;
  if (c.op == Op::kConvFwd) {
    for (int i = 0; i < samples; ++i) {
      const int64_t n = pick(s.n), co = pick(s.c_out), y = pick(oh), x = pick(ow);
      double sum = w.bias.f()[co], mag = std::fabs(sum);
      for (int ky = 0; ky < k; ++ky) {
        const int64_t ty = y + p - ky;
        if (ty < 0 || ty % st || ty / st >= s.h) continue;
        for (int kx = 0; kx < k; ++kx) {
          const int64_t tx = x + p - kx;
          if (tx < 0 || tx % st || tx / st >= s.w) continue;
          for (int64_t ci = 0; ci < s.c_in; ++ci) {
            const double t = double(at(w.in_v, n, ci, ty / st, tx / st)) * wat(ci, co, ky, kx);
            sum += t;
            mag += std::fabs(t);
          }
        }
      }
      out.check(at(w.out_v, n, co, y, x), sum, mag, "output");
    }
    Verdict v;
    v.ok = out.bad == 0;
    char buf[256];
    std::snprintf(buf, sizeof(buf), "%lld sampled outputs, %lld off (worst %.2g of tolerance)%s",
                  (long long)out.points, (long long)out.bad, out.worst, out.first_bad.c_str());
    v.line = buf;
    return v;
  }
  // Backward.
  for (int i = 0; i < samples; ++i) {  // grad input: a correlation of grad_output
    const int64_t n = pick(s.n), ci = pick(s.c_in), y = pick(s.h), x = pick(s.w);
    double sum = 0, mag = 0;
    for (int ky = 0; ky < k; ++ky) {
      const int64_t oy = y * st - p + ky;
      if (oy < 0 || oy >= oh) continue;
      for (int kx = 0; kx < k; ++kx) {
        const int64_t ox = x * st - p + kx;
        if (ox < 0 || ox >= ow) continue;
        for (int64_t co = 0; co < s.c_out; ++co) {
          const double t = double(at(w.go_v, n, co, oy, ox)) * wat(ci, co, ky, kx);
          sum += t;
          mag += std::fabs(t);
        }
      }
    }
    gi.check(at(w.gi_v, n, ci, y, x), sum, mag, "grad_input");
  }
  for (int i = 0; i < samples / 4; ++i) {  // grad weight: sum over the batch and the input plane
    const int64_t ci = pick(s.c_in), co = pick(s.c_out);
    const int ky = int(pick(k)), kx = int(pick(k));
    double sum = 0, mag = 0;
    for (int64_t n = 0; n < s.n; ++n) {
      for (int64_t y = 0; y < s.h; ++y) {
        const int64_t oy = y * st - p + ky;
        if (oy < 0 || oy >= oh) continue;
        for (int64_t x = 0; x < s.w; ++x) {
          const int64_t ox = x * st - p + kx;
          if (ox < 0 || ox >= ow) continue;
          const double t = double(at(w.in_v, n, ci, y, x)) * at(w.go_v, n, co, oy, ox);
          sum += t;
          mag += std::fabs(t);
        }
      }
    }
    gw.check(at(w.gw_v, ci, co, ky, kx), sum, mag, "grad_weight");
  }
  for (int64_t co = 0; co < s.c_out; ++co) {  // grad bias: every channel
    double sum = 0, mag = 0;
    for (int64_t n = 0; n < s.n; ++n) {
      for (int64_t y = 0; y < oh; ++y) {
        for (int64_t x = 0; x < ow; ++x) {
          const double t = at(w.go_v, n, co, y, x);
          sum += t;
          mag += std::fabs(t);
        }
      }
    }
    gb.check(w.grad_bias.f()[co], sum, mag, "grad_bias");
  }
  Verdict v;
  v.ok = gi.bad == 0 && gw.bad == 0 && gb.bad == 0;
  char buf[512];
  std::snprintf(buf, sizeof(buf),
                "grad_input %lld sampled, %lld off; grad_weight %lld sampled, %lld off; grad_bias "
                "%lld, %lld off (worst %.2g of tolerance)%s%s%s",
                (long long)gi.points, (long long)gi.bad, (long long)gw.points, (long long)gw.bad,
                (long long)gb.points, (long long)gb.bad, std::max({gi.worst, gw.worst, gb.worst}),
                gi.first_bad.c_str(), gw.first_bad.c_str(), gb.first_bad.c_str());
  v.line = buf;
  return v;
}

Verdict verify_copy(const Case& c, Workspace& w) {
  int64_t points = 0, bad = 0;
  std::string first;
  auto check = [&](float got, float want, int64_t n, int64_t ch, int64_t y, int64_t x) {
    ++points;
    if (std::memcmp(&got, &want, 4) != 0 && bad++ == 0) {
      char buf[128];
      std::snprintf(buf, sizeof(buf), " (first: output[%lld,%lld,%lld,%lld] = %g, want %g)",
                    (long long)n, (long long)ch, (long long)y, (long long)x, got, want);
      first = buf;
    }
  };
  const TensorView& o = w.out_v;
  if (c.op == Op::kPixelShuffle) {
    for (int64_t n = 0; n < o.shape[0]; ++n)
      for (int64_t ch = 0; ch < o.shape[1]; ++ch)
        for (int64_t y = 0; y < o.shape[2]; ++y)
          for (int64_t x = 0; x < o.shape[3]; ++x)
            check(at(o, n, ch, y, x), at(w.in_v, n, ch * 4 + (y % 2) * 2 + x % 2, y / 2, x / 2), n,
                  ch, y, x);
  } else {
    // Every output position: zero unless an index names it.
    std::vector<float> want(size_t(o.shape[0] * o.shape[1] * o.shape[2] * o.shape[3]), 0.0f);
    const int64_t plane = o.shape[2] * o.shape[3];
    const bool i32 = w.idx_v.dtype == DType::kInt32;
    for (int64_t n = 0; n < w.in_v.shape[0]; ++n)
      for (int64_t ch = 0; ch < w.in_v.shape[1]; ++ch)
        for (int64_t y = 0; y < w.in_v.shape[2]; ++y)
          for (int64_t x = 0; x < w.in_v.shape[3]; ++x) {
            const int64_t e = offset(w.idx_v, n, ch, y, x);
            const int64_t index = i32 ? w.indices.as<int32_t>()[e] : w.indices.as<int64_t>()[e];
            want[size_t((n * o.shape[1] + ch) * plane + index)] = at(w.in_v, n, ch, y, x);
          }
    for (int64_t n = 0; n < o.shape[0]; ++n)
      for (int64_t ch = 0; ch < o.shape[1]; ++ch)
        for (int64_t y = 0; y < o.shape[2]; ++y)
          for (int64_t x = 0; x < o.shape[3]; ++x)
            check(at(o, n, ch, y, x),
                  want[size_t((n * o.shape[1] + ch) * plane + y * o.shape[3] + x)], n, ch, y, x);
  }
  Verdict v;
  v.ok = bad == 0;
  v.line = std::to_string(points) + " outputs compared bit for bit, " + std::to_string(bad) +
           " differ" + first;
  return v;
}

std::map<std::string, Verdict> g_verdicts;  // key: op/case/layout

// ---------------------------------------------------------------------------------------------
// Benchmarks

std::vector<Case> g_cases;
std::map<int, double> g_peak_gflops;  // per thread count: the best FMA peak so far
std::map<int, double> g_copy_gbs;     // per thread count: the best copy bandwidth so far

void run_case(benchmark::State& state, const Case& c) {
  Workspace& w = workspace(c);
  upsample::set_num_threads(c.threads);
  std::string error;
  auto once = [&]() -> bool {
    const upsample::Status s = run_once(c, w);
    if (!s.ok()) error = s.message();
    return s.ok();
  };
  // One untimed call: the thread pool started at this thread count, caches and TLBs warm, and
  // the outputs there to check.
  if (!once()) {
    state.SkipWithError(error.c_str());
    return;
  }
  const std::string vkey = std::string(op_name(c.op)) + "/" + c.shape_name() + "/" +
                           (c.layout == Layout::kNHWC ? "nhwc" : "nchw");
  if (g_config.verify && g_verdicts.find(vkey) == g_verdicts.end()) {
    Verdict v = is_conv(c.op) ? verify_conv(c, w) : verify_copy(c, w);
    std::printf("%s %s: %s\n", v.ok ? "verify" : "WARNING: verify", vkey.c_str(), v.line.c_str());
    std::fflush(stdout);
    g_verdicts[vkey] = v;
  }
  for (auto _ : state) {
    once();
    benchmark::ClobberMemory();
  }
  if (is_conv(c.op)) {
    state.counters["GFLOPs"] =
        benchmark::Counter(w.flops * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
    const auto peak = g_peak_gflops.find(c.threads);
    if (peak != g_peak_gflops.end() && peak->second > 0) {
      state.counters["of_peak"] = benchmark::Counter(w.flops * 1e-9 / peak->second,
                                                     benchmark::Counter::kIsIterationInvariantRate);
    }
  } else {
    const double bytes = w.read_bytes + w.written_bytes;
    state.SetBytesProcessed(int64_t(bytes) * state.iterations());
    const auto bw = g_copy_gbs.find(c.threads);
    if (bw != g_copy_gbs.end() && bw->second > 0) {
      state.counters["x_bound"] = benchmark::Counter(
          bytes / (bw->second * 1e9),
          benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
    }
  }
}

void register_cases() {
  // Thread counts are the outer loop, lowest first: Halide's thread pool keeps the workers it has
  // spawned (see upsample_bench.cpp), so every 1-thread case runs before any 2-thread case.
  for (int t : g_config.threads) {
    std::vector<Case> list;
    for (Op op : {Op::kConvFwd, Op::kConvBwd}) {
      for (int s = 0; s < 3; ++s) {
        if (g_config.quick && s == 2) continue;
        list.push_back({op, s, Layout::kNCHW, t, ""});
        if (s == 0) list.push_back({op, s, Layout::kNHWC, t, ""});
      }
    }
    list.push_back({Op::kMaxUnpool, 0, Layout::kNCHW, t, ""});
    list.push_back({Op::kMaxUnpoolI32, 0, Layout::kNCHW, t, ""});
    list.push_back({Op::kMaxUnpoolScatter, 0, Layout::kNCHW, t, ""});
    list.push_back({Op::kPixelShuffle, 0, Layout::kNCHW, t, ""});
    for (Case& c : list) {
      c.name = c.key();
      g_cases.push_back(c);
    }
  }
  // Rounds: every case of a thread count runs once per round, so a case's repetitions are spread
  // over the run and a burst of other work on this shared machine spoils only some of them. The
  // collector pools the samples of all rounds by name.
  for (int t : g_config.threads) {
    for (int round = 0; round < g_config.rounds; ++round) {
      for (const Case& c : g_cases) {
        if (c.threads != t) continue;
        benchmark::RegisterBenchmark(c.name.c_str(), [c](benchmark::State& st) { run_case(st, c); })
            ->Unit(benchmark::kMillisecond)
            ->UseRealTime()
            ->MinTime(g_config.min_time)
            ->Repetitions(g_config.repetitions)
            ->ComputeStatistics("min", [](const std::vector<double>& v) {
              return v.empty() ? 0.0 : *std::min_element(v.begin(), v.end());
            });
      }
    }
  }
}

class Collector : public benchmark::ConsoleReporter {
 public:
  std::map<std::string, std::vector<double>> samples_ms;
  std::map<std::string, std::string> errors;
  void ReportRuns(const std::vector<Run>& runs) override {
    std::vector<Run> aggregates;
    for (const Run& r : runs) {
      if (r.run_type == Run::RT_Aggregate) aggregates.push_back(r);
    }
    ConsoleReporter::ReportRuns(aggregates.empty() ? runs : aggregates);
    for (const Run& r : runs) {
      const std::string& name = r.run_name.function_name;
      if (r.error_occurred) {
        errors[name] = r.error_message;
      } else if (r.run_type == Run::RT_Iteration) {
        samples_ms[name].push_back(r.GetAdjustedRealTime());
      }
    }
  }
};

// ---------------------------------------------------------------------------------------------
// PyTorch's times (bench/pytorch_bench.py --csv)

struct TorchTime {
  double ms_min = NAN, ms_median = NAN;
  std::string backend, blas;
};
// key: op/case/layout/tN + "|" + variant ("default" or "no_mkldnn")
std::map<std::string, TorchTime> g_torch;
std::string g_torch_blas;

std::vector<std::string> split_csv(const std::string& line) {
  std::vector<std::string> out;
  std::string field;
  std::istringstream s(line);
  while (std::getline(s, field, ',')) out.push_back(field);
  return out;
}

void read_pytorch_csv(const std::string& path) {
  std::ifstream f(path);
  if (!f) {
    std::fprintf(stderr, "cannot read %s; PyTorch columns left empty\n", path.c_str());
    return;
  }
  std::string line;
  std::getline(f, line);
  const std::vector<std::string> header = split_csv(line);
  auto col = [&](const char* name) -> int {
    for (size_t i = 0; i < header.size(); ++i)
      if (header[i] == name) return int(i);
    return -1;
  };
  const int c_op = col("op"), c_case = col("case"), c_layout = col("layout"),
            c_threads = col("threads"), c_variant = col("variant"), c_min = col("ms_min"),
            c_median = col("ms_median"), c_backend = col("backend"), c_blas = col("blas");
  if (c_op < 0 || c_case < 0 || c_layout < 0 || c_threads < 0 || c_min < 0) {
    std::fprintf(stderr, "%s: not a pytorch_bench.py CSV\n", path.c_str());
    return;
  }
  while (std::getline(f, line)) {
    const std::vector<std::string> v = split_csv(line);
    if (int(v.size()) < int(header.size())) continue;
    const std::string key = v[size_t(c_op)] + "/" + v[size_t(c_case)] + "/" + v[size_t(c_layout)] +
                            "/t" + v[size_t(c_threads)] + "|" +
                            (c_variant >= 0 ? v[size_t(c_variant)] : std::string("default"));
    TorchTime t;
    t.ms_min = std::atof(v[size_t(c_min)].c_str());
    if (c_median >= 0) t.ms_median = std::atof(v[size_t(c_median)].c_str());
    if (c_backend >= 0) t.backend = v[size_t(c_backend)];
    if (c_blas >= 0) t.blas = g_torch_blas = v[size_t(c_blas)];
    g_torch[key] = t;
  }
}

const TorchTime* torch_time(const Case& c, const char* variant) {
  const auto it = g_torch.find(c.key() + "|" + variant);
  return it == g_torch.end() ? nullptr : &it->second;
}

// ---------------------------------------------------------------------------------------------
// Output

int usage(const char* argv0) {
  std::fprintf(
      stderr,
      "usage: %s [--quick] [--csv=PATH] [--table=PATH] [--pytorch-csv=PATH] [--rounds=N]\n"
      "          [--repetitions=N (per round)]\n"
      "          [--min-time=S] [--threads=1,2] [--no-verify] [--bandwidth-mib=N]\n"
      "          [--bandwidth-runs=N] [--peak-runs=N] [--peak: print the FMA peaks, exit]\n"
      "          [--probe-cpu: print how many cores' worth of CPU 2 threads get, and exit]\n"
      "          [Google Benchmark flags, e.g. --benchmark_filter=REGEX]\n"
      "--quick: no case c, 1 round of 1 repetition, 0.05 s, fewer verification samples.\n",
      argv0);
  return 2;
}

}  // namespace
}  // namespace upsample_bench

int main(int argc, char** argv) {
  using namespace upsample_bench;
  Config& cfg = g_config;
  bool rounds_given = false, peak_only = false;
  std::vector<char*> rest = {argv[0]};
  for (int i = 1; i < argc; ++i) {
    std::string v;
    const FlagResult common = parse_common_flag(argv[i], &cfg);
    if (common == FlagResult::kExit0) return 0;
    if (common == FlagResult::kBad) return usage(argv[0]);
    if (common == FlagResult::kTaken) continue;
    if (parse_flag(argv[i], "--peak", &v)) {
      peak_only = true;
    } else if (parse_flag(argv[i], "--pytorch-csv", &v)) {
      cfg.pytorch_csv = v;
    } else if (parse_flag(argv[i], "--rounds", &v)) {
      cfg.rounds = std::max(1, std::atoi(v.c_str()));
      rounds_given = true;
    } else if (parse_flag(argv[i], "--peak-runs", &v)) {
      cfg.peak_runs = std::max(1, std::atoi(v.c_str()));
    } else if (parse_flag(argv[i], "--help", &v) || parse_flag(argv[i], "-h", &v)) {
      usage(argv[0]);
      rest.push_back(argv[i]);
    } else {
      rest.push_back(argv[i]);
    }
  }
  if (cfg.quick) {
    if (!rounds_given) cfg.rounds = 1;
    if (!cfg.repetitions_given) cfg.repetitions = 1;
    if (!cfg.min_time_given) cfg.min_time = 0.05;
  }

  // The FMA peak per thread count (every supported instruction set; the best is the reference),
  // and the copy bandwidth, at the start and at the end: the best of both is used.
  std::map<int, FmaPeak> peaks;
  std::map<int, std::vector<std::string>> peak_lines;
  std::map<int, Bandwidth> bandwidth;
  std::map<int, std::vector<double>> speedups;
  auto measure_peaks = [&](const char* when) {
    for (int t : cfg.threads) {
      FmaPeak best;
      const std::string line = describe_fma_peaks(t, cfg.peak_runs, &best);
      std::printf("FMA peak (%s, %d thread%s, best of %d): %s\n", when, t, t == 1 ? "" : "s",
                  cfg.peak_runs, line.c_str());
      peak_lines[t].push_back(std::string(when) + ": " + line);
      if (best.gflops > peaks[t].gflops) peaks[t] = best;
      g_peak_gflops[t] = peaks[t].gflops;
    }
    std::fflush(stdout);
  };
  if (peak_only) {
    measure_peaks("now");
    return 0;
  }
  int bargc = int(rest.size());
  rest.push_back(nullptr);
  benchmark::Initialize(&bargc, rest.data());
  if (benchmark::ReportUnrecognizedArguments(bargc, rest.data())) return usage(argv[0]);
  if (!cfg.pytorch_csv.empty()) read_pytorch_csv(cfg.pytorch_csv);

  auto measure_bw = [&](const char* when) {
    for (int t : cfg.threads) {
      const Bandwidth b = measure_bandwidth(cfg.bandwidth_mib << 20, t, cfg.bandwidth_runs);
      std::printf(
          "bandwidth (%s, %d thread%s): copy %.1f GB/s read+write (memcpy %.1f, copy loop "
          "%.1f, non-temporal copy loop %.1f)\n",
          when, t, t == 1 ? "" : "s", b.copy_gbs(), b.memcpy_gbs, b.copy_loop_gbs, b.nt_copy_gbs);
      Bandwidth& best = bandwidth[t];
      best = best_of(best, b);
      best.threads = t;
      g_copy_gbs[t] = best.copy_gbs();
      if (t > 1) {
        const double sp = parallel_speedup(t, 5);
        std::printf("CPU available (%s): %d threads do %.2fx the work of 1\n", when, t, sp);
        speedups[t].push_back(sp);
      }
    }
    std::fflush(stdout);
  };

  const std::string load_before = read_first_line("/proc/loadavg");
  const auto t_start = std::chrono::steady_clock::now();
  measure_peaks("start");
  measure_bw("start");
  register_cases();
  Collector collector;
  benchmark::RunSpecifiedBenchmarks(&collector);
  measure_peaks("end");
  measure_bw("end");
  upsample::set_num_threads(0);
  const std::string load_after = read_first_line("/proc/loadavg");
  const double minutes =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count() / 60.0;

  std::ostringstream out;
  out << "## upsample_conv_bench: conv_transpose2d against the FMA peak, max_unpool2d and "
         "pixel_shuffle against the bandwidth bound"
      << (g_torch.empty() ? "" : "; PyTorch beside them") << "\n\n";
  out << "- load average before: " << load_before << "; after: " << load_after << " (run took "
      << fmt("%.1f", minutes) << " min)\n";
  for (const auto& [t, lines] : peak_lines) {
    out << "- FMA peak, " << t << " thread" << (t == 1 ? "" : "s") << " (best of " << cfg.peak_runs
        << " per instruction set): ";
    for (size_t i = 0; i < lines.size(); ++i) out << (i ? "; " : "") << lines[i];
    out << "; used: " << fmt("%.1f", peaks[t].gflops) << " GFLOP/s (" << fma_isa_name(peaks[t].isa)
        << ")\n";
  }
  for (const auto& [t, b] : bandwidth) {
    out << "- copy bandwidth, " << t << " thread" << (t == 1 ? "" : "s") << " ("
        << cfg.bandwidth_mib << " MiB buffers, best of " << 2 * cfg.bandwidth_runs
        << "): " << fmt("%.1f", b.copy_gbs()) << " GB/s read+write (memcpy "
        << fmt("%.1f", b.memcpy_gbs) << ", copy loop " << fmt("%.1f", b.copy_loop_gbs)
        << ", non-temporal copy loop " << fmt("%.1f", b.nt_copy_gbs) << ")\n";
  }
  for (const auto& [t, v] : speedups) {
    out << "- CPU available: " << t << " threads did";
    for (size_t i = 0; i < v.size(); ++i) out << (i ? " (start), " : " ") << fmt("%.2f", v[i]);
    out << (v.size() > 1 ? " (end)" : "") << " times the work of 1 thread (" << t
        << ".00 on an idle machine)\n";
  }
  out << "- times: best of " << cfg.rounds * cfg.repetitions << " repetition(s) (" << cfg.rounds
      << " round(s) through all cases of a thread count, " << cfg.repetitions
      << " in a row per round), each the mean over >= " << cfg.min_time
      << " s of calls after one untimed call; CSV also has medians\n";
  if (!g_torch.empty()) {
    out << "- PyTorch: " << cfg.pytorch_csv
        << " (bench/pytorch_bench.py), BLAS: " << (g_torch_blas.empty() ? "?" : g_torch_blas)
        << "; \"PyTorch default\": torch.set_num_threads(t) with OpenBLAS on t threads; "
           "\"PyTorch best\": the fastest of that, (b) ATen on 1 thread with OpenBLAS on t "
           "(faster on 2 threads here: the two thread pools oversubscribe 2 cores), and (n) "
           "oneDNN disabled when timed; ratios and goals use the best\n";
  }
  out << "\n### conv_transpose2d (float32; useful GFLOP/s = 2 N Cin Cout kH kW H W per forward, "
         "twice that per backward)\n\n";
  out << "| op | case | layout | thr | GFLOP | ours ms | ours GFLOP/s | ours % of peak | "
         "PyTorch default ms | PyTorch best ms | PyTorch best GFLOP/s | PyTorch % of peak | "
         "ours/PyTorch best | goal | check |\n";
  out << "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|\n";

  std::vector<std::string> csv_rows;
  std::vector<std::string> misses;
  std::map<std::string, std::set<std::string>> torch_impls;  // "op tN" -> PyTorch's kernels
  auto verdict_for = [&](const Case& c) -> std::string {
    const std::string vkey = std::string(op_name(c.op)) + "/" + c.shape_name() + "/" +
                             (c.layout == Layout::kNHWC ? "nhwc" : "nchw");
    const auto it = g_verdicts.find(vkey);
    if (it == g_verdicts.end()) return "-";
    return it->second.ok ? "ok" : "MISMATCH";
  };
  for (int pass = 0; pass < 2; ++pass) {
    if (pass == 1) {
      out << "\n### max_unpool2d and pixel_shuffle (float32) against the bandwidth bound\n\n";
      out << "| op | case | thr | MB read+written | ours ms | bound ms | ours x bound | ours x "
             "ordinary | PyTorch ms | PyTorch x bound | ours/PyTorch | goal | check |\n";
      out << "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|\n";
    }
    // Rows grouped by case, the thread counts together.
    std::vector<const Case*> order;
    for (const Case& c : g_cases)
      if (is_conv(c.op) == (pass == 0)) order.push_back(&c);
    std::stable_sort(order.begin(), order.end(), [](const Case* a, const Case* b) {
      if (a->op != b->op) return int(a->op) < int(b->op);
      if (a->shape != b->shape) return a->shape < b->shape;
      return int(a->layout) < int(b->layout);
    });
    for (const Case* cp : order) {
      const Case& c = *cp;
      const auto s = collector.samples_ms.find(c.name);
      const auto e = collector.errors.find(c.name);
      if (s == collector.samples_ms.end() && e == collector.errors.end()) continue;  // filtered
      Workspace& w = workspace(c);
      const double ms = s == collector.samples_ms.end() ? NAN : min_of(s->second);
      const double ms_median = s == collector.samples_ms.end() ? NAN : median_of(s->second);
      // PyTorch's fastest variant at this thread count (see pytorch_bench.py): its default, or
      // ATen on one thread with OpenBLAS on all ("blas_threads"), or with oneDNN off.
      const TorchTime* tt = torch_time(c, "default");
      const TorchTime* tn = torch_time(c, "no_mkldnn");
      const TorchTime* tb = torch_time(c, "blas_threads");
      const TorchTime* best = tt;
      const char* best_variant = "";
      for (const auto& [v, mark] :
           {std::pair<const TorchTime*, const char*>{tb, " (b)"}, {tn, " (n)"}}) {
        if (v != nullptr && (best == nullptr || v->ms_min < best->ms_min)) {
          best = v;
          best_variant = mark;
        }
      }
      const double torch_default_ms = tt ? tt->ms_min : NAN;
      const double torch_ms = best ? best->ms_min : NAN;
      const double ratio = ms / torch_ms;
      if (tt != nullptr && !tt->backend.empty()) {
        torch_impls[std::string(op_name(c.op)) + " t" + std::to_string(c.threads)].insert(
            tt->backend);
      }
      const std::string check = verdict_for(c);
      std::string goal;
      const std::string id = c.key();
      const char* layout = c.layout == Layout::kNHWC ? "nhwc" : "nchw";
      if (pass == 0) {
        const double gflops = w.flops * 1e-9 / (ms * 1e-3);
        const double of_peak = gflops / peaks[c.threads].gflops;
        const double torch_gflops = w.flops * 1e-9 / (torch_ms * 1e-3);
        const bool forward = c.op == Op::kConvFwd;
        const double min_of_peak =
            forward ? ConvGoals::kForwardMinOfPeak : ConvGoals::kBackwardMinOfPeak;
        const double max_over_torch =
            forward ? ConvGoals::kForwardMaxOverPyTorch : ConvGoals::kBackwardMaxOverPyTorch;
        const bool peak_ok = of_peak >= min_of_peak;
        const bool torch_ok = std::isnan(ratio) || ratio <= max_over_torch;
        goal = peak_ok && torch_ok ? "met" : "MISS";
        if (!peak_ok) misses.push_back(id + ": " + fmt("%.1f", 100 * of_peak) + "% of peak");
        if (!torch_ok) misses.push_back(id + ": " + fmt("%.2f", ratio) + "x PyTorch's time");
        if (std::isnan(ratio)) goal += " (peak only)";
        out << "| " << op_name(c.op) << " | " << kConvShapes[c.shape].name << ": "
            << kConvShapes[c.shape].label << " | " << layout << " | " << c.threads << " | "
            << fmt("%.3f", w.flops * 1e-9) << " | "
            << (e != collector.errors.end() ? "error" : fmt("%.3f", ms)) << " | "
            << fmt("%.1f", gflops) << " | " << fmt("%.0f%%", 100 * of_peak) << " | "
            << fmt("%.3f", torch_default_ms) << " | " << fmt("%.3f", torch_ms) << best_variant
            << " | " << fmt("%.1f", torch_gflops) << " | "
            << fmt("%.0f%%", 100 * torch_gflops / peaks[c.threads].gflops) << " | "
            << fmt("%.2f", ratio) << " | " << goal << " | " << check << " |\n";
        char buf[512];
        std::snprintf(
            buf, sizeof(buf),
            "%s,%s,%s,%d,%.0f,%.0f,%.4f,%.4f,%.2f,%.2f,%.4f,%.4f,%.4f,%.4f,%.1f,%.4f,%s,%.4f",
            op_name(c.op), kConvShapes[c.shape].name, layout, c.threads, w.flops,
            w.read_bytes + w.written_bytes, ms, ms_median, gflops, peaks[c.threads].gflops, of_peak,
            torch_ms, torch_default_ms, ratio, g_copy_gbs[c.threads], NAN, check.c_str(), NAN);
        csv_rows.push_back(buf);
      } else {
        const double bytes = w.read_bytes + w.written_bytes;
        const double dram_bound_ms = bound_ms(bytes, bandwidth[c.threads].copy_gbs());
        const double x_bound = ms / dram_bound_ms;
        const double x_ordinary = ms / bound_ms(bytes, bandwidth[c.threads].ordinary_copy_gbs());
        const bool ok = x_bound <= ConvGoals::kRearrangeMaxOverBound;
        goal = ok ? "met" : "MISS";
        if (c.op == Op::kMaxUnpoolScatter) {
          goal = "- (the general path, shown for comparison)";
        } else if (!ok) {
          misses.push_back(id + ": " + fmt("%.2f", x_bound) + "x the bandwidth bound");
        }
        out << "| " << op_name(c.op) << " | " << c.shape_name() << " | " << c.threads << " | "
            << fmt("%.1f", bytes * 1e-6) << " | "
            << (e != collector.errors.end() ? "error" : fmt("%.3f", ms)) << " | "
            << fmt("%.3f", dram_bound_ms) << " | " << fmt("%.2f", x_bound) << " | "
            << fmt("%.2f", x_ordinary) << " | " << fmt("%.3f", torch_ms) << " | "
            << fmt("%.2f", torch_ms / dram_bound_ms) << " | " << fmt("%.2f", ratio) << " | " << goal
            << " | " << check << " |\n";
        char buf[512];
        std::snprintf(
            buf, sizeof(buf),
            "%s,%s,%s,%d,%.0f,%.0f,%.4f,%.4f,%.2f,%.2f,%.4f,%.4f,%.4f,%.4f,%.1f,%.4f,%s,%.4f",
            op_name(c.op), c.shape_name().c_str(), layout, c.threads, 0.0, bytes, ms, ms_median,
            NAN, peaks[c.threads].gflops, NAN, torch_ms, torch_default_ms, ratio,
            g_copy_gbs[c.threads], x_bound, check.c_str(), x_ordinary);
        csv_rows.push_back(buf);
      }
      if (e != collector.errors.end()) misses.push_back(id + ": error " + e->second);
    }
  }
  if (!torch_impls.empty()) {
    out << "\nPyTorch's implementation (profiler op names):";
    for (const auto& [k, v] : torch_impls) {
      out << " " << k << ":";
      for (const std::string& name : v) out << " " << name;
      out << ";";
    }
    out << "\n";
  }
  out << "\nGoals (conv_transpose2d forward >= " << fmt("%.0f", 100 * ConvGoals::kForwardMinOfPeak)
      << "% of the FMA peak and within " << fmt("%g", ConvGoals::kForwardMaxOverPyTorch)
      << "x PyTorch's time; backward >= " << fmt("%.0f", 100 * ConvGoals::kBackwardMinOfPeak)
      << "% of the peak and within " << fmt("%g", ConvGoals::kBackwardMaxOverPyTorch)
      << "x PyTorch's time; max_unpool2d and pixel_shuffle within "
      << fmt("%g", ConvGoals::kRearrangeMaxOverBound) << "x the bound): " << misses.size()
      << " miss(es)";
  for (size_t i = 0; i < misses.size(); ++i) out << (i ? "; " : ": ") << misses[i];
  out << "\n";
  size_t warnings = 0;
  if (!g_verdicts.empty()) {
    out << "\nChecks (after the untimed call, before timing):\n";
    for (const auto& [key, v] : g_verdicts) {
      out << "- " << (v.ok ? "" : "WARNING: ") << key << ": " << v.line << "\n";
      warnings += v.ok ? 0 : 1;
    }
  }
  std::printf("\n%s", out.str().c_str());
  if (warnings) std::printf("WARNING: %zu check(s) failed; see above\n", warnings);
  if (!cfg.table.empty()) {
    std::ofstream t(cfg.table);
    t << out.str();
  }
  if (!cfg.csv.empty()) {
    std::ofstream csv(cfg.csv);
    if (!csv) {
      std::fprintf(stderr, "cannot write %s\n", cfg.csv.c_str());
    } else {
      csv << "op,case,layout,threads,useful_flops,bytes,ours_ms_min,ours_ms_median,ours_gflops,"
             "peak_gflops,of_peak,pytorch_best_ms_min,pytorch_default_ms_min,ours_over_pytorch_"
             "best,"
             "copy_gbs,ours_over_bound,check,ours_over_ordinary_bound\n";
      for (const std::string& r : csv_rows) csv << r << "\n";
      std::printf("CSV written to %s\n", cfg.csv.c_str());
    }
  }
  benchmark::Shutdown();
  return warnings ? 1 : 0;
}
