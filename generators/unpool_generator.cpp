// Unpooling by an integer factor per axis: nearest block copy, or bed of nails (the value at the
// top-left of each block, zeros elsewhere). A copy, so generated per element size, not per dtype.
#include "Halide.h"
#include "common/tunable_generator.h"
#include "common_schedule.h"
#include "unpool_schedule.h"

namespace upsample::generators {
namespace {

using Halide::Expr;

enum class UnpoolMode : int { kNearest = 0, kBedOfNails = 1 };

class Unpool : public TunableGenerator<Unpool> {
 public:
  GeneratorParam<UnpoolMode> mode{
      "mode",
      UnpoolMode::kNearest,
      {{"nearest", UnpoolMode::kNearest}, {"bed_of_nails", UnpoolMode::kBedOfNails}}};
  GeneratorParam<schedules::Layout> layout{"layout", schedules::Layout::kPlanar,
                                           schedules::kLayoutNames};
  GeneratorParam<int> vector_lanes{"vector_lanes", 0};
  GeneratorParam<int> rows_per_task{"rows_per_task", 16};
  // For outputs larger than the caches: the build gives this variant non-temporal stores
  // (generators/streaming_stores.cpp), and it requires an aligned output for them.
  GeneratorParam<bool> streaming{"streaming", false};

  Input<Buffer<void, 4>> input{"input"};
  Input<int> factor_x{"factor_x"};
  Input<int> factor_y{"factor_y"};
  Output<Buffer<void, 4>> output{"output"};

  void generate() {
    // Along x, small factors divide in the expression (the schedule specializes on each, so the
    // division becomes shuffles); large ones read a table of source columns, since a division by
    // a factor known only at run time costs a scalar divide per pixel.
    source_column(x) = x / factor_x;
    Expr large = factor_x > kLargestInlineFactor;
    Expr column = Halide::select(large, source_column(x), x / factor_x);
    // The caller guarantees output extents are input extents times the factors, so the source
    // pixel is always inside the input; the promise lets bounds inference see that.
    Expr source_x = Halide::unsafe_promise_clamped(column, 0, input.dim(0).extent() - 1);
    Expr source_y = Halide::unsafe_promise_clamped(y / factor_y, 0, input.dim(1).extent() - 1);
    Expr value = input(source_x, source_y, c, n);
    if (mode == UnpoolMode::kBedOfNails) {
      Expr corner = column * factor_x == x && y % factor_y == 0;
      value = Halide::select(corner, value, Halide::cast(value.type(), 0));
    }
    output(x, y, c, n) = value;

    input.set_estimates({{0, 1920}, {0, 1080}, {0, 3}, {0, 1}});
    output.set_estimates({{0, 3840}, {0, 2160}, {0, 3}, {0, 1}});
    factor_x.set_estimate(2);
    factor_y.set_estimate(2);

    if (wants_autoscheduler()) {
      schedules::constrain_strides({input, output}, layout);
      autoschedule({output});
      return;
    }
    schedules::UnpoolFuncs funcs{
        output, source_column, input, output, factor_x, factor_y, large, x, y, c, n};
    schedules::UnpoolTunables tunables;
    tunables.layout = layout;
    tunables.vector_lanes = tuned("vector_lanes", vector_lanes);
    tunables.rows_per_task = tuned("rows_per_task", rows_per_task);
    tunables.streaming = streaming;
    schedules::schedule_unpool(funcs, get_target(), tunables);
  }

 private:
  Halide::Var x{"x"}, y{"y"}, c{"c"}, n{"n"};
  Halide::Func source_column{"source_column"};
  static constexpr int kLargestInlineFactor = 4;
};

}  // namespace
}  // namespace upsample::generators

HALIDE_REGISTER_GENERATOR(upsample::generators::Unpool, unpool)
