#include "reference/shuffle_reference.h"

#include <stdexcept>

namespace upsample_ref {

const char* to_string(ShuffleOrder o) {
  return o == ShuffleOrder::kCRD ? "crd" : "dcr";
}

int64_t shuffle_depth(ShuffleOrder order, int64_t c, int64_t i, int64_t j, int64_t channels,
                      int factor_h, int factor_w) {
  if (order == ShuffleOrder::kCRD) return c * factor_h * factor_w + i * factor_w + j;
  return (i * factor_w + j) * channels + c;
}

namespace {

void check_factors(int factor_h, int factor_w) {
  if (factor_h < 1 || factor_w < 1) throw std::invalid_argument("factors must be at least 1");
}

size_t index(const Shape& s, int64_t n, int64_t c, int64_t h, int64_t w) {
  return static_cast<size_t>(((n * s.c + c) * s.h + h) * s.w + w);
}

}  // namespace

Shape pixel_shuffle_shape(const Shape& in, int factor_h, int factor_w) {
  check_factors(factor_h, factor_w);
  if (in.c % (int64_t{factor_h} * factor_w) != 0)
    throw std::invalid_argument("channels not a multiple of fh * fw");
  return Shape{in.n, in.c / (int64_t{factor_h} * factor_w), in.h * factor_h, in.w * factor_w};
}

Shape pixel_unshuffle_shape(const Shape& in, int factor_h, int factor_w) {
  check_factors(factor_h, factor_w);
  if (in.h % factor_h != 0 || in.w % factor_w != 0)
    throw std::invalid_argument("height / width not multiples of the factors");
  return Shape{in.n, in.c * factor_h * factor_w, in.h / factor_h, in.w / factor_w};
}

std::vector<double> pixel_shuffle(const std::vector<double>& input, const Shape& in, int factor_h,
                                  int factor_w, ShuffleOrder order) {
  if (static_cast<int64_t>(input.size()) != in.count()) throw std::invalid_argument("input size");
  const Shape out = pixel_shuffle_shape(in, factor_h, factor_w);
  std::vector<double> result(static_cast<size_t>(out.count()));
  // Walk the output; find where each element comes from.
  for (int64_t n = 0; n < out.n; ++n)
    for (int64_t c = 0; c < out.c; ++c)
      for (int64_t y = 0; y < out.h; ++y)
        for (int64_t x = 0; x < out.w; ++x) {
          const int64_t h = y / factor_h, i = y % factor_h;
          const int64_t w = x / factor_w, j = x % factor_w;
          const int64_t d = shuffle_depth(order, c, i, j, out.c, factor_h, factor_w);
          result[index(out, n, c, y, x)] = input[index(in, n, d, h, w)];
        }
  return result;
}

std::vector<double> pixel_unshuffle(const std::vector<double>& input, const Shape& in, int factor_h,
                                    int factor_w, ShuffleOrder order) {
  if (static_cast<int64_t>(input.size()) != in.count()) throw std::invalid_argument("input size");
  const Shape out = pixel_unshuffle_shape(in, factor_h, factor_w);
  std::vector<double> result(static_cast<size_t>(out.count()));
  // Walk the input; send each element to its depth channel.
  for (int64_t n = 0; n < in.n; ++n)
    for (int64_t c = 0; c < in.c; ++c)
      for (int64_t y = 0; y < in.h; ++y)
        for (int64_t x = 0; x < in.w; ++x) {
          const int64_t h = y / factor_h, i = y % factor_h;
          const int64_t w = x / factor_w, j = x % factor_w;
          const int64_t d = shuffle_depth(order, c, i, j, in.c, factor_h, factor_w);
          result[index(out, n, d, h, w)] = input[index(in, n, c, y, x)];
        }
  return result;
}

}  // namespace upsample_ref
