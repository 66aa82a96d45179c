// Unit tests of the PNG reader and writer, and of reading by magic bytes.
#include <png.h>

#include <catch2/catch.hpp>

#include "error.h"
#include "png_io.h"
#include "tensor_file.h"
#include "test_util.h"

using upsample::DType;
using upsample::Layout;
using upsample_tools::HostTensor;
using upsample_tools::read_png;
using upsample_tools::write_png;
using namespace test_util;

namespace {

HostTensor pattern_image(int channels, int height, int width, Layout layout = Layout::kNHWC) {
  HostTensor image = HostTensor::allocate(DType::kUInt8, layout, 1, channels, height, width);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      for (int c = 0; c < channels; ++c) {
        image.bytes[image.index(0, c, y, x)] = static_cast<uint8_t>(37 * y + 11 * x + 101 * c);
      }
    }
  }
  return image;
}

std::vector<int64_t> shape_of(const HostTensor& tensor) {
  return std::vector<int64_t>(tensor.shape, tensor.shape + 4);
}

RawPng raw_png(int color_type, int bit_depth, uint32_t width, std::vector<std::string> rows) {
  RawPng png;
  png.width = width;
  png.height = static_cast<uint32_t>(rows.size());
  png.color_type = color_type;
  png.bit_depth = bit_depth;
  png.rows = std::move(rows);
  return png;
}

HostTensor read_raw(const RawPng& png) {
  TempDir dir;
  write_raw_png(dir.path("raw.png"), png);
  return read_png(dir.path("raw.png"));
}

}  // namespace

TEST_CASE("png: write then read returns the same pixels for 1 to 4 channels", "[png]") {
  TempDir dir;
  for (int channels = 1; channels <= 4; ++channels) {
    INFO(channels << " channels");
    const HostTensor image = pattern_image(channels, 5, 7);
    write_png(dir.path("t.png"), image);
    const HostTensor back = read_png(dir.path("t.png"));
    CHECK(back.dtype == DType::kUInt8);
    CHECK(back.layout == Layout::kNHWC);
    CHECK(shape_of(back) == std::vector<int64_t>{1, channels, 5, 7});
    CHECK(back.bytes == image.bytes);  // alpha is stored as is, not premultiplied
  }
}

TEST_CASE("png: a planar (NCHW) tensor is written interleaved", "[png]") {
  TempDir dir;
  const HostTensor planar = pattern_image(3, 4, 6, Layout::kNCHW);
  write_png(dir.path("t.png"), planar);
  const HostTensor back = read_png(dir.path("t.png"));
  CHECK(back.bytes == pattern_image(3, 4, 6, Layout::kNHWC).bytes);
}

TEST_CASE("png: palette images expand to RGB, or RGBA with tRNS", "[png]") {
  RawPng png = raw_png(PNG_COLOR_TYPE_PALETTE, 8, 3, {std::string("\x00\x01\x02", 3)});
  png.palette = {10, 20, 30, 40, 50, 60, 70, 80, 90};
  const HostTensor rgb = read_raw(png);
  CHECK(shape_of(rgb) == std::vector<int64_t>{1, 3, 1, 3});
  CHECK(rgb.bytes == std::vector<uint8_t>{10, 20, 30, 40, 50, 60, 70, 80, 90});

  png.palette_alpha = {0, 128};  // entries past the list are opaque
  const HostTensor rgba = read_raw(png);
  CHECK(shape_of(rgba) == std::vector<int64_t>{1, 4, 1, 3});
  CHECK(rgba.bytes == std::vector<uint8_t>{10, 20, 30, 0, 40, 50, 60, 128, 70, 80, 90, 255});

  // A 2-bit palette: four pixels packed in one byte.
  RawPng packed = raw_png(PNG_COLOR_TYPE_PALETTE, 2, 4, {std::string("\x1b", 1)});  // 0,1,2,3
  packed.palette = {1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4};
  CHECK(read_raw(packed).bytes == std::vector<uint8_t>{1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4});
}

TEST_CASE("png: low-bit gray expands to 8 bits", "[png]") {
  // 1-bit: 1,0,1,1,0,0,0,0 packed MSB first.
  const HostTensor one_bit = read_raw(raw_png(PNG_COLOR_TYPE_GRAY, 1, 4, {std::string("\xb0", 1)}));
  CHECK(shape_of(one_bit) == std::vector<int64_t>{1, 1, 1, 4});
  CHECK(one_bit.bytes == std::vector<uint8_t>{255, 0, 255, 255});
  const HostTensor two_bit = read_raw(raw_png(PNG_COLOR_TYPE_GRAY, 2, 4, {std::string("\x1b", 1)}));
  CHECK(two_bit.bytes == std::vector<uint8_t>{0, 85, 170, 255});
  const HostTensor four_bit =
      read_raw(raw_png(PNG_COLOR_TYPE_GRAY, 4, 2, {std::string("\x0f", 1)}));
  CHECK(four_bit.bytes == std::vector<uint8_t>{0, 255});
}

TEST_CASE("png: gray with tRNS becomes gray + alpha", "[png]") {
  RawPng png = raw_png(PNG_COLOR_TYPE_GRAY, 8, 3, {std::string("\x05\x09\x05", 3)});
  png.transparent_gray = 5;
  const HostTensor ga = read_raw(png);
  CHECK(shape_of(ga) == std::vector<int64_t>{1, 2, 1, 3});
  CHECK(ga.bytes == std::vector<uint8_t>{5, 0, 9, 255, 5, 0});
}

