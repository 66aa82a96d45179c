// The benchmark cases without OpenCV (cases_opencv.cpp has the comparison): also built for
// bench_check, which runs on targets that have no OpenCV.
#include "cases.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>

namespace upsample_bench {

using upsample::DType;
using upsample::Layout;

const DataSpec kData[kDataCount] = {
    {"rgb_u8", "1920x1080 RGB uint8 NHWC", DType::kUInt8, Layout::kNHWC, 1, 3, 1080, 1920},
    {"rgb_f32", "1920x1080 RGB float32 NHWC", DType::kFloat32, Layout::kNHWC, 1, 3, 1080, 1920},
    {"nchw_f32", "1x64x256x256 float32 NCHW", DType::kFloat32, Layout::kNCHW, 1, 64, 256, 256},
    {"gray_u8", "1920x1080 grey uint8 NHWC", DType::kUInt8, Layout::kNHWC, 1, 1, 1080, 1920},
    {"rgba_u8", "1920x1080 RGBA uint8 NHWC", DType::kUInt8, Layout::kNHWC, 1, 4, 1080, 1920},
    {"gray_f32", "1920x1080 grey float32 NHWC", DType::kFloat32, Layout::kNHWC, 1, 1, 1080, 1920},
    {"rgba_f32", "1920x1080 RGBA float32 NHWC", DType::kFloat32, Layout::kNHWC, 1, 4, 1080, 1920},
    {"nchw_u8", "1x64x256x256 uint8 NCHW", DType::kUInt8, Layout::kNCHW, 1, 64, 256, 256},
};

const ScaleSpec kScales[kScaleCount] = {
    {"2x", 2.0, 2}, {"4x", 4.0, 4}, {"1.5x", 1.5, 0}, {"2.5x", 2.5, 0}};

const char* method_name(Method method) {
  switch (method) {
    case Method::kNearest:
      return "resize_nearest";
    case Method::kBilinear:
      return "resize_bilinear";
    case Method::kBicubic:
      return "resize_bicubic";
    case Method::kUnpoolNearest:
      return "unpool_nearest";
    case Method::kBedOfNails:
      return "unpool_bed_of_nails";
  }
  return "?";
}

void AlignedBuffer::Free::operator()(void* p) const {
  std::free(p);
}

void AlignedBuffer::allocate(size_t n) {
  data.reset();
  bytes = n;
  // Round the allocation up to the alignment, as aligned_alloc requires.
  void* p = std::aligned_alloc(64, (n + 63) & ~size_t(63));
  if (p == nullptr) throw std::bad_alloc();
  std::memset(p, 0, n);  // fault the pages in now, not in a timed call
  data.reset(static_cast<uint8_t*>(p));
}

void output_size(int data, int scale, int64_t* out_h, int64_t* out_w) {
  const DataSpec& d = kData[data];
  upsample::resize_output_length(d.h, kScales[scale].scale, out_h);
  upsample::resize_output_length(d.w, kScales[scale].scale, out_w);
}

upsample::TensorView Workspace::input_view() const {
  const DataSpec& d = kData[data];
  return upsample::make_input_tensor(input.get(), d.dtype, d.layout, d.n, d.c, d.h, d.w);
}

upsample::TensorView Workspace::output_view(uint8_t* p) const {
  const DataSpec& d = kData[data];
  return upsample::make_tensor(p, d.dtype, d.layout, d.n, d.c, out_h, out_w);
}

Workspace& workspace(int data, int scale) {
  static Workspace ws;
  if (ws.data == data && ws.scale == scale) return ws;
  ws.ours.data.reset();
  ws.opencv.data.reset();
  ws.input.data.reset();
  const DataSpec& d = kData[data];
  ws.data = data;
  ws.scale = scale;
  output_size(data, scale, &ws.out_h, &ws.out_w);
  ws.elem = upsample::dtype_size(d.dtype);
  const size_t in_count = size_t(d.n * d.c * d.h * d.w);
  const size_t out_count = size_t(d.n * d.c * ws.out_h * ws.out_w);
  ws.input.allocate(in_count * ws.elem);
  ws.ours.allocate(out_count * ws.elem);
  ws.opencv.allocate(out_count * ws.elem);
  // Deterministic noise: no structure a kernel could exploit, the full value range.
  uint64_t state = 0x9E3779B97F4A7C15ull ^ uint64_t(data);
  for (size_t i = 0; i < in_count; ++i) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    if (d.dtype == DType::kUInt8) {
      ws.input.get()[i] = uint8_t(state >> 56);
    } else {
      reinterpret_cast<float*>(ws.input.get())[i] = float(state >> 40) * (1.0f / 16777216.0f);
    }
  }
  return ws;
}

upsample::Status run_ours(const Workspace& ws, Method method) {
  const upsample::TensorView in = ws.input_view();
  const upsample::TensorView out = ws.output_view(ws.ours.get());
  switch (method) {
    case Method::kNearest:
      return upsample::resize(in, out,
                              upsample::opencv_options(upsample::OpencvInterpolation::kNearest));
    case Method::kBilinear:
      return upsample::resize(in, out,
                              upsample::opencv_options(upsample::OpencvInterpolation::kLinear));
    case Method::kBicubic:
      return upsample::resize(in, out,
                              upsample::opencv_options(upsample::OpencvInterpolation::kCubic));
    case Method::kUnpoolNearest:
    case Method::kBedOfNails: {
      upsample::UnpoolOptions options;
      options.mode = method == Method::kUnpoolNearest ? upsample::UnpoolMode::kNearest
                                                      : upsample::UnpoolMode::kBedOfNails;
      options.factor_h = kScales[ws.scale].factor;
      options.factor_w = kScales[ws.scale].factor;
      return upsample::unpool(in, out, options);
    }
  }
  return upsample::Status(upsample::StatusCode::kInvalidArgument, "bench: unknown method");
}

}  // namespace upsample_bench
