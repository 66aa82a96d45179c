// Tests of the built `upsample` program: results against hand-computed values, PNG round trips,
// help text, and every kind of bad invocation and bad input.
#include <catch2/catch.hpp>

#include "npy_io.h"
#include "png_io.h"
#include "test_util.h"

using upsample::DType;
using upsample::Layout;
using upsample_tools::HostTensor;
using upsample_tools::read_npy;
using namespace test_util;

namespace {

std::vector<int64_t> shape_of(const HostTensor& tensor) {
  return std::vector<int64_t>(tensor.shape, tensor.shape + 4);
}

// Runs the program and requires success with nothing on stderr.
void run_ok(const std::vector<std::string>& args, const TempDir& dir) {
  const RunResult result = run_cli(args, dir);
  INFO("stderr: " << result.err);
  REQUIRE(result.exit_code == 0);
  REQUIRE(result.err.empty());
}

void check_close(const std::vector<float>& actual, const std::vector<float>& expected) {
  REQUIRE(actual.size() == expected.size());
  for (size_t i = 0; i < actual.size(); ++i) {
    INFO("element " << i);
    CHECK(actual[i] == Approx(expected[i]).margin(1e-4));
  }
}

// A small RGB image with distinct pixels, written as in.png.
HostTensor write_rgb_png(const std::string& path, int height, int width) {
  HostTensor image = HostTensor::allocate(DType::kUInt8, Layout::kNHWC, 1, 3, height, width);
  for (size_t i = 0; i < image.bytes.size(); ++i) image.bytes[i] = static_cast<uint8_t>(7 * i + 3);
  upsample_tools::write_png(path, image);
  return image;
}

}  // namespace

TEST_CASE("program: nearest 2x of a known 2x2 array", "[program]") {
  TempDir dir;
  write_bytes(dir.path("in.npy"), float_npy({1, 1, 2, 2}, {1, 2, 3, 4}));
  run_ok({"resize", dir.path("in.npy"), dir.path("out.npy"), "--method", "nearest", "--scale", "2"},
         dir);
  const HostTensor out = read_npy(dir.path("out.npy"), Layout::kNCHW);
  CHECK(shape_of(out) == std::vector<int64_t>{1, 1, 4, 4});
  CHECK(float_values(out) == std::vector<float>{1, 1, 2, 2,  //
                                                1, 1, 2, 2,  //
                                                3, 3, 4, 4,  //
                                                3, 3, 4, 4});
  // --size gives the same result for an integer scale.
  run_ok(
      {"resize", dir.path("in.npy"), dir.path("size.npy"), "--method", "nearest", "--size", "4,4"},
      dir);
  CHECK(read_bytes(dir.path("size.npy")) == read_bytes(dir.path("out.npy")));
}

TEST_CASE("program: bilinear align_corners of [60, 100] to 5", "[program]") {
  TempDir dir;
  write_bytes(dir.path("f.npy"), float_npy({1, 1, 1, 2}, {60, 100}));
  run_ok({"resize", dir.path("f.npy"), dir.path("f_out.npy"), "--method", "bilinear", "--size",
          "1,5", "--coord", "align_corners"},
         dir);
  check_close(float_values(read_npy(dir.path("f_out.npy"), Layout::kNCHW)), {60, 70, 80, 90, 100});

  write_bytes(dir.path("u.npy"), uint8_npy({1, 1, 1, 2}, {60, 100}));
  run_ok({"resize", dir.path("u.npy"), dir.path("u_out.npy"), "--method", "bilinear", "--size",
          "1,5", "--coord", "align-corners"},
         dir);
  const HostTensor u = read_npy(dir.path("u_out.npy"), Layout::kNCHW);
  CHECK(u.dtype == DType::kUInt8);  // output dtype follows the input
  CHECK(uint8_values(u) == std::vector<uint8_t>{60, 70, 80, 90, 100});

  // uint16 values, and float16 bit patterns (60 = 0x5380, 70 = 0x5460, ..., 100 = 0x5640).
  const std::pair<const char*, std::vector<uint16_t>> cases[] = {{"<u2", {600, 1000}},
                                                                 {"<f2", {0x5380, 0x5640}}};
  const std::vector<uint16_t> expected[] = {{600, 700, 800, 900, 1000},
                                            {0x5380, 0x5460, 0x5500, 0x55a0, 0x5640}};
  for (int i = 0; i < 2; ++i) {
    INFO(cases[i].first);
    write_bytes(dir.path("h.npy"),
                npy_file(npy_dict(cases[i].first, {1, 1, 1, 2}), raw_bytes(cases[i].second)));
    run_ok({"resize", dir.path("h.npy"), dir.path("h_out.npy"), "--method", "bilinear", "--size",
            "1,5", "--coord", "align_corners"},
           dir);
    const std::string bytes = read_bytes(dir.path("h_out.npy"));
    CHECK(bytes.find(std::string("'descr': '") + cases[i].first + "'") != std::string::npos);
    CHECK(bytes.substr(bytes.size() - 10) == raw_bytes(expected[i]));
  }
}

TEST_CASE("program: --scale makes the coordinates use S, --size the size ratio", "[program]") {
  TempDir dir;
  write_bytes(dir.path("in.npy"), float_npy({1, 1, 1, 3}, {10, 20, 30}));
  // asymmetric: x_in = x / scale. With S = 1.5: 0, 2/3, 4/3, 2. With 4/3: 0, 0.75, 1.5, 2.25.
  run_ok({"resize", dir.path("in.npy"), dir.path("scale.npy"), "--method", "bilinear", "--scale",
          "1,1.5", "--coord", "asymmetric"},
         dir);
  check_close(float_values(read_npy(dir.path("scale.npy"), Layout::kNCHW)),
              {10, 10 + 20.0f / 3, 10 + 40.0f / 3, 30});
  run_ok({"resize", dir.path("in.npy"), dir.path("size.npy"), "--method", "bilinear", "--size",
          "1,4", "--coord", "asymmetric"},
         dir);
  check_close(float_values(read_npy(dir.path("size.npy"), Layout::kNCHW)), {10, 17.5, 25, 30});
}

