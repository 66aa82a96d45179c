// upsample::pixel_shuffle / pixel_unshuffle against the oracle
// (tests/reference/shuffle_reference.h): both orders (CRD, DCR), factors (1,1) (2,2) (3,3) (2,3)
// (4,4) (1,2) and more, every dtype and memory arrangement, round trips, and the validation of bad
// arguments. A shuffle is a copy, so every output must be bit-exact (NaN payloads and -0 included).
#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "reference/shuffle_reference.h"
#include "tensor_utils.h"

using namespace upsample_test;
using upsample::ShuffleOptions;
using upsample::ShuffleOrder;
using upsample::Status;
using upsample::StatusCode;

namespace {

enum class Op { kShuffle, kUnshuffle };

const char* op_str(Op op) {
  return op == Op::kShuffle ? "pixel_shuffle" : "pixel_unshuffle";
}

upsample_ref::ShuffleOrder to_ref(ShuffleOrder o) {
  return o == ShuffleOrder::kCRD ? upsample_ref::ShuffleOrder::kCRD
                                 : upsample_ref::ShuffleOrder::kDCR;
}

ShuffleOptions make_options(ShuffleOrder order, int fh, int fw) {
  ShuffleOptions o;
  o.order = order;
  o.factor_h = fh;
  o.factor_w = fw;
  return o;
}

std::string options_str(Op op, const ShuffleOptions& o) {
  std::ostringstream os;
  os << op_str(op) << " " << upsample_ref::to_string(to_ref(o.order)) << " factor " << o.factor_h
     << "x" << o.factor_w;
  return os.str();
}

Status run_op(Op op, const upsample::TensorView& in, const upsample::TensorView& out,
              const ShuffleOptions& o) {
  return op == Op::kShuffle ? upsample::pixel_shuffle(in, out, o)
                            : upsample::pixel_unshuffle(in, out, o);
}

// For a "space" shape base = (N, C, H, W): C is the channel count of the space side (shuffle
// output, unshuffle input), H and W the spatial size of the depth side. The input of each op:
//   shuffle:   (N, C * fh * fw, H, W)      unshuffle: (N, C, H * fh, W * fw)
Shape input_shape(Op op, const Shape& base, int fh, int fw) {
  return op == Op::kShuffle ? Shape{base.n, base.c * fh * fw, base.h, base.w}
                            : Shape{base.n, base.c, base.h * fh, base.w * fw};
}

Shape output_shape(Op op, const Shape& in, int fh, int fw) {
  return op == Op::kShuffle ? upsample_ref::pixel_shuffle_shape(in, fh, fw)
                            : upsample_ref::pixel_unshuffle_shape(in, fh, fw);
}

// Runs one op from NCHW input bits, input laid out as in_mem and output as out_mem; "" when the
// output is bit-exact, the canaries are intact and the input was not written.
std::string check_shuffle(DType dtype, Mem in_mem, Mem out_mem, Op op, const Shape& in_shape,
                          const std::vector<uint32_t>& in_bits, const ShuffleOptions& o) {
  Buffer in = make_buffer(dtype, in_mem, in_shape);
  in.fill_bits(in_bits);
  const std::vector<unsigned char> before = in.snapshot();
  const Shape out_shape = output_shape(op, in_shape, o.factor_h, o.factor_w);
  Buffer out = make_buffer(dtype, out_mem, out_shape);
  const Status st = run_op(op, in.view, out.view, o);
  if (!st.ok()) return std::string(op_str(op)) + " returned an error: " + st.message();
  if (in.snapshot() != before) return "the input buffer was modified";
  const std::string canaries = out.check_canaries();
  if (!canaries.empty()) return canaries;

  // The oracle moves values; feed it the element index + 1 so that it says where each output comes
  // from.
  std::vector<double> index(in_bits.size());
  for (size_t i = 0; i < index.size(); ++i) index[i] = static_cast<double>(i) + 1.0;
  const std::vector<double> src =
      op == Op::kShuffle
          ? upsample_ref::pixel_shuffle(index, in_shape, o.factor_h, o.factor_w, to_ref(o.order))
          : upsample_ref::pixel_unshuffle(index, in_shape, o.factor_h, o.factor_w, to_ref(o.order));
  const std::vector<uint32_t> got = out.read_bits();
  if (got.size() != src.size()) return "output size differs from the oracle's";
  int64_t bad = 0;
  std::ostringstream first;
  for (size_t i = 0; i < got.size(); ++i) {
    const size_t from = static_cast<size_t>(src[i]) - 1;
    const uint32_t want = in_bits[from];
    if (got[i] != want) {
      if (!bad)
        first << "first at " << index_str(out_shape, static_cast<int64_t>(i)) << ": got bits 0x"
              << std::hex << got[i] << ", expected 0x" << want << std::dec << " from input "
              << index_str(in_shape, static_cast<int64_t>(from));
      ++bad;
    }
  }
  if (!bad) return "";
  std::ostringstream os;
  os << bad << " of " << got.size() << " outputs wrong; " << first.str();
  return os.str();
}

std::vector<uint32_t> to_bits(const std::vector<double>& v, DType dtype) {
  std::vector<uint32_t> b;
  b.reserve(v.size());
  for (double x : v) b.push_back(value_to_bits(x, dtype));
  return b;
}

// Both ops, both orders, each factor pair and base shape, every memory arrangement.
void check_shuffle_matrix(DType dtype, const std::vector<std::pair<int, int>>& factors,
                          const std::vector<Shape>& bases, uint32_t seed) {
  for (Op op : {Op::kShuffle, Op::kUnshuffle}) {
    for (ShuffleOrder order : {ShuffleOrder::kCRD, ShuffleOrder::kDCR}) {
      for (const auto& f : factors) {
        for (const Shape& base : bases) {
          const Shape in_shape = input_shape(op, base, f.first, f.second);
          const std::vector<uint32_t> bits =
              to_bits(random_values(dtype, in_shape.count(), seed++), dtype);
          const ShuffleOptions o = make_options(order, f.first, f.second);
          for (Mem mem : kAllMems) {
            INFO(dtype_str(dtype) << " " << mem_str(mem) << " " << options_str(op, o) << " input "
                                  << shape_str(in_shape));
            CHECK(check_shuffle(dtype, mem, mem, op, in_shape, bits, o) == "");
          }
        }
      }
    }
  }
}

const std::vector<std::pair<int, int>> kFactors = {{1, 1}, {2, 2}, {3, 3}, {2, 3},
                                                   {4, 4}, {1, 2}, {3, 1}, {2, 1}};

}  // namespace

