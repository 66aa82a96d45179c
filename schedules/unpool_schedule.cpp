#include "unpool_schedule.h"

#include <numeric>

#include "common_schedule.h"

namespace upsample::schedules {

void schedule_unpool(UnpoolFuncs& f, const Halide::Target& target, const UnpoolTunables& tunables) {
  const int lanes = tunables.vector_lanes > 0 ? tunables.vector_lanes
                                              : target.natural_vector_size(f.output_param.type());
  ImageGeometry geometry(f.input, f.output_param, tunables.layout);
  geometry.constrain_strides();
  if (target.has_gpu_feature()) {
    gpu_compute_tables({f.source_column}, target);
    gpu_tile_output(f.output, f.x, f.y, f.c, f.n, tunables.layout, f.output_param.dim(2).extent(),
                    f.factor_x == 2 && f.factor_y == 2);
    return;
  }

  if (tunables.streaming) require_streaming_alignment(f.output_param, tunables.layout);
  Halide::Var task("task");
  split_rows(f.output, f.x, f.y, f.c, f.n, task, tunables.layout, tunables.rows_per_task);
  // A known horizontal factor turns x / factor into shuffles of dense loads: each small factor
  // gets its own code; larger ones read their source columns from a table. Packed pixels are
  // copied in memory order, whole periods of `factor` pixels per vector (vectorize_packed_periods).
  f.source_column.compute_root();
  const int channels = packed_channels(tunables.layout);
  for (int factor : {1, 2, 3, 4}) {
    Halide::Stage stage = f.output.specialize(f.factor_x == factor);
    if (channels != 0) {
      // Copies: always whole vectors (up to 9 for 3 RGB pixels), so streaming stores are aligned.
      vectorize_packed_periods(stage, f.x, f.c, geometry.output_width(), channels, factor, lanes,
                               9);
    } else {
      // Whole periods of `factor` columns per vector keep each source column at fixed lanes.
      vectorize_rows(stage, f.x, f.c, geometry, geometry.output_width(), std::lcm(lanes, factor),
                     tunables.layout);
    }
  }
  vectorize_rows(f.output.specialize(f.large_factor_x), f.x, f.c, geometry, geometry.output_width(),
                 lanes, tunables.layout);
  f.output.specialize_fail("unpool: factor_x must be at least 1");
}

}  // namespace upsample::schedules
