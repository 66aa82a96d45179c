// The adjoint of resize (generators/resize_generator.cpp): each output gradient is sent back to
// the input pixels the forward pass read, times the weights it read them with. The algorithm only:
// schedules/resize_backward_schedule.cpp decides loops, vectors, threads and storage.
//
// The forward pass is separable (rows, then columns), so its adjoint is too: first every output
// row is added into the input rows it was interpolated from (`rows`: output width, input height),
// then every column of that into the input columns (`columns`). Both are scatters over the same
// tap tables as the forward pass, so taps clamped to an edge add to the edge pixel, as they must.
#include "Halide.h"
#include "common/coordinates.h"
#include "common/interpolation.h"
#include "common/tunable_generator.h"
#include "resize_backward_schedule.h"

namespace upsample::generators {
namespace {

using Halide::Expr;
using Halide::Func;

class ResizeBackward : public TunableGenerator<ResizeBackward> {
 public:
  GeneratorParam<Method> method{
      "method",
      Method::kLinear,
      {{"nearest", Method::kNearest}, {"linear", Method::kLinear}, {"cubic", Method::kCubic}}};
  GeneratorParam<schedules::Layout> layout{"layout", schedules::Layout::kPlanar,
                                           schedules::kLayoutNames};

  Input<Buffer<float, 4>> grad_output{"grad_output"};
  // The forward input's size: the gradient's size, needed before the output Func exists.
  Input<int> input_width{"input_width"};
  Input<int> input_height{"input_height"};
  Input<int> coordinate_mode{"coordinate_mode"};
  Input<int> nearest_mode{"nearest_mode"};
  Input<double> scale_x{"scale_x"};
  Input<double> scale_y{"scale_y"};
  Input<float> cubic_a{"cubic_a"};
  Input<bool> exclude_outside{"exclude_outside"};
  Output<Buffer<float, 4>> grad_input{"grad_input"};

  void generate() {
    const Method m = method;
    const Expr out_w = grad_output.dim(0).extent(), out_h = grad_output.dim(1).extent();
    const InterpolationParams params{coordinate_mode, nearest_mode, cubic_a, exclude_outside};
    define_axis_tables(m, y, tap, scale_y, input_height, out_h, params, y_index, y_weight);
    define_axis_tables(m, x, tap, scale_x, input_width, out_w, params, x_index, x_weight);
    auto weight = [&](Func& table, const Expr& v, const Expr& t) -> Expr {
      return m == Method::kNearest ? Expr(1.0f) : table(v, t);
    };

    // Output rows into input rows.
    Halide::RDom down(0, tap_count(m), 0, out_h, "down");
    const Expr to_row =
        Halide::unsafe_promise_clamped(y_index(down.y, down.x), 0, input_height - 1);
    rows(x, y, c, n) = 0.0f;
    rows(x, to_row, c, n) += weight(y_weight, down.y, down.x) * grad_output(x, down.y, c, n);

    // Then output columns into input columns.
    Halide::RDom across(0, tap_count(m), 0, out_w, "across");
    const Expr to_column =
        Halide::unsafe_promise_clamped(x_index(across.y, across.x), 0, input_width - 1);
    columns(x, y, c, n) = 0.0f;
    columns(to_column, y, c, n) += weight(x_weight, across.y, across.x) * rows(across.y, y, c, n);

    grad_input(x, y, c, n) = columns(x, y, c, n);
    grad_input.dim(0).set_extent(input_width);
    grad_input.dim(1).set_extent(input_height);

    grad_output.set_estimates({{0, 512}, {0, 512}, {0, 16}, {0, 1}});
    grad_input.set_estimates({{0, 256}, {0, 256}, {0, 16}, {0, 1}});
    input_width.set_estimate(256);
    input_height.set_estimate(256);
    coordinate_mode.set_estimate(0);
    nearest_mode.set_estimate(0);
    scale_x.set_estimate(0.0);
    scale_y.set_estimate(0.0);
    cubic_a.set_estimate(-0.75f);
    exclude_outside.set_estimate(false);
    schedules::ResizeBackwardFuncs funcs{grad_input,
                                         rows,
                                         columns,
                                         {x_index, x_weight, y_index, y_weight},
                                         grad_output,
                                         grad_input,
                                         x,
                                         y,
                                         c,
                                         n,
                                         m != Method::kNearest};
    schedules::constrain_resize_backward(funcs, layout);
    if (wants_autoscheduler()) return autoschedule({grad_input});
    schedules::schedule_resize_backward(funcs, get_target(), layout);
  }

 private:
  Halide::Var x{"x"}, y{"y"}, c{"c"}, n{"n"}, tap{"tap"};
  Func x_index{"x_index"}, x_weight{"x_weight"}, y_index{"y_index"}, y_weight{"y_weight"};
  Func rows{"rows"}, columns{"columns"};
};

}  // namespace
}  // namespace upsample::generators

HALIDE_REGISTER_GENERATOR(upsample::generators::ResizeBackward, resize_backward)
