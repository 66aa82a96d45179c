// upsample::max_pool2d / max_unpool2d / max_pool_output_length against the oracle
// (tests/reference/pool_reference.h, PyTorch's definitions): kernels 1-5 (square and not), strides
// 0 (= the kernel) to 3, padding 0 to kernel / 2, dilation 1-2, ceil_mode on and off, every value
// dtype, int64 and int32 indices, both index spaces (kPlane: PyTorch, kTensor: ONNX), every memory
// arrangement with canaries; ties (the first maximum wins), NaN (the last NaN of a window wins),
// -inf, padding that must never win; unpooling round trips, larger outputs, duplicate indices (the
// later element wins); and the validation of bad arguments. Pooling and unpooling move values, so
// every value must be bit-exact (a NaN only has to be a NaN) and every index exact.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "reference/pool_reference.h"
#include "tensor_utils.h"

using namespace upsample_test;
using upsample::IndexSpace;
using upsample::MaxPoolOptions;
using upsample::MaxUnpoolOptions;
using upsample::Status;
using upsample::StatusCode;

namespace {

constexpr DType kIndexDTypes[] = {DType::kInt64, DType::kInt32};
constexpr IndexSpace kSpaces[] = {IndexSpace::kPlane, IndexSpace::kTensor};

const double kNaN = std::numeric_limits<double>::quiet_NaN();
const double kInf = std::numeric_limits<double>::infinity();

upsample_ref::PoolIndexSpace to_ref(IndexSpace s) {
  return s == IndexSpace::kPlane ? upsample_ref::PoolIndexSpace::kPlane
                                 : upsample_ref::PoolIndexSpace::kTensor;
}

upsample_ref::PoolSpec to_ref(const MaxPoolOptions& o) {
  upsample_ref::PoolSpec s;
  s.kernel_h = o.kernel_h;
  s.kernel_w = o.kernel_w;
  s.stride_h = o.stride_h;
  s.stride_w = o.stride_w;
  s.padding_h = o.padding_h;
  s.padding_w = o.padding_w;
  s.dilation_h = o.dilation_h;
  s.dilation_w = o.dilation_w;
  s.ceil_mode = o.ceil_mode;
  s.space = to_ref(o.index_space);
  return s;
}

MaxPoolOptions make_options(int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw,
                            bool ceil_mode, IndexSpace space = IndexSpace::kPlane) {
  MaxPoolOptions o;
  o.kernel_h = kh;
  o.kernel_w = kw;
  o.stride_h = sh;
  o.stride_w = sw;
  o.padding_h = ph;
  o.padding_w = pw;
  o.dilation_h = dh;
  o.dilation_w = dw;
  o.ceil_mode = ceil_mode;
  o.index_space = space;
  return o;
}

std::string options_str(const MaxPoolOptions& o) {
  return upsample_ref::to_string(to_ref(o));
}

std::vector<uint32_t> to_bits(const std::vector<double>& v, DType dtype) {
  std::vector<uint32_t> b;
  b.reserve(v.size());
  for (double x : v) b.push_back(value_to_bits(x, dtype));
  return b;
}

std::vector<double> to_values(const std::vector<uint32_t>& bits, DType dtype) {
  std::vector<double> v;
  v.reserve(bits.size());
  for (uint32_t b : bits) v.push_back(bits_to_value(b, dtype));
  return v;
}

bool is_nan_bits(uint32_t bits, DType dtype) {
  return std::isnan(bits_to_value(bits, dtype));
}

// A value copied from `want`: the same bits, or any NaN for a NaN.
bool same_value(uint32_t got, uint32_t want, DType dtype) {
  return got == want || (is_nan_bits(want, dtype) && is_nan_bits(got, dtype));
}

// Values from a few levels only, so that most windows hold ties.
std::vector<double> few_levels(DType dtype, int64_t count, uint32_t seed, int levels) {
  std::mt19937 rng(seed);
  std::vector<double> v(static_cast<size_t>(count));
  for (double& x : v) {
    const int k = static_cast<int>(rng() % static_cast<uint32_t>(levels));
    x = (dtype == DType::kUInt8 || dtype == DType::kUInt16) ? 7.0 * k : 0.25 * (k - levels / 2);
  }
  return v;
}

// Runs max_pool2d on `in_bits` (NCHW), input, values and indices laid out as `mem`; "" when
// every value and index equals the oracle's, the canaries around both outputs are intact and the
// input was not written.
std::string check_pool(DType dtype, DType index_dtype, Mem mem, const Shape& in_shape,
                       const std::vector<uint32_t>& in_bits, const MaxPoolOptions& o) {
  const upsample_ref::PoolResult want =
      upsample_ref::max_pool2d(to_values(in_bits, dtype), in_shape, to_ref(o));
  Buffer in = make_buffer(dtype, mem, in_shape);
  in.fill_bits(in_bits);
  const std::vector<unsigned char> before = in.snapshot();
  Buffer values = make_buffer(dtype, mem, want.shape);
  Buffer indices = make_buffer(index_dtype, mem, want.shape);
  const Status st = upsample::max_pool2d(in.view, values.view, indices.view, o);
  if (!st.ok()) return "max_pool2d returned an error: " + st.message();
  if (in.snapshot() != before) return "the input buffer was modified";
  std::string canaries = values.check_canaries();
  if (!canaries.empty()) return "values: " + canaries;
  canaries = indices.check_canaries();
  if (!canaries.empty()) return "indices: " + canaries;
  const std::vector<uint32_t> got_v = values.read_bits();
  const std::vector<int64_t> got_i = indices.read_ints();
  int64_t bad = 0;
  std::ostringstream first;
  first.precision(9);
  for (size_t i = 0; i < got_v.size(); ++i) {
    const int64_t src = want.source[i];
    if (src < 0) return "the oracle found an empty window (a test that should have been skipped)";
    const uint32_t want_bits = in_bits[static_cast<size_t>(src)];
    if (same_value(got_v[i], want_bits, dtype) && got_i[i] == want.indices[i]) continue;
    if (!bad)
      first << "first at " << index_str(want.shape, static_cast<int64_t>(i)) << ": got value "
            << bits_to_value(got_v[i], dtype) << " index " << got_i[i] << ", expected value "
            << bits_to_value(want_bits, dtype) << " index " << want.indices[i] << " (input "
            << index_str(in_shape, src) << ")";
    ++bad;
  }
  if (!bad) return "";
  std::ostringstream os;
  os << bad << " of " << got_v.size() << " outputs wrong; " << first.str();
  return os.str();
}

// The parameter space: kernels 1-5 (square and not) x strides (0 = kernel, 1-3, mixed) x padding
// (none, half the kernel, one axis only) x ceil_mode; dilation cycles through 1x1, 2x2, 1x2, 2x1.
std::vector<MaxPoolOptions> pool_configs() {
  const std::vector<std::pair<int, int>> kernels = {{1, 1}, {2, 2}, {3, 3}, {2, 3}, {3, 2}, {4, 4},
                                                    {5, 5}, {1, 3}, {5, 2}, {4, 1}, {3, 5}};
  const std::vector<std::pair<int, int>> strides = {{0, 0}, {1, 1}, {2, 2}, {3, 3}, {2, 1}, {1, 3}};
  const std::vector<std::pair<int, int>> dilations = {{1, 1}, {2, 2}, {1, 2}, {2, 1}};
  std::vector<MaxPoolOptions> configs;
  size_t d = 0;
  for (const auto& k : kernels) {
    std::vector<std::pair<int, int>> paddings = {{0, 0}};
    if (k.first / 2 > 0 || k.second / 2 > 0) paddings.push_back({k.first / 2, k.second / 2});
    if (k.first / 2 > 0 && k.second / 2 > 0) paddings.push_back({k.first / 2, 0});
    if (k.first / 2 > 1) paddings.push_back({1, k.second / 2});
    for (const auto& s : strides)
      for (const auto& p : paddings)
        for (bool ceil_mode : {false, true}) {
          const auto& dil = dilations[d++ % dilations.size()];
          configs.push_back(make_options(k.first, k.second, s.first, s.second, p.first, p.second,
                                         dil.first, dil.second, ceil_mode));
        }
  }
  return configs;
}

// Whether the oracle accepts the configuration for this shape and every window holds a position
// inside the input (see pool_has_empty_window: PyTorch outputs -inf there; pool.h rejects it).
bool usable(const Shape& s, const MaxPoolOptions& o) {
  const upsample_ref::PoolSpec spec = to_ref(o);
  return upsample_ref::pool_spec_error(s, spec).empty() &&
         !upsample_ref::pool_has_empty_window(s, spec);
}

// Every configuration on every shape, every memory arrangement; index dtype and space cycle so
// that each arrangement sees each of the four combinations across the configurations.
int check_pool_matrix(DType dtype, const std::vector<MaxPoolOptions>& configs,
                      const std::vector<Shape>& shapes, uint32_t seed) {
  int checked = 0;
  size_t combo = 0;
  for (const MaxPoolOptions& base : configs) {
    for (const Shape& s : shapes) {
      if (!usable(s, base)) continue;
      const std::vector<uint32_t> bits = to_bits(random_values(dtype, s.count(), seed++), dtype);
      for (Mem mem : kAllMems) {
        MaxPoolOptions o = base;
        const DType index_dtype = kIndexDTypes[combo % 2];
        o.index_space = kSpaces[(combo / 2) % 2];
        ++combo;
        INFO(dtype_str(dtype) << " " << mem_str(mem) << " " << options_str(o) << " indices "
                              << dtype_str(index_dtype) << " input " << shape_str(s));
        CHECK(check_pool(dtype, index_dtype, mem, s, bits, o) == "");
        ++checked;
      }
    }
  }
  return checked;
}

// The first position of window o inside an axis of length `length`, by hand.
int64_t first_inside(int64_t o, int stride, int padding, int dilation) {
  const int64_t start = o * stride - padding;
  if (start >= 0) return start;
  return start + ((-start + dilation - 1) / dilation) * dilation;
}

// Runs max_unpool2d; "" when the output is bit-exact against the oracle (fed element numbers so
// that it says which input each output copies), the canaries intact, input and indices unwritten.
std::string check_unpool(DType dtype, DType index_dtype, Mem mem, const Shape& in_shape,
                         const std::vector<uint32_t>& in_bits, const std::vector<int64_t>& idx,
                         int64_t out_h, int64_t out_w, IndexSpace space) {
  std::vector<double> number(in_bits.size());
  for (size_t i = 0; i < number.size(); ++i) number[i] = static_cast<double>(i) + 1.0;
  const std::vector<double> src =
      upsample_ref::max_unpool2d(number, idx, in_shape, out_h, out_w, to_ref(space));
  Buffer in = make_buffer(dtype, mem, in_shape);
  in.fill_bits(in_bits);
  Buffer indices = make_buffer(index_dtype, mem, in_shape);
  indices.fill_ints(idx);
  const std::vector<unsigned char> in_before = in.snapshot(), idx_before = indices.snapshot();
  const Shape out_shape{in_shape.n, in_shape.c, out_h, out_w};
  Buffer out = make_buffer(dtype, mem, out_shape);
  MaxUnpoolOptions o;
  o.index_space = space;
  const Status st = upsample::max_unpool2d(in.view, indices.view, out.view, o);
  if (!st.ok()) return "max_unpool2d returned an error: " + st.message();
  if (in.snapshot() != in_before) return "the input buffer was modified";
  if (indices.snapshot() != idx_before) return "the indices buffer was modified";
  const std::string canaries = out.check_canaries();
  if (!canaries.empty()) return canaries;
  const std::vector<uint32_t> got = out.read_bits();
  int64_t bad = 0;
  std::ostringstream first;
  for (size_t i = 0; i < got.size(); ++i) {
    // Zeros are the +0 pattern of every dtype.
    const uint32_t want = src[i] == 0.0 ? 0u : in_bits[static_cast<size_t>(src[i]) - 1];
    if (got[i] == want) continue;
    if (!bad) {
      first << "first at " << index_str(out_shape, static_cast<int64_t>(i)) << ": got bits 0x"
            << std::hex << got[i] << ", expected 0x" << want << std::dec;
      if (src[i] != 0.0)
        first << " from input " << index_str(in_shape, static_cast<int64_t>(src[i]) - 1);
      else
        first << " (no index names it)";
    }
    ++bad;
  }
  if (!bad) return "";
  std::ostringstream os;
  os << bad << " of " << got.size() << " outputs wrong; " << first.str();
  return os.str();
}

// Random indices into planes of out_h x out_w (kPlane numbering), with duplicates: positions are
// drawn from a range of about half the elements of the input.
std::vector<int64_t> random_plane_indices(const Shape& in, int64_t out_h, int64_t out_w,
                                          uint32_t seed) {
  std::mt19937 rng(seed);
  const int64_t plane = out_h * out_w;
  std::vector<int64_t> idx(static_cast<size_t>(in.count()));
  const int64_t range = std::max<int64_t>(1, std::min<int64_t>(plane, in.h * in.w / 2 + 1));
  for (size_t i = 0; i < idx.size(); ++i) {
    // Every third index anywhere in the plane (its last element included), the rest in a small
    // range so that planes hold duplicates.
    idx[i] = i % 3 == 0 ? static_cast<int64_t>(rng() % static_cast<uint32_t>(plane))
                        : static_cast<int64_t>(rng() % static_cast<uint32_t>(range));
    if (i % 17 == 5) idx[i] = plane - 1;
  }
  return idx;
}

// kPlane -> kTensor numbering for an input of shape `in` unpooled into planes of `plane_size`.
std::vector<int64_t> plane_to_tensor(const std::vector<int64_t>& idx, const Shape& in,
                                     int64_t plane_size) {
  std::vector<int64_t> t(idx);
  const int64_t per_plane = in.h * in.w;
  for (size_t i = 0; i < t.size(); ++i) t[i] += static_cast<int64_t>(i) / per_plane * plane_size;
  return t;
}

// ---------------------------------------------------------------------------------------------
// Validation helpers (the conventions of test_validation.cpp).

void* fake_pointer() {
  return reinterpret_cast<void*>(uintptr_t{0x10000});
}

#define KW_NULL \
  { "null", "pointer" }
#define KW_SHAPE \
  { "shape", "size", "extent", "dimension", "length" }
#define KW_INDICES \
  { "indices", "index" }
#define KW_SPACE \
  { "index_space", "index space", "indexspace" }

void check_rejected(
    const Status& st,
    const std::vector<std::pair<const Buffer*, std::vector<unsigned char>>>& outputs,
    std::initializer_list<const char*> words) {
  INFO("status " << upsample::status_code_name(st.code()) << ": \"" << st.message() << "\"");
  CHECK_FALSE(st.ok());
  CHECK((st.code() == StatusCode::kInvalidArgument || st.code() == StatusCode::kOutOfRange));
  CHECK(mentions_any(st.message(), words));
  for (const auto& o : outputs) {
    const bool output_unchanged = o.first->snapshot() == o.second;
    CHECK(output_unchanged);
  }
}

// The pooling fixture: input (1, 2, 6, 8) -> values and indices (1, 2, 3, 4) with the defaults.
const Shape kPoolIn{1, 2, 6, 8};
const Shape kPoolOut{1, 2, 3, 4};

struct PoolFixture {
  Buffer in, values, indices;
  explicit PoolFixture(DType dtype = DType::kFloat32, DType index_dtype = DType::kInt64,
                       Mem mem = Mem::kNCHW, Shape in_shape = kPoolIn,
                       Shape values_shape = kPoolOut, Shape indices_shape = kPoolOut) {
    in = make_buffer(dtype, mem, in_shape);
    in.fill(random_values(dtype, in_shape.count(), 11));
    values = make_buffer(dtype, mem, values_shape);
    indices = make_buffer(index_dtype, mem, indices_shape);
  }
};

void pool_rejected(const upsample::TensorView& in, const upsample::TensorView& values,
                   const upsample::TensorView& indices, const MaxPoolOptions& o,
                   const PoolFixture& f, std::initializer_list<const char*> words) {
  INFO("max_pool2d " << options_str(o));
  const std::vector<unsigned char> v = f.values.snapshot(), i = f.indices.snapshot();
  check_rejected(upsample::max_pool2d(in, values, indices, o), {{&f.values, v}, {&f.indices, i}},
                 words);
}

void pool_rejected(const PoolFixture& f, const MaxPoolOptions& o,
                   std::initializer_list<const char*> words) {
  pool_rejected(f.in.view, f.values.view, f.indices.view, o, f, words);
}

// The unpooling fixture: input and indices (1, 2, 3, 4) -> output (1, 2, 6, 8); the indices are
// those of a 2x2 max pooling (valid).
const Shape kUnpoolIn{1, 2, 3, 4};
const Shape kUnpoolOut{1, 2, 6, 8};

std::vector<int64_t> fixture_indices(const Shape& in, int64_t out_w) {
  std::vector<int64_t> idx;
  for (int64_t n = 0; n < in.n; ++n)
    for (int64_t c = 0; c < in.c; ++c)
      for (int64_t h = 0; h < in.h; ++h)
        for (int64_t w = 0; w < in.w; ++w)
          idx.push_back((2 * h + (w + c) % 2) * out_w + 2 * w + (h + n) % 2);
  return idx;
}

struct UnpoolFixture {
  Buffer in, indices, out;
  explicit UnpoolFixture(DType dtype = DType::kFloat32, DType index_dtype = DType::kInt64,
                         Mem mem = Mem::kNCHW, Shape in_shape = kUnpoolIn,
                         Shape indices_shape = kUnpoolIn, Shape out_shape = kUnpoolOut) {
    in = make_buffer(dtype, mem, in_shape);
    in.fill(random_values(dtype, in_shape.count(), 12));
    indices = make_buffer(index_dtype, mem, indices_shape);
    if (index_dtype == DType::kInt32 || index_dtype == DType::kInt64) {
      if (indices_shape.count() == in_shape.count() && indices_shape.h == in_shape.h &&
          indices_shape.w == in_shape.w)
        indices.fill_ints(fixture_indices(indices_shape, out_shape.w));
      else
        indices.fill_ints(std::vector<int64_t>(static_cast<size_t>(indices_shape.count()), 0));
    }
    out = make_buffer(dtype, mem, out_shape);
  }
};

void unpool_rejected(const upsample::TensorView& in, const upsample::TensorView& indices,
                     const upsample::TensorView& out, const MaxUnpoolOptions& o,
                     const UnpoolFixture& f, std::initializer_list<const char*> words) {
  INFO("max_unpool2d index space " << static_cast<int>(o.index_space));
  const std::vector<unsigned char> before = f.out.snapshot();
  check_rejected(upsample::max_unpool2d(in, indices, out, o), {{&f.out, before}}, words);
}

void unpool_rejected(const UnpoolFixture& f, const MaxUnpoolOptions& o,
                     std::initializer_list<const char*> words) {
  unpool_rejected(f.in.view, f.indices.view, f.out.view, o, f, words);
}

// The integers written in a message, in order ("n=1, c=2" -> 1, 2).
std::vector<int64_t> integers_in(const std::string& m) {
  std::vector<int64_t> v;
  for (size_t i = 0; i < m.size();) {
    if (std::isdigit(static_cast<unsigned char>(m[i]))) {
      size_t j = i;
      int64_t x = 0;
      while (j < m.size() && std::isdigit(static_cast<unsigned char>(m[j])) && j - i < 18)
        x = x * 10 + (m[j++] - '0');
      v.push_back(x);
      i = j;
    } else {
      ++i;
    }
  }
  return v;
}

// Whether the message names element (n, c, h, w) of an input of shape s: its four coordinates in
// a row, or its flat NCHW position.
bool names_position(const std::string& m, const Shape& s, int64_t n, int64_t c, int64_t h,
                    int64_t w) {
  const std::vector<int64_t> v = integers_in(m);
  const int64_t flat = ((n * s.c + c) * s.h + h) * s.w + w;
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] == flat) return true;
    if (i + 3 < v.size() && v[i] == n && v[i + 1] == c && v[i + 2] == h && v[i + 3] == w)
      return true;
  }
  return false;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// The oracle itself, against outputs of PyTorch 1.13 (F.max_pool2d(return_indices=True),
