// Tensors in GPU memory (TensorView::device): refused with a clear status where this build has no
// variants for their device or the call mixes places (every build); wrapped without copying and
// checked against the oracles on OpenCL (the OpenCL build, through the OpenCL API on PoCL), with
// the library's context and with the caller's own; and on CUDA where a CUDA device is present.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>
#include <vector>

#include "reference/conv_reference.h"
#include "reference/resize_reference.h"
#include "upsample/upsample.h"

#ifdef UPSAMPLE_TEST_OPENCL
#define CL_TARGET_OPENCL_VERSION 120
#include <CL/cl.h>
#endif
#ifdef UPSAMPLE_TEST_CUDA
#include <dlfcn.h>
#endif

namespace {

using upsample::Device;
using upsample::DType;
using upsample::Layout;
using upsample::StatusCode;
using upsample::TensorView;

// A GPU this build has no variants for (a build holds at most one GPU API).
Device absent_device() {
  return upsample::has_device_variants(Device::kCUDA) ? Device::kOpenCL : Device::kCUDA;
}

std::vector<float> ramp(size_t count, float scale) {
  std::vector<float> values(count);
  for (size_t i = 0; i < values.size(); i++) values[i] = std::sin(float(i) * 0.37f) * scale;
  return values;
}

std::vector<double> widen(const std::vector<float>& values) {
  return std::vector<double>(values.begin(), values.end());
}

void check_close(const std::vector<float>& got, const std::vector<double>& want, double tolerance) {
  REQUIRE(got.size() == want.size());
  size_t bad = 0;
  for (size_t i = 0; i < got.size(); i++) {
    if (std::abs(double(got[i]) - want[i]) > tolerance * (1.0 + std::abs(want[i]))) bad++;
  }
  CHECK(bad == 0);
}

}  // namespace

TEST_CASE("device memory: refused where this build cannot use it, or where a call mixes places",
          "[device][device-memory]") {
  const Device absent = absent_device();
  std::vector<float> host_in(16), host_out(64);
  const TensorView host_input =
      upsample::make_tensor(host_in.data(), DType::kFloat32, Layout::kNCHW, 1, 1, 4, 4);
  const TensorView host_output =
      upsample::make_tensor(host_out.data(), DType::kFloat32, Layout::kNCHW, 1, 1, 8, 8);
  // Handles of a device without variants are never dereferenced: any non-zero value will do.
  const TensorView device_input =
      upsample::make_device_tensor(absent, 0x1000, DType::kFloat32, Layout::kNCHW, 1, 1, 4, 4);
  const TensorView device_output =
      upsample::make_device_tensor(absent, 0x9000, DType::kFloat32, Layout::kNCHW, 1, 1, 8, 8);
  const upsample::ResizeOptions options = upsample::onnx_options(upsample::ResizeMethod::kNearest);
  const auto refused = [&](const TensorView& in, const TensorView& out, StatusCode code,
                           const std::string& text) {
    const upsample::Status st = upsample::resize(in, out, options);
    INFO(st.message());
    CHECK(st.code() == code);
    CHECK(st.message().find(text) != std::string::npos);
  };

  SECTION("a device without variants in this build") {
    refused(device_input, device_output, StatusCode::kUnsupported,
            std::string("this build has no ") + upsample::device_name(absent));
  }
  SECTION("host and device tensors in one call") {
    refused(device_input, host_output, StatusCode::kInvalidArgument, "must be in one place");
    refused(host_input, device_output, StatusCode::kInvalidArgument, "must be in one place");
  }
  SECTION("malformed views") {
    TensorView with_data = device_input;
    with_data.data = host_in.data();
    refused(with_data, device_output, StatusCode::kInvalidArgument, "data must be null");
    TensorView null_handle = device_input;
    null_handle.device_handle = 0;
    refused(null_handle, device_output, StatusCode::kInvalidArgument, "device_handle is null");
    TensorView odd_offset = device_input;
    odd_offset.device_offset = 2;
    refused(odd_offset, device_output, StatusCode::kInvalidArgument, "element size");
    TensorView host_with_handle = host_input;
    host_with_handle.device_handle = 0x1000;
    refused(host_with_handle, host_output, StatusCode::kInvalidArgument, "must be 0 for host");
    TensorView unknown = device_input;
    unknown.device = static_cast<Device>(7);
    refused(unknown, device_output, StatusCode::kInvalidArgument, "unknown device value 7");
  }
  SECTION("context calls for a device without variants") {
    if (absent == Device::kOpenCL) {
      _cl_context* context = nullptr;
      _cl_command_queue* queue = nullptr;
      CHECK(upsample::set_opencl_context(nullptr, nullptr).code() == StatusCode::kUnsupported);
      CHECK(upsample::opencl_context(&context, &queue).code() == StatusCode::kUnsupported);
    } else {
      CUctx_st* context = nullptr;
      CUstream_st* stream = nullptr;
      CHECK(upsample::set_cuda_context(nullptr, nullptr).code() == StatusCode::kUnsupported);
      CHECK(upsample::cuda_context(&context, &stream).code() == StatusCode::kUnsupported);
    }
  }
  // Nothing was written.
  for (float v : host_out) CHECK(v == 0.0f);
}

