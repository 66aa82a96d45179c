// upsample::resize against the plain-C++ oracle (tests/reference/resize_reference.h): every method,
// coordinate mode, nearest mode, cubic a, exclude_outside, dtype and memory arrangement, on small
// shapes chosen to hit 1x1 inputs, odd sizes, sizes that are not multiples of any vector width,
// 1 / 3 / 4 / 5 / 64 channels, batches, and integer, non-integer and per-axis scales up and down.
#include <sys/mman.h>
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "tensor_utils.h"

using namespace upsample_test;
using upsample::CoordinateMode;
using upsample::NearestMode;
using upsample::ResizeMethod;
using upsample::ResizeOptions;

namespace {

struct ResizeCase {
  Shape in;
  int64_t out_h, out_w;
  double scale_h = 0.0, scale_w = 0.0;  // the ResizeOptions scales (0: from the sizes)
};

std::string case_str(const ResizeCase& rc) {
  std::ostringstream os;
  os << shape_str(rc.in) << " -> " << rc.out_h << "x" << rc.out_w;
  return os.str();
}

// Output sizes given with a scale are floor(input * scale), as ONNX and PyTorch derive them.
const std::vector<ResizeCase>& shape_cases() {
  static const std::vector<ResizeCase> cases = {
      {{1, 1, 1, 1}, 1, 1},               // 1x1 identity
      {{1, 1, 1, 1}, 3, 2},               // 1x1 input, upsampled
      {{1, 3, 4, 4}, 8, 8},               // x2
      {{2, 3, 5, 7}, 15, 21},             // x3, batch 2, odd sizes
      {{1, 4, 7, 13}, 13, 33},            // non-integer up (13/7, 33/13), 4 channels
      {{1, 5, 6, 6}, 9, 9, 1.5, 1.5},     // x1.5 given as a scale, 5 channels
      {{1, 1, 8, 10}, 4, 5},              // x0.5 down
      {{1, 3, 13, 7}, 5, 17},             // per-axis: down in H, up in W
      {{1, 1, 5, 4}, 12, 10, 2.5, 2.5},   // x2.5: floor(12.5) = 12, half_pixel_symmetric re-centres
      {{1, 2, 4, 6}, 16, 24},             // x4
      {{1, 64, 3, 3}, 6, 6},              // 64 channels
      {{3, 1, 2, 3}, 5, 7, 2.5, 2.5},     // batch 3, x2.5 on tiny sizes
      {{1, 3, 33, 7}, 1, 1},              // down to 1x1 (the out == 1 special cases)
      {{1, 3, 10, 10}, 7, 3, 0.75, 0.3},  // scales that are not the size ratio (0.3 not a float)
      {{1, 1, 1, 5}, 1, 9},               // H = 1 throughout
      {{1, 1, 3, 3}, 3, 3},               // same size
      {{1, 2, 9, 11}, 4, 5, 0.5, 0.5},    // x0.5 given as a scale: floor(4.5), floor(5.5)
      {{2, 4, 6, 5}, 18, 10, 3.0, 2.0},   // per-axis integer scales, batch 2
      // Several bands of output rows (a tabled variant's task holds the input rows of 32):
      {{1, 2, 29, 5}, 73, 13},            // x73/29 along H, 13/5 along W
      {{1, 1, 150, 6}, 67, 4},            // down 150 -> 67 along H: about 70 input rows per band
      {{1, 1, 40, 3}, 97, 7, 2.43, 2.5},  // x2.43 given as a scale: floor(97.2) rows
      // A step of exactly 1 along H, the tallest band a GPU block holds (band_fits):
      {{1, 1, 80, 5}, 80, 7},            // same height
      {{1, 2, 70, 5}, 70, 9, 1.0, 1.8},  // scale 1 given along H
  };
  return cases;
}

constexpr CoordinateMode kCoordModes[] = {
    CoordinateMode::kHalfPixel, CoordinateMode::kPytorchHalfPixel, CoordinateMode::kAlignCorners,
    CoordinateMode::kAsymmetric, CoordinateMode::kHalfPixelSymmetric};
constexpr NearestMode kNearestModes[] = {NearestMode::kRoundPreferFloor,
                                         NearestMode::kRoundPreferCeil, NearestMode::kFloor,
                                         NearestMode::kCeil};

std::vector<ResizeOptions> option_variants(ResizeMethod method) {
  std::vector<ResizeOptions> v;
  for (CoordinateMode cm : kCoordModes) {
    ResizeOptions o;
    o.method = method;
    o.coordinate_mode = cm;
    if (method == ResizeMethod::kNearest) {
      for (NearestMode nm : kNearestModes) {
        o.nearest_mode = nm;
        v.push_back(o);
      }
    } else if (method == ResizeMethod::kBicubic) {
      for (float a : {-0.75f, -0.5f}) {
        for (bool ex : {false, true}) {
          o.cubic_a = a;
          o.exclude_outside = ex;
          v.push_back(o);
        }
      }
    } else {
      v.push_back(o);
    }
  }
  return v;
}

// Every option variant x shape case x memory arrangement for one method and dtype.
void run_matrix(ResizeMethod method, DType dtype) {
  uint32_t seed = 1234;
  for (const ResizeCase& rc : shape_cases()) {
    const std::vector<double> input = random_values(dtype, rc.in.count(), seed++);
    for (ResizeOptions o : option_variants(method)) {
      o.scale_h = rc.scale_h;
      o.scale_w = rc.scale_w;
      const ResizeExpectation e = expect_resize(input, rc.in, rc.out_h, rc.out_w, o);
      for (Mem mem : kAllMems) {
        INFO(dtype_str(dtype) << " " << mem_str(mem) << " " << case_str(rc) << " "
                              << options_str(o));
        const std::string report = check_resize(dtype, mem, input, e, o);
        CHECK(report == "");
      }
    }
  }
}

}  // namespace

