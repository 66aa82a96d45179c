// Whether a call runs a streaming variant (upsample/streaming.h).
#pragma once

#include "HalideRuntime.h"

namespace upsample::internal {

// Whether `output` (a host buffer as the kernel will get it) is large enough for streaming stores
// under the current threshold, and aligned as the streaming variants require
// (require_streaming_alignment in schedules/common_schedule.h): its base, and the strides of its
// rows, images and (planar) planes, in whole 64-byte lines. A dimension of extent 1 is never
// stepped along, so its stride is free: when the answer is yes, such strides are set to 0 to
// meet the variant's check.
bool prepare_streaming_stores(halide_buffer_t* output, bool planar);
void count_streaming_call();

}  // namespace upsample::internal
