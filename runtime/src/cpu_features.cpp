#include "cpu_features.h"

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include "HalideRuntime.h"
#include "upsample/cpu.h"

#if defined(__linux__) && (defined(__aarch64__) || defined(__arm__))
#include <sys/auxv.h>
#define UPSAMPLE_HAS_AUXV 1
#endif

namespace upsample {
namespace internal {
namespace {

bool has_feature(const uint64_t* features, int count, halide_target_feature_t feature) {
  const int word = int(feature) / 64;
  return word < count && (features[word] >> (int(feature) % 64) & 1) != 0;
}

// Each variant and the features it adds to the rung below it (x86: SSE4.1 < AVX2 < AVX-512 <
// VBMI; ARM: dot product + fp16 over baseline), as cmake/UpsampleTargets.cmake compiles them. The
// one table both classifies a target's features and lists a variant's.
struct Rung {
  CpuVariant variant;
  std::vector<halide_target_feature_t> added;
};
const std::vector<Rung>& ladder() {
  static const std::vector<Rung> rungs = {
      {CpuVariant::kAvx512Vbmi, {halide_target_feature_avx512_cannonlake}},
      {CpuVariant::kAvx512, {halide_target_feature_avx512, halide_target_feature_avx512_skylake}},
      {CpuVariant::kAvx2,
       {halide_target_feature_avx, halide_target_feature_avx2, halide_target_feature_fma,
        halide_target_feature_f16c}},
      {CpuVariant::kSse41, {halide_target_feature_sse41}},
      {CpuVariant::kArmDotProdFp16,
       {halide_target_feature_arm_dot_prod, halide_target_feature_arm_fp16}}};
  return rungs;
}

// The variant a target's feature set belongs to: the best rung any of whose features it has.
CpuVariant variant_of(int count, const uint64_t* features) {
  for (const Rung& rung : ladder()) {
    for (halide_target_feature_t feature : rung.added) {
      if (has_feature(features, count, feature)) return rung.variant;
    }
  }
  return CpuVariant::kBaseline;
}

// Whether a variant is within the cap. The x86 variants are ordered; the ARM one is above
// baseline only, so an x86 cap below kBest excludes it and the other way round.
bool within(CpuVariant variant, CpuVariant limit) {
  if (limit == CpuVariant::kBest || variant == CpuVariant::kBaseline) return true;
  if (variant == CpuVariant::kArmDotProdFp16) return limit == CpuVariant::kArmDotProdFp16;
  if (limit == CpuVariant::kArmDotProdFp16) return false;
  return int(variant) <= int(limit);
}

CpuVariant initial_limit() {
  const char* name = std::getenv("UPSAMPLE_CPU_VARIANT");
  CpuVariant limit = CpuVariant::kBest;
  if (name != nullptr && *name != '\0' && !parse_cpu_variant(name, &limit).ok()) {
    limit = CpuVariant::kBest;  // an unknown name is ignored: set_cpu_variant_limit reports it
  }
  return limit;
}

std::atomic<int>& limit_storage() {
  static std::atomic<int> limit{int(initial_limit())};
  return limit;
}

// The variant the hook last accepted (what the multi-target wrappers dispatched to); -1: none.
std::atomic<int> dispatched_variant{-1};
std::atomic<bool> kernel_called{false};

#if UPSAMPLE_HAS_AUXV
// ARM extensions from the kernel's hardware capabilities (Halide 14 assumes none are missing).
bool arm_has(halide_target_feature_t feature) {
#if defined(__aarch64__)
  const unsigned long hwcap = getauxval(AT_HWCAP);
  constexpr unsigned long kFphp = 1UL << 9, kAsimdhp = 1UL << 10, kAsimddp = 1UL << 20;
  if (feature == halide_target_feature_arm_dot_prod) return (hwcap & kAsimddp) != 0;
  if (feature == halide_target_feature_arm_fp16) {
    return (hwcap & kFphp) != 0 && (hwcap & kAsimdhp) != 0;
  }
  return true;
#else
  // 32-bit ARM builds ship no dot-product or fp16 variant.
  return feature != halide_target_feature_arm_dot_prod && feature != halide_target_feature_arm_fp16;
#endif
}
#endif

// Whether code built for `features` may run here under the cap.
bool usable(int count, const uint64_t* features) {
  const CpuVariant variant = variant_of(count, features);
  if (!within(variant, CpuVariant(limit_storage().load()))) return false;
#if UPSAMPLE_HAS_AUXV
  for (halide_target_feature_t feature :
       {halide_target_feature_arm_dot_prod, halide_target_feature_arm_fp16}) {
    if (has_feature(features, count, feature) && !arm_has(feature)) return 0;
  }
#endif
  return halide_default_can_use_target_features(count, features) != 0;
}

int can_use_target_features(int count, const uint64_t* features) {
  if (!usable(count, features)) return 0;
  // The multi-target wrapper runs, and keeps, the first variant accepted here.
  dispatched_variant.store(int(variant_of(count, features)));
  return 1;
}

// The features Halide compiles a variant with: its rung's and, on x86, every rung's below it.
std::vector<halide_target_feature_t> features_of(CpuVariant variant) {
  std::vector<halide_target_feature_t> features;
  bool below = false;
  for (const Rung& rung : ladder()) {
    const bool x86 = rung.variant != CpuVariant::kArmDotProdFp16;
    if (rung.variant == variant) below = true;
    if (below && (rung.variant == variant || (x86 && variant != CpuVariant::kArmDotProdFp16))) {
      features.insert(features.end(), rung.added.begin(), rung.added.end());
    }
  }
  return features;
}

// The variant the wrappers will pick: the first of this build's list (UPSAMPLE_CPU_VARIANTS,
// best first, from the Halide target list) that is usable; the last one is taken unasked.
CpuVariant predicted_variant() {
  std::stringstream names(UPSAMPLE_CPU_VARIANTS);
  std::string name;
  std::vector<CpuVariant> variants;
  while (std::getline(names, name, ',')) {
    CpuVariant variant;
    if (parse_cpu_variant(name, &variant).ok()) variants.push_back(variant);
  }
  for (size_t i = 0; i + 1 < variants.size(); i++) {
    uint64_t mask[(halide_target_feature_end + 63) / 64] = {};
    for (halide_target_feature_t feature : features_of(variants[i])) {
      mask[feature / 64] |= uint64_t(1) << (feature % 64);
    }
    if (usable(int(sizeof(mask) / 8), mask)) return variants[i];
  }
  return variants.empty() ? CpuVariant::kBaseline : variants.back();
}

}  // namespace

void install_cpu_feature_hook() {
  static std::once_flag once;
  std::call_once(once, [] { halide_set_custom_can_use_target_features(can_use_target_features); });
}

void begin_kernel_variant() {
  kernel_called.store(true);
}

}  // namespace internal

const char* cpu_variant_name(CpuVariant variant) {
  switch (variant) {
    case CpuVariant::kBaseline:
      return "baseline";
    case CpuVariant::kSse41:
      return "sse41";
    case CpuVariant::kAvx2:
      return "avx2";
    case CpuVariant::kAvx512:
      return "avx512";
    case CpuVariant::kAvx512Vbmi:
      return "avx512_vbmi";
    case CpuVariant::kArmDotProdFp16:
      return "arm_dot_prod_fp16";
    case CpuVariant::kBest:
      return "best";
  }
  return "unknown";
}

Status parse_cpu_variant(const std::string& name, CpuVariant* variant) {
  if (variant == nullptr) {
    return Status(StatusCode::kInvalidArgument, "parse_cpu_variant: variant is null");
  }
  for (CpuVariant v :
       {CpuVariant::kBaseline, CpuVariant::kSse41, CpuVariant::kAvx2, CpuVariant::kAvx512,
        CpuVariant::kAvx512Vbmi, CpuVariant::kArmDotProdFp16, CpuVariant::kBest}) {
    if (name == cpu_variant_name(v)) {
      *variant = v;
      return Status::Ok();
    }
  }
  return Status(StatusCode::kInvalidArgument,
                "unknown CPU variant \"" + name +
                    "\" (expected baseline, sse41, avx2, avx512, avx512_vbmi, arm_dot_prod_fp16 "
                    "or best)");
}

Status set_cpu_variant_limit(CpuVariant limit) {
  if (std::string(cpu_variant_name(limit)) == "unknown") {
    return Status(StatusCode::kInvalidArgument,
                  "set_cpu_variant_limit: unknown variant value " + std::to_string(int(limit)));
  }
  internal::install_cpu_feature_hook();
  if (internal::kernel_called.load() && limit != cpu_variant_limit()) {
    return Status(StatusCode::kUnsupported,
                  std::string("set_cpu_variant_limit: kernels have already run with the cap ") +
                      cpu_variant_name(cpu_variant_limit()) +
                      " and keep the variant they picked; set the cap to " +
                      cpu_variant_name(limit) +
                      " before the first kernel call (or with UPSAMPLE_CPU_VARIANT)");
  }
  internal::limit_storage().store(int(limit));
  return Status::Ok();
}

CpuVariant cpu_variant_limit() {
  return CpuVariant(internal::limit_storage().load());
}

std::string cpu_features() {
  struct Named {
    halide_target_feature_t feature;
    const char* name;
    bool arm;
  };
  static const Named kFeatures[] = {
      {halide_target_feature_sse41, "sse41", false},
      {halide_target_feature_avx, "avx", false},
      {halide_target_feature_avx2, "avx2", false},
      {halide_target_feature_fma, "fma", false},
      {halide_target_feature_f16c, "f16c", false},
      {halide_target_feature_avx512, "avx512", false},
      {halide_target_feature_avx512_skylake, "avx512_skylake", false},
      {halide_target_feature_avx512_cannonlake, "avx512_cannonlake", false},
      {halide_target_feature_arm_dot_prod, "arm_dot_prod", true},
      {halide_target_feature_arm_fp16, "arm_fp16", true}};
#if defined(__aarch64__) || defined(__arm__)
  constexpr bool kOnArm = true;
#else
  constexpr bool kOnArm = false;
#endif
  std::string found;
  for (const Named& named : kFeatures) {
    // Halide's default check accepts what it cannot test, so features of the other
    // architecture are excluded first.
    if (named.arm != kOnArm) continue;
    uint64_t mask[(halide_target_feature_end + 63) / 64] = {};
    mask[named.feature / 64] |= uint64_t(1) << (named.feature % 64);
    bool usable = halide_default_can_use_target_features(int(sizeof(mask) / 8), mask) != 0;
#if UPSAMPLE_HAS_AUXV
    usable = usable && internal::arm_has(named.feature);
#endif
    if (usable) found += (found.empty() ? "" : " ") + std::string(named.name);
  }
  return found;
}

CpuVariant cpu_variant() {
  const int dispatched = internal::dispatched_variant.load();
  if (dispatched >= 0) return CpuVariant(dispatched);
  // No wrapper has accepted a variant: none ran yet, or every one fell through to the last.
  return internal::predicted_variant();
}

}  // namespace upsample