// F.max_unpool2d) worked out by hand or copied from a torch session.

TEST_CASE("pool oracle: worked examples from PyTorch", "[pool][reference]") {
  using upsample_ref::PoolSpec;
  SECTION("output lengths") {
    using upsample_ref::pool_output_length;
    CHECK(pool_output_length(4, 2, 0, 0, 1, false) == 2);
    CHECK(pool_output_length(5, 2, 2, 0, 1, false) == 2);
    CHECK(pool_output_length(5, 2, 2, 0, 1, true) == 3);
    CHECK(pool_output_length(4, 3, 2, 1, 1, false) == 2);
    CHECK(pool_output_length(4, 3, 2, 1, 1, true) == 3);  // last window starts at 3 < 4 + 1
    CHECK(pool_output_length(5, 2, 2, 1, 1, true) == 3);  // 4 dropped: it would start at 5
    CHECK(pool_output_length(6, 3, 3, 1, 1, true) == 3);  // ceil(5/3)+1 = 3; 6 >= 6 + 1? no: 3
    CHECK(pool_output_length(1, 2, 0, 0, 1, true) == 1);  // ceil(-1/2)+1 = 1: torch gives 1x1
    CHECK(pool_output_length(1, 2, 3, 0, 2, true) == 1);  // ceil(-2/3)+1 = 1
    CHECK(pool_output_length(7, 3, 1, 0, 2, false) == 3);
    CHECK(pool_output_length(1, 2, 1, 1, 2, false) == 1);
    CHECK_THROWS(pool_output_length(2, 3, 1, 0, 1, false));
    CHECK_THROWS(pool_output_length(4, 0, 1, 0, 1, false));
  }
  SECTION("constant -1, kernel 3, stride 1, padding 1: the first position inside wins") {
    PoolSpec s;
    s.kernel_h = s.kernel_w = 3;
    s.stride_h = s.stride_w = 1;
    s.padding_h = s.padding_w = 1;
    const auto r = upsample_ref::max_pool2d(std::vector<double>(9, -1.0), Shape{1, 1, 3, 3}, s);
    CHECK(r.values == std::vector<double>(9, -1.0));
    CHECK(r.indices == std::vector<int64_t>{0, 0, 1, 0, 0, 1, 3, 3, 4});
  }
  SECTION("ceil_mode keeps a last window that starts inside the input") {
    PoolSpec s;
    s.kernel_h = s.kernel_w = 3;
    s.stride_h = s.stride_w = 2;
    s.padding_h = s.padding_w = 1;
    s.ceil_mode = true;
    const auto r = upsample_ref::max_pool2d(std::vector<double>(16, 2.0), Shape{1, 1, 4, 4}, s);
    CHECK(r.shape.h == 3);
    CHECK(r.indices == std::vector<int64_t>{0, 1, 3, 4, 5, 7, 12, 13, 15});
  }
  SECTION("NaN: the last NaN of a window wins") {
    PoolSpec s;
    s.kernel_h = 1;
    s.kernel_w = 4;
    auto r = upsample_ref::max_pool2d({1.0, kNaN, 2.0, kNaN}, Shape{1, 1, 1, 4}, s);
    CHECK(std::isnan(r.values[0]));
    CHECK(r.indices[0] == 3);
    r = upsample_ref::max_pool2d({kNaN, 1.0, kNaN, 2.0}, Shape{1, 1, 1, 4}, s);
    CHECK(std::isnan(r.values[0]));
    CHECK(r.indices[0] == 2);
  }
  SECTION("dilation 3 with padding 1") {
    PoolSpec s;
    s.kernel_h = s.kernel_w = 2;
    s.stride_h = s.stride_w = 1;
    s.padding_h = s.padding_w = 1;
    s.dilation_h = s.dilation_w = 3;
    std::vector<double> x(9);
    for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<double>(i);
    const auto r = upsample_ref::max_pool2d(x, Shape{1, 1, 3, 3}, s);
    CHECK(r.values == std::vector<double>{8, 6, 2, 0});
    CHECK(r.indices == std::vector<int64_t>{8, 6, 2, 0});
    // 1x1 input, kernel 2, dilation 2, padding 1: the window (-1, 1) holds no position.
    s.stride_h = s.stride_w = 1;
    s.dilation_h = s.dilation_w = 2;
    CHECK(upsample_ref::pool_has_empty_window(Shape{1, 1, 1, 1}, s));
    CHECK_FALSE(upsample_ref::pool_has_empty_window(Shape{1, 1, 3, 3}, s));
  }
  SECTION("kTensor indices count over the whole input") {
    PoolSpec s;  // 2x2
    s.space = upsample_ref::PoolIndexSpace::kTensor;
    std::vector<double> x(2 * 3 * 2 * 2);
    for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<double>(i % 5);
    const auto r = upsample_ref::max_pool2d(x, Shape{2, 3, 2, 2}, s);
    // Plane p holds elements 4p .. 4p + 3 of values i % 5: 0123 4012 3401 2340 1234 0123.
    CHECK(r.indices == std::vector<int64_t>{3, 4, 9, 14, 19, 23});
  }
  SECTION("max_unpool2d: the later of two equal indices wins, zeros elsewhere") {
    const auto out = upsample_ref::max_unpool2d({1, 2, 3, 4}, {1, 1, 0, 1}, Shape{1, 1, 1, 4}, 1, 8,
                                                upsample_ref::PoolIndexSpace::kPlane);
    CHECK(out == std::vector<double>{3, 4, 0, 0, 0, 0, 0, 0});
    CHECK_THROWS_AS(upsample_ref::max_unpool2d({1}, {8}, Shape{1, 1, 1, 1}, 2, 4,
                                               upsample_ref::PoolIndexSpace::kPlane),
                    std::out_of_range);
    // kTensor: plane 1 of (1, 2, 2, 2) holds 4..7; 3 lies in plane 0.
    CHECK_THROWS_AS(upsample_ref::max_unpool2d({1, 2}, {0, 3}, Shape{1, 2, 1, 1}, 2, 2,
                                               upsample_ref::PoolIndexSpace::kTensor),
                    std::out_of_range);
    CHECK(upsample_ref::max_unpool2d({1, 2}, {0, 7}, Shape{1, 2, 1, 1}, 2, 2,
                                     upsample_ref::PoolIndexSpace::kTensor) ==
          std::vector<double>{1, 0, 0, 0, 0, 0, 0, 2});
  }
}

