// Learnable upsampling, shown: a transposed-convolution layer (kernel 4, stride 2, padding 1)
// starts from random weights and learns, by plain SGD on a mean squared error, to reproduce
// bilinear 2x upsampling (ONNX half_pixel, PyTorch align_corners=False), using nothing but the
// library's conv_transpose2d, conv_transpose2d_backward and resize.
//
// Bilinear 2x is exactly such a layer inside the image (the kernel is the outer product of
// 1/4 * [1, 3, 3, 1]); at the border bilinear repeats the edge pixel where the layer sees zeros, so
// the loss ignores a one-pixel frame and the optimum is the bilinear kernel itself.
#include <CLI/CLI.hpp>

#include <cmath>
#include <cstdio>
#include <random>
#include <vector>

#include "upsample/upsample.h"

namespace {

struct Settings {
  int steps = 1500;
  int batch = 8;
  int size = 16;  // input images are size x size
  float learning_rate = 0.5f;
  double fail_above = -1;  // exit status 1 when the final loss is not below this (tests)
  bool quiet = false;
  unsigned seed = 1;
};

void check(const upsample::Status& status) {
  if (!status.ok()) {
    std::fprintf(stderr, "train_upsampler: %s\n", status.message().c_str());
    std::exit(1);
  }
}

int run(const Settings& settings) {
  using upsample::DType;
  using upsample::Layout;
  const int n = settings.batch, h = settings.size, w = settings.size;
  const int out_h = 2 * h, out_w = 2 * w, kernel = 4;
  std::mt19937 random(settings.seed);
  std::uniform_real_distribution<float> pixel(0.0f, 1.0f);
  std::normal_distribution<float> init(0.0f, 0.5f);

  // The layer: one channel in, one out; weight (C_in, C_out, kH, kW) and a bias.
  std::vector<float> weight(kernel * kernel), bias(1, 0.0f);
  for (float& v : weight) v = init(random);
  std::vector<float> grad_weight(weight.size()), grad_bias(1);
  upsample::ConvTranspose2dOptions layer;
  layer.stride_h = layer.stride_w = 2;
  layer.padding_h = layer.padding_w = 1;

  std::vector<float> images(size_t(n) * h * w), target(size_t(n) * out_h * out_w);
  std::vector<float> output(target.size()), grad_output(target.size());
  const auto images_view =
      upsample::make_tensor(images.data(), DType::kFloat32, Layout::kNCHW, n, 1, h, w);
  const auto target_view =
      upsample::make_tensor(target.data(), DType::kFloat32, Layout::kNCHW, n, 1, out_h, out_w);
  const auto output_view =
      upsample::make_tensor(output.data(), DType::kFloat32, Layout::kNCHW, n, 1, out_h, out_w);
  const auto grad_output_view =
      upsample::make_tensor(grad_output.data(), DType::kFloat32, Layout::kNCHW, n, 1, out_h, out_w);
  const auto weight_view =
      upsample::make_tensor(weight.data(), DType::kFloat32, Layout::kNCHW, 1, 1, kernel, kernel);
  const auto grad_weight_view = upsample::make_tensor(grad_weight.data(), DType::kFloat32,
                                                      Layout::kNCHW, 1, 1, kernel, kernel);
  const auto bias_view = upsample::make_vector_tensor(bias.data(), 1);
  const auto grad_bias_view = upsample::make_vector_tensor(grad_bias.data(), 1);
  upsample::ResizeOptions bilinear;  // half_pixel, as PyTorch's align_corners=False
  bilinear.method = upsample::ResizeMethod::kBilinear;

  const int frame = 1;  // border pixels left out of the loss
  const double counted = double(n) * (out_h - 2 * frame) * (out_w - 2 * frame);
  double loss = 0;
  for (int step = 0; step <= settings.steps; step++) {
    // A fresh batch of random images and what bilinear makes of them.
    for (float& v : images) v = pixel(random);
    check(upsample::resize(images_view, target_view, bilinear));
    check(upsample::conv_transpose2d(images_view, weight_view, &bias_view, output_view, layer));

    // Mean squared error inside the frame, and its gradient.
    loss = 0;
    for (int b = 0; b < n; b++) {
      for (int y = 0; y < out_h; y++) {
        for (int x = 0; x < out_w; x++) {
          const size_t i = (size_t(b) * out_h + y) * out_w + x;
          const bool inside = y >= frame && y < out_h - frame && x >= frame && x < out_w - frame;
          const double error = inside ? double(output[i]) - target[i] : 0.0;
          loss += error * error / counted;
          grad_output[i] = float(2.0 * error / counted);
        }
      }
    }
    if (!settings.quiet && (step % (settings.steps / 10 > 0 ? settings.steps / 10 : 1) == 0)) {
      std::printf("step %5d  loss %.3e\n", step, loss);
    }
    if (step == settings.steps) break;
    check(upsample::conv_transpose2d_backward(images_view, weight_view, grad_output_view, nullptr,
                                              &grad_weight_view, &grad_bias_view, layer));
    for (size_t k = 0; k < weight.size(); k++) weight[k] -= settings.learning_rate * grad_weight[k];
    bias[0] -= settings.learning_rate * grad_bias[0];
  }

  const float taps[4] = {0.25f, 0.75f, 0.75f, 0.25f};
  double worst = 0;
  if (!settings.quiet)
    std::printf("\nlearned kernel (bilinear 2x is 1/16 * [1 3 3 1]^T [1 3 3 1]):\n");
  for (int y = 0; y < kernel; y++) {
    for (int x = 0; x < kernel; x++) {
      const float learned = weight[size_t(y) * kernel + x];
      worst = std::max(worst, double(std::fabs(learned - taps[y] * taps[x])));
      if (!settings.quiet) std::printf(" %8.5f", learned);
    }
    if (!settings.quiet) std::printf("\n");
  }
  std::printf("final loss %.3e, bias %.2e, largest kernel error %.2e\n", loss, bias[0], worst);
  if (settings.fail_above >= 0 && !(loss < settings.fail_above)) {
    std::fprintf(stderr, "train_upsampler: final loss %.3e is not below %.3e\n", loss,
                 settings.fail_above);
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Settings settings;
  CLI::App app{"Trains a transposed convolution to reproduce bilinear 2x upsampling with SGD."};
  app.add_option("--steps", settings.steps, "SGD steps (default 1500)")
      ->check(CLI::Range(1, 1000000));
  app.add_option("--batch", settings.batch, "images per step (default 8)")
      ->check(CLI::Range(1, 1024));
  app.add_option("--size", settings.size, "input image side (default 16)")
      ->check(CLI::Range(4, 1024));
  app.add_option("--learning-rate", settings.learning_rate, "SGD step size (default 0.5)")
      ->check(CLI::PositiveNumber);
  app.add_option("--seed", settings.seed, "random seed (default 1)");
  app.add_option("--fail-above", settings.fail_above,
                 "exit with status 1 unless the final loss is below this");
  app.add_flag("--quiet", settings.quiet, "print only the final line");
  CLI11_PARSE(app, argc, argv);
  return run(settings);
}