#ifdef UPSAMPLE_TEST_OPENCL

namespace {

// A cl_mem of the library's context (or the given one) holding `values`, freed on scope exit.
class ClBuffer {
 public:
  ClBuffer(cl_context context, cl_command_queue queue, const void* values, size_t bytes)
      : queue_(queue), bytes_(bytes) {
    cl_int error = CL_SUCCESS;
    mem_ = clCreateBuffer(context, CL_MEM_READ_WRITE, bytes, nullptr, &error);
    REQUIRE(error == CL_SUCCESS);
    REQUIRE(clEnqueueWriteBuffer(queue, mem_, CL_TRUE, 0, bytes, values, 0, nullptr, nullptr) ==
            CL_SUCCESS);
  }
  ClBuffer(const ClBuffer&) = delete;
  ClBuffer& operator=(const ClBuffer&) = delete;
  ~ClBuffer() { clReleaseMemObject(mem_); }
  uint64_t handle() const { return reinterpret_cast<uint64_t>(mem_); }
  // Waits for the queue (calls on device tensors do not), then reads everything back.
  std::vector<uint8_t> read() const {
    std::vector<uint8_t> bytes(bytes_);
    REQUIRE(clFinish(queue_) == CL_SUCCESS);
    REQUIRE(clEnqueueReadBuffer(queue_, mem_, CL_TRUE, 0, bytes_, bytes.data(), 0, nullptr,
                                nullptr) == CL_SUCCESS);
    return bytes;
  }
  std::vector<float> read_floats(size_t offset_bytes, size_t count) const {
    const std::vector<uint8_t> bytes = read();
    std::vector<float> values(count);
    std::memcpy(values.data(), bytes.data() + offset_bytes, count * sizeof(float));
    return values;
  }

 private:
  cl_command_queue queue_;
  size_t bytes_;
  cl_mem mem_;
};

struct ClContext {
  cl_context context = nullptr;
  cl_command_queue queue = nullptr;
};

// The library's context, or false (with a message) when there is no OpenCL device.
bool library_context(ClContext* cl) {
  const upsample::Status st = upsample::opencl_context(&cl->context, &cl->queue);
  if (!st.ok()) WARN("skipped: " << st.message());
  return st.ok();
}

TensorView cl_tensor(const ClBuffer& buffer, Layout layout, int64_t n, int64_t c, int64_t h,
                     int64_t w, uint64_t offset = 0) {
  TensorView view = upsample::make_device_tensor(Device::kOpenCL, buffer.handle(), DType::kFloat32,
                                                 layout, n, c, h, w);
  view.device_offset = offset;
  return view;
}

TensorView cl_tensor(const ClBuffer& buffer, const upsample_ref::Shape& shape) {
  return cl_tensor(buffer, Layout::kNCHW, shape.n, shape.c, shape.h, shape.w);
}

const upsample_ref::Shape kIn{2, 3, 5, 7};

std::vector<double> bilinear_reference(const std::vector<float>& input, int64_t out_h,
                                       int64_t out_w) {
  upsample_ref::ResizeSpec spec;
  spec.method = upsample_ref::Method::kLinear;
  spec.coord = upsample_ref::CoordMode::kHalfPixel;
  return upsample_ref::resize(widen(input), kIn, out_h, out_w, spec);
}

}  // namespace