TEST_CASE("png: 16-bit images are scaled to 8 bits", "[png]") {
  // RGB 16-bit big-endian samples: 0xffff -> 255, 0x0000 -> 0, 0x8080 -> 128, 0x0101 -> 1.
  const std::string row("\xff\xff\x00\x00\x80\x80\x01\x01\x00\x00\xff\xff", 12);
  const HostTensor rgb = read_raw(raw_png(PNG_COLOR_TYPE_RGB, 16, 2, {row}));
  CHECK(shape_of(rgb) == std::vector<int64_t>{1, 3, 1, 2});
  CHECK(rgb.bytes == std::vector<uint8_t>{255, 0, 128, 1, 0, 255});
  const HostTensor ga =
      read_raw(raw_png(PNG_COLOR_TYPE_GRAY_ALPHA, 16, 1, {std::string("\x80\x80\xff\xff", 4)}));
  CHECK(ga.bytes == std::vector<uint8_t>{128, 255});
}

TEST_CASE("png: interlaced images read like plain ones", "[png]") {
  std::vector<std::string> rows;
  for (int y = 0; y < 9; ++y) {
    std::string row;
    for (int x = 0; x < 10; ++x) row += std::string{char(y * 10 + x), char(x), char(200 - y)};
    rows.push_back(row);
  }
  RawPng plain = raw_png(PNG_COLOR_TYPE_RGB, 8, 10, rows);
  RawPng interlaced = plain;
  interlaced.interlaced = true;
  const HostTensor expected = read_raw(plain);
  CHECK(read_raw(interlaced).bytes == expected.bytes);
  CHECK(expected.bytes[3 * (4 * 10 + 7)] == 47);
}

TEST_CASE("png: corrupt, truncated and non-PNG files are rejected", "[png]") {
  TempDir dir;
  write_png(dir.path("good.png"), pattern_image(3, 16, 16));
  const std::string good = read_bytes(dir.path("good.png"));

  write_bytes(dir.path("half.png"), good.substr(0, good.size() / 2));
  REQUIRE_THROWS_WITH(read_png(dir.path("half.png")), Catch::Contains("bad PNG"));
  write_bytes(dir.path("no-end.png"), good.substr(0, good.size() - 6));  // IEND cut short
  REQUIRE_THROWS_WITH(read_png(dir.path("no-end.png")), Catch::Contains("bad PNG"));
  write_bytes(dir.path("header-only.png"), good.substr(0, 20));
  REQUIRE_THROWS_WITH(read_png(dir.path("header-only.png")), Catch::Contains("bad PNG"));
  write_bytes(dir.path("tiny.png"), good.substr(0, 4));
  REQUIRE_THROWS_WITH(read_png(dir.path("tiny.png")), Catch::Contains("truncated"));

  std::string bad_crc = good;
  bad_crc[29] ^= 0x55;  // the IHDR chunk's CRC
  write_bytes(dir.path("crc.png"), bad_crc);
  REQUIRE_THROWS_WITH(read_png(dir.path("crc.png")), Catch::Contains("bad PNG"));

  std::string bad_magic = good;
  bad_magic[1] = 'Q';
  write_bytes(dir.path("magic.png"), bad_magic);
  REQUIRE_THROWS_WITH(read_png(dir.path("magic.png")), Catch::Contains("not a PNG"));
  REQUIRE_THROWS_WITH(read_png(dir.path("missing.png")), Catch::Contains("cannot open"));
}

TEST_CASE("png: tensors PNG cannot hold are refused and leave no file", "[png]") {
  TempDir dir;
  const std::string out = dir.path("out.png");
  const HostTensor floats = HostTensor::allocate(DType::kFloat32, Layout::kNHWC, 1, 3, 2, 2);
  REQUIRE_THROWS_WITH(write_png(out, floats), Catch::Contains("uint8"));
  const HostTensor batch = HostTensor::allocate(DType::kUInt8, Layout::kNHWC, 2, 3, 2, 2);
  REQUIRE_THROWS_WITH(write_png(out, batch), Catch::Contains("N == 1"));
  const HostTensor five = HostTensor::allocate(DType::kUInt8, Layout::kNCHW, 1, 5, 2, 2);
  REQUIRE_THROWS_WITH(write_png(out, five), Catch::Contains("C in 1..4"));
  REQUIRE_THROWS_WITH(write_png(dir.path("no-dir/out.png"), pattern_image(3, 2, 2)),
                      Catch::Contains("cannot create"));
  CHECK(dir.entries().empty());
}

TEST_CASE("png: the input format comes from the magic bytes, not the name", "[png]") {
  using upsample_tools::read_tensor_file;
  TempDir dir;
  write_png(dir.path("image.npy"), pattern_image(1, 2, 3));
  CHECK(read_tensor_file(dir.path("image.npy"), Layout::kNCHW).layout == Layout::kNHWC);
  write_bytes(dir.path("array.png"), float_npy({1, 1, 1, 2}, {1, 2}));
  CHECK(read_tensor_file(dir.path("array.png"), Layout::kNCHW).dtype == DType::kFloat32);
  write_bytes(dir.path("text.npy"), "just text");
  REQUIRE_THROWS_WITH(read_tensor_file(dir.path("text.npy"), Layout::kNCHW),
                      Catch::Contains("unrecognised"));
  write_bytes(dir.path("empty.npy"), "");
  REQUIRE_THROWS_WITH(read_tensor_file(dir.path("empty.npy"), Layout::kNCHW),
                      Catch::Contains("unrecognised"));
}
