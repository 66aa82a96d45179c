// Checks of the oracles themselves, against numbers published with the ONNX Resize operator (the
// expected outputs in its documentation / backend tests) and against hand calculation, so that the
// library is compared with something that is itself known to be right.
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "reference/dtype_reference.h"
#include "reference/resize_reference.h"
#include "reference/unpool_reference.h"

using namespace upsample_ref;

namespace {

std::vector<double> iota16() {
  std::vector<double> v;
  for (int i = 1; i <= 16; ++i) v.push_back(i);
  return v;
}

void check_close(const std::vector<double>& got, const std::vector<double>& want, double tol) {
  REQUIRE(got.size() == want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    INFO("index " << i);
    CHECK(got[i] == Approx(want[i]).margin(tol));
  }
}

ResizeSpec spec(Method m, CoordMode c, NearestRounding r = NearestRounding::kRoundPreferFloor) {
  ResizeSpec s;
  s.method = m;
  s.coord = c;
  s.rounding = r;
  return s;
}

}  // namespace

TEST_CASE("oracle: ONNX Resize linear examples", "[reference]") {
  const std::vector<double> x = {1, 2, 3, 4};
  // resize_upsample_scales_linear
  check_close(resize(x, {1, 1, 2, 2}, 4, 4, spec(Method::kLinear, CoordMode::kHalfPixel)),
              {1, 1.25, 1.75, 2, 1.5, 1.75, 2.25, 2.5, 2.5, 2.75, 3.25, 3.5, 3, 3.25, 3.75, 4},
              1e-12);
  // resize_upsample_scales_linear_align_corners
  check_close(resize(x, {1, 1, 2, 2}, 4, 4, spec(Method::kLinear, CoordMode::kAlignCorners)),
              {1, 4.0 / 3, 5.0 / 3, 2, 5.0 / 3, 2, 7.0 / 3, 8.0 / 3, 7.0 / 3, 8.0 / 3, 3, 10.0 / 3,
               3, 10.0 / 3, 11.0 / 3, 4},
              1e-12);
  // resize_downsample_scales_linear: [[1..4],[5..8]], scales 0.6
  ResizeSpec s = spec(Method::kLinear, CoordMode::kHalfPixel);
  s.scale_h = s.scale_w = 0.6;
  check_close(resize({1, 2, 3, 4, 5, 6, 7, 8}, {1, 1, 2, 4}, 1, 2, s), {2.6666665, 4.3333331},
              1e-6);
  // resize_upsample_scales_linear_half_pixel_symmetric: scales 2.3, 2.94
  s = spec(Method::kLinear, CoordMode::kHalfPixelSymmetric);
  s.scale_h = 2.3;
  s.scale_w = 2.94;
  check_close(resize(x, {1, 1, 2, 2}, 4, 5, s),
              {1.,         1.15986395, 1.5,        1.84013605, 2.,         1.56521738, 1.72508133,
               2.06521738, 2.40535343, 2.56521738, 2.43478262, 2.59464657, 2.93478262, 3.27491867,
               3.43478262, 3.,         3.15986395, 3.5,        3.84013605, 4.},
              1e-7);
  // resize_downsample_scales_linear_half_pixel_symmetric: [1, 2, 3, 4], scale 0.6 on W
  s.scale_h = 1.0;
  s.scale_w = 0.6;
  check_close(resize(x, {1, 1, 1, 4}, 1, 2, s), {1.6666666, 3.3333333}, 1e-6);
}

