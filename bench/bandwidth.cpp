#include "bandwidth.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <thread>
#include <vector>

namespace upsample_bench {
namespace {

#if defined(__SSE2__)
// 16-byte loads and stores, unrolled; intrinsics keep the compiler from turning the loop back
// into a memcpy call. Non-temporal stores bypass the cache (no read-for-ownership of the
// destination); ordinary ones do not.
template <bool kNonTemporal>
void copy_loop_sse2(const uint8_t* src, uint8_t* dst, size_t bytes) {
  const __m128i* s = reinterpret_cast<const __m128i*>(src);
  __m128i* d = reinterpret_cast<__m128i*>(dst);
  const size_t n = bytes / 64;
  for (size_t i = 0; i < n; ++i) {
    const __m128i v[4] = {_mm_load_si128(s + 4 * i + 0), _mm_load_si128(s + 4 * i + 1),
                          _mm_load_si128(s + 4 * i + 2), _mm_load_si128(s + 4 * i + 3)};
    for (int k = 0; k < 4; ++k) {
      if (kNonTemporal) {
        _mm_stream_si128(d + 4 * i + k, v[k]);
      } else {
        _mm_store_si128(d + 4 * i + k, v[k]);
      }
    }
  }
  if (kNonTemporal) _mm_sfence();
}

void copy_loop(const uint8_t* src, uint8_t* dst, size_t bytes) {
  copy_loop_sse2<false>(src, dst, bytes);
}

bool nt_copy_loop(const uint8_t* src, uint8_t* dst, size_t bytes) {
  copy_loop_sse2<true>(src, dst, bytes);
  return true;
}

void store_loop(uint8_t* dst, size_t bytes, int value) {
  __m128i* d = reinterpret_cast<__m128i*>(dst);
  const __m128i v = _mm_set1_epi8(char(value));
  const size_t n = bytes / 64;
  for (size_t i = 0; i < n; ++i) {
    _mm_store_si128(d + 4 * i + 0, v);
    _mm_store_si128(d + 4 * i + 1, v);
    _mm_store_si128(d + 4 * i + 2, v);
    _mm_store_si128(d + 4 * i + 3, v);
  }
}
#else
// Portable loops of 8-byte words; the empty asm keeps the compiler from turning them into
// memcpy / memset calls.
void copy_loop(const uint8_t* src, uint8_t* dst, size_t bytes) {
  const uint64_t* s = reinterpret_cast<const uint64_t*>(src);
  uint64_t* d = reinterpret_cast<uint64_t*>(dst);
  for (size_t i = 0; i < bytes / 8; ++i) {
    d[i] = s[i];
    asm volatile("" ::: "memory");
  }
}

bool nt_copy_loop(const uint8_t*, uint8_t*, size_t) {
  return false;
}  // not measured here

void store_loop(uint8_t* dst, size_t bytes, int value) {
  uint64_t* d = reinterpret_cast<uint64_t*>(dst);
  const uint64_t v = 0x0101010101010101ull * uint8_t(value);
  for (size_t i = 0; i < bytes / 8; ++i) {
    d[i] = v;
    asm volatile("" ::: "memory");
  }
}
#endif

// Runs part(t, begin, size) on `threads` threads over [0, bytes) and returns the wall time of the
// slowest, from a common start (thread creation excluded).
double timed_parallel(int threads, size_t bytes, const std::function<void(size_t, size_t)>& part) {
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  const size_t chunk = (bytes / size_t(threads)) & ~size_t(63);
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) {
    pool.emplace_back([&, t] {
      ready.fetch_add(1);
      while (!go.load(std::memory_order_acquire)) {
      }
      const size_t begin = size_t(t) * chunk;
      part(begin, t == threads - 1 ? bytes - begin : chunk);
    });
  }
  while (ready.load() != threads - 1) {
  }
  const auto t0 = std::chrono::steady_clock::now();
  go.store(true, std::memory_order_release);
  part(0, threads == 1 ? bytes : chunk);
  for (std::thread& th : pool) th.join();
  const auto t1 = std::chrono::steady_clock::now();
  return std::chrono::duration<double>(t1 - t0).count();
}

uint64_t spin(uint64_t n, uint64_t seed) {
  uint64_t x = seed | 1;
  for (uint64_t i = 0; i < n; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
  }
  return x;
}

}  // namespace

