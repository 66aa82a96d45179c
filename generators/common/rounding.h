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

// An integer v divided by a positive constant, rounded to nearest, ties to even, without leaving
// v's type: v + divisor / 2 must not overflow it. Halide's division and shifts round down, for
// negative v too. A power of two is a shift.
inline Halide::Expr divide_round_half_even(const Halide::Expr& v, int divisor) {
  const int shift = __builtin_ctz(unsigned(divisor));
  if (divisor == 1 << shift) {
    if (shift == 0) return v;
    const Halide::Expr odd = (v >> shift) & 1;
    return (v + (divisor / 2 - 1) + odd) >> shift;
  }
  // Round half up; an odd divisor has no ties. On a tie (up * divisor is exactly
  // v + divisor / 2) an odd result goes down.
  const Halide::Expr up = (v + divisor / 2) / divisor;
  if (divisor % 2 != 0) return up;
  const Halide::Expr tie = up * divisor == v + divisor / 2;
  return Halide::select(tie, up - (up & 1), up);
}

}  // namespace upsample::generators
