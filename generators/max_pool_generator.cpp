// Max pooling with indices, and max unpooling by those indices (PyTorch max_pool2d with
// return_indices, max_unpool2d; ONNX MaxPool / MaxUnpool). Buffers are (x, y, c, n) = (W, H, C, N).
#include "Halide.h"
#include "common/tunable_generator.h"
#include "max_pool_schedule.h"

namespace upsample::generators {
namespace {

using Halide::Expr;
using Halide::Func;

enum class IndexSpace : int { kPlane = 0, kTensor = 1 };  // values match upsample::IndexSpace

// How many rows of a window the index check tests (taller windows are never gathered).
constexpr int kMaxWindowRows = 4;

// Whether a float16 or float32 value is a NaN, from its bits: all-ones exponent, mantissa not 0.
Expr is_nan_bits(const Expr& value) {
  const int bits = value.type().bits();
  const Halide::Type as_uint = Halide::UInt(bits);
  const uint64_t magnitude_mask = (uint64_t(1) << (bits - 1)) - 1;
  const uint64_t infinity = bits == 16 ? 0x7c00 : 0x7f800000;
  Expr magnitude =
      Halide::reinterpret(as_uint, value) & Halide::cast(as_uint, Expr(magnitude_mask));
  return magnitude > Halide::cast(as_uint, Expr(infinity));
}

// The flat index of (x, y) in plane (c, n) of a W x H x C image: within the plane, or over the
// whole NCHW tensor.
Expr flat_index(const Expr& space, const Expr& x, const Expr& y, const Expr& c, const Expr& n,
                const Expr& width, const Expr& height, const Expr& channels) {
  using Halide::cast;
  Expr in_plane = cast<int64_t>(y) * width + x;
  Expr plane = (cast<int64_t>(n) * channels + c) * cast<int64_t>(height) * width;
  return Halide::select(space == int(IndexSpace::kTensor), plane + in_plane, in_plane);
}

// The offset in its element's (c, n) plane of an index that lies in that plane: a tensor-space
// index less its plane's start. A plane's size fits int32 (a Halide buffer's size), so the offset
// is computed in wrapping 32-bit unsigned arithmetic, exact for such indices, and int64 indices
// need no 64-bit lanes.
Expr in_plane_offset(const Expr& index, const Expr& space, const Expr& c, const Expr& n,
                     const Expr& channels, const Expr& plane_size) {
  using Halide::cast;
  const Expr plane_start = (cast<int64_t>(n) * channels + c) * cast<int64_t>(plane_size);
  const Expr start = Halide::select(space == int(IndexSpace::kTensor), cast<uint32_t>(plane_start),
                                    cast<uint32_t>(0));
  return cast<int>(cast<uint32_t>(index) - start);
}

// What the autoschedulers plan a max-unpooling pipeline (the scatter or the gather) for: 64
// channels of `size` x `size` unpooled by 2.
template <typename MaxUnpoolGenerator>
void set_max_unpool_estimates(MaxUnpoolGenerator& g, int size) {
  g.input.set_estimates({{0, size}, {0, size}, {0, 64}, {0, 1}});
  g.indices.set_estimates({{0, size}, {0, size}, {0, 64}, {0, 1}});
  g.output.set_estimates({{0, 2 * size}, {0, 2 * size}, {0, 64}, {0, 1}});
  g.output_width.set_estimate(2 * size);
  g.output_height.set_estimate(2 * size);
  g.index_space.set_estimate(0);
}

// Indices are int32 or int64 (Halide's generator type names stop at 32 bits, so the index type is
// a template parameter and each is registered as its own generator).
template <typename Index>
class MaxPool : public TunableGenerator<MaxPool<Index>> {
 public:
  Halide::GeneratorParam<schedules::Layout> layout{"layout", schedules::Layout::kPlanar,
                                                   schedules::kLayoutNames};

  Halide::GeneratorInput<Halide::Buffer<void, 4>> input{"input"};
  Halide::GeneratorInput<int> kernel_x{"kernel_x"}, kernel_y{"kernel_y"};
  Halide::GeneratorInput<int> stride_x{"stride_x"}, stride_y{"stride_y"};
  Halide::GeneratorInput<int> padding_x{"padding_x"}, padding_y{"padding_y"};
  Halide::GeneratorInput<int> dilation_x{"dilation_x"}, dilation_y{"dilation_y"};
  Halide::GeneratorInput<int> index_space{"index_space"};
  Halide::GeneratorOutput<Halide::Buffer<void, 4>> values{"values"};
  Halide::GeneratorOutput<Halide::Buffer<Index, 4>> indices{"indices"};