TEST_CASE("program: --scale SH,SW gives floor(in * S) per axis", "[program]") {
  TempDir dir;
  write_bytes(dir.path("in.npy"), float_npy({2, 1, 3, 5}, std::vector<float>(30, 1.0f)));
  run_ok({"resize", dir.path("in.npy"), dir.path("out.npy"), "--method", "bilinear", "--scale",
          "1.5,2.5"},
         dir);
  const HostTensor out = read_npy(dir.path("out.npy"), Layout::kNCHW);
  CHECK(shape_of(out) == std::vector<int64_t>{2, 1, 4, 12});
  check_close(float_values(out), std::vector<float>(2 * 4 * 12, 1.0f));
}

TEST_CASE("program: bicubic keeps a constant image constant", "[program]") {
  TempDir dir;
  write_bytes(dir.path("in.npy"), float_npy({1, 2, 3, 3}, std::vector<float>(18, 7.0f)));
  for (const char* extra : {"--cubic-a=-0.5", "--exclude-outside"}) {
    INFO(extra);
    run_ok({"resize", dir.path("in.npy"), dir.path("out.npy"), "--method", "bicubic", "--size",
            "5,7", extra},
           dir);
    const HostTensor out = read_npy(dir.path("out.npy"), Layout::kNCHW);
    CHECK(shape_of(out) == std::vector<int64_t>{1, 2, 5, 7});
    check_close(float_values(out), std::vector<float>(70, 7.0f));
  }
}

TEST_CASE("program: nearest modes pick different neighbours", "[program]") {
  TempDir dir;
  write_bytes(dir.path("in.npy"), float_npy({1, 1, 1, 2}, {1, 2}));
  // asymmetric 4x: x_in = x / 4 = 0, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75.
  const std::pair<const char*, std::vector<float>> cases[] = {
      {"floor", {1, 1, 1, 1, 2, 2, 2, 2}},
      {"ceil", {1, 2, 2, 2, 2, 2, 2, 2}},
      {"round_prefer_floor", {1, 1, 1, 2, 2, 2, 2, 2}},
      {"round-prefer-ceil", {1, 1, 2, 2, 2, 2, 2, 2}},
  };
  for (const auto& [mode, expected] : cases) {
    INFO(mode);
    run_ok({"resize", dir.path("in.npy"), dir.path("out.npy"), "--method", "nearest", "--scale",
            "1,4", "--coord", "asymmetric", "--nearest-mode", mode},
           dir);
    CHECK(float_values(read_npy(dir.path("out.npy"), Layout::kNCHW)) == expected);
  }
}

TEST_CASE("program: --layout nhwc resizes H and W of an N,H,W,C array", "[program]") {
  TempDir dir;
  auto value = [](int h, int w, int c) { return static_cast<float>(100 * h + 10 * w + c); };
  std::vector<float> values;
  for (int h = 0; h < 2; ++h) {
    for (int w = 0; w < 2; ++w) {
      for (int c = 0; c < 3; ++c) values.push_back(value(h, w, c));
    }
  }
  write_bytes(dir.path("in.npy"), float_npy({1, 2, 2, 3}, values));
  run_ok({"resize", dir.path("in.npy"), dir.path("out.npy"), "--method", "nearest", "--scale", "2",
          "--layout", "nhwc"},
         dir);
  CHECK(read_bytes(dir.path("out.npy")).find("'shape': (1, 4, 4, 3)") != std::string::npos);
  const HostTensor out = read_npy(dir.path("out.npy"), Layout::kNHWC);
  const std::vector<float> got = float_values(out);
  for (int h = 0; h < 4; ++h) {
    for (int w = 0; w < 4; ++w) {
      for (int c = 0; c < 3; ++c) {
        CHECK(got[out.index(0, c, h, w)] == value(h / 2, w / 2, c));
      }
    }
  }
}

TEST_CASE("program: unpool nearest and bed of nails", "[program]") {
  TempDir dir;
  write_bytes(dir.path("in.npy"), uint8_npy({1, 1, 2, 2}, {1, 2, 3, 4}));
  run_ok(
      {"unpool", dir.path("in.npy"), dir.path("nearest.npy"), "--mode", "nearest", "--factor", "2"},
      dir);
  CHECK(uint8_values(read_npy(dir.path("nearest.npy"), Layout::kNCHW)) ==
        std::vector<uint8_t>{1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4});
  run_ok({"unpool", dir.path("in.npy"), dir.path("nails.npy"), "--mode", "bed-of-nails", "--factor",
          "2,3"},
         dir);
  const HostTensor nails = read_npy(dir.path("nails.npy"), Layout::kNCHW);
  CHECK(shape_of(nails) == std::vector<int64_t>{1, 1, 4, 6});
  CHECK(uint8_values(nails) == std::vector<uint8_t>{1, 0, 0, 2, 0, 0,  //
                                                    0, 0, 0, 0, 0, 0,  //
                                                    3, 0, 0, 4, 0, 0,  //
                                                    0, 0, 0, 0, 0, 0});
}

TEST_CASE("program: shuffle and unshuffle, both orders", "[program]") {
  TempDir dir;
  // 8 channels of one pixel; with a 2x2 block that is 2 output channels of 2x2 pixels.
  write_bytes(dir.path("in.npy"), uint8_npy({1, 8, 1, 1}, {1, 2, 3, 4, 5, 6, 7, 8}));
  run_ok({"shuffle", dir.path("in.npy"), dir.path("crd.npy"), "--factor", "2"}, dir);
  const HostTensor crd = read_npy(dir.path("crd.npy"), Layout::kNCHW);
  CHECK(shape_of(crd) == std::vector<int64_t>{1, 2, 2, 2});
  // CRD (PyTorch): channel c, offset (i, j) comes from depth c*4 + i*2 + j.
  CHECK(uint8_values(crd) == std::vector<uint8_t>{1, 2, 3, 4, 5, 6, 7, 8});
  run_ok({"shuffle", dir.path("in.npy"), dir.path("dcr.npy"), "--factor", "2", "--order", "dcr"},
         dir);
  // DCR (ONNX): from depth (i*2 + j)*2 + c.
  CHECK(uint8_values(read_npy(dir.path("dcr.npy"), Layout::kNCHW)) ==
        std::vector<uint8_t>{1, 3, 5, 7, 2, 4, 6, 8});
  run_ok(
      {"unshuffle", dir.path("dcr.npy"), dir.path("back.npy"), "--factor", "2", "--order", "dcr"},
      dir);
  const HostTensor back = read_npy(dir.path("back.npy"), Layout::kNCHW);
  CHECK(shape_of(back) == std::vector<int64_t>{1, 8, 1, 1});
  CHECK(uint8_values(back) == std::vector<uint8_t>{1, 2, 3, 4, 5, 6, 7, 8});
}