TEST_CASE("device memory: OpenCL cl_mem tensors are wrapped, on the library's context",
          "[device-memory][opencl]") {
  ClContext cl;
  if (!library_context(&cl)) return;
  const std::vector<float> input = ramp(size_t(kIn.count()), 3.0f);
  const upsample::ResizeOptions bilinear =
      upsample::onnx_options(upsample::ResizeMethod::kBilinear);
  const std::vector<float> untouched(size_t(2 * 3 * 10 * 14) + 64, -7.0f);

  SECTION("resize, whatever the execution policy") {
    ClBuffer in(cl.context, cl.queue, input.data(), input.size() * 4);
    ClBuffer out(cl.context, cl.queue, untouched.data(), untouched.size() * 4);
    const upsample::Status st =
        upsample::resize(cl_tensor(in, Layout::kNCHW, 2, 3, 5, 7),
                         cl_tensor(out, Layout::kNCHW, 2, 3, 10, 14), bilinear);
    INFO(st.message());
    REQUIRE(st.ok());
    CHECK(upsample::last_kernel_device() == Device::kOpenCL);
    check_close(out.read_floats(0, 2 * 3 * 10 * 14), bilinear_reference(input, 10, 14), 1e-5);
  }

  SECTION("views at offsets: aligned ones addressed in place, unaligned ones staged") {
    // The input at 4 KiB (a sub-buffer), the output 3 floats in (no device aligns to 12 bytes).
    std::vector<float> padded_input(1024 + input.size(), 0.0f);
    std::copy(input.begin(), input.end(), padded_input.begin() + 1024);
    ClBuffer in(cl.context, cl.queue, padded_input.data(), padded_input.size() * 4);
    ClBuffer out(cl.context, cl.queue, untouched.data(), untouched.size() * 4);
    const upsample::Status st =
        upsample::resize(cl_tensor(in, Layout::kNCHW, 2, 3, 5, 7, 4096),
                         cl_tensor(out, Layout::kNCHW, 2, 3, 10, 14, 12), bilinear);
    INFO(st.message());
    REQUIRE(st.ok());
    const std::vector<float> all = out.read_floats(0, untouched.size());
    for (int i = 0; i < 3; i++) CHECK(all[size_t(i)] == -7.0f);
    for (size_t i = 3 + 2 * 3 * 10 * 14; i < all.size(); i++) CHECK(all[i] == -7.0f);
    check_close(std::vector<float>(all.begin() + 3, all.begin() + 3 + 2 * 3 * 10 * 14),
                bilinear_reference(input, 10, 14), 1e-5);
  }

  SECTION("an unaligned NHWC view keeps its channel-innermost layout when staged") {
    // The NCHW input above read as NHWC data of the same shape: any values will do.
    ClBuffer in(cl.context, cl.queue, input.data(), input.size() * 4);
    ClBuffer out(cl.context, cl.queue, untouched.data(), untouched.size() * 4);
    const upsample::Status st =
        upsample::resize(cl_tensor(in, Layout::kNHWC, 2, 3, 5, 7),
                         cl_tensor(out, Layout::kNHWC, 2, 3, 10, 14, 12), bilinear);
    INFO(st.message());
    REQUIRE(st.ok());
    // The reference in NCHW: transpose the NHWC input and output.
    std::vector<float> nchw_in(input.size());
    for (int64_t n = 0; n < 2; n++)
      for (int64_t c = 0; c < 3; c++)
        for (int64_t y = 0; y < 5; y++)
          for (int64_t x = 0; x < 7; x++)
            nchw_in[size_t(((n * 3 + c) * 5 + y) * 7 + x)] =
                input[size_t(((n * 5 + y) * 7 + x) * 3 + c)];
    const std::vector<float> got = out.read_floats(12, 2 * 3 * 10 * 14);
    std::vector<float> nchw_got(got.size());
    for (int64_t n = 0; n < 2; n++)
      for (int64_t c = 0; c < 3; c++)
        for (int64_t y = 0; y < 10; y++)
          for (int64_t x = 0; x < 14; x++)
            nchw_got[size_t(((n * 3 + c) * 10 + y) * 14 + x)] =
                got[size_t(((n * 10 + y) * 14 + x) * 3 + c)];
    check_close(nchw_got, bilinear_reference(nchw_in, 10, 14), 1e-5);
  }

  SECTION("a cl_mem smaller than its view") {
    ClBuffer in(cl.context, cl.queue, input.data(), input.size() * 4);
    ClBuffer out(cl.context, cl.queue, untouched.data(), 100 * 4);
    const upsample::Status st =
        upsample::resize(cl_tensor(in, Layout::kNCHW, 2, 3, 5, 7),
                         cl_tensor(out, Layout::kNCHW, 2, 3, 10, 14), bilinear);
    INFO(st.message());
    CHECK(st.code() == StatusCode::kOutOfRange);
    CHECK(st.message().find("the cl_mem holds 400 bytes") != std::string::npos);
  }
}