TEST_CASE("shuffle oracle: the worked examples of the ONNX DepthToSpace spec",
          "[shuffle][reference]") {
  // x = arange(48).reshape(1, 8, 2, 3), blocksize 2 (onnx/docs/Operators.md, DepthToSpace).
  std::vector<double> x(48);
  for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<double>(i);
  const Shape in{1, 8, 2, 3};
  const std::vector<double> dcr = {0,  12, 1,  13, 2,  14, 24, 36, 25, 37, 26, 38, 3,  15, 4,  16,
                                   5,  17, 27, 39, 28, 40, 29, 41, 6,  18, 7,  19, 8,  20, 30, 42,
                                   31, 43, 32, 44, 9,  21, 10, 22, 11, 23, 33, 45, 34, 46, 35, 47};
  const std::vector<double> crd = {0,  6,  1,  7,  2,  8,  12, 18, 13, 19, 14, 20, 3,  9,  4,  10,
                                   5,  11, 15, 21, 16, 22, 17, 23, 24, 30, 25, 31, 26, 32, 36, 42,
                                   37, 43, 38, 44, 27, 33, 28, 34, 29, 35, 39, 45, 40, 46, 41, 47};
  CHECK(upsample_ref::pixel_shuffle(x, in, 2, 2, upsample_ref::ShuffleOrder::kDCR) == dcr);
  CHECK(upsample_ref::pixel_shuffle(x, in, 2, 2, upsample_ref::ShuffleOrder::kCRD) == crd);
  const Shape out{1, 2, 4, 6};
  CHECK(upsample_ref::pixel_unshuffle(dcr, out, 2, 2, upsample_ref::ShuffleOrder::kDCR) == x);
  CHECK(upsample_ref::pixel_unshuffle(crd, out, 2, 2, upsample_ref::ShuffleOrder::kCRD) == x);
  // One output channel: the two orders agree.
  const Shape one{1, 6, 1, 2};
  const std::vector<double> y(x.begin(), x.begin() + 12);
  CHECK(upsample_ref::pixel_shuffle(y, one, 2, 3, upsample_ref::ShuffleOrder::kDCR) ==
        upsample_ref::pixel_shuffle(y, one, 2, 3, upsample_ref::ShuffleOrder::kCRD));
  // Non-square: depth (c, i, j) = c*6 + i*3 + j (CRD); output row 1, column 4 of channel 0 is
  // i = 1, j = 1 of block (0, 1): depth 4, pixel (0, 1) = input index 4 * 2 + 1.
  const std::vector<double> s =
      upsample_ref::pixel_shuffle(y, one, 2, 3, upsample_ref::ShuffleOrder::kCRD);
  CHECK(s[1 * 6 + 4] == 9.0);
  CHECK_THROWS(upsample_ref::pixel_shuffle(y, one, 2, 2, upsample_ref::ShuffleOrder::kCRD));
  CHECK_THROWS(upsample_ref::pixel_unshuffle(x, in, 3, 1, upsample_ref::ShuffleOrder::kCRD));
}

