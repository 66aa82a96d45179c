// The worked examples of the seed documents the project was created from (their text is quoted
// below), with the expected outputs written out by hand from the text, not from any oracle.
#include <catch2/catch.hpp>

#include <vector>

#include "tensor_utils.h"

using namespace upsample_test;

namespace {

// [[1, 2], [3, 4]] as a 1x1x2x2 tensor, unpooled 2x2 in the given mode; the 4x4 result row-major.
std::vector<double> unpool_1234(DType dtype, Mem mem, upsample::UnpoolMode mode) {
  Buffer in = make_buffer(dtype, mem, Shape{1, 1, 2, 2});
  in.fill({1, 2, 3, 4});
  Buffer out = make_buffer(dtype, mem, Shape{1, 1, 4, 4});
  upsample::UnpoolOptions o;
  o.mode = mode;
  o.factor_h = 2;
  o.factor_w = 2;
  const upsample::Status st = upsample::unpool(in.view, out.view, o);
  INFO(st.message());
  REQUIRE(st.ok());
  REQUIRE(out.check_canaries() == "");
  return out.read();
}

}  // namespace

// Seed 000 / 003: "Nearest Neighbor: Expand each input pixel to a block: duplicate original value
// to all positions"; "It copies a pixel value ... to all pixels in the corresponding sub-region".
TEST_CASE("seed 000/003: nearest unpooling of [[1,2],[3,4]] copies each value into its 2x2 block",
          "[seeds][unpool]") {
  const std::vector<double> expected = {
      1, 1, 2, 2,  //
      1, 1, 2, 2,  //
      3, 3, 4, 4,  //
      3, 3, 4, 4,  //
  };
  for (DType dtype : kAllDTypes)
    for (Mem mem : kAllMems) {
      INFO(dtype_str(dtype) << " " << mem_str(mem));
      CHECK(unpool_1234(dtype, mem, upsample::UnpoolMode::kNearest) == expected);
    }
}

// Seed 000 / 003: "Bed of Nails: Expand each input pixel to a block: place original value in
// top-left, fill remaining positions with 0". (Seed 000's zero-insertion step for transposed
// convolution shows the same 4x4 matrix: [1,0,2,0],[0,0,0,0],[3,0,4,0],[0,0,0,0].)
TEST_CASE(
    "seed 000/003: bed of nails unpooling of [[1,2],[3,4]] puts each value top-left, zeros "
    "elsewhere",
    "[seeds][unpool]") {
  const std::vector<double> expected = {
      1, 0, 2, 0,  //
      0, 0, 0, 0,  //
      3, 0, 4, 0,  //
      0, 0, 0, 0,  //
  };
  for (DType dtype : kAllDTypes)
    for (Mem mem : kAllMems) {
      INFO(dtype_str(dtype) << " " << mem_str(mem));
      CHECK(unpool_1234(dtype, mem, upsample::UnpoolMode::kBedOfNails) == expected);
    }
}

// Seed 001: "estimate a value 25% of the way from 60 to 100 ... closer to 60 than to 100": the
// linear interpolation (1 - t) * 60 + t * 100 at t = 0.25 is 70. As a resize: the 1x1x1x2 input
// [60, 100] resized with align_corners to width 5 samples positions 0, 0.25, 0.5, 0.75, 1.
TEST_CASE("seed 001: linear interpolation 25% of the way from 60 to 100 gives 70",
          "[seeds][bilinear]") {
  const std::vector<double> expected = {60, 70, 80, 90, 100};
  upsample::ResizeOptions o;
  o.method = upsample::ResizeMethod::kBilinear;
  o.coordinate_mode = upsample::CoordinateMode::kAlignCorners;
  for (DType dtype : kAllDTypes)
    for (Mem mem : kAllMems) {
      INFO(dtype_str(dtype) << " " << mem_str(mem));
      Buffer in = make_buffer(dtype, mem, Shape{1, 1, 1, 2});
      in.fill({60, 100});
      Buffer out = make_buffer(dtype, mem, Shape{1, 1, 1, 5});
      const upsample::Status st = upsample::resize(in.view, out.view, o);
      INFO(st.message());
      REQUIRE(st.ok());
      CHECK(out.check_canaries() == "");
      const std::vector<double> got = out.read();
      CHECK(got[1] == 70);  // output index 1 is at input position 1 * (2 - 1) / (5 - 1) = 0.25
      CHECK(got == expected);
    }
}

// Seed 001, 2-D: "Apply the 1D formula twice — once horizontally, then once vertically (or vice
// versa; the result is the same)". Corners 60, 100 (top) and 20, 40 (bottom), align_corners to
// 3x3: the centre is the mean of the two edge midpoints, (80 + 30) / 2 = 55.
TEST_CASE("seed 001: bilinear is linear along each axis in turn", "[seeds][bilinear]") {
  const std::vector<double> expected = {
      60, 80, 100,  //
      40, 55, 70,   //
      20, 30, 40,   //
  };
  upsample::ResizeOptions o;
  o.method = upsample::ResizeMethod::kBilinear;
  o.coordinate_mode = upsample::CoordinateMode::kAlignCorners;
  for (DType dtype : kAllDTypes)
    for (Mem mem : kAllMems) {
      INFO(dtype_str(dtype) << " " << mem_str(mem));
      Buffer in = make_buffer(dtype, mem, Shape{1, 1, 2, 2});
      in.fill({60, 100, 20, 40});
      Buffer out = make_buffer(dtype, mem, Shape{1, 1, 3, 3});
      REQUIRE(upsample::resize(in.view, out.view, o).ok());
      CHECK(out.read() == expected);
    }
}

// Seed 001: "align_corners=True ... aligning the corner pixels exactly"; "align_corners=False ...
// The output corners are not exact copies of the input corners". [60, 100] to width 4:
// align_corners samples 0, 1/3, 2/3, 1 -> 60, 73.33, 86.67, 100; half_pixel samples
// -0.25, 0.25, 0.75, 1.25 -> (clamped) 60, 70, 90, 100.
TEST_CASE("seed 001: align_corners keeps the corner values, half_pixel spreads pixels as cells",
          "[seeds][bilinear]") {
  upsample::ResizeOptions o;
  o.method = upsample::ResizeMethod::kBilinear;
  Buffer in = make_buffer(DType::kFloat32, Mem::kNCHW, Shape{1, 1, 1, 2});
  in.fill({60, 100});
  Buffer out = make_buffer(DType::kFloat32, Mem::kNCHW, Shape{1, 1, 1, 4});
  o.coordinate_mode = upsample::CoordinateMode::kAlignCorners;
  REQUIRE(upsample::resize(in.view, out.view, o).ok());
  std::vector<double> got = out.read();
  CHECK(got[0] == 60);
  CHECK(got[1] == Approx(60 + 40.0 / 3).epsilon(1e-6));
  CHECK(got[2] == Approx(60 + 80.0 / 3).epsilon(1e-6));
  CHECK(got[3] == 100);
  o.coordinate_mode = upsample::CoordinateMode::kHalfPixel;
  REQUIRE(upsample::resize(in.view, out.view, o).ok());
  got = out.read();
  CHECK(got == std::vector<double>{60, 70, 90, 100});
}
