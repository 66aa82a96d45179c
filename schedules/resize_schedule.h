// How the resize pipeline is computed, chosen from the target and a few tunables. The algorithm is
// in generators/resize_generator.cpp; nothing here changes what is computed.
#pragma once

#include <vector>

#include "Halide.h"
#include "layout.h"

namespace upsample::schedules {

struct ResizeTunables {
  Layout layout = Layout::kPlanar;
  int vector_lanes = 0;   // lanes of the output loop; 0: from the target (see the schedule)
  int rows_per_task = 8;  // output rows one parallel task produces (tabled: its band)
  // Packed layouts: output pixels resized per step, rounded up to whole vectors; 0: a whole row;
  // -1: by method (see the schedule).
  int chunk_width = -1;
  bool streaming =
      false;  // a streaming variant: its output is aligned (require_streaming_alignment)
};

// The Funcs of one resize pipeline, as the schedule needs to see them.
struct ResizeFuncs {
  Halide::Func output;
  Halide::Func vertical;   // phased: rows interpolated along y; undefined for nearest
  Halide::Func across;     // tabled: input rows resized along x; CPU: (x, band_row, band, c, n)
  Halide::Func padded;     // the row a phased variant interpolates along x, edge-padded
  Halide::Func tap_words;  // tabled, CPU, linear and cubic: (x, word, band_row, band, c, n)
  // Tabled, GPU, planar cubic: a block's input rows resized along x (x, band_row, band, c, n),
  // used where gpu_band_fits holds.
  Halide::Func gpu_band;
  Halide::Expr gpu_band_fits;
  Halide::Func resized;              // the interpolated values, which the output stores
  std::vector<Halide::Func> tables;  // per-row, per-column and per-phase taps (some undefined)
  Halide::OutputImageParam input;
  Halide::OutputImageParam output_param;
  Halide::Var x, y, c, n;
  Halide::Var band_row, band;  // tabled: the band dimensions of `across` (CPU), `gpu_band` (GPU)
  int phases = 0;  // output columns per period of a phased variant; vectors hold whole periods
  // Phased packed variants: rows in element order (`padded` holds elements, the output is
  // vectorized in whole periods) instead of planes of channels.
  bool element_order = false;
  // The lanes of the arithmetic: float32, or the integers of a fixed-point variant, or for
  // nearest (a copy) the element type.
  Halide::Type math_type = Halide::Float(32);
  int taps = 1;  // input pixels per output pixel along each axis (1 nearest, 4 cubic)
  // Phased linear and cubic variants: the condition under which the horizontal taps are
  // constants, which the CPU schedule specializes on. Undefined otherwise.
  Halide::Expr constant_taps;
};

// The strides and bounds the pipeline's buffers have (packed inputs as rows of elements).
void constrain_resize_buffers(const ResizeFuncs& funcs, Layout layout);

void schedule_resize(ResizeFuncs& funcs, const Halide::Target& target,
                     const ResizeTunables& tunables);

}  // namespace upsample::schedules