TEST_CASE("program: maxpool writes maxima and PyTorch indices; unpool --mode max puts them back",
          "[program]") {
  TempDir dir;
  // Windows of 2x2: {1,5,3,4} -> 5 at 1, {2,2,2,7} -> 7 at 7, {0,0,1,3} -> 3 at 13,
  // {9,9,9,1} -> the first 9, at 10.
  write_bytes(dir.path("in.npy"),
              float_npy({1, 1, 4, 4}, {1, 5, 2, 2, 3, 4, 2, 7, 0, 0, 9, 9, 1, 3, 9, 1}));
  run_ok({"maxpool", dir.path("in.npy"), dir.path("max.npy"), dir.path("idx.npy"), "--kernel", "2"},
         dir);
  CHECK(float_values(read_npy(dir.path("max.npy"), Layout::kNCHW)) ==
        std::vector<float>{5, 7, 3, 9});
  const std::string idx = read_bytes(dir.path("idx.npy"));
  CHECK(idx.find("'<i8'") != std::string::npos);  // PyTorch's int64
  CHECK(idx.substr(idx.size() - 32) == raw_bytes(std::vector<int64_t>{1, 7, 13, 10}));
  run_ok({"unpool", dir.path("max.npy"), dir.path("back.npy"), "--mode", "max", "--indices",
          dir.path("idx.npy"), "--size", "4,4"},
         dir);
  CHECK(float_values(read_npy(dir.path("back.npy"), Layout::kNCHW)) ==
        std::vector<float>{0, 5, 0, 0, 0, 0, 0, 7, 0, 0, 9, 0, 0, 3, 0, 0});
  // A 3x3 window with stride 1 and padding 1 keeps the size.
  run_ok({"maxpool", dir.path("in.npy"), dir.path("same.npy"), dir.path("same_idx.npy"), "--kernel",
          "3", "--stride", "1", "--padding", "1"},
         dir);
  CHECK(shape_of(read_npy(dir.path("same.npy"), Layout::kNCHW)) ==
        std::vector<int64_t>{1, 1, 4, 4});
}

TEST_CASE("program: PNG in, PNG out", "[program]") {
  TempDir dir;
  const HostTensor image = write_rgb_png(dir.path("in.png"), 2, 3);
  run_ok({"resize", dir.path("in.png"), dir.path("out.png"), "--method", "nearest", "--scale", "2"},
         dir);
  const HostTensor out = upsample_tools::read_png(dir.path("out.png"));
  REQUIRE(shape_of(out) == std::vector<int64_t>{1, 3, 4, 6});
  for (int y = 0; y < 4; ++y) {
    for (int x = 0; x < 6; ++x) {
      for (int c = 0; c < 3; ++c) {
        CHECK(out.bytes[out.index(0, c, y, x)] == image.bytes[image.index(0, c, y / 2, x / 2)]);
      }
    }
  }
  // Unpooling by 1 copies the image exactly.
  run_ok({"unpool", dir.path("in.png"), dir.path("same.png"), "--mode", "nearest", "--factor", "1"},
         dir);
  CHECK(upsample_tools::read_png(dir.path("same.png")).bytes == image.bytes);
}

TEST_CASE("program: PNG to .npy and planar .npy to PNG", "[program]") {
  TempDir dir;
  const HostTensor image = write_rgb_png(dir.path("in.png"), 2, 3);
  run_ok({"unpool", dir.path("in.png"), dir.path("out.npy"), "--mode", "nearest", "--factor", "1"},
         dir);
  const std::string npy = read_bytes(dir.path("out.npy"));
  CHECK(npy.find("'descr': '|u1', 'fortran_order': False, 'shape': (1, 2, 3, 3)") !=
        std::string::npos);
  CHECK(read_npy(dir.path("out.npy"), Layout::kNHWC).bytes == image.bytes);

  // A planar uint8 NCHW array (C = 3) becomes an RGB PNG.
  std::vector<uint8_t> planar(18);
  for (int c = 0; c < 3; ++c) {
    for (int i = 0; i < 6; ++i) planar[c * 6 + i] = image.bytes[i * 3 + c];
  }
  write_bytes(dir.path("planar.npy"), uint8_npy({1, 3, 2, 3}, planar));
  run_ok({"unpool", dir.path("planar.npy"), dir.path("planar.png"), "--mode", "nearest", "--factor",
          "1"},
         dir);
  CHECK(upsample_tools::read_png(dir.path("planar.png")).bytes == image.bytes);
}

TEST_CASE("program: the bundled test chart upsamples", "[program]") {
  TempDir dir;
  const HostTensor chart = upsample_tools::read_png(UPSAMPLE_TEST_CHART);
  run_ok(
      {"resize", UPSAMPLE_TEST_CHART, dir.path("chart.png"), "--method", "bicubic", "--scale", "2"},
      dir);
  const HostTensor out = upsample_tools::read_png(dir.path("chart.png"));
  CHECK(shape_of(out) == std::vector<int64_t>{1, chart.c(), 2 * chart.h(), 2 * chart.w()});
}

TEST_CASE("program: --help lists the commands, options and names", "[program]") {
  TempDir dir;
  const RunResult top = run_cli({"--help"}, dir);
  CHECK(top.exit_code == 0);
  for (const char* word : {"resize",
                           "unpool",
                           "--method",
                           "--size",
                           "--scale",
                           "--coord",
                           "--nearest-mode",
                           "--cubic-a",
                           "--exclude-outside",
                           "--layout",
                           "--mode",
                           "--factor",
                           "nearest",
                           "bilinear",
                           "bicubic",
                           "half_pixel",
                           "pytorch_half_pixel",
                           "align_corners",
                           "asymmetric",
                           "half_pixel_symmetric",
                           "round_prefer_floor",
                           "round_prefer_ceil",
                           "floor",
                           "ceil",
                           "bed-of-nails",
                           "nchw",
                           "nhwc"}) {
    INFO(word);
    CHECK(top.out.find(word) != std::string::npos);
  }
  const RunResult resize = run_cli({"resize", "--help"}, dir);
  CHECK(resize.exit_code == 0);
  for (const char* word : {"--method", "--size", "--scale", "--coord", "--nearest-mode",
                           "--cubic-a", "--exclude-outside", "--layout", "IN", "OUT"}) {
    INFO(word);
    CHECK(resize.out.find(word) != std::string::npos);
  }
}