TEST_CASE("resize nearest matches the oracle (all coordinate and nearest modes, dtypes, layouts)",
          "[resize][nearest]") {
  const DType dtype =
      GENERATE(values({DType::kUInt8, DType::kUInt16, DType::kFloat16, DType::kFloat32}));
  run_matrix(ResizeMethod::kNearest, dtype);
}

TEST_CASE("resize bilinear matches the oracle (all coordinate modes, dtypes, layouts)",
          "[resize][bilinear]") {
  const DType dtype =
      GENERATE(values({DType::kUInt8, DType::kUInt16, DType::kFloat16, DType::kFloat32}));
  run_matrix(ResizeMethod::kBilinear, dtype);
}

TEST_CASE(
    "resize bicubic matches the oracle (all coordinate modes, a, exclude_outside, dtypes, layouts)",
    "[resize][bicubic]") {
  const DType dtype =
      GENERATE(values({DType::kUInt8, DType::kUInt16, DType::kFloat16, DType::kFloat32}));
  run_matrix(ResizeMethod::kBicubic, dtype);
}

TEST_CASE("resize on larger images exercises the vector loops and their tails", "[resize][wide]") {
  const std::vector<ResizeCase> cases = {
      {{1, 3, 17, 67}, 35, 150},  // arbitrary ratio, W not a multiple of any vector width
      {{1, 4, 20, 70}, 40, 140},  // x2
      {{2, 5, 9, 64}, 18, 128},   // x2, batch
      {{1, 3, 64, 66}, 16, 33},   // x0.25 / x0.5 down
      {{1, 1, 130, 7}, 65, 20},   // tall and thin
      {{1, 3, 11, 40}, 33, 100, 3.0, 2.5},
      {{1, 2, 21, 70}, 42, 140},  // 2 channels: 2- and 4-byte pixels the copies can fuse
      {{1, 3, 12, 40}, 24, 80},   // x2 RGB: the phased kernels
      {{1, 3, 10, 33}, 40, 132},  // x4 RGB, odd width
      {{1, 4, 6, 20}, 12, 80},    // x4 RGBA
      {{1, 3, 5, 9}, 10, 18},     // x2 with rows narrower than a vector
      {{1, 3, 8, 40}, 12, 60},    // x3/2 RGB: rational phases
      {{2, 4, 6, 16}, 9, 24},     // x3/2 RGBA, batch
      {{1, 2, 7, 10}, 21, 30},    // x3 (nearest: the block copy), 2 channels
      {{1, 3, 4, 8}, 6, 12},      // x3/2 at the smallest phased width
      {{1, 3, 8, 40}, 20, 100},   // x5/2 RGB
      {{2, 4, 6, 16}, 15, 40},    // x5/2 RGBA (packed4 nearest for 16- and 32-bit), batch
      {{1, 1, 5, 12}, 12, 30},    // x5/2, one channel
      // Rows of at least phases x the vector's lanes, so the phased kernels' vector loops run
      // (each phase on its own vectors; AVX-512 float32 math: 32 lanes, uint16 fixed point: 64).
      {{1, 2, 6, 72}, 15, 180},  // x5/2 planar
      {{1, 3, 4, 72}, 10, 180},  // x5/2 RGB
      {{1, 1, 4, 70}, 8, 280},   // x4 along W, x2 along H: uint8 bilinear in fixed point
      {{1, 3, 4, 72}, 8, 144},   // x2 RGB, uint8 bilinear in fixed point
      {{1, 2, 4, 132}, 6, 198},  // x3/2 planar
  };
  uint32_t seed = 99;
  for (ResizeMethod method :
       {ResizeMethod::kNearest, ResizeMethod::kBilinear, ResizeMethod::kBicubic}) {
    for (DType dtype : kAllDTypes) {
      for (const ResizeCase& rc : cases) {
        const std::vector<double> input = random_values(dtype, rc.in.count(), seed++);
        // Phased kernels take half_pixel taps (half_pixel, pytorch_half_pixel, and
        // half_pixel_symmetric from sizes; cubic a = -0.75) as constants and read tables
        // otherwise (asymmetric; a = -0.5).
        for (CoordinateMode cm : {CoordinateMode::kHalfPixel, CoordinateMode::kAlignCorners,
                                  CoordinateMode::kAsymmetric, CoordinateMode::kPytorchHalfPixel,
                                  CoordinateMode::kHalfPixelSymmetric}) {
          for (float cubic_a : {-0.75f, -0.5f}) {
            if (cubic_a != -0.75f && method != ResizeMethod::kBicubic) continue;
            ResizeOptions o;
            o.method = method;
            o.coordinate_mode = cm;
            o.cubic_a = cubic_a;
            o.scale_h = rc.scale_h;
            o.scale_w = rc.scale_w;
            const ResizeExpectation e = expect_resize(input, rc.in, rc.out_h, rc.out_w, o);
            for (Mem mem : kAllMems) {
              INFO(dtype_str(dtype)
                   << " " << mem_str(mem) << " " << case_str(rc) << " " << options_str(o));
              CHECK(check_resize(dtype, mem, input, e, o) == "");
            }
          }
        }
      }
    }
  }
}

