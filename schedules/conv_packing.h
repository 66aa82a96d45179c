// How the runtime lays out the convolution pipelines' packed operands, which the schedules rely
// on (schedules/conv_schedule.cpp) and upsample-tune reproduces (tools/tune/conv_problems.cpp).
// Plain C++: the runtime and the tuner include it without Halide.
#pragma once

#include <cstdint>

namespace upsample::schedules {

// The channel block of packed weights, biases and weight-gradient scratch.
constexpr int kConvChannelTile = 64;

// Packed weights and biases hold whole blocks and one more past the last output channel: a
// register tile is lanes x vectors channels (12 to 64: NEON and SSE4.1 12, AVX2 24, AVX-512 64),
// not always a divisor of the block, and the last tile reads up to tile - 1 channels past it.
constexpr int64_t conv_packed_output_channels(int64_t channels) {
  return (channels + kConvChannelTile - 1) / kConvChannelTile * kConvChannelTile + kConvChannelTile;
}

// The x phases that one call of the conv_phases pipeline computes together: the phases of a
// transposed convolution with stride 2 along x.
constexpr int kConvFusedPhases = 2;

// The weight gradient's scratch: input channels rounded up to whole blocks.
constexpr int64_t conv_padded_gradient_channels(int64_t channels) {
  return (channels + kConvChannelTile - 1) / kConvChannelTile * kConvChannelTile;
}

}  // namespace upsample::schedules