// ---------------------------------------------------------------------------------------------
// max_pool_output_length

TEST_CASE("max_pool_output_length follows PyTorch's formula", "[pool]") {
  int checked = 0, rejected_count = 0;
  for (int64_t len = 1; len <= 13; ++len)
    for (int k = 1; k <= 5; ++k)
      for (int s = 0; s <= 3; ++s)
        for (int p = 0; p <= k / 2; ++p)
          for (int d = 1; d <= 3; ++d)
            for (bool ceil_mode : {false, true}) {
              INFO("length " << len << " kernel " << k << " stride " << s << " padding " << p
                             << " dilation " << d << (ceil_mode ? " ceil_mode" : ""));
              int64_t want = -1;
              try {
                want = upsample_ref::pool_output_length(len, k, s, p, d, ceil_mode);
              } catch (const std::invalid_argument&) {
                want = -1;
              }
              // pool.h rejects a window made only of padding (PyTorch would return -inf there).
              upsample_ref::PoolSpec spec;
              spec.kernel_h = spec.kernel_w = k;
              spec.stride_h = spec.stride_w = s;
              spec.padding_h = spec.padding_w = p;
              spec.dilation_h = spec.dilation_w = d;
              spec.ceil_mode = ceil_mode;
              const bool empty_window =
                  want >= 0 && upsample_ref::pool_has_empty_window(Shape{1, 1, len, len}, spec);
              int64_t got = -12345;
              const Status st = upsample::max_pool_output_length(len, k, s, p, d, ceil_mode, &got);
              INFO(st.message());
              if (empty_window) {
                CHECK_FALSE(st.ok());
                CHECK(st.message().find("padding") != std::string::npos);
                CHECK(got == -12345);
              } else if (want < 0) {
                CHECK_FALSE(st.ok());
                CHECK(got == -12345);
                ++rejected_count;
              } else {
                CHECK(st.ok());
                CHECK(got == want);
              }
              ++checked;
            }
  CHECK(checked > 1000);
  CHECK(rejected_count > 0);
  // Hand values, and lengths far beyond 2^31.
  struct Row {
    int64_t len;
    int k, s, p, d;
    bool ceil_mode;
    int64_t want;
  };
  const Row rows[] = {{4, 3, 2, 1, 1, true, 3},
                      {4, 3, 2, 1, 1, false, 2},
                      {5, 2, 2, 1, 1, true, 3},
                      {5, 2, 2, 0, 1, true, 3},
                      {5, 2, 0, 0, 1, false, 2},
                      {7, 3, 1, 0, 2, false, 3},
                      {int64_t{1} << 40, 2, 0, 0, 1, false, int64_t{1} << 39},
                      {(int64_t{1} << 40) + 1, 3, 2, 1, 1, true, (int64_t{1} << 39) + 1}};
  for (const Row& r : rows) {
    INFO("length " << r.len << " kernel " << r.k << " stride " << r.s << " padding " << r.p
                   << " dilation " << r.d << (r.ceil_mode ? " ceil_mode" : ""));
    int64_t got = -1;
    const Status st =
        upsample::max_pool_output_length(r.len, r.k, r.s, r.p, r.d, r.ceil_mode, &got);
    INFO(st.message());
    CHECK(st.ok());
    CHECK(got == r.want);
    CHECK(got == upsample_ref::pool_output_length(r.len, r.k, r.s, r.p, r.d, r.ceil_mode));
  }
}

TEST_CASE("max_pool_output_length on bad input", "[pool][validation]") {
  struct Row {
    int64_t len;
    int k, s, p, d;
    std::initializer_list<const char*> words;
  };
  const int big = std::numeric_limits<int>::max();
  const Row rows[] = {
      {10, 0, 1, 0, 1, {"kernel"}},
      {10, -1, 1, 0, 1, {"kernel"}},
      {10, std::numeric_limits<int>::min(), 1, 0, 1, {"kernel"}},
      {10, 2, -1, 0, 1, {"stride"}},
      {10, 2, 1, -1, 1, {"padding"}},
      {10, 2, 1, 0, 0, {"dilation"}},
      {10, 2, 1, 0, -2, {"dilation"}},
      {0, 2, 1, 0, 1, {"length", "size", "input"}},
      {-3, 2, 1, 0, 1, {"length", "size", "input"}},
      // Too long a window: the length would be below 1.
      {2, 3, 1, 0, 1, {"length", "size", "small", "kernel", "window", "output"}},
      {1, 2, 1, 0, 1, {"length", "size", "small", "kernel", "window", "output"}},
      {5, 3, 1, 0, 3, {"length", "size", "small", "kernel", "window", "output", "dilation"}},
      // dilation * (kernel - 1) overflows int: must not wrap into a valid length.
      {10,
       big,
       1,
       0,
       big,
       {"length", "size", "small", "kernel", "window", "output", "dilation", "overflow", "large",
        "range"}},
      {10,
       big,
       1,
       0,
       2,
       {"length", "size", "small", "kernel", "window", "output", "dilation", "overflow", "large",
        "range"}},
  };
  for (const Row& r : rows) {
    INFO("length " << r.len << " kernel " << r.k << " stride " << r.s << " padding " << r.p
                   << " dilation " << r.d);
    for (bool ceil_mode : {false, true}) {
      int64_t out = -12345;
      const Status st =
          upsample::max_pool_output_length(r.len, r.k, r.s, r.p, r.d, ceil_mode, &out);
      INFO("ceil_mode " << ceil_mode << ": " << upsample::status_code_name(st.code()) << " \""
                        << st.message() << "\"");
      CHECK_FALSE(st.ok());
      CHECK((st.code() == StatusCode::kInvalidArgument || st.code() == StatusCode::kOutOfRange));
      CHECK(mentions_any(st.message(), r.words));
      CHECK(out == -12345);
    }
  }
  const Status st = upsample::max_pool_output_length(10, 2, 2, 0, 1, false, nullptr);
  INFO(st.message());
  CHECK_FALSE(st.ok());
  CHECK(mentions_any(st.message(), KW_NULL));
}

