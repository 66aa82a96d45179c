// Golden vectors made by PyTorch and the ONNX reference implementation (tests/golden/*.json,
// written by tests/golden/make_golden.py), run through upsample::resize / upsample::unpool in NCHW
// and in NHWC. float32: abs 1e-5 + rel 1e-5; uint8: exact, or +/-1 where a case says
// "dtype_rounding".
//
// Optional annotations the generator adds (tests/golden/README.md):
//   "deviation": the source itself disagrees with the exact formulas under the recorded options
//     (e.g. the ONNX reference's align_corners uses in * scale instead of the output length, and
//     its pytorch_half_pixel maps an output of length 1 to -0.5). The library follows the formulas,
//     so such a case is checked against the oracle instead of its recorded output.
//   "near_boundary_outputs": flat output indices that float arithmetic may legitimately change: a
//     nearest pick close to a rounding boundary (then a pixel next to the exact pick is accepted),
//     or a uint8 value within 1e-3 of k + 0.5 (then +/-1). ("near_boundary": true, an older form,
//     marks every output.)
//   "dtype_rounding": uint8 outputs of a reference that does not round half to even: +/-1.
// Nearest outputs may also be any pixel the oracle accepts (tests/reference: only at exact
// rounding boundaries that float32 arithmetic cannot be relied on to hit).
#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "reference/pool_reference.h"
#include "reference/unpool_reference.h"
#include "tensor_utils.h"

#ifndef UPSAMPLE_GOLDEN_DIR
#error "UPSAMPLE_GOLDEN_DIR must name the directory holding the golden JSON files"
#endif

using namespace upsample_test;
using nlohmann::json;

