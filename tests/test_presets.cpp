// The presets reproduce other libraries: each is checked by behaviour (the resize it configures
// against the oracle run with the semantics that library documents), not by its option fields, so
// equivalent encodings pass and a wrong convention fails.
//
// What each library computes, from its source / documentation:
//   PyTorch F.interpolate: nearest src = min(floor(dst * in / out), in - 1); nearest-exact
//     src = min(floor((dst + 0.5) * in / out), in - 1), i.e. half_pixel rounded half up; bilinear
//     and bicubic (a = -0.75, edge replication) use (dst + 0.5) * in / out - 0.5
//     (align_corners=False, also when out == 1) or dst * (in - 1) / (out - 1) (True).
//   ONNX Resize defaults: half_pixel, round_prefer_floor, cubic_coeff_a -0.75, exclude_outside 0.
//   OpenCV cv::resize: INTER_NEAREST floor(dst * in / out); INTER_NEAREST_EXACT floor((dst + 0.5) *
//     in / out); INTER_LINEAR / INTER_CUBIC (a = -0.75, BORDER_REPLICATE) at (dst + 0.5) * in / out
//     - 0.5.
//   TFLite RESIZE_NEAREST_NEIGHBOR: floor((dst + offset) * scale), or round() with align_corners,
//     offset 0.5 with half_pixel_centers; RESIZE_BILINEAR: dst * scale, or (dst + 0.5) * scale -
//     0.5 with half_pixel_centers, scale (in - 1) / (out - 1) with align_corners.
// The shapes avoid exact .5 ties of the half-pixel nearest coordinates (odd input lengths, or x2),
// where these libraries' own float / fixed-point arithmetic may go either way.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "tensor_utils.h"

using namespace upsample_test;
using upsample::CoordinateMode;
using upsample::NearestMode;
using upsample::ResizeMethod;
using upsample::ResizeOptions;

namespace {

struct PresetCase {
  std::string name;
  ResizeOptions preset;  // what the library's preset function returned
  ResizeOptions want;    // the semantics that library documents
};

ResizeOptions semantics(ResizeMethod m, CoordinateMode cm,
                        NearestMode nm = NearestMode::kRoundPreferFloor, float a = -0.75f) {
  ResizeOptions o;
  o.method = m;
  o.coordinate_mode = cm;
  o.nearest_mode = nm;
  o.cubic_a = a;
  o.exclude_outside = false;
  return o;
}

void check_preset(const PresetCase& pc) {
  struct Shp {
    Shape in;
    int64_t oh, ow;
  };
  const std::vector<Shp> shapes = {
      {{1, 2, 5, 7}, 11, 15},  // up, non-integer
      {{1, 1, 4, 6}, 8, 12},   // x2
      {{1, 3, 9, 7}, 4, 3},    // down
      {{1, 1, 5, 3}, 1, 2},    // an output length of 1
      {{2, 3, 3, 5}, 7, 9},
  };
  uint32_t seed = 4242;
  for (const Shp& s : shapes) {
    for (DType dtype : {DType::kFloat32, DType::kUInt8}) {
      const std::vector<double> input = random_values(dtype, s.in.count(), seed++);
      const ResizeExpectation e = expect_resize(input, s.in, s.oh, s.ow, pc.want);
      for (Mem mem : {Mem::kNCHW, Mem::kNHWC}) {
        INFO(pc.name << ": " << dtype_str(dtype) << " " << mem_str(mem) << " " << shape_str(s.in)
                     << " -> " << s.oh << "x" << s.ow << "; expected semantics "
                     << options_str(pc.want) << "; preset gave " << options_str(pc.preset));
        CHECK(check_resize(dtype, mem, input, e, pc.preset) == "");
      }
    }
  }
}

}  // namespace

