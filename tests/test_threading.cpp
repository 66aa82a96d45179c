// The thread-count setting really bounds the threads the kernels run on, also when lowered after
// a pool of more threads has started, and results do not depend on it.
#include <catch2/catch.hpp>

#include <dirent.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <thread>
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

// thread_count() once it stops falling: a worker whose exit pthread_join has returned from can
// stay listed in /proc/self/task until the kernel has reaped it, longer on a loaded machine. Reads
// 10 ms apart until two agree, for at most a second.
int settled_thread_count() {
  int count = thread_count();
  for (int attempt = 0; attempt < 100 && count >= 0; attempt++) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    const int again = thread_count();
    if (again == count) break;
    count = again;
  }
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
  // The CPU's threads are what this counts, so this test runs on the CPU whatever the policy.
  const upsample::ExecutionPolicy policy = upsample::execution_policy();
  REQUIRE(upsample::set_execution_policy(upsample::ExecutionPolicy{}).ok());
  struct Restore {
    upsample::ExecutionPolicy policy;
    ~Restore() { upsample::set_execution_policy(policy); }
  } restore{policy};
  // Earlier tests in this process may have started the pool: start from a serial one.
  upsample::set_num_threads(1);
  run_resize(out);
  const int baseline = settled_thread_count();
  if (baseline < 0) {
    WARN("skipped: /proc/self/task is not readable here");
    return;
  }
  upsample::set_num_threads(3);
  run_resize(out);
  CHECK(thread_count() > baseline);  // the pool started its workers
  upsample::set_num_threads(1);
  run_resize(out);
  CHECK(settled_thread_count() == baseline);  // serial: no worker left running
  for (float v : out) REQUIRE(v == 1.5f);
  CHECK(upsample::set_num_threads(0) == 1);  // returns the previous setting; back to the default
}

namespace {

// One operator call on its own buffers, run serially first and then from several threads at once.
struct Job {
  std::vector<float> in, weight, out, expected;
  std::function<upsample::Status(Job&)> run;
};

Job resize_job() {
  Job job;
  job.in.resize(3 * 40 * 56);
  for (size_t i = 0; i < job.in.size(); i++) job.in[i] = float(i % 97) / 96.0f;
  job.out.resize(3 * 120 * 168);
  job.run = [](Job& j) {
    return upsample::resize(upsample::make_input_tensor(j.in.data(), upsample::DType::kFloat32,
                                                        upsample::Layout::kNCHW, 1, 3, 40, 56),
                            upsample::make_tensor(j.out.data(), upsample::DType::kFloat32,
                                                  upsample::Layout::kNCHW, 1, 3, 120, 168),
                            upsample::onnx_options(upsample::ResizeMethod::kBicubic));
  };
  return job;
}

Job deconv_job() {
  Job job;
  job.in.resize(8 * 12 * 12);
  job.weight.resize(8 * 4 * 4 * 4);
  for (size_t i = 0; i < job.in.size(); i++) job.in[i] = float(int(i % 13) - 6) / 8.0f;
  for (size_t i = 0; i < job.weight.size(); i++) job.weight[i] = float(int(i % 7) - 3) / 16.0f;
  job.out.resize(4 * 24 * 24);
  job.run = [](Job& j) {
    upsample::ConvTranspose2dOptions o;
    o.stride_h = o.stride_w = 2;
    o.padding_h = o.padding_w = 1;
    return upsample::conv_transpose2d(
        upsample::make_input_tensor(j.in.data(), upsample::DType::kFloat32, upsample::Layout::kNHWC,
                                    1, 8, 12, 12),
        upsample::make_input_tensor(j.weight.data(), upsample::DType::kFloat32,
                                    upsample::Layout::kNCHW, 8, 4, 4, 4),
        nullptr,
        upsample::make_tensor(j.out.data(), upsample::DType::kFloat32, upsample::Layout::kNHWC, 1,
                              4, 24, 24),
        o);
  };
  return job;
}

Job shuffle_job() {
  Job job;
  job.in.resize(16 * 20 * 20);
  for (size_t i = 0; i < job.in.size(); i++) job.in[i] = float(i);
  job.out.resize(job.in.size());
  job.run = [](Job& j) {
    return upsample::pixel_shuffle(
        upsample::make_input_tensor(j.in.data(), upsample::DType::kFloat32, upsample::Layout::kNCHW,
                                    1, 16, 20, 20),
        upsample::make_tensor(j.out.data(), upsample::DType::kFloat32, upsample::Layout::kNCHW, 1,
                              4, 40, 40),
        upsample::ShuffleOptions{});
  };
  return job;
}

}  // namespace

TEST_CASE("threading: concurrent calls from several threads give the serial results",
          "[threading]") {
  // Each worker thread owns one job and repeats it; another thread keeps changing the thread
  // count under them. Every result must equal that job's serial result, bit for bit.
  std::vector<Job> jobs = {resize_job(), deconv_job(), shuffle_job(), resize_job()};
  for (Job& job : jobs) {
    REQUIRE(job.run(job).ok());
    job.expected = job.out;
  }
  constexpr int kRepeats = 40;
  std::atomic<int> failures{0}, mismatches{0};
  std::atomic<bool> done{false};
  std::vector<std::thread> workers;
  for (Job& job : jobs) {
    workers.emplace_back([&job, &failures, &mismatches] {
      for (int r = 0; r < kRepeats; r++) {
        std::fill(job.out.begin(), job.out.end(), -1.0f);
        if (!job.run(job).ok()) failures++;
        if (job.out != job.expected) mismatches++;
      }
    });
  }
  std::thread resizer([&done] {
    for (int n = 1; !done.load(); n = 3 - n) upsample::set_num_threads(n);
  });
  for (std::thread& worker : workers) worker.join();
  done = true;
  resizer.join();
  upsample::set_num_threads(0);
  CHECK(failures.load() == 0);
  CHECK(mismatches.load() == 0);
}
