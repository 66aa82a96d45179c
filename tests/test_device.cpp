// The execution policy: calls run on the device it names (checked through last_kernel_device in
// the GPU runs of the suite), builds without a device's variants refuse it, and a missing device
// is kUnavailable, or the CPU when the policy allows it (a separate ctest hides the OpenCL
// platforms to test that).
#include <catch2/catch.hpp>

#include <cstdlib>
#include <string>
#include <vector>

#include "upsample/upsample.h"

namespace {

using upsample::Device;

upsample::Status run_resize(std::vector<float>& out) {
  std::vector<float> in(2 * 6 * 10);
  for (size_t i = 0; i < in.size(); i++) in[i] = float(i);
  out.assign(2 * 12 * 20, -1.0f);
  return upsample::resize(upsample::make_input_tensor(in.data(), upsample::DType::kFloat32,
                                                      upsample::Layout::kNCHW, 1, 2, 6, 10),
                          upsample::make_tensor(out.data(), upsample::DType::kFloat32,
                                                upsample::Layout::kNCHW, 1, 2, 12, 20),
                          upsample::onnx_options(upsample::ResizeMethod::kNearest));
}

// Nearest 2x of in[i] = i: out(c, y, x) = in(c, y / 2, x / 2).
bool nearest_ok(const std::vector<float>& out) {
  for (int c = 0; c < 2; c++)
    for (int y = 0; y < 12; y++)
      for (int x = 0; x < 20; x++)
        if (out[(c * 12 + y) * 20 + x] != float((c * 6 + y / 2) * 10 + x / 2)) return false;
  return true;
}

}  // namespace

TEST_CASE("device: names, and devices this build has no variants for are refused", "[device]") {
  CHECK(std::string(upsample::device_name(Device::kCPU)) == "cpu");
  CHECK(std::string(upsample::device_name(Device::kOpenCL)) == "opencl");
  CHECK(std::string(upsample::device_name(Device::kCUDA)) == "cuda");
  CHECK(upsample::has_device_variants(Device::kCPU));
  CHECK(upsample::device_status(Device::kCPU).ok());
  const upsample::ExecutionPolicy saved = upsample::execution_policy();
  for (Device d : {Device::kOpenCL, Device::kCUDA}) {
    if (upsample::has_device_variants(d)) continue;
    upsample::ExecutionPolicy policy;
    policy.device = d;
    const upsample::Status st = upsample::set_execution_policy(policy);
    INFO(st.message());
    CHECK(st.code() == upsample::StatusCode::kUnsupported);
    CHECK(st.message().find(upsample::device_name(d)) != std::string::npos);
    CHECK(upsample::device_status(d).code() == upsample::StatusCode::kUnsupported);
  }
  upsample::ExecutionPolicy bad;
  bad.device = static_cast<Device>(9);
  CHECK(upsample::set_execution_policy(bad).code() == upsample::StatusCode::kInvalidArgument);
  CHECK(upsample::execution_policy().device == saved.device);
}

TEST_CASE("device: calls run on the device of the execution policy", "[device]") {
  const upsample::ExecutionPolicy policy = upsample::execution_policy();
  const char* env = std::getenv("UPSAMPLE_DEVICE");
  INFO("UPSAMPLE_DEVICE=" << (env ? env : "(unset)") << "; policy "
                          << upsample::device_name(policy.device));
  if (env != nullptr && std::string(env).rfind("opencl", 0) == 0 &&
      upsample::has_device_variants(Device::kOpenCL)) {
    CHECK(policy.device == Device::kOpenCL);  // the GPU runs of the suite really ask for it
  }
  std::vector<float> out;
  const upsample::Status st = run_resize(out);
  INFO(st.message());
  REQUIRE(st.ok());
  CHECK(nearest_ok(out));
  const bool available = upsample::device_status(policy.device).ok();
  const Device expected = available ? policy.device : Device::kCPU;
  CHECK(upsample::device_name(upsample::last_kernel_device()) ==
        std::string(upsample::device_name(expected)));
}

// Run by its own ctest with the OpenCL platforms hidden (OCL_ICD_VENDORS pointing nowhere) and
// UPSAMPLE_DEVICE=opencl.
TEST_CASE("device: a missing device is kUnavailable, or the CPU when the policy allows it",
          "[.device-missing]") {
  REQUIRE(upsample::has_device_variants(Device::kOpenCL));
  const upsample::Status status = upsample::device_status(Device::kOpenCL);
  INFO(status.message());
  REQUIRE(status.code() == upsample::StatusCode::kUnavailable);
  CHECK(status.message().find("no opencl device") != std::string::npos);

  upsample::ExecutionPolicy policy;
  policy.device = Device::kOpenCL;
  REQUIRE(upsample::set_execution_policy(policy).ok());
  std::vector<float> out;
  upsample::Status st = run_resize(out);
  INFO(st.message());
  CHECK(st.code() == upsample::StatusCode::kUnavailable);
  CHECK(st.message().rfind("resize: no opencl device", 0) == 0);
  for (float v : out) REQUIRE(v == -1.0f);  // nothing written

  policy.allow_cpu_fallback = true;
  REQUIRE(upsample::set_execution_policy(policy).ok());
  st = run_resize(out);
  REQUIRE(st.ok());
  CHECK(nearest_ok(out));
  CHECK(upsample::last_kernel_device() == Device::kCPU);
}
