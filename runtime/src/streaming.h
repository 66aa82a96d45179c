// Whether a call runs a streaming variant (upsample/streaming.h).
#pragma once

#include <cstdint>

#include "HalideRuntime.h"

namespace upsample::internal {

// Whether a call that reads `input_bytes` and writes `output` (a host buffer as the kernel will get
// it) moves enough bytes for streaming stores under the current threshold, with its output aligned
// as the streaming variants require (require_streaming_alignment in schedules/common_schedule.h):
// its base, and the strides of its rows, images and (planar) planes, in whole 64-byte lines. A
// dimension of extent 1 is never stepped along, so its stride is free: when the answer is yes, such
// strides are set to 0 to meet the variant's check.
bool prepare_streaming_stores(halide_buffer_t* output, bool planar, uint64_t input_bytes);
void count_streaming_call();

}  // namespace upsample::internal
