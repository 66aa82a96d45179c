// upsample::unpool against the oracle (tests/reference/unpool_reference.h): both modes, factors
// (1,1) (2,2) (3,2) (4,4) (2,5) and more, every dtype and memory arrangement. Unpooling is a copy,
// so every output must be bit-exact.
#include <catch2/catch.hpp>

#include <cstring>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "reference/unpool_reference.h"
#include "tensor_utils.h"

using namespace upsample_test;
using upsample::UnpoolMode;
using upsample::UnpoolOptions;

namespace {

upsample_ref::UnpoolMode to_ref(UnpoolMode m) {
  return m == UnpoolMode::kNearest ? upsample_ref::UnpoolMode::kNearest
                                   : upsample_ref::UnpoolMode::kBedOfNails;
}

// Runs one unpool from NCHW input bits; "" when the output is bit-exact, the canaries are intact
// and the input was not written.
std::string check_unpool(DType dtype, Mem mem, const Shape& in_shape,
                         const std::vector<uint32_t>& in_bits, const UnpoolOptions& o) {
  Buffer in = make_buffer(dtype, mem, in_shape);
  in.fill_bits(in_bits);
  const std::vector<unsigned char> before = in.snapshot();
  const Shape out_shape{in_shape.n, in_shape.c, in_shape.h * o.factor_h, in_shape.w * o.factor_w};
  Buffer out = make_buffer(dtype, mem, out_shape);
  const upsample::Status st = upsample::unpool(in.view, out.view, o);
  if (!st.ok()) return std::string("unpool returned an error: ") + st.message();
  if (in.snapshot() != before) return "the input buffer was modified";
  const std::string canaries = out.check_canaries();
  if (!canaries.empty()) return canaries;

  // The oracle works on values; feed it the element index so that it says where each output comes
  // from (bed of nails zeros become the +0 pattern of the dtype).
  std::vector<double> index(in_bits.size());
  for (size_t i = 0; i < index.size(); ++i) index[i] = static_cast<double>(i) + 1.0;
  const std::vector<double> src =
      upsample_ref::unpool(index, in_shape, o.factor_h, o.factor_w, to_ref(o.mode));
  const std::vector<uint32_t> got = out.read_bits();
  int64_t bad = 0;
  std::ostringstream first;
  for (size_t i = 0; i < got.size(); ++i) {
    const uint32_t want = src[i] == 0.0 ? 0u : in_bits[static_cast<size_t>(src[i]) - 1];
    if (got[i] != want) {
      if (!bad)
        first << "first at " << index_str(out_shape, static_cast<int64_t>(i)) << ": got "
              << bits_to_value(got[i], dtype) << ", expected " << bits_to_value(want, dtype);
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
  for (double x : v) b.push_back(value_to_bits(x, dtype));
  return b;
}

// Both modes, each factor pair and shape, every memory arrangement, against the oracle.
void check_unpool_matrix(DType dtype, const std::vector<std::pair<int, int>>& factors,
                         const std::vector<Shape>& shapes, uint32_t seed) {
  for (UnpoolMode mode : {UnpoolMode::kNearest, UnpoolMode::kBedOfNails}) {
    for (const auto& f : factors) {
      for (const Shape& s : shapes) {
        const std::vector<uint32_t> bits = to_bits(random_values(dtype, s.count(), seed++), dtype);
        UnpoolOptions o;
        o.mode = mode;
        o.factor_h = f.first;
        o.factor_w = f.second;
        for (Mem mem : kAllMems) {
          INFO(dtype_str(dtype) << " " << mem_str(mem) << " "
                                << upsample_ref::to_string(to_ref(mode)) << " factor " << f.first
                                << "x" << f.second << " " << shape_str(s));
          CHECK(check_unpool(dtype, mem, s, bits, o) == "");
        }
      }
    }
  }
}

}  // namespace

TEST_CASE("unpool matches the oracle (both modes, factors, dtypes, layouts)", "[unpool]") {
  const std::vector<std::pair<int, int>> factors = {{1, 1}, {2, 2}, {3, 2}, {4, 4},
                                                    {2, 5}, {1, 3}, {5, 1}};
  const std::vector<Shape> shapes = {{1, 1, 1, 1},  {1, 3, 4, 4}, {2, 5, 7, 13}, {1, 64, 3, 2},
                                     {1, 4, 2, 33}, {3, 1, 5, 3}, {1, 2, 3, 7}};
  const DType dtype =
      GENERATE(values({DType::kUInt8, DType::kUInt16, DType::kFloat16, DType::kFloat32}));
  check_unpool_matrix(dtype, factors, shapes, 555);
}

TEST_CASE("unpool on larger images exercises the vector loops and their tails", "[unpool][wide]") {
  const std::vector<Shape> shapes = {
      {1, 3, 17, 67}, {2, 4, 9, 64}, {1, 1, 40, 129}, {1, 2, 21, 70}};
  // Every factor along W has its own code for 1 to 4; 5 and up read a table.
  const std::vector<std::pair<int, int>> factors = {{2, 2}, {3, 2}, {2, 3}, {4, 4}, {1, 1}, {2, 5}};
  for (DType dtype : kAllDTypes) check_unpool_matrix(dtype, factors, shapes, 77);
}

TEST_CASE("unpool copies every bit pattern (NaN, infinities, -0, subnormals)", "[unpool]") {
  uint32_t nan_payload = 0x7fc12345u, inf = 0x7f800000u, ninf = 0xff800000u, nzero = 0x80000000u,
           denorm = 0x00000001u;
  const std::vector<uint32_t> bits32 = {nan_payload, inf, ninf, nzero, denorm, 0x3f800000u};
  const std::vector<uint32_t> bits16 = {0x7e01u, 0x7c00u, 0xfc00u, 0x8000u, 0x0001u, 0x3c00u};
  const Shape s{1, 1, 2, 3};
  for (DType dtype : {DType::kFloat16, DType::kFloat32}) {
    for (UnpoolMode mode : {UnpoolMode::kNearest, UnpoolMode::kBedOfNails}) {
      UnpoolOptions o;
      o.mode = mode;
      o.factor_h = 2;
      o.factor_w = 3;
      for (Mem mem : kAllMems) {
        INFO(dtype_str(dtype) << " " << mem_str(mem) << " "
                              << upsample_ref::to_string(to_ref(mode)));
        CHECK(check_unpool(dtype, mem, s, dtype == DType::kFloat16 ? bits16 : bits32, o) == "");
      }
    }
  }
}