TEST_CASE("device memory: OpenCL convolutions (weights, groups and phases in device memory)",
          "[device-memory][opencl]") {
  ClContext cl;
  if (!library_context(&cl)) return;
  // conv_transpose2d, stride 2, 2 groups: group and phase slices start inside the allocations.
  const upsample_ref::Shape in{1, 4, 5, 6}, weight_shape{4, 3, 3, 3};
  upsample_ref::ConvSpec spec;
  spec.stride_h = spec.stride_w = 2;
  spec.padding_h = spec.padding_w = 1;
  spec.output_padding_h = spec.output_padding_w = 1;
  spec.groups = 2;
  const upsample_ref::Shape out = upsample_ref::conv_transpose2d_shape(in, weight_shape, spec);
  const std::vector<float> input = ramp(size_t(in.count()), 1.0f);
  const std::vector<float> weight = ramp(size_t(weight_shape.count()), 0.5f);
  const std::vector<float> bias = ramp(size_t(out.c), 0.25f);
  ClBuffer input_mem(cl.context, cl.queue, input.data(), input.size() * 4);
  ClBuffer weight_mem(cl.context, cl.queue, weight.data(), weight.size() * 4);
  ClBuffer bias_mem(cl.context, cl.queue, bias.data(), bias.size() * 4);
  const upsample_ref::Shape bias_shape{1, out.c, 1, 1};
  const TensorView input_view = cl_tensor(input_mem, in);
  const TensorView weight_view = cl_tensor(weight_mem, weight_shape);
  const TensorView bias_view = cl_tensor(bias_mem, bias_shape);
  upsample::ConvTranspose2dOptions options;
  options.stride_h = options.stride_w = 2;
  options.padding_h = options.padding_w = 1;
  options.output_padding_h = options.output_padding_w = 1;
  options.groups = 2;

  SECTION("forward") {
    const std::vector<float> zeros(size_t(out.count()), 0.0f);
    ClBuffer output_mem(cl.context, cl.queue, zeros.data(), zeros.size() * 4);
    const upsample::Status st = upsample::conv_transpose2d(input_view, weight_view, &bias_view,
                                                           cl_tensor(output_mem, out), options);
    INFO(st.message());
    REQUIRE(st.ok());
    check_close(output_mem.read_floats(0, size_t(out.count())),
                upsample_ref::conv_transpose2d(widen(input), in, widen(weight), weight_shape,
                                               widen(bias), spec),
                1e-4);
  }

  SECTION("backward: gradients in device memory") {
    const std::vector<float> grad_output = ramp(size_t(out.count()), 0.75f);
    ClBuffer grad_output_mem(cl.context, cl.queue, grad_output.data(), grad_output.size() * 4);
    const std::vector<float> canary(input.size() + weight.size(), -3.0f);
    ClBuffer grad_input_mem(cl.context, cl.queue, canary.data(), input.size() * 4);
    ClBuffer grad_weight_mem(cl.context, cl.queue, canary.data(), weight.size() * 4);
    ClBuffer grad_bias_mem(cl.context, cl.queue, canary.data(), bias.size() * 4);
    const TensorView grad_input = cl_tensor(grad_input_mem, in);
    const TensorView grad_weight = cl_tensor(grad_weight_mem, weight_shape);
    const TensorView grad_bias = cl_tensor(grad_bias_mem, bias_shape);
    const TensorView grad_output_view = cl_tensor(grad_output_mem, out);
    const upsample_ref::ConvGradients want = upsample_ref::conv_transpose2d_backward(
        widen(input), in, widen(weight), weight_shape, widen(grad_output), spec);
    const upsample::Status st = upsample::conv_transpose2d_backward(
        input_view, weight_view, grad_output_view, &grad_input, &grad_weight, &grad_bias, options);
    INFO(st.message());
    REQUIRE(st.ok());
    CHECK(upsample::last_kernel_device() == Device::kOpenCL);
    check_close(grad_input_mem.read_floats(0, input.size()), want.input, 1e-4);
    check_close(grad_weight_mem.read_floats(0, weight.size()), want.weight, 1e-4);
    check_close(grad_bias_mem.read_floats(0, bias.size()), want.bias, 1e-4);
  }
}

