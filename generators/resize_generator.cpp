// Resize by nearest, linear or cubic interpolation with ONNX Resize semantics. The algorithm only:
// schedules/resize_schedule.cpp decides loops, vectors, threads and storage.
//
// Buffers are (x, y, c, n) = (W, H, C, N); the layout parameter says which of x or c has unit
// stride. A packed input (RGB, RGBA) arrives as rows of elements instead: dim 0 spans the W * C
// elements of a row and dim 2 has extent 1, so the vertical pass reads rows in memory order.
// Interpolation is separable, in one of two orders. Phased variants (the output is k / q times the
// input along x) interpolate along y first (`vertical`, at input width, one row per output row),
// then along x with dense vectors. Tabled variants (any ratio) read their x taps with gathers, the
// costly part, so they resize input rows along x first (`across`) and then blend rows along y: a
// band of output rows gathers each input row it reads once, instead of once per output row, and
// linear and cubic gather a column's taps packed in one or two words (`tap_words`).
// The taps of each output row and column come from small tables computed once per call.
#include "Halide.h"
#include "common/coordinates.h"
#include "common/interpolation.h"
#include "common/rounding.h"
#include "common/tunable_generator.h"
#include "common_schedule.h"
#include "resize_schedule.h"

namespace upsample::generators {
namespace {

using Halide::Expr;
using Halide::Func;

class Resize : public TunableGenerator<Resize> {
 public:
  GeneratorParam<Method> method{
      "method",
      Method::kLinear,
      {{"nearest", Method::kNearest}, {"linear", Method::kLinear}, {"cubic", Method::kCubic}}};
  GeneratorParam<schedules::Layout> layout{"layout", schedules::Layout::kPlanar,
                                           schedules::kLayoutNames};
  // 0: any output width. p > 0: the output is exactly p / q times the input along x (q is
  // phase_stride) and the coordinate mode makes the taps periodic (every mode but align_corners,
  // without exclude_outside), so output column p * i + r reads input columns q * i + offset(r, tap)
  // with weights weight(r, tap): the horizontal pass needs no gathers. The runtime picks these
  // variants only where that holds.
  GeneratorParam<int> phases{"phases", 0};
  GeneratorParam<int> phase_stride{"phase_stride", 1};
  // uint8 bilinear only, 0 (float32 math) or U <= 16: every weight along both axes is a multiple
  // of 1/U (the runtime checks, from the ratios and modes), so every product and sum is an exact
  // integer in U^2-ths, in 0..255 U^2, and the result (the exact value rounded half to even) is
  // computed in uint16 lanes: twice the lanes of float32, with no conversions. U = 16 serves 2x
  // and 4x (and 8x along y), 12 serves 3/2 (and 2x, 3x along y), 10 serves 5/2. (Bicubic at 2x
  // in 256ths, in int32 lanes, measured 0.94-1.01x the float32 math's time: not built.)
  GeneratorParam<int> weight_units{"weight_units", 0};
  GeneratorParam<int> vector_lanes{"vector_lanes", 0};
  // Output rows per parallel task; 0: 8 for phased variants, and 32 for tabled ones, whose task
  // resizes its band of input rows along x once (bench/RESULTS.md has the measurements).
  GeneratorParam<int> rows_per_task{"rows_per_task", 0};
  // Packed layouts: output pixels per step; 0 a whole row; -1 the schedule's default.
  GeneratorParam<int> chunk_width{"chunk_width", -1};
  // Phased packed variants: 1 computes the row in element order, whole periods of pixels per
  // vector (each tap a dense load and a shuffle); 0 as planes of channels, interleaved when
  // stored; -1 by rule (choose_element_order()).
  GeneratorParam<int> packed_periods{"packed_periods", -1};
  // Phased variants on x86: the variant whose stores into the output are non-temporal
  // (generators/streaming_stores.cpp), for outputs larger than the caches. It requires an aligned
  // output (require_streaming_alignment); the runtime calls it only for one.
  GeneratorParam<bool> streaming{"streaming", false};

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
  // True when the runtime found this call's x taps to be ONNX half_pixel's for the variant's ratio
  // (cubic with a = -0.75): the phased linear and cubic variants then compute with those taps as
  // constants (a specialization: immediate offsets and weights instead of table reads).
  Input<bool> half_pixel_x{"half_pixel_x"};
  // True when the runtime found the coordinate step along y to be at most 1 (the output samples
  // the input's rows at least as densely as they are): a GPU block's band of input rows then fits
  // in shared memory (gpu_tabled). Only planar cubic GPU variants read it.
  Input<bool> band_fits{"band_fits"};
  Output<Buffer<void, 4>> output{"output"};