// ---------------------------------------------------------------------------------------------
// max_pool2d against the oracle

TEST_CASE("max_pool2d matches the oracle (kernels, strides, padding, dilation, ceil_mode)",
          "[pool]") {
  // C = 1, 3, 5; batch > 1; odd sizes; a single row.
  const std::vector<Shape> shapes = {
      {1, 1, 7, 7}, {2, 3, 6, 9}, {1, 5, 5, 4}, {3, 1, 4, 11}, {1, 3, 1, 6}};
  const DType dtype =
      GENERATE(values({DType::kUInt8, DType::kUInt16, DType::kFloat16, DType::kFloat32}));
  const int checked = check_pool_matrix(dtype, pool_configs(), shapes, 1201);
  INFO(checked << " runs");
  CHECK(checked > 4000);
}

TEST_CASE("max_pool2d on wider images exercises the vector loops and their tails", "[pool][wide]") {
  const std::vector<Shape> shapes = {{1, 3, 5, 67}, {2, 1, 4, 67}, {1, 4, 3, 64}, {1, 5, 7, 33}};
  const std::vector<MaxPoolOptions> configs = {
      make_options(2, 2, 0, 0, 0, 0, 1, 1, false), make_options(2, 2, 0, 0, 0, 0, 1, 1, true),
      make_options(3, 3, 2, 2, 1, 1, 1, 1, false), make_options(3, 3, 2, 2, 1, 1, 1, 1, true),
      make_options(3, 3, 1, 1, 1, 1, 1, 1, false), make_options(2, 3, 1, 2, 1, 1, 2, 1, true),
      make_options(5, 5, 3, 3, 2, 2, 2, 2, true),  make_options(4, 4, 0, 0, 2, 1, 1, 2, false),
      make_options(1, 5, 1, 1, 0, 2, 1, 1, false), make_options(3, 2, 3, 1, 0, 1, 1, 1, true)};
  uint32_t seed = 77;
  for (DType dtype : kAllDTypes) {
    int checked = 0;
    for (const MaxPoolOptions& base : configs)
      for (const Shape& s : shapes) {
        if (!usable(s, base)) continue;
        const std::vector<uint32_t> bits = to_bits(random_values(dtype, s.count(), seed++), dtype);
        for (Mem mem : kAllMems)
          for (DType index_dtype : kIndexDTypes)
            for (IndexSpace space : kSpaces) {
              MaxPoolOptions o = base;
              o.index_space = space;
              INFO(dtype_str(dtype) << " " << mem_str(mem) << " " << options_str(o) << " indices "
                                    << dtype_str(index_dtype) << " input " << shape_str(s));
              CHECK(check_pool(dtype, index_dtype, mem, s, bits, o) == "");
              ++checked;
            }
      }
    CHECK(checked > 500);
  }
}

TEST_CASE("max_pool2d: every index dtype and space on every arrangement", "[pool]") {
  const std::vector<MaxPoolOptions> configs = {make_options(2, 2, 0, 0, 0, 0, 1, 1, false),
                                               make_options(3, 3, 2, 2, 1, 1, 1, 1, true),
                                               make_options(3, 2, 1, 2, 1, 1, 2, 1, false)};
  const std::vector<Shape> shapes = {{2, 3, 5, 7}, {1, 4, 6, 6}};
  uint32_t seed = 3;
  for (DType dtype : kAllDTypes)
    for (const MaxPoolOptions& base : configs)
      for (const Shape& s : shapes) {
        const std::vector<uint32_t> bits = to_bits(random_values(dtype, s.count(), seed++), dtype);
        for (Mem mem : kAllMems)
          for (DType index_dtype : kIndexDTypes)
            for (IndexSpace space : kSpaces) {
              MaxPoolOptions o = base;
              o.index_space = space;
              INFO(dtype_str(dtype) << " " << mem_str(mem) << " " << options_str(o) << " indices "
                                    << dtype_str(index_dtype) << " input " << shape_str(s));
              CHECK(check_pool(dtype, index_dtype, mem, s, bits, o) == "");
            }
      }
}

TEST_CASE(
    "max_pool2d: kTensor indices are the kPlane ones plus the plane offset; stride 0 is "
    "the kernel",
    "[pool]") {
  const Shape s{2, 3, 7, 6};
  for (DType dtype : kAllDTypes) {
    for (const MaxPoolOptions& base : {make_options(3, 2, 0, 0, 1, 1, 1, 1, true),
                                       make_options(2, 3, 0, 0, 0, 1, 2, 1, false)}) {
      INFO(dtype_str(dtype) << " " << options_str(base));
      Buffer in = make_buffer(dtype, Mem::kNCHW, s);
      in.fill(random_values(dtype, s.count(), 99));
      const Shape out = upsample_ref::max_pool2d_shape(s, to_ref(base));
      std::vector<std::vector<int64_t>> idx;
      std::vector<std::vector<uint32_t>> vals;
      for (int variant = 0; variant < 3; ++variant) {
        MaxPoolOptions o = base;
        if (variant == 1) o.index_space = IndexSpace::kTensor;
        if (variant == 2) {  // the explicit stride equal to the kernel
          o.stride_h = o.kernel_h;
          o.stride_w = o.kernel_w;
        }
        Buffer v = make_buffer(dtype, Mem::kNCHW, out);
        Buffer i = make_buffer(DType::kInt64, Mem::kNCHW, out);
        const Status st = upsample::max_pool2d(in.view, v.view, i.view, o);
        INFO(st.message());
        REQUIRE(st.ok());
        idx.push_back(i.read_ints());
        vals.push_back(v.read_bits());
      }
      CHECK(vals[0] == vals[1]);
      CHECK(vals[0] == vals[2]);
      CHECK(idx[0] == idx[2]);
      CHECK(plane_to_tensor(idx[0], out, s.h * s.w) == idx[1]);
    }
  }
}

TEST_CASE("max_pool2d ties: the first maximum in window order wins", "[pool]") {
  const std::vector<Shape> shapes = {{1, 1, 7, 7}, {2, 3, 5, 6}};
  std::vector<MaxPoolOptions> configs = pool_configs();
  SECTION("constant inputs: the first position inside the input, by hand") {
    for (DType dtype : kAllDTypes) {
      for (double value : {0.0, 3.0}) {
        for (const MaxPoolOptions& base : configs) {
          for (const Shape& s : shapes) {
            if (!usable(s, base)) continue;
            for (IndexSpace space : kSpaces) {
              MaxPoolOptions o = base;
              o.index_space = space;
              const Shape out = upsample_ref::max_pool2d_shape(s, to_ref(o));
              const Mem mem = space == IndexSpace::kPlane ? Mem::kNCHW : Mem::kNHWCCrop;
              INFO(dtype_str(dtype) << " " << mem_str(mem) << " value " << value << " "
                                    << options_str(o) << " input " << shape_str(s));
              Buffer in = make_buffer(dtype, mem, s);
              in.fill(std::vector<double>(static_cast<size_t>(s.count()), value));
              Buffer v = make_buffer(dtype, mem, out);
              Buffer i = make_buffer(DType::kInt64, mem, out);
              const Status st = upsample::max_pool2d(in.view, v.view, i.view, o);
              INFO(st.message());
              REQUIRE(st.ok());
              const std::vector<double> got_v = v.read();
              const std::vector<int64_t> got_i = i.read_ints();
              const int sh = o.stride_h ? o.stride_h : o.kernel_h;
              const int sw = o.stride_w ? o.stride_w : o.kernel_w;
              int64_t bad = 0;
              std::string first;
              size_t k = 0;
              for (int64_t n = 0; n < out.n; ++n)
                for (int64_t c = 0; c < out.c; ++c)
                  for (int64_t y = 0; y < out.h; ++y)
                    for (int64_t x = 0; x < out.w; ++x, ++k) {
                      const int64_t ih = first_inside(y, sh, o.padding_h, o.dilation_h);
                      const int64_t iw = first_inside(x, sw, o.padding_w, o.dilation_w);
                      int64_t want = ih * s.w + iw;
                      if (space == IndexSpace::kTensor) want += (n * s.c + c) * s.h * s.w;
                      if (got_i[k] != want || got_v[k] != value) {
                        if (!bad)
                          first = index_str(out, static_cast<int64_t>(k)) + ": index " +
                                  std::to_string(got_i[k]) + ", expected " + std::to_string(want);
                        ++bad;
                      }
                    }
              INFO(bad << " wrong, first at " << first);
              CHECK(bad == 0);
              CHECK(v.check_canaries() == "");
              CHECK(i.check_canaries() == "");
            }
          }
        }
      }
    }
  }
  SECTION("inputs of three levels: many ties, against the oracle") {
    uint32_t seed = 5;
    for (DType dtype : kAllDTypes) {
      size_t combo = 0;
      for (const MaxPoolOptions& base : configs)
        for (const Shape& s : shapes) {
          if (!usable(s, base)) continue;
          const std::vector<uint32_t> bits =
              to_bits(few_levels(dtype, s.count(), seed++, 3), dtype);
          const Mem mem = kAllMems[combo % 5];
          const DType index_dtype = kIndexDTypes[(combo / 5) % 2];
          MaxPoolOptions o = base;
          o.index_space = kSpaces[(combo / 10) % 2];
          ++combo;
          INFO(dtype_str(dtype) << " " << mem_str(mem) << " " << options_str(o) << " indices "
                                << dtype_str(index_dtype) << " input " << shape_str(s));
          CHECK(check_pool(dtype, index_dtype, mem, s, bits, o) == "");
        }
    }
  }
  SECTION("-0 before +0 (float): the first, -0, wins") {
    for (DType dtype : {DType::kFloat16, DType::kFloat32}) {
      const uint32_t neg_zero = dtype == DType::kFloat16 ? 0x8000u : 0x80000000u;
      const Shape s{1, 2, 2, 4};
      // Plane 0: -0 first in every window; plane 1: +0 first.
      std::vector<uint32_t> bits = {neg_zero, 0,        0, neg_zero, 0, 0, neg_zero, neg_zero, 0,
                                    neg_zero, neg_zero, 0, neg_zero, 0, 0, 0};
      for (Mem mem : kAllMems) {
        INFO(dtype_str(dtype) << " " << mem_str(mem));
        CHECK(check_pool(dtype, DType::kInt64, mem, s, bits, MaxPoolOptions{}) == "");
      }
    }
  }
}

