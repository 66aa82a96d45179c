// Every bad input is rejected at the API boundary: a non-ok Status (kInvalidArgument or
// kOutOfRange) whose message names the problem, and the output buffer left exactly as it was.
// Views with absurd sizes carry a fake non-null pointer: they must be rejected before any access.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "tensor_utils.h"

using namespace upsample_test;
using upsample::CoordinateMode;
using upsample::NearestMode;
using upsample::ResizeMethod;
using upsample::ResizeOptions;
using upsample::Status;
using upsample::StatusCode;
using upsample::UnpoolMode;
using upsample::UnpoolOptions;

namespace {

// A pointer that must never be dereferenced.
void* fake_pointer() {
  return reinterpret_cast<void*>(uintptr_t{0x10000});
}

const double kNaN = std::numeric_limits<double>::quiet_NaN();
const double kInf = std::numeric_limits<double>::infinity();

struct Fixture {
  Buffer in, out;
  Fixture(DType dtype = DType::kFloat32, Mem mem = Mem::kNCHW, Shape in_shape = {1, 2, 3, 4},
          Shape out_shape = {1, 2, 6, 8}) {
    in = make_buffer(dtype, mem, in_shape);
    in.fill(random_values(dtype, in_shape.count(), 11));
    out = make_buffer(dtype, mem, out_shape);
  }
};

void check_rejected(const Status& st, const std::vector<unsigned char>& before, const Buffer& out,
                    std::initializer_list<const char*> words) {
  INFO("status " << upsample::status_code_name(st.code()) << ": \"" << st.message() << "\"");
  CHECK_FALSE(st.ok());
  CHECK((st.code() == StatusCode::kInvalidArgument || st.code() == StatusCode::kOutOfRange));
  CHECK(mentions_any(st.message(), words));
  const bool output_unchanged = out.snapshot() == before;
  CHECK(output_unchanged);
}

void resize_rejected(const upsample::TensorView& in, const upsample::TensorView& out,
                     const ResizeOptions& o, const Buffer& out_buf,
                     std::initializer_list<const char*> words) {
  const std::vector<unsigned char> before = out_buf.snapshot();
  check_rejected(upsample::resize(in, out, o), before, out_buf, words);
}

void unpool_rejected(const upsample::TensorView& in, const upsample::TensorView& out,
                     const UnpoolOptions& o, const Buffer& out_buf,
                     std::initializer_list<const char*> words) {
  const std::vector<unsigned char> before = out_buf.snapshot();
  check_rejected(upsample::unpool(in, out, o), before, out_buf, words);
}

#define KW_NULL \
  { "null", "pointer" }
#define KW_SHAPE \
  { "shape", "size", "extent", "dimension" }
#define KW_UNPOOL_SIZE \
  { "shape", "size", "extent", "dimension", "factor" }
#define KW_OVERFLOW \
  { "overflow", "too large", "exceed", "range" }

}  // namespace

TEST_CASE("validation: the fixtures themselves are accepted", "[validation]") {
  Fixture f;
  ResizeOptions o;
  const Status st = upsample::resize(f.in.view, f.out.view, o);
  INFO(st.message());
  CHECK(st.ok());
  CHECK(st.message().empty());
  Fixture g;
  const Status su = upsample::unpool(g.in.view, g.out.view, UnpoolOptions{});
  INFO(su.message());
  CHECK(su.ok());
}

TEST_CASE("validation: null data pointers", "[validation]") {
  ResizeOptions o;
  {
    Fixture f;
    f.in.view.data = nullptr;
    resize_rejected(f.in.view, f.out.view, o, f.out, KW_NULL);
  }
  {
    Fixture f;
    upsample::TensorView out = f.out.view;
    out.data = nullptr;
    resize_rejected(f.in.view, out, o, f.out, KW_NULL);
  }
  {
    Fixture f;
    f.in.view.data = nullptr;
    unpool_rejected(f.in.view, f.out.view, UnpoolOptions{}, f.out, KW_NULL);
  }
  {
    Fixture f;
    upsample::TensorView out = f.out.view;
    out.data = nullptr;
    unpool_rejected(f.in.view, out, UnpoolOptions{}, f.out, KW_NULL);
  }
}