TEST_CASE("pixel shuffle matches the oracle (both ops and orders, factors, dtypes, layouts)",
          "[shuffle]") {
  // Space-side channel counts 1, 3 (packed RGB), 4 (packed RGBA), 5; batch > 1; odd sizes.
  const std::vector<Shape> bases = {{1, 1, 1, 1}, {1, 3, 4, 4}, {2, 5, 3, 7},
                                    {1, 4, 2, 5}, {3, 1, 5, 3}, {2, 3, 1, 6}};
  const DType dtype =
      GENERATE(values({DType::kUInt8, DType::kUInt16, DType::kFloat16, DType::kFloat32}));
  check_shuffle_matrix(dtype, kFactors, bases, 901);
}

TEST_CASE("pixel shuffle on wider images exercises the vector loops and their tails",
          "[shuffle][wide]") {
  const std::vector<Shape> bases = {{1, 3, 5, 67}, {2, 1, 3, 67}, {1, 4, 3, 64}, {1, 5, 2, 33}};
  const std::vector<std::pair<int, int>> factors = {{1, 1}, {2, 2}, {3, 3}, {2, 3}, {4, 4}, {1, 2}};
  for (DType dtype : kAllDTypes) check_shuffle_matrix(dtype, factors, bases, 313);
}

TEST_CASE("pixel shuffle with input and output in different memory arrangements", "[shuffle]") {
  const std::vector<std::pair<Mem, Mem>> pairs = {
      {Mem::kNCHW, Mem::kNCHWCrop},   {Mem::kNCHWCrop, Mem::kNCHW},
      {Mem::kNHWC, Mem::kNHWCCrop},   {Mem::kNHWCCrop, Mem::kNHWCWindow},
      {Mem::kNHWCWindow, Mem::kNHWC}, {Mem::kNHWC, Mem::kNHWCWindow}};
  const std::vector<Shape> bases = {{2, 3, 3, 5}, {1, 4, 2, 19}, {1, 1, 4, 4}};
  uint32_t seed = 42;
  for (DType dtype : kAllDTypes)
    for (Op op : {Op::kShuffle, Op::kUnshuffle})
      for (ShuffleOrder order : {ShuffleOrder::kCRD, ShuffleOrder::kDCR})
        for (const auto& f : std::vector<std::pair<int, int>>{{2, 2}, {2, 3}, {1, 1}})
          for (const Shape& base : bases) {
            const Shape in_shape = input_shape(op, base, f.first, f.second);
            const std::vector<uint32_t> bits =
                to_bits(random_values(dtype, in_shape.count(), seed++), dtype);
            const ShuffleOptions o = make_options(order, f.first, f.second);
            for (const auto& p : pairs) {
              INFO(dtype_str(dtype)
                   << " input " << mem_str(p.first) << " output " << mem_str(p.second) << " "
                   << options_str(op, o) << " input " << shape_str(in_shape));
              CHECK(check_shuffle(dtype, p.first, p.second, op, in_shape, bits, o) == "");
            }
          }
}

TEST_CASE("pixel shuffle copies every bit pattern (NaN payloads, infinities, -0, subnormals)",
          "[shuffle]") {
  // Quiet NaN with payload, signalling NaN, negative NaN, +inf, -inf, -0, smallest subnormal, 1.
  const std::vector<uint32_t> specials32 = {0x7fc12345u, 0x7f800001u, 0xffc00007u, 0x7f800000u,
                                            0xff800000u, 0x80000000u, 0x00000001u, 0x3f800000u};
  const std::vector<uint32_t> specials16 = {0x7e01u, 0x7c01u, 0xfe03u, 0x7c00u,
                                            0xfc00u, 0x8000u, 0x0001u, 0x3c00u};
  for (DType dtype : {DType::kFloat16, DType::kFloat32}) {
    const std::vector<uint32_t>& specials = dtype == DType::kFloat16 ? specials16 : specials32;
    for (Op op : {Op::kShuffle, Op::kUnshuffle}) {
      for (ShuffleOrder order : {ShuffleOrder::kCRD, ShuffleOrder::kDCR}) {
        for (const auto& f : std::vector<std::pair<int, int>>{{2, 2}, {2, 3}, {1, 2}}) {
          const Shape in_shape = input_shape(op, Shape{1, 3, 2, 3}, f.first, f.second);
          // Every element special, in an order that differs between neighbouring channels.
          std::vector<uint32_t> bits(static_cast<size_t>(in_shape.count()));
          for (size_t i = 0; i < bits.size(); ++i) bits[i] = specials[(i * 5 + i / 7) % 8];
          const ShuffleOptions o = make_options(order, f.first, f.second);
          for (Mem mem : kAllMems) {
            INFO(dtype_str(dtype) << " " << mem_str(mem) << " " << options_str(op, o));
            CHECK(check_shuffle(dtype, mem, mem, op, in_shape, bits, o) == "");
          }
        }
      }
    }
  }
}

