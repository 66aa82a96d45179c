#pragma once

namespace upsample {

// Sets the number of CPU threads the kernels use (n >= 1); 0 restores the default (one per core,
// or the HL_NUM_THREADS environment variable). Returns the previous setting. Safe to call from
// any thread: it waits for running kernels, then restarts the thread pool at the new size.
int set_num_threads(int n);

}  // namespace upsample