  void generate() {
    using Halide::select;
    const Expr width = input.dim(0).extent(), height = input.dim(1).extent();
    const Halide::Type type = input.type();
    // Windows are scanned in row-major order; a position in the padding never wins.
    Halide::RDom window(0, kernel_x, 0, kernel_y, "window");
    const Expr ix = x * stride_x - padding_x + window.x * dilation_x;
    const Expr iy = y * stride_y - padding_y + window.y * dilation_y;
    const Expr inside = ix >= 0 && ix < width && iy >= 0 && iy < height;
    const Expr v = input(Halide::clamp(ix, 0, width - 1), Halide::clamp(iy, 0, height - 1), c, n);

    pooled(x, y, c, n) = {Halide::cast(type, 0), Halide::cast<int64_t>(-1),
                          Halide::cast<bool>(false)};
    const Expr best = pooled(x, y, c, n)[0];
    const Expr found = pooled(x, y, c, n)[2];
    // PyTorch's rule: (v > best) || isnan(v), so a NaN wins, and so does each later NaN. NaN is
    // recognised from the bits, and a NaN best is never compared: float compares may be
    // compiled assuming there are no NaNs.
    Expr better = v > best;
    if (type.is_float()) {
      better = is_nan_bits(v) || (!is_nan_bits(best) && better);
    }
    const Expr take = inside && (!found || better);
    const Expr index = flat_index(index_space, ix, iy, c, n, width, height, input.dim(2).extent());
    pooled(x, y, c, n) = {select(take, v, best), select(take, index, pooled(x, y, c, n)[1]),
                          found || inside};

    values(x, y, c, n) = pooled(x, y, c, n)[0];
    indices(x, y, c, n) = Halide::cast<Index>(pooled(x, y, c, n)[1]);

    input.set_estimates({{0, 256}, {0, 256}, {0, 64}, {0, 1}});
    values.set_estimates({{0, 128}, {0, 128}, {0, 64}, {0, 1}});
    indices.set_estimates({{0, 128}, {0, 128}, {0, 64}, {0, 1}});
    for (Halide::GeneratorInput<int>* param : {&kernel_x, &kernel_y, &stride_x, &stride_y})
      param->set_estimate(2);
    for (Halide::GeneratorInput<int>* param : {&padding_x, &padding_y}) param->set_estimate(0);
    for (Halide::GeneratorInput<int>* param : {&dilation_x, &dilation_y}) param->set_estimate(1);
    index_space.set_estimate(0);
    schedules::MaxPoolFuncs funcs{values, indices, pooled, input, values, indices, x, y, c, n};
    schedules::constrain_max_pool(funcs, layout);
    if (this->wants_autoscheduler()) return this->autoschedule({values, indices});
    schedules::schedule_max_pool(funcs, this->get_target(), layout);
  }

 private:
  Halide::Var x{"x"}, y{"y"}, c{"c"}, n{"n"};
  Func pooled{"pooled"};
};

template <typename Index>
class MaxUnpool : public TunableGenerator<MaxUnpool<Index>> {
 public:
  Halide::GeneratorParam<schedules::Layout> layout{"layout", schedules::Layout::kPlanar,
                                                   schedules::kLayoutNames};
  // Lanes of the zeroing and output stores (0: the target's natural width for the type).
  Halide::GeneratorParam<int> vector_lanes{"vector_lanes", 0};

  Halide::GeneratorInput<Halide::Buffer<void, 4>> input{"input"};
  Halide::GeneratorInput<Halide::Buffer<Index, 4>> indices{"indices"};  // the shape of input
  // The output size: the scatter needs it before the output Func exists.
  Halide::GeneratorInput<int> output_width{"output_width"};
  Halide::GeneratorInput<int> output_height{"output_height"};
  Halide::GeneratorInput<int> index_space{"index_space"};
  Halide::GeneratorOutput<Halide::Buffer<void, 4>> output{"output"};

  void generate() {
    // The runtime has checked every index: inside the output and in its element's own plane.
    // The scatter writes a flat plane buffer by the index's in-plane offset, so no element needs
    // a division into (x, y); the output then reads that buffer row by row.
    Halide::RDom element(0, input.dim(0).extent(), 0, input.dim(1).extent(), "element");
    const Expr plane_size = output_width * output_height;  // fits int32: a Halide buffer's size
    const Expr in_plane = in_plane_offset(indices(element.x, element.y, c, n), index_space, c, n,
                                          input.dim(2).extent(), plane_size);
    scattered(i, c, n) = Halide::cast(input.type(), 0);
    // Later elements overwrite earlier ones at the same position: the update runs in order. The
    // clamp (two scalar ops) keeps a direct caller that skipped the check inside the buffer.
    scattered(Halide::clamp(in_plane, 0, plane_size - 1), c, n) = input(element.x, element.y, c, n);
    output(x, y, c, n) = scattered(y * output_width + x, c, n);
    output.dim(0).set_extent(output_width);
    output.dim(1).set_extent(output_height);

    set_max_unpool_estimates(*this, 128);
    schedules::MaxUnpoolFuncs funcs{output, scattered, input, indices, output, x, y, c, n, i};
    schedules::constrain_max_unpool(funcs, layout);
    if (this->wants_autoscheduler()) return this->autoschedule({output});
    schedules::schedule_max_unpool(funcs, this->get_target(), layout,
                                   this->tuned("vector_lanes", vector_lanes));
  }