TEST_CASE("pixel_unshuffle(pixel_shuffle(x)) == x and the other way round", "[shuffle]") {
  const std::vector<Shape> bases = {{2, 3, 3, 5}, {1, 5, 2, 67}, {1, 1, 1, 1}};
  uint32_t seed = 7;
  for (DType dtype : kAllDTypes) {
    for (ShuffleOrder order : {ShuffleOrder::kCRD, ShuffleOrder::kDCR}) {
      for (const auto& f : kFactors) {
        const ShuffleOptions o = make_options(order, f.first, f.second);
        for (const Shape& base : bases) {
          for (Mem mem : kAllMems) {
            INFO(dtype_str(dtype) << " " << mem_str(mem) << " "
                                  << upsample_ref::to_string(to_ref(order)) << " factor " << f.first
                                  << "x" << f.second << " space " << shape_str(base));
            const Shape depth{base.n, base.c * f.first * f.second, base.h, base.w};
            const Shape space{base.n, base.c, base.h * f.first, base.w * f.second};
            // depth -> space -> depth
            {
              Buffer a = make_buffer(dtype, mem, depth);
              const std::vector<uint32_t> bits =
                  to_bits(random_values(dtype, depth.count(), seed++), dtype);
              a.fill_bits(bits);
              Buffer b = make_buffer(dtype, mem, space);
              Buffer c = make_buffer(dtype, mem, depth);
              const Status s1 = upsample::pixel_shuffle(a.view, b.view, o);
              INFO(s1.message());
              REQUIRE(s1.ok());
              const Status s2 = upsample::pixel_unshuffle(b.view, c.view, o);
              INFO(s2.message());
              REQUIRE(s2.ok());
              CHECK(c.read_bits() == bits);
              CHECK(c.check_canaries() == "");
            }
            // space -> depth -> space
            {
              Buffer a = make_buffer(dtype, mem, space);
              const std::vector<uint32_t> bits =
                  to_bits(random_values(dtype, space.count(), seed++), dtype);
              a.fill_bits(bits);
              Buffer b = make_buffer(dtype, mem, depth);
              Buffer c = make_buffer(dtype, mem, space);
              const Status s1 = upsample::pixel_unshuffle(a.view, b.view, o);
              INFO(s1.message());
              REQUIRE(s1.ok());
              const Status s2 = upsample::pixel_shuffle(b.view, c.view, o);
              INFO(s2.message());
              REQUIRE(s2.ok());
              CHECK(c.read_bits() == bits);
              CHECK(c.check_canaries() == "");
            }
          }
        }
      }
    }
  }
}

TEST_CASE("pixel shuffle: CRD and DCR differ exactly where the oracle says", "[shuffle]") {
  // With C = 1 or a 1x1 block the orders coincide; otherwise they must not.
  for (const auto& c : std::vector<std::pair<Shape, std::pair<int, int>>>{{{1, 1, 2, 3}, {2, 2}},
                                                                          {{1, 3, 2, 3}, {1, 1}},
                                                                          {{1, 3, 2, 3}, {2, 2}},
                                                                          {{1, 2, 2, 3}, {1, 2}}}) {
    const Shape& base = c.first;
    const int fh = c.second.first, fw = c.second.second;
    const Shape in_shape = input_shape(Op::kShuffle, base, fh, fw);
    const Shape out_shape = output_shape(Op::kShuffle, in_shape, fh, fw);
    Buffer in = make_buffer(DType::kFloat32, Mem::kNCHW, in_shape);
    std::vector<double> v(static_cast<size_t>(in_shape.count()));
    for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<double>(i);
    in.fill(v);
    Buffer crd = make_buffer(DType::kFloat32, Mem::kNCHW, out_shape);
    Buffer dcr = make_buffer(DType::kFloat32, Mem::kNCHW, out_shape);
    REQUIRE(
        upsample::pixel_shuffle(in.view, crd.view, make_options(ShuffleOrder::kCRD, fh, fw)).ok());
    REQUIRE(
        upsample::pixel_shuffle(in.view, dcr.view, make_options(ShuffleOrder::kDCR, fh, fw)).ok());
    const bool same = base.c == 1 || fh * fw == 1;
    INFO("space " << shape_str(base) << " factor " << fh << "x" << fw);
    CHECK((crd.read() == dcr.read()) == same);
    CHECK(crd.read() ==
          upsample_ref::pixel_shuffle(v, in_shape, fh, fw, upsample_ref::ShuffleOrder::kCRD));
    CHECK(dcr.read() ==
          upsample_ref::pixel_shuffle(v, in_shape, fh, fw, upsample_ref::ShuffleOrder::kDCR));
  }
}