namespace {

struct BadRun {
  std::vector<std::string> args;  // "IN:x" and "OUT" are replaced by paths in the scratch dir
  int exit_code;
  const char* key;  // a word the message must contain
};

// Every case must fail with exactly one line "upsample: error: ...", create no OUT and leave no
// temporary file behind.
void check_bad_run(const BadRun& bad) {
  TempDir dir;
  write_bytes(dir.path("good.npy"), float_npy({1, 1, 2, 2}, {1, 2, 3, 4}));
  write_bytes(dir.path("u8.npy"), uint8_npy({1, 1, 2, 2}, {1, 2, 3, 4}));
  write_bytes(dir.path("batch.npy"), uint8_npy({2, 1, 1, 1}, {1, 2}));
  write_bytes(dir.path("c5.npy"), uint8_npy({1, 5, 1, 1}, {1, 2, 3, 4, 5}));
  const std::string good = read_bytes(dir.path("good.npy"));
  write_bytes(dir.path("truncated.npy"), good.substr(0, good.size() - 2));
  write_bytes(dir.path("trailing.npy"), good + "!!");
  write_bytes(dir.path("corrupt.npy"), "\x89PNF this is not an image");
  write_bytes(dir.path("int.npy"),
              npy_file(npy_dict("<i4", {1, 1, 2, 2}), good.substr(good.size() - 16)));
  write_bytes(dir.path("rank3.npy"), float_npy({1, 2, 2}, {1, 2, 3, 4}));
  write_bytes(dir.path("fortran.npy"),
              npy_file(npy_dict("<f4", {1, 1, 2, 2}, true), good.substr(good.size() - 16)));
  write_bytes(dir.path("empty.npy"), float_npy({1, 0, 2, 2}, {}));
  write_rgb_png(dir.path("good.png"), 4, 4);
  const std::string png = read_bytes(dir.path("good.png"));
  write_bytes(dir.path("truncated.png"), png.substr(0, png.size() / 2));

  std::vector<std::string> args;
  for (const std::string& arg : bad.args) {
    if (arg == "OUT") {
      args.push_back(dir.path("out.npy"));
    } else if (arg == "OUT.png") {
      args.push_back(dir.path("out.png"));
    } else if (arg.rfind("IN:", 0) == 0) {
      args.push_back(dir.path(arg.substr(3)));
    } else {
      args.push_back(arg);
    }
  }
  const std::vector<std::string> before = dir.entries();
  const RunResult result = run_cli(args, dir);
  INFO("stderr: " << result.err);
  CHECK(result.exit_code == bad.exit_code);
  REQUIRE(result.err.size() > 18);
  CHECK(result.err.rfind("upsample: error: ", 0) == 0);
  CHECK(result.err.find('\n') == result.err.size() - 1);  // exactly one line
  CHECK(result.err.find(bad.key) != std::string::npos);
  CHECK(dir.entries() == before);  // no OUT, no temporary file
}

}  // namespace

TEST_CASE("program: bad invocations exit 2 with one line and no output", "[program]") {
  const std::vector<std::string> r = {"resize", "IN:good.npy", "OUT"};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = r;
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  };
  const BadRun cases[] = {
      {{}, 2, "subcommand"},
      {{"frobnicate", "a", "b"}, 2, "unknown command"},
      {with({"--method", "nearest", "--scale", "2", "--bogus"}), 2, "--bogus"},
      {{"resize", "IN:good.npy", "--method", "nearest", "--scale", "2"}, 2, "OUT"},
      {with({"extra.npy", "--method", "nearest", "--scale", "2"}), 2, "extra.npy"},
      {with({"--scale", "2"}), 2, "--method"},
      {with({"--method", "nearest", "--scale"}), 2, "--scale"},
      {with({"--method", "nearest", "--scale", "abc"}), 2, "scale"},
      {with({"--method", "nearest", "--scale", "0"}), 2, "scale"},
      {with({"--method", "nearest", "--scale=-2"}), 2, "scale"},
      {with({"--method", "nearest", "--scale", "inf"}), 2, "scale"},
      {with({"--method", "nearest", "--scale", "2,3,4"}), 2, "scale"},
      {with({"--method", "nearest", "--scale", "2,"}), 2, "scale"},
      {with({"--method", "nearest", "--size", "4"}), 2, "size"},
      {with({"--method", "nearest", "--size", "4,x"}), 2, "size"},
      {with({"--method", "nearest", "--size", "0,4"}), 2, "size"},
      {with({"--method", "nearest", "--size", "4,2.5"}), 2, "integer"},
      {with({"--method", "nearest", "--size", "4,99999999999"}), 2, "size"},
      {with({"--method", "bicubic", "--size", "4,4", "--cubic-a", "soft"}), 2, "cubic-a"},
      {with({"--method", "nearest", "--size", "4,4", "--scale", "2"}), 2, "exactly one"},
      {with({"--method", "nearest"}), 2, "exactly one"},
      {with({"--method", "lanczos", "--scale", "2"}), 2, "method"},
      {with({"--method", "nearest", "--scale", "2", "--coord", "centre"}), 2, "coordinate mode"},
      {with({"--method", "nearest", "--scale", "2", "--nearest-mode", "up"}), 2, "nearest mode"},
      {with({"--method", "nearest", "--scale", "2", "--layout", "hwc"}), 2, "layout"},
      {{"resize", "IN:good.npy", "out.jpg", "--method", "nearest", "--scale", "2"}, 2, "format"},
      {{"unpool", "IN:good.npy", "OUT", "--mode", "maximum", "--factor", "2"}, 2, "unpool mode"},
      {{"unpool", "IN:good.npy", "OUT", "--mode", "max", "--factor", "2"}, 2, "--indices"},
      {{"unpool", "IN:good.npy", "OUT", "--mode", "nearest", "--factor", "0"}, 2, "factor"},
      {{"unpool", "IN:good.npy", "OUT", "--mode", "nearest", "--factor", "-2"}, 2, "factor"},
      {{"unpool", "IN:good.npy", "OUT", "--mode", "nearest", "--factor", "1.5"}, 2, "integer"},
      {{"unpool", "IN:good.npy", "OUT", "--mode", "nearest", "--factor", "2,x"}, 2, "factor"},
      {{"unpool", "IN:good.npy", "OUT", "--mode", "nearest"}, 2, "--factor"},
      {{"unpool", "IN:good.npy", "OUT", "--factor", "2"}, 2, "--mode"},
      {{"shuffle", "IN:good.npy", "OUT"}, 2, "--factor"},
      {{"unpool", "IN:good.npy", "OUT", "--mode", "max", "--size", "4,4"}, 2, "--indices"},
      {{"unpool", "IN:good.npy", "OUT", "--mode", "max", "--indices", "IN:good.npy"}, 2, "--size"},
      {{"maxpool", "IN:good.npy", "OUT", "idx.npy"}, 2, "--kernel"},
      {{"maxpool", "IN:good.npy", "OUT", "idx.txt", "--kernel", "2"}, 2, "indices"},
      {{"maxpool", "IN:good.npy", "OUT", "idx.npy", "--kernel", "2", "--padding=-1"}, 2, "padding"},
      {{"shuffle", "IN:good.npy", "OUT", "--factor", "0"}, 2, "factor"},
      {{"shuffle", "IN:good.npy", "OUT", "--factor", "2", "--order", "xyz"}, 2, "order"},
      {{"unshuffle", "IN:good.npy", "OUT", "--factor", "2,x"}, 2, "factor"},
  };
  for (const BadRun& bad : cases) {
    std::string joined;
    for (const std::string& arg : bad.args) joined += arg + " ";
    INFO("upsample " << joined);
    check_bad_run(bad);
  }
}

