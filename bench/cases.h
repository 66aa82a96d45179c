// What the benchmark measures: data sets, scales, methods, and the buffers they run on.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "upsample/upsample.h"

namespace upsample_bench {

struct DataSpec {
  const char* name;   // short, used in benchmark names and the CSV
  const char* label;  // for people
  upsample::DType dtype;
  upsample::Layout layout;
  int64_t n, c, h, w;
};

struct ScaleSpec {
  const char* name;
  double scale;
  int factor;  // the integer factor, 0 when the scale is not an integer (no unpooling then)
};

enum class Method : int { kNearest, kBilinear, kBicubic, kUnpoolNearest, kBedOfNails };
enum class Impl : int { kOurs, kOpenCV };

const char* method_name(Method method);
// The OpenCV interpolation flag a method is compared with (INTER_NEAREST for both unpoolings).
int opencv_interpolation(Method method);
const char* opencv_interpolation_name(Method method);

// The data: NHWC images with 1, 3 and 4 channels and NCHW feature maps, uint8 and float32.
// The first kMainDataCount (RGB uint8 and float32, NCHW float32) are the ones bench_check checks
// by default, on every target (each case runs at full size, slow under qemu).
constexpr int kDataCount = 8;
constexpr int kMainDataCount = 3;
extern const DataSpec kData[kDataCount];
constexpr int kScaleCount = 4;
extern const ScaleSpec kScales[kScaleCount];

// 64-byte aligned, page-faulted storage.
struct AlignedBuffer {
  struct Free {
    void operator()(void* p) const;
  };
  std::unique_ptr<uint8_t, Free> data;
  size_t bytes = 0;
  void allocate(size_t n);
  uint8_t* get() const { return data.get(); }
};

// The input and the two outputs (ours, OpenCV's) of one (data, scale) pair. Only one workspace is
// alive at a time: the benchmarks of a pair run one after another.
struct Workspace {
  int data = -1, scale = -1;
  int64_t out_h = 0, out_w = 0;
  size_t elem = 0;
  AlignedBuffer input, ours, opencv;
  size_t input_bytes() const { return input.bytes; }
  size_t output_bytes() const { return ours.bytes; }
  upsample::TensorView input_view() const;
  upsample::TensorView output_view(uint8_t* data) const;
};

// Returns the workspace for (data, scale), replacing the previous one if it was another pair.
Workspace& workspace(int data, int scale);

// The output size of a case without allocating it.
void output_size(int data, int scale, int64_t* out_h, int64_t* out_w);

// One call of our operator into ws.ours.
upsample::Status run_ours(const Workspace& ws, Method method);
// One call of cv::resize into ws.opencv (per 256x256 plane for NCHW).
void run_opencv(Workspace& ws, Method method);

// Compares ws.ours with ws.opencv (or with the definition, for bed of nails) after running both;
// returns a one-line verdict and sets *ok.
std::string verify(Workspace& ws, Method method, bool* ok);

}  // namespace upsample_bench