TEST_CASE("validation: input and output must agree on N, C, dtype and layout", "[validation]") {
  ResizeOptions o;
  SECTION("batch") {
    Fixture f(DType::kFloat32, Mem::kNCHW, {1, 2, 3, 4}, {2, 2, 6, 8});
    resize_rejected(f.in.view, f.out.view, o, f.out, {"batch", "along n"});
    unpool_rejected(f.in.view, f.out.view, UnpoolOptions{}, f.out, {"batch", "along n"});
  }
  SECTION("channels") {
    Fixture f(DType::kFloat32, Mem::kNCHW, {1, 2, 3, 4}, {1, 3, 6, 8});
    resize_rejected(f.in.view, f.out.view, o, f.out, {"channel", "along c"});
    unpool_rejected(f.in.view, f.out.view, UnpoolOptions{}, f.out, {"channel", "along c"});
  }
  SECTION("dtype") {
    Fixture f;
    Buffer out16 = make_buffer(DType::kFloat16, Mem::kNCHW, {1, 2, 6, 8});
    resize_rejected(f.in.view, out16.view, o, out16, {"dtype"});
    unpool_rejected(f.in.view, out16.view, UnpoolOptions{}, out16, {"dtype"});
    Buffer in8 = make_buffer(DType::kUInt8, Mem::kNCHW, {1, 2, 3, 4});
    Buffer out8 = make_buffer(DType::kUInt16, Mem::kNCHW, {1, 2, 6, 8});
    resize_rejected(in8.view, out8.view, o, out8, {"dtype"});
  }
  SECTION("layout") {
    Fixture f;
    Buffer out_nhwc = make_buffer(DType::kFloat32, Mem::kNHWC, {1, 2, 6, 8});
    resize_rejected(f.in.view, out_nhwc.view, o, out_nhwc, {"layout"});
    unpool_rejected(f.in.view, out_nhwc.view, UnpoolOptions{}, out_nhwc, {"layout"});
  }
}

TEST_CASE("validation: zero and negative sizes", "[validation]") {
  ResizeOptions o;
  for (int axis = 0; axis < 4; ++axis) {
    for (int64_t bad : {int64_t{0}, int64_t{-1}, int64_t{-5}}) {
      INFO("axis " << axis << " size " << bad);
      {
        Fixture f;
        f.in.view.shape[axis] = bad;
        resize_rejected(f.in.view, f.out.view, o, f.out, KW_SHAPE);
        unpool_rejected(f.in.view, f.out.view, UnpoolOptions{}, f.out, KW_SHAPE);
      }
      {
        Fixture f;
        upsample::TensorView out = f.out.view;
        out.shape[axis] = bad;
        resize_rejected(f.in.view, out, o, f.out, KW_SHAPE);
        unpool_rejected(f.in.view, out, UnpoolOptions{}, f.out, KW_SHAPE);
      }
    }
  }
}

TEST_CASE("validation: zero and negative strides", "[validation]") {
  ResizeOptions o;
  for (Mem mem : {Mem::kNCHW, Mem::kNHWC}) {
    for (int axis = 0; axis < 4; ++axis) {
      for (int64_t bad : {int64_t{0}, int64_t{-1}}) {
        INFO(mem_str(mem) << " axis " << axis << " stride " << bad);
        {
          Fixture f(DType::kFloat32, mem);
          f.in.view.strides[axis] = bad;
          resize_rejected(f.in.view, f.out.view, o, f.out, {"stride"});
          unpool_rejected(f.in.view, f.out.view, UnpoolOptions{}, f.out, {"stride"});
        }
        {
          Fixture f(DType::kFloat32, mem);
          upsample::TensorView out = f.out.view;
          out.strides[axis] = bad;
          resize_rejected(f.in.view, out, o, f.out, {"stride"});
          unpool_rejected(f.in.view, out, UnpoolOptions{}, f.out, {"stride"});
        }
      }
    }
  }
}

