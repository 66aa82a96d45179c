// An embedded-style use of upsample: no files, no allocation by the library, every call checked.
// A 3x48x64 float frame is upsampled 2x (bilinear, ONNX/PyTorch half-pixel) and a 4-channel
// feature map is rearranged by pixel shuffle; both are checked against the formulas written out
// here, a bad call shows its error message, and the program exits non-zero on any mismatch.
#include <cmath>
#include <cstdio>
#include <vector>

#include "upsample/upsample.h"

namespace {

constexpr int kChannels = 3, kHeight = 48, kWidth = 64;

// Half-pixel bilinear 2x along one axis: the two source samples and the weight of the second.
void source_of(int out, int in_length, int* i0, int* i1, float* weight) {
  const float src = std::fmax((out + 0.5f) / 2.0f - 0.5f, 0.0f);
  *i0 = static_cast<int>(src);
  *i1 = *i0 + 1 < in_length ? *i0 + 1 : *i0;
  *weight = src - static_cast<float>(*i0);
}

int check_bilinear() {
  std::vector<float> frame(kChannels * kHeight * kWidth);
  for (size_t i = 0; i < frame.size(); i++) frame[i] = static_cast<float>((i * 37) % 251) / 250.0f;
  std::vector<float> big(kChannels * 2 * kHeight * 2 * kWidth);
  const upsample::TensorView in =
      upsample::make_input_tensor(frame.data(), upsample::DType::kFloat32, upsample::Layout::kNCHW,
                                  1, kChannels, kHeight, kWidth);
  const upsample::TensorView out =
      upsample::make_tensor(big.data(), upsample::DType::kFloat32, upsample::Layout::kNCHW, 1,
                            kChannels, 2 * kHeight, 2 * kWidth);
  const upsample::Status st =
      upsample::resize(in, out, upsample::onnx_options(upsample::ResizeMethod::kBilinear));
  if (!st.ok()) {
    std::printf("resize failed: %s\n", st.message().c_str());
    return 1;
  }
  int wrong = 0;
  for (int c = 0; c < kChannels; c++) {
    for (int y = 0; y < 2 * kHeight; y++) {
      int y0, y1, x0, x1;
      float wy, wx;
      source_of(y, kHeight, &y0, &y1, &wy);
      for (int x = 0; x < 2 * kWidth; x++) {
        source_of(x, kWidth, &x0, &x1, &wx);
        auto at = [&](int yy, int xx) { return frame[(c * kHeight + yy) * kWidth + xx]; };
        const float top = at(y0, x0) * (1 - wx) + at(y0, x1) * wx;
        const float bottom = at(y1, x0) * (1 - wx) + at(y1, x1) * wx;
        const float expected = top * (1 - wy) + bottom * wy;
        const float got = big[(c * 2 * kHeight + y) * 2 * kWidth + x];
        if (std::fabs(got - expected) > 1e-5f) wrong++;
      }
    }
  }
  std::printf("bilinear 2x %dx%dx%d -> %dx%d: %d of %zu outputs wrong\n", kChannels, kHeight,
              kWidth, 2 * kHeight, 2 * kWidth, wrong, big.size());
  return wrong == 0 ? 0 : 1;
}

int check_pixel_shuffle() {
  constexpr int kDepth = 4, kSize = 16;  // 4 channels of 16x16 -> 1 channel of 32x32
  std::vector<float> features(kDepth * kSize * kSize);
  for (size_t i = 0; i < features.size(); i++) features[i] = static_cast<float>(i);
  std::vector<float> image(kDepth * kSize * kSize);
  upsample::ShuffleOptions options;
  options.factor_h = options.factor_w = 2;
  const upsample::Status st = upsample::pixel_shuffle(
      upsample::make_input_tensor(features.data(), upsample::DType::kFloat32,
                                  upsample::Layout::kNCHW, 1, kDepth, kSize, kSize),
      upsample::make_tensor(image.data(), upsample::DType::kFloat32, upsample::Layout::kNCHW, 1, 1,
                            2 * kSize, 2 * kSize),
      options);
  if (!st.ok()) {
    std::printf("pixel_shuffle failed: %s\n", st.message().c_str());
    return 1;
  }
  int wrong = 0;
  for (int y = 0; y < 2 * kSize; y++) {
    for (int x = 0; x < 2 * kSize; x++) {
      // PyTorch's order: output (y, x) comes from channel (y % 2) * 2 + x % 2 at (y / 2, x / 2).
      const int channel = (y % 2) * 2 + x % 2;
      if (image[y * 2 * kSize + x] != features[(channel * kSize + y / 2) * kSize + x / 2]) wrong++;
    }
  }
  std::printf("pixel shuffle 4x16x16 -> 1x32x32: %d of %zu outputs wrong\n", wrong, image.size());
  return wrong == 0 ? 0 : 1;
}

int check_error_reporting() {
  // A null output: a clear message and a non-ok status, not a crash.
  float pixel = 1.0f;
  upsample::TensorView in = upsample::make_input_tensor(&pixel, upsample::DType::kFloat32,
                                                        upsample::Layout::kNCHW, 1, 1, 1, 1);
  upsample::TensorView out = upsample::make_tensor(nullptr, upsample::DType::kFloat32,
                                                   upsample::Layout::kNCHW, 1, 1, 2, 2);
  const upsample::Status st =
      upsample::resize(in, out, upsample::onnx_options(upsample::ResizeMethod::kBilinear));
  std::printf("a null output is refused: %s\n", st.ok() ? "NO" : st.message().c_str());
  return st.ok() ? 1 : 0;
}

}  // namespace

int main() {
  std::printf("CPU features: \"%s\"\n", upsample::cpu_features().c_str());
  int failures = check_bilinear() + check_pixel_shuffle() + check_error_reporting();
  std::printf("kernels ran the %s variant\n", upsample::cpu_variant_name(upsample::cpu_variant()));
  std::printf("%s\n", failures == 0 ? "ok" : "FAILED");
  return failures == 0 ? 0 : 1;
}
