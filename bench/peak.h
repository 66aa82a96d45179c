// The FP32 FMA peak of this machine, measured: many independent chains of fused multiply-adds on
// registers (no memory traffic), so that the FMA pipes, not the 4-cycle latency of one FMA, are the
// limit. Compiled once for several instruction sets with target attributes and chosen at run time
// with __builtin_cpu_supports, so the binary runs on any x86-64 CPU.
#pragma once

#include <string>
#include <vector>

namespace upsample_bench {

enum class FmaIsa : int {
  kSse = 0,     // 4 lanes, separate multiply and add (no FMA in SSE): counted as 2 flops a pair
  kAvx2Fma = 1, // 8 lanes, vfmadd231ps ymm
  kAvx512 = 2,  // 16 lanes, vfmadd231ps zmm
};

const char* fma_isa_name(FmaIsa isa);

// Whether this CPU (and the OS, for the wider registers) can run `isa`.
bool fma_isa_supported(FmaIsa isa);

// The instruction sets this CPU supports, narrowest first.
std::vector<FmaIsa> supported_fma_isas();

struct FmaPeak {
  FmaIsa isa = FmaIsa::kSse;
  int threads = 1;
  double gflops = 0;             // all threads together, 1e9 flops per second (an FMA is 2 flops)
  double gflops_per_thread = 0;  // gflops / threads
};

// `threads` threads each run the same fixed number of FMAs with `isa` (about `seconds` of work for
// one thread), started together; gflops = all flops / wall time of the slowest thread, the best of
// `runs` runs. An unsupported isa gives gflops 0.
FmaPeak measure_fma_peak(FmaIsa isa, int threads, int runs, double seconds = 0.05);

// The best of every supported instruction set at this thread count: the peak that useful GFLOP/s
// are compared with.
FmaPeak measure_best_fma_peak(int threads, int runs, double seconds = 0.05);

// "avx512f 117.3, avx2+fma 116.9, sse 58.1 GFLOP/s" for a printout.
std::string describe_fma_peaks(int threads, int runs, FmaPeak* best = nullptr);

}  // namespace upsample_bench