TEST_CASE("validation: an output whose elements overlap one another", "[validation]") {
  ResizeOptions o;
  // NCHW 1x2x6x8 whose rows are 4 elements apart: each row overlaps the next.
  {
    Fixture f;
    upsample::TensorView out = f.out.view;
    out.strides[2] = 4;
    resize_rejected(f.in.view, out, o, f.out, {"overlap", "alias", "stride"});
    unpool_rejected(f.in.view, out, UnpoolOptions{}, f.out, {"overlap", "alias", "stride"});
  }
  // Channels at the same address.
  {
    Fixture f;
    upsample::TensorView out = f.out.view;
    out.strides[1] = out.strides[2];
    resize_rejected(f.in.view, out, o, f.out, {"overlap", "alias", "stride"});
  }
  // NHWC whose pixels are closer than the channel count.
  {
    Fixture f(DType::kFloat32, Mem::kNHWC);
    upsample::TensorView out = f.out.view;
    out.strides[3] = 1;
    resize_rejected(f.in.view, out, o, f.out, {"overlap", "alias", "stride"});
  }
}

TEST_CASE("validation: input and output that overlap in memory", "[validation]") {
  // One allocation: the output view starts inside the input view.
  Buffer big = make_buffer(DType::kFloat32, Mem::kNCHW, {1, 1, 16, 16});
  upsample::TensorView in = big.view;
  in.shape[2] = 4;
  in.shape[3] = 4;  // the top-left 4x4 of the 16x16 buffer
  upsample::TensorView out = big.view;
  out.shape[2] = 8;
  out.shape[3] = 8;  // the top-left 8x8: contains the input
  resize_rejected(in, out, ResizeOptions{}, big, {"overlap", "alias"});
  unpool_rejected(in, out, UnpoolOptions{}, big, {"overlap", "alias"});
}

TEST_CASE("validation: sizes whose element or byte counts overflow are rejected before any access",
          "[validation]") {
  ResizeOptions o;
  const int64_t big = int64_t{1} << 31;
  SECTION("input 1x1x2^31x2^31 (2^62 elements, 2^64 bytes)") {
    Fixture f;
    upsample::TensorView in = upsample::make_input_tensor(fake_pointer(), upsample::DType::kFloat32,
                                                          upsample::Layout::kNCHW, 1, 1, big, big);
    Buffer out = make_buffer(DType::kFloat32, Mem::kNCHW, {1, 1, 2, 2});
    resize_rejected(in, out.view, o, out, KW_OVERFLOW);
  }
  SECTION("output 1x1x2^31x2^31") {
    Fixture f(DType::kFloat32, Mem::kNCHW, {1, 1, 3, 4}, {1, 1, 6, 8});
    upsample::TensorView out;
    out.data = fake_pointer();
    out.dtype = upsample::DType::kFloat32;
    out.layout = upsample::Layout::kNCHW;
    const int64_t shape[4] = {1, 1, big, big};
    const int64_t strides[4] = {big * big, big * big, big, 1};
    for (int i = 0; i < 4; ++i) {
      out.shape[i] = shape[i];
      out.strides[i] = strides[i];
    }
    const std::vector<unsigned char> in_before = f.in.snapshot();
    const Status st = upsample::resize(f.in.view, out, o);
    INFO(st.message());
    CHECK_FALSE(st.ok());
    CHECK(mentions_any(st.message(), KW_OVERFLOW));
    UnpoolOptions u;
    u.factor_h = static_cast<int>(1 << 30);
    const Status su = upsample::unpool(f.in.view, out, u);
    CHECK_FALSE(su.ok());
    const bool input_unchanged = f.in.snapshot() == in_before;
    CHECK(input_unchanged);
  }
  SECTION("2^20 in every dimension: the element count overflows int64") {
    const int64_t m = int64_t{1} << 20;
    upsample::TensorView in;
    in.data = fake_pointer();
    in.dtype = upsample::DType::kUInt8;
    for (int i = 0; i < 4; ++i) in.shape[i] = m;
    in.strides[3] = 1;
    in.strides[2] = m;
    in.strides[1] = m * m;
    in.strides[0] = m * m * m;
    CHECK(upsample::element_count(in) == -1);
    Buffer out = make_buffer(DType::kUInt8, Mem::kNCHW, {1, 1, 2, 2});
    resize_rejected(in, out.view, o, out,
                    {"overflow", "too large", "exceed", "range", "shape", "size"});
  }
  SECTION("strides whose offsets overflow") {
    Fixture f;
    upsample::TensorView in = f.in.view;
    in.data = fake_pointer();
    in.strides[0] = int64_t{1} << 62;
    in.shape[0] = 1;
    in.strides[1] = int64_t{1} << 62;  // the second channel sits at 2^62 elements = 2^64 bytes
    resize_rejected(in, f.out.view, o, f.out,
                    {"overflow", "too large", "exceed", "range", "stride"});
  }
  SECTION("an output length of 2^31 or more") {
    upsample::TensorView out;
    out.data = fake_pointer();
    out.dtype = upsample::DType::kUInt8;
    out.layout = upsample::Layout::kNCHW;
    const int64_t shape[4] = {1, 1, 1, big};
    for (int i = 0; i < 4; ++i) out.shape[i] = shape[i];
    out.strides[3] = 1;
    out.strides[2] = big;
    out.strides[1] = big;
    out.strides[0] = big;
    Buffer in = make_buffer(DType::kUInt8, Mem::kNCHW, {1, 1, 1, 2});
    const Status st = upsample::resize(in.view, out, o);
    INFO(st.message());
    CHECK_FALSE(st.ok());
    CHECK(mentions_any(st.message(), {"overflow", "too large", "exceed", "range", "2^31",
                                      "2147483647", "2147483648", "large"}));
  }
}

