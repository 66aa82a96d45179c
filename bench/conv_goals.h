// The goals upsample_conv_bench judges its rows by, so the run itself says which are met
// (bench/goals.h has upsample_bench's).
#pragma once

namespace upsample_bench {

// The speed issue's (a share of the FMA peak for conv_transpose2d, a multiple of the bandwidth
// bound for the rearranging operators), and the comparison with PyTorch that the
// learnable-upsampling issue set.
struct ConvGoals {
  static constexpr double kForwardMinOfPeak = 0.70;
  static constexpr double kBackwardMinOfPeak = 0.50;
  static constexpr double kForwardMaxOverPyTorch = 1.0;  // time / PyTorch's best time
  static constexpr double kBackwardMaxOverPyTorch = 1.5;
  static constexpr double kRearrangeMaxOverBound = 1.25;  // max_unpool2d, pixel_shuffle
};

}  // namespace upsample_bench
