#include "upsample/threading.h"

#include "HalideRuntime.h"

namespace upsample {

int set_num_threads(int n) {
  // Halide reads 0 as "the default": HL_NUM_THREADS, or one thread per core.
  return halide_set_num_threads(n < 0 ? 0 : n);
}

}  // namespace upsample