TEST_CASE("validation: enum values outside their enums", "[validation]") {
  SECTION("method") {
    Fixture f;
    ResizeOptions o;
    o.method = static_cast<ResizeMethod>(99);
    resize_rejected(f.in.view, f.out.view, o, f.out, {"method"});
    o.method = static_cast<ResizeMethod>(-1);
    resize_rejected(f.in.view, f.out.view, o, f.out, {"method"});
  }
  SECTION("coordinate mode") {
    for (ResizeMethod m :
         {ResizeMethod::kNearest, ResizeMethod::kBilinear, ResizeMethod::kBicubic}) {
      Fixture f;
      ResizeOptions o;
      o.method = m;
      o.coordinate_mode = static_cast<CoordinateMode>(5);
      resize_rejected(f.in.view, f.out.view, o, f.out, {"coordinate"});
      o.coordinate_mode = static_cast<CoordinateMode>(-3);
      resize_rejected(f.in.view, f.out.view, o, f.out, {"coordinate"});
    }
  }
  SECTION("nearest mode") {
    Fixture f;
    ResizeOptions o;
    o.method = ResizeMethod::kNearest;
    o.nearest_mode = static_cast<NearestMode>(4);
    resize_rejected(f.in.view, f.out.view, o, f.out, {"nearest"});
  }
  SECTION("dtype") {
    Fixture f;
    upsample::TensorView in = f.in.view, out = f.out.view;
    in.dtype = out.dtype = static_cast<upsample::DType>(9);
    resize_rejected(in, out, ResizeOptions{}, f.out, {"dtype"});
    unpool_rejected(in, out, UnpoolOptions{}, f.out, {"dtype"});
    CHECK(upsample::dtype_size(static_cast<upsample::DType>(9)) == 0);
  }
  SECTION("layout") {
    Fixture f;
    upsample::TensorView in = f.in.view, out = f.out.view;
    in.layout = out.layout = static_cast<upsample::Layout>(7);
    resize_rejected(in, out, ResizeOptions{}, f.out, {"layout"});
    unpool_rejected(in, out, UnpoolOptions{}, f.out, {"layout"});
  }
  SECTION("unpool mode") {
    Fixture f;
    UnpoolOptions u;
    u.mode = static_cast<UnpoolMode>(2);
    unpool_rejected(f.in.view, f.out.view, u, f.out, {"mode"});
  }
}

TEST_CASE("validation: scales that are negative, NaN or infinite", "[validation]") {
  for (double bad : {-1.0, -0.5, kNaN, kInf, -kInf}) {
    for (int axis = 0; axis < 2; ++axis) {
      for (ResizeMethod m :
           {ResizeMethod::kNearest, ResizeMethod::kBilinear, ResizeMethod::kBicubic}) {
        INFO("scale " << bad << " on " << (axis ? "w" : "h") << " method " << static_cast<int>(m));
        Fixture f;
        ResizeOptions o;
        o.method = m;
        (axis ? o.scale_w : o.scale_h) = bad;
        resize_rejected(f.in.view, f.out.view, o, f.out, {"scale"});
      }
    }
  }
}