namespace {

json load(const std::string& file) {
  const std::string path = std::string(UPSAMPLE_GOLDEN_DIR) + "/" + file;
  std::ifstream in(path);
  INFO("golden file " << path);
  if (!in) FAIL("golden file missing: " << path << " (made by tests/golden/make_golden.py)");
  json j;
  try {
    in >> j;
  } catch (const std::exception& e) {
    FAIL("golden file " << path << " is not valid JSON: " << e.what());
  }
  REQUIRE(j.contains("cases"));
  REQUIRE(j["cases"].is_array());
  REQUIRE(!j["cases"].empty());
  return j;
}

DType parse_dtype(const std::string& s) {
  if (s == "float32") return DType::kFloat32;
  if (s == "uint8") return DType::kUInt8;
  if (s == "uint16") return DType::kUInt16;
  if (s == "float16") return DType::kFloat16;
  FAIL("unknown dtype " << s);
  return DType::kFloat32;
}

upsample::ResizeMethod parse_method(const std::string& s) {
  if (s == "nearest") return upsample::ResizeMethod::kNearest;
  if (s == "bilinear" || s == "linear") return upsample::ResizeMethod::kBilinear;
  if (s == "bicubic" || s == "cubic") return upsample::ResizeMethod::kBicubic;
  FAIL("unknown method " << s);
  return upsample::ResizeMethod::kNearest;
}

upsample::CoordinateMode parse_coord(const std::string& s) {
  using upsample::CoordinateMode;
  if (s == "half_pixel") return CoordinateMode::kHalfPixel;
  if (s == "pytorch_half_pixel") return CoordinateMode::kPytorchHalfPixel;
  if (s == "align_corners") return CoordinateMode::kAlignCorners;
  if (s == "asymmetric") return CoordinateMode::kAsymmetric;
  if (s == "half_pixel_symmetric") return CoordinateMode::kHalfPixelSymmetric;
  FAIL("unknown coordinate_mode " << s);
  return CoordinateMode::kHalfPixel;
}

upsample::NearestMode parse_nearest(const std::string& s) {
  using upsample::NearestMode;
  if (s == "round_prefer_floor") return NearestMode::kRoundPreferFloor;
  if (s == "round_prefer_ceil") return NearestMode::kRoundPreferCeil;
  if (s == "floor") return NearestMode::kFloor;
  if (s == "ceil") return NearestMode::kCeil;
  FAIL("unknown nearest_mode " << s);
  return NearestMode::kFloor;
}

Shape parse_shape(const json& j) {
  REQUIRE(j.is_array());
  REQUIRE(j.size() == 4);
  return Shape{j[0].get<int64_t>(), j[1].get<int64_t>(), j[2].get<int64_t>(), j[3].get<int64_t>()};
}

std::vector<double> parse_values(const json& j, const Shape& s) {
  REQUIRE(j.is_array());
  REQUIRE(static_cast<int64_t>(j.size()) == s.count());
  std::vector<double> v;
  v.reserve(j.size());
  for (const json& x : j) v.push_back(x.get<double>());
  return v;
}

// Runs the operator on `input` laid out as `mem`; returns the NCHW output values, or a message.
template <typename Op>
bool run_op(DType dtype, Mem mem, const Shape& in_shape, const std::vector<double>& input,
            const Shape& out_shape, Op op, std::vector<double>* got, std::string* error) {
  Buffer in = make_buffer(dtype, mem, in_shape);
  in.fill(input);
  Buffer out = make_buffer(dtype, mem, out_shape);
  const upsample::Status st = op(in.view, out.view);
  if (!st.ok()) {
    *error = "returned an error: " + st.message();
    return false;
  }
  const std::string canaries = out.check_canaries();
  if (!canaries.empty()) {
    *error = canaries;
    return false;
  }
  *got = out.read();
  return true;
}

// What else a golden output element may be, besides the recorded value.
struct Leeway {
  bool loose_uint8 = false;               // +/-1 everywhere (dtype_rounding)
  std::vector<char> fragile;              // per output: near_boundary_outputs
  std::vector<std::vector<double>> also;  // per output: other acceptable values (nearest)
};

std::string compare_golden(const std::vector<double>& got, const std::vector<double>& want,
                           DType dtype, const Shape& out_shape, const Leeway& leeway) {
  int64_t bad = 0;
  std::ostringstream first;
  first.precision(9);
  for (size_t i = 0; i < want.size(); ++i) {
    const bool fragile = !leeway.fragile.empty() && leeway.fragile[i];
    bool ok;
    if (dtype == DType::kFloat32)
      ok = std::fabs(got[i] - want[i]) <= 1e-5 + 1e-5 * std::fabs(want[i]);
    else
      ok = (leeway.loose_uint8 || fragile) ? std::fabs(got[i] - want[i]) <= 1.0 : got[i] == want[i];
    if (!ok && !leeway.also.empty())
      for (double v : leeway.also[i]) ok = ok || got[i] == v;
    if (!ok) {
      if (!bad)
        first << "first at " << index_str(out_shape, static_cast<int64_t>(i)) << ": got " << got[i]
              << ", golden " << want[i];
      ++bad;
    }
  }
  if (!bad) return "";
  std::ostringstream os;
  os << bad << " of " << want.size() << " outputs differ; " << first.str();
  return os.str();
}

void run_resize_file(const std::string& file) {
  const json j = load(file);
  int checked = 0, against_oracle = 0;
  for (const json& c : j["cases"]) {
    const std::string name = c.value("name", std::string("(unnamed)"));
    INFO(file << " case " << name);
    REQUIRE(c.value("op", std::string()) == "resize");
    const DType dtype = parse_dtype(c.at("dtype").get<std::string>());
    upsample::ResizeOptions o;
    o.method = parse_method(c.at("method").get<std::string>());
    o.coordinate_mode = parse_coord(c.at("coordinate_mode").get<std::string>());
    if (c.contains("nearest_mode") && c["nearest_mode"].is_string())
      o.nearest_mode = parse_nearest(c["nearest_mode"].get<std::string>());
    if (c.contains("cubic_a") && c["cubic_a"].is_number()) o.cubic_a = c["cubic_a"].get<float>();
    if (c.contains("exclude_outside")) o.exclude_outside = c["exclude_outside"].get<bool>();
    if (c.contains("scale") && !c["scale"].is_null()) {
      REQUIRE(c["scale"].size() == 2);
      o.scale_h = c["scale"][0].get<double>();
      o.scale_w = c["scale"][1].get<double>();
    }
    const Shape in_shape = parse_shape(c.at("input_shape"));
    const Shape out_shape = parse_shape(c.at("output_shape"));
    REQUIRE(out_shape.n == in_shape.n);
    REQUIRE(out_shape.c == in_shape.c);
    const std::vector<double> input = parse_values(c.at("input"), in_shape);
    const std::vector<double> want = parse_values(c.at("output"), out_shape);
    const bool deviation = c.contains("deviation");
    Leeway leeway;
    leeway.loose_uint8 = c.contains("dtype_rounding");
    if (c.value("near_boundary", false)) leeway.fragile.assign(want.size(), 1);
    if (c.contains("near_boundary_outputs")) {
      leeway.fragile.assign(want.size(), 0);
      for (const json& k : c["near_boundary_outputs"]) {
        const int64_t idx = k.get<int64_t>();
        REQUIRE(idx >= 0);
        REQUIRE(idx < static_cast<int64_t>(want.size()));
        leeway.fragile[static_cast<size_t>(idx)] = 1;
      }
    }
    INFO("options " << options_str(o) << (deviation ? "; source deviates from the formulas: " : "")
                    << (deviation ? c["deviation"].get<std::string>() : std::string()));
    const ResizeExpectation e = expect_resize(input, in_shape, out_shape.h, out_shape.w, o);
    if (e.nearest) {
      // The oracle's candidates everywhere; at fragile outputs also the pixels next to its pick.
      leeway.also.resize(want.size());
      for (int64_t n = 0; n < out_shape.n; ++n)
        for (int64_t ch = 0; ch < out_shape.c; ++ch)
          for (int64_t y = 0; y < out_shape.h; ++y)
            for (int64_t x = 0; x < out_shape.w; ++x) {
              const size_t flat =
                  static_cast<size_t>(((n * out_shape.c + ch) * out_shape.h + y) * out_shape.w + x);
              const auto& ch_ = e.cand_h[static_cast<size_t>(y)];
              const auto& cw_ = e.cand_w[static_cast<size_t>(x)];
              const bool fragile = !leeway.fragile.empty() && leeway.fragile[flat];
              const int64_t r = fragile ? 1 : 0;
              for (int64_t yi : ch_)
                for (int64_t xi : cw_)
                  for (int64_t dy = -r; dy <= r; ++dy)
                    for (int64_t dx = -r; dx <= r; ++dx) {
                      const int64_t yy = std::min(std::max<int64_t>(yi + dy, 0), in_shape.h - 1);
                      const int64_t xx = std::min(std::max<int64_t>(xi + dx, 0), in_shape.w - 1);
                      leeway.also[flat].push_back(input[static_cast<size_t>(
                          ((n * in_shape.c + ch) * in_shape.h + yy) * in_shape.w + xx)]);
                    }
            }
    }
    for (Mem mem : {Mem::kNCHW, Mem::kNHWC}) {
      INFO(mem_str(mem));
      if (deviation) {
        CHECK(check_resize(dtype, mem, input, e, o) == "");
        continue;
      }
      std::vector<double> got;
      std::string error;
      const bool ran = run_op(
          dtype, mem, in_shape, input, out_shape,
          [&](const upsample::TensorView& i, const upsample::TensorView& out) {
            return upsample::resize(i, out, o);
          },
          &got, &error);
      CHECK(error == "");
      if (ran) CHECK(compare_golden(got, want, dtype, out_shape, leeway) == "");
    }
    ++checked;
    against_oracle += deviation ? 1 : 0;
  }
  INFO(file << ": " << checked << " cases, " << against_oracle << " checked against the oracle");
  CHECK(checked > 0);
}

}  // namespace

