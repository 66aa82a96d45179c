// The thread-count setting really bounds the threads the kernels run on, also when lowered after
// a pool of more threads has started, and results do not depend on it.
#include <catch2/catch.hpp>

#include <dirent.h>

#include <cstdint>
#include <vector>

#include "upsample/upsample.h"

namespace {

// Threads of this process, from /proc (Linux); -1 where that cannot be read.
int thread_count() {
  DIR* tasks = opendir("/proc/self/task");
  if (tasks == nullptr) return -1;
  int count = 0;
  while (dirent* entry = readdir(tasks)) {
    if (entry->d_name[0] != '.') count++;
  }
  closedir(tasks);
  return count;
}

// A resize big enough to be split into many parallel tasks.
void run_resize(std::vector<float>& out) {
  std::vector<float> in(4 * 64 * 64, 1.5f);
  const upsample::TensorView input = upsample::make_input_tensor(
      in.data(), upsample::DType::kFloat32, upsample::Layout::kNCHW, 1, 4, 64, 64);
  const upsample::TensorView output = upsample::make_tensor(
      out.data(), upsample::DType::kFloat32, upsample::Layout::kNCHW, 1, 4, 256, 256);
  REQUIRE(upsample::resize(input, output, upsample::onnx_options(upsample::ResizeMethod::kBilinear))
              .ok());
}

}  // namespace

TEST_CASE("threading: lowering the thread count stops the extra workers", "[threading]") {
  std::vector<float> out(4 * 256 * 256);
  // Earlier tests in this process may have started the pool: start from a serial one.
  upsample::set_num_threads(1);
  run_resize(out);
  const int baseline = thread_count();
  if (baseline < 0) {
    WARN("skipped: /proc/self/task is not readable here");
    return;
  }
  upsample::set_num_threads(3);
  run_resize(out);
  CHECK(thread_count() > baseline);  // the pool started its workers
  upsample::set_num_threads(1);
  run_resize(out);
  CHECK(thread_count() == baseline);  // serial: no worker left running
  for (float v : out) REQUIRE(v == 1.5f);
  CHECK(upsample::set_num_threads(0) == 1);  // returns the previous setting; back to the default
}
