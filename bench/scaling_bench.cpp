// How time and memory grow with image size: one operator at one size per process, so that the
// process's peak resident set measures that size alone. bench/scaling.sh runs it from 64x64 to
// 8192x8192 (and over NCHW batch sizes) and bench/plot_scaling.py draws the curves.
//
//   upsample_scaling_bench --op bilinear|nearest|bicubic --data rgb_u8|nchw_f32 --size S
//                          [--batch N] [--threads T] [--min-time S] [--bandwidth GBS]
//
// Prints one CSV line: op,data,size,batch,threads,input_bytes,output_bytes,ours_ms,opencv_ms,
// bound_ms,peak_rss_bytes,scratch_bytes. scratch = peak RSS after our calls (before OpenCV runs)
// minus the RSS before the tensors were allocated minus input and output: what the library itself
// held at its peak.
#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "bandwidth.h"
#include "call_timing.h"
#include "upsample/upsample.h"

namespace {

int64_t peak_rss_bytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return int64_t(usage.ru_maxrss) * 1024;
}

// Best over 5 samples of the mean time per call over at least min_time seconds.
template <typename F>
double best_ms(F&& call, double min_time) {
  call();  // warm-up (page faults of the output happen here, as in any first call)
  const std::vector<double> samples = upsample_bench::mean_call_seconds(call, 5, min_time);
  return *std::min_element(samples.begin(), samples.end()) * 1e3;
}

[[noreturn]] void usage(const char* message) {
  std::fprintf(stderr,
               "upsample_scaling_bench: %s\nusage: upsample_scaling_bench --op "
               "bilinear|nearest|bicubic --data rgb_u8|nchw_f32 --size S [--batch N] "
               "[--threads T] [--min-time S] [--bandwidth GBS]\n",
               message);
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  std::string op = "bilinear", data = "rgb_u8";
  int64_t size = 0, batch = 1;
  int threads = 1;
  double min_time = 0.2, bandwidth_gbs = 0;
  for (int i = 1; i < argc; i++) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) usage(("missing value of " + flag).c_str());
    const char* value = argv[++i];
    if (flag == "--op")
      op = value;
    else if (flag == "--data")
      data = value;
    else if (flag == "--size")
      size = std::atoll(value);
    else if (flag == "--batch")
      batch = std::atoll(value);
    else if (flag == "--threads")
      threads = std::atoi(value);
    else if (flag == "--min-time")
      min_time = std::atof(value);
    else if (flag == "--bandwidth")
      bandwidth_gbs = std::atof(value);
    else
      usage(("unknown flag " + flag).c_str());
  }
  if (size < 8 || size > 16384 || batch < 1 || batch > 1024 || threads < 1) {
    usage("--size must be in [8, 16384], --batch in [1, 1024], --threads at least 1");
  }
  const bool rgb = data == "rgb_u8";
  if (!rgb && data != "nchw_f32") usage("--data must be rgb_u8 or nchw_f32");
  upsample::OpencvInterpolation interpolation;
  int cv_flag;
  if (op == "bilinear") {
    interpolation = upsample::OpencvInterpolation::kLinear;
    cv_flag = cv::INTER_LINEAR;
  } else if (op == "nearest") {
    interpolation = upsample::OpencvInterpolation::kNearest;
    cv_flag = cv::INTER_NEAREST;
  } else if (op == "bicubic") {
    interpolation = upsample::OpencvInterpolation::kCubic;
    cv_flag = cv::INTER_CUBIC;
  } else {
    usage("--op must be bilinear, nearest or bicubic");
  }
  upsample::set_num_threads(threads);
  cv::setNumThreads(threads);

  const int64_t channels = rgb ? 3 : 64;
  const int64_t element = rgb ? 1 : 4;
  const upsample::DType dtype = rgb ? upsample::DType::kUInt8 : upsample::DType::kFloat32;
  const upsample::Layout layout = rgb ? upsample::Layout::kNHWC : upsample::Layout::kNCHW;
  const int64_t in_bytes = batch * channels * size * size * element;
  const int64_t out_bytes = in_bytes * 4;
  const int64_t rss_before = peak_rss_bytes();
  // Filled, so every page is resident before timing.
  std::unique_ptr<uint8_t[]> input(new uint8_t[size_t(in_bytes)]);
  std::unique_ptr<uint8_t[]> output(new uint8_t[size_t(out_bytes)]);
  for (int64_t i = 0; i < in_bytes; i++) input[size_t(i)] = uint8_t(i * 2654435761u >> 24);
  if (!rgb) {
    float* f = reinterpret_cast<float*>(input.get());
    for (int64_t i = 0; i < in_bytes / 4; i++) f[i] = float(i % 251) / 251.0f;
  }
  std::memset(output.get(), 0, size_t(out_bytes));
  const upsample::TensorView in =
      upsample::make_input_tensor(input.get(), dtype, layout, batch, channels, size, size);
  const upsample::TensorView out =
      upsample::make_tensor(output.get(), dtype, layout, batch, channels, 2 * size, 2 * size);
  const upsample::ResizeOptions options = upsample::opencv_options(interpolation);
  upsample::Status status;
  const double ours = best_ms([&] { status = upsample::resize(in, out, options); }, min_time);
  if (!status.ok()) {
    std::fprintf(stderr, "upsample_scaling_bench: %s\n", status.message().c_str());
    return 1;
  }
  const int64_t rss_ours = peak_rss_bytes();

  // OpenCV on the same data: one call per RGB image, one per plane of an NCHW map.
  std::vector<cv::Mat> cv_in, cv_out;
  const int cv_type = rgb ? CV_8UC3 : CV_32FC1;
  const int64_t planes = rgb ? batch : batch * channels;
  const int64_t plane_in = rgb ? in_bytes / batch : size * size * element;
  for (int64_t p = 0; p < planes; p++) {
    cv_in.emplace_back(int(size), int(size), cv_type, input.get() + p * plane_in);
    cv_out.emplace_back(int(2 * size), int(2 * size), cv_type, output.get() + p * plane_in * 4);
  }
  const double opencv = best_ms(
      [&] {
        for (int64_t p = 0; p < planes; p++) {
          cv::resize(cv_in[size_t(p)], cv_out[size_t(p)], cv_out[size_t(p)].size(), 0, 0, cv_flag);
        }
      },
      min_time);

  if (bandwidth_gbs <= 0) {
    bandwidth_gbs = upsample_bench::measure_bandwidth(size_t(256) << 20, threads, 3).copy_gbs();
  }
  const double bound = double(in_bytes + out_bytes) / (bandwidth_gbs * 1e6);
  std::printf("%s,%s,%lld,%lld,%d,%lld,%lld,%.4f,%.4f,%.4f,%lld,%lld\n", op.c_str(), data.c_str(),
              static_cast<long long>(size), static_cast<long long>(batch), threads,
              static_cast<long long>(in_bytes), static_cast<long long>(out_bytes), ours, opencv,
              bound, static_cast<long long>(rss_ours),
              static_cast<long long>(rss_ours - rss_before - in_bytes - out_bytes));
  return 0;
}