TEST_CASE("validation: cubic_a that is not finite", "[validation]") {
  for (float bad : {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity(),
                    -std::numeric_limits<float>::infinity()}) {
    INFO("cubic_a " << bad);
    Fixture f;
    ResizeOptions o;
    o.method = ResizeMethod::kBicubic;
    o.cubic_a = bad;
    resize_rejected(f.in.view, f.out.view, o, f.out, {"cubic"});
  }
}

TEST_CASE("validation: unpool factors below 1 and outputs of the wrong size", "[validation]") {
  for (int bad : {0, -1, -2}) {
    INFO("factor " << bad);
    Fixture f;
    UnpoolOptions u;
    u.factor_h = bad;
    unpool_rejected(f.in.view, f.out.view, u, f.out, {"factor"});
    u.factor_h = 2;
    u.factor_w = bad;
    unpool_rejected(f.in.view, f.out.view, u, f.out, {"factor"});
  }
  // Input 1x2x3x4, output 1x2x6x8: factors (2, 2) fit; every other pair does not.
  for (const auto& fw : std::vector<std::pair<int, int>>{{3, 2}, {2, 3}, {1, 1}, {4, 4}, {2, 1}}) {
    INFO("factor " << fw.first << "x" << fw.second);
    Fixture f;
    UnpoolOptions u;
    u.factor_h = fw.first;
    u.factor_w = fw.second;
    unpool_rejected(f.in.view, f.out.view, u, f.out, KW_UNPOOL_SIZE);
  }
  for (UnpoolMode mode : {UnpoolMode::kNearest, UnpoolMode::kBedOfNails}) {
    Fixture f(DType::kFloat32, Mem::kNCHW, {1, 2, 3, 4}, {1, 2, 6, 9});
    UnpoolOptions u;
    u.mode = mode;
    unpool_rejected(f.in.view, f.out.view, u, f.out, KW_UNPOOL_SIZE);
  }
}

TEST_CASE("validation: resize_output_length on bad input", "[validation]") {
  struct Row {
    int64_t in;
    double scale;
  };
  const Row rows[] = {
      {10, 0.0},
      {10, -1.0},
      {10, kNaN},
      {10, kInf},
      {10, -kInf},
      {0, 2.0},
      {-4, 2.0},  // bad input lengths
      {1, 0.5},
      {3, 0.25},  // floor gives 0
      {int64_t{1} << 30, 4.0},
      {int64_t{1} << 40, 1.0},                       // 2^31 or more
      {std::numeric_limits<int64_t>::max(), 1e300},  // overflows everything
  };
  for (const Row& r : rows) {
    INFO(r.in << " * " << r.scale);
    int64_t out = -12345;
    const Status st = upsample::resize_output_length(r.in, r.scale, &out);
    INFO(st.message());
    CHECK_FALSE(st.ok());
    CHECK(!st.message().empty());
    CHECK(out == -12345);
  }
  const Status st = upsample::resize_output_length(10, 2.0, nullptr);
  INFO(st.message());
  CHECK_FALSE(st.ok());
  CHECK(mentions_any(st.message(), KW_NULL));
}