// ---------------------------------------------------------------------------------------------
// Validation: a non-ok Status (kInvalidArgument or kOutOfRange) whose message names the problem,
// and the output left exactly as it was (the conventions of test_validation.cpp).

namespace {

void* fake_pointer() {
  return reinterpret_cast<void*>(uintptr_t{0x10000});
}

void check_rejected(const Status& st, const std::vector<unsigned char>& before, const Buffer& out,
                    std::initializer_list<const char*> words) {
  INFO("status " << upsample::status_code_name(st.code()) << ": \"" << st.message() << "\"");
  CHECK_FALSE(st.ok());
  CHECK((st.code() == StatusCode::kInvalidArgument || st.code() == StatusCode::kOutOfRange));
  CHECK(mentions_any(st.message(), words));
  const bool output_unchanged = out.snapshot() == before;
  CHECK(output_unchanged);
}

void rejected(Op op, const upsample::TensorView& in, const upsample::TensorView& out,
              const ShuffleOptions& o, const Buffer& out_buf,
              std::initializer_list<const char*> words) {
  INFO(options_str(op, o));
  const std::vector<unsigned char> before = out_buf.snapshot();
  check_rejected(run_op(op, in, out, o), before, out_buf, words);
}

// The shuffle fixture: depth (1, 8, 3, 4) <-> space (1, 2, 6, 8) with factors 2x2.
const Shape kDepth{1, 8, 3, 4};
const Shape kSpace{1, 2, 6, 8};

struct Fixture {
  Buffer in, out;
  Fixture(Op op, DType dtype = DType::kFloat32, Mem mem = Mem::kNCHW) {
    const Shape in_shape = op == Op::kShuffle ? kDepth : kSpace;
    const Shape out_shape = op == Op::kShuffle ? kSpace : kDepth;
    in = make_buffer(dtype, mem, in_shape);
    in.fill(random_values(dtype, in_shape.count(), 11));
    out = make_buffer(dtype, mem, out_shape);
  }
  Fixture(DType dtype, Mem mem, const Shape& in_shape, const Shape& out_shape) {
    in = make_buffer(dtype, mem, in_shape);
    in.fill(random_values(dtype, in_shape.count(), 11));
    out = make_buffer(dtype, mem, out_shape);
  }
};

#define KW_NULL \
  { "null", "pointer" }
#define KW_SHUFFLE_SIZE \
  { "shape", "size", "extent", "dimension", "factor", "channel", "divisible", "multiple" }

constexpr Op kOps[] = {Op::kShuffle, Op::kUnshuffle};

}  // namespace

TEST_CASE("shuffle validation: the fixtures themselves are accepted", "[shuffle][validation]") {
  for (Op op : kOps) {
    for (ShuffleOrder order : {ShuffleOrder::kCRD, ShuffleOrder::kDCR}) {
      Fixture f(op);
      const Status st = run_op(op, f.in.view, f.out.view, make_options(order, 2, 2));
      INFO(op_str(op) << ": " << st.message());
      CHECK(st.ok());
      CHECK(st.message().empty());
    }
    // The default options are CRD 2x2.
    Fixture f(op);
    CHECK(run_op(op, f.in.view, f.out.view, ShuffleOptions{}).ok());
  }
  const ShuffleOptions d;
  CHECK(d.factor_h == 2);
  CHECK(d.factor_w == 2);
  CHECK(d.order == ShuffleOrder::kCRD);
}

TEST_CASE("shuffle validation: null data pointers", "[shuffle][validation]") {
  for (Op op : kOps) {
    {
      Fixture f(op);
      f.in.view.data = nullptr;
      rejected(op, f.in.view, f.out.view, ShuffleOptions{}, f.out, KW_NULL);
    }
    {
      Fixture f(op);
      upsample::TensorView out = f.out.view;
      out.data = nullptr;
      rejected(op, f.in.view, out, ShuffleOptions{}, f.out, KW_NULL);
    }
  }
}

TEST_CASE("shuffle validation: factors below 1", "[shuffle][validation]") {
  for (Op op : kOps) {
    for (int bad : {0, -1, -2, std::numeric_limits<int>::min()}) {
      for (ShuffleOrder order : {ShuffleOrder::kCRD, ShuffleOrder::kDCR}) {
        INFO("factor " << bad);
        Fixture f(op);
        rejected(op, f.in.view, f.out.view, make_options(order, bad, 2), f.out, {"factor"});
        rejected(op, f.in.view, f.out.view, make_options(order, 2, bad), f.out, {"factor"});
        rejected(op, f.in.view, f.out.view, make_options(order, bad, bad), f.out, {"factor"});
      }
    }
  }
}