  void generate() {
    const Method m = method;
    const int units = weight_units;
    if (units != 0) {
      // See weight_units: the bound on U keeps every sum in 16 bits.
      _halide_user_assert(m == Method::kLinear && phases > 0 && input.type() == Halide::UInt(8) &&
                          units >= 1 && units <= 16)
          << "weight_units (" << units << ") is for phased uint8 linear variants, from 1 to 16";
    }
    element_order = choose_element_order();
    Expr in_w = input.dim(0).extent() / std::max(1, packed()), in_h = input.dim(1).extent();
    InterpolationParams params{coordinate_mode, nearest_mode, cubic_a, exclude_outside};

    define_tables(m, y, scale_y, in_h, output_height, params, y_index, y_weight);
    auto row = [&](int k) { return Halide::unsafe_promise_clamped(y_index(y, k), 0, in_h - 1); };

    if (phases == 0) {
      resized(x, y, c, n) = tabled(m, in_w, params);
    } else if (m == Method::kNearest) {
      // A copy: no arithmetic on the values, so any element type (and NaN payloads) pass intact.
      Func source_row("source_row");
      source_row(x, y, c, n) = vertical_source(row(0));
      resized(x, y, c, n) = phased_horizontal(m, in_w, params, source_row);
    } else if (units > 0) {
      // The exact sums (see weight_units): U-ths of 0..255, then U-ths of those.
      Expr v = Halide::cast<uint16_t>(0);
      for (int k = 0; k < tap_count(m); k++) {
        v += in_units(y_weight(y, k)) * Halide::cast<uint16_t>(vertical_source(row(k)));
      }
      vertical(x, y, c, n) = v;
      Expr h = phased_horizontal(m, in_w, params, vertical);
      resized(x, y, c, n) = Halide::cast<uint8_t>(divide_round_half_even(h, units * units));
    } else {
      Expr v = 0.0f;
      for (int k = 0; k < tap_count(m); k++) {
        v += y_weight(y, k) * Halide::cast<float>(vertical_source(row(k)));
      }
      vertical(x, y, c, n) = v;
      Expr h = phased_horizontal(m, in_w, params, vertical);
      resized(x, y, c, n) = to_output_type(h, output.type());
    }
    output(x, y, c, n) = resized(x, y, c, n);

    output.dim(0).set_extent(output_width);
    output.dim(1).set_extent(output_height);

    schedules::ResizeFuncs funcs;
    funcs.output = output;
    funcs.vertical = vertical;
    funcs.across = across;
    funcs.band_row = band_row;
    funcs.band = band;
    funcs.tap_words = tap_words;
    funcs.gpu_band = gpu_band;
    funcs.gpu_band_fits = gpu_band_fits;
    funcs.padded = padded;
    funcs.resized = resized;
    funcs.tables = {x_index, x_weight, x_first, y_index, y_weight, phase_offset, phase_weight};
    funcs.input = input;
    funcs.output_param = output;
    funcs.x = x;
    funcs.y = y;
    funcs.c = c;
    funcs.n = n;
    funcs.phases = phases;
    funcs.element_order = element_order;
    funcs.math_type = m == Method::kNearest ? output.type()
                      : units > 0           ? Halide::UInt(16)
                                            : Halide::Float(32);
    funcs.taps = tap_count(m);
    if (phases > 0 && m != Method::kNearest && !get_target().has_gpu_feature()) {
      funcs.constant_taps = half_pixel_x;
    }
    schedules::ResizeTunables tunables;
    tunables.layout = layout;
    tunables.vector_lanes = tuned("vector_lanes", vector_lanes);
    tunables.rows_per_task = band_rows();
    tunables.chunk_width = tuned("chunk_width", chunk_width);
    tunables.streaming = streaming;
    set_estimates();
    if (wants_autoscheduler()) {
      schedules::constrain_resize_buffers(funcs, layout);
      autoschedule({output});
      return;
    }
    schedules::schedule_resize(funcs, get_target(), tunables);
  }

