// Non-temporal ("streaming") stores. An upsampling copy writes 4 to 16 times what it reads; with
// ordinary stores the CPU reads every output cache line before overwriting it, a third of the
// memory traffic. Streaming stores skip that read and bypass the caches, which is faster for a
// call whose data do not fit in the caches and slower for one whose output the next operator
// would have found in them.
//
// x86-64 builds made with the x86-64 preset (not the GPU presets, which import its generators)
// have streaming variants of unpooling (nearest and bed of nails), which also serves
// nearest resizing by whole factors, and of the phased resizes along the width (bilinear and
// bicubic by 2, 4, 3/2 and 5/2, nearest by 3/2 and 5/2), for planar tensors and dense RGB/RGBA
// pixels. A call uses one when the bytes it moves (its input's plus its output's) reach the
// threshold, its output starts on a 64-byte boundary and the output's row, plane and image
// strides are multiples of 64 bytes (as PyTorch, OpenCV and aligned_alloc buffers of most widths
// are); otherwise it stores as usual. Results are the same either way.
#pragma once

#include <cstddef>
#include <cstdint>

namespace upsample {

// The default threshold: 3/4 of the last-level cache that the OS reports for CPU 0 (Linux's
// sysfs), or 24 MiB where it reports none. glibc's memcpy switches to non-temporal stores at the
// same fraction of the shared cache. On the Zen 4 machine of bench/RESULTS.md (32 MiB of L3, so
// 24 MiB) copies moving 20 MiB and less (NCHW uint8 at 2x) were up to 2.3x slower streamed, as
// input and output stay in the L3 between calls; calls moving 24 MiB and more took a median
// 0.75-0.88x their ordinary-store time streamed, though on two threads some copies of 30-40 MiB
// took up to 1.85x ("The streaming threshold" there). Computed once, on first use.
size_t default_streaming_store_threshold();

// Sets the bytes moved (input plus output) from which calls use streaming stores and returns the
// previous threshold. 0 streams every aligned output; SIZE_MAX never streams. Safe to call from
// any thread.
size_t set_streaming_store_threshold(size_t bytes);
size_t streaming_store_threshold();

// Whether this build has streaming variants (see above).
bool streaming_stores_available();

// How many calls of this process have run a streaming variant (to check that a configuration
// uses them).
uint64_t streaming_store_calls();

}  // namespace upsample
