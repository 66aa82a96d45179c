// The memory layouts a schedule is written for; a GeneratorParam of every generator.
#pragma once

#include <map>
#include <string>

namespace upsample::schedules {

enum class Layout : int {
  kPlanar = 0,       // NCHW: x (W) has unit stride
  kInterleaved = 1,  // NHWC with any channel count: c has unit stride, x any stride
  kPacked3 = 2,      // NHWC with exactly 3 dense channels (RGB): x has stride 3
  kPacked4 = 3,      // NHWC with exactly 4 dense channels (RGBA): x has stride 4
};

// Streaming variants' outputs start on, and step by whole, lines of this many bytes
// (require_streaming_alignment, common_schedule.h). Plain C++, so the runtime checks the same
// number before it calls one (runtime/src/streaming.cpp).
constexpr int kStreamingAlignment = 64;

inline const std::map<std::string, Layout> kLayoutNames = {{"planar", Layout::kPlanar},
                                                           {"interleaved", Layout::kInterleaved},
                                                           {"packed3", Layout::kPacked3},
                                                           {"packed4", Layout::kPacked4}};

// Channels per pixel a packed layout fixes at compile time; 0 for the others.
inline int packed_channels(Layout layout) {
  return layout == Layout::kPacked3 ? 3 : layout == Layout::kPacked4 ? 4 : 0;
}

}  // namespace upsample::schedules