TEST_CASE("resize runs the phased variant of a ratio that has one", "[resize][dispatch]") {
  // The phased variants are what makes these ratios fast; a lookup that fell back to the tabled
  // kernels would still pass every oracle test. CPU only: GPU variants are all tabled.
  CpuPolicyGuard on_cpu;
  struct Dispatch {
    ResizeMethod method;
    DType dtype;
    Mem mem;
    ResizeCase shape;
    const char* variant;  // a part of the name of the variant that must run
  };
  using M = ResizeMethod;
  const ResizeCase grey_5_2{{1, 1, 4, 40}, 10, 100}, rgb_5_2{{1, 3, 4, 40}, 10, 100};
  const ResizeCase rgb_2{{1, 3, 4, 40}, 8, 80}, grey_3_2{{1, 1, 4, 40}, 6, 60};
  const ResizeCase rgb_5_2_by_2{{1, 3, 4, 40}, 8, 100};
  const std::vector<Dispatch> cases = {
      {M::kBilinear, DType::kFloat32, Mem::kNCHW, grey_5_2, "resize_linear_x5d2_float32_planar"},
      {M::kBicubic, DType::kUInt8, Mem::kNHWC, rgb_5_2, "resize_cubic_x5d2_uint8_packed3"},
      {M::kNearest, DType::kUInt8, Mem::kNCHW, grey_5_2, "resize_nearest_x5d2_u8_planar"},
      {M::kNearest, DType::kUInt8, Mem::kNHWC, rgb_5_2, "resize_nearest_x5d2_u8_packed3"},
      {M::kBilinear, DType::kUInt8, Mem::kNHWC, rgb_2, "resize_linear16_x2d1_uint8_packed3"},
      {M::kBilinear, DType::kFloat32, Mem::kNCHW, grey_3_2, "resize_linear_x3d2_float32_planar"},
      {M::kBilinear, DType::kUInt8, Mem::kNCHW, grey_3_2, "resize_linear12_x3d2_uint8_planar"},
      // 5/2 along x takes weights in 10ths; 2x along y needs quarters: the float32 variant.
      {M::kBilinear, DType::kUInt8, Mem::kNHWC, rgb_5_2_by_2, "resize_linear_x5d2_uint8_packed3"},
  };
  uint32_t seed = 5;
  for (const Dispatch& d : cases) {
    ResizeOptions o;
    o.method = d.method;
    const std::vector<double> input = random_values(d.dtype, d.shape.in.count(), seed++);
    INFO(dtype_str(d.dtype) << " " << mem_str(d.mem) << " " << case_str(d.shape) << " "
                            << options_str(o));
    CHECK(check_resize(d.dtype, d.mem, input,
                       expect_resize(input, d.shape.in, d.shape.out_h, d.shape.out_w, o), o) == "");
    const std::string variant = upsample::last_kernel_variant();
    INFO("ran " << variant);
    CHECK(variant.find(d.variant) != std::string::npos);
  }
}

