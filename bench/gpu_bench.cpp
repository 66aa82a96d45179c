// The GPU benchmark: memory-bound operators on tensors already in device memory (wrapped, not
// copied), timed against the device's own copy bandwidth measured in the same run, and the
// transposed convolution in GFLOP/s. Built in GPU builds (UPSAMPLE_GPU=opencl or cuda); each
// result is checked against the same call on the CPU before it is reported.
//
//   upsample_gpu_bench [--csv FILE] [--quick]   (exit 77: no device, skipped)
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "HalideRuntime.h"
#include "upsample/upsample.h"
#ifdef UPSAMPLE_BENCH_OPENCL
#include "HalideRuntimeOpenCL.h"
#endif
#ifdef UPSAMPLE_BENCH_CUDA
#include "HalideRuntimeCuda.h"
#endif

namespace {

using upsample::Device;
using upsample::DType;
using upsample::Layout;
using upsample::TensorView;

#ifdef UPSAMPLE_BENCH_OPENCL
constexpr Device kDevice = Device::kOpenCL;
const halide_device_interface_t* interface() {
  return halide_opencl_device_interface();
}
uint64_t native(halide_buffer_t* b) {
  return halide_opencl_get_cl_mem(nullptr, b);
}
#else
constexpr Device kDevice = Device::kCUDA;
const halide_device_interface_t* interface() {
  return halide_cuda_device_interface();
}
uint64_t native(halide_buffer_t* b) {
  return halide_cuda_get_device_ptr(nullptr, b);
}
#endif

// A device allocation of `bytes`, with its host twin for filling and reading back.
class DeviceBuffer {
 public:
  explicit DeviceBuffer(size_t bytes) : host_((bytes + kRow - 1) / kRow * kRow) {
    dims_[0] = halide_dimension_t{0, kRow, 1, 0};
    dims_[1] = halide_dimension_t{0, int32_t(host_.size() / kRow), kRow, 0};
    buffer_.type = halide_type_t(halide_type_uint, 8);
    buffer_.dimensions = 2;
    buffer_.dim = dims_;
    buffer_.host = host_.data();
    ok_ = halide_device_malloc(nullptr, &buffer_, interface()) == 0;
  }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  ~DeviceBuffer() { halide_device_free(nullptr, &buffer_); }
  bool ok() const { return ok_; }
  uint8_t* host() { return host_.data(); }
  size_t bytes() const { return host_.size(); }
  halide_buffer_t* get() { return &buffer_; }
  void to_device() {
    buffer_.flags = halide_buffer_flag_host_dirty;
    halide_copy_to_device(nullptr, &buffer_, interface());
  }
  void to_host() {
    buffer_.flags = halide_buffer_flag_device_dirty;
    halide_copy_to_host(nullptr, &buffer_);
  }
  TensorView view(DType dtype, Layout layout, int64_t n, int64_t c, int64_t h, int64_t w) {
    return upsample::make_device_tensor(kDevice, native(&buffer_), dtype, layout, n, c, h, w);
  }

 private:
  static constexpr int32_t kRow = 4096;
  std::vector<uint8_t> host_;
  halide_dimension_t dims_[2];
  halide_buffer_t buffer_{};
  bool ok_ = false;
};

void fill(DeviceBuffer& buffer, DType dtype, uint64_t seed) {
  uint64_t state = 0x9E3779B97F4A7C15ull ^ seed;
  for (size_t i = 0; i < buffer.bytes() / 4; i++) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    if (dtype == DType::kUInt8) {
      std::memcpy(buffer.host() + 4 * i, &state, 4);
    } else {
      const float value = float(state >> 40) * (1.0f / 16777216.0f);
      std::memcpy(buffer.host() + 4 * i, &value, 4);
    }
  }
  buffer.to_device();
}

