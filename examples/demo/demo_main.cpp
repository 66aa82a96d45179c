// Upsamples the test chart 4x with each method and writes one labelled side-by-side comparison,
// printing each method's time.
//   upsample_demo data/test_chart.png out/comparison.png
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "bitmap_font.h"
#include "host_tensor.h"
#include "png_io.h"
#include "upsample/upsample.h"

namespace {

using upsample_tools::HostTensor;

constexpr int kFactor = 4;
constexpr int kRepeats = 15;  // the reported time is the median
constexpr int kColumns = 3;
constexpr int kGap = 8;
constexpr int kLabelScale = 2;
constexpr int kLabelHeight = demo::kGlyphHeight * kLabelScale + 6;
constexpr uint8_t kBackground = 40;
constexpr uint8_t kInk = 235;

using Operator =
    std::function<upsample::Status(const upsample::TensorView&, const upsample::TensorView&)>;

struct Method {
  std::string label;  // upper case: the font has no lower case
  Operator run;
};

Operator resize_with(upsample::PytorchMode mode) {
  // F.interpolate(scale_factor=4, align_corners=False): the coordinates use the factor itself.
  upsample::ResizeOptions options = upsample::pytorch_options(mode, false);
  options.scale_h = options.scale_w = kFactor;
  return [options](const upsample::TensorView& in, const upsample::TensorView& out) {
    return upsample::resize(in, out, options);
  };
}

Operator unpool_with(upsample::UnpoolMode mode) {
  upsample::UnpoolOptions options;
  options.mode = mode;
  options.factor_h = options.factor_w = kFactor;
  return [options](const upsample::TensorView& in, const upsample::TensorView& out) {
    return upsample::unpool(in, out, options);
  };
}

std::vector<Method> methods() {
  return {{"NEAREST", resize_with(upsample::PytorchMode::kNearest)},
          {"BILINEAR", resize_with(upsample::PytorchMode::kBilinear)},
          {"BICUBIC", resize_with(upsample::PytorchMode::kBicubic)},
          {"UNPOOL NEAREST", unpool_with(upsample::UnpoolMode::kNearest)},
          {"BED OF NAILS", unpool_with(upsample::UnpoolMode::kBedOfNails)}};
}

// Runs the operator kRepeats times after one warm-up; returns the median time in milliseconds.
double time_ms(const Method& method, const HostTensor& input, HostTensor* output) {
  std::vector<double> times;
  for (int i = 0; i <= kRepeats; ++i) {
    const auto start = std::chrono::steady_clock::now();
    const upsample::Status status = method.run(input.input_view(), output->view());
    const auto stop = std::chrono::steady_clock::now();
    if (!status.ok()) throw std::runtime_error(method.label + ": " + status.message());
    if (i > 0) times.push_back(std::chrono::duration<double, std::milli>(stop - start).count());
  }
  std::nth_element(times.begin(), times.begin() + times.size() / 2, times.end());
  return times[times.size() / 2];
}

// Copies a 1 x C x h x w uint8 image into the canvas at (x, y).
void blit(const HostTensor& panel, int x, int y, HostTensor* canvas) {
  for (int64_t py = 0; py < panel.h(); ++py) {
    for (int64_t px = 0; px < panel.w(); ++px) {
      for (int64_t c = 0; c < panel.c(); ++c) {
        canvas->bytes[canvas->index(0, c, y + py, x + px)] = panel.bytes[panel.index(0, c, py, px)];
      }
    }
  }
}

// One cell per panel: a label above a (factor x input)-sized image area, cells in a grid.
class Comparison {
 public:
  Comparison(const HostTensor& input, int panels)
      : cell_w_(static_cast<int>(input.w()) * kFactor),
        cell_h_(kLabelHeight + static_cast<int>(input.h()) * kFactor) {
    const int rows = (panels + kColumns - 1) / kColumns;
    canvas_ =
        HostTensor::allocate(upsample::DType::kUInt8, upsample::Layout::kNHWC, 1, input.c(),
                             kGap + rows * (cell_h_ + kGap), kGap + kColumns * (cell_w_ + kGap));
    std::fill(canvas_.bytes.begin(), canvas_.bytes.end(), kBackground);
    // Gray + alpha and RGBA images keep an opaque background.
    if (input.c() == 2 || input.c() == 4) {
      for (int64_t i = input.c() - 1; i < static_cast<int64_t>(canvas_.bytes.size());
           i += input.c()) {
        canvas_.bytes[i] = 255;
      }
    }
  }

  void add(const std::string& label, const HostTensor& image) {
    const int x = kGap + (count_ % kColumns) * (cell_w_ + kGap);
    const int y = kGap + (count_ / kColumns) * (cell_h_ + kGap);
    demo::draw_text(&canvas_, label, x, y + 2, kLabelScale, kInk);
    blit(image, x, y + kLabelHeight, &canvas_);
    ++count_;
  }

  const HostTensor& image() const { return canvas_; }

 private:
  int cell_w_;
  int cell_h_;
  int count_ = 0;
  HostTensor canvas_;
};

int run(const std::string& chart_path, const std::string& out_path) {
  HostTensor input = upsample_tools::read_png(chart_path);
  const std::vector<Method> all = methods();
  Comparison comparison(input, static_cast<int>(all.size()) + 1);
  comparison.add("INPUT 1X", input);

  std::printf("upsampling %s (%lldx%lld, %lld channels) %dx, median of %d runs:\n",
              chart_path.c_str(), static_cast<long long>(input.w()),
              static_cast<long long>(input.h()), static_cast<long long>(input.c()), kFactor,
              kRepeats);
  for (const Method& method : all) {
    HostTensor output = HostTensor::allocate(input.dtype, input.layout, input.n(), input.c(),
                                             input.h() * kFactor, input.w() * kFactor);
    const double ms = time_ms(method, input, &output);
    std::printf("  %-15s %9.3f ms\n", method.label.c_str(), ms);
    comparison.add(method.label, output);
  }
  upsample_tools::write_png(out_path, comparison.image());
  std::printf("wrote %s (%lldx%lld)\n", out_path.c_str(),
              static_cast<long long>(comparison.image().w()),
              static_cast<long long>(comparison.image().h()));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: upsample_demo TEST_CHART.png OUT.png\n");
    return 2;
  }
  try {
    return run(argv[1], argv[2]);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "upsample_demo: error: %s\n", error.what());
    return 1;
  }
}
