#include "shuffle_schedule.h"

#include "common_schedule.h"

namespace upsample::schedules {

void schedule_shuffle(ShuffleFuncs& f, const Halide::Target& target,
                      const ShuffleTunables& tunables) {
  const int lanes = tunables.vector_lanes > 0 ? tunables.vector_lanes
                                              : target.natural_vector_size(f.output_param.type());
  ImageGeometry geometry(f.input, f.output_param, tunables.layout);
  geometry.constrain_strides();
  if (target.has_gpu_feature()) {
    gpu_tile_output(f.output, f.x, f.y, f.c, f.n, tunables.layout, f.output_param.dim(2).extent(),
                    f.factor_x == 2 && f.factor_y == 2);
    return;
  }
  Halide::Var task("task");
  split_rows(f.output, f.x, f.y, f.c, f.n, task, tunables.layout, tunables.rows_per_task);
  vectorize_rows(f.output, f.x, f.c, geometry, geometry.output_width(), lanes, tunables.layout);
}

}  // namespace upsample::schedules