 private:
  Halide::Var x{"x"}, y{"y"}, c{"c"}, n{"n"}, tap{"tap"};
  Halide::Var band_row{"band_row"}, band{"band"};  // a row of a band of output rows, the band
  Halide::Var word{"word"};                        // a word of tap_words
  Func x_index{"x_index"}, x_weight{"x_weight"}, y_index{"y_index"}, y_weight{"y_weight"};
  Func phase_offset{"phase_offset"}, phase_weight{"phase_weight"}, x_first{"x_first"};
  Func vertical{"vertical"}, across{"across"}, padded{"padded"}, resized{"resized"};
  Func tap_words{"tap_words"};
  Func gpu_band{"gpu_band"};   // GPU: a block's input rows resized along x (gpu_tabled)
  Expr gpu_band_fits;          // GPU: whether gpu_band holds every row the block reads
  bool element_order = false;  // phased packed rows in element order (choose_element_order)

  void define_tables(Method m, const Halide::Var& v, const Expr& scale, const Expr& length_in,
                     const Expr& length_out, const InterpolationParams& params, Func& index,
                     Func& weight) {
    define_axis_tables(m, v, tap, scale, length_in, length_out, params, index, weight);
  }

  int packed() const { return schedules::packed_channels(layout); }

  // Whether a phased packed variant computes its rows in element order. Each output element then
  // costs a shuffle per tap, where planes cost one interleave per output element: by default
  // element order below 5 phases for copies and linear, and for cubic up to 2 phases (cubic at 3x
  // and 4x, RGB at 3x and 3/2, whose 9-element periods fill no whole vector, uint8 RGBA at 3
  // phases, and every ratio from 5 phases, as 5/2, measured slower: bench/RESULTS.md). Streaming
  // twins of linear variants keep element order only at 2 phases (uint8 in fixed point, float32)
  // and for float32 at 4. A tuned packed_periods overrides the rule, in twins too.
  bool choose_element_order() {
    if (!packed() || phases == 0) return false;
    const int asked = tuned("packed_periods", packed_periods);
    if (asked >= 0) return asked == 1;
    const Method m = method;
    // A streaming twin's stores do not wait on reads of the output, which leaves the shuffles
    // that element order needs as the cost. Planes against element order, both streaming
    // (bench/resize_ab.sh; bench/RESULTS.md, "Packed order of the streaming twins"): uint8
    // linear at 4 phases took 0.62-0.69x the time in fixed point and 0.16-0.76x in float32 math,
    // at 2 phases in float32 math 0.68x; float32 RGBA linear at 3 phases 0.89-0.92x. Element
    // order stayed faster for uint8 in fixed point at 2 phases (planes 1.24-1.25x), float32 linear
    // at 2 and 4 phases (1.04-1.13x), cubic at 2 (1.04-1.32x) and nearest (1.10x).
    if (streaming && m == Method::kLinear) {
      const bool fixed_point_pairs = int(weight_units) > 0 && phases == 2;
      if (input.type().bits() == 8 && !fixed_point_pairs) return false;
      if (phases == 3) return false;
    }
    // A vector of whole periods computes every phase at every element and selects; planes
    // compute each phase at its own columns only (schedules/resize_schedule.cpp), which wins
    // from 5 phases on (bench/RESULTS.md).
    if (phases >= 5) return false;
    // uint8 at 3 phases (RGBA 3/2: 12-byte periods) measured faster in planes: 0.36x the time
    // in uint16 fixed point, 0.86x in float32 math; float32 RGBA took 1.25x in planes
    // (bench/resize_ab.sh, bench/RESULTS.md).
    if (phases == 3 && input.type().bits() == 8) return false;
    if (m == Method::kNearest) return true;
    return phases * packed() != 9 && (m == Method::kLinear || phases <= 2);
  }

  // Channel c of pixel (column, input_row).
  Expr input_pixel(const Expr& column, const Expr& input_row) {
    return packed() ? input(column * packed() + c, input_row, 0, n)
                    : input(column, input_row, c, n);
  }

  // The row stages of phased variants at (x, y, c, n): for packed inputs x is the element of the
  // row (c is unused), so the loads are dense.
  Expr vertical_source(const Expr& input_row) {
    return packed() ? input(x, input_row, 0, n) : input(x, input_row, c, n);
  }

  // The table holds clamped indices; promising so lets bounds inference see a bounded read.
  Expr column(int k, const Expr& in_w) {
    return Halide::unsafe_promise_clamped(x_index(x, k), 0, in_w - 1);
  }

  // Output rows per parallel task: for tabled variants, the band whose input rows `across` holds.
  int band_rows() {
    const int asked = tuned("rows_per_task", rows_per_task);
    return asked > 0 ? asked : phases == 0 ? 32 : 8;
  }