TEST_CASE("max_pool2d NaN: a NaN is a maximum and the last NaN of a window wins", "[pool]") {
  const std::vector<Shape> shapes = {{1, 1, 7, 7}, {2, 3, 5, 6}};
  const std::vector<MaxPoolOptions> configs = pool_configs();
  for (DType dtype : {DType::kFloat16, DType::kFloat32}) {
    SECTION(std::string("hand examples ") + dtype_str(dtype)) {
      MaxPoolOptions o = make_options(1, 4, 0, 0, 0, 0, 1, 1, false);
      for (const auto& row :
           std::vector<std::pair<std::vector<double>, int64_t>>{{{1.0, kNaN, 2.0, kNaN}, 3},
                                                                {{kNaN, 1.0, kNaN, 2.0}, 2},
                                                                {{kNaN, 3.0, 2.0, 1.0}, 0},
                                                                {{-kInf, kNaN, kInf, 1.0}, 1},
                                                                {{kNaN, kNaN, kNaN, kNaN}, 3}}) {
        for (Mem mem : kAllMems) {
          Buffer in = make_buffer(dtype, mem, {1, 1, 1, 4});
          in.fill(row.first);
          Buffer v = make_buffer(dtype, mem, {1, 1, 1, 1});
          Buffer i = make_buffer(DType::kInt64, mem, {1, 1, 1, 1});
          const Status st = upsample::max_pool2d(in.view, v.view, i.view, o);
          std::ostringstream row_str;
          for (double e : row.first) row_str << " " << e;
          INFO(dtype_str(dtype) << " " << mem_str(mem) << " kernel 1x4 on" << row_str.str()
                                << ": expected NaN at index " << row.second << " " << st.message());
          REQUIRE(st.ok());
          CHECK(std::isnan(v.read()[0]));
          CHECK(i.read_ints()[0] == row.second);
        }
      }
    }
    SECTION(std::string("random NaNs, against the oracle ") + dtype_str(dtype)) {
      uint32_t seed = 17;
      size_t combo = 0;
      for (const MaxPoolOptions& base : configs)
        for (const Shape& s : shapes) {
          if (!usable(s, base)) continue;
          std::vector<double> x = random_values(dtype, s.count(), seed);
          std::mt19937 rng(seed++);
          for (double& e : x) {
            const uint32_t r = rng() % 10;
            if (r < 3) e = kNaN;
            if (r == 3) e = -kInf;
            if (r == 4) e = kInf;
          }
          const std::vector<uint32_t> bits = to_bits(x, dtype);
          const Mem mem = kAllMems[combo % 5];
          const DType index_dtype = kIndexDTypes[(combo / 5) % 2];
          MaxPoolOptions o = base;
          o.index_space = kSpaces[(combo / 10) % 2];
          ++combo;
          INFO(dtype_str(dtype) << " " << mem_str(mem) << " " << options_str(o) << " indices "
                                << dtype_str(index_dtype) << " input " << shape_str(s));
          CHECK(check_pool(dtype, index_dtype, mem, s, bits, o) == "");
        }
    }
  }
}

