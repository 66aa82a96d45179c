// Streaming memory bandwidth of this machine, measured in the benchmark run itself, so that every
// kernel time can be put next to the physical limit: (input bytes + output bytes) / bandwidth.
#pragma once

#include <cstddef>

namespace upsample_bench {

struct Bandwidth {
  int threads = 1;
  // Bytes read plus bytes written per second, best of `runs`, in GB/s (1e9 bytes).
  double memcpy_gbs = 0;     // glibc memcpy (non-temporal stores at this size)
  double copy_loop_gbs = 0;  // a plain load/store loop (ordinary stores, so read-for-ownership)
  double nt_copy_gbs = 0;    // the same loop with non-temporal stores (x86 only; 0 elsewhere)
  double store_gbs = 0;      // a store-only loop (ordinary stores), bytes written per second
  double memset_gbs = 0;     // glibc memset, bytes written per second
  // The denominator of the bound: the best streaming copy rate, with or without non-temporal
  // stores (the largest of memcpy, the copy loop and the non-temporal copy loop).
  double copy_gbs() const {
    const double temporal = memcpy_gbs > copy_loop_gbs ? memcpy_gbs : copy_loop_gbs;
    return temporal > nt_copy_gbs ? temporal : nt_copy_gbs;
  }
  // The same without non-temporal stores (glibc's memcpy uses them at this size): what a kernel
  // whose stores are all ordinary (every Halide 14 pipeline) can reach at best.
  double ordinary_copy_gbs() const { return copy_loop_gbs; }
};

// The bandwidth bound of moving `bytes` (read plus written) at `gbs` GB/s, in milliseconds.
inline double bound_ms(double bytes, double gbs) {
  return bytes / (gbs * 1e9) * 1e3;
}

// Each rate the better of a's and b's (two measurements of the same thread count).
Bandwidth best_of(const Bandwidth& a, const Bandwidth& b);

// Copies between two buffers of `bytes` each (far larger than the last-level cache), the work
// split in equal contiguous parts over `threads` threads; best of `runs` runs per kind.
Bandwidth measure_bandwidth(size_t bytes, int threads, int runs);

// How much CPU the machine gives right now: `threads` threads each run the same fixed compute loop
// (no memory traffic), and the result is threads * time(1 thread) / time(threads threads), best of
// `runs`. Near `threads` on an idle machine; near 1 when other work occupies the other cores, in
// which case multi-thread timings of this run say little.
double parallel_speedup(int threads, int runs);

}  // namespace upsample_bench