  // Any ratio, taps from the tables: `across` resizes input rows along x, then each output row
  // blends tap_count rows of it along y (for nearest, copies one). For the CPU hand schedule the
  // output rows come in bands of band_rows(), and `across` holds the input rows of one band.
  Expr tabled(Method m, const Expr& in_w, const InterpolationParams& params) {
    define_tables(m, x, scale_x, in_w, output_width, params, x_index, x_weight);
    Expr in_h = input.dim(1).extent();
    // An input row resized along x, tap k of output column x read through `tap` (for nearest, a
    // copy of tap 0).
    auto along_x = [&](const auto& tap) -> Expr {
      if (m == Method::kNearest) return tap(0);
      Expr h = 0.0f;
      for (int k = 0; k < tap_count(m); k++) h += x_weight(x, k) * Halide::cast<float>(tap(k));
      return h;
    };
    // A band's last rows can lie past the input's edge (band_height is an upper bound): clamped.
    auto resized_along_x = [&](const Expr& input_row) -> Expr {
      Expr clamped = Halide::clamp(input_row, 0, in_h - 1);
      return along_x([&](int k) { return input_pixel(column(k, in_w), clamped); });
    };
    // Blends the taps of output row y, reading input row i through `read`.
    auto blend = [&](const auto& read) -> Expr {
      if (m == Method::kNearest) return read(y_index(y, 0));
      Expr v = 0.0f;
      for (int k = 0; k < tap_count(m); k++) v += y_weight(y, k) * read(y_index(y, k));
      return to_output_type(v, output.type());
    };
    if (wants_autoscheduler()) {
      across(x, y, c, n) = resized_along_x(y);
      return blend([&](const Expr& i) { return across(x, i, c, n); });
    }
    // `across` (x, j, band, c, n) is input row first_row(band) + j, j < band_height. Row indices
    // never decrease along y, so the rows of a band are first_row(band) onwards, and at most
    // ceil(step * (rows - 1)) + tap_count + 1 of them (+1 more for nearest's rounding, +1 for
    // the rounding of the float64 coordinates): the coordinate moves by `step` per output row.
    // A table read is unbounded to bounds inference and the band height a formula of the
    // parameters, so `across` is sized to the band height, not to the whole input.
    const bool gpu = get_target().has_gpu_feature();
    const int rows = gpu ? schedules::gpu_block_rows(layout) : band_rows();
    auto first_row = [&](const Expr& b) { return y_index(b * rows, 0); };
    Expr step = coordinate_step(params.coordinate_mode, scale_y, in_h, output_height);
    const int extra = tap_count(m) + (m == Method::kNearest ? 2 : 1);
    Expr band_height =
        Halide::min(in_h, Halide::cast<int>(Halide::ceil(step * f64(rows - 1))) + extra);
    if (gpu) return gpu_tabled(m, resized_along_x, blend, first_row, band_height, rows);
    if (taps_per_word(m) > 1) {
      define_tap_words(m, in_w, params, Halide::clamp(first_row(band) + band_row, 0, in_h - 1));
      across(x, band_row, band, c, n) = along_x([&](int k) { return tap_from_words(m, k, in_w); });
    } else {
      across(x, band_row, band, c, n) = resized_along_x(first_row(band) + band_row);
    }
    return blend([&](const Expr& i) {
      Expr j = Halide::clamp(i - first_row(y / rows), 0, band_height - 1);
      return across(x, j, y / rows, c, n);
    });
  }