TEST_CASE("program: bad inputs exit 1 with one line and no output", "[program]") {
  auto resize = [](const char* input, const char* output) {
    return std::vector<std::string>{
        "resize", std::string("IN:") + input, output, "--method", "nearest", "--scale", "2"};
  };
  const BadRun cases[] = {
      {resize("missing.npy", "OUT"), 1, "cannot open"},
      {resize("", "OUT"), 1, "not a regular file"},  // the scratch directory itself
      {resize("corrupt.npy", "OUT"), 1, "unrecognised"},
      {resize("truncated.npy", "OUT"), 1, "truncated"},
      {resize("trailing.npy", "OUT"), 1, "trailing"},
      {resize("int.npy", "OUT"), 1, "dtype"},
      {resize("rank3.npy", "OUT"), 1, "4-D"},
      {resize("fortran.npy", "OUT"), 1, "fortran_order"},
      {resize("empty.npy", "OUT"), 1, "empty"},
      {resize("truncated.png", "OUT"), 1, "PNG"},
      {resize("good.npy", "OUT.png"), 1, "uint8"},
      {resize("batch.npy", "OUT.png"), 1, "N == 1"},
      {resize("c5.npy", "OUT.png"), 1, "C in 1..4"},
      {resize("good.npy", "IN:no-such-dir/out.npy"), 1, "cannot create"},
      // A valid request the library refuses: floor(2 * 0.0001) = 0 output rows.
      {{"resize", "IN:good.npy", "OUT", "--method", "nearest", "--scale", "0.0001"}, 1, ""},
      // good.npy is 1x1x2x2: one channel is no 2x2 block of channels, 2x2 pixels no 3x3 block.
      {{"shuffle", "IN:good.npy", "OUT", "--factor", "2"}, 1, "multiple"},
      {{"unshuffle", "IN:good.npy", "OUT", "--factor", "3"}, 1, "multiple"},
      // good.npy as indices: float32, not int64.
      {{"unpool", "IN:good.npy", "OUT", "--mode", "max", "--indices", "IN:good.npy", "--size",
        "2,2"},
       1,
       "int64"},
      {{"maxpool", "IN:good.npy", "OUT", "IN:idx.npy", "--kernel", "2", "--padding", "2"},
       1,
       "padding"},
  };
  for (const BadRun& bad : cases) {
    std::string joined;
    for (const std::string& arg : bad.args) joined += arg + " ";
    INFO("upsample " << joined);
    check_bad_run(bad);
  }
}

TEST_CASE("program: a failed run leaves an existing OUT untouched", "[program]") {
  TempDir dir;
  write_bytes(dir.path("bad.npy"), "\x93NUMPY garbage");
  write_bytes(dir.path("out.npy"), "previous contents");
  const RunResult result = run_cli(
      {"resize", dir.path("bad.npy"), dir.path("out.npy"), "--method", "nearest", "--scale", "2"},
      dir);
  CHECK(result.exit_code == 1);
  CHECK(read_bytes(dir.path("out.npy")) == "previous contents");
  CHECK(dir.entries() == std::vector<std::string>{"bad.npy", "out.npy"});
}

// ---------------------------------------------------------------------------------------------
// deconv: transposed convolution (PyTorch conv_transpose2d) from the command line.