TEST_CASE("max_pool2d with -inf and with negative inputs: padding never wins", "[pool]") {
  const std::vector<Shape> shapes = {{1, 1, 7, 7}, {2, 3, 5, 6}, {1, 1, 1, 3}};
  std::vector<MaxPoolOptions> padded;
  for (const MaxPoolOptions& o : pool_configs())
    if (o.padding_h > 0 || o.padding_w > 0) padded.push_back(o);
  REQUIRE(padded.size() > 50);
  SECTION("all -inf: the first position inside the input, value -inf") {
    for (DType dtype : {DType::kFloat16, DType::kFloat32}) {
      size_t combo = 0;
      for (const MaxPoolOptions& base : padded)
        for (const Shape& s : shapes) {
          if (!usable(s, base)) continue;
          const std::vector<uint32_t> bits =
              to_bits(std::vector<double>(static_cast<size_t>(s.count()), -kInf), dtype);
          const Mem mem = kAllMems[combo % 5];
          MaxPoolOptions o = base;
          o.index_space = kSpaces[(combo / 5) % 2];
          ++combo;
          INFO(dtype_str(dtype) << " " << mem_str(mem) << " " << options_str(o) << " input "
                                << shape_str(s));
          CHECK(check_pool(dtype, DType::kInt64, mem, s, bits, o) == "");
        }
    }
  }
  SECTION("negative values (float) and zeros (unsigned) next to the padding") {
    uint32_t seed = 23;
    for (DType dtype : kAllDTypes) {
      size_t combo = 0;
      for (const MaxPoolOptions& base : padded)
        for (const Shape& s : shapes) {
          if (!usable(s, base)) continue;
          std::vector<double> x = random_values(dtype, s.count(), seed++);
          for (double& e : x) {
            if (dtype == DType::kUInt8 || dtype == DType::kUInt16)
              e = 0.0;
            else
              e = -std::fabs(e) - 0.5;
          }
          const std::vector<uint32_t> bits = to_bits(x, dtype);
          const Mem mem = kAllMems[combo % 5];
          const DType index_dtype = kIndexDTypes[(combo / 5) % 2];
          MaxPoolOptions o = base;
          o.index_space = kSpaces[(combo / 10) % 2];
          ++combo;
          INFO(dtype_str(dtype) << " " << mem_str(mem) << " " << options_str(o) << " indices "
                                << dtype_str(index_dtype) << " input " << shape_str(s));
          CHECK(check_pool(dtype, index_dtype, mem, s, bits, o) == "");
        }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// max_unpool2d

// Calls check(space, indices, index_dtype, mem) for both index spaces (the plane indices
// converted to each), both index dtypes and every memory arrangement.
template <typename Check>
void for_each_index_arrangement(const std::vector<int64_t>& plane_idx, const Shape& in,
                                int64_t plane_size, Check&& check) {
  for (IndexSpace space : kSpaces) {
    const std::vector<int64_t> idx =
        space == IndexSpace::kPlane ? plane_idx : plane_to_tensor(plane_idx, in, plane_size);
    for (DType index_dtype : kIndexDTypes)
      for (Mem mem : kAllMems) check(space, idx, index_dtype, mem);
  }
}

TEST_CASE("max_unpool2d matches the oracle (output sizes, duplicate indices, dtypes, layouts)",
          "[pool][unpool]") {
  struct Case {
    Shape in;
    int64_t out_h, out_w;
  };
  // The default size (the pooling input's), larger and smaller ones, planes of a single element.
  const std::vector<Case> cases = {
      {{1, 1, 2, 3}, 4, 6},  {{2, 3, 3, 4}, 6, 8},  {{1, 5, 3, 3}, 7, 8},
      {{2, 1, 4, 5}, 9, 11}, {{1, 3, 2, 2}, 3, 3},  {{1, 2, 4, 4}, 2, 3},
      {{1, 1, 1, 1}, 1, 1},  {{3, 2, 1, 7}, 1, 15}, {{1, 3, 5, 67}, 10, 134}};
  uint32_t seed = 31;
  for (DType dtype : kAllDTypes) {
    for (const Case& c : cases) {
      const std::vector<uint32_t> bits = to_bits(random_values(dtype, c.in.count(), seed), dtype);
      const std::vector<int64_t> plane_idx = random_plane_indices(c.in, c.out_h, c.out_w, seed++);
      for_each_index_arrangement(
          plane_idx, c.in, c.out_h * c.out_w,
          [&](IndexSpace space, const std::vector<int64_t>& idx, DType index_dtype, Mem mem) {
            INFO(dtype_str(dtype) << " " << mem_str(mem) << " index space "
                                  << upsample::index_space_name(space) << " indices "
                                  << dtype_str(index_dtype) << " input " << shape_str(c.in)
                                  << " output " << c.out_h << "x" << c.out_w);
            CHECK(check_unpool(dtype, index_dtype, mem, c.in, bits, idx, c.out_h, c.out_w, space) ==
                  "");
          });
    }
  }
}

TEST_CASE("max_unpool2d: when two elements name one position the later one wins",
          "[pool][unpool]") {
  // Every element of a plane names position 2: the last element's value must be there.
  const Shape s{2, 3, 2, 3};
  for (DType dtype : kAllDTypes)
    for (IndexSpace space : kSpaces)
      for (DType index_dtype : kIndexDTypes)
        for (Mem mem : kAllMems) {
          INFO(dtype_str(dtype) << " " << mem_str(mem) << " " << upsample::index_space_name(space)
                                << " " << dtype_str(index_dtype));
          std::vector<double> x(static_cast<size_t>(s.count()));
          for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<double>(i % 6 + 1);
          std::vector<int64_t> idx(x.size(), 2);
          if (space == IndexSpace::kTensor) idx = plane_to_tensor(idx, s, 4 * 5);
          CHECK(check_unpool(dtype, index_dtype, mem, s, to_bits(x, dtype), idx, 4, 5, space) ==
                "");
          // And by hand: position 2 of each plane holds 6, the rest 0.
          Buffer in = make_buffer(dtype, mem, s);
          in.fill(x);
          Buffer ib = make_buffer(index_dtype, mem, s);
          ib.fill_ints(idx);
          Buffer out = make_buffer(dtype, mem, {2, 3, 4, 5});
          MaxUnpoolOptions o;
          o.index_space = space;
          REQUIRE(upsample::max_unpool2d(in.view, ib.view, out.view, o).ok());
          const std::vector<double> got = out.read();
          for (size_t i = 0; i < got.size(); ++i) CHECK(got[i] == (i % 20 == 2 ? 6.0 : 0.0));
        }
}

TEST_CASE("max_unpool2d copies every bit pattern (NaN payloads, infinities, -0, subnormals)",
          "[pool][unpool]") {
  const std::vector<uint32_t> specials32 = {0x7fc12345u, 0x7f800001u, 0xffc00007u, 0x7f800000u,
                                            0xff800000u, 0x80000000u, 0x00000001u, 0x3f800000u};
  const std::vector<uint32_t> specials16 = {0x7e01u, 0x7c01u, 0xfe03u, 0x7c00u,
                                            0xfc00u, 0x8000u, 0x0001u, 0x3c00u};
  const Shape s{1, 3, 2, 4};
  for (DType dtype : {DType::kFloat16, DType::kFloat32}) {
    const std::vector<uint32_t>& sp = dtype == DType::kFloat16 ? specials16 : specials32;
    std::vector<uint32_t> bits(static_cast<size_t>(s.count()));
    for (size_t i = 0; i < bits.size(); ++i) bits[i] = sp[(i * 5 + i / 7) % 8];
    // A permutation of each plane into a 3 x 4 output plane (4 positions stay 0).
    std::vector<int64_t> idx(bits.size());
    for (size_t i = 0; i < idx.size(); ++i) idx[i] = static_cast<int64_t>((i % 8) * 5 % 12);
    for (IndexSpace space : kSpaces)
      for (Mem mem : kAllMems) {
        INFO(dtype_str(dtype) << " " << mem_str(mem) << " " << upsample::index_space_name(space));
        const std::vector<int64_t> id =
            space == IndexSpace::kPlane ? idx : plane_to_tensor(idx, s, 12);
        CHECK(check_unpool(dtype, DType::kInt32, mem, s, bits, id, 3, 4, space) == "");
      }
  }
}

TEST_CASE("max_unpool2d(max_pool2d(x)) keeps exactly the maxima at their positions",
          "[pool][unpool]") {
  // Non-overlapping windows (stride = kernel, no padding, dilation 1): each window's maximum goes
  // back where it came from, every other element becomes 0.
  const std::vector<std::pair<int, int>> kernels = {{1, 1}, {2, 2}, {3, 3}, {2, 3}, {4, 1}, {1, 5}};
  const std::vector<Shape> shapes = {{1, 1, 6, 6}, {2, 3, 7, 9}, {1, 5, 4, 67}};
  uint32_t seed = 41;
  for (DType dtype : kAllDTypes)
    for (const auto& k : kernels)
      for (bool ceil_mode : {false, true})
        for (const Shape& s : shapes) {
          const MaxPoolOptions base =
              make_options(k.first, k.second, 0, 0, 0, 0, 1, 1, ceil_mode, IndexSpace::kPlane);
          if (!usable(s, base)) continue;
          // Distinct nonzero values where the dtype allows, so that no maximum reads as 0.
          std::vector<double> x = random_values(dtype, s.count(), seed++);
          for (double& e : x)
            if (e == 0.0) e = 1.0;
          const std::vector<uint32_t> bits = to_bits(x, dtype);
          for (IndexSpace space : kSpaces)
            for (DType index_dtype : kIndexDTypes)
              for (Mem mem : {Mem::kNCHW, Mem::kNHWCCrop, Mem::kNHWCWindow}) {
                MaxPoolOptions o = base;
                o.index_space = space;
                INFO(dtype_str(dtype) << " " << mem_str(mem) << " " << options_str(o) << " indices "
                                      << dtype_str(index_dtype) << " input " << shape_str(s));
                const Shape out = upsample_ref::max_pool2d_shape(s, to_ref(o));
                Buffer in = make_buffer(dtype, mem, s);
                in.fill_bits(bits);
                Buffer v = make_buffer(dtype, mem, out);
                Buffer i = make_buffer(index_dtype, mem, out);
                Status st = upsample::max_pool2d(in.view, v.view, i.view, o);
                INFO(st.message());
                REQUIRE(st.ok());
                Buffer back = make_buffer(dtype, mem, s);
                MaxUnpoolOptions u;
                u.index_space = space;
                st = upsample::max_unpool2d(v.view, i.view, back.view, u);
                INFO(st.message());
                REQUIRE(st.ok());
                CHECK(back.check_canaries() == "");
                // The positions the oracle names, per plane.
                const upsample_ref::PoolResult want = upsample_ref::max_pool2d(x, s, to_ref(o));
                std::vector<char> is_max(bits.size(), 0);
                for (int64_t src : want.source) is_max[static_cast<size_t>(src)] = 1;
                const std::vector<uint32_t> got = back.read_bits();
                int64_t bad = 0;
                std::string first;
                for (size_t e = 0; e < got.size(); ++e) {
                  const uint32_t expect = is_max[e] ? bits[e] : 0u;
                  if (got[e] != expect) {
                    if (!bad) first = index_str(s, static_cast<int64_t>(e));
                    ++bad;
                  }
                }
                INFO(bad << " wrong, first at " << first);
                CHECK(bad == 0);
                // Non-overlapping windows: each maximum is kept once, so as many nonzeros as
                // windows.
                int64_t kept = 0;
                for (uint32_t g : got) kept += g != 0u;
                CHECK(kept == out.count());
              }
        }
}

TEST_CASE("max_unpool2d into a larger output than the pooling input (PyTorch's output_size)",
          "[pool][unpool]") {
  // F.max_unpool2d(max_pool2d(x, 2, stride 2, ceil_mode), output_size = (H + 1, W + 1)): the
  // plane indices h * W + w now land at other (y, x) of the wider plane, exactly where the
  // oracle puts them.
  uint32_t seed = 61;
  for (DType dtype : kAllDTypes)
    for (const Shape& s : std::vector<Shape>{{1, 2, 5, 5}, {2, 3, 4, 7}})
      for (IndexSpace space : kSpaces)
        for (Mem mem : kAllMems) {
          INFO(dtype_str(dtype) << " " << mem_str(mem) << " " << upsample::index_space_name(space)
                                << " " << shape_str(s));
          const MaxPoolOptions o = make_options(2, 2, 0, 0, 0, 0, 1, 1, true, IndexSpace::kPlane);
          const std::vector<double> x = random_values(dtype, s.count(), seed++);
          const upsample_ref::PoolResult p = upsample_ref::max_pool2d(x, s, to_ref(o));
          const int64_t out_h = s.h + 1, out_w = s.w + 1;
          std::vector<double> v(p.values);
          const std::vector<int64_t> idx = space == IndexSpace::kPlane
                                               ? p.indices
                                               : plane_to_tensor(p.indices, p.shape, out_h * out_w);
          CHECK(check_unpool(dtype, DType::kInt64, mem, p.shape, to_bits(v, dtype), idx, out_h,
                             out_w, space) == "");
        }
}

TEST_CASE("max_unpool2d gathers by windows exactly when every index lies in its own window",
          "[pool][unpool]") {
  // The windows are ceil(output / input) along each axis, cut at the output's edge. Where every
  // index lies in its element's window the call runs the gather (max_unpool_windows_*), else the
  // scatter; both must agree with the oracle, which knows nothing of windows. Indices are drawn
  // at random inside the windows, then some cases move one index out of its window.
  struct Case {
    const char* what;
    Shape in;
    int64_t out_h, out_w;
    bool gathered;
    // Element (n, c, y, x) of `in` moved to plane index `to` (-1: none).
    int64_t moved_element, to;
  };
  const std::vector<Case> cases = {
      {"2x2 windows", {2, 3, 5, 7}, 10, 14, true, -1, -1},
      {"ceil_mode sizes: the last windows cut at the edges", {1, 2, 4, 5}, 7, 9, true, -1, -1},
      {"3x1 windows", {1, 2, 3, 4}, 9, 4, true, -1, -1},
      {"1x1 windows (output size = input size)", {1, 2, 3, 4}, 3, 4, true, -1, -1},
      {"4-row windows, the tallest the check tests", {1, 2, 2, 3}, 8, 3, true, -1, -1},
      // Element 0's index moved to its window's fifth row (plane index 4 * 3).
      {"5-row windows: not tested, so scattered", {1, 2, 2, 3}, 10, 3, false, 0, 12},
      // Element 8 of the first plane is (y 1, x 1); plane index 2 * 14 + 4 is in the window of
      // (1, 2), element 9, which is later and wins if it names the same position.
      {"an index in its neighbour's window: scattered", {2, 3, 5, 7}, 10, 14, false, 8, 2 * 14 + 4},
      // Element 3 is (y 0, x 3), whose window is column 6 of rows 0-1 (cut at width 7); plane
      // index 7 is one column past it, which is the first pixel of row 1, in element 0's window.
      {"an index one past its cut window's right edge: scattered", {1, 1, 3, 4}, 6, 7, false, 3, 7},
  };
  uint32_t seed = 71;
  for (const Case& k : cases) {
    const int64_t window_h = (k.out_h + k.in.h - 1) / k.in.h;
    const int64_t window_w = (k.out_w + k.in.w - 1) / k.in.w;
    std::mt19937 rng(seed++);
    std::vector<int64_t> plane_idx(static_cast<size_t>(k.in.count()));
    size_t e = 0;
    for (int64_t n = 0; n < k.in.n; n++)
      for (int64_t c = 0; c < k.in.c; c++)
        for (int64_t y = 0; y < k.in.h; y++)
          for (int64_t x = 0; x < k.in.w; x++, e++) {
            const int64_t rows = std::min(window_h, k.out_h - y * window_h);
            const int64_t columns = std::min(window_w, k.out_w - x * window_w);
            const int64_t dy = static_cast<int64_t>(rng() % static_cast<uint32_t>(rows));
            const int64_t dx = static_cast<int64_t>(rng() % static_cast<uint32_t>(columns));
            plane_idx[e] = (y * window_h + dy) * k.out_w + x * window_w + dx;
          }
    if (k.moved_element >= 0) plane_idx[static_cast<size_t>(k.moved_element)] = k.to;
    for (DType dtype : kAllDTypes) {
      std::vector<double> x = random_values(dtype, k.in.count(), seed++);
      for (double& v : x)
        if (v == 0.0) v = 1.0;  // so that a lost value cannot pass for a zero
      const std::vector<uint32_t> bits = to_bits(x, dtype);
      for_each_index_arrangement(
          plane_idx, k.in, k.out_h * k.out_w,
          [&](IndexSpace space, const std::vector<int64_t>& idx, DType index_dtype, Mem mem) {
            INFO(k.what << ": " << dtype_str(dtype) << " " << mem_str(mem) << " "
                        << upsample::index_space_name(space) << " " << dtype_str(index_dtype));
            CHECK(check_unpool(dtype, index_dtype, mem, k.in, bits, idx, k.out_h, k.out_w, space) ==
                  "");
            const std::string variant = upsample::last_kernel_variant();
            INFO("variant " << variant);
            CHECK((variant.find("max_unpool_windows_") != std::string::npos) == k.gathered);
          });
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Validation: a non-ok Status (kInvalidArgument or kOutOfRange) whose message names the problem,
// and every output left exactly as it was (the conventions of test_validation.cpp).

TEST_CASE("pool validation: the fixtures themselves are accepted", "[pool][validation]") {
  for (DType index_dtype : kIndexDTypes) {
    PoolFixture f(DType::kFloat32, index_dtype);
    const Status st = upsample::max_pool2d(f.in.view, f.values.view, f.indices.view, {});
    INFO(st.message());
    CHECK(st.ok());
    CHECK(st.message().empty());
    UnpoolFixture u(DType::kFloat32, index_dtype);
    const Status su = upsample::max_unpool2d(u.in.view, u.indices.view, u.out.view, {});
    INFO(su.message());
    CHECK(su.ok());
    CHECK(su.message().empty());
  }
  const MaxPoolOptions d;
  CHECK(d.kernel_h == 2);
  CHECK(d.kernel_w == 2);
  CHECK(d.stride_h == 0);
  CHECK(d.stride_w == 0);
  CHECK(d.padding_h == 0);
  CHECK(d.padding_w == 0);
  CHECK(d.dilation_h == 1);
  CHECK(d.dilation_w == 1);
  CHECK_FALSE(d.ceil_mode);
  CHECK(d.index_space == IndexSpace::kPlane);
  CHECK(MaxUnpoolOptions{}.index_space == IndexSpace::kPlane);
  CHECK(upsample::dtype_size(DType::kInt32) == 4);
  CHECK(upsample::dtype_size(DType::kInt64) == 8);
  CHECK(mentions_any(upsample::dtype_name(DType::kInt32), {"int32"}));
  CHECK(mentions_any(upsample::dtype_name(DType::kInt64), {"int64"}));
  CHECK(mentions_any(upsample::index_space_name(IndexSpace::kPlane), {"plane"}));
  CHECK(mentions_any(upsample::index_space_name(IndexSpace::kTensor), {"tensor"}));
  CHECK(upsample::index_space_name(static_cast<IndexSpace>(42)) != nullptr);
}

TEST_CASE("pool validation: null data pointers", "[pool][validation]") {
  {
    PoolFixture f;
    upsample::TensorView in = f.in.view;
    in.data = nullptr;
    pool_rejected(in, f.values.view, f.indices.view, {}, f, KW_NULL);
  }
  {
    PoolFixture f;
    upsample::TensorView v = f.values.view;
    v.data = nullptr;
    pool_rejected(f.in.view, v, f.indices.view, {}, f, KW_NULL);
  }
  {
    PoolFixture f;
    upsample::TensorView i = f.indices.view;
    i.data = nullptr;
    pool_rejected(f.in.view, f.values.view, i, {}, f, KW_NULL);
  }
  for (int which = 0; which < 3; ++which) {
    UnpoolFixture f;
    upsample::TensorView in = f.in.view, idx = f.indices.view, out = f.out.view;
    (which == 0 ? in : which == 1 ? idx : out).data = nullptr;
    INFO("max_unpool2d null argument " << which);
    unpool_rejected(in, idx, out, {}, f, KW_NULL);
  }
}

TEST_CASE("pool validation: kernel, stride, padding and dilation", "[pool][validation]") {
  const int kMin = std::numeric_limits<int>::min();
  PoolFixture f;
  SECTION("kernel below 1") {
    for (int bad : {0, -1, kMin}) {
      pool_rejected(f, make_options(bad, 2, 0, 0, 0, 0, 1, 1, false), {"kernel"});
      pool_rejected(f, make_options(2, bad, 0, 0, 0, 0, 1, 1, false), {"kernel"});
      pool_rejected(f, make_options(2, bad, 2, 2, 0, 0, 1, 1, false), {"kernel"});
    }
  }
  SECTION("negative stride (0 is the kernel)") {
    for (int bad : {-1, -2, kMin}) {
      pool_rejected(f, make_options(2, 2, bad, 0, 0, 0, 1, 1, false), {"stride"});
      pool_rejected(f, make_options(2, 2, 2, bad, 0, 0, 1, 1, false), {"stride"});
    }
  }
  SECTION("dilation below 1") {
    for (int bad : {0, -1, kMin}) {
      pool_rejected(f, make_options(2, 2, 0, 0, 0, 0, bad, 1, false), {"dilation"});
      pool_rejected(f, make_options(2, 2, 0, 0, 0, 0, 1, bad, false), {"dilation"});
    }
  }
  SECTION("negative padding, and padding over half the kernel") {
    for (int bad : {-1, kMin}) {
      pool_rejected(f, make_options(2, 2, 0, 0, bad, 0, 1, 1, false), {"padding"});
      pool_rejected(f, make_options(2, 2, 0, 0, 0, bad, 1, 1, false), {"padding"});
    }
    // Outputs of the shape the formula would give if the padding were allowed, so that only
    // the padding is wrong.
    struct Row {
      int k, p;
    };
    for (const Row& r : {Row{1, 1}, Row{2, 2}, Row{3, 2}, Row{4, 3}, Row{5, 3}, Row{2, 100}}) {
      for (const auto& pad :
           {std::make_pair(r.p, 0), std::make_pair(0, r.p), std::make_pair(r.p, r.p)}) {
        INFO("kernel " << r.k << " padding " << pad.first << "x" << pad.second);
        const int64_t oh = upsample_ref::pool_output_length(6, r.k, 1, pad.first, 1, false);
        const int64_t ow = upsample_ref::pool_output_length(8, r.k, 1, pad.second, 1, false);
        PoolFixture g(DType::kFloat32, DType::kInt64, Mem::kNCHW, kPoolIn, {1, 2, oh, ow},
                      {1, 2, oh, ow});
        pool_rejected(g, make_options(r.k, r.k, 1, 1, pad.first, pad.second, 1, 1, false),
                      {"padding"});
      }
    }
  }
  SECTION("a window longer than the padded input") {
    PoolFixture g(DType::kFloat32, DType::kInt64, Mem::kNCHW, {1, 2, 2, 8}, {1, 2, 1, 4},
                  {1, 2, 1, 4});
    pool_rejected(g, make_options(3, 2, 0, 0, 0, 0, 1, 1, false),
                  {"shape", "size", "length", "small", "kernel", "window", "output"});
    pool_rejected(g, make_options(2, 2, 0, 0, 0, 0, 3, 1, true),
                  {"shape", "size", "length", "small", "kernel", "window", "output", "dilation"});
  }
  SECTION("index_space outside the enum") {
    for (int bad : {2, -1, 99}) {
      MaxPoolOptions o;
      o.index_space = static_cast<IndexSpace>(bad);
      pool_rejected(f, o, KW_SPACE);
    }
  }
}

TEST_CASE("pool validation: output shapes that do not match the formula", "[pool][validation]") {
  SECTION("values and indices both wrong") {
    for (const Shape& out : std::vector<Shape>{
             {1, 2, 3, 5}, {1, 2, 4, 4}, {1, 2, 2, 4}, {1, 2, 3, 3}, {1, 2, 6, 8}, {1, 2, 4, 5}}) {
      INFO("values and indices " << shape_str(out));
      PoolFixture f(DType::kFloat32, DType::kInt64, Mem::kNCHW, kPoolIn, out, out);
      pool_rejected(f, {}, KW_SHAPE);
    }
    // ceil_mode's shape with floor, and the other way round: input 7x9, kernel 2.
    PoolFixture f(DType::kFloat32, DType::kInt64, Mem::kNCHW, {1, 2, 7, 9}, {1, 2, 4, 5},
                  {1, 2, 4, 5});
    pool_rejected(f, make_options(2, 2, 0, 0, 0, 0, 1, 1, false), KW_SHAPE);
    PoolFixture g(DType::kFloat32, DType::kInt64, Mem::kNCHW, {1, 2, 7, 9}, {1, 2, 3, 4},
                  {1, 2, 3, 4});
    pool_rejected(g, make_options(2, 2, 0, 0, 0, 0, 1, 1, true), KW_SHAPE);
  }
  SECTION("batch and channels") {
    PoolFixture f(DType::kFloat32, DType::kInt64, Mem::kNCHW, kPoolIn, {2, 2, 3, 4}, {2, 2, 3, 4});
    pool_rejected(f, {}, {"batch", "along n", "shape"});
    PoolFixture g(DType::kFloat32, DType::kInt64, Mem::kNCHW, kPoolIn, {1, 3, 3, 4}, {1, 3, 3, 4});
    pool_rejected(g, {}, {"channel", "along c", "shape"});
  }
  SECTION("values and indices of different shapes") {
    for (const Shape& idx :
         std::vector<Shape>{{1, 2, 3, 5}, {1, 2, 2, 4}, {1, 1, 3, 4}, {2, 2, 3, 4}}) {
      INFO("indices " << shape_str(idx));
      PoolFixture f(DType::kFloat32, DType::kInt64, Mem::kNCHW, kPoolIn, kPoolOut, idx);
      pool_rejected(f, {}, {"shape", "size", "extent", "dimension", "indices", "channel", "batch"});
      PoolFixture g(DType::kFloat32, DType::kInt64, Mem::kNCHW, kPoolIn, idx, kPoolOut);
      pool_rejected(g, {}, {"shape", "size", "extent", "dimension", "values", "channel", "batch"});
    }
  }
  SECTION("zero and negative sizes") {
    for (int axis = 0; axis < 4; ++axis)
      for (int64_t bad : {int64_t{0}, int64_t{-1}}) {
        INFO("axis " << axis << " size " << bad);
        PoolFixture f;
        upsample::TensorView in = f.in.view, v = f.values.view, i = f.indices.view;
        in.shape[axis] = bad;
        pool_rejected(in, f.values.view, f.indices.view, {}, f, KW_SHAPE);
        v.shape[axis] = bad;
        pool_rejected(f.in.view, v, f.indices.view, {}, f, KW_SHAPE);
        i.shape[axis] = bad;
        pool_rejected(f.in.view, f.values.view, i, {}, f, KW_SHAPE);
      }
  }
  SECTION("zero and negative strides") {
    for (Mem mem : {Mem::kNCHW, Mem::kNHWC})
      for (int axis = 0; axis < 4; ++axis) {
        INFO(mem_str(mem) << " axis " << axis);
        PoolFixture f(DType::kFloat32, DType::kInt64, mem);
        upsample::TensorView in = f.in.view, v = f.values.view, i = f.indices.view;
        in.strides[axis] = -1;
        pool_rejected(in, f.values.view, f.indices.view, {}, f, {"stride"});
        v.strides[axis] = 0;
        pool_rejected(f.in.view, v, f.indices.view, {}, f, {"stride"});
        i.strides[axis] = -1;
        pool_rejected(f.in.view, f.values.view, i, {}, f, {"stride"});
      }
  }
}

TEST_CASE("pool validation: dtypes of values and indices", "[pool][validation]") {
  SECTION("indices that are not int32 or int64") {
    for (DType bad : {DType::kFloat32, DType::kUInt8, DType::kUInt16, DType::kFloat16}) {
      INFO("indices " << dtype_str(bad));
      PoolFixture f(DType::kFloat32, bad);
      pool_rejected(f, {}, KW_INDICES);
      UnpoolFixture u(DType::kFloat32, bad);
      unpool_rejected(u, {}, KW_INDICES);
    }
    PoolFixture f;
    upsample::TensorView i = f.indices.view;
    i.dtype = static_cast<DType>(9);
    pool_rejected(f.in.view, f.values.view, i, {}, f, {"indices", "index", "dtype"});
  }
  SECTION("values of another dtype than the input") {
    for (DType in_dtype : kAllDTypes)
      for (DType v_dtype : {DType::kUInt8, DType::kUInt16, DType::kFloat16, DType::kFloat32,
                            DType::kInt32, DType::kInt64}) {
        if (v_dtype == in_dtype) continue;
        INFO("input " << dtype_str(in_dtype) << " values " << dtype_str(v_dtype));
        PoolFixture f(in_dtype);
        Buffer v = make_buffer(v_dtype, Mem::kNCHW, kPoolOut);
        const std::vector<unsigned char> vb = v.snapshot(), ib = f.indices.snapshot();
        check_rejected(upsample::max_pool2d(f.in.view, v.view, f.indices.view, {}),
                       {{&v, vb}, {&f.indices, ib}}, {"dtype"});
        // unpool: output of another dtype than its input.
        UnpoolFixture u(in_dtype);
        Buffer out = make_buffer(v_dtype, Mem::kNCHW, kUnpoolOut);
        const std::vector<unsigned char> ob = out.snapshot();
        check_rejected(upsample::max_unpool2d(u.in.view, u.indices.view, out.view, {}),
                       {{&out, ob}}, {"dtype"});
      }
  }
  SECTION("index dtypes as the pooling input") {
    for (DType bad : {DType::kInt32, DType::kInt64}) {
      INFO("input " << dtype_str(bad));
      PoolFixture f(bad);
      pool_rejected(f, {}, {"dtype"});
    }
  }
}

TEST_CASE("unpool validation: shapes, enums", "[pool][validation]") {
  SECTION("indices of another shape than the input") {
    for (const Shape& idx :
         std::vector<Shape>{{1, 2, 3, 5}, {1, 2, 2, 4}, {1, 1, 3, 4}, {2, 2, 3, 4}, {1, 2, 4, 3}}) {
      INFO("indices " << shape_str(idx));
      UnpoolFixture u(DType::kFloat32, DType::kInt64, Mem::kNCHW, kUnpoolIn, idx);
      unpool_rejected(u, {}, {"shape", "size", "extent", "dimension", "indices"});
    }
  }
  SECTION("output of another batch or channel count") {
    for (const Shape& out : std::vector<Shape>{{2, 2, 6, 8}, {1, 3, 6, 8}, {1, 1, 6, 8}}) {
      INFO("output " << shape_str(out));
      UnpoolFixture u(DType::kFloat32, DType::kInt64, Mem::kNCHW, kUnpoolIn, kUnpoolIn, out);
      unpool_rejected(u, {}, {"batch", "along n", "channel", "along c", "shape"});
    }
  }
  SECTION("zero and negative sizes") {
    for (int axis = 0; axis < 4; ++axis)
      for (int64_t bad : {int64_t{0}, int64_t{-2}}) {
        INFO("axis " << axis << " size " << bad);
        UnpoolFixture u;
        upsample::TensorView in = u.in.view, idx = u.indices.view, out = u.out.view;
        in.shape[axis] = bad;
        idx.shape[axis] = bad;
        unpool_rejected(in, idx, u.out.view, {}, u, KW_SHAPE);
        out.shape[axis] = bad;
        unpool_rejected(u.in.view, u.indices.view, out, {}, u, KW_SHAPE);
      }
  }
  SECTION("index_space outside the enum") {
    for (int bad : {2, -1, 99}) {
      UnpoolFixture u;
      MaxUnpoolOptions o;
      o.index_space = static_cast<IndexSpace>(bad);
      unpool_rejected(u, o, KW_SPACE);
    }
  }
}

TEST_CASE("unpool validation: an index out of range names its position", "[pool][validation]") {
  // Input (2, 3, 4, 5) into (2, 3, 8, 10) planes of 80; the bad index sits at (1, 2, 2, 3), NCHW
  // element 113, after many valid ones: nothing may be written before it is found.
  const Shape in{2, 3, 4, 5}, out{2, 3, 8, 10};
  const int64_t plane = out.h * out.w;
  const int64_t bad_n = 1, bad_c = 2, bad_h = 2, bad_w = 3;
  const size_t bad_at = static_cast<size_t>(((bad_n * in.c + bad_c) * in.h + bad_h) * in.w + bad_w);
  REQUIRE(bad_at == 113);
  const std::vector<int64_t> good = fixture_indices(in, out.w);
  struct Row {
    IndexSpace space;
    int64_t index;
    const char* what;
  };
  const int64_t own = (bad_n * in.c + bad_c) * plane;  // start of the element's own plane
  const std::vector<Row> rows = {
      {IndexSpace::kPlane, -1, "negative"},
      {IndexSpace::kPlane, plane, "one past the plane"},
      {IndexSpace::kPlane, plane * 6, "past the whole output"},
      {IndexSpace::kPlane, int64_t{1} << 40, "2^40 (int64 only)"},
      {IndexSpace::kPlane, std::numeric_limits<int64_t>::min(), "int64 min (int64 only)"},
      {IndexSpace::kTensor, -1, "negative"},
      {IndexSpace::kTensor, own - 1, "the last element of the plane before"},
      {IndexSpace::kTensor, own + plane, "the first element of the plane after"},
      {IndexSpace::kTensor, 7, "inside plane 0"},
      {IndexSpace::kTensor, plane * 6, "past the whole output"},
      {IndexSpace::kTensor, int64_t{1} << 40, "2^40 (int64 only)"},
  };
  for (const Row& r : rows)
    for (DType index_dtype : kIndexDTypes) {
      if (index_dtype == DType::kInt32 && (r.index > std::numeric_limits<int32_t>::max() ||
                                           r.index < std::numeric_limits<int32_t>::min()))
        continue;
      for (Mem mem : {Mem::kNCHW, Mem::kNHWCCrop}) {
        INFO(upsample::index_space_name(r.space)
             << " " << dtype_str(index_dtype) << " " << mem_str(mem) << " index " << r.index << " ("
             << r.what << ")");
        UnpoolFixture u(DType::kFloat32, index_dtype, mem, in, in, out);
        std::vector<int64_t> idx =
            r.space == IndexSpace::kPlane ? good : plane_to_tensor(good, in, plane);
        idx[bad_at] = r.index;
        u.indices.fill_ints(idx);
        MaxUnpoolOptions o;
        o.index_space = r.space;
        const std::vector<unsigned char> before = u.out.snapshot();
        const Status st = upsample::max_unpool2d(u.in.view, u.indices.view, u.out.view, o);
        INFO("status " << upsample::status_code_name(st.code()) << ": \"" << st.message() << "\"");
        CHECK_FALSE(st.ok());
        CHECK((st.code() == StatusCode::kInvalidArgument || st.code() == StatusCode::kOutOfRange));
        CHECK(mentions_any(st.message(), {"index"}));
        CHECK(names_position(st.message(), in, bad_n, bad_c, bad_h, bad_w));
        const bool output_unchanged = u.out.snapshot() == before;
        CHECK(output_unchanged);
        // The same indices are valid in the other space only where they happen to be; the good
        // ones alone are accepted.
        UnpoolFixture ok(DType::kFloat32, index_dtype, mem, in, in, out);
        ok.indices.fill_ints(r.space == IndexSpace::kPlane ? good
                                                           : plane_to_tensor(good, in, plane));
        const Status st_ok = upsample::max_unpool2d(ok.in.view, ok.indices.view, ok.out.view, o);
        INFO(st_ok.message());
        CHECK(st_ok.ok());
      }
    }
}

TEST_CASE("unpool validation: a bad index is found in every vector lane and in the row's tail",
          "[pool][validation]") {
  // Rows of 37 indices span several vectors of the index check plus a tail; a bad index at each
  // of these columns must be found and named, and nothing written.
  const Shape in{1, 2, 3, 37}, out{1, 2, 6, 74};
  const std::vector<int64_t> good = fixture_indices(in, out.w);
  for (DType index_dtype : kIndexDTypes)
    for (Mem mem : {Mem::kNCHW, Mem::kNHWCCrop})
      for (int64_t bad_w : {0, 3, 7, 8, 15, 16, 31, 32, 36}) {
        INFO(dtype_str(index_dtype) << " " << mem_str(mem) << " bad column " << bad_w);
        UnpoolFixture u(DType::kFloat32, index_dtype, mem, in, in, out);
        std::vector<int64_t> idx = good;
        const int64_t bad_c = 1, bad_h = 2;
        idx[static_cast<size_t>((bad_c * in.h + bad_h) * in.w + bad_w)] = out.h * out.w;
        u.indices.fill_ints(idx);
        const std::vector<unsigned char> before = u.out.snapshot();
        const Status st = upsample::max_unpool2d(u.in.view, u.indices.view, u.out.view, {});
        INFO(st.message());
        CHECK(st.code() == StatusCode::kOutOfRange);
        CHECK(names_position(st.message(), in, 0, bad_c, bad_h, bad_w));
        const bool output_unchanged = u.out.snapshot() == before;
        CHECK(output_unchanged);
      }
}

TEST_CASE("unpool validation: kPlane indices read as kTensor and the other way round",
          "[pool][validation]") {
  // Plane indices of a later plane are too small for kTensor; tensor indices of any plane but
  // the first are too large for kPlane.
  const Shape in{1, 2, 3, 4}, out{1, 2, 6, 8};
  const std::vector<int64_t> plane_idx = fixture_indices(in, out.w);
  const std::vector<int64_t> tensor_idx = plane_to_tensor(plane_idx, in, out.h * out.w);
  for (DType index_dtype : kIndexDTypes) {
    {
      UnpoolFixture u(DType::kFloat32, index_dtype, Mem::kNCHW, in, in, out);
      u.indices.fill_ints(plane_idx);
      MaxUnpoolOptions o;
      o.index_space = IndexSpace::kTensor;
      unpool_rejected(u, o, {"index"});
    }
    {
      UnpoolFixture u(DType::kFloat32, index_dtype, Mem::kNCHW, in, in, out);
      u.indices.fill_ints(tensor_idx);
      unpool_rejected(u, MaxUnpoolOptions{}, {"index"});
    }
  }
}

TEST_CASE("pool validation: sizes whose byte counts overflow are rejected before any access",
          "[pool][validation]") {
  const int64_t big = int64_t{1} << 31;
  upsample::TensorView in;
  in.data = fake_pointer();
  in.dtype = DType::kFloat32;
  in.layout = upsample::Layout::kNCHW;
  const int64_t shape[4] = {1, 4, big, big};
  const int64_t strides[4] = {big * big, big * big, big, 1};  // N = 1
  for (int i = 0; i < 4; ++i) {
    in.shape[i] = shape[i];
    in.strides[i] = strides[i];
  }
  PoolFixture f;
  pool_rejected(in, f.values.view, f.indices.view, {}, f,
                {"overflow", "too large", "exceed", "range", "shape", "size"});
  UnpoolFixture u;
  upsample::TensorView out = in;
  out.shape[1] = 2;  // the fixture's channels
  unpool_rejected(u.in.view, u.indices.view, out, {}, u,
                  {"overflow", "too large", "exceed", "range", "shape", "size"});
}