  // GPU, planar cubic: each block of output rows (a band, schedules::gpu_block_rows) resizes the
  // input rows it reads along x once, into `gpu_band` in the block's shared memory, and blends
  // them along y from there: a tap costs a shared-memory read where it cost a gathered read and
  // its index arithmetic (16 per output element). On an H100 that took 0.75-0.80x the time of
  // direct reads for planar bicubic, but 1.2-2.4x for bilinear and for interleaved layouts, whose
  // direct taps mostly hit the L1 cache (bench/RESULTS.md, "GPU"): those read their taps
  // directly. Planar cubic does too where the runtime did not find the band to fit (band_fits
  // false: downscaling along y); the schedule specializes on band_fits. With a step of at most 1
  // a band is at most rows + taps + 1 input rows (see tabled()), under gpu_band_rows; the clamp
  // bounds its footprint all the same, so no call can overrun shared memory.
  template <typename ResizeAlongX, typename Blend, typename FirstRow>
  Expr gpu_tabled(Method m, const ResizeAlongX& resized_along_x, const Blend& blend,
                  const FirstRow& first_row, const Expr& band_height, int rows) {
    across(x, y, c, n) = resized_along_x(y);
    Expr direct = blend([&](const Expr& i) { return across(x, i, c, n); });
    if (m != Method::kCubic || layout != schedules::Layout::kPlanar) return direct;
    gpu_band(x, band_row, band, c, n) = resized_along_x(first_row(band) + band_row);
    // The band's height depends on the parameters only, not on the block, so that its shared
    // memory is sized once per call.
    Expr rows_held = Halide::min(band_height, schedules::gpu_band_rows());
    Expr banded = blend([&](const Expr& i) {
      Expr j = Halide::clamp(i - first_row(y / rows), 0, rows_held - 1);
      return gpu_band(x, j, y / rows, c, n);
    });
    gpu_band_fits = band_fits;
    return Halide::select(band_fits, banded, direct);
  }

  // Input pixels per tap word (below), or 1 for none. Words replace gathers of single lanes, so
  // not for the interleaved layout, whose `across` loads a vector of channels at each column.
  // As many taps as fit in 32 bits, and pairs of 32-bit elements for planar cubic. Measured side
  // by side (bench/RESULTS.md): 64-bit words made float32 linear slower and planar float32 cubic
  // faster, packed RGB/RGBA float32 cubic slower (its rows then go one at a time, below), and
  // uint16 cubic was faster in two 32-bit words than in one 64-bit one.
  int taps_per_word(Method m) const {
    if (layout == schedules::Layout::kInterleaved) return 1;
    const int bits = input.type().bits();
    if (bits <= 16) return std::min(tap_count(m), 32 / bits);
    return bits == 32 && m == Method::kCubic && layout == schedules::Layout::kPlanar ? 2 : 1;
  }

  // Tap words of a band's input row, for linear and cubic. The taps of an output column are
  // tap_count adjacent input columns (edge-replicated), and on x86 Halide 14 gathers one lane at a
  // time, so `tap_words` packs the taps of every input column into integers (two uint8 in a
  // uint16, four in a uint32, two float32 in a uint64) at input width, and each output column
  // gathers one or two words instead of two or four pixels.
  void define_tap_words(Method m, const Expr& in_w, const InterpolationParams& params,
                        const Expr& input_row) {
    const int bits = input.type().bits(), per_word = taps_per_word(m);
    const Halide::Type word_type = Halide::UInt(bits * per_word);
    // Word w of column j: the pixels at j + w * per_word + k, k < per_word, clamped to the row.
    Expr packed = Halide::cast(word_type, 0);
    for (int k = 0; k < per_word; k++) {
      Expr column = Halide::clamp(Halide::likely(x + word * per_word + k), 0, in_w - 1);
      Expr pixel_bits = Halide::reinterpret(Halide::UInt(bits), input_pixel(column, input_row));
      packed = packed | (Halide::cast(word_type, pixel_bits) << (bits * k));
    }
    tap_words(x, word, band_row, band, c, n) = packed;
    // A first tap left of 1 - taps (right of in_w - 1) reads the same clamped columns as 1 - taps
    // (in_w - 1), so the table is clamped to the columns tap_words holds.
    AxisTaps taps_of_x = axis_taps(m, x, scale_x, in_w, output_width, params);
    x_first(x) = Halide::clamp(taps_of_x.first, 1 - tap_count(m), in_w - 1);
  }

  // Tap k of output column x, unpacked from its word: the same value as the input pixel.
  Expr tap_from_words(Method m, int k, const Expr& in_w) {
    const Halide::Type element = input.type();
    const int bits = element.bits(), per_word = taps_per_word(m);
    Expr first = Halide::unsafe_promise_clamped(x_first(x), 1 - tap_count(m), in_w - 1);
    Expr read = tap_words(first, k / per_word, band_row, band, c, n);
    return Halide::reinterpret(element,
                               Halide::cast(Halide::UInt(bits), read >> (bits * (k % per_word))));
  }