// Median milliseconds of `run` (enqueued work waited for through `sync`).
double time_ms(const std::function<void()>& run, halide_buffer_t* sync, bool quick) {
  run();
  halide_device_sync(nullptr, sync);
  std::vector<double> times;
  const int runs = quick ? 1 : 50;
  for (int i = 0; i < runs; i++) {
    const auto start = std::chrono::steady_clock::now();
    run();
    halide_device_sync(nullptr, sync);
    times.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
            .count());
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

// Median milliseconds of a device-to-device copy of `bytes` (read, and as many written).
double copy_ms(size_t bytes, bool quick) {
  DeviceBuffer from(bytes), to(bytes);
  if (!from.ok() || !to.ok()) return 0.0;
  fill(from, DType::kUInt8, 1);
  from.get()->flags = 0;
  return time_ms([&] { halide_buffer_copy(nullptr, from.get(), interface(), to.get()); }, to.get(),
                 quick);
}

// What a case computes, in the CSV too: bench/pytorch_gpu_bench.py builds PyTorch's call from
// these columns, so the two benchmarks cannot drift apart.
struct CaseShape {
  std::string op;      // resize, pixel_shuffle, max_unpool2d, conv_transpose2d
  std::string method;  // resize: nearest, bilinear, bicubic; conv: "k4 s2 p1"; else "-"
  DType dtype;
  Layout layout;
  int64_t n, c, h, w, out_c, out_h, out_w;
};

struct Result {
  std::string name;
  CaseShape shape;
  double ms = 0, bytes = 0, flops = 0;
  double copy_ms = 0;  // a device-to-device copy that moves the same bytes, timed the same way
  bool agrees = false;
};

// The device result against the CPU's, element by element.
bool agrees_with_cpu(DeviceBuffer& out, std::vector<uint8_t> cpu_out, DType dtype,
                     double tolerance) {
  out.to_host();
  size_t bad = 0;
  const size_t count = cpu_out.size() / upsample::dtype_size(dtype);
  for (size_t i = 0; i < count; i++) {
    double a, b;
    if (dtype == DType::kUInt8) {
      a = out.host()[i], b = cpu_out[i];
    } else {
      float fa, fb;
      std::memcpy(&fa, out.host() + 4 * i, 4);
      std::memcpy(&fb, cpu_out.data() + 4 * i, 4);
      a = fa, b = fb;
    }
    if (!(std::abs(a - b) <= tolerance * (dtype == DType::kUInt8 ? 1.0 : 1.0 + std::abs(b)))) {
      bad++;
    }
  }
  return bad == 0;
}

// The same call with host copies of the inputs, on the CPU.
std::vector<uint8_t> on_cpu(const std::function<upsample::Status(std::vector<TensorView>&)>& op,
                            std::vector<std::pair<DeviceBuffer*, TensorView>> inputs,
                            TensorView output) {
  std::vector<std::vector<uint8_t>> storage;
  std::vector<TensorView> views;
  for (auto& [buffer, view] : inputs) {
    buffer->to_host();
    storage.emplace_back(buffer->host(), buffer->host() + buffer->bytes());
    TensorView host =
        upsample::make_tensor(storage.back().data(), view.dtype, view.layout, view.shape[0],
                              view.shape[1], view.shape[2], view.shape[3]);
    views.push_back(host);
  }
  storage.emplace_back(size_t(upsample::element_count(output)) *
                       upsample::dtype_size(output.dtype));
  views.push_back(upsample::make_tensor(storage.back().data(), output.dtype, output.layout,
                                        output.shape[0], output.shape[1], output.shape[2],
                                        output.shape[3]));
  upsample::ExecutionPolicy cpu;
  upsample::set_execution_policy(cpu);
  op(views);
  return storage.back();
}

}  // namespace