TEST_CASE("device memory: OpenCL max_unpool2d names a bad index read from device memory",
          "[device-memory][opencl]") {
  ClContext cl;
  if (!library_context(&cl)) return;
  const std::vector<float> values = {1, 2, 3, 4};
  const std::vector<int32_t> indices = {0, 3, 60, 15};  // 60 is outside the 4x4 plane
  const std::vector<float> canary(16, -1.0f);
  ClBuffer values_mem(cl.context, cl.queue, values.data(), values.size() * 4);
  ClBuffer indices_mem(cl.context, cl.queue, indices.data(), indices.size() * 4);
  ClBuffer output_mem(cl.context, cl.queue, canary.data(), canary.size() * 4);
  TensorView index_view = upsample::make_device_tensor(Device::kOpenCL, indices_mem.handle(),
                                                       DType::kInt32, Layout::kNCHW, 1, 1, 2, 2);
  const upsample::Status st = upsample::max_unpool2d(
      cl_tensor(values_mem, Layout::kNCHW, 1, 1, 2, 2), index_view,
      cl_tensor(output_mem, Layout::kNCHW, 1, 1, 4, 4), upsample::MaxUnpoolOptions{});
  INFO(st.message());
  CHECK(st.code() == StatusCode::kOutOfRange);
  CHECK(st.message().find("index 60 at (n=0, c=0, h=1, w=0)") != std::string::npos);
  for (float v : output_mem.read_floats(0, 16)) CHECK(v == -1.0f);
}

TEST_CASE("device memory: OpenCL resize_conv2d keeps its intermediate on the device",
          "[device-memory][opencl]") {
  ClContext cl;
  if (!library_context(&cl)) return;
  const std::vector<float> input = ramp(size_t(kIn.count()), 2.0f);
  const upsample_ref::Shape weight_shape{4, 3, 3, 3}, resized{2, 3, 10, 14};
  const std::vector<float> weight = ramp(size_t(weight_shape.count()), 0.5f);
  upsample_ref::ConvSpec spec;
  spec.padding_h = spec.padding_w = 1;
  const upsample_ref::Shape out = upsample_ref::conv2d_shape(resized, weight_shape, spec);
  const std::vector<double> want =
      upsample_ref::conv2d(bilinear_reference(input, resized.h, resized.w), resized, widen(weight),
                           weight_shape, {}, spec);
  ClBuffer input_mem(cl.context, cl.queue, input.data(), input.size() * 4);
  ClBuffer weight_mem(cl.context, cl.queue, weight.data(), weight.size() * 4);
  const std::vector<float> zeros(size_t(out.count()), 0.0f);
  ClBuffer output_mem(cl.context, cl.queue, zeros.data(), zeros.size() * 4);
  upsample::ResizeConv2dOptions options;
  options.resize = upsample::onnx_options(upsample::ResizeMethod::kBilinear);
  options.resized_h = resized.h;
  options.resized_w = resized.w;
  options.conv.padding_h = options.conv.padding_w = 1;
  const upsample::Status st = upsample::resize_conv2d(
      cl_tensor(input_mem, Layout::kNCHW, kIn.n, kIn.c, kIn.h, kIn.w),
      cl_tensor(weight_mem, Layout::kNCHW, weight_shape.n, weight_shape.c, weight_shape.h,
                weight_shape.w),
      nullptr, cl_tensor(output_mem, Layout::kNCHW, out.n, out.c, out.h, out.w), options);
  INFO(st.message());
  REQUIRE(st.ok());
  check_close(output_mem.read_floats(0, size_t(out.count())), want, 1e-4);
}

