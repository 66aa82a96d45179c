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
    const Expr index = indices(element.x, element.y, c, n);
    const Expr plane_start =
        (Halide::cast<int64_t>(n) * input.dim(2).extent() + c) * Halide::cast<int64_t>(plane_size);
    // Tensor-space indices subtract their plane's start in 64 bits, then fit in 32.
    const Expr in_plane = Halide::select(
        index_space == int(IndexSpace::kTensor),
        Halide::cast<int>(Halide::cast<int64_t>(index) - plane_start), Halide::cast<int>(index));
    scattered(i, c, n) = Halide::cast(input.type(), 0);
    // Later elements overwrite earlier ones at the same position: the update runs in order. The
    // clamp (two scalar ops) keeps a direct caller that skipped the check inside the buffer.
    scattered(Halide::clamp(in_plane, 0, plane_size - 1), c, n) = input(element.x, element.y, c, n);
    output(x, y, c, n) = scattered(y * output_width + x, c, n);
    output.dim(0).set_extent(output_width);
    output.dim(1).set_extent(output_height);

    input.set_estimates({{0, 128}, {0, 128}, {0, 64}, {0, 1}});
    indices.set_estimates({{0, 128}, {0, 128}, {0, 64}, {0, 1}});
    output.set_estimates({{0, 256}, {0, 256}, {0, 64}, {0, 1}});
    output_width.set_estimate(256);
    output_height.set_estimate(256);
    index_space.set_estimate(0);
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

// Which rows of max-unpooling indices hold an index outside its element's output plane:
// bad_rows(y, n) is 1 where any (x, c) of row y of batch n does. The runtime runs it before the
// scatter, so a bad index fails the call before any output is written, and then looks for the
// offending element only in a flagged row.
template <typename Index>
class UnpoolIndexCheck : public TunableGenerator<UnpoolIndexCheck<Index>> {
 public:
  Halide::GeneratorParam<schedules::Layout> layout{"layout", schedules::Layout::kPlanar,
                                                   schedules::kLayoutNames};

  Halide::GeneratorInput<Halide::Buffer<Index, 4>> indices{"indices"};
  Halide::GeneratorInput<int> output_width{"output_width"};
  Halide::GeneratorInput<int> output_height{"output_height"};
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
    const Expr bad = Halide::cast<uint8_t>(offset >= Halide::cast<uint64_t>(plane_size));
    any_bad(y, n) = Halide::cast<uint8_t>(0);
    any_bad(y, n) = Halide::max(any_bad(y, n), bad);
    bad_rows(y, n) = any_bad(y, n);

    indices.set_estimates({{0, 128}, {0, 128}, {0, 64}, {0, 1}});
    bad_rows.set_estimates({{0, 128}, {0, 1}});
    output_width.set_estimate(256);
    output_height.set_estimate(256);
    index_space.set_estimate(0);
    schedules::UnpoolIndexCheckFuncs funcs{bad_rows, any_bad, indices, element.x, y, n};
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
using UnpoolIndexCheckInt32 = upsample::generators::UnpoolIndexCheck<int32_t>;
using UnpoolIndexCheckInt64 = upsample::generators::UnpoolIndexCheck<int64_t>;
HALIDE_REGISTER_GENERATOR(UnpoolIndexCheckInt32, unpool_index_check_i32)
HALIDE_REGISTER_GENERATOR(UnpoolIndexCheckInt64, unpool_index_check_i64)