TEST_CASE("resize integer results round half to even and saturate", "[resize][rounding]") {
  // align_corners 1x2 -> 1x3 puts output 1 exactly half-way: (a + b) / 2 with a float weight of
  // 0.5, so the kernel's float result is an exact tie and must go to the even integer.
  for (DType dtype : {DType::kUInt8, DType::kUInt16}) {
    std::vector<double> pairs = {0, 1,   1,   2,   2,   3,   3,   4,   4,
                                 5, 100, 101, 101, 102, 253, 254, 254, 255};
    if (dtype == DType::kUInt16) pairs.insert(pairs.end(), {65533, 65534, 65534, 65535});
    const int64_t channels = static_cast<int64_t>(pairs.size() / 2);
    ResizeOptions o;
    o.method = ResizeMethod::kBilinear;
    o.coordinate_mode = CoordinateMode::kAlignCorners;
    for (Mem mem : kAllMems) {
      INFO(dtype_str(dtype) << " " << mem_str(mem));
      Buffer in = make_buffer(dtype, mem, Shape{1, channels, 1, 2});
      in.fill(pairs);
      Buffer out = make_buffer(dtype, mem, Shape{1, channels, 1, 3});
      const upsample::Status st = upsample::resize(in.view, out.view, o);
      REQUIRE(st.ok());
      const std::vector<double> got = out.read();
      for (int64_t c = 0; c < channels; ++c) {
        const double a = pairs[static_cast<size_t>(2 * c)],
                     b = pairs[static_cast<size_t>(2 * c + 1)];
        INFO("channel " << c << ": (" << a << " + " << b << ") / 2");
        CHECK(got[static_cast<size_t>(3 * c)] == a);
        CHECK(got[static_cast<size_t>(3 * c + 1)] == std::nearbyint((a + b) / 2));  // ties to even
        CHECK(got[static_cast<size_t>(3 * c + 2)] == b);
      }
    }
  }
  // Bicubic overshoot past the ends of the range saturates: a step 0 -> max, upsampled 4x.
  for (DType dtype : {DType::kUInt8, DType::kUInt16}) {
    const double mx = dtype_max(dtype);
    const std::vector<double> step = {0, 0, 0, mx, mx, mx};
    ResizeOptions o;
    o.method = ResizeMethod::kBicubic;
    const Shape in_shape{1, 1, 1, 6};
    const ResizeExpectation e = expect_resize(step, in_shape, 1, 24, o);
    bool overshoots = false;
    for (size_t i = 0; i < e.exact.size(); ++i)
      overshoots |= e.exact[i] < -0.5 || e.exact[i] > mx + 0.5;
    REQUIRE(overshoots);  // the oracle's unsaturated values leave the range
    for (Mem mem : kAllMems) {
      INFO(dtype_str(dtype) << " " << mem_str(mem));
      Buffer in = make_buffer(dtype, mem, in_shape);
      in.fill(step);
      Buffer out = make_buffer(dtype, mem, Shape{1, 1, 1, 24});
      REQUIRE(upsample::resize(in.view, out.view, o).ok());
      const std::vector<double> got = out.read();
      for (size_t i = 0; i < got.size(); ++i) {
        INFO("x=" << i << " exact " << e.exact[i]);
        CHECK(got[i] == upsample_ref::round_half_even_saturate(e.exact[i], 0.0, mx));
      }
    }
  }
}

TEST_CASE("resize nearest copies every bit pattern (NaN, infinities, -0, subnormals)",
          "[resize][nearest]") {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const std::vector<float> f32 = {nan,
                                  std::numeric_limits<float>::infinity(),
                                  -std::numeric_limits<float>::infinity(),
                                  -0.0f,
                                  std::numeric_limits<float>::denorm_min(),
                                  1e-40f,
                                  -3.5f,
                                  65504.0f};
  std::vector<uint32_t> bits32;
  for (float f : f32) {
    uint32_t b;
    std::memcpy(&b, &f, 4);
    bits32.push_back(b);
  }
  bits32[0] = 0x7fc12345u;  // NaN with a payload
  const std::vector<uint32_t> bits16 = {0x7e01u, 0x7c00u, 0xfc00u, 0x8000u,
                                        0x0001u, 0x03ffu, 0xc300u, 0x7bffu};
  const Shape in_shape{1, 2, 2, 2};
  for (DType dtype : {DType::kFloat16, DType::kFloat32}) {
    const std::vector<uint32_t>& bits = dtype == DType::kFloat16 ? bits16 : bits32;
    for (Mem mem : kAllMems) {
      INFO(dtype_str(dtype) << " " << mem_str(mem));
      Buffer in = make_buffer(dtype, mem, in_shape);
      in.fill_bits(bits);
      Buffer out = make_buffer(dtype, mem, Shape{1, 2, 4, 6});
      ResizeOptions o;
      o.method = ResizeMethod::kNearest;
      o.coordinate_mode = CoordinateMode::kAsymmetric;
      o.nearest_mode = NearestMode::kFloor;
      REQUIRE(upsample::resize(in.view, out.view, o).ok());
      const std::vector<uint32_t> got = out.read_bits();
      for (int64_t c = 0; c < 2; ++c)
        for (int64_t y = 0; y < 4; ++y)
          for (int64_t x = 0; x < 6; ++x) {
            INFO("c=" << c << " y=" << y << " x=" << x);
            CHECK(got[static_cast<size_t>((c * 4 + y) * 6 + x)] ==
                  bits[static_cast<size_t>((c * 2 + y / 2) * 2 + x / 3)]);
          }
    }
  }
}

