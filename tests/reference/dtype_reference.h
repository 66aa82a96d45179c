// Element-type helpers for the oracles: IEEE binary16 conversions and the integer rounding rule,
// written from the definitions (no library code, no compiler __fp16).
#pragma once

#include <cstdint>

namespace upsample_ref {

// The exact value of a binary16 bit pattern (subnormals, infinities and NaN included).
double half_bits_to_double(uint16_t bits);

// The binary16 pattern nearest to v, ties to even; overflow gives infinity, NaN a quiet NaN.
// Rounds once, straight from double, so it can be used as the exact reference rounding.
uint16_t double_to_half_bits(double v);

// The distance between the binary16 value of magnitude |v| and the next one up (one "ulp"):
// 2^-24 for subnormals, 2^(e-10) for binary16 exponent e.
double half_ulp(double v);

// Round to nearest, ties to even, then saturate to [lo, hi] (the rule for uint8 / uint16 results).
double round_half_even_saturate(double v, double lo, double hi);

}  // namespace upsample_ref