TEST_CASE(
    "validation: a view whose innermost stride is not 1 is either handled exactly or rejected",
    "[validation]") {
  // NCHW with every other column (stride_w = 2): valid memory, no overlap.
  const Shape in_shape{1, 2, 3, 4}, out_shape{1, 2, 6, 8};
  std::vector<float> in_mem(static_cast<size_t>(in_shape.count() * 2), 0.0f);
  std::vector<float> out_mem(static_cast<size_t>(out_shape.count() * 2), -7.0f);
  const std::vector<double> input = random_values(DType::kFloat32, in_shape.count(), 5);
  for (size_t i = 0; i < input.size(); ++i) in_mem[2 * i] = static_cast<float>(input[i]);
  upsample::TensorView in = upsample::make_input_tensor(in_mem.data(), upsample::DType::kFloat32,
                                                        upsample::Layout::kNCHW, 1, 2, 3, 4);
  upsample::TensorView out = upsample::make_tensor(out_mem.data(), upsample::DType::kFloat32,
                                                   upsample::Layout::kNCHW, 1, 2, 6, 8);
  for (int i = 0; i < 4; ++i) {
    in.strides[i] *= 2;
    out.strides[i] *= 2;
  }
  for (ResizeMethod m : {ResizeMethod::kNearest, ResizeMethod::kBilinear, ResizeMethod::kBicubic}) {
    ResizeOptions o;
    o.method = m;
    std::fill(out_mem.begin(), out_mem.end(), -7.0f);
    const Status st = upsample::resize(in, out, o);
    INFO("method " << upsample::resize_method_name(m) << ": " << st.message());
    if (!st.ok()) {
      CHECK(st.code() != StatusCode::kInternal);
      CHECK(std::all_of(out_mem.begin(), out_mem.end(), [](float v) { return v == -7.0f; }));
      continue;
    }
    const ResizeExpectation e = expect_resize(input, in_shape, 6, 8, o);
    std::vector<uint32_t> in_bits, out_bits;
    for (double v : input) in_bits.push_back(value_to_bits(v, DType::kFloat32));
    for (size_t i = 0; i < out_mem.size(); i += 2)
      out_bits.push_back(value_to_bits(out_mem[i], DType::kFloat32));
    CHECK(compare_resize(in_bits, out_bits, DType::kFloat32, e) == "");
    for (size_t i = 1; i < out_mem.size(); i += 2) CHECK(out_mem[i] == -7.0f);  // the gaps
  }
}

TEST_CASE("tensor helpers: make_tensor strides, element_count, names", "[validation][tensor]") {
  float dummy = 0;
  const upsample::TensorView a =
      upsample::make_tensor(&dummy, upsample::DType::kFloat32, upsample::Layout::kNCHW, 2, 3, 4, 5);
  CHECK(a.strides[0] == 60);
  CHECK(a.strides[1] == 20);
  CHECK(a.strides[2] == 5);
  CHECK(a.strides[3] == 1);
  const upsample::TensorView b =
      upsample::make_tensor(&dummy, upsample::DType::kUInt8, upsample::Layout::kNHWC, 2, 3, 4, 5);
  CHECK(b.strides[0] == 60);
  CHECK(b.strides[1] == 1);
  CHECK(b.strides[2] == 15);
  CHECK(b.strides[3] == 3);
  CHECK(b.shape[1] == 3);
  CHECK(upsample::element_count(a) == 120);
  upsample::TensorView neg = a;
  neg.shape[2] = -1;
  CHECK(upsample::element_count(neg) == -1);
  CHECK(upsample::dtype_size(upsample::DType::kUInt8) == 1);
  CHECK(upsample::dtype_size(upsample::DType::kUInt16) == 2);
  CHECK(upsample::dtype_size(upsample::DType::kFloat16) == 2);
  CHECK(upsample::dtype_size(upsample::DType::kFloat32) == 4);
  for (ResizeMethod m : {ResizeMethod::kNearest, ResizeMethod::kBilinear, ResizeMethod::kBicubic})
    CHECK(std::string(upsample::resize_method_name(m)) != "");
  CHECK(std::string(upsample::coordinate_mode_name(CoordinateMode::kHalfPixelSymmetric)) != "");
  CHECK(std::string(upsample::nearest_mode_name(NearestMode::kCeil)) != "");
  CHECK(std::string(upsample::unpool_mode_name(UnpoolMode::kBedOfNails)) != "");
  CHECK(std::string(upsample::dtype_name(upsample::DType::kFloat16)) != "");
  CHECK(std::string(upsample::layout_name(upsample::Layout::kNHWC)) != "");
  CHECK(std::string(upsample::status_code_name(StatusCode::kOutOfRange)) != "");
  // Names of values outside the enums must still be printable strings, never null.
  CHECK(upsample::resize_method_name(static_cast<ResizeMethod>(42)) != nullptr);
  CHECK(upsample::dtype_name(static_cast<upsample::DType>(42)) != nullptr);
}