TEST_CASE("resize results do not depend on the thread count", "[resize][threads]") {
  const Shape in_shape{2, 3, 19, 23};
  const std::vector<double> input = random_values(DType::kFloat32, in_shape.count(), 7);
  for (ResizeMethod method :
       {ResizeMethod::kNearest, ResizeMethod::kBilinear, ResizeMethod::kBicubic}) {
    ResizeOptions o;
    o.method = method;
    std::vector<std::vector<uint32_t>> results;
    for (int threads : {1, 2, 0}) {
      upsample::set_num_threads(threads);
      Buffer in = make_buffer(DType::kFloat32, Mem::kNHWC, in_shape);
      in.fill(input);
      Buffer out = make_buffer(DType::kFloat32, Mem::kNHWC, Shape{2, 3, 41, 37});
      REQUIRE(upsample::resize(in.view, out.view, o).ok());
      results.push_back(out.read_bits());
    }
    upsample::set_num_threads(0);
    CHECK(results[0] == results[1]);
    CHECK(results[0] == results[2]);
  }
}

TEST_CASE("resize_output_length is floor(length * scale)", "[resize][output_length]") {
  struct Row {
    int64_t in;
    double scale;
    int64_t out;
  };
  const Row rows[] = {{10, 1.5, 15}, {5, 2.5, 12}, {3, 0.5, 1},  {7, 1.0 / 3.0, 2}, {4, 2.0, 8},
                      {1, 1.0, 1},   {9, 0.5, 4},  {10, 0.3, 3}, {1, 7.0, 7}};
  for (const Row& r : rows) {
    INFO(r.in << " * " << r.scale);
    int64_t out = -1;
    const upsample::Status st = upsample::resize_output_length(r.in, r.scale, &out);
    REQUIRE(st.ok());
    CHECK(out == r.out);
  }
}

TEST_CASE("resize by a scale factor: output from resize_output_length, coordinates from the scale",
          "[resize][scale]") {
  // The PyTorch scale_factor / ONNX scales path: the output length is floor(in * s) and the
  // coordinates use s itself, not out / in.
  const Shape in_shape{1, 2, 5, 9};
  const std::vector<double> input = random_values(DType::kFloat32, in_shape.count(), 3);
  for (double s : {2.5, 0.5, 1.7, 0.45}) {
    int64_t oh = 0, ow = 0;
    REQUIRE(upsample::resize_output_length(in_shape.h, s, &oh).ok());
    REQUIRE(upsample::resize_output_length(in_shape.w, s, &ow).ok());
    for (ResizeMethod method :
         {ResizeMethod::kNearest, ResizeMethod::kBilinear, ResizeMethod::kBicubic}) {
      for (CoordinateMode cm : kCoordModes) {
        ResizeOptions o;
        o.method = method;
        o.coordinate_mode = cm;
        o.scale_h = s;
        o.scale_w = s;
        const ResizeExpectation e = expect_resize(input, in_shape, oh, ow, o);
        INFO("scale " << s << " " << options_str(o));
        CHECK(check_resize(DType::kFloat32, Mem::kNCHW, input, e, o) == "");
      }
    }
  }
}

TEST_CASE(
    "resize nearest is exact at ties and integer coordinates when the scale comes from the sizes",
    "[resize][nearest][exact]") {
  // With scale 0 the coordinate is the ratio of two integers, so an exact tie or integer must be
  // recognised even where float32 arithmetic (as in ONNX Runtime) lands next to it, e.g. 12 -> 10
  // half_pixel puts output 2 at exactly 2.5, 7 -> 13 puts output 6 at exactly 3, and 10 -> 12
  // asymmetric puts output 6 at exactly 5 (6 / 1.2f = 4.9999998 in float32). The oracle's first
  // candidate is the exact answer; no alternative is accepted here.
  struct Axis {
    int64_t in, out;
  };
  const Axis axes[] = {{12, 10}, {7, 13}, {10, 12}, {6, 9}, {9, 6}, {5, 15}};
  for (const Axis& a : axes) {
    const Shape in_shape{1, 1, a.in, a.in};
    std::vector<double> input(static_cast<size_t>(in_shape.count()));
    for (size_t i = 0; i < input.size(); ++i) input[i] = static_cast<double>(i);  // distinct
    for (CoordinateMode cm : kCoordModes) {
      for (NearestMode nm : kNearestModes) {
        ResizeOptions o;
        o.method = ResizeMethod::kNearest;
        o.coordinate_mode = cm;
        o.nearest_mode = nm;
        ResizeExpectation e = expect_resize(input, in_shape, a.out, a.out, o);
        for (auto& c : e.cand_h) c.resize(1);
        for (auto& c : e.cand_w) c.resize(1);
        INFO(a.in << " -> " << a.out << " " << options_str(o));
        CHECK(check_resize(DType::kFloat32, Mem::kNCHW, input, e, o) == "");
      }
    }
  }
}

