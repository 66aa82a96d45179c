// Draws the demo's synthetic test chart (96 x 64 RGB): features that show aliasing, blockiness
// and ringing when upsampled. Everything is computed here, so the picture has no rights issues.
//   make_test_chart OUT.png          writes the chart
//   make_test_chart --verify FILE    exits 1 unless FILE holds exactly these pixels
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <exception>

#include "host_tensor.h"
#include "png_io.h"

namespace {

constexpr int kWidth = 96;
constexpr int kHeight = 64;
constexpr double kPi = 3.14159265358979323846;

struct Rgb {
  double r, g, b;  // 0..1
};

void put(upsample_tools::HostTensor* chart, int x, int y, Rgb color) {
  const double values[3] = {color.r, color.g, color.b};
  for (int c = 0; c < 3; ++c) {
    const double clamped = std::fmin(1.0, std::fmax(0.0, values[c]));
    chart->bytes[chart->index(0, c, y, x)] = static_cast<uint8_t>(std::lround(clamped * 255));
  }
}

Rgb gray(double v) {
  return {v, v, v};
}

// Rings whose frequency rises from 0 at the centre to 0.5 cycles per pixel (Nyquist) at radius
// 16: any aliasing shows as false rings.
Rgb zone_plate(int x, int y) {
  const double dx = x - 15.5, dy = y - 15.5;
  return gray(0.5 + 0.5 * std::cos(kPi * (dx * dx + dy * dy) / 32.0));
}

// Checkerboards of 1, 2, 4 and 8 pixel squares, one per quadrant: blockiness and blur.
Rgb checkerboards(int x, int y) {
  const int quadrant = (y / 16) * 2 + x / 16;
  const int size = 1 << quadrant;
  return gray(((x / size + y / size) % 2) ? 1.0 : 0.0);
}

// A Siemens star of 12 black and white wedges: every edge angle, and detail down to the centre.
Rgb siemens_star(int x, int y) {
  const double angle = std::atan2(y - 15.5, x - 15.5) + kPi;  // 0..2 pi
  return gray(static_cast<int>(angle / (2 * kPi) * 24) % 2 ? 1.0 : 0.0);
}

// The eight EBU colour bars: hard colour edges.
Rgb colour_bars(int x) {
  static constexpr Rgb kBars[] = {{1, 1, 1}, {1, 1, 0}, {0, 1, 1}, {0, 1, 0},
                                  {1, 0, 1}, {1, 0, 0}, {0, 0, 1}, {0, 0, 0}};
  return kBars[x * 8 / kWidth];
}

// Fully saturated hue from 0 to 360 degrees.
Rgb hue(double h) {
  auto channel = [h](double offset) {
    const double k = std::fmod(h / 60.0 + offset, 6.0);
    return 1.0 - std::fmax(0.0, std::min({k, 4.0 - k, 1.0}));
  };
  return {channel(5), channel(3), channel(1)};
}

upsample_tools::HostTensor draw_chart() {
  auto chart = upsample_tools::HostTensor::allocate(upsample::DType::kUInt8,
                                                    upsample::Layout::kNHWC, 1, 3, kHeight, kWidth);
  for (int y = 0; y < kHeight; ++y) {
    for (int x = 0; x < kWidth; ++x) {
      Rgb color;
      if (y < 32) {
        const int block = x / 32, bx = x % 32;
        color = block == 0   ? zone_plate(bx, y)
                : block == 1 ? checkerboards(bx, y)
                             : siemens_star(bx, y);
      } else if (y < 48) {
        color = colour_bars(x);
      } else if (y < 56) {
        color = gray(x / double(kWidth - 1));  // smooth ramp: banding and overshoot
      } else {
        color = hue(360.0 * x / kWidth);
      }
      put(&chart, x, y, color);
    }
  }
  return chart;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    if (argc == 3 && std::strcmp(argv[1], "--verify") == 0) {
      const bool same = upsample_tools::read_png(argv[2]).bytes == draw_chart().bytes;
      std::printf("%s %s the chart this program draws\n", argv[2],
                  same ? "matches" : "differs from");
      return same ? 0 : 1;
    }
    if (argc != 2) {
      std::fprintf(stderr, "usage: make_test_chart OUT.png | make_test_chart --verify FILE.png\n");
      return 2;
    }
    upsample_tools::write_png(argv[1], draw_chart());
    std::printf("wrote %s (%dx%d RGB)\n", argv[1], kWidth, kHeight);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "make_test_chart: error: %s\n", error.what());
    return 1;
  }
  return 0;
}
