// Non-temporal ("streaming") stores. An upsampling copy writes 4 to 16 times what it reads; with
// ordinary stores the CPU reads every output cache line before overwriting it, a third of the
// memory traffic. Streaming stores skip that read and bypass the caches, which is faster for an
// output larger than the caches and slower for one the next operator would have found in them.
//
// x86-64 builds made with the x86-64 preset (not the GPU presets, which import its generators)
// have streaming variants of unpooling (nearest and bed of nails), which also serves
// nearest resizing by whole factors, and of the phased resizes along the width (bilinear and
// bicubic by 2, 4, 3/2 and 5/2, nearest by 3/2 and 5/2), for planar tensors and dense RGB/RGBA
// pixels. A call uses
// one when its output has at least the threshold's bytes, starts on a 64-byte boundary and its
// row, plane and image strides are multiples of 64 bytes (as PyTorch, OpenCV and aligned_alloc
// buffers of most widths are); otherwise it stores as usual. Results are the same either way.
#pragma once

#include <cstddef>
#include <cstdint>

namespace upsample {

// The default threshold: 20 MiB of output. On the Zen 4 machine of bench/RESULTS.md ("Streaming
// stores") a 16 MiB output was faster with ordinary stores, as it stays in the L3 between calls,
// and outputs from 24 MiB up were as fast or faster streamed.
constexpr size_t kDefaultStreamingStoreThreshold = size_t(20) << 20;

// Sets the output size in bytes from which calls use streaming stores and returns the previous
// one. 0 streams every aligned output; SIZE_MAX never streams. Safe to call from any thread.
size_t set_streaming_store_threshold(size_t bytes);
size_t streaming_store_threshold();

// Whether this build has streaming variants (see above).
bool streaming_stores_available();

// How many calls of this process have run a streaming variant (to check that a configuration
// uses them).
uint64_t streaming_store_calls();

}  // namespace upsample