 private:
  Halide::Var x{"x"}, y{"y"}, c{"c"}, n{"n"}, i{"i"};
  Func scattered{"scattered"};  // (i, c, n): one output plane, flat
};

// Max unpooling where the runtime's check found every index inside its element's own window:
// the window_x x window_y block of output pixels at (x * window_x, y * window_y) of element
// (x, y), cut at the output's edge, as max pooling with kernel = stride and no padding makes them.
// Windows do not overlap, so output pixel (x, y) can only hold the value of the element of window
// (x / window_x, y / window_y): a gather, one compare per output pixel with dense loads, instead
// of a serial scatter into a plane buffer that is then copied out.
template <typename Index>
class MaxUnpoolWindows : public TunableGenerator<MaxUnpoolWindows<Index>> {
 public:
  Halide::GeneratorParam<schedules::Layout> layout{"layout", schedules::Layout::kPlanar,
                                                   schedules::kLayoutNames};
  // Lanes of the output's vectors (0: the target's natural width for the type).
  Halide::GeneratorParam<int> vector_lanes{"vector_lanes", 0};
  // Output rows per parallel task (0: the schedule's default).
  Halide::GeneratorParam<int> rows_per_task{"rows_per_task", 0};

  Halide::GeneratorInput<Halide::Buffer<void, 4>> input{"input"};
  Halide::GeneratorInput<Halide::Buffer<Index, 4>> indices{"indices"};  // the shape of input
  Halide::GeneratorInput<int> output_width{"output_width"};
  Halide::GeneratorInput<int> output_height{"output_height"};
  Halide::GeneratorInput<int> window_x{"window_x"}, window_y{"window_y"};
  Halide::GeneratorInput<int> index_space{"index_space"};
  Halide::GeneratorOutput<Halide::Buffer<void, 4>> output{"output"};

  void generate() {
    const Expr column = x / window_x, row = y / window_y;
    const Expr plane_size = output_width * output_height;
    const Expr offset = in_plane_offset(indices(column, row, c, n), index_space, c, n,
                                        input.dim(2).extent(), plane_size);
    output(x, y, c, n) = Halide::select(offset == y * output_width + x, input(column, row, c, n),
                                        Halide::cast(input.type(), 0));
    output.dim(0).set_extent(output_width);
    output.dim(1).set_extent(output_height);

    set_max_unpool_estimates(*this, 64);
    window_x.set_estimate(2);
    window_y.set_estimate(2);
    schedules::MaxUnpoolWindowsFuncs funcs{output, input, indices, output, window_x, x, y, c, n};
    schedules::constrain_max_unpool_windows(funcs, layout);
    if (this->wants_autoscheduler()) return this->autoschedule({output});
    schedules::schedule_max_unpool_windows(funcs, this->get_target(), layout,
                                           this->tuned("vector_lanes", vector_lanes),
                                           this->tuned("rows_per_task", rows_per_task));
  }

 private:
  Halide::Var x{"x"}, y{"y"}, c{"c"}, n{"n"};
};

// Where max-unpooling indices lie, row by row: bad_rows(y, n) is the largest flag of row y of
// batch n, an element's flag being 2 when its index is outside its element's output plane (an
// error), 1 when it is in the plane but not shown to be in the element's own window (see
// MaxUnpoolWindows; window_x 0 tests no windows, and windows are tested up to kMaxWindowRows rows
// tall), 0 when it is in its window. The runtime runs it before writing any output, so a bad index
// fails the call first (it then looks for the offending element only in a flagged row), and all
// zeros let it gather by windows instead of scattering.
template <typename Index>
class UnpoolIndexCheck : public TunableGenerator<UnpoolIndexCheck<Index>> {
 public:
  Halide::GeneratorParam<schedules::Layout> layout{"layout", schedules::Layout::kPlanar,
                                                   schedules::kLayoutNames};

  Halide::GeneratorInput<Halide::Buffer<Index, 4>> indices{"indices"};
  Halide::GeneratorInput<int> output_width{"output_width"};
  Halide::GeneratorInput<int> output_height{"output_height"};
  Halide::GeneratorInput<int> window_x{"window_x"}, window_y{"window_y"};
  Halide::GeneratorInput<int> index_space{"index_space"};
  Halide::GeneratorOutput<Halide::Buffer<uint8_t, 2>> bad_rows{"bad_rows"};