TEST_CASE("shuffle validation: order values outside the enum", "[shuffle][validation]") {
  for (Op op : kOps) {
    for (int bad : {2, -1, 99}) {
      INFO("order " << bad);
      Fixture f(op);
      ShuffleOptions o;
      o.order = static_cast<ShuffleOrder>(bad);
      rejected(op, f.in.view, f.out.view, o, f.out, {"order"});
    }
  }
  CHECK(upsample::shuffle_order_name(static_cast<ShuffleOrder>(42)) != nullptr);
  const std::string crd = upsample::shuffle_order_name(ShuffleOrder::kCRD);
  const std::string dcr = upsample::shuffle_order_name(ShuffleOrder::kDCR);
  CHECK(mentions_any(crd, {"crd"}));
  CHECK(mentions_any(dcr, {"dcr"}));
}

TEST_CASE("shuffle validation: pixel_shuffle output that does not match the factors",
          "[shuffle][validation]") {
  const ShuffleOptions o;  // 2x2
  SECTION("input channels not a multiple of fh * fw") {
    for (int64_t c : {int64_t{6}, int64_t{7}, int64_t{1}, int64_t{2}}) {
      INFO("input channels " << c);
      for (int64_t oc : {int64_t{1}, int64_t{2}}) {
        Fixture f(DType::kFloat32, Mem::kNCHW, {1, c, 3, 4}, {1, oc, 6, 8});
        rejected(Op::kShuffle, f.in.view, f.out.view, o, f.out, KW_SHUFFLE_SIZE);
      }
    }
    // 8 channels, factors 2x3 (8 % 6 != 0) and 3x3.
    Fixture f(DType::kFloat32, Mem::kNCHW, kDepth, {1, 1, 6, 12});
    rejected(Op::kShuffle, f.in.view, f.out.view, make_options(ShuffleOrder::kDCR, 2, 3), f.out,
             KW_SHUFFLE_SIZE);
    Fixture g(DType::kFloat32, Mem::kNCHW, kDepth, {1, 1, 9, 12});
    rejected(Op::kShuffle, g.in.view, g.out.view, make_options(ShuffleOrder::kCRD, 3, 3), g.out,
             KW_SHUFFLE_SIZE);
  }
  SECTION("output of the wrong shape") {
    for (const Shape& out : std::vector<Shape>{{1, 3, 6, 8},
                                               {1, 1, 6, 8},
                                               {1, 8, 6, 8},
                                               {1, 2, 7, 8},
                                               {1, 2, 6, 9},
                                               {1, 2, 5, 8},
                                               {1, 2, 3, 4},
                                               {1, 2, 12, 4}}) {
      INFO("output " << shape_str(out));
      Fixture f(DType::kFloat32, Mem::kNCHW, kDepth, out);
      rejected(Op::kShuffle, f.in.view, f.out.view, o, f.out, KW_SHUFFLE_SIZE);
    }
  }
  SECTION("factors that do not fit the fixture") {
    for (const auto& fw :
         std::vector<std::pair<int, int>>{{1, 1}, {4, 1}, {2, 1}, {1, 4}, {4, 2}}) {
      INFO("factor " << fw.first << "x" << fw.second);
      Fixture f(Op::kShuffle);
      rejected(Op::kShuffle, f.in.view, f.out.view,
               make_options(ShuffleOrder::kCRD, fw.first, fw.second), f.out, KW_SHUFFLE_SIZE);
    }
  }
}

