// The CPU-variant cap picks exactly the variant it names (when the CPU has it), the feature hook
// never picks a variant the CPU lacks, and the environment's cap is in force for the forced runs
// of the suite (tests/CMakeLists.txt runs the whole suite once per variant of the target list).
#include <catch2/catch.hpp>

#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "upsample/upsample.h"

#if defined(__linux__) && defined(__aarch64__)
#include <sys/auxv.h>
#endif

namespace {

using upsample::CpuVariant;

// The variants this build's libraries hold, best first (from UPSAMPLE_HALIDE_TARGETS).
std::vector<CpuVariant> built_variants() {
  std::vector<CpuVariant> variants;
  std::stringstream names(UPSAMPLE_TEST_CPU_VARIANTS);
  std::string name;
  while (std::getline(names, name, ',')) {
    CpuVariant v;
    REQUIRE(upsample::parse_cpu_variant(name, &v).ok());
    variants.push_back(v);
  }
  return variants;
}

// Whether this CPU can run a variant, asked of the CPU directly (not of the library).
bool cpu_has(CpuVariant v) {
  switch (v) {
    case CpuVariant::kBaseline:
      return true;
#if defined(__x86_64__)
    case CpuVariant::kSse41:
      return __builtin_cpu_supports("sse4.1");
    case CpuVariant::kAvx2:
      return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case CpuVariant::kAvx512:
      return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
             __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl") &&
             __builtin_cpu_supports("avx512cd");
    case CpuVariant::kAvx512Vbmi:
      return cpu_has(CpuVariant::kAvx512) && __builtin_cpu_supports("avx512vbmi") &&
             __builtin_cpu_supports("avx512ifma");
#endif
#if defined(__linux__) && defined(__aarch64__)
    case CpuVariant::kArmDotProdFp16: {
      const unsigned long hwcap = getauxval(AT_HWCAP);
      return (hwcap & (1UL << 20)) && (hwcap & (1UL << 9)) && (hwcap & (1UL << 10));
    }
#endif
    default:
      return false;
  }
}

bool within(CpuVariant v, CpuVariant cap) {
  if (cap == CpuVariant::kBest || v == CpuVariant::kBaseline) return true;
  if ((v == CpuVariant::kArmDotProdFp16) != (cap == CpuVariant::kArmDotProdFp16)) return false;
  return int(v) <= int(cap);
}

// The variant a call should run under `cap`: the first built one within the cap that the CPU has.
CpuVariant expected_variant(CpuVariant cap) {
  for (CpuVariant v : built_variants()) {
    if (within(v, cap) && cpu_has(v)) return v;
  }
  return CpuVariant::kBaseline;
}

// One small call of a multi-target kernel.
void run_kernel() {
  std::vector<float> in(2 * 8 * 8, 0.25f), out(2 * 16 * 16, 0.0f);
  const auto input = upsample::make_input_tensor(in.data(), upsample::DType::kFloat32,
                                                 upsample::Layout::kNCHW, 1, 2, 8, 8);
  const auto output = upsample::make_tensor(out.data(), upsample::DType::kFloat32,
                                            upsample::Layout::kNCHW, 1, 2, 16, 16);
  const upsample::Status st =
      upsample::resize(input, output, upsample::onnx_options(upsample::ResizeMethod::kBilinear));
  REQUIRE(st.ok());
  for (float v : out) REQUIRE(v == 0.25f);
}

}  // namespace

TEST_CASE("cpu variant: names round-trip and unknown ones are rejected", "[cpu]") {
  for (CpuVariant v :
       {CpuVariant::kBaseline, CpuVariant::kSse41, CpuVariant::kAvx2, CpuVariant::kAvx512,
        CpuVariant::kAvx512Vbmi, CpuVariant::kArmDotProdFp16, CpuVariant::kBest}) {
    CpuVariant parsed;
    REQUIRE(upsample::parse_cpu_variant(upsample::cpu_variant_name(v), &parsed).ok());
    CHECK(parsed == v);
  }
  CpuVariant parsed = CpuVariant::kBest;
  const upsample::Status st = upsample::parse_cpu_variant("avx1024", &parsed);
  CHECK_FALSE(st.ok());
  CHECK(st.message().find("avx1024") != std::string::npos);
  CHECK_FALSE(upsample::parse_cpu_variant("avx2", nullptr).ok());
  CHECK_FALSE(upsample::set_cpu_variant_limit(static_cast<CpuVariant>(42)).ok());
}

TEST_CASE("cpu variant: the features reported are the CPU's", "[cpu]") {
  const std::string features = " " + upsample::cpu_features() + " ";
  INFO("cpu_features() = \"" << features << "\"");
  auto reported = [&](const char* name) {
    return features.find(" " + std::string(name) + " ") != std::string::npos;
  };
#if defined(__x86_64__)
  CHECK(reported("sse41") == bool(__builtin_cpu_supports("sse4.1")));
  CHECK(reported("avx2") == bool(__builtin_cpu_supports("avx2")));
  CHECK(reported("avx512_cannonlake") == cpu_has(CpuVariant::kAvx512Vbmi));
  CHECK_FALSE(reported("arm_dot_prod"));
#elif defined(__aarch64__)
  CHECK(reported("arm_dot_prod") == bool(getauxval(AT_HWCAP) & (1UL << 20)));
  CHECK_FALSE(reported("avx2"));
#else
  CHECK_FALSE(reported("avx2"));
  CHECK_FALSE(reported("arm_dot_prod"));
#endif
}

// Each ctest run of the suite is its own process with its own UPSAMPLE_CPU_VARIANT: this checks
// that the kernels of that run really dispatched to the variant it names.
TEST_CASE("cpu variant: kernels run the best built variant within the cap that the CPU has",
          "[cpu]") {
  const char* forced = std::getenv("UPSAMPLE_CPU_VARIANT");
  CpuVariant cap = CpuVariant::kBest;
  if (forced != nullptr) REQUIRE(upsample::parse_cpu_variant(forced, &cap).ok());
  INFO("UPSAMPLE_CPU_VARIANT=" << (forced ? forced : "(unset)")
                               << "; built variants: " << UPSAMPLE_TEST_CPU_VARIANTS
                               << "; CPU features: \"" << upsample::cpu_features() << "\"");
  CHECK(upsample::cpu_variant_limit() == cap);
  const CpuVariant expected = expected_variant(cap);
  CHECK(upsample::cpu_variant_name(upsample::cpu_variant()) ==
        std::string(upsample::cpu_variant_name(expected)));  // predicted before any call
  run_kernel();
  CHECK(upsample::cpu_variant_name(upsample::cpu_variant()) ==
        std::string(upsample::cpu_variant_name(expected)));  // what the dispatch picked
}

TEST_CASE("cpu variant: the cap cannot change once kernels have run", "[cpu]") {
  run_kernel();
  const CpuVariant cap = upsample::cpu_variant_limit();
  CHECK(upsample::set_cpu_variant_limit(cap).ok());  // unchanged: fine
  const CpuVariant other = cap == CpuVariant::kBaseline ? CpuVariant::kBest : CpuVariant::kBaseline;
  const upsample::Status st = upsample::set_cpu_variant_limit(other);
  INFO(st.message());
  CHECK(st.code() == upsample::StatusCode::kUnsupported);
  CHECK(st.message().find("before the first kernel call") != std::string::npos);
  CHECK(upsample::cpu_variant_limit() == cap);
}
