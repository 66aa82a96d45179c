#include "peak.h"

#include <immintrin.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <thread>
#include <vector>

namespace upsample_bench {
namespace {

// acc = acc * m + c converges to c / (1 - m) and never overflows or becomes denormal.
constexpr float kMul = 0.999999f;
constexpr float kAdd = 1e-6f;

// Each function runs `iters` iterations of kChains independent FMA chains and returns a sum of the
// accumulators so that nothing is optimized away. Chains: Zen 4 and recent Intel cores have two
// FMA pipes of 4 cycles' latency, so at least 8 chains are needed; more hide scheduling hiccups.
// AVX-512 has 32 vector registers, AVX2 and SSE 16 (two of them hold the constants).

__attribute__((target("avx512f"))) float fma_avx512(int64_t iters, float seed) {
  constexpr int kChains = 24;
  __m512 acc[kChains];
#pragma GCC unroll 32
  for (int i = 0; i < kChains; ++i) acc[i] = _mm512_set1_ps(seed + float(i));
  const __m512 m = _mm512_set1_ps(kMul), c = _mm512_set1_ps(kAdd);
  for (int64_t n = 0; n < iters; ++n) {
#pragma GCC unroll 32
    for (int i = 0; i < kChains; ++i) acc[i] = _mm512_fmadd_ps(acc[i], m, c);
  }
  __m512 sum = acc[0];
  for (int i = 1; i < kChains; ++i) sum = _mm512_add_ps(sum, acc[i]);
  alignas(64) float lanes[16];
  _mm512_store_ps(lanes, sum);
  float total = 0;
  for (float v : lanes) total += v;
  return total;
}
constexpr int kAvx512FlopsPerIter = 24 * 16 * 2;

__attribute__((target("avx2,fma"))) float fma_avx2(int64_t iters, float seed) {
  constexpr int kChains = 12;
  __m256 acc[kChains];
  for (int i = 0; i < kChains; ++i) acc[i] = _mm256_set1_ps(seed + float(i));
  const __m256 m = _mm256_set1_ps(kMul), c = _mm256_set1_ps(kAdd);
  for (int64_t n = 0; n < iters; ++n) {
#pragma GCC unroll 32
    for (int i = 0; i < kChains; ++i) acc[i] = _mm256_fmadd_ps(acc[i], m, c);
  }
  __m256 sum = acc[0];
  for (int i = 1; i < kChains; ++i) sum = _mm256_add_ps(sum, acc[i]);
  alignas(32) float lanes[8];
  _mm256_store_ps(lanes, sum);
  float total = 0;
  for (float v : lanes) total += v;
  return total;
}
constexpr int kAvx2FlopsPerIter = 12 * 8 * 2;

// SSE has no FMA: a multiply and a dependent add per step (2 flops), as a baseline-x86-64 build
// would compute a multiply-accumulate.
float fma_sse(int64_t iters, float seed) {
  constexpr int kChains = 12;
  __m128 acc[kChains];
  for (int i = 0; i < kChains; ++i) acc[i] = _mm_set1_ps(seed + float(i));
  const __m128 m = _mm_set1_ps(kMul), c = _mm_set1_ps(kAdd);
  for (int64_t n = 0; n < iters; ++n) {
#pragma GCC unroll 32
    for (int i = 0; i < kChains; ++i) acc[i] = _mm_add_ps(_mm_mul_ps(acc[i], m), c);
  }
  __m128 sum = acc[0];
  for (int i = 1; i < kChains; ++i) sum = _mm_add_ps(sum, acc[i]);
  alignas(16) float lanes[4];
  _mm_store_ps(lanes, sum);
  return lanes[0] + lanes[1] + lanes[2] + lanes[3];
}
constexpr int kSseFlopsPerIter = 12 * 4 * 2;

using Kernel = float (*)(int64_t, float);

Kernel kernel_for(FmaIsa isa, int* flops_per_iter) {
  switch (isa) {
    case FmaIsa::kAvx512:
      *flops_per_iter = kAvx512FlopsPerIter;
      return fma_avx512;
    case FmaIsa::kAvx2Fma:
      *flops_per_iter = kAvx2FlopsPerIter;
      return fma_avx2;
    case FmaIsa::kSse:
    default:
      *flops_per_iter = kSseFlopsPerIter;
      return fma_sse;
  }
}

// Runs kernel(iters) on `threads` threads started together; the wall time of the slowest, thread
// creation excluded.
double timed_run(Kernel kernel, int64_t iters, int threads) {
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  std::atomic<uint32_t> sink{0};
  auto body = [&](int t) {
    const float r = kernel(iters, float(t));
    uint32_t bits;
    static_assert(sizeof(bits) == sizeof(r), "float is 32 bits");
    __builtin_memcpy(&bits, &r, sizeof(bits));
    sink.fetch_xor(bits);
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) {
    pool.emplace_back([&, t] {
      ready.fetch_add(1);
      while (!go.load(std::memory_order_acquire)) {
      }
      body(t);
    });
  }
  while (ready.load() != threads - 1) {
  }
  const auto t0 = std::chrono::steady_clock::now();
  go.store(true, std::memory_order_release);
  body(0);
  for (std::thread& th : pool) th.join();
  const auto t1 = std::chrono::steady_clock::now();
  return std::chrono::duration<double>(t1 - t0).count();
}

}  // namespace

const char* fma_isa_name(FmaIsa isa) {
  switch (isa) {
    case FmaIsa::kAvx512:
      return "avx512f";
    case FmaIsa::kAvx2Fma:
      return "avx2+fma";
    case FmaIsa::kSse:
      return "sse (mul+add)";
  }
  return "?";
}

bool fma_isa_supported(FmaIsa isa) {
  // libgcc's cpu model also checks that the OS saves the wider registers (XCR0).
  __builtin_cpu_init();
  switch (isa) {
    case FmaIsa::kAvx512:
      return __builtin_cpu_supports("avx512f");
    case FmaIsa::kAvx2Fma:
      return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case FmaIsa::kSse:
      return true;  // part of x86-64
  }
  return false;
}

std::vector<FmaIsa> supported_fma_isas() {
  std::vector<FmaIsa> list;
  for (FmaIsa isa : {FmaIsa::kSse, FmaIsa::kAvx2Fma, FmaIsa::kAvx512}) {
    if (fma_isa_supported(isa)) list.push_back(isa);
  }
  return list;
}

FmaPeak measure_fma_peak(FmaIsa isa, int threads, int runs, double seconds) {
  FmaPeak result;
  result.isa = isa;
  result.threads = threads = std::max(1, threads);
  if (!fma_isa_supported(isa)) return result;
  int flops_per_iter = 0;
  const Kernel kernel = kernel_for(isa, &flops_per_iter);
  // Calibrate on one thread: iterations for about `seconds` (and a warm-up that lets the clock
  // settle at its vector frequency).
  int64_t iters = 1 << 16;
  for (;;) {
    const double t = timed_run(kernel, iters, 1);
    if (t >= 0.01 || iters > (int64_t(1) << 40)) {
      iters = std::max<int64_t>(1, int64_t(double(iters) * seconds / std::max(t, 1e-9)));
      break;
    }
    iters *= 4;
  }
  double best = 1e30;
  for (int r = 0; r < std::max(1, runs); ++r) best = std::min(best, timed_run(kernel, iters, threads));
  result.gflops = double(flops_per_iter) * double(iters) * threads / best / 1e9;
  result.gflops_per_thread = result.gflops / threads;
  return result;
}

FmaPeak measure_best_fma_peak(int threads, int runs, double seconds) {
  FmaPeak best;
  for (FmaIsa isa : supported_fma_isas()) {
    const FmaPeak p = measure_fma_peak(isa, threads, runs, seconds);
    if (p.gflops > best.gflops) best = p;
  }
  return best;
}

std::string describe_fma_peaks(int threads, int runs, FmaPeak* best) {
  std::string text;
  FmaPeak top;
  std::vector<FmaIsa> isas = supported_fma_isas();
  std::reverse(isas.begin(), isas.end());  // widest first
  for (FmaIsa isa : isas) {
    const FmaPeak p = measure_fma_peak(isa, threads, runs);
    char buf[96];
    std::snprintf(buf, sizeof(buf), "%s%s %.1f", text.empty() ? "" : ", ", fma_isa_name(isa),
                  p.gflops);
    text += buf;
    if (p.gflops > top.gflops) top = p;
  }
  text += " GFLOP/s";
  if (best != nullptr) *best = top;
  return text;
}

}  // namespace upsample_bench