  // Along x with a rational factor k / q: one set of taps per phase, taken at a reference column
  // far enough inside the input that none of its taps was clamped. `padded` extends the row two
  // columns past each edge (edge replication), so each phase is a dense vector expression and
  // Halide interleaves the k phases into the output. Packed rows either stay in element order
  // (pixel e / C, channel e % C; element_order): a tap of channel c is element C * column + c,
  // so a vector of whole periods of pixels reads each tap with one dense load and a shuffle (the
  // schedule's vectorize_packed_periods); or are split into planes of channels, interleaved when
  // stored.
  Expr phased_horizontal(Method m, const Expr& in_w, const InterpolationParams& params,
                         const Func& row) {
    const int k = phases;
    const int q = phase_stride;
    const int reference = 4;  // a period whose taps are never clamped (inputs are >= 8 wide)
    Halide::Var phase("phase");
    AxisTaps taps = axis_taps(m, k * reference + phase, scale_x, in_w, output_width, params);
    phase_offset(phase, tap) = taps.first + tap - q * reference;
    if (m != Method::kNearest) phase_weight(phase, tap) = weight_of_tap(taps, tap);
    // The row extended by edge replication. One clamped read per element lets Halide split off
    // the few edge columns and copy the rest with dense vectors.
    if (element_order) {
      const int channels = packed();
      Expr pixel = Halide::clamp(Halide::likely(x / channels), 0, in_w - 1);
      padded(x, y, c, n) = row(pixel * channels + x % channels, y, 0, n);
    } else if (packed()) {  // planes
      padded(x, y, c, n) =
          row(Halide::clamp(Halide::likely(x), 0, in_w - 1) * packed() + c, y, 0, n);
    } else {
      padded(x, y, c, n) = row(Halide::clamp(Halide::likely(x), 0, in_w - 1), y, c, n);
    }
    // With half_pixel_x, the half_pixel taps as constants, which the CPU hand schedule specializes
    // on. GPU and autoscheduled pipelines read the tables (Halide 14's Mullapudi2016 fails on the
    // select with an internal error).
    const bool constant_taps =
        m != Method::kNearest && !wants_autoscheduler() && !get_target().has_gpu_feature();
    // Offsets lie in [-2, q + 1], so the padded row covers every column read. A clamp of the
    // scalar table value, not a promise on the vector index: Halide 14 merges the strided stores
    // of the phases (schedules/resize_schedule.cpp) only across pure expressions, and
    // unsafe_promise_clamped is not one.
    auto offset = [&](int p, int t) -> Expr {
      Expr table = Halide::clamp(phase_offset(p, t), -2, q + 1);
      if (!constant_taps) return table;
      const int constant = half_pixel_phase_taps(m, k, q, p, kDefaultCubicA).first + t;
      return Halide::select(half_pixel_x, constant, table);
    };
    auto weight = [&](int p, int t) -> Expr {
      if (!constant_taps) return phase_weight(p, t);
      const double constant = half_pixel_phase_taps(m, k, q, p, kDefaultCubicA).weight[t];
      return Halide::select(half_pixel_x, float(constant), phase_weight(p, t));
    };
    auto sample = [&](int p) -> Expr {
      auto tap_value = [&](int t) -> Expr {
        Expr column = q * (x / k) + offset(p, t);
        return element_order ? padded(column * packed() + c, y, 0, n) : padded(column, y, c, n);
      };
      if (m == Method::kNearest) return tap_value(0);  // a copy
      if (weight_units > 0) {
        Expr h = Halide::cast<uint16_t>(0);
        for (int t = 0; t < tap_count(m); t++) h += in_units(weight(p, t)) * tap_value(t);
        return h;
      }
      Expr h = 0.0f;
      for (int t = 0; t < tap_count(m); t++) h += weight(p, t) * tap_value(t);
      return h;
    };
    Expr h = sample(k - 1);
    for (int p = k - 2; p >= 0; p--) h = Halide::select(x % k == p, sample(p), h);
    return h;
  }

  // A weight that is a multiple of 1/U (as the fixed-point variants are only used for), in U-ths.
  Expr in_units(const Expr& weight) const {
    return Halide::cast<uint16_t>(Halide::round(weight * float(int(weight_units))));
  }

  // Integers: round to nearest, ties to even, then saturate.
  Expr to_output_type(const Expr& v, const Halide::Type& type) const {
    if (type.is_float()) return Halide::cast(type, v);
    return Halide::saturating_cast(type, round_half_even(v, get_target()));
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
    half_pixel_x.set_estimate(true);
    band_fits.set_estimate(true);
  }
};

}  // namespace
}  // namespace upsample::generators

HALIDE_REGISTER_GENERATOR(upsample::generators::Resize, resize)