namespace {

struct DeconvParams {
  int stride_h = 1, stride_w = 1, padding_h = 0, padding_w = 0;
  int output_padding_h = 0, output_padding_w = 0, dilation_h = 1, dilation_w = 1, groups = 1;
};

// conv_transpose2d straight from its definition (a scatter), NCHW in and out: input (n, cin, h, w),
// weight (cin, cout_g, kh, kw), bias empty or cout = cout_g * groups values. Returns the output
// and its shape.
std::vector<float> naive_deconv(const std::vector<float>& x, int64_t n, int64_t cin, int64_t h,
                                int64_t w, const std::vector<float>& k, int64_t cout_g, int64_t kh,
                                int64_t kw, const std::vector<float>& bias, const DeconvParams& p,
                                std::vector<int64_t>* shape) {
  const int64_t cout = cout_g * p.groups, cin_g = cin / p.groups;
  const int64_t oh =
      (h - 1) * p.stride_h - 2 * p.padding_h + p.dilation_h * (kh - 1) + p.output_padding_h + 1;
  const int64_t ow =
      (w - 1) * p.stride_w - 2 * p.padding_w + p.dilation_w * (kw - 1) + p.output_padding_w + 1;
  *shape = {n, cout, oh, ow};
  std::vector<double> y(static_cast<size_t>(n * cout * oh * ow), 0.0);
  for (int64_t b = 0; b < n; ++b)
    for (int64_t co = 0; co < cout; ++co)
      for (int64_t i = 0; i < oh * ow; ++i)
        y[static_cast<size_t>((b * cout + co) * oh * ow + i)] =
            bias.empty() ? 0.0 : bias[static_cast<size_t>(co)];
  for (int64_t b = 0; b < n; ++b)
    for (int64_t ci = 0; ci < cin; ++ci) {
      const int64_t g = ci / cin_g;
      for (int64_t iy = 0; iy < h; ++iy)
        for (int64_t ix = 0; ix < w; ++ix) {
          const double v = x[static_cast<size_t>(((b * cin + ci) * h + iy) * w + ix)];
          for (int64_t o = 0; o < cout_g; ++o)
            for (int64_t ky = 0; ky < kh; ++ky)
              for (int64_t kx = 0; kx < kw; ++kx) {
                const int64_t oy = iy * p.stride_h - p.padding_h + ky * p.dilation_h;
                const int64_t ox = ix * p.stride_w - p.padding_w + kx * p.dilation_w;
                if (oy < 0 || oy >= oh || ox < 0 || ox >= ow) continue;
                const int64_t co = g * cout_g + o;
                y[static_cast<size_t>(((b * cout + co) * oh + oy) * ow + ox)] +=
                    v * k[static_cast<size_t>(((ci * cout_g + o) * kh + ky) * kw + kx)];
              }
        }
    }
  return std::vector<float>(y.begin(), y.end());
}

std::vector<float> ramp(size_t count, float start, float step) {
  std::vector<float> v(count);
  for (size_t i = 0; i < count; ++i)
    v[i] = start + step * static_cast<float>(i % 13) - 0.25f * static_cast<float>(i / 13);
  return v;
}

// The seed example: input [[2, 0], [4, 1]], kernel [[4, 2, 1], [1, 0, 3], [0, 5, 2]], stride 2.
const std::vector<float> kSeedInput = {2, 0, 4, 1};
const std::vector<float> kSeedKernel = {4, 2, 1, 1, 0, 3, 0, 5, 2};
const std::vector<float> kSeedOutput = {8,  4,  2,  0, 0,  //
                                        2,  0,  6,  0, 0,  //
                                        16, 18, 12, 2, 1,  //
                                        4,  0,  13, 0, 3,  //
                                        0,  20, 8,  5, 2};

}  // namespace

TEST_CASE("program: deconv of the seed example, stride 2", "[program]") {
  TempDir dir;
  write_bytes(dir.path("in.npy"), float_npy({1, 1, 2, 2}, kSeedInput));
  write_bytes(dir.path("w.npy"), float_npy({1, 1, 3, 3}, kSeedKernel));
  run_ok({"deconv", dir.path("in.npy"), dir.path("out.npy"), "--weight", dir.path("w.npy"),
          "--stride", "2"},
         dir);
  const HostTensor out = read_npy(dir.path("out.npy"), Layout::kNCHW);
  CHECK(out.dtype == DType::kFloat32);
  CHECK(shape_of(out) == std::vector<int64_t>{1, 1, 5, 5});
  CHECK(float_values(out) == kSeedOutput);
  // The naive definition agrees (it is what the other deconv tests compare with).
  std::vector<int64_t> shape;
  DeconvParams p;
  p.stride_h = p.stride_w = 2;
  CHECK(naive_deconv(kSeedInput, 1, 1, 2, 2, kSeedKernel, 1, 3, 3, {}, p, &shape) == kSeedOutput);
  // Stride 1 (the default): (2 - 1) + 3 = 4.
  run_ok({"deconv", dir.path("in.npy"), dir.path("s1.npy"), "--weight", dir.path("w.npy")}, dir);
  const HostTensor s1 = read_npy(dir.path("s1.npy"), Layout::kNCHW);
  CHECK(shape_of(s1) == std::vector<int64_t>{1, 1, 4, 4});
  check_close(float_values(s1), naive_deconv(kSeedInput, 1, 1, 2, 2, kSeedKernel, 1, 3, 3, {},
                                             DeconvParams{}, &shape));
}

TEST_CASE("program: deconv --bias adds one value per output channel", "[program]") {
  TempDir dir;
  write_bytes(dir.path("in.npy"), float_npy({1, 1, 2, 2}, kSeedInput));
  write_bytes(dir.path("w.npy"), float_npy({1, 1, 3, 3}, kSeedKernel));
  write_bytes(dir.path("b.npy"), float_npy({1}, {10}));
  run_ok({"deconv", dir.path("in.npy"), dir.path("out.npy"), "--weight", dir.path("w.npy"),
          "--bias", dir.path("b.npy"), "--stride", "2"},
         dir);
  std::vector<float> expected = kSeedOutput;
  for (float& v : expected) v += 10;
  CHECK(float_values(read_npy(dir.path("out.npy"), Layout::kNCHW)) == expected);

  // Two input and three output channels, batch 2, a bias per output channel.
  const std::vector<float> x = ramp(2 * 2 * 3 * 2, -1.0f, 0.5f);
  const std::vector<float> w = ramp(2 * 3 * 2 * 3, 0.5f, -0.25f);
  const std::vector<float> b = {1, -2, 0.5f};
  write_bytes(dir.path("x.npy"), float_npy({2, 2, 3, 2}, x));
  write_bytes(dir.path("w3.npy"), float_npy({2, 3, 2, 3}, w));
  write_bytes(dir.path("b3.npy"), float_npy({3}, b));
  run_ok({"deconv", dir.path("x.npy"), dir.path("y.npy"), "--weight", dir.path("w3.npy"), "--bias",
          dir.path("b3.npy"), "--stride", "2", "--padding", "1"},
         dir);
  DeconvParams p;
  p.stride_h = p.stride_w = 2;
  p.padding_h = p.padding_w = 1;
  std::vector<int64_t> shape;
  const std::vector<float> want = naive_deconv(x, 2, 2, 3, 2, w, 3, 2, 3, b, p, &shape);
  const HostTensor y = read_npy(dir.path("y.npy"), Layout::kNCHW);
  CHECK(shape_of(y) == shape);
  check_close(float_values(y), want);
}