TEST_CASE("oracle: ONNX Resize cubic examples", "[reference]") {
  const std::vector<double> x = iota16();
  std::vector<double> got =
      resize(x, {1, 1, 4, 4}, 8, 8, spec(Method::kCubic, CoordMode::kHalfPixel));
  // resize_upsample_scales_cubic, first row
  check_close(
      std::vector<double>(got.begin(), got.begin() + 8),
      {0.47265625, 0.76953125, 1.24609375, 1.875, 2.28125, 2.91015625, 3.38671875, 3.68359375},
      1e-8);
  // resize_upsample_scales_cubic_align_corners
  got = resize(x, {1, 1, 4, 4}, 8, 8, spec(Method::kCubic, CoordMode::kAlignCorners));
  check_close(std::vector<double>(got.begin(), got.begin() + 8),
              {1., 1.34110787, 1.80029155, 2.32944606, 2.67055394, 3.19970845, 3.65889213, 4.},
              1e-8);
  // resize_upsample_scales_cubic_A_n0p5_exclude_outside
  ResizeSpec s = spec(Method::kCubic, CoordMode::kHalfPixel);
  s.cubic_a = -0.5;
  s.exclude_outside = true;
  got = resize(x, {1, 1, 4, 4}, 8, 8, s);
  check_close(std::vector<double>(got.begin(), got.begin() + 8),
              {0.55882353, 0.81494204, 1.35698249, 1.89705882, 2.39705882, 2.93713516, 3.47917561,
               3.73529412},
              1e-8);
  // resize_upsample_scales_cubic_asymmetric
  got = resize(x, {1, 1, 4, 4}, 8, 8, spec(Method::kCubic, CoordMode::kAsymmetric));
  check_close(std::vector<double>(got.begin(), got.begin() + 8),
              {1., 1.40625, 2., 2.5, 3., 3.59375, 4., 4.09375}, 1e-8);
  // resize_downsample_scales_cubic: scale 0.8
  s = spec(Method::kCubic, CoordMode::kHalfPixel);
  s.scale_h = s.scale_w = 0.8;
  check_close(resize(x, {1, 1, 4, 4}, 3, 3, s),
              {1.47119141, 2.78125, 4.08251953, 6.71142578, 8.02148438, 9.32275391, 11.91650391,
               13.2265625, 14.52783203},
              1e-8);
}

TEST_CASE("oracle: ONNX Resize nearest examples", "[reference]") {
  const std::vector<double> x = iota16();
  auto row0 = [&](CoordMode c, NearestRounding r) {
    const std::vector<double> v = resize(x, {1, 1, 4, 4}, 8, 8, spec(Method::kNearest, c, r));
    return std::vector<double>(v.begin(), v.begin() + 8);
  };
  // resize_upsample_sizes_nearest_ceil_half_pixel
  CHECK(row0(CoordMode::kHalfPixel, NearestRounding::kCeil) ==
        std::vector<double>{1, 2, 2, 3, 3, 4, 4, 4});
  // resize_upsample_sizes_nearest_floor_align_corners
  CHECK(row0(CoordMode::kAlignCorners, NearestRounding::kFloor) ==
        std::vector<double>{1, 1, 1, 2, 2, 3, 3, 4});
  // resize_upsample_sizes_nearest_round_prefer_ceil_asymmetric
  CHECK(row0(CoordMode::kAsymmetric, NearestRounding::kRoundPreferCeil) ==
        std::vector<double>{1, 2, 2, 3, 3, 4, 4, 4});
  // resize_upsample_scales_nearest: [[1,2],[3,4]], scales (2, 3)
  CHECK(
      resize({1, 2, 3, 4}, {1, 1, 2, 2}, 4, 6, spec(Method::kNearest, CoordMode::kHalfPixel)) ==
      std::vector<double>{1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 3, 3, 3, 4, 4, 4});
  // Ties: half_pixel 4 -> 6 puts output 1 at exactly 0.5.
  CHECK(resize({10, 20, 30, 40}, {1, 1, 1, 4}, 1, 6,
               spec(Method::kNearest, CoordMode::kHalfPixel, NearestRounding::kRoundPreferFloor)) ==
        std::vector<double>{10, 10, 20, 30, 30, 40});
  CHECK(resize({10, 20, 30, 40}, {1, 1, 1, 4}, 1, 6,
               spec(Method::kNearest, CoordMode::kHalfPixel, NearestRounding::kRoundPreferCeil)) ==
        std::vector<double>{10, 20, 20, 30, 40, 40});
}

TEST_CASE("oracle: nearest candidates are ambiguous only where float32 may legitimately differ",
          "[reference]") {
  // A float scale (1.5): the tie at 0.5 is exact in float32, so only the exact answer is allowed.
  auto c = nearest_candidates(4, 6, 0.0, CoordMode::kHalfPixel, NearestRounding::kRoundPreferFloor);
  REQUIRE(c.size() == 6);
  for (const auto& v : c) CHECK(v.size() == 1);
  CHECK(c[1] == std::vector<int64_t>{0});
  // 12 -> 10 (scale 5/6, not a float): output 2 is exactly at 2.5; either neighbour is accepted.
  c = nearest_candidates(12, 10, 0.0, CoordMode::kHalfPixel, NearestRounding::kRoundPreferFloor);
  CHECK(c[2] == std::vector<int64_t>{2, 3});
  // Odd sizes 7 -> 13: x_original of output 6 is exactly 3; floor may see 2.999... in float.
  c = nearest_candidates(7, 13, 0.0, CoordMode::kHalfPixel, NearestRounding::kFloor);
  CHECK(c[6].front() == 3);
  CHECK(c[6].size() == 2);
}

