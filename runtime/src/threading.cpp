#include "upsample/threading.h"

#include <mutex>

#include "HalideRuntime.h"
#include "halide_bridge.h"

namespace upsample {

int set_num_threads(int n) {
  std::unique_lock<std::shared_mutex> no_kernel_running(internal::thread_pool_mutex());
  // Workers Halide has already started keep taking tasks whatever the new count, so the pool is
  // shut down and restarts with the new size on the next kernel. Halide reads 0 as "the
  // default": HL_NUM_THREADS, or one thread per core.
  halide_shutdown_thread_pool();
  return halide_set_num_threads(n < 0 ? 0 : n);
}

}  // namespace upsample
