#include "upsample/resize.h"

#include <cmath>
#include <iterator>
#include <numeric>
#include <string>

#include "device.h"
#include "halide_bridge.h"
#include "kernels.h"
#include "streaming.h"
#include "validation.h"

namespace upsample {
namespace {

// Coordinates are ratios of integers below 2^53, exact in float64, for lengths below 2^24.
constexpr int64_t kMaxSpatialLength = int64_t(1) << 24;

bool is_known(ResizeMethod m) {
  return int(m) >= 0 && int(m) <= int(ResizeMethod::kBicubic);
}
bool is_known(CoordinateMode m) {
  return int(m) >= 0 && int(m) <= int(CoordinateMode::kHalfPixelSymmetric);
}
bool is_known(NearestMode m) {
  return int(m) >= 0 && int(m) <= int(NearestMode::kCeil);
}

Status check_options(const char* op, const ResizeOptions& options) {
  auto invalid = [op](const std::string& what) { return internal::invalid(op, what); };
  if (!is_known(options.method)) {
    return invalid("unknown method value " + std::to_string(int(options.method)));
  }
  if (!is_known(options.coordinate_mode)) {
    return invalid("unknown coordinate mode value " + std::to_string(int(options.coordinate_mode)));
  }
  if (!is_known(options.nearest_mode)) {
    return invalid("unknown nearest mode value " + std::to_string(int(options.nearest_mode)));
  }
  if (!std::isfinite(options.cubic_a)) return invalid("cubic_a is not a finite number");
  for (double scale : {options.scale_h, options.scale_w}) {
    if (scale != 0.0 && !(std::isfinite(scale) && scale > 0.0)) {
      return invalid("scale " + std::to_string(scale) +
                     " is not a positive finite number (0 = from sizes)");
    }
  }
  return Status::Ok();
}

// With a scale factor, the output length must be the one the factor gives.
Status check_axis(const char* op, const char* axis, int64_t length_in, int64_t length_out,
                  double scale) {
  for (int64_t length : {length_in, length_out}) {
    if (length >= kMaxSpatialLength) {
      return internal::out_of_range(op, "length " + std::to_string(length) + " along " + axis +
                                            " exceeds 2^24-1, the limit of exact coordinates");
    }
  }
  if (scale == 0.0) return Status::Ok();
  int64_t expected = 0;
  if (Status s = resize_output_length(length_in, scale, &expected); !s.ok()) return s;
  if (expected != length_out) {
    return internal::invalid(
        op, std::string("output length ") + std::to_string(length_out) + " along " + axis +
                " disagrees with scale " + std::to_string(scale) + ": floor(" +
                std::to_string(length_in) + " * scale) = " + std::to_string(expected));
  }
  return Status::Ok();
}

// True when nearest along an axis reads input index floor(x / k) for an integer factor k, so
// the block-copy (unpool) kernel computes exactly the same result faster.
bool is_block_copy(const ResizeOptions& options, int64_t length_in, int64_t length_out,
                   double scale) {
  if (length_out % length_in != 0) return false;
  const int64_t factor = length_out / length_in;
  if (scale != 0.0 && scale != double(factor)) return false;
  if (factor == 1) return true;  // every mode maps x to x
  const bool rounds = options.nearest_mode == NearestMode::kRoundPreferFloor ||
                      options.nearest_mode == NearestMode::kRoundPreferCeil;
  switch (options.coordinate_mode) {
    case CoordinateMode::kHalfPixel:
    case CoordinateMode::kPytorchHalfPixel:
    case CoordinateMode::kHalfPixelSymmetric:
      // (x + 0.5) / k - 0.5 lies strictly within half a pixel of floor(x / k): no ties.
      return rounds;
    case CoordinateMode::kAsymmetric:
      // x / k; for k = 2 the fraction is 0 or exactly 0.5, which round_prefer_floor rounds down.
      return options.nearest_mode == NearestMode::kFloor ||
             (factor == 2 && options.nearest_mode == NearestMode::kRoundPreferFloor);
    case CoordinateMode::kAlignCorners:
      return false;
  }
  return false;
}

// out / in in lowest terms.
internal::Phases reduced_ratio(int64_t length_in, int64_t length_out) {
  const int64_t divisor = std::gcd(length_in, length_out);
  return internal::Phases{int(length_out / divisor), int(length_in / divisor)};
}

// The period along x when a phased kernel computes exactly what the tabled one does: an upscale
// by a ratio out/in = p/q (in lowest terms) whose taps repeat every p output columns. {0, 0}
// otherwise, and the runtime then uses the general kernel (as it does for ratios it has no phased
// variant of).
internal::Phases horizontal_phases(const ResizeOptions& options, int64_t length_in,
                                   int64_t length_out) {
  if (options.coordinate_mode == CoordinateMode::kAlignCorners) return {};
  // Renormalised weights differ at the borders, where the phases assume edge replication.
  if (options.method == ResizeMethod::kBicubic && options.exclude_outside) return {};
  // The phase tables are taken from a period a few columns inside the input.
  if (length_in < 8 || length_out <= length_in) return {};
  const internal::Phases ratio = reduced_ratio(length_in, length_out);
  if (ratio.out > 8) return {};
  if (options.scale_w != 0.0 && options.scale_w != double(ratio.out) / double(ratio.in)) return {};
  return ratio;
}

// The weight units U of the fixed-point uint8 bilinear variant for this call (generators/
// resize_generator.cpp, weight_units), or 0 where none applies: every weight along both axes must
// be a multiple of 1/U. With a ratio out/in = p/q in lowest terms the coordinates' fractions have
// denominator 2p (half-pixel modes) or p (asymmetric), so 2p must divide U along each axis. U
// comes from the build's dispatch table (the list in generators/CMakeLists.txt).
int bilinear_weight_units(const ResizeOptions& options, DType dtype, internal::Phases x_phases,
                          int64_t in_h, int64_t out_h) {
  if (options.method != ResizeMethod::kBilinear || dtype != DType::kUInt8) return 0;
  if (options.coordinate_mode == CoordinateMode::kAlignCorners) return 0;
  if (x_phases.out == 0) return 0;
  const int units = internal::bilinear_variant_weight_units(x_phases);
  if (units == 0 || units % (2 * x_phases.out) != 0) return 0;
  const internal::Phases y = reduced_ratio(in_h, out_h);
  if (units % (2 * y.out) != 0) return 0;
  if (options.scale_h != 0.0 && options.scale_h != double(y.out) / double(y.in)) return 0;
  return units;
}

// True when the x taps are ONNX half_pixel's for the phased ratio, with Keys' a = -0.75 for
// cubic: what the phased linear and cubic variants compute with as constants.
bool half_pixel_taps(const ResizeOptions& options, internal::Phases x_phases) {
  if (x_phases.out == 0 || options.method == ResizeMethod::kNearest) return false;
  if (options.method == ResizeMethod::kBicubic && options.cubic_a != -0.75f) return false;
  switch (options.coordinate_mode) {
    case CoordinateMode::kHalfPixel:
    case CoordinateMode::kPytorchHalfPixel:  // the same for more than one output pixel
      return true;
    case CoordinateMode::kHalfPixelSymmetric:  // the same when the scale is output / input
      return options.scale_w == 0.0;
    default:
      return false;
  }
}

// Whether the source coordinate moves by at most one input row per output row (the generator's
// coordinate_step, generators/common/coordinates.h): then a GPU block's band of input rows fits
// in shared memory (band_fits).
bool y_step_at_most_one(const ResizeOptions& options, int64_t in_h, int64_t out_h) {
  if (options.coordinate_mode == CoordinateMode::kAlignCorners) return out_h <= 1 || in_h <= out_h;
  return options.scale_h == 0.0 ? in_h <= out_h : options.scale_h >= 1.0;
}

}  // namespace

const char* resize_method_name(ResizeMethod method) {
  switch (method) {
    case ResizeMethod::kNearest:
      return "nearest";
    case ResizeMethod::kBilinear:
      return "bilinear";
    case ResizeMethod::kBicubic:
      return "bicubic";
  }
  return "unknown method";
}

const char* coordinate_mode_name(CoordinateMode mode) {
  switch (mode) {
    case CoordinateMode::kHalfPixel:
      return "half_pixel";
    case CoordinateMode::kPytorchHalfPixel:
      return "pytorch_half_pixel";
    case CoordinateMode::kAlignCorners:
      return "align_corners";
    case CoordinateMode::kAsymmetric:
      return "asymmetric";
    case CoordinateMode::kHalfPixelSymmetric:
      return "half_pixel_symmetric";
  }
  return "unknown coordinate mode";
}

const char* nearest_mode_name(NearestMode mode) {
  switch (mode) {
    case NearestMode::kRoundPreferFloor:
      return "round_prefer_floor";
    case NearestMode::kRoundPreferCeil:
      return "round_prefer_ceil";
    case NearestMode::kFloor:
      return "floor";
    case NearestMode::kCeil:
      return "ceil";
  }
  return "unknown nearest mode";
}

Status resize_output_length(int64_t input_length, double scale, int64_t* output_length) {
  auto invalid = [](const std::string& what) { return internal::invalid("resize", what); };
  if (output_length == nullptr) return invalid("output_length is null");
  if (input_length < 1) {
    return invalid("input length " + std::to_string(input_length) + " is not positive");
  }
  if (!(std::isfinite(scale) && scale > 0.0)) {
    return invalid("scale " + std::to_string(scale) + " is not a positive finite number");
  }
  // As PyTorch and ONNX: floor(length * scale) in double precision.
  const double length = std::floor(double(input_length) * scale);
  if (length < 1.0 || length >= 2147483648.0) {
    return Status(StatusCode::kOutOfRange, "resize: scale " + std::to_string(scale) +
                                               " makes output length " + std::to_string(length) +
                                               " from " + std::to_string(input_length) +
                                               ", outside [1, 2^31)");
  }
  *output_length = int64_t(length);
  return Status::Ok();
}

Status resize(const TensorView& input, const TensorView& output, const ResizeOptions& options) {
  const char* op = "resize";
  if (Status s = check_options(op, options); !s.ok()) return s;
  if (Status s = internal::check_view(op, "input", input, false); !s.ok()) return s;
  if (Status s = internal::check_view(op, "output", output, true); !s.ok()) return s;
  if (Status s = internal::check_pair(op, input, output); !s.ok()) return s;
  const int64_t in_h = input.shape[kH], in_w = input.shape[kW];
  const int64_t out_h = output.shape[kH], out_w = output.shape[kW];
  if (Status s = check_axis(op, "H", in_h, out_h, options.scale_h); !s.ok()) return s;
  if (Status s = check_axis(op, "W", in_w, out_w, options.scale_w); !s.ok()) return s;

  if (options.method == ResizeMethod::kNearest &&
      is_block_copy(options, in_h, out_h, options.scale_h) &&
      is_block_copy(options, in_w, out_w, options.scale_w)) {
    return internal::run_unpool(op, UnpoolMode::kNearest, int(out_h / in_h), int(out_w / in_w),
                                input, output);
  }

  TensorView in_view = input, out_view = output;
  size_t copy_bytes = dtype_size(input.dtype);
  if (options.method == ResizeMethod::kNearest) {
    copy_bytes = internal::fuse_small_pixels(&in_view, &out_view);
  }
  internal::KernelLayout layout;
  if (Status s = internal::choose_layout(op, {&in_view, &out_view}, &layout); !s.ok()) return s;
  // Phased variants have 32-bit indices (generators/CMakeLists.txt): larger views run the tabled.
  const bool small_views = internal::under_one_gib(in_view) && internal::under_one_gib(out_view);
  const internal::Phases phases =
      small_views ? horizontal_phases(options, in_w, out_w) : internal::Phases{};
  const int weight_units = bilinear_weight_units(options, input.dtype, phases, in_h, out_h);
  // The phased variant (in fixed point where it applies), else the general one: the first this
  // build has.
  internal::Phases found_phases;
  int found_weight_units = 0;
  auto find = [&]() -> internal::ResizeKernel {
    const std::pair<internal::Phases, int> candidates[] = {
        {phases, weight_units}, {phases, 0}, {internal::Phases{}, 0}};
    for (size_t i = 0; i < std::size(candidates); ++i) {
      // A fallback equal to the candidate before it (already float, or already tabled) would
      // repeat that lookup, a scan of the whole table, on every call that misses.
      if ((i == 1 && weight_units == 0) || (i == 2 && phases.out == 0)) continue;
      const auto& [p, units] = candidates[i];
      if (internal::ResizeKernel k = internal::find_resize_kernel(
              options.method, p, units, input.dtype, copy_bytes, &layout)) {
        found_phases = p;
        found_weight_units = units;
        return k;
      }
    }
    return nullptr;
  };
  internal::ResizeKernel kernel = find();
  if (kernel == nullptr) {
    return Status(StatusCode::kUnsupported, internal::no_kernel_prefix(op) + "" +
                                                resize_method_name(options.method) +
                                                " kernel for " + dtype_name(input.dtype));
  }
  const halide_type_t type = options.method == ResizeMethod::kNearest
                                 ? internal::bits_type(copy_bytes)
                                 : internal::value_type(input.dtype);
  internal::HalideBuffer out(out_view, type);
  // A phased variant's streaming twin where the output allows it (upsample/streaming.h): the
  // same computation with non-temporal stores. The output is checked first, so most calls look
  // up nothing more; the deciding lookup comes last, so that last_kernel_variant() names the
  // kernel that runs. (prepare_streaming_stores only zeroes strides of extent-1 dimensions,
  // which the ordinary variant never steps along either.)
  if (found_phases.out > 0 && internal::prepare_streaming_stores(
                                  out.get(), layout == internal::KernelLayout::kPlanar,
                                  uint64_t(element_count(input)) * dtype_size(input.dtype))) {
    internal::KernelLayout twin_layout = layout;
    const internal::ResizeKernel twin =
        internal::find_resize_kernel(options.method, found_phases, found_weight_units, input.dtype,
                                     copy_bytes, &twin_layout, true);
    if (twin != nullptr && twin_layout == layout) {
      kernel = twin;
      internal::count_streaming_call();
    } else if (twin != nullptr) {
      kernel = find();  // records the ordinary variant again
    }
  }
  // The layout of the variant found (a packed layout may have fallen back to interleaved).
  const bool packed =
      layout == internal::KernelLayout::kPacked3 || layout == internal::KernelLayout::kPacked4;
  internal::HalideBuffer in(packed ? internal::packed_rows(in_view) : in_view, type);
  const bool half_pixel_x = half_pixel_taps(options, phases);
  const bool band_fits = y_step_at_most_one(options, in_h, out_h);
  return internal::call_kernel(op, [&] {
    return kernel(in.get(), int32_t(out_w), int32_t(out_h), int(options.coordinate_mode),
                  int(options.nearest_mode), options.scale_w, options.scale_h, options.cubic_a,
                  options.exclude_outside, half_pixel_x, band_fits, out.get());
  });
}

Status resize_backward(const TensorView& grad_output, const TensorView& grad_input,
                       const ResizeOptions& options) {
  const char* op = "resize_backward";
  if (Status s = check_options(op, options); !s.ok()) return s;
  if (Status s = internal::check_view(op, "grad_output", grad_output, false); !s.ok()) return s;
  if (Status s = internal::check_view(op, "grad_input", grad_input, true); !s.ok()) return s;
  for (auto [name, view] : {std::pair{"grad_output", &grad_output}, {"grad_input", &grad_input}}) {
    if (view->dtype != DType::kFloat32) {
      return internal::invalid(op, std::string(name) + ": dtype " + dtype_name(view->dtype) +
                                       " is not supported (float32 only)");
    }
  }
  if (Status s = internal::check_pair(op, grad_output, grad_input); !s.ok()) return s;
  // The forward pass resized grad_input's shape into grad_output's.
  const int64_t in_h = grad_input.shape[kH], in_w = grad_input.shape[kW];
  const int64_t out_h = grad_output.shape[kH], out_w = grad_output.shape[kW];
  if (Status s = check_axis(op, "H", in_h, out_h, options.scale_h); !s.ok()) return s;
  if (Status s = check_axis(op, "W", in_w, out_w, options.scale_w); !s.ok()) return s;
  internal::KernelLayout layout;
  if (Status s = internal::choose_layout(op, {&grad_output, &grad_input}, &layout); !s.ok()) {
    return s;
  }
  const internal::ResizeBackwardKernel kernel =
      internal::find_resize_backward_kernel(options.method, layout);
  if (kernel == nullptr) {
    return Status(StatusCode::kUnsupported, internal::no_kernel_prefix(op) + "" +
                                                resize_method_name(options.method) + " kernel");
  }
  internal::HalideBuffer grad_out(grad_output, internal::value_type(DType::kFloat32));
  internal::HalideBuffer grad_in(grad_input, internal::value_type(DType::kFloat32));
  return internal::call_kernel(op, [&] {
    return kernel(grad_out.get(), int32_t(in_w), int32_t(in_h), int(options.coordinate_mode),
                  int(options.nearest_mode), options.scale_w, options.scale_h, options.cubic_a,
                  options.exclude_outside, grad_in.get());
  });
}

}  // namespace upsample