TEST_CASE("oracle: cubic kernel", "[reference]") {
  for (double a : {-0.75, -0.5}) {
    CHECK(cubic_kernel(0.0, a) == 1.0);
    CHECK(cubic_kernel(1.0, a) == 0.0);
    CHECK(cubic_kernel(2.0, a) == 0.0);
    CHECK(cubic_kernel(-1.5, a) == cubic_kernel(1.5, a));
    for (double t = 0.0; t < 1.0; t += 0.0625) {
      const double sum = cubic_kernel(1 + t, a) + cubic_kernel(t, a) + cubic_kernel(1 - t, a) +
                         cubic_kernel(2 - t, a);
      CHECK(sum == Approx(1.0).margin(1e-12));
    }
  }
  // a = -0.5 at t = 0.5: weights (-1/16, 9/16, 9/16, -1/16).
  CHECK(cubic_kernel(1.5, -0.5) == Approx(-0.0625));
  CHECK(cubic_kernel(0.5, -0.5) == Approx(0.5625));
}

TEST_CASE("oracle: binary16 conversions round to nearest even", "[reference]") {
  CHECK(double_to_half_bits(1.0) == 0x3c00);
  CHECK(double_to_half_bits(-2.0) == 0xc000);
  CHECK(double_to_half_bits(65504.0) == 0x7bff);
  CHECK(double_to_half_bits(65519.99) == 0x7bff);
  CHECK(double_to_half_bits(65520.0) == 0x7c00);  // the tie above the largest finite rounds to inf
  CHECK(double_to_half_bits(std::ldexp(1.0, -24)) == 0x0001);
  CHECK(double_to_half_bits(std::ldexp(1.0, -25)) == 0x0000);      // tie to even (0)
  CHECK(double_to_half_bits(3 * std::ldexp(1.0, -25)) == 0x0002);  // tie to even (2)
  CHECK(double_to_half_bits(1.0 + std::ldexp(1.0, -11)) == 0x3c00);
  CHECK(double_to_half_bits(1.0 + 3 * std::ldexp(1.0, -11)) == 0x3c02);
  CHECK(double_to_half_bits(std::ldexp(1023.5, -24)) == 0x0400);  // rounds up into the normals
  CHECK(double_to_half_bits(-0.0) == 0x8000);
  CHECK((double_to_half_bits(std::nan("")) & 0x7fff) > 0x7c00);
  for (uint32_t b = 0; b < 0x10000; ++b) {
    const uint16_t h = static_cast<uint16_t>(b);
    if ((h & 0x7c00) == 0x7c00 && (h & 0x3ff)) continue;  // NaN
    if (double_to_half_bits(half_bits_to_double(h)) != h) FAIL("round trip of " << b);
  }
  CHECK(half_bits_to_double(0x3555) == Approx(0.333251953125).margin(0));
  CHECK(half_ulp(1.0) == std::ldexp(1.0, -10));
  CHECK(half_ulp(0.0) == std::ldexp(1.0, -24));
}

TEST_CASE("oracle: integer rounding is ties-to-even with saturation", "[reference]") {
  CHECK(round_half_even_saturate(0.5, 0, 255) == 0);
  CHECK(round_half_even_saturate(1.5, 0, 255) == 2);
  CHECK(round_half_even_saturate(2.5, 0, 255) == 2);
  CHECK(round_half_even_saturate(2.5000001, 0, 255) == 3);
  CHECK(round_half_even_saturate(-0.6, 0, 255) == 0);
  CHECK(round_half_even_saturate(254.5, 0, 255) == 254);
  CHECK(round_half_even_saturate(300.0, 0, 255) == 255);
  CHECK(round_half_even_saturate(70000.0, 0, 65535) == 65535);
}

TEST_CASE("oracle: unpool blocks", "[reference]") {
  const std::vector<double> x = {1, 2, 3, 4};
  CHECK(unpool(x, {1, 1, 2, 2}, 2, 2, UnpoolMode::kNearest) ==
        std::vector<double>{1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4});
  CHECK(unpool(x, {1, 1, 2, 2}, 2, 2, UnpoolMode::kBedOfNails) ==
        std::vector<double>{1, 0, 2, 0, 0, 0, 0, 0, 3, 0, 4, 0, 0, 0, 0, 0});
  CHECK(unpool(x, {1, 1, 2, 2}, 1, 3, UnpoolMode::kBedOfNails) ==
        std::vector<double>{1, 0, 0, 2, 0, 0, 3, 0, 0, 4, 0, 0});
}
