#include "unpool_schedule.h"

#include <algorithm>
#include <numeric>

#include "common_schedule.h"

namespace upsample::schedules {

void schedule_unpool(UnpoolFuncs& f, const Halide::Target& target, const UnpoolTunables& tunables) {
  const int lanes = tunables.vector_lanes > 0 ? tunables.vector_lanes
                                              : target.natural_vector_size(f.output_param.type());
  ImageGeometry geometry(f.input, f.output_param, tunables.layout);
  geometry.constrain_strides();
  if (target.has_gpu_feature()) {
    f.source_column.compute_root();  // on the host
    gpu_tile_image(f.output, f.x, f.y, f.c, f.n, tunables.layout);
    return;
  }

  if (tunables.streaming) require_streaming_alignment(f.output_param, tunables.layout);
  Halide::Var task("task");
  RowTasks rows =
      split_rows(f.output, f.x, f.y, f.c, f.n, task, tunables.layout, tunables.rows_per_task);
  // Packed pixels are unpooled as planes, one row at a time, and interleaved when stored: Halide
  // then writes whole vectors of pixels instead of one channel at a time.
  const bool packed = packed_channels(tunables.layout) != 0;
  Halide::Func values = packed ? f.unpooled : f.output;
  const Layout values_layout = packed ? Layout::kPlanar : tunables.layout;
  if (packed) {
    // Chunks of a row keep the planes in L1 whatever the image width; a chunk's buffer has a
    // fixed size, so it lives on the stack. It holds at least one vector of every factor's
    // specialization below (lcm(lanes, 3) for factor 3), whatever chunk width was asked for.
    int widest_vector = lanes;
    for (int factor : {2, 3, 4}) widest_vector = std::max(widest_vector, std::lcm(lanes, factor));
    const int chunk_width = std::max(tunables.chunk_width, widest_vector);
    Halide::Var chunk("chunk"), column("column");
    f.output.split(f.x, chunk, f.x, chunk_width, Halide::TailStrategy::GuardWithIf);
    f.unpooled.compute_at(f.output, chunk).bound_storage(f.x, chunk_width);
  }
  // A known horizontal factor turns x / factor into shuffles of dense loads: each small factor
  // gets its own code; larger ones read their source columns from a table.
  f.source_column.compute_root();
  for (int factor : {1, 2, 3, 4}) {
    // Whole periods of `factor` columns per vector keep each source column at fixed lanes.
    vectorize_rows(values.specialize(f.factor_x == factor), f.x, f.c, geometry,
                   geometry.output_width(), std::lcm(lanes, factor), values_layout);
  }
  vectorize_rows(values.specialize(f.large_factor_x), f.x, f.c, geometry, geometry.output_width(),
                 lanes, values_layout);
  values.specialize_fail("unpool: factor_x must be at least 1");
  if (packed) {
    vectorize_rows(f.output, f.x, f.c, geometry, geometry.output_width(), lanes, tunables.layout);
  }
}

}  // namespace upsample::schedules
