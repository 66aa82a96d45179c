#include "tune_problems.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <random>
#include <sstream>

#include "reference/pool_reference.h"
#include "reference/resize_reference.h"

namespace upsample_tune {
namespace {

// The element types of the variants upsample-tune runs (float16 is left out: the driver would
// need half conversions, and no benchmark uses it).
struct ElementType {
  std::string name;  // as in input.type=...
  int bytes = 1;
  bool is_float = false;
};

std::optional<ElementType> element_type(const std::string& name) {
  if (name == "uint8") return ElementType{name, 1, false};
  if (name == "uint16") return ElementType{name, 2, false};
  if (name == "uint32") return ElementType{name, 4, false};
  if (name == "float32") return ElementType{name, 4, true};
  return std::nullopt;
}

// A 4-D (x, y, c, n) image with dense storage: planar (x fastest) or interleaved (c fastest).
struct Image {
  int64_t w = 1, h = 1, c = 1, n = 1;
  bool interleaved = false;
  ElementType type;

  int64_t count() const { return w * h * c * n; }
  int64_t bytes() const { return count() * type.bytes; }
  int64_t index(int64_t in, int64_t ic, int64_t y, int64_t x) const {
    return interleaved ? ((in * h + y) * w + x) * c + ic : ((in * c + ic) * h + y) * w + x;
  }
  // The driver's buffer line: (extent, stride) for x, y, c, n.
  std::string case_line(const std::string& name, const std::string& source) const {
    const int64_t stride_x = interleaved ? c : 1;
    const int64_t stride_c = interleaved ? 1 : w * h;
    std::ostringstream line;
    line << "buffer " << name << " 4 " << w << " " << stride_x << " " << h << " " << w * stride_x
         << " " << c << " " << stride_c << " " << n << " " << w * h * c << " " << source;
    return line.str();
  }
  double at(const std::vector<uint8_t>& data, int64_t i) const {
    const uint8_t* p = data.data() + i * type.bytes;
    switch (type.bytes) {
      case 1:
        return double(*p);
      case 2: {
        uint16_t v;
        std::memcpy(&v, p, 2);
        return double(v);
      }
      default: {
        if (type.is_float) {
          float f;
          std::memcpy(&f, p, 4);
          return double(f);
        }
        uint32_t v;
        std::memcpy(&v, p, 4);
        return double(v);
      }
    }
  }
};

std::vector<uint8_t> random_data(const Image& image, uint64_t seed) {
  std::mt19937_64 random(seed);
  std::vector<uint8_t> data(size_t(image.bytes()));
  if (image.type.is_float) {
    std::uniform_real_distribution<float> uniform(0.0f, 1.0f);
    for (int64_t i = 0; i < image.count(); i++) {
      const float v = uniform(random);
      std::memcpy(data.data() + i * 4, &v, 4);
    }
  } else {
    for (auto& byte : data) byte = uint8_t(random());
  }
  return data;
}

std::string describe(const Image& in, const Image& out) {
  std::ostringstream s;
  s << in.w << "x" << in.h << "x" << in.c << (in.n > 1 ? "x" + std::to_string(in.n) : "") << " "
    << in.type.name << (in.interleaved ? " NHWC" : " NCHW") << " -> " << out.w << "x" << out.h;
  if (out.c != in.c) s << "x" << out.c;
  return s.str();
}

std::string param(const Variant& v, const std::string& name, const std::string& fallback) {
  auto it = v.params.find(name);
  return it == v.params.end() ? fallback : it->second;
}

// The representative input of a layout: the benchmarks' data sets (1080p RGB / RGBA pixels, a
// 64-channel 256x256 NCHW feature map) and a 16-channel NHWC map for the general interleaved
// variants.
std::optional<Image> input_image(const std::string& layout, const ElementType& type,
                                 double size_scale) {
  Image image;
  image.type = type;
  auto scaled = [size_scale](int64_t v) { return std::max<int64_t>(16, int64_t(v * size_scale)); };
  if (layout == "packed3" || layout == "packed4") {
    image = {scaled(1920), scaled(1080), layout == "packed3" ? 3 : 4, 1, true, type};
  } else if (layout == "planar") {
    image = {scaled(256), scaled(256), 64, 1, false, type};
  } else if (layout == "interleaved") {
    image = {scaled(480), scaled(270), 16, 1, true, type};
  } else {
    return std::nullopt;
  }
  return image;
}

// Checks `count` outputs: every one in rows 0, h/2 and h-1, then random ones; `error_at` gives
// the error of output (n, c, y, x), `tolerance` the largest allowed.
CheckResult check_outputs(const Image& out, uint64_t seed,
                          const std::function<double(int64_t, int64_t, int64_t, int64_t)>& error_at,
                          double tolerance) {
  double worst = 0;
  int64_t bad = 0, checked = 0;
  auto visit = [&](int64_t n, int64_t c, int64_t y, int64_t x) {
    const double e = error_at(n, c, y, x);
    worst = std::max(worst, e);
    if (!(e <= tolerance)) bad++;
    checked++;
  };
  for (int64_t y : {int64_t(0), out.h / 2, out.h - 1}) {
    for (int64_t n = 0; n < out.n; n++) {
      for (int64_t c = 0; c < out.c; c++) {
        for (int64_t x = 0; x < out.w; x++) visit(n, c, y, x);
      }
    }
  }
  std::mt19937_64 random(seed);
  for (int i = 0; i < 65536; i++) {
    visit(int64_t(random() % uint64_t(out.n)), int64_t(random() % uint64_t(out.c)),
          int64_t(random() % uint64_t(out.h)), int64_t(random() % uint64_t(out.w)));
  }
  std::ostringstream message;
  message << checked << " outputs checked against tests/reference, max |diff| " << worst
          << " (tolerance " << tolerance << "), " << bad << " beyond";
  return {bad == 0, message.str()};
}

// A problem from `in` to `out` with random input data; the caller adds its scalars and check.
Problem start_problem(const Image& in, const Image& out, uint64_t seed) {
  Problem problem;
  problem.shape = describe(in, out);
  problem.input_files["input.bin"] =
      std::make_shared<const std::vector<uint8_t>>(random_data(in, seed));
  problem.case_lines = {in.case_line("input", "input.bin"), out.case_line("output", "output")};
  problem.input_bytes = in.bytes();
  problem.output_bytes = out.bytes();
  return problem;
}

// A check of every output of a copy-like operator against `want(input, n, c, y, x)`, exactly.
using ExactValue = std::function<double(const std::vector<uint8_t>& input, int64_t n, int64_t c,
                                        int64_t y, int64_t x)>;
std::function<CheckResult(const std::vector<uint8_t>&)> exact_check(const Problem& problem,
                                                                    const Image& out,
                                                                    const std::string& definition,
                                                                    ExactValue want) {
  const auto input_data = problem.input_files.at("input.bin");
  return [=](const std::vector<uint8_t>& output) -> CheckResult {
    if (int64_t(output.size()) < out.bytes()) return {false, "the output file is short"};
    int64_t bad = 0;
    for (int64_t n = 0; n < out.n; n++) {
      for (int64_t c = 0; c < out.c; c++) {
        for (int64_t y = 0; y < out.h; y++) {
          for (int64_t x = 0; x < out.w; x++) {
            if (out.at(output, out.index(n, c, y, x)) != want(*input_data, n, c, y, x)) bad++;
          }
        }
      }
    }
    return {bad == 0, "every one of " + std::to_string(out.count()) + " outputs against " +
                          definition + ": " + std::to_string(bad) + " differ"};
  };
}

// Resize of `in` by p / q along both axes. Linear and cubic use half_pixel coordinates; with
// `constant_taps` the pipeline is told so (half_pixel_x), without it it reads its tap tables.
std::optional<Problem> resize_problem(const Variant& v, const Image& in, int p, int q,
                                      uint64_t seed, std::string* why_not,
                                      bool constant_taps = true) {
  const std::string method = param(v, "method", "linear");
  Image out = in;
  out.w = in.w * p / q;
  out.h = in.h * p / q;
  // A phased variant serves exactly its ratio; a tabled one any output size (floor above).
  const bool phased = std::stoi(param(v, "phases", "0")) > 0;
  if (phased && (out.w * q != in.w * p || out.h * q != in.h * p)) {
    *why_not = "the shape does not divide by the phase stride";
    return std::nullopt;
  }
  // OpenCV's and PyTorch's defaults: asymmetric + floor for nearest, half-pixel otherwise.
  const bool nearest = method == "nearest";
  const int coordinate_mode = nearest ? 3 : 0, nearest_mode = 2;
  const upsample_ref::Method ref_method = nearest             ? upsample_ref::Method::kNearest
                                          : method == "cubic" ? upsample_ref::Method::kCubic
                                                              : upsample_ref::Method::kLinear;
  const auto coord =
      nearest ? upsample_ref::CoordMode::kAsymmetric : upsample_ref::CoordMode::kHalfPixel;
  const auto rounding = upsample_ref::NearestRounding::kFloor;
  Problem problem = start_problem(in, out, seed);
  const std::string layout = param(v, "layout", "planar");
  if (layout == "packed3" || layout == "packed4") {
    // Packed variants take the input as rows of elements (see resize_generator.cpp).
    Image rows = in;
    rows.interleaved = false;
    rows.w = in.w * in.c;
    rows.c = 1;
    problem.case_lines[0] = rows.case_line("input", "input.bin");
  }
  for (const std::string& scalar :
       {"output_width " + std::to_string(out.w), "output_height " + std::to_string(out.h),
        "coordinate_mode " + std::to_string(coordinate_mode),
        "nearest_mode " + std::to_string(nearest_mode), std::string("scale_x 0"),
        std::string("scale_y 0"), std::string("cubic_a -0.75"), std::string("exclude_outside 0"),
        std::string("half_pixel_x ") + (constant_taps && !nearest ? "1" : "0"),
        std::string("band_fits ") + (p >= q ? "1" : "0")}) {
    problem.case_lines.push_back("scalar " + scalar);
  }
  const auto input_data = problem.input_files["input.bin"];
  problem.check = [=](const std::vector<uint8_t>& output) -> CheckResult {
    const std::vector<uint8_t>& input = *input_data;
    if (int64_t(output.size()) < out.bytes()) return {false, "the output file is short"};
    auto input_at = [&](int64_t n, int64_t c, int64_t y, int64_t x) {
      return in.at(input, in.index(n, c, y, x));
    };
    if (nearest) {
      const auto rows = upsample_ref::nearest_candidates(in.h, out.h, 0.0, coord, rounding);
      const auto cols = upsample_ref::nearest_candidates(in.w, out.w, 0.0, coord, rounding);
      return check_outputs(
          out, seed + 1,
          [&](int64_t n, int64_t c, int64_t y, int64_t x) {
            const double got = out.at(output, out.index(n, c, y, x));
            double error = 1e300;
            for (int64_t iy : rows[size_t(y)]) {
              for (int64_t ix : cols[size_t(x)]) {
                error = std::min(error, std::abs(got - input_at(n, c, iy, ix)));
              }
            }
            return error;
          },
          0.0);
    }
    const auto taps_h =
        upsample_ref::axis_taps(in.h, out.h, 0.0, ref_method, coord, rounding, -0.75, false);
    const auto taps_w =
        upsample_ref::axis_taps(in.w, out.w, 0.0, ref_method, coord, rounding, -0.75, false);
    const double max_value = out.type.is_float ? 1e300 : std::ldexp(1.0, 8 * out.type.bytes) - 1;
    const double coordinate_error = double(std::max(out.w, out.h)) * std::ldexp(1.0, -23);
    const double tolerance = !out.type.is_float  ? 1.0
                             : method == "cubic" ? 1e-4 + 4 * coordinate_error
                                                 : 1e-5 + coordinate_error;
    return check_outputs(
        out, seed + 1,
        [&](int64_t n, int64_t c, int64_t y, int64_t x) {
          double want = 0;
          for (const upsample_ref::Tap& ty : taps_h[size_t(y)]) {
            for (const upsample_ref::Tap& tx : taps_w[size_t(x)]) {
              want += ty.weight * tx.weight * input_at(n, c, ty.index, tx.index);
            }
          }
          want = std::min(max_value, std::max(out.type.is_float ? -1e300 : 0.0, want));
          return std::abs(out.at(output, out.index(n, c, y, x)) - want);
        },
        tolerance);
  };
  return problem;
}

// Unpooling by (fx, fy), checked at every output.
Problem unpool_problem(const Variant& v, const Image& in, int fx, int fy, uint64_t seed) {
  const bool bed_of_nails = param(v, "mode", "nearest") == "bed_of_nails";
  Image out = in;
  out.w *= fx;
  out.h *= fy;
  Problem problem = start_problem(in, out, seed);
  problem.case_lines.push_back("scalar factor_x " + std::to_string(fx));
  problem.case_lines.push_back("scalar factor_y " + std::to_string(fy));
  problem.check = exact_check(
      problem, out, "the definition",
      [=](const std::vector<uint8_t>& input, int64_t n, int64_t c, int64_t y, int64_t x) {
        const bool nail = !bed_of_nails || (x % fx == 0 && y % fy == 0);
        return nail ? in.at(input, in.index(n, c, y / fy, x / fx)) : 0.0;
      });
  return problem;
}

// Pixel shuffle (depth to space) by (fx, fy), CRD order (PyTorch), checked at every output.
std::optional<Problem> shuffle_problem(const Image& in, int fx, int fy, uint64_t seed) {
  if (in.c % (fx * fy) != 0) return std::nullopt;
  Image out = in;
  out.w *= fx;
  out.h *= fy;
  out.c /= fx * fy;
  Problem problem = start_problem(in, out, seed);
  problem.case_lines.push_back("scalar factor_x " + std::to_string(fx));
  problem.case_lines.push_back("scalar factor_y " + std::to_string(fy));
  problem.case_lines.push_back("scalar order 0");
  problem.check = exact_check(
      problem, out, "the CRD definition",
      [=](const std::vector<uint8_t>& input, int64_t n, int64_t c, int64_t y, int64_t x) {
        // CRD: output (c, y*fy+i, x*fx+j) = input (c*fy*fx + i*fx + j, y, x).
        const int64_t depth = (c * fy + y % fy) * fx + x % fx;
        return in.at(input, in.index(n, depth, y / fy, x / fx));
      });
  return problem;
}

bool is_max_unpool(const Variant& v) {
  return v.generator == "max_unpool_i32" || v.generator == "max_unpool_i64";
}

// The gather of max unpooling, for indices inside their windows (the runtime checks that first).
bool is_max_unpool_windows(const Variant& v) {
  return v.generator == "max_unpool_windows_i32" || v.generator == "max_unpool_windows_i64";
}

// Max unpooling of `in` to out_w x out_h by indices into each output plane: with `window` > 0
// each element's index lies in its own window x window block (as max pooling makes them), with 0
// anywhere in the plane (duplicates: the later element wins). Checked at every output against
// tests/reference.
Problem max_unpool_problem(const Variant& v, const Image& in, int64_t out_w, int64_t out_h,
                           int window, bool tensor_space, uint64_t seed) {
  const bool wide_indices =
      v.generator.size() >= 3 && v.generator.compare(v.generator.size() - 3, 3, "i64") == 0;
  Image indices = in;
  indices.type = {wide_indices ? "int64" : "int32", wide_indices ? 8 : 4, false};
  Image out = in;
  out.w = out_w;
  out.h = out_h;
  Problem problem = start_problem(in, out, seed);
  const int64_t plane_size = out_w * out_h;
  std::vector<int64_t> index_values(size_t(in.count()));  // NCHW, for the oracle
  auto index_bytes = std::make_shared<std::vector<uint8_t>>(size_t(indices.bytes()));
  std::mt19937_64 random(seed + 7);
  size_t k = 0;
  for (int64_t n = 0; n < in.n; n++)
    for (int64_t c = 0; c < in.c; c++)
      for (int64_t y = 0; y < in.h; y++)
        for (int64_t x = 0; x < in.w; x++, k++) {
          int64_t at = int64_t(random() % uint64_t(plane_size));
          if (window > 0) {
            at = (y * window + int64_t(random() % uint64_t(window))) * out_w + x * window +
                 int64_t(random() % uint64_t(window));
          }
          if (tensor_space) at += (n * in.c + c) * plane_size;
          index_values[k] = at;
          uint8_t* slot = index_bytes->data() + indices.index(n, c, y, x) * indices.type.bytes;
          if (wide_indices) {
            std::memcpy(slot, &at, 8);
          } else {
            const int32_t narrow = int32_t(at);
            std::memcpy(slot, &narrow, 4);
          }
        }
  problem.input_files["indices.bin"] = index_bytes;
  problem.case_lines.insert(problem.case_lines.begin() + 1,
                            indices.case_line("indices", "indices.bin"));
  problem.case_lines.push_back("scalar output_width " + std::to_string(out_w));
  problem.case_lines.push_back("scalar output_height " + std::to_string(out_h));
  if (is_max_unpool_windows(v)) {  // the gather takes the windows the runtime's check found
    problem.case_lines.push_back("scalar window_x " + std::to_string(window));
    problem.case_lines.push_back("scalar window_y " + std::to_string(window));
  }
  problem.case_lines.push_back(std::string("scalar index_space ") + (tensor_space ? "1" : "0"));
  problem.input_bytes += indices.bytes();
  const auto input_data = problem.input_files.at("input.bin");
  auto oracle = std::make_shared<std::vector<double>>();  // NCHW, made at the first check
  problem.check = [=](const std::vector<uint8_t>& output) -> CheckResult {
    if (int64_t(output.size()) < out.bytes()) return {false, "the output file is short"};
    if (oracle->empty()) {
      std::vector<double> values(size_t(in.count()));
      size_t i = 0;
      for (int64_t n = 0; n < in.n; n++)
        for (int64_t c = 0; c < in.c; c++)
          for (int64_t y = 0; y < in.h; y++)
            for (int64_t x = 0; x < in.w; x++)
              values[i++] = in.at(*input_data, in.index(n, c, y, x));
      *oracle = upsample_ref::max_unpool2d(
          values, index_values, upsample_ref::Shape{in.n, in.c, in.h, in.w}, out_h, out_w,
          tensor_space ? upsample_ref::PoolIndexSpace::kTensor
                       : upsample_ref::PoolIndexSpace::kPlane);
    }
    const std::vector<double>& want = *oracle;
    int64_t bad = 0;
    for (int64_t n = 0; n < out.n; n++)
      for (int64_t c = 0; c < out.c; c++)
        for (int64_t y = 0; y < out.h; y++)
          for (int64_t x = 0; x < out.w; x++) {
            const double expected = want[size_t(((n * out.c + c) * out.h + y) * out.w + x)];
            if (out.at(output, out.index(n, c, y, x)) != expected) bad++;
          }
    return {bad == 0, "every one of " + std::to_string(out.count()) +
                          " outputs against tests/reference's max_unpool2d: " +
                          std::to_string(bad) + " differ"};
  };
  return problem;
}

}  // namespace

std::optional<ProblemSet> make_problems(const Variant& variant, double size_scale, uint64_t seed,
                                        std::string* why_not) {
  if (variant.generator == "conv" || variant.generator == "conv_phases" ||
      variant.generator == "conv_weight_grad") {
    return make_conv_problems(variant, size_scale, seed, why_not);
  }
  const std::string layout = param(variant, "layout", "planar");
  const std::string default_type = variant.generator == "shuffle" ? "uint32" : "uint8";
  const auto type = element_type(param(variant, "input.type", default_type));
  if (!type) {
    *why_not = "element type " + param(variant, "input.type", "?") + " is not run by upsample-tune";
    return std::nullopt;
  }
  const std::optional<Image> timed = input_image(layout, *type, size_scale);
  if (!timed) {
    *why_not = "layout " + layout + " is not run by upsample-tune";
    return std::nullopt;
  }
  // Small shapes with odd output sizes, several images, and the arguments each variant has
  // specializations for: a schedule that is only right for the timed shape cannot win.
  auto small = [&](int64_t w, int64_t h, int64_t c) {
    Image image = *timed;
    image.w = w;
    image.h = h;
    image.n = 2;
    if (layout == "planar" || layout == "interleaved") image.c = c;
    return image;
  };
  ProblemSet set;
  std::vector<std::optional<Problem>> checks;
  if (variant.generator == "resize") {
    const int phases = std::stoi(param(variant, "phases", "0"));
    const int stride = std::stoi(param(variant, "phase_stride", "1"));
    if (phases > 0) {
      auto p = resize_problem(variant, *timed, phases, stride, seed, why_not);
      if (!p) return std::nullopt;
      set.timed = std::move(*p);
      checks = {resize_problem(variant, small(18, 10, 5), phases, stride, seed + 1, why_not),
                resize_problem(variant, small(66, 34, 3), phases, stride, seed + 2, why_not),
                resize_problem(variant, small(26, 12, 3), phases, stride, seed + 3, why_not,
                               /*constant_taps=*/false)};
    } else {
      // Tabled variants serve the ratios without a phased variant, so they are timed at 2.5x
      // (the benchmarks' non-phased scale), where their x taps are gathered.
      auto p = resize_problem(variant, *timed, 5, 2, seed, why_not);
      if (!p) return std::nullopt;
      set.timed = std::move(*p);
      checks = {resize_problem(variant, small(18, 10, 5), 3, 2, seed + 1, why_not),
                resize_problem(variant, small(66, 34, 3), 1, 2, seed + 2, why_not),
                resize_problem(variant, small(17, 9, 3), 4, 1, seed + 3, why_not)};
    }
  } else if (variant.generator == "unpool") {
    set.timed = unpool_problem(variant, *timed, 2, 2, seed);
    checks = {unpool_problem(variant, small(17, 9, 5), 3, 2, seed + 1),
              unpool_problem(variant, small(35, 6, 3), 1, 4, seed + 2),
              unpool_problem(variant, small(21, 7, 3), 4, 3, seed + 3),
              unpool_problem(variant, small(13, 5, 2), 7, 1, seed + 4)};
  } else if (variant.generator == "shuffle") {
    if (param(variant, "direction", "to_space") != "to_space") {
      *why_not = "only pixel shuffle (to_space) is run by upsample-tune";
      return std::nullopt;
    }
    set.timed = *shuffle_problem(*timed, 2, 2, seed);
    const bool fixed_x = param(variant, "fixed_factor_x", "0") == "2";
    checks = {shuffle_problem(small(17, 9, 12), 2, 3, seed + 1),
              shuffle_problem(small(1, 1, 4), 2, 2, seed + 2)};
    if (!fixed_x) checks.push_back(shuffle_problem(small(11, 6, 18), 3, 3, seed + 3));
  } else if (is_max_unpool(variant) || is_max_unpool_windows(variant)) {
    // Timed: the learnable benchmark's max_unpool2d, 64 channels of 64x64 to 128x128, each index
    // inside its 2x2 window.
    Image in = *timed;
    in.w = in.h = std::max<int64_t>(4, int64_t(64 * size_scale));
    in.c = 64;
    set.timed = max_unpool_problem(variant, in, in.w * 2, in.h * 2, 2, false, seed);
    if (is_max_unpool(variant)) {
      checks = {max_unpool_problem(variant, small(17, 9, 5), 35, 19, 0, true, seed + 1),
                max_unpool_problem(variant, small(7, 5, 3), 22, 16, 3, false, seed + 2)};
    } else {  // indices in their windows only, as the runtime calls it
      checks = {max_unpool_problem(variant, small(17, 9, 5), 34, 18, 2, true, seed + 1),
                max_unpool_problem(variant, small(7, 5, 3), 21, 15, 3, false, seed + 2)};
    }
  } else {
    *why_not = "upsample-tune has no problem definition for generator " + variant.generator;
    return std::nullopt;
  }
  for (auto& check : checks) {
    if (!check) return std::nullopt;  // why_not says why
    set.checks.push_back(std::move(*check));
  }
  return set;
}

std::vector<Tunable> tunables_of(const Variant& variant) {
  // Register tiles: channel vectors up to 4 (a tile of at most 64 channels, what the runtime
  // pads for, at every vector width up to AVX-512's).
  if (variant.generator == "conv") {
    return {{"channel_vectors", {"1", "2", "3", "4"}},
            {"pixels", {"2", "3", "4", "5", "6", "7", "8"}}};
  }
  if (variant.generator == "conv_phases") {
    return {{"channels", {"4", "8", "12", "16", "24", "32"}},
            {"pixel_vectors", {"1", "2", "3", "4"}}};
  }
  if (variant.generator == "conv_weight_grad") {
    return {{"channel_vectors", {"1", "2", "3", "4"}},
            {"outputs", {"2", "3", "4", "5", "6", "7", "8"}},
            {"block_rows", {"1", "2", "4", "8", "16"}}};
  }
  const std::vector<std::string> lanes = {"0", "8", "16", "32", "64", "128"};
  const std::vector<std::string> rows = {"1", "2", "4", "8", "16", "32", "64"};
  if (is_max_unpool(variant)) return {{"vector_lanes", lanes}};
  if (is_max_unpool_windows(variant)) return {{"vector_lanes", lanes}, {"rows_per_task", rows}};
  std::vector<Tunable> space = {{"vector_lanes", lanes}, {"rows_per_task", rows}};
  // Packed resizes in planes compute them a chunk of the row at a time (0: a whole row); phased
  // ones may compute in element order instead (packed_periods 1), without planes. Unpooling
  // copies packed pixels in element order.
  const bool packed = param(variant, "layout", "").rfind("packed", 0) == 0;
  const bool phased = param(variant, "phases", "0") != "0";
  if (variant.generator == "resize" && packed) {
    space.push_back({"chunk_width", {"0", "64", "128", "256", "512", "1024"}});
    if (phased) space.push_back({"packed_periods", {"0", "1"}});
  }
  if (variant.generator != "resize" && variant.generator != "unpool" &&
      variant.generator != "shuffle") {
    return {};
  }
  return space;
}

}  // namespace upsample_tune