TEST_CASE("device memory: OpenCL calls run on the caller's context and queue",
          "[device-memory][opencl]") {
  ClContext library;
  if (!library_context(&library)) return;
  // The caller's own context on the first device of the first platform.
  cl_platform_id platform = nullptr;
  cl_device_id device = nullptr;
  REQUIRE(clGetPlatformIDs(1, &platform, nullptr) == CL_SUCCESS);
  REQUIRE(clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, 1, &device, nullptr) == CL_SUCCESS);
  cl_int error = CL_SUCCESS;
  ClContext own;
  own.context = clCreateContext(nullptr, 1, &device, nullptr, nullptr, &error);
  REQUIRE(error == CL_SUCCESS);
  own.queue = clCreateCommandQueue(own.context, device, 0, &error);
  REQUIRE(error == CL_SUCCESS);
  REQUIRE(own.context != library.context);

  REQUIRE(upsample::set_opencl_context(own.context, own.queue).ok());
  ClContext in_use;
  REQUIRE(upsample::opencl_context(&in_use.context, &in_use.queue).ok());
  CHECK(in_use.context == own.context);
  CHECK(in_use.queue == own.queue);
  {
    const std::vector<float> input = ramp(size_t(kIn.count()), 1.5f);
    const std::vector<float> zeros(size_t(2 * 3 * 10 * 14), 0.0f);
    ClBuffer in(own.context, own.queue, input.data(), input.size() * 4);
    ClBuffer out(own.context, own.queue, zeros.data(), zeros.size() * 4);
    const upsample::Status st = upsample::resize(
        cl_tensor(in, Layout::kNCHW, 2, 3, 5, 7), cl_tensor(out, Layout::kNCHW, 2, 3, 10, 14),
        upsample::onnx_options(upsample::ResizeMethod::kBilinear));
    INFO(st.message());
    CHECK(st.ok());
    check_close(out.read_floats(0, zeros.size()), bilinear_reference(input, 10, 14), 1e-5);
    // A cl_mem of another context is refused before anything runs.
    ClBuffer foreign(library.context, library.queue, zeros.data(), zeros.size() * 4);
    const upsample::Status mixed = upsample::resize(
        cl_tensor(in, Layout::kNCHW, 2, 3, 5, 7), cl_tensor(foreign, Layout::kNCHW, 2, 3, 10, 14),
        upsample::onnx_options(upsample::ResizeMethod::kBilinear));
    INFO(mixed.message());
    CHECK(mixed.code() == StatusCode::kInvalidArgument);
    CHECK(mixed.message().find("another OpenCL context") != std::string::npos);
  }
  // Back to the library's context; the library released its references to the caller's.
  REQUIRE(upsample::set_opencl_context(nullptr, nullptr).ok());
  REQUIRE(upsample::opencl_context(&in_use.context, &in_use.queue).ok());
  CHECK(in_use.context == library.context);
  CHECK(upsample::set_opencl_context(own.context, nullptr).code() == StatusCode::kInvalidArgument);
  clReleaseCommandQueue(own.queue);
  clReleaseContext(own.context);
}

#endif  // UPSAMPLE_TEST_OPENCL

#ifdef UPSAMPLE_TEST_CUDA

namespace {

// The few CUDA driver functions the test needs, from libcuda at run time (no SDK at build time).
struct CudaDriver {
  using Result = int;
  Result (*ctx_push)(CUctx_st*) = nullptr;
  Result (*ctx_pop)(CUctx_st**) = nullptr;
  Result (*mem_alloc)(uint64_t*, size_t) = nullptr;
  Result (*mem_free)(uint64_t) = nullptr;
  Result (*copy_in)(uint64_t, const void*, size_t) = nullptr;
  Result (*copy_out)(void*, uint64_t, size_t) = nullptr;
  Result (*stream_create)(CUstream_st**, unsigned) = nullptr;
  Result (*stream_sync)(CUstream_st*) = nullptr;
  Result (*stream_destroy)(CUstream_st*) = nullptr;