TEST_CASE("program: deconv options as H,W pairs", "[program]") {
  TempDir dir;
  const std::vector<float> x = ramp(1 * 2 * 3 * 4, 0.25f, 0.5f);
  const std::vector<float> w = ramp(2 * 1 * 3 * 2, -0.5f, 0.25f);
  write_bytes(dir.path("x.npy"), float_npy({1, 2, 3, 4}, x));
  write_bytes(dir.path("w.npy"), float_npy({2, 1, 3, 2}, w));
  // Stride 2,1; padding 1,0; output padding 1,0 (below stride 2); dilation 1,2.
  run_ok({"deconv", dir.path("x.npy"), dir.path("y.npy"), "--weight", dir.path("w.npy"), "--stride",
          "2,1", "--padding", "1,0", "--output-padding", "1,0", "--dilation", "1,2"},
         dir);
  DeconvParams p;
  p.stride_h = 2;
  p.padding_h = 1;
  p.output_padding_h = 1;
  p.dilation_w = 2;
  std::vector<int64_t> shape;
  const std::vector<float> want = naive_deconv(x, 1, 2, 3, 4, w, 1, 3, 2, {}, p, &shape);
  // H: (3 - 1) * 2 - 2 + 2 + 1 + 1 = 6; W: (4 - 1) - 0 + 2 * 1 + 0 + 1 = 6.
  CHECK(shape == std::vector<int64_t>{1, 1, 6, 6});
  const HostTensor y = read_npy(dir.path("y.npy"), Layout::kNCHW);
  CHECK(shape_of(y) == shape);
  check_close(float_values(y), want);
  // "2,2" is the same as "2".
  run_ok({"deconv", dir.path("x.npy"), dir.path("a.npy"), "--weight", dir.path("w.npy"), "--stride",
          "2,2"},
         dir);
  run_ok({"deconv", dir.path("x.npy"), dir.path("b.npy"), "--weight", dir.path("w.npy"), "--stride",
          "2"},
         dir);
  CHECK(read_bytes(dir.path("a.npy")) == read_bytes(dir.path("b.npy")));
}

TEST_CASE("program: deconv --layout nhwc reads and writes N,H,W,C arrays", "[program]") {
  TempDir dir;
  // Logical input (1, 2, 2, 3) NCHW, stored as (1, 2, 3, 2) N,H,W,C.
  const int64_t c = 2, h = 2, w = 3, cout = 3;
  const std::vector<float> x = ramp(static_cast<size_t>(c * h * w), -0.75f, 0.5f);
  std::vector<float> x_nhwc(x.size());
  for (int64_t ch = 0; ch < c; ++ch)
    for (int64_t y = 0; y < h; ++y)
      for (int64_t xx = 0; xx < w; ++xx) x_nhwc[(y * w + xx) * c + ch] = x[(ch * h + y) * w + xx];
  const std::vector<float> k = ramp(static_cast<size_t>(c * cout * 2 * 2), 0.5f, -0.125f);
  const std::vector<float> b = {0.5f, -1, 2};
  write_bytes(dir.path("x.npy"), float_npy({1, h, w, c}, x_nhwc));
  write_bytes(dir.path("w.npy"), float_npy({c, cout, 2, 2}, k));  // weights are never NHWC
  write_bytes(dir.path("b.npy"), float_npy({cout}, b));
  run_ok({"deconv", dir.path("x.npy"), dir.path("y.npy"), "--weight", dir.path("w.npy"), "--bias",
          dir.path("b.npy"), "--stride", "2", "--layout", "nhwc"},
         dir);
  DeconvParams p;
  p.stride_h = p.stride_w = 2;
  std::vector<int64_t> shape;
  const std::vector<float> want = naive_deconv(x, 1, c, h, w, k, cout, 2, 2, b, p, &shape);
  CHECK(shape == std::vector<int64_t>{1, 3, 4, 6});
  CHECK(read_bytes(dir.path("y.npy")).find("'shape': (1, 4, 6, 3)") != std::string::npos);
  const HostTensor out = read_npy(dir.path("y.npy"), Layout::kNHWC);
  CHECK(shape_of(out) == shape);
  const std::vector<float> got = float_values(out);
  for (int64_t ch = 0; ch < 3; ++ch)
    for (int64_t y = 0; y < 4; ++y)
      for (int64_t xx = 0; xx < 6; ++xx) {
        INFO("c=" << ch << " y=" << y << " x=" << xx);
        CHECK(got[out.index(0, ch, y, xx)] == Approx(want[(ch * 4 + y) * 6 + xx]).margin(1e-4));
      }
}

TEST_CASE("program: deconv --groups 2", "[program]") {
  TempDir dir;
  // Four input channels in two groups of two; each group makes one output channel from a
  // (4, 1, 3, 3) weight: two output channels.
  const std::vector<float> x = ramp(4 * 3 * 3, -1.0f, 0.25f);
  const std::vector<float> k = ramp(4 * 1 * 3 * 3, 1.0f, -0.125f);
  write_bytes(dir.path("x.npy"), float_npy({1, 4, 3, 3}, x));
  write_bytes(dir.path("w.npy"), float_npy({4, 1, 3, 3}, k));
  run_ok({"deconv", dir.path("x.npy"), dir.path("y.npy"), "--weight", dir.path("w.npy"), "--groups",
          "2", "--stride", "2", "--padding", "1", "--output-padding", "1"},
         dir);
  DeconvParams p;
  p.stride_h = p.stride_w = 2;
  p.padding_h = p.padding_w = 1;
  p.output_padding_h = p.output_padding_w = 1;
  p.groups = 2;
  std::vector<int64_t> shape;
  const std::vector<float> want = naive_deconv(x, 1, 4, 3, 3, k, 1, 3, 3, {}, p, &shape);
  CHECK(shape == std::vector<int64_t>{1, 2, 6, 6});
  const HostTensor y = read_npy(dir.path("y.npy"), Layout::kNCHW);
  CHECK(shape_of(y) == shape);
  check_close(float_values(y), want);
  // Without --groups the same (4, 1, 3, 3) weight makes one output channel from all four inputs.
  run_ok({"deconv", dir.path("x.npy"), dir.path("z.npy"), "--weight", dir.path("w.npy"), "--stride",
          "2", "--padding", "1", "--output-padding", "1"},
         dir);
  CHECK(shape_of(read_npy(dir.path("z.npy"), Layout::kNCHW)) == std::vector<int64_t>{1, 1, 6, 6});
}