TEST_CASE("shuffle validation: pixel_unshuffle input or output that does not match the factors",
          "[shuffle][validation]") {
  const ShuffleOptions o;  // 2x2
  SECTION("input height or width not a multiple of the factor") {
    for (const auto& io : std::vector<std::pair<Shape, Shape>>{{{1, 2, 5, 8}, {1, 8, 2, 4}},
                                                               {{1, 2, 5, 8}, {1, 8, 3, 4}},
                                                               {{1, 2, 6, 7}, {1, 8, 3, 3}},
                                                               {{1, 2, 6, 7}, {1, 8, 3, 4}},
                                                               {{1, 2, 1, 1}, {1, 8, 1, 1}}}) {
      INFO("input " << shape_str(io.first) << " output " << shape_str(io.second));
      Fixture f(DType::kFloat32, Mem::kNCHW, io.first, io.second);
      rejected(Op::kUnshuffle, f.in.view, f.out.view, o, f.out, KW_SHUFFLE_SIZE);
    }
    // 6x8 by 4x4 (6 % 4 != 0) and 3x3 (8 % 3 != 0).
    Fixture f(DType::kFloat32, Mem::kNCHW, kSpace, {1, 32, 1, 2});
    rejected(Op::kUnshuffle, f.in.view, f.out.view, make_options(ShuffleOrder::kDCR, 4, 4), f.out,
             KW_SHUFFLE_SIZE);
    Fixture g(DType::kFloat32, Mem::kNCHW, kSpace, {1, 18, 2, 2});
    rejected(Op::kUnshuffle, g.in.view, g.out.view, make_options(ShuffleOrder::kCRD, 3, 3), g.out,
             KW_SHUFFLE_SIZE);
  }
  SECTION("output of the wrong shape") {
    for (const Shape& out : std::vector<Shape>{{1, 2, 3, 4},
                                               {1, 4, 3, 4},
                                               {1, 9, 3, 4},
                                               {1, 8, 2, 4},
                                               {1, 8, 3, 5},
                                               {1, 8, 6, 8},
                                               {1, 8, 4, 3}}) {
      INFO("output " << shape_str(out));
      Fixture f(DType::kFloat32, Mem::kNCHW, kSpace, out);
      rejected(Op::kUnshuffle, f.in.view, f.out.view, o, f.out, KW_SHUFFLE_SIZE);
    }
  }
  SECTION("factors that do not fit the fixture") {
    for (const auto& fw : std::vector<std::pair<int, int>>{{1, 1}, {2, 1}, {1, 2}, {2, 4}}) {
      INFO("factor " << fw.first << "x" << fw.second);
      Fixture f(Op::kUnshuffle);
      rejected(Op::kUnshuffle, f.in.view, f.out.view,
               make_options(ShuffleOrder::kDCR, fw.first, fw.second), f.out, KW_SHUFFLE_SIZE);
    }
  }
}

TEST_CASE("shuffle validation: factors whose product overflows int are rejected, not divided by",
          "[shuffle][validation]") {
  // 65536 * 65536 wraps to 0 in 32-bit arithmetic, 46341^2 passes 2^31; 2^30 * 4 wraps to 0.
  for (Op op : kOps) {
    for (const auto& fw : std::vector<std::pair<int, int>>{
             {65536, 65536},
             {46341, 46341},
             {1 << 30, 4},
             {4, 1 << 30},
             {std::numeric_limits<int>::max(), 2},
             {std::numeric_limits<int>::max(), std::numeric_limits<int>::max()}}) {
      INFO(op_str(op) << " factor " << fw.first << "x" << fw.second);
      Fixture f(op);
      rejected(op, f.in.view, f.out.view, make_options(ShuffleOrder::kCRD, fw.first, fw.second),
               f.out,
               {"factor", "overflow", "too large", "exceed", "range", "shape", "size", "channel",
                "divisible", "multiple"});
    }
  }
}

TEST_CASE("shuffle validation: input and output must agree on N, dtype and layout",
          "[shuffle][validation]") {
  for (Op op : kOps) {
    const Shape in_shape = op == Op::kShuffle ? kDepth : kSpace;
    const Shape out_shape = op == Op::kShuffle ? kSpace : kDepth;
    INFO(op_str(op));
    SECTION(std::string("batch ") + op_str(op)) {
      Shape out2 = out_shape;
      out2.n = 2;
      Fixture f(DType::kFloat32, Mem::kNCHW, in_shape, out2);
      rejected(op, f.in.view, f.out.view, ShuffleOptions{}, f.out, {"batch", "along n"});
    }
    SECTION(std::string("dtype ") + op_str(op)) {
      Fixture f(op);
      Buffer out16 = make_buffer(DType::kFloat16, Mem::kNCHW, out_shape);
      rejected(op, f.in.view, out16.view, ShuffleOptions{}, out16, {"dtype"});
      Buffer in8 = make_buffer(DType::kUInt8, Mem::kNCHW, in_shape);
      Buffer out8 = make_buffer(DType::kUInt16, Mem::kNCHW, out_shape);
      rejected(op, in8.view, out8.view, ShuffleOptions{}, out8, {"dtype"});
    }
    SECTION(std::string("layout ") + op_str(op)) {
      Fixture f(op);
      Buffer out_nhwc = make_buffer(DType::kFloat32, Mem::kNHWC, out_shape);
      rejected(op, f.in.view, out_nhwc.view, ShuffleOptions{}, out_nhwc, {"layout"});
    }
    SECTION(std::string("unknown dtype and layout values ") + op_str(op)) {
      Fixture f(op);
      upsample::TensorView in = f.in.view, out = f.out.view;
      in.dtype = out.dtype = static_cast<DType>(9);
      rejected(op, in, out, ShuffleOptions{}, f.out, {"dtype"});
      in = f.in.view;
      out = f.out.view;
      in.layout = out.layout = static_cast<Layout>(7);
      rejected(op, in, out, ShuffleOptions{}, f.out, {"layout"});
    }
  }
}