TEST_CASE("resize integer and float16 results are the float32 result, rounded once",
          "[resize][rounding]") {
  // resize.h: "uint8 and uint16 results are the float result rounded to nearest, ties to even, and
  // saturated". Run the same values through the float32 kernel and through the uint8 / uint16 /
  // float16 kernels: every integer output must be exactly the float32 output rounded. This checks
  // the rounding rule bit for bit, next to ties included, where the comparison with the exact
  // oracle has to allow for float arithmetic. Outputs must be the float32 output rounded (to
  // nearest even), except where that output lies within the float32 arithmetic error bound of a
  // midpoint between two neighbours (binary16 values, or integers): there the kernel's own float32
  // sum (the same formula, evaluated by a separately compiled kernel, which LLVM may reassociate
  // differently) may fall on the other side, and either neighbour is accepted. Exact ties, where
  // the sums are exact, are checked bit for bit by the [fixed] case below.
  uint32_t seed = 321;
  for (const ResizeCase& rc : shape_cases()) {
    for (DType dtype : {DType::kUInt8, DType::kUInt16, DType::kFloat16}) {
      const std::vector<double> input = random_values(dtype, rc.in.count(), seed++);
      const Shape out_shape{rc.in.n, rc.in.c, rc.out_h, rc.out_w};
      for (ResizeMethod method : {ResizeMethod::kBilinear, ResizeMethod::kBicubic}) {
        for (CoordinateMode cm : kCoordModes) {
          ResizeOptions o;
          o.method = method;
          o.coordinate_mode = cm;
          o.exclude_outside = cm == CoordinateMode::kAsymmetric;
          o.scale_h = rc.scale_h;
          o.scale_w = rc.scale_w;
          INFO(dtype_str(dtype) << " " << case_str(rc) << " " << options_str(o));
          Buffer fin = make_buffer(DType::kFloat32, Mem::kNCHW, rc.in);
          fin.fill(input);
          Buffer fout = make_buffer(DType::kFloat32, Mem::kNCHW, out_shape);
          REQUIRE(upsample::resize(fin.view, fout.view, o).ok());
          const std::vector<double> f = fout.read();
          const ResizeExpectation e = expect_resize(input, rc.in, rc.out_h, rc.out_w, o);
          for (Mem mem : {Mem::kNCHW, Mem::kNHWC}) {
            Buffer in = make_buffer(dtype, mem, rc.in);
            in.fill(input);
            Buffer out = make_buffer(dtype, mem, out_shape);
            REQUIRE(upsample::resize(in.view, out.view, o).ok());
            const std::vector<uint32_t> got = out.read_bits();
            int64_t bad = 0;
            std::string first;
            for (size_t i = 0; i < got.size(); ++i) {
              bool ok;
              if (dtype == DType::kFloat16) {
                const uint16_t want = upsample_ref::double_to_half_bits(f[i]);
                const double g = upsample_ref::half_bits_to_double(static_cast<uint16_t>(got[i]));
                const double w = upsample_ref::half_bits_to_double(want);
                const double midpoint = (g + w) / 2;
                ok = got[i] == want || (std::fabs(g - w) <= upsample_ref::half_ulp(std::max(
                                                                std::fabs(g), std::fabs(w))) &&
                                        std::fabs(f[i] - midpoint) <= e.arith[i]);
              } else {
                const double want =
                    upsample_ref::round_half_even_saturate(f[i], 0.0, dtype_max(dtype));
                const double g = double(got[i]);
                ok = g == want ||
                     (std::fabs(g - want) == 1.0 && std::fabs(f[i] - (g + want) / 2) <= e.arith[i]);
              }
              if (!ok && !bad++) {
                std::ostringstream os;
                os.precision(12);
                os << "first at " << index_str(out_shape, static_cast<int64_t>(i)) << ": got "
                   << bits_to_value(got[i], dtype) << ", float32 kernel " << f[i];
                first = os.str();
              }
            }
            INFO(mem_str(mem) << ": " << bad << " differ; " << first);
            CHECK(bad == 0);
          }
        }
      }
    }
  }
}