namespace {

// A deconv run that must fail: exit code, exactly one "upsample: error:" line containing `key`,
// and no OUT (nor any other new file). Arguments "X:name" become paths in the scratch directory,
// "OUT" the output path.
struct BadDeconv {
  std::vector<std::string> args;
  int exit_code;
  const char* key;
};

void check_bad_deconv(const BadDeconv& bad) {
  TempDir dir;
  write_bytes(dir.path("in.npy"), float_npy({1, 1, 2, 2}, kSeedInput));
  write_bytes(dir.path("in3.npy"), float_npy({1, 3, 2, 2}, std::vector<float>(12, 1.0f)));
  write_bytes(dir.path("u8.npy"), uint8_npy({1, 1, 2, 2}, {2, 0, 4, 1}));
  write_bytes(dir.path("w.npy"), float_npy({1, 1, 3, 3}, kSeedKernel));
  write_bytes(dir.path("w.txt"), "4 2 1 1 0 3 0 5 2\n");
  write_bytes(dir.path("w_u8.npy"), uint8_npy({1, 1, 3, 3}, {4, 2, 1, 1, 0, 3, 0, 5, 2}));
  write_bytes(dir.path("w_c2.npy"), float_npy({2, 1, 3, 3}, std::vector<float>(18, 1.0f)));
  write_bytes(dir.path("w3.npy"), float_npy({3, 1, 3, 3}, std::vector<float>(27, 1.0f)));
  write_bytes(dir.path("b2.npy"), float_npy({2}, {1, 2}));
  write_bytes(dir.path("b2d.npy"), float_npy({1, 1}, {1}));
  std::vector<std::string> args;
  for (const std::string& arg : bad.args) {
    if (arg == "OUT") {
      args.push_back(dir.path("out.npy"));
    } else if (arg.rfind("X:", 0) == 0) {
      args.push_back(dir.path(arg.substr(2)));
    } else {
      args.push_back(arg);
    }
  }
  const std::vector<std::string> before = dir.entries();
  const RunResult result = run_cli(args, dir);
  INFO("stderr: " << result.err);
  CHECK(result.exit_code == bad.exit_code);
  REQUIRE(result.err.size() > 18);
  CHECK(result.err.rfind("upsample: error: ", 0) == 0);
  CHECK(result.err.find('\n') == result.err.size() - 1);  // exactly one line
  CHECK(result.err.find(bad.key) != std::string::npos);
  CHECK_FALSE(file_exists(dir.path("out.npy")));
  CHECK(dir.entries() == before);  // no OUT, no temporary file
}

}  // namespace

TEST_CASE("program: deconv bad invocations exit 2, bad inputs exit 1; no output", "[program]") {
  auto deconv = [](std::vector<std::string> extra) {
    std::vector<std::string> args = {"deconv", "X:in.npy", "OUT"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  };
  const BadDeconv cases[] = {
      // Usage errors: exit 2.
      {deconv({}), 2, "--weight"},
      {deconv({"--stride", "2"}), 2, "--weight"},
      {deconv({"--weight", "X:w.txt"}), 2, "--weight"},
      {deconv({"--weight", "X:w.npy", "--padding=-1"}), 2, "--padding"},
      {deconv({"--weight", "X:w.npy", "--padding", "1,-1"}), 2, "--padding"},
      {deconv({"--weight", "X:w.npy", "--groups", "0"}), 2, "--groups"},
      {deconv({"--weight", "X:w.npy", "--groups", "2,2"}), 2, "--groups"},
      {deconv({"--weight", "X:w.npy", "--stride", "0"}), 2, "--stride"},
      {deconv({"--weight", "X:w.npy", "--stride", "2,x"}), 2, "--stride"},
      {deconv({"--weight", "X:w.npy", "--dilation", "1.5"}), 2, "integer"},
      {deconv({"--weight", "X:w.npy", "--layout", "hwc"}), 2, "layout"},
      {{"deconv", "X:in.npy", "out.jpg", "--weight", "X:w.npy"}, 2, "format"},
      // Bad inputs: exit 1.
      {deconv({"--weight", "X:w_u8.npy"}), 1, "float32"},
      {deconv({"--weight", "X:missing.npy"}), 1, "cannot open"},
      {deconv({"--weight", "X:w_c2.npy"}), 1, "weight"},
      {deconv({"--weight", "X:w.npy", "--bias", "X:b2.npy"}), 1, "bias"},
      {deconv({"--weight", "X:w.npy", "--bias", "X:b2d.npy"}), 1, "1-D"},
      {deconv({"--weight", "X:w.npy", "--stride", "2", "--output-padding", "2"}), 1,
       "output padding"},
      {deconv({"--weight", "X:w.npy", "--output-padding", "1"}), 1, "output padding"},
      {{"deconv", "X:in3.npy", "OUT", "--weight", "X:w3.npy", "--groups", "2"}, 1, "groups"},
      {{"deconv", "X:u8.npy", "OUT", "--weight", "X:w.npy"}, 1, "float32"},
      {{"deconv", "X:missing.npy", "OUT", "--weight", "X:w.npy"}, 1, "cannot open"},
      // Padding that crops the whole output: (2 - 1) + 3 - 2 * 3 < 1.
      {deconv({"--weight", "X:w.npy", "--padding", "3"}), 1, "padding"},
  };
  for (const BadDeconv& bad : cases) {
    std::string joined;
    for (const std::string& arg : bad.args) joined += arg + " ";
    INFO("upsample " << joined);
    check_bad_deconv(bad);
  }
}

TEST_CASE("program: --help lists deconv and its options", "[program]") {
  TempDir dir;
  const RunResult top = run_cli({"--help"}, dir);
  CHECK(top.exit_code == 0);
  CHECK(top.out.find("deconv") != std::string::npos);
  const RunResult help = run_cli({"deconv", "--help"}, dir);
  CHECK(help.exit_code == 0);
  for (const char* word : {"--weight", "--bias", "--stride", "--padding", "--output-padding",
                           "--dilation", "--groups", "--layout", "IN", "OUT"}) {
    INFO(word);
    CHECK(help.out.find(word) != std::string::npos);
  }
}
