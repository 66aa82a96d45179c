// The Catch2 main, alone in its file so the test files rebuild quickly. When a run of the suite
// is meant for a GPU (UPSAMPLE_DEVICE=<device>,skip-if-missing) and that device is missing here,
// the run is skipped with the driver's message (exit 77, ctest's skip code).
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "upsample/device.h"

int main(int argc, char** argv) {
  const char* device = std::getenv("UPSAMPLE_DEVICE");
  if (device != nullptr && std::string(device).find(",skip-if-missing") != std::string::npos) {
    for (upsample::Device d : {upsample::Device::kOpenCL, upsample::Device::kCUDA}) {
      if (std::string(device).rfind(upsample::device_name(d), 0) != 0) continue;
      const upsample::Status status = upsample::device_status(d);
      if (!status.ok()) {
        std::printf("skipped: %s\n", status.message().c_str());
        return 77;
      }
    }
  }
  return Catch::Session().run(argc, argv);
}