TEST_CASE("pytorch presets reproduce F.interpolate", "[presets]") {
  using upsample::pytorch_options;
  using upsample::PytorchMode;
  const std::vector<PresetCase> cases = {
      {"pytorch nearest", pytorch_options(PytorchMode::kNearest, false),
       semantics(ResizeMethod::kNearest, CoordinateMode::kAsymmetric, NearestMode::kFloor)},
      {"pytorch nearest (align_corners ignored)", pytorch_options(PytorchMode::kNearest, true),
       semantics(ResizeMethod::kNearest, CoordinateMode::kAsymmetric, NearestMode::kFloor)},
      {"pytorch nearest-exact", pytorch_options(PytorchMode::kNearestExact, false),
       semantics(ResizeMethod::kNearest, CoordinateMode::kHalfPixel,
                 NearestMode::kRoundPreferCeil)},
      {"pytorch bilinear", pytorch_options(PytorchMode::kBilinear, false),
       semantics(ResizeMethod::kBilinear, CoordinateMode::kHalfPixel)},
      {"pytorch bilinear align_corners", pytorch_options(PytorchMode::kBilinear, true),
       semantics(ResizeMethod::kBilinear, CoordinateMode::kAlignCorners)},
      {"pytorch bicubic", pytorch_options(PytorchMode::kBicubic, false),
       semantics(ResizeMethod::kBicubic, CoordinateMode::kHalfPixel)},
      {"pytorch bicubic align_corners", pytorch_options(PytorchMode::kBicubic, true),
       semantics(ResizeMethod::kBicubic, CoordinateMode::kAlignCorners)},
  };
  for (const PresetCase& pc : cases) check_preset(pc);
}

TEST_CASE("onnx presets use the ONNX Resize defaults", "[presets]") {
  for (ResizeMethod m : {ResizeMethod::kNearest, ResizeMethod::kBilinear, ResizeMethod::kBicubic}) {
    const ResizeOptions o = upsample::onnx_options(m);
    CHECK(o.method == m);
    check_preset(
        {std::string("onnx ") + upsample::resize_method_name(m), o,
         semantics(m, CoordinateMode::kHalfPixel, NearestMode::kRoundPreferFloor, -0.75f)});
  }
}

TEST_CASE("opencv presets reproduce cv::resize", "[presets]") {
  using upsample::opencv_options;
  using upsample::OpencvInterpolation;
  const std::vector<PresetCase> cases = {
      {"opencv INTER_NEAREST", opencv_options(OpencvInterpolation::kNearest),
       semantics(ResizeMethod::kNearest, CoordinateMode::kAsymmetric, NearestMode::kFloor)},
      {"opencv INTER_NEAREST_EXACT", opencv_options(OpencvInterpolation::kNearestExact),
       semantics(ResizeMethod::kNearest, CoordinateMode::kHalfPixel,
                 NearestMode::kRoundPreferCeil)},
      {"opencv INTER_LINEAR", opencv_options(OpencvInterpolation::kLinear),
       semantics(ResizeMethod::kBilinear, CoordinateMode::kHalfPixel)},
      {"opencv INTER_CUBIC", opencv_options(OpencvInterpolation::kCubic),
       semantics(ResizeMethod::kBicubic, CoordinateMode::kHalfPixel, NearestMode::kRoundPreferFloor,
                 -0.75f)},
  };
  for (const PresetCase& pc : cases) check_preset(pc);
}

TEST_CASE("tflite presets reproduce RESIZE_NEAREST_NEIGHBOR and RESIZE_BILINEAR", "[presets]") {
  using upsample::tflite_options;
  const std::vector<PresetCase> cases = {
      {"tflite nearest", tflite_options(ResizeMethod::kNearest, false, false),
       semantics(ResizeMethod::kNearest, CoordinateMode::kAsymmetric, NearestMode::kFloor)},
      {"tflite nearest align_corners", tflite_options(ResizeMethod::kNearest, true, false),
       semantics(ResizeMethod::kNearest, CoordinateMode::kAlignCorners,
                 NearestMode::kRoundPreferCeil)},
      {"tflite nearest half_pixel_centers", tflite_options(ResizeMethod::kNearest, false, true),
       semantics(ResizeMethod::kNearest, CoordinateMode::kHalfPixel,
                 NearestMode::kRoundPreferCeil)},
      {"tflite bilinear", tflite_options(ResizeMethod::kBilinear, false, false),
       semantics(ResizeMethod::kBilinear, CoordinateMode::kAsymmetric)},
      {"tflite bilinear align_corners", tflite_options(ResizeMethod::kBilinear, true, false),
       semantics(ResizeMethod::kBilinear, CoordinateMode::kAlignCorners)},
      {"tflite bilinear half_pixel_centers", tflite_options(ResizeMethod::kBilinear, false, true),
       semantics(ResizeMethod::kBilinear, CoordinateMode::kHalfPixel)},
  };
  for (const PresetCase& pc : cases) check_preset(pc);
}