double parallel_speedup(int threads, int runs) {
  constexpr uint64_t kWork = 20'000'000;  // about 20 ms of dependent integer work per thread
  std::atomic<uint64_t> sink{0};
  double best1 = 1e30, bestn = 1e30;
  for (int r = 0; r < runs; ++r) {
    best1 = std::min(
        best1, timed_parallel(1, 64, [&](size_t, size_t) { sink += spin(kWork, uint64_t(r)); }));
    bestn = std::min(bestn, timed_parallel(threads, 64 * size_t(threads), [&](size_t b, size_t) {
                       sink += spin(kWork, b + uint64_t(r));
                     }));
  }
  return double(threads) * best1 / bestn;
}

Bandwidth best_of(const Bandwidth& a, const Bandwidth& b) {
  Bandwidth best = a;
  best.memcpy_gbs = std::max(a.memcpy_gbs, b.memcpy_gbs);
  best.copy_loop_gbs = std::max(a.copy_loop_gbs, b.copy_loop_gbs);
  best.nt_copy_gbs = std::max(a.nt_copy_gbs, b.nt_copy_gbs);
  best.store_gbs = std::max(a.store_gbs, b.store_gbs);
  best.memset_gbs = std::max(a.memset_gbs, b.memset_gbs);
  return best;
}

Bandwidth measure_bandwidth(size_t bytes, int threads, int runs) {
  bytes &= ~size_t(4095);
  uint8_t* src = static_cast<uint8_t*>(std::aligned_alloc(4096, bytes));
  uint8_t* dst = static_cast<uint8_t*>(std::aligned_alloc(4096, bytes));
  Bandwidth result;
  result.threads = threads;
  if (src == nullptr || dst == nullptr) {
    std::free(src);
    std::free(dst);
    return result;
  }
  std::memset(src, 1, bytes);  // fault every page in before timing
  std::memset(dst, 2, bytes);
  double best_memcpy = 1e30, best_loop = 1e30, best_nt = 1e30, best_store = 1e30,
         best_memset = 1e30;
  const bool has_nt = nt_copy_loop(src, dst, 0);
  for (int r = 0; r < runs; ++r) {
    best_memcpy = std::min(best_memcpy, timed_parallel(threads, bytes, [&](size_t b, size_t n) {
                             std::memcpy(dst + b, src + b, n);
                           }));
    best_loop = std::min(best_loop, timed_parallel(threads, bytes, [&](size_t b, size_t n) {
                           copy_loop(src + b, dst + b, n);
                         }));
    if (has_nt) {
      best_nt = std::min(best_nt, timed_parallel(threads, bytes, [&](size_t b, size_t n) {
                           nt_copy_loop(src + b, dst + b, n);
                         }));
    }
    best_store = std::min(best_store, timed_parallel(threads, bytes, [&](size_t b, size_t n) {
                            store_loop(dst + b, n, r);
                          }));
    best_memset = std::min(best_memset, timed_parallel(threads, bytes, [&](size_t b, size_t n) {
                             std::memset(dst + b, r, n);
                           }));
  }
  // Keep the copies observable.
  volatile uint8_t sink = dst[bytes / 2];
  (void)sink;
  std::free(src);
  std::free(dst);
  result.memcpy_gbs = 2.0 * double(bytes) / best_memcpy / 1e9;
  result.copy_loop_gbs = 2.0 * double(bytes) / best_loop / 1e9;
  result.nt_copy_gbs = has_nt ? 2.0 * double(bytes) / best_nt / 1e9 : 0.0;
  result.store_gbs = double(bytes) / best_store / 1e9;
  result.memset_gbs = double(bytes) / best_memset / 1e9;
  return result;
}

}  // namespace upsample_bench
