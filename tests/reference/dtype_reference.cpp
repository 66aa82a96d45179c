#include "reference/dtype_reference.h"

#include <cfenv>
#include <cmath>
#include <limits>

namespace upsample_ref {

double half_bits_to_double(uint16_t bits) {
  const bool negative = (bits & 0x8000u) != 0;
  const int exponent = (bits >> 10) & 0x1f;
  const int mantissa = bits & 0x3ff;
  double magnitude;
  if (exponent == 0) {
    magnitude = std::ldexp(static_cast<double>(mantissa), -24);  // subnormal (or zero)
  } else if (exponent == 31) {
    magnitude = mantissa ? std::numeric_limits<double>::quiet_NaN()
                         : std::numeric_limits<double>::infinity();
  } else {
    magnitude = std::ldexp(static_cast<double>(1024 + mantissa), exponent - 25);
  }
  return negative ? -magnitude : magnitude;
}

uint16_t double_to_half_bits(double v) {
  const uint16_t sign = std::signbit(v) ? 0x8000u : 0u;
  if (std::isnan(v)) return static_cast<uint16_t>(sign | 0x7e00u);
  const double a = std::fabs(v);
  if (std::isinf(a)) return static_cast<uint16_t>(sign | 0x7c00u);
  if (a == 0.0) return sign;
  int e2 = 0;
  std::frexp(a, &e2);  // a = m * 2^e2, m in [0.5, 1): floor(log2(a)) = e2 - 1
  int e = e2 - 1;
  if (e < -14) {
    // Subnormal range: multiples of 2^-24. q == 1024 is the smallest normal, whose pattern is 1024.
    const double q = std::nearbyint(std::ldexp(a, 24));  // exact scaling, then ties-to-even
    return static_cast<uint16_t>(sign | static_cast<uint16_t>(q));
  }
  double q = std::nearbyint(std::ldexp(a, 10 - e));  // in [1024, 2048]
  if (q == 2048.0) {
    q = 1024.0;
    e += 1;
  }
  if (e > 15) return static_cast<uint16_t>(sign | 0x7c00u);
  return static_cast<uint16_t>(sign | ((e + 15) << 10) | (static_cast<int>(q) - 1024));
}

double half_ulp(double v) {
  const double a = std::fabs(v);
  if (!(a >= std::ldexp(1.0, -14))) return std::ldexp(1.0, -24);
  int e2 = 0;
  std::frexp(a, &e2);
  return std::ldexp(1.0, e2 - 1 - 10);
}

double round_half_even_saturate(double v, double lo, double hi) {
  // std::nearbyint rounds in the current mode; the tests never change it from FE_TONEAREST.
  double r = std::nearbyint(v);
  if (r < lo) r = lo;
  if (r > hi) r = hi;
  return r;
}

}  // namespace upsample_ref