  bool load() {
    void* library = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
    if (library == nullptr) return false;
    const auto get = [&](auto& function, const char* name) {
      function =
          reinterpret_cast<std::remove_reference_t<decltype(function)>>(dlsym(library, name));
      return function != nullptr;
    };
    return get(ctx_push, "cuCtxPushCurrent_v2") && get(ctx_pop, "cuCtxPopCurrent_v2") &&
           get(mem_alloc, "cuMemAlloc_v2") && get(mem_free, "cuMemFree_v2") &&
           get(copy_in, "cuMemcpyHtoD_v2") && get(copy_out, "cuMemcpyDtoH_v2") &&
           get(stream_create, "cuStreamCreate") && get(stream_sync, "cuStreamSynchronize") &&
           get(stream_destroy, "cuStreamDestroy_v2");
  }
};

}  // namespace

TEST_CASE("device memory: CUDA device pointers are wrapped, on the caller's stream",
          "[device-memory][cuda]") {
  CudaDriver cuda;
  CUctx_st* context = nullptr;
  CUstream_st* default_stream = nullptr;
  const upsample::Status available = upsample::cuda_context(&context, &default_stream);
  if (!available.ok() || !cuda.load()) {
    WARN("skipped: " << (available.ok() ? "libcuda.so.1 lacks a driver function"
                                        : available.message()));
    return;
  }
  REQUIRE(cuda.ctx_push(context) == 0);
  CUstream_st* stream = nullptr;
  REQUIRE(cuda.stream_create(&stream, 0) == 0);
  const upsample_ref::Shape in{2, 3, 5, 7};
  const std::vector<float> input = ramp(size_t(in.count()), 2.0f);
  const size_t out_count = size_t(2 * 3 * 10 * 14);
  uint64_t input_ptr = 0, output_ptr = 0;
  REQUIRE(cuda.mem_alloc(&input_ptr, input.size() * 4) == 0);
  // The output 3 floats into its allocation: CUDA addresses any offset in place.
  REQUIRE(cuda.mem_alloc(&output_ptr, (out_count + 3) * 4) == 0);
  REQUIRE(cuda.copy_in(input_ptr, input.data(), input.size() * 4) == 0);
  const std::vector<float> canary(out_count + 3, -7.0f);
  REQUIRE(cuda.copy_in(output_ptr, canary.data(), canary.size() * 4) == 0);

  REQUIRE(upsample::set_cuda_context(context, stream).ok());
  CUctx_st* in_use = nullptr;
  CUstream_st* in_use_stream = nullptr;
  REQUIRE(upsample::cuda_context(&in_use, &in_use_stream).ok());
  CHECK(in_use == context);
  CHECK(in_use_stream == stream);
  TensorView output = upsample::make_device_tensor(Device::kCUDA, output_ptr, DType::kFloat32,
                                                   Layout::kNCHW, 2, 3, 10, 14);
  output.device_offset = 12;
  const upsample::Status st =
      upsample::resize(upsample::make_device_tensor(Device::kCUDA, input_ptr, DType::kFloat32,
                                                    Layout::kNCHW, 2, 3, 5, 7),
                       output, upsample::onnx_options(upsample::ResizeMethod::kBilinear));
  INFO(st.message());
  CHECK(st.ok());
  CHECK(upsample::last_kernel_device() == Device::kCUDA);
  REQUIRE(cuda.stream_sync(stream) == 0);
  std::vector<float> all(out_count + 3);
  REQUIRE(cuda.copy_out(all.data(), output_ptr, all.size() * 4) == 0);
  for (int i = 0; i < 3; i++) CHECK(all[size_t(i)] == -7.0f);
  upsample_ref::ResizeSpec spec;
  check_close(std::vector<float>(all.begin() + 3, all.end()),
              upsample_ref::resize(widen(input), in, 10, 14, spec), 1e-5);

  REQUIRE(upsample::set_cuda_context(nullptr, nullptr).ok());
  cuda.mem_free(input_ptr);
  cuda.mem_free(output_ptr);
  cuda.stream_destroy(stream);
  CUctx_st* popped = nullptr;
  cuda.ctx_pop(&popped);
}

#endif  // UPSAMPLE_TEST_CUDA
