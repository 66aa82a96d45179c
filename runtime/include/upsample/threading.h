#pragma once

namespace upsample {

// Caps the number of CPU threads the kernels use (n >= 1); 0 restores the default (one per core,
// or the HL_NUM_THREADS environment variable). Returns the previous setting.
int set_num_threads(int n);

}  // namespace upsample