TEST_CASE("resize float16 results round to nearest even", "[resize][rounding]") {
  // align_corners 1x2 -> 1x5 samples t = 0, 1/4, 1/2, 3/4, 1: with neighbouring binary16 inputs
  // a, b the results a + t (b - a) are exact in float32 and lie below, on and above the binary16
  // midpoint, so only round-to-nearest-even gives the expected values.
  const double u = 1.0 / 1024;
  const std::vector<std::pair<double, double>> pairs = {
      {1.0, 1.0 + u}, {1.0 + u, 1.0 + 2 * u}, {-1.0, -1.0 - u}, {2048, 2050}, {0.5, 0.5 + u / 2}};
  upsample::ResizeOptions o;
  o.coordinate_mode = CoordinateMode::kAlignCorners;
  for (const auto& p : pairs) {
    for (Mem mem : kAllMems) {
      INFO(p.first << " .. " << p.second << " " << mem_str(mem));
      Buffer in = make_buffer(DType::kFloat16, mem, Shape{1, 1, 1, 2});
      in.fill({p.first, p.second});
      Buffer out = make_buffer(DType::kFloat16, mem, Shape{1, 1, 1, 5});
      REQUIRE(upsample::resize(in.view, out.view, o).ok());
      const std::vector<uint32_t> got = out.read_bits();
      for (int k = 0; k < 5; ++k) {
        const double exact = p.first + (p.second - p.first) * k / 4.0;
        INFO("t = " << k / 4.0 << ", exact " << exact);
        CHECK(got[static_cast<size_t>(k)] == upsample_ref::double_to_half_bits(exact));
      }
    }
  }
}

TEST_CASE("uint8 bilinear in fixed point is the exact result rounded half to even",
          "[resize][fixed]") {
  // Where every weight is a multiple of 1/U the uint8 bilinear kernels sum exact integers (16ths
  // at 2x and 4x, 12ths at 3/2, 10ths at 5/2), so their result is the exact value rounded half to
  // even, bit for bit. The oracle is the float64 reference: its
  // value lies within 1e-9 of a .5 tie only on a true one (the exact values are multiples of
  // 1/U^2). Rows of at least phases x 64 output columns run the vector loops (AVX-512: 64 uint16
  // lanes per phase). Views that the fixed-point variants do not take (NHWC crops run the
  // interleaved kernel, in float32) are left to the [rounding] cases above.
  struct Case {
    Shape in;
    int64_t out_h, out_w;
    const char* planar;  // the variants that must run for half_pixel: NCHW (and one channel)
    const char* packed;  // NHWC
  };
  const char* k16x2 = "linear16_x2d1_uint8_planar";
  const char* k16x4 = "linear16_x4d1_uint8_planar";
  const char* k12 = "linear12_x3d2_uint8_planar";
  const char* k10 = "linear10_x5d2_uint8_planar";
  const std::vector<Case> cases = {
      {{1, 3, 9, 20}, 18, 40, k16x2, "linear16_x2d1_uint8_packed3"},  // 2x, RGB
      {{1, 4, 7, 16}, 28, 64, k16x4, "linear16_x4d1_uint8_packed4"},  // 4x, RGBA
      {{2, 3, 12, 24}, 6, 48, k16x2, "linear16_x2d1_uint8_packed3"},  // 1/2 along y
      {{1, 1, 8, 10}, 8, 40, k16x4, k16x4},                           // 1x along y
      {{1, 3, 8, 12}, 64, 24, k16x2, "linear16_x2d1_uint8_packed3"},  // 8x along y
      {{1, 1, 4, 70}, 8, 280, k16x4, k16x4},                          // the vector loops
      {{1, 3, 8, 140}, 12, 210, k12, "linear12_x3d2_uint8_packed3"},  // 3/2, RGB
      {{1, 4, 6, 132}, 12, 198, k12, "linear12_x3d2_uint8_packed4"},  // 2x along y
      {{2, 1, 5, 130}, 5, 195, k12, k12},                             // 1x along y
      {{1, 1, 6, 80}, 15, 200, k10, k10},                             // 5/2
      {{1, 4, 4, 80}, 10, 200, k10, "linear10_x5d2_uint8_packed4"},   // 5/2, RGBA
      {{1, 3, 4, 82}, 4, 205, k10, "linear10_x5d2_uint8_packed3"},    // 1x along y
  };
  CpuPolicyGuard on_cpu;  // the variant names are the CPU's
  uint32_t seed = 4242;
  for (const Case& c : cases) {
    const Shape out_shape{c.in.n, c.in.c, c.out_h, c.out_w};
    // The ends of the range as well.
    std::vector<double> input = random_values(DType::kUInt8, c.in.count(), seed++);
    for (size_t i = 0; i < input.size(); i += 5) input[i] = (i / 5) % 2 ? 255 : 0;
    for (CoordinateMode cm : {CoordinateMode::kHalfPixel, CoordinateMode::kAsymmetric,
                              CoordinateMode::kPytorchHalfPixel}) {
      ResizeOptions o;
      o.method = ResizeMethod::kBilinear;
      o.coordinate_mode = cm;
      const ResizeExpectation e = expect_resize(input, c.in, c.out_h, c.out_w, o);
      for (Mem mem : kAllMems) {
        INFO(mem_str(mem) << " " << case_str({c.in, c.out_h, c.out_w}) << " " << options_str(o));
        Buffer in = make_buffer(DType::kUInt8, mem, c.in);
        in.fill(input);
        Buffer out = make_buffer(DType::kUInt8, mem, out_shape);
        REQUIRE(upsample::resize(in.view, out.view, o).ok());
        const std::string variant = upsample::last_kernel_variant();
        INFO("ran " << variant);
        // NCHW and NHWC views (one channel: planar) run the expected fixed-point variant.
        if (cm == CoordinateMode::kHalfPixel && (mem == Mem::kNCHW || mem == Mem::kNHWC)) {
          CHECK(variant.find(mem == Mem::kNCHW || c.in.c == 1 ? c.planar : c.packed) !=
                std::string::npos);
        }
        // The fixed-point variants' name, such as "_linear16_".
        const std::string planar = c.planar;
        if (variant.find("_" + planar.substr(0, planar.find('_') + 1)) == std::string::npos) {
          continue;
        }
        const std::vector<uint32_t> got = out.read_bits();
        int64_t bad = 0, ties = 0;
        std::string first;
        for (size_t i = 0; i < got.size(); ++i) {
          const double v = e.exact[i], floor_v = std::floor(v);
          const bool tie = std::fabs(v - floor_v - 0.5) < 1e-9;
          ties += tie;
          const double want = tie ? floor_v + std::fmod(floor_v, 2.0)
                                  : upsample_ref::round_half_even_saturate(v, 0.0, 255.0);
          if (double(got[i]) != want && !bad++) {
            std::ostringstream os;
            os.precision(12);
            os << "first at " << index_str(out_shape, static_cast<int64_t>(i)) << ": got " << got[i]
               << ", exact " << v;
            first = os.str();
          }
        }
        INFO(bad << " differ; " << first);
        CHECK(bad == 0);
        if (cm == CoordinateMode::kHalfPixel) CHECK(ties > 0);  // the rule was exercised
      }
    }
  }
}