TEST_CASE("golden: resize matches PyTorch F.interpolate", "[golden][resize]") {
  run_resize_file("resize_pytorch.json");
}

TEST_CASE("golden: resize matches the ONNX reference Resize", "[golden][resize]") {
  run_resize_file("resize_onnx.json");
}

// A golden case of a copying operator (unpool, shuffle): run in NCHW and NHWC, compare exactly
// for every dtype (compared as integers are: no tolerance).
template <typename Op>
void check_copy_case(const json& c, DType dtype, Op&& op) {
  const Shape in_shape = parse_shape(c.at("input_shape"));
  const Shape out_shape = parse_shape(c.at("output_shape"));
  const std::vector<double> input = parse_values(c.at("input"), in_shape);
  const std::vector<double> want = parse_values(c.at("output"), out_shape);
  for (Mem mem : {Mem::kNCHW, Mem::kNHWC}) {
    INFO(mem_str(mem));
    std::vector<double> got;
    std::string error;
    const bool ran = run_op(dtype, mem, in_shape, input, out_shape, op, &got, &error);
    CHECK(error == "");
    if (ran) CHECK(compare_golden(got, want, DType::kUInt8, out_shape, Leeway{}) == "");
  }
}

TEST_CASE("golden: unpool matches PyTorch", "[golden][unpool]") {
  const json j = load("unpool_pytorch.json");
  int checked = 0;
  for (const json& c : j["cases"]) {
    const std::string name = c.value("name", std::string("(unnamed)"));
    INFO("unpool_pytorch.json case " << name);
    REQUIRE(c.value("op", std::string()) == "unpool");
    const DType dtype = parse_dtype(c.at("dtype").get<std::string>());
    upsample::UnpoolOptions o;
    const std::string mode = c.at("mode").get<std::string>();
    if (mode == "nearest") {
      o.mode = upsample::UnpoolMode::kNearest;
    } else if (mode == "bed_of_nails") {
      o.mode = upsample::UnpoolMode::kBedOfNails;
    } else {
      FAIL("unknown unpool mode " << mode);
    }
    REQUIRE(c.at("factor").size() == 2);
    o.factor_h = c["factor"][0].get<int>();
    o.factor_w = c["factor"][1].get<int>();
    check_copy_case(c, dtype, [&](const upsample::TensorView& i, const upsample::TensorView& out) {
      return upsample::unpool(i, out, o);
    });
    ++checked;
  }
  CHECK(checked > 0);
}

