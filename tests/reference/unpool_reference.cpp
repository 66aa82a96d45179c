#include "reference/unpool_reference.h"

#include <stdexcept>

namespace upsample_ref {

const char* to_string(UnpoolMode m) {
  return m == UnpoolMode::kNearest ? "nearest" : "bed_of_nails";
}

std::vector<double> unpool(const std::vector<double>& input, const Shape& in, int factor_h,
                           int factor_w, UnpoolMode mode) {
  if (static_cast<int64_t>(input.size()) != in.count()) throw std::invalid_argument("input size");
  const int64_t oh = in.h * factor_h, ow = in.w * factor_w;
  std::vector<double> out(static_cast<size_t>(in.n * in.c * oh * ow));
  for (int64_t n = 0; n < in.n; ++n) {
    for (int64_t c = 0; c < in.c; ++c) {
      for (int64_t y = 0; y < oh; ++y) {
        for (int64_t x = 0; x < ow; ++x) {
          const double v = input[static_cast<size_t>(((n * in.c + c) * in.h + y / factor_h) * in.w +
                                                     x / factor_w)];
          const bool corner = y % factor_h == 0 && x % factor_w == 0;
          out[static_cast<size_t>(((n * in.c + c) * oh + y) * ow + x)] =
              (mode == UnpoolMode::kNearest || corner) ? v : 0.0;
        }
      }
    }
  }
  return out;
}

}  // namespace upsample_ref
