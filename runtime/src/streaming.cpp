// When a call runs a streaming variant (upsample/streaming.h).
#include "streaming.h"

#include <atomic>

#include "kernels.h"
#include "schedules/layout.h"
#include "upsample/streaming.h"

namespace upsample {
namespace {

std::atomic<size_t> threshold_bytes{kDefaultStreamingStoreThreshold};
std::atomic<uint64_t> streamed_calls{0};

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
  const int64_t element_bytes = output->type.bytes(), alignment = schedules::kStreamingAlignment;
  uint64_t elements = 1;
  for (int d = 0; d < output->dimensions; d++) elements *= uint64_t(output->dim[d].extent);
  if (elements * uint64_t(element_bytes) < threshold_bytes.load()) return false;
  if (reinterpret_cast<uintptr_t>(output->host) % uintptr_t(alignment) != 0) return false;
  // Rows and images; planes too when planar (packed channels lie within a pixel).
  const int aligned_dims[] = {1, 3, 2};
  const int count = planar ? 3 : 2;
  for (int i = 0; i < count; i++) {
    const int d = aligned_dims[i];
    const halide_dimension_t& dim = output->dim[d];
    if (dim.extent != 1 && int64_t(dim.stride) * element_bytes % alignment != 0) return false;
  }
  for (int i = 0; i < count; i++) {
    if (output->dim[aligned_dims[i]].extent == 1) output->dim[aligned_dims[i]].stride = 0;
  }
  return true;
}

void count_streaming_call() {
  streamed_calls.fetch_add(1);
}

}  // namespace internal
}  // namespace upsample
