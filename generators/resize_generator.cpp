// Resize by nearest, linear or cubic interpolation with ONNX Resize semantics. The algorithm only:
// schedules/resize_schedule.cpp decides loops, vectors, threads and storage.
//
// Buffers are (x, y, c, n) = (W, H, C, N); the layout parameter says which of x or c has unit
// stride. Interpolation is separable: `vertical` interpolates input rows at input width for each
// output row, then the output interpolates along x from that row, so no 2-D gather is needed.
#include "Halide.h"
#include "common/coordinates.h"
#include "common/interpolation.h"
#include "resize_schedule.h"

namespace upsample::generators {
namespace {

using Halide::Expr;
using Halide::Func;

class Resize : public Halide::Generator<Resize> {
 public:
  GeneratorParam<Method> method{
      "method",
      Method::kLinear,
      {{"nearest", Method::kNearest}, {"linear", Method::kLinear}, {"cubic", Method::kCubic}}};
  GeneratorParam<schedules::Layout> layout{"layout", schedules::Layout::kPlanar,
                                           schedules::kLayoutNames};
  GeneratorParam<int> vector_lanes{"vector_lanes", 0};
  GeneratorParam<int> rows_per_task{"rows_per_task", 8};

  Input<Buffer<void, 4>> input{"input"};
  // The output size is an input too: the algorithm needs it before the output Func exists. The
  // output buffer is then required to have exactly this size.
  Input<int> output_width{"output_width"};
  Input<int> output_height{"output_height"};
  Input<int> coordinate_mode{"coordinate_mode"};
  Input<int> nearest_mode{"nearest_mode"};
  Input<double> scale_x{"scale_x"};  // the scale factor along W, or 0: output / input
  Input<double> scale_y{"scale_y"};  // the scale factor along H, or 0: output / input
  Input<float> cubic_a{"cubic_a"};
  Input<bool> exclude_outside{"exclude_outside"};
  Output<Buffer<void, 4>> output{"output"};

  void generate() {
    const Method m = method;
    const int taps = tap_count(m);
    Expr in_w = input.dim(0).extent(), in_h = input.dim(1).extent();
    Expr out_w = output_width, out_h = output_height;
    InterpolationParams params{coordinate_mode, nearest_mode, cubic_a, exclude_outside};

    // Along x: a table per output column, computed once and reused by every row.
    AxisTaps tx = axis_taps(m, x, scale_x, in_w, out_w, params);
    x_index(x, tap) = Halide::clamp(tx.first + tap, 0, in_w - 1);
    // Along y: plain expressions of the output row, so bounds inference sees which rows are read.
    AxisTaps ty = axis_taps(m, y, scale_y, in_h, out_h, params);
    auto row = [&](int k) { return Halide::clamp(ty.first + k, 0, in_h - 1); };
    // The table holds clamped indices; promising so lets bounds inference see a bounded read.
    auto column = [&](int k) { return Halide::unsafe_promise_clamped(x_index(x, k), 0, in_w - 1); };

    if (m == Method::kNearest) {
      // A copy: no arithmetic on the values, so any element type (and NaN payloads) pass intact.
      output(x, y, c, n) = input(column(0), row(0), c, n);
    } else {
      Expr w = tx.weight[0];
      for (int k = 1; k < taps; k++) w = Halide::select(tap == k, tx.weight[k], w);
      x_weight(x, tap) = w;

      Expr v = 0.0f;
      for (int k = 0; k < taps; k++) {
        v += ty.weight[k] * Halide::cast<float>(input(x, row(k), c, n));
      }
      vertical(x, y, c, n) = Halide::strict_float(v);
      Expr h = 0.0f;
      for (int k = 0; k < taps; k++) h += x_weight(x, k) * vertical(column(k), y, c, n);
      output(x, y, c, n) = to_output_type(Halide::strict_float(h), output.type());
    }

    output.dim(0).set_extent(output_width);
    output.dim(1).set_extent(output_height);

    schedules::ResizeFuncs funcs{output, vertical, x_index, x_weight, input, output,
                                 x,      y,        c,       n,        tap,   taps};
    schedules::ResizeTunables tunables;
    tunables.layout = layout;
    tunables.vector_lanes = vector_lanes;
    tunables.rows_per_task = rows_per_task;
    set_estimates();
    if (!get_auto_schedule()) schedules::schedule_resize(funcs, get_target(), tunables);
  }

 private:
  Halide::Var x{"x"}, y{"y"}, c{"c"}, n{"n"}, tap{"tap"};
  Func x_index{"x_index"}, x_weight{"x_weight"}, vertical{"vertical"};

  // Integers: round to nearest, ties to even (Halide's round), then saturate.
  static Expr to_output_type(const Expr& v, const Halide::Type& type) {
    if (type.is_float()) return Halide::cast(type, v);
    return Halide::saturating_cast(type, Halide::round(v));
  }

  // A 1080p RGB image upsampled 2x: what the autoschedulers plan for.
  void set_estimates() {
    input.set_estimates({{0, 1920}, {0, 1080}, {0, 3}, {0, 1}});
    output.set_estimates({{0, 3840}, {0, 2160}, {0, 3}, {0, 1}});
    output_width.set_estimate(3840);
    output_height.set_estimate(2160);
    coordinate_mode.set_estimate(0);
    nearest_mode.set_estimate(0);
    scale_x.set_estimate(0.0);
    scale_y.set_estimate(0.0);
    cubic_a.set_estimate(-0.75f);
    exclude_outside.set_estimate(false);
  }
};

}  // namespace
}  // namespace upsample::generators

HALIDE_REGISTER_GENERATOR(upsample::generators::Resize, resize)
