// Which instruction-set variant of a multi-target kernel library runs. Each library holds several
// (x86-64: AVX-512 with VBMI, AVX-512, AVX2, SSE4.1, baseline; aarch64: dot product + fp16,
// baseline) and picks, per call, the best one the CPU has: on x86 from CPUID, on ARM from the
// kernel's hardware capabilities (getauxval), which Halide 14 does not read by itself.
#pragma once

#include <string>

#include "upsample/status.h"

namespace upsample {

enum class CpuVariant : int {
  kBaseline = 0,        // the plain x86-64 / aarch64 / armv7 code
  kSse41 = 1,           // x86: SSE4.1
  kAvx2 = 2,            // x86: AVX, AVX2, FMA, F16C
  kAvx512 = 3,          // x86: AVX-512 F, CD, BW, DQ, VL (Skylake-X)
  kAvx512Vbmi = 4,      // x86: AVX-512 with IFMA and VBMI (Ice Lake, Zen 4)
  kArmDotProdFp16 = 5,  // aarch64: ARMv8.2 dot product and half-precision arithmetic
  kBest = 100,          // no cap: the best the CPU has
};

const char* cpu_variant_name(CpuVariant variant);
// Reads a name as cpu_variant_name writes it ("baseline", "sse41", "avx2", "avx512",
// "avx512_vbmi", "arm_dot_prod_fp16", "best").
Status parse_cpu_variant(const std::string& name, CpuVariant* variant);

// Caps the variant kernels may run at `limit` (kBest removes the cap); a cap above what the CPU has
// changes nothing, and variants of the other architecture are ignored. Use it to test the lower
// code paths on one machine, or to avoid AVX-512 clock throttling. Each kernel picks its variant
// once, at its first call (Halide's multi-target wrapper keeps the choice), so the cap must be set
// before the first kernel call of the process: afterwards a different cap is refused
// (kUnsupported). The environment variable UPSAMPLE_CPU_VARIANT (a name as above) sets the
// initial cap.
Status set_cpu_variant_limit(CpuVariant limit);
CpuVariant cpu_variant_limit();

// The CPU extensions found at run time that the variants use, e.g. "sse41 avx avx2 fma f16c
// avx512 avx512_skylake avx512_cannonlake" or "arm_dot_prod arm_fp16"; "" when none.
std::string cpu_features();

// The variant the kernels of this build run on this CPU under the cap: once a kernel has run, the
// one its multi-target dispatch actually picked; before that, the one it will pick.
CpuVariant cpu_variant();

}  // namespace upsample
