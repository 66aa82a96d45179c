// Round to nearest, ties to even: the library's rule for integer results (numerics in DESIGN).
#pragma once

#include "Halide.h"

namespace upsample::generators {

// Halide::round is ties-to-even on CPUs, but Halide 14 emits OpenCL's round(), which rounds ties
// away from zero; for OpenCL the rule is spelt out. Exact for |v| < 2^22, beyond every integer
// output range.
inline Halide::Expr round_half_even(const Halide::Expr& v, const Halide::Target& target) {
  if (!target.has_feature(Halide::Target::OpenCL)) return Halide::round(v);
  const Halide::Expr up = Halide::floor(v + 0.5f);
  const Halide::Expr tie = up - v == 0.5f;
  const Halide::Expr odd = (Halide::cast<int32_t>(up) & 1) != 0;
  return Halide::select(tie && odd, up - 1.0f, up);
}

}  // namespace upsample::generators