// shuffle_pytorch.json (make_golden.py shuffle): a copy, so exact for both dtypes, NCHW and NHWC.
TEST_CASE("golden: pixel shuffle matches PyTorch and the ONNX DepthToSpace / SpaceToDepth spec",
          "[golden][shuffle]") {
  const json j = load("shuffle_pytorch.json");
  int checked = 0, crd = 0, dcr = 0;
  for (const json& c : j["cases"]) {
    const std::string name = c.value("name", std::string("(unnamed)"));
    INFO("shuffle_pytorch.json case " << name);
    const std::string op = c.at("op").get<std::string>();
    REQUIRE((op == "pixel_shuffle" || op == "pixel_unshuffle"));
    const std::string source = c.at("source").get<std::string>();
    REQUIRE((source == "torch" || source == "onnx-spec"));
    const DType dtype = parse_dtype(c.at("dtype").get<std::string>());
    upsample::ShuffleOptions o;
    const std::string order = c.at("order").get<std::string>();
    if (order == "crd") {
      o.order = upsample::ShuffleOrder::kCRD;
      ++crd;
    } else if (order == "dcr") {
      o.order = upsample::ShuffleOrder::kDCR;
      ++dcr;
    } else {
      FAIL("unknown shuffle order " << order);
    }
    REQUIRE(c.at("factor").size() == 2);
    o.factor_h = c["factor"][0].get<int>();
    o.factor_w = c["factor"][1].get<int>();
    check_copy_case(c, dtype, [&](const upsample::TensorView& i, const upsample::TensorView& out) {
      return op == "pixel_shuffle" ? upsample::pixel_shuffle(i, out, o)
                                   : upsample::pixel_unshuffle(i, out, o);
    });
    ++checked;
  }
  CHECK(checked > 0);
  CHECK(crd > 0);
  CHECK(dcr > 0);
}

