// The memory layouts a schedule is written for; a GeneratorParam of every generator.
#pragma once

#include <map>
#include <string>

namespace upsample::schedules {

enum class Layout : int {
  kPlanar = 0,       // NCHW: x (W) has unit stride
  kInterleaved = 1,  // NHWC: c has unit stride
};

inline const std::map<std::string, Layout> kLayoutNames = {{"planar", Layout::kPlanar},
                                                           {"interleaved", Layout::kInterleaved}};

}  // namespace upsample::schedules
