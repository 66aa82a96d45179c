// When a call runs a streaming variant (upsample/streaming.h).
#include "streaming.h"

#include <atomic>

#include "kernels.h"
#include "upsample/streaming.h"

namespace upsample {
namespace {

std::atomic<size_t> threshold_bytes{kDefaultStreamingStoreThreshold};
std::atomic<uint64_t> streamed_calls{0};

// What require_streaming_alignment (schedules/common_schedule.h) makes the variants assert.
constexpr uint64_t kAlignment = 64;

}  // namespace

size_t set_streaming_store_threshold(size_t bytes) {
  return threshold_bytes.exchange(bytes);
}

size_t streaming_store_threshold() {
  return threshold_bytes.load();
}

bool streaming_stores_available() {
  return internal::has_streaming_unpool_kernels();
}

uint64_t streaming_store_calls() {
  return streamed_calls.load();
}

namespace internal {

bool prepare_streaming_stores(halide_buffer_t* output, bool planar) {
  if (output->host == nullptr || output->device != 0 || output->dimensions != 4) return false;
  const uint64_t element_bytes = output->type.bytes();
  uint64_t elements = 1;
  for (int d = 0; d < output->dimensions; d++) elements *= uint64_t(output->dim[d].extent);
  if (elements * element_bytes < threshold_bytes.load()) return false;
  if (reinterpret_cast<uintptr_t>(output->host) % kAlignment != 0) return false;
  const int checked[] = {1, 2, 3};
  for (int d : checked) {
    if (d == 2 && !planar) continue;
    const int64_t stride_bytes = int64_t(output->dim[d].stride) * int64_t(element_bytes);
    if (output->dim[d].extent != 1 && stride_bytes % int64_t(kAlignment) != 0) return false;
  }
  for (int d : checked) {
    if ((d != 2 || planar) && output->dim[d].extent == 1) output->dim[d].stride = 0;
  }
  return true;
}

void count_streaming_call() {
  streamed_calls.fetch_add(1);
}

}  // namespace internal
}  // namespace upsample