TEST_CASE("shuffle validation: zero and negative sizes and strides", "[shuffle][validation]") {
  for (Op op : kOps) {
    for (int axis = 0; axis < 4; ++axis) {
      for (int64_t bad : {int64_t{0}, int64_t{-1}, int64_t{-4}}) {
        INFO(op_str(op) << " axis " << axis << " size " << bad);
        {
          Fixture f(op);
          f.in.view.shape[axis] = bad;
          rejected(op, f.in.view, f.out.view, ShuffleOptions{}, f.out, KW_SHUFFLE_SIZE);
        }
        {
          Fixture f(op);
          upsample::TensorView out = f.out.view;
          out.shape[axis] = bad;
          rejected(op, f.in.view, out, ShuffleOptions{}, f.out, KW_SHUFFLE_SIZE);
        }
      }
    }
    for (Mem mem : {Mem::kNCHW, Mem::kNHWC}) {
      for (int axis = 0; axis < 4; ++axis) {
        for (int64_t bad : {int64_t{0}, int64_t{-1}}) {
          INFO(op_str(op) << " " << mem_str(mem) << " axis " << axis << " stride " << bad);
          {
            Fixture f(op, DType::kFloat32, mem);
            f.in.view.strides[axis] = bad;
            rejected(op, f.in.view, f.out.view, ShuffleOptions{}, f.out, {"stride"});
          }
          {
            Fixture f(op, DType::kFloat32, mem);
            upsample::TensorView out = f.out.view;
            out.strides[axis] = bad;
            rejected(op, f.in.view, out, ShuffleOptions{}, f.out, {"stride"});
          }
        }
      }
    }
  }
}

TEST_CASE("shuffle validation: overlapping outputs, and input and output that overlap",
          "[shuffle][validation]") {
  for (Op op : kOps) {
    INFO(op_str(op));
    {
      // Output rows closer than a row: each row overlaps the next.
      Fixture f(op);
      upsample::TensorView out = f.out.view;
      out.strides[2] = out.shape[3] / 2;
      rejected(op, f.in.view, out, ShuffleOptions{}, f.out, {"overlap", "alias", "stride"});
    }
    {
      // Output channels at one address.
      Fixture f(op);
      upsample::TensorView out = f.out.view;
      out.strides[1] = out.strides[2];
      rejected(op, f.in.view, out, ShuffleOptions{}, f.out, {"overlap", "alias", "stride"});
    }
    {
      // One allocation holding both: the output view starts inside the input view.
      Buffer big = make_buffer(DType::kFloat32, Mem::kNCHW, {1, 8, 6, 8});
      upsample::TensorView in = big.view, out = big.view;
      const Shape in_shape = op == Op::kShuffle ? kDepth : kSpace;
      const Shape out_shape = op == Op::kShuffle ? kSpace : kDepth;
      const int64_t is[4] = {in_shape.n, in_shape.c, in_shape.h, in_shape.w};
      const int64_t os[4] = {out_shape.n, out_shape.c, out_shape.h, out_shape.w};
      for (int d = 0; d < 4; ++d) {
        in.shape[d] = is[d];
        out.shape[d] = os[d];
      }
      out.data = static_cast<float*>(big.view.data) + 9;
      rejected(op, in, out, ShuffleOptions{}, big, {"overlap", "alias"});
    }
  }
}

TEST_CASE("shuffle validation: sizes whose byte counts overflow are rejected before any access",
          "[shuffle][validation]") {
  const int64_t big = int64_t{1} << 31;
  for (Op op : kOps) {
    INFO(op_str(op));
    // A fake pointer with a huge shape: must be rejected without being read.
    upsample::TensorView in;
    in.data = fake_pointer();
    in.dtype = DType::kFloat32;
    in.layout = Layout::kNCHW;
    const int64_t shape[4] = {1, 4, big, big};
    for (int i = 0; i < 4; ++i) in.shape[i] = shape[i];
    in.strides[3] = 1;
    in.strides[2] = big;
    in.strides[1] = big * big;
    in.strides[0] = big * big;  // N = 1
    Buffer out = make_buffer(DType::kFloat32, Mem::kNCHW, {1, 1, 2, 2});
    rejected(op, in, out.view, ShuffleOptions{}, out,
             {"overflow", "too large", "exceed", "range", "shape", "size"});
  }
}
