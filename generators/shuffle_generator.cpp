// Pixel shuffle (depth to space) and unshuffle (space to depth). Copies, generated per element
// size. Buffers are (x, y, c, n) = (W, H, C, N).
#include "Halide.h"
#include "common/tunable_generator.h"
#include "common_schedule.h"
#include "shuffle_schedule.h"

namespace upsample::generators {
namespace {

using Halide::Expr;

enum class Direction : int { kToSpace = 0, kToDepth = 1 };
enum class Order : int { kCRD = 0, kDCR = 1 };  // values match upsample::ShuffleOrder

class Shuffle : public TunableGenerator<Shuffle> {
 public:
  GeneratorParam<Direction> direction{
      "direction",
      Direction::kToSpace,
      {{"to_space", Direction::kToSpace}, {"to_depth", Direction::kToDepth}}};
  GeneratorParam<schedules::Layout> layout{"layout", schedules::Layout::kPlanar,
                                           schedules::kLayoutNames};
  // 0: the factor along x is known at run time only. k > 0: the variant for factor_x == k, whose
  // column arithmetic is constant, so Halide moves whole vectors instead of gathering.
  GeneratorParam<int> fixed_factor_x{"fixed_factor_x", 0};
  GeneratorParam<int> vector_lanes{"vector_lanes", 0};
  GeneratorParam<int> rows_per_task{"rows_per_task", 16};

  Input<Buffer<void, 4>> input{"input"};
  Input<int> factor_x{"factor_x"};
  Input<int> factor_y{"factor_y"};
  Input<int> order{"order"};
  Output<Buffer<void, 4>> output{"output"};

  void generate() {
    const Expr fx = fixed_factor_x > 0 ? Expr(int(fixed_factor_x)) : Expr(factor_x);
    const Expr fy = factor_y;
    const Expr block = fx * fy;
    const Expr in_c = input.dim(2).extent();
    if (direction == Direction::kToSpace) {
      // output[x, y, c] = input[x / fx, y / fy, depth(c, y % fy, x % fx)]
      const Expr channels = in_c / block;
      const Expr i = y % fy, j = x % fx;
      const Expr depth = Halide::select(order == int(Order::kDCR), (i * fx + j) * channels + c,
                                        c * block + i * fx + j);
      Expr value = input(inside(x / fx, 0), inside(y / fy, 1), inside(depth, 2), n);
      if (fixed_factor_x > 0) {
        // With fx known, each column phase j reads one channel's row densely, and a constant
        // lane mask picks the phases: no per-lane channel index, so no gather.
        auto phase_depth = [&](int phase) {
          return Halide::select(order == int(Order::kDCR), (i * fx + phase) * channels + c,
                                c * block + i * fx + phase);
        };
        value = input(inside(x / fx, 0), inside(y / fy, 1), inside(phase_depth(0), 2), n);
        for (int phase = 1; phase < fixed_factor_x; phase++) {
          value = Halide::select(
              j == phase,
              input(inside(x / fx, 0), inside(y / fy, 1), inside(phase_depth(phase), 2), n), value);
        }
      }
      output(x, y, c, n) = value;
    } else {
      // output[x, y, depth(c, i, j)] = input[x * fx + j, y * fy + i, c]
      const Expr crd_offset = c % block, dcr_offset = c / in_c;
      const Expr offset = Halide::select(order == int(Order::kDCR), dcr_offset, crd_offset);
      const Expr source_c = Halide::select(order == int(Order::kDCR), c % in_c, c / block);
      const Expr i = offset / fx, j = offset % fx;
      output(x, y, c, n) =
          input(inside(x * fx + j, 0), inside(y * fy + i, 1), inside(source_c, 2), n);
    }

    input.set_estimates({{0, 256}, {0, 256}, {0, 64}, {0, 1}});
    output.set_estimates({{0, 512}, {0, 512}, {0, 16}, {0, 1}});
    factor_x.set_estimate(2);
    factor_y.set_estimate(2);
    order.set_estimate(0);
    if (wants_autoscheduler()) {
      schedules::constrain_strides({input, output}, layout);
      autoschedule({output});
      return;
    }
    schedules::ShuffleFuncs funcs{output, input, output, fx, fy, x, y, c, n};
    schedules::ShuffleTunables tunables;
    tunables.layout = layout;
    tunables.vector_lanes = tuned("vector_lanes", vector_lanes);
    tunables.rows_per_task = tuned("rows_per_task", rows_per_task);
    schedules::schedule_shuffle(funcs, get_target(), tunables);
  }

 private:
  Halide::Var x{"x"}, y{"y"}, c{"c"}, n{"n"};

  // The runtime checks the shapes against the factors, so every index is inside the input; the
  // promise lets bounds inference see that.
  Expr inside(const Expr& index, int dim) {
    return Halide::unsafe_promise_clamped(index, 0, input.dim(dim).extent() - 1);
  }
};

}  // namespace
}  // namespace upsample::generators

HALIDE_REGISTER_GENERATOR(upsample::generators::Shuffle, shuffle)