TEST_CASE("views spanning 1 GiB or more run variants with 64-bit indices", "[resize][large]") {
  // Packed RGB/RGBA variants and phased variants index in 32 bits (SMALL_BUFFERS in
  // cmake/UpsampleHalideLibrary.cmake); the runtime must give a view whose rows lie 1 GiB apart
  // to the interleaved or tabled ones, or Halide rejects the buffer. One channel is planar. The
  // output is an address-space reservation: only the pages of its rows are ever touched.
  if (sizeof(void*) < 8) {
    SUCCEED("skipped: a 3 GiB view needs a 64-bit address space");
    return;
  }
  CpuPolicyGuard on_cpu;                        // a GPU run would copy the whole span to the device
  const int64_t row_stride = int64_t(1) << 30;  // elements: uint8
  for (int64_t channels : {1, 3, 4}) {
    const Shape in{1, channels, 2, 40};
    const int64_t out_h = 4, out_w = 80;
    const size_t span = size_t(row_stride * (out_h - 1) + out_w * channels);
    void* memory = mmap(nullptr, span, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (memory == MAP_FAILED) {
      SUCCEED("skipped: cannot reserve 3 GiB of address space");
      return;
    }
    const std::vector<double> input = random_values(DType::kUInt8, in.count(), 7);
    Buffer in_buf = make_buffer(DType::kUInt8, Mem::kNHWC, in);
    in_buf.fill(input);
    upsample::TensorView out = upsample::make_tensor(memory, DType::kUInt8, upsample::Layout::kNHWC,
                                                     1, channels, out_h, out_w);
    out.strides[2] = row_stride;
    out.strides[0] = row_stride;  // N is 1; within int32, as every stride must be
    // Bilinear 2x runs a phased variant, nearest 2x the block copy (unpooling).
    for (ResizeMethod method : {ResizeMethod::kBilinear, ResizeMethod::kNearest}) {
      ResizeOptions o;
      o.method = method;
      INFO("channels " << channels << ", " << options_str(o));
      const upsample::Status st = upsample::resize(in_buf.view, out, o);
      INFO(st.message());
      REQUIRE(st.ok());
      const std::string variant = upsample::last_kernel_variant();
      INFO("ran " << variant);
      CHECK(variant.find("_x2d1_") == std::string::npos);  // not a phased variant
      CHECK(variant.find("packed") == std::string::npos);
      std::vector<uint32_t> out_bits;  // NCHW, as compare_resize reads them
      for (int64_t c = 0; c < channels; ++c)
        for (int64_t y = 0; y < out_h; ++y)
          for (int64_t x = 0; x < out_w; ++x)
            out_bits.push_back(
                static_cast<const uint8_t*>(memory)[y * row_stride + x * channels + c]);
      CHECK(compare_resize(in_buf.read_bits(), out_bits, DType::kUInt8,
                           expect_resize(input, in, out_h, out_w, o)) == "");
    }
    munmap(memory, span);
  }
}