// pool_pytorch.json (make_golden.py pool): F.max_pool2d(return_indices=True) and F.max_unpool2d,
// float32 (torch 1.13 has no uint8 max_pool2d). Values and indices are copies: exact (NaN, written
// "nan", matches any NaN). Each case runs with int64 and int32 indices, in both index spaces
// (kTensor: the recorded plane indices plus the plane's offset), NCHW and NHWC; the oracle
// (tests/reference/pool_reference.h) must agree with every case too.
namespace {

// Numbers, or the strings "nan", "inf", "-inf".
std::vector<double> parse_pool_values(const json& j, const Shape& s) {
  REQUIRE(j.is_array());
  REQUIRE(static_cast<int64_t>(j.size()) == s.count());
  std::vector<double> v;
  v.reserve(j.size());
  for (const json& x : j) {
    if (x.is_string()) {
      const std::string t = x.get<std::string>();
      if (t == "nan") {
        v.push_back(std::numeric_limits<double>::quiet_NaN());
      } else if (t == "inf") {
        v.push_back(std::numeric_limits<double>::infinity());
      } else if (t == "-inf") {
        v.push_back(-std::numeric_limits<double>::infinity());
      } else {
        FAIL("unknown value string " << t);
      }
    } else {
      v.push_back(x.get<double>());
    }
  }
  return v;
}

std::vector<int64_t> parse_indices(const json& j, int64_t count) {
  REQUIRE(j.is_array());
  REQUIRE(static_cast<int64_t>(j.size()) == count);
  std::vector<int64_t> v;
  for (const json& x : j) v.push_back(x.get<int64_t>());
  return v;
}

bool same_or_both_nan(double a, double b) {
  return a == b || (std::isnan(a) && std::isnan(b));
}

std::string compare_pool_golden(const std::vector<double>& got, const std::vector<double>& want,
                                const std::vector<int64_t>& got_i,
                                const std::vector<int64_t>& want_i, const Shape& shape) {
  int64_t bad = 0;
  std::ostringstream first;
  first.precision(9);
  for (size_t i = 0; i < want.size(); ++i) {
    const bool ok = same_or_both_nan(got[i], want[i]) && (want_i.empty() || got_i[i] == want_i[i]);
    if (ok) continue;
    if (!bad) {
      first << "first at " << index_str(shape, static_cast<int64_t>(i)) << ": got " << got[i];
      if (!want_i.empty()) first << " index " << got_i[i];
      first << ", golden " << want[i];
      if (!want_i.empty()) first << " index " << want_i[i];
    }
    ++bad;
  }
  if (!bad) return "";
  std::ostringstream os;
  os << bad << " of " << want.size() << " outputs differ; " << first.str();
  return os.str();
}

// Plane indices of an (n, c, h, w) tensor -> kTensor indices into planes of plane_size.
std::vector<int64_t> to_tensor_indices(const std::vector<int64_t>& plane_idx, const Shape& s,
                                       int64_t plane_size) {
  std::vector<int64_t> t(plane_idx);
  for (size_t i = 0; i < t.size(); ++i) t[i] += static_cast<int64_t>(i) / (s.h * s.w) * plane_size;
  return t;
}

}  // namespace

