// When a call runs a streaming variant (upsample/streaming.h).
#include "streaming.h"

#include <atomic>
#include <fstream>
#include <string>

#include "kernels.h"
#include "schedules/layout.h"
#include "upsample/streaming.h"

namespace upsample {
namespace {

std::atomic<uint64_t> streamed_calls{0};

// Used where the OS reports no cache sizes: 3/4 of a 32 MiB L3.
constexpr size_t kFallbackThreshold = size_t(24) << 20;

// A sysfs cache size ("32768K", "1M"), in bytes; 0 if unreadable.
size_t parse_cache_size(const std::string& text) {
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') digits++;
  if (digits == 0 || digits > 12) return 0;
  size_t bytes = std::stoull(text.substr(0, digits));
  const std::string unit = text.substr(digits);
  if (unit == "K") return bytes << 10;
  if (unit == "M") return bytes << 20;
  if (unit == "G") return bytes << 30;
  return unit.empty() ? bytes : 0;
}

// The size of CPU 0's highest-level data or unified cache as Linux's sysfs reports it, or 0.
// (sysconf(_SC_LEVEL3_CACHE_SIZE) is not used: in a VM it can report the host's whole package,
// 384 MiB on the machine of bench/RESULTS.md, where sysfs says 32 MiB.)
size_t last_level_cache_bytes() {
  int best_level = 0;
  size_t best_bytes = 0;
  for (int index = 0; index < 16; index++) {
    const std::string dir =
        "/sys/devices/system/cpu/cpu0/cache/index" + std::to_string(index) + "/";
    std::ifstream level_file(dir + "level"), type_file(dir + "type"), size_file(dir + "size");
    int level = 0;
    std::string type, size;
    if (!(level_file >> level) || !(type_file >> type) || !(size_file >> size)) break;
    const size_t bytes = parse_cache_size(size);
    if (type != "Instruction" && bytes > 0 && level > best_level) {
      best_level = level;
      best_bytes = bytes;
    }
  }
  return best_bytes;
}

std::atomic<size_t>& threshold_bytes() {
  static std::atomic<size_t> bytes{default_streaming_store_threshold()};
  return bytes;
}

}  // namespace

size_t default_streaming_store_threshold() {
  static const size_t bytes = [] {
    const size_t cache = last_level_cache_bytes();
    return cache > 0 ? cache / 4 * 3 : kFallbackThreshold;
  }();
  return bytes;
}

size_t set_streaming_store_threshold(size_t bytes) {
  return threshold_bytes().exchange(bytes);
}

size_t streaming_store_threshold() {
  return threshold_bytes().load();
}

bool streaming_stores_available() {
  return internal::has_streaming_unpool_kernels();
}

uint64_t streaming_store_calls() {
  return streamed_calls.load();
}

namespace internal {

bool prepare_streaming_stores(halide_buffer_t* output, bool planar, uint64_t input_bytes) {
  if (output->host == nullptr || output->device != 0 || output->dimensions != 4) return false;
  const int64_t element_bytes = output->type.bytes(), alignment = schedules::kStreamingAlignment;
  uint64_t elements = 1;
  for (int d = 0; d < output->dimensions; d++) elements *= uint64_t(output->dim[d].extent);
  if (input_bytes + elements * uint64_t(element_bytes) < threshold_bytes().load()) return false;
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