int main(int argc, char** argv) {
  std::string csv_path = UPSAMPLE_GPU_BENCH_DEFAULT_CSV;
  bool quick = false;
  for (int i = 1; i < argc; i++) {
    if (std::strcmp(argv[i], "--quick") == 0) {
      quick = true;
    } else if (std::strcmp(argv[i], "--csv") == 0 && i + 1 < argc) {
      csv_path = argv[++i];
    } else {
      std::fprintf(stderr, "upsample_gpu_bench: unknown argument '%s' (--csv FILE, --quick)\n",
                   argv[i]);
      return 2;
    }
  }
  if (const upsample::Status s = upsample::device_status(kDevice); !s.ok()) {
    std::printf("upsample_gpu_bench: skipped: %s\n", s.message().c_str());
    return 77;  // ctest's skip code (bench/CMakeLists.txt)
  }
  // The bound: bytes read plus written over the bandwidth of a copy large enough (256 MiB) that
  // launch costs vanish. Each case is also timed against a copy of its own bytes, which pays the
  // same fixed costs of a call (launch, synchronization) as the case.
  const size_t bandwidth_bytes = size_t(256) << 20;
  const double bandwidth = 2.0 * double(bandwidth_bytes) / (copy_ms(bandwidth_bytes, quick) * 1e6);
  std::printf("%s device-to-device copy: %.1f GB/s (read + written)\n",
              upsample::device_name(kDevice), bandwidth);

  std::vector<Result> results;
  const auto run_case = [&](const std::string& name, const CaseShape& shape,
                            std::vector<DeviceBuffer*> inputs, std::vector<TensorView> input_views,
                            DeviceBuffer& out, TensorView out_view, double flops, double tolerance,
                            const std::function<upsample::Status(std::vector<TensorView>&)>& op) {
    std::vector<TensorView> views = input_views;
    views.push_back(out_view);
    Result r;
    r.name = name;
    r.shape = shape;
    r.flops = flops;
    for (const TensorView& view : views) {
      r.bytes += double(upsample::element_count(view)) * double(upsample::dtype_size(view.dtype));
    }
    upsample::Status status;
    r.ms = time_ms([&] { status = op(views); }, out.get(), quick);
    if (!status.ok()) {
      std::printf("%-44s failed: %s\n", name.c_str(), status.message().c_str());
      results.push_back(r);
      return;
    }
    r.copy_ms = copy_ms(size_t(r.bytes / 2), quick);
    std::vector<std::pair<DeviceBuffer*, TensorView>> pairs;
    for (size_t i = 0; i < inputs.size(); i++) pairs.emplace_back(inputs[i], input_views[i]);
    r.agrees = agrees_with_cpu(out, on_cpu(op, pairs, out_view), out_view.dtype, tolerance);
    results.push_back(r);
  };
  const auto dims = [](int64_t n, int64_t c, int64_t h, int64_t w) {
    return std::to_string(n) + "x" + std::to_string(c) + "x" + std::to_string(h) + "x" +
           std::to_string(w);
  };

  // Resize 2x: the interpolation benchmark's data sets, and each at twice the width and height
  // (an 8K output), where a call's fixed costs weigh less.
  struct Data {
    const char* name;
    DType dtype;
    Layout layout;
    int64_t n, c, h, w;
  };
  const Data base_sets[] = {{"rgb_u8", DType::kUInt8, Layout::kNHWC, 1, 3, 1080, 1920},
                            {"rgb_f32", DType::kFloat32, Layout::kNHWC, 1, 3, 1080, 1920},
                            {"nchw_f32", DType::kFloat32, Layout::kNCHW, 1, 64, 256, 256}};
  std::vector<Data> data_sets;
  for (const int64_t side_factor : {1, 2}) {
    for (Data d : base_sets) {
      d.h *= side_factor;
      d.w *= side_factor;
      data_sets.push_back(d);
    }
  }
  const std::pair<const char*, upsample::ResizeMethod> methods[] = {
      {"nearest", upsample::ResizeMethod::kNearest},
      {"bilinear", upsample::ResizeMethod::kBilinear},
      {"bicubic", upsample::ResizeMethod::kBicubic}};
  for (const Data& d : data_sets) {
    const size_t elem = upsample::dtype_size(d.dtype);
    DeviceBuffer in(size_t(d.n * d.c * d.h * d.w) * elem);
    DeviceBuffer out(size_t(d.n * d.c * d.h * d.w * 4) * elem);
    fill(in, d.dtype, 2);
    const TensorView in_view = in.view(d.dtype, d.layout, d.n, d.c, d.h, d.w);
    const TensorView out_view = out.view(d.dtype, d.layout, d.n, d.c, 2 * d.h, 2 * d.w);
    for (const auto& [method_name, method] : methods) {
      const upsample::ResizeOptions options = upsample::onnx_options(method);
      const CaseShape shape{"resize", method_name, d.dtype, d.layout, d.n,    d.c,
                            d.h,      d.w,         d.c,     2 * d.h,  2 * d.w};
      run_case(
          std::string("resize_") + method_name + " " + d.name + " " + dims(d.n, d.c, d.h, d.w) +
              " 2x",
          shape, {&in}, {in_view}, out, out_view, 0.0, d.dtype == DType::kUInt8 ? 1.0 : 1e-4,
          [options](std::vector<TensorView>& v) { return upsample::resize(v[0], v[1], options); });
    }
  }
  // pixel_shuffle and max_unpool2d: the learnable benchmark's shapes, and larger ones.
  for (const int64_t side : {128, 256}) {
    const int64_t elements = 256 * side * side;
    DeviceBuffer in(size_t(elements) * 4), out(size_t(elements) * 4);
    fill(in, DType::kFloat32, 3);
    const CaseShape shape{
        "pixel_shuffle", "-",     DType::kFloat32, Layout::kNCHW, 1, 256, side, side, 64,
        2 * side,        2 * side};
    run_case("pixel_shuffle " + dims(1, 256, side, side) + " r2", shape, {&in},
             {in.view(DType::kFloat32, Layout::kNCHW, 1, 256, side, side)}, out,
             out.view(DType::kFloat32, Layout::kNCHW, 1, 64, 2 * side, 2 * side), 0.0, 0.0,
             [](std::vector<TensorView>& v) {
               return upsample::pixel_shuffle(v[0], v[1], upsample::ShuffleOptions{});
             });
  }
  for (const int64_t side : {64, 256}) {
    const int64_t channels = 64, elements = channels * side * side, out_side = 2 * side;
    DeviceBuffer values(size_t(elements) * 4), indices(size_t(elements) * 8),
        out(size_t(elements * 4) * 4);
    fill(values, DType::kFloat32, 4);
    // Each value goes to one position of its 2x2 block, as after a 2x2 max pool
    // (bench/pytorch_gpu_bench.py builds the same indices).
    for (int64_t c = 0; c < channels; c++) {
      for (int64_t y = 0; y < side; y++) {
        for (int64_t x = 0; x < side; x++) {
          const int64_t index = (2 * y + (x & 1)) * out_side + 2 * x + (y & 1);
          std::memcpy(indices.host() + 8 * ((c * side + y) * side + x), &index, 8);
        }
      }
    }
    indices.to_device();
    const CaseShape shape{"max_unpool2d", "-",  DType::kFloat32, Layout::kNCHW, 1,       channels,
                          side,           side, channels,        out_side,      out_side};
    run_case("max_unpool2d " + dims(1, channels, side, side) + " 2x", shape, {&values, &indices},
             {values.view(DType::kFloat32, Layout::kNCHW, 1, channels, side, side),
              indices.view(DType::kInt64, Layout::kNCHW, 1, channels, side, side)},
             out, out.view(DType::kFloat32, Layout::kNCHW, 1, channels, out_side, out_side), 0.0,
             0.0, [](std::vector<TensorView>& v) {
               return upsample::max_unpool2d(v[0], v[1], v[2], upsample::MaxUnpoolOptions{});
             });
  }
  // conv_transpose2d, conv_bench.cpp's case a.
  {
    DeviceBuffer in(size_t(64 * 64 * 64) * 4), weight(size_t(64 * 64 * 16) * 4),
        out(size_t(64 * 128 * 128) * 4);
    fill(in, DType::kFloat32, 5);
    fill(weight, DType::kFloat32, 6);
    upsample::ConvTranspose2dOptions options;
    options.stride_h = options.stride_w = 2;
    options.padding_h = options.padding_w = 1;
    const CaseShape shape{"conv_transpose2d",
                          "k4 s2 p1",
                          DType::kFloat32,
                          Layout::kNCHW,
                          1,
                          64,
                          64,
                          64,
                          64,
                          128,
                          128};
    run_case("conv_transpose2d 1x64x64x64->64 k4 s2 p1", shape, {&in, &weight},
             {in.view(DType::kFloat32, Layout::kNCHW, 1, 64, 64, 64),
              weight.view(DType::kFloat32, Layout::kNCHW, 64, 64, 4, 4)},
             out, out.view(DType::kFloat32, Layout::kNCHW, 1, 64, 128, 128),
             2.0 * 64 * 64 * 64 * 64 * 16, 1e-3, [options](std::vector<TensorView>& v) {
               return upsample::conv_transpose2d(v[0], v[1], nullptr, v[2], options);
             });
  }

  std::FILE* csv = std::fopen(csv_path.c_str(), "w");
  if (csv != nullptr) {
    std::fprintf(csv,
                 "device,case,op,method,dtype,layout,n,c,h,w,out_c,out_h,out_w,ms,bytes,copy_gbs,"
                 "times_bound,copy_same_bytes_ms,times_copy,gflops,agrees_with_cpu\n");
  }
  std::printf("%-44s %9s %8s %9s %8s %9s %6s\n", "case", "ms", "x bound", "copy ms", "x copy",
              "GFLOP/s", "check");
  int disagreements = 0;
  for (const Result& r : results) {
    const double bound_ms = bandwidth > 0 ? r.bytes / (bandwidth * 1e6) : 0.0;
    const double gflops = r.flops > 0 ? r.flops / (r.ms * 1e6) : 0.0;
    const double times_copy = r.copy_ms > 0 ? r.ms / r.copy_ms : 0.0;
    // The convolution is compute-bound: its rate is in GFLOP/s, not a ratio to the bound.
    char ratio[32] = "-", copy_ratio[32] = "-", rate[32] = "-";
    if (r.flops == 0 && bound_ms > 0) std::snprintf(ratio, sizeof(ratio), "%.2f", r.ms / bound_ms);
    if (r.flops == 0 && times_copy > 0) {
      std::snprintf(copy_ratio, sizeof(copy_ratio), "%.2f", times_copy);
    }
    if (r.flops > 0) std::snprintf(rate, sizeof(rate), "%.1f", gflops);
    std::printf("%-44s %9.4f %8s %9.4f %8s %9s %6s\n", r.name.c_str(), r.ms, ratio, r.copy_ms,
                copy_ratio, rate, r.agrees ? "ok" : "DIFFERS");
    if (csv != nullptr) {
      const CaseShape& s = r.shape;
      std::fprintf(csv,
                   "%s,%s,%s,%s,%s,%s,%lld,%lld,%lld,%lld,%lld,%lld,%lld,%.4f,%.0f,%.2f,%.3f,%.4f,"
                   "%.3f,%.2f,%d\n",
                   upsample::device_name(kDevice), r.name.c_str(), s.op.c_str(), s.method.c_str(),
                   upsample::dtype_name(s.dtype), s.layout == Layout::kNCHW ? "nchw" : "nhwc",
                   (long long)s.n, (long long)s.c, (long long)s.h, (long long)s.w,
                   (long long)s.out_c, (long long)s.out_h, (long long)s.out_w, r.ms, r.bytes,
                   bandwidth, r.flops == 0 && bound_ms > 0 ? r.ms / bound_ms : 0, r.copy_ms,
                   r.flops == 0 ? times_copy : 0, gflops, r.agrees ? 1 : 0);
    }
    if (!r.agrees) disagreements++;
  }
  if (csv != nullptr) std::fclose(csv);
  std::printf(
      "x bound: time over (input + output bytes) / the copy bandwidth above; x copy: time over a "
      "copy of the same bytes; CSV: %s\n",
      csv_path.c_str());
  return disagreements == 0 ? 0 : 1;
}