TEST_CASE("golden: max_pool2d with indices and max_unpool2d match PyTorch", "[golden][pool]") {
  const json j = load("pool_pytorch.json");
  int pools = 0, unpools = 0;
  for (const json& c : j["cases"]) {
    const std::string name = c.value("name", std::string("(unnamed)"));
    INFO("pool_pytorch.json case " << name);
    const std::string op = c.at("op").get<std::string>();
    REQUIRE((op == "max_pool2d" || op == "max_unpool2d"));
    const DType dtype = parse_dtype(c.at("dtype").get<std::string>());
    const Shape in_shape = parse_shape(c.at("input_shape"));
    const Shape out_shape = parse_shape(c.at("output_shape"));
    REQUIRE(out_shape.n == in_shape.n);
    REQUIRE(out_shape.c == in_shape.c);
    const std::vector<double> input = parse_pool_values(c.at("input"), in_shape);
    const std::vector<double> want = parse_pool_values(c.at("output"), out_shape);
    if (op == "max_pool2d") {
      upsample::MaxPoolOptions o;
      o.kernel_h = c.at("kernel")[0].get<int>();
      o.kernel_w = c.at("kernel")[1].get<int>();
      o.stride_h = c.at("stride")[0].get<int>();
      o.stride_w = c.at("stride")[1].get<int>();
      o.padding_h = c.at("padding")[0].get<int>();
      o.padding_w = c.at("padding")[1].get<int>();
      o.dilation_h = c.at("dilation")[0].get<int>();
      o.dilation_w = c.at("dilation")[1].get<int>();
      o.ceil_mode = c.at("ceil_mode").get<bool>();
      const std::vector<int64_t> want_plane = parse_indices(c.at("indices"), out_shape.count());
      {
        // The oracle agrees with torch.
        upsample_ref::PoolSpec spec;
        spec.kernel_h = o.kernel_h;
        spec.kernel_w = o.kernel_w;
        spec.stride_h = o.stride_h;
        spec.stride_w = o.stride_w;
        spec.padding_h = o.padding_h;
        spec.padding_w = o.padding_w;
        spec.dilation_h = o.dilation_h;
        spec.dilation_w = o.dilation_w;
        spec.ceil_mode = o.ceil_mode;
        const upsample_ref::PoolResult r = upsample_ref::max_pool2d(input, in_shape, spec);
        REQUIRE(r.shape.h == out_shape.h);
        REQUIRE(r.shape.w == out_shape.w);
        INFO("the oracle");
        CHECK(compare_pool_golden(r.values, want, r.indices, want_plane, out_shape) == "");
      }
      for (upsample::IndexSpace space :
           {upsample::IndexSpace::kPlane, upsample::IndexSpace::kTensor}) {
        o.index_space = space;
        const std::vector<int64_t> want_idx =
            space == upsample::IndexSpace::kPlane
                ? want_plane
                : to_tensor_indices(want_plane, out_shape, in_shape.h * in_shape.w);
        for (DType index_dtype : {DType::kInt64, DType::kInt32})
          for (Mem mem : {Mem::kNCHW, Mem::kNHWC}) {
            INFO(mem_str(mem) << " indices " << dtype_str(index_dtype) << " index space "
                              << upsample::index_space_name(space));
            Buffer in = make_buffer(dtype, mem, in_shape);
            in.fill(input);
            Buffer values = make_buffer(dtype, mem, out_shape);
            Buffer indices = make_buffer(index_dtype, mem, out_shape);
            const upsample::Status st = upsample::max_pool2d(in.view, values.view, indices.view, o);
            INFO(st.message());
            REQUIRE(st.ok());
            CHECK(values.check_canaries() == "");
            CHECK(indices.check_canaries() == "");
            CHECK(compare_pool_golden(values.read(), want, indices.read_ints(), want_idx,
                                      out_shape) == "");
          }
      }
      ++pools;
    } else {
      const std::vector<int64_t> plane_idx = parse_indices(c.at("indices_input"), in_shape.count());
      if (!c.at("output_size").is_null()) {
        REQUIRE(c["output_size"][0].get<int64_t>() == out_shape.h);
        REQUIRE(c["output_size"][1].get<int64_t>() == out_shape.w);
      }
      {
        INFO("the oracle");
        CHECK(compare_pool_golden(
                  upsample_ref::max_unpool2d(input, plane_idx, in_shape, out_shape.h, out_shape.w,
                                             upsample_ref::PoolIndexSpace::kPlane),
                  want, {}, {}, out_shape) == "");
      }
      for (upsample::IndexSpace space :
           {upsample::IndexSpace::kPlane, upsample::IndexSpace::kTensor}) {
        upsample::MaxUnpoolOptions o;
        o.index_space = space;
        const std::vector<int64_t> idx =
            space == upsample::IndexSpace::kPlane
                ? plane_idx
                : to_tensor_indices(plane_idx, in_shape, out_shape.h * out_shape.w);
        for (DType index_dtype : {DType::kInt64, DType::kInt32})
          for (Mem mem : {Mem::kNCHW, Mem::kNHWC}) {
            INFO(mem_str(mem) << " indices " << dtype_str(index_dtype) << " index space "
                              << upsample::index_space_name(space));
            Buffer in = make_buffer(dtype, mem, in_shape);
            in.fill(input);
            Buffer indices = make_buffer(index_dtype, mem, in_shape);
            indices.fill_ints(idx);
            Buffer out = make_buffer(dtype, mem, out_shape);
            const upsample::Status st = upsample::max_unpool2d(in.view, indices.view, out.view, o);
            INFO(st.message());
            REQUIRE(st.ok());
            CHECK(out.check_canaries() == "");
            CHECK(compare_pool_golden(out.read(), want, {}, {}, out_shape) == "");
          }
      }
      ++unpools;
    }
  }
  CHECK(pools > 0);
  CHECK(unpools > 0);
}