  void generate() {
    // Reduce along the layout's contiguous axis first.
    const Expr width = indices.dim(0).extent(), channels = indices.dim(2).extent();
    const bool planar = layout == schedules::Layout::kPlanar;
    Halide::RDom element = planar ? Halide::RDom(0, width, 0, channels, "element")
                                  : Halide::RDom(0, channels, 0, width, "element");
    const Expr ex = planar ? element.x : element.y;
    const Expr ec = planar ? element.y : element.x;
    const Expr plane_size = Halide::cast<int64_t>(output_width) * output_height;
    const Expr plane_start = Halide::select(index_space == int(IndexSpace::kTensor),
                                            (Halide::cast<int64_t>(n) * channels + ec) * plane_size,
                                            Halide::cast<int64_t>(0));
    // One unsigned compare tests both ends of [start, start + plane_size).
    const Expr offset =
        Halide::cast<uint64_t>(Halide::cast<int64_t>(indices(ex, y, ec, n)) - plane_start);
    const Expr in_plane = offset < Halide::cast<uint64_t>(plane_size);
    // The window: from pixel (first_column, first_row), columns x rows, cut at the output's edge.
    // Offsets in the plane fit 32 bits; wrapping unsigned arithmetic keeps rows past the output
    // (rows <= 0, never inside) from overflowing.
    using Halide::cast;
    const Expr first_column = cast<uint32_t>(ex * window_x);
    const Expr first_row = cast<uint32_t>(y * window_y);
    const Expr columns =
        cast<uint32_t>(Halide::max(0, Halide::min(window_x, output_width - ex * window_x)));
    const Expr rows = Halide::min(window_y, output_height - y * window_y);
    const Expr row_length = cast<uint32_t>(output_width);
    const Expr from_corner = cast<uint32_t>(offset) - (first_row * row_length + first_column);
    Expr in_window;
    for (int j = 0; j < kMaxWindowRows; j++) {
      const Expr in_row = j < rows && from_corner - row_length * j < columns;
      in_window = j == 0 ? in_row : in_window || in_row;
    }
    const Expr flag = Halide::select(!in_plane, 2, in_window, 0, 1);
    any_bad(y, n) = cast<uint8_t>(0);
    any_bad(y, n) = Halide::max(any_bad(y, n), cast<uint8_t>(flag));
    bad_rows(y, n) = any_bad(y, n);

    indices.set_estimates({{0, 128}, {0, 128}, {0, 64}, {0, 1}});
    bad_rows.set_estimates({{0, 128}, {0, 1}});
    output_width.set_estimate(256);
    output_height.set_estimate(256);
    window_x.set_estimate(2);
    window_y.set_estimate(2);
    index_space.set_estimate(0);
    schedules::UnpoolIndexCheckFuncs funcs{bad_rows,  any_bad,  indices, element.x,
                                           element.y, window_y, y,       n};
    schedules::constrain_unpool_index_check(funcs, layout);
    if (this->wants_autoscheduler()) return this->autoschedule({bad_rows});
    schedules::schedule_unpool_index_check(funcs, this->get_target(), layout);
  }

 private:
  Halide::Var y{"y"}, n{"n"};
  Func any_bad{"any_bad"};
};

}  // namespace
}  // namespace upsample::generators

using MaxPoolInt32 = upsample::generators::MaxPool<int32_t>;
using MaxPoolInt64 = upsample::generators::MaxPool<int64_t>;
using MaxUnpoolInt32 = upsample::generators::MaxUnpool<int32_t>;
using MaxUnpoolInt64 = upsample::generators::MaxUnpool<int64_t>;
HALIDE_REGISTER_GENERATOR(MaxPoolInt32, max_pool_i32)
HALIDE_REGISTER_GENERATOR(MaxPoolInt64, max_pool_i64)
HALIDE_REGISTER_GENERATOR(MaxUnpoolInt32, max_unpool_i32)
HALIDE_REGISTER_GENERATOR(MaxUnpoolInt64, max_unpool_i64)
using MaxUnpoolWindowsInt32 = upsample::generators::MaxUnpoolWindows<int32_t>;
using MaxUnpoolWindowsInt64 = upsample::generators::MaxUnpoolWindows<int64_t>;
HALIDE_REGISTER_GENERATOR(MaxUnpoolWindowsInt32, max_unpool_windows_i32)
HALIDE_REGISTER_GENERATOR(MaxUnpoolWindowsInt64, max_unpool_windows_i64)
using UnpoolIndexCheckInt32 = upsample::generators::UnpoolIndexCheck<int32_t>;
using UnpoolIndexCheckInt64 = upsample::generators::UnpoolIndexCheck<int64_t>;
HALIDE_REGISTER_GENERATOR(UnpoolIndexCheckInt32, unpool_index_check_i32)
HALIDE_REGISTER_GENERATOR(UnpoolIndexCheckInt64, unpool_index_check_i64)
