// Streaming (non-temporal) stores (upsample/streaming.h): the streaming variants of unpooling,
// block-copy nearest resizing and phased resizing (nearest, bilinear, bicubic) give the oracle's
// outputs (copies bit for bit), run exactly when the call moves at least the threshold's bytes and
// its output is aligned, and leave every other call to the ordinary variants.
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "reference/unpool_reference.h"
#include "tensor_utils.h"
#include "upsample/upsample.h"

namespace {

using upsample::DType;
using upsample::Layout;
using upsample::TensorView;
using upsample_test::CpuPolicyGuard;

// Restores the process-wide threshold when a test ends, whatever it asserted.
class ThresholdGuard {
 public:
  explicit ThresholdGuard(size_t bytes)
      : previous_(upsample::set_streaming_store_threshold(bytes)) {}
  ~ThresholdGuard() { upsample::set_streaming_store_threshold(previous_); }

 private:
  size_t previous_;
};

// True (and the test passes) where the build has no streaming variants to test.
bool skip_without_streaming() {
  if (upsample::streaming_stores_available()) return false;
  SUCCEED("this build has no streaming variants (only the x86-64 preset generates them)");
  return true;
}

struct FreeDeleter {
  void operator()(void* p) const { std::free(p); }
};

// A dense tensor in 64-byte-aligned memory, starting `offset_bytes` past the alignment.
struct AlignedTensor {
  std::unique_ptr<unsigned char, FreeDeleter> memory;
  TensorView view;
  size_t element_bytes = 0;

  AlignedTensor(DType dtype, Layout layout, const upsample_ref::Shape& s, size_t offset_bytes) {
    element_bytes = upsample::dtype_size(dtype);
    const size_t bytes = size_t(s.n * s.c * s.h * s.w) * element_bytes + offset_bytes;
    memory.reset(static_cast<unsigned char*>(std::aligned_alloc(64, (bytes + 63) / 64 * 64)));
    std::memset(memory.get(), 0xA5, bytes);
    view = upsample::make_tensor(memory.get() + offset_bytes, dtype, layout, s.n, s.c, s.h, s.w);
  }

  // Element (n, c, h, w) as raw bits.
  uint32_t bits(int64_t n, int64_t c, int64_t h, int64_t w) const {
    const int64_t index =
        n * view.strides[0] + c * view.strides[1] + h * view.strides[2] + w * view.strides[3];
    uint32_t value = 0;
    std::memcpy(&value, static_cast<const unsigned char*>(view.data) + index * element_bytes,
                element_bytes);
    return value;
  }
  void set_bits(int64_t n, int64_t c, int64_t h, int64_t w, uint32_t value) {
    const int64_t index =
        n * view.strides[0] + c * view.strides[1] + h * view.strides[2] + w * view.strides[3];
    std::memcpy(static_cast<unsigned char*>(view.data) + index * element_bytes, &value,
                element_bytes);
  }
};

// Unpools a tensor whose elements encode their own position and compares every output element
// with the oracle's source element (bit-exact); "" when all agree.
std::string check_unpool(DType dtype, Layout layout, const upsample_ref::Shape& in_shape,
                         upsample::UnpoolMode mode, int factor, size_t output_offset_bytes) {
  const upsample_ref::Shape out_shape{in_shape.n, in_shape.c, in_shape.h * factor,
                                      in_shape.w * factor};
  AlignedTensor in(dtype, layout, in_shape, 0), out(dtype, layout, out_shape, output_offset_bytes);
  const uint32_t mask = in.element_bytes == 1 ? 0xffu : in.element_bytes == 2 ? 0xffffu : ~0u;
  std::vector<double> position;
  std::vector<uint32_t> value_at;  // the bits of input element i (NCHW order)
  for (int64_t n = 0; n < in_shape.n; n++)
    for (int64_t c = 0; c < in_shape.c; c++)
      for (int64_t h = 0; h < in_shape.h; h++)
        for (int64_t w = 0; w < in_shape.w; w++) {
          const uint32_t bits = ((uint32_t(position.size()) * 2654435761u >> 7) & mask) | 1u;
          in.set_bits(n, c, h, w, bits);
          position.push_back(double(position.size() + 1));
          value_at.push_back(bits);
        }
  upsample::UnpoolOptions options;
  options.mode = mode;
  options.factor_h = options.factor_w = factor;
  const upsample::Status status = upsample::unpool(in.view, out.view, options);
  if (!status.ok()) return std::string("unpool failed: ") + status.message();
  const upsample_ref::UnpoolMode ref_mode = mode == upsample::UnpoolMode::kNearest
                                                ? upsample_ref::UnpoolMode::kNearest
                                                : upsample_ref::UnpoolMode::kBedOfNails;
  const std::vector<double> source =
      upsample_ref::unpool(position, in_shape, factor, factor, ref_mode);
  size_t i = 0;
  for (int64_t n = 0; n < out_shape.n; n++)
    for (int64_t c = 0; c < out_shape.c; c++)
      for (int64_t h = 0; h < out_shape.h; h++)
        for (int64_t w = 0; w < out_shape.w; w++, i++) {
          const uint32_t want = source[i] == 0.0 ? 0u : value_at[size_t(source[i]) - 1];
          if (out.bits(n, c, h, w) != want) {
            return "element (" + std::to_string(n) + "," + std::to_string(c) + "," +
                   std::to_string(h) + "," + std::to_string(w) + ") is " +
                   std::to_string(out.bits(n, c, h, w)) + ", expected " + std::to_string(want);
          }
        }
  return "";
}

// The elements of an aligned tensor of `shape` as bits, in NCHW order.
std::vector<uint32_t> nchw_bits(const AlignedTensor& t, const upsample_ref::Shape& shape) {
  std::vector<uint32_t> bits;
  for (int64_t n = 0; n < shape.n; n++)
    for (int64_t c = 0; c < shape.c; c++)
      for (int64_t h = 0; h < shape.h; h++)
        for (int64_t w = 0; w < shape.w; w++) bits.push_back(t.bits(n, c, h, w));
  return bits;
}

// Resizes random values from `in_shape` to out_h x out_w (half_pixel, the default options of
// `method`) into an output `output_offset_bytes` past a 64-byte boundary and compares it with the
// resize oracle (tests/tensor_utils.h); "" when it agrees.
std::string check_resize(upsample::ResizeMethod method, DType dtype, Layout layout,
                         const upsample_ref::Shape& in_shape, int64_t out_h, int64_t out_w,
                         size_t output_offset_bytes) {
  const upsample_ref::Shape out_shape{in_shape.n, in_shape.c, out_h, out_w};
  AlignedTensor in(dtype, layout, in_shape, 0), out(dtype, layout, out_shape, output_offset_bytes);
  const std::vector<double> values =
      upsample_test::random_values(dtype, in_shape.count(), uint32_t(out_w * 7 + out_h));
  size_t i = 0;
  for (int64_t n = 0; n < in_shape.n; n++)
    for (int64_t c = 0; c < in_shape.c; c++)
      for (int64_t h = 0; h < in_shape.h; h++)
        for (int64_t w = 0; w < in_shape.w; w++) {
          in.set_bits(n, c, h, w, upsample_test::value_to_bits(values[i++], dtype));
        }
  upsample::ResizeOptions options;
  options.method = method;
  const upsample::Status status = upsample::resize(in.view, out.view, options);
  if (!status.ok()) return std::string("resize failed: ") + status.message();
  return upsample_test::compare_resize(
      nchw_bits(in, in_shape), nchw_bits(out, out_shape), dtype,
      upsample_test::expect_resize(values, in_shape, out_h, out_w, options));
}

// Whether the thread's last call ran a streaming variant, by the variant's name.
bool last_call_streamed() {
  return std::string(upsample::last_kernel_variant()).find("_streaming_") != std::string::npos;
}

}  // namespace

TEST_CASE("streaming variants exist exactly in builds that generate them", "[streaming]") {
  // UPSAMPLE_TEST_STREAMING: the build generated streaming variants (an x86-64 build that builds
  // its own generators, generators/CMakeLists.txt); the dispatch table must then hold them.
#if defined(__x86_64__)
  CHECK(upsample::streaming_stores_available() == bool(UPSAMPLE_TEST_STREAMING));
#else
  CHECK_FALSE(upsample::streaming_stores_available());
  CHECK_FALSE(bool(UPSAMPLE_TEST_STREAMING));
#endif
}

TEST_CASE("streaming unpool matches the oracle for aligned outputs over the threshold",
          "[streaming]") {
  if (skip_without_streaming()) return;
  CpuPolicyGuard on_cpu;
  ThresholdGuard stream_everything(0);
  const auto mode = GENERATE(upsample::UnpoolMode::kNearest, upsample::UnpoolMode::kBedOfNails);
  const auto dtype = GENERATE(DType::kUInt8, DType::kUInt16, DType::kFloat32);
  const int factor = GENERATE(2, 3, 4);
  // Output rows of 192 elements are whole multiples of 64 bytes for every element size and
  // channel count here; 3 channels NHWC are packed RGB pixels, 4 channels RGBA (uint8 RGBA is
  // copied as one 32-bit element, planar).
  for (auto [layout, channels] :
       {std::pair{Layout::kNCHW, 3}, {Layout::kNHWC, 3}, {Layout::kNHWC, 4}}) {
    const upsample_ref::Shape in_shape{2, channels, 5, 192 / factor};
    INFO("dtype " << upsample::dtype_name(dtype) << ", " << upsample::layout_name(layout) << " x"
                  << channels << ", factor " << factor << ", mode " << int(mode));
    const uint64_t before = upsample::streaming_store_calls();
    CHECK(check_unpool(dtype, layout, in_shape, mode, factor, 0) == "");
    CHECK(upsample::streaming_store_calls() == before + 1);
    CHECK(last_call_streamed());
  }
}

TEST_CASE("outputs that are unaligned or under the threshold are stored as usual", "[streaming]") {
  if (skip_without_streaming()) return;
  CpuPolicyGuard on_cpu;
  const upsample_ref::Shape in_shape{1, 3, 6, 32};
  const auto mode = GENERATE(upsample::UnpoolMode::kNearest, upsample::UnpoolMode::kBedOfNails);
  {
    ThresholdGuard stream_everything(0);
    const uint64_t before = upsample::streaming_store_calls();
    // 4 bytes past a 64-byte boundary: Halide's own check would refuse it in a streaming variant.
    CHECK(check_unpool(DType::kFloat32, Layout::kNCHW, in_shape, mode, 2, 4) == "");
    // Rows of 3 * 40 bytes are not whole multiples of 64 bytes.
    CHECK(check_unpool(DType::kUInt8, Layout::kNHWC, {1, 3, 6, 20}, mode, 2, 0) == "");
    CHECK(upsample::streaming_store_calls() == before);
    CHECK_FALSE(last_call_streamed());
  }
  {
    ThresholdGuard never(std::numeric_limits<size_t>::max());
    const uint64_t before = upsample::streaming_store_calls();
    CHECK(check_unpool(DType::kFloat32, Layout::kNCHW, in_shape, mode, 2, 0) == "");
    CHECK(upsample::streaming_store_calls() == before);
    CHECK_FALSE(last_call_streamed());
  }
  // The threshold counts the bytes the call moves: 1x3x6x32 float32 in (2304 bytes) and 1x3x12x64
  // out (9216 bytes), 11520 in all.
  {
    ThresholdGuard one_byte_over(11521);
    const uint64_t before = upsample::streaming_store_calls();
    CHECK(check_unpool(DType::kFloat32, Layout::kNCHW, in_shape, mode, 2, 0) == "");
    CHECK(upsample::streaming_store_calls() == before);
    CHECK_FALSE(last_call_streamed());
  }
  {
    ThresholdGuard at_call_size(11520);
    const uint64_t before = upsample::streaming_store_calls();
    CHECK(check_unpool(DType::kFloat32, Layout::kNCHW, in_shape, mode, 2, 0) == "");
    CHECK(upsample::streaming_store_calls() == before + 1);
    CHECK(last_call_streamed());
  }
}

// CPU 0's L3 as sysfs describes it, in bytes, when its index3 entry is a level-3 data or unified
// cache given in KiB (as Linux writes it on x86); 0 otherwise.
size_t sysfs_index3_bytes() {
  const std::string dir = "/sys/devices/system/cpu/cpu0/cache/index3/";
  std::ifstream level_file(dir + "level"), type_file(dir + "type"), size_file(dir + "size");
  int level = 0;
  std::string type, size;
  if (!(level_file >> level) || !(type_file >> type) || !(size_file >> size)) return 0;
  if (level != 3 || type == "Instruction" || size.empty() || size.back() != 'K') return 0;
  return size_t(std::stoull(size)) * 1024;
}

TEST_CASE("the default streaming threshold is 3/4 of the last-level cache", "[streaming]") {
  const size_t l3 = sysfs_index3_bytes();
  if (l3 > 0) {
    CHECK(upsample::default_streaming_store_threshold() == l3 / 4 * 3);
  } else {
    // No L3 in sysfs here (other platforms, or a sandbox): the default is 24 MiB unless a
    // smaller cache level was found, which is at most 3/4 of a few MiB.
    WARN("no level-3 cache at /sys/devices/system/cpu/cpu0/cache/index3");
    CHECK(upsample::default_streaming_store_threshold() > 0);
    CHECK(upsample::default_streaming_store_threshold() <= (size_t(24) << 20));
  }
  // The process starts with the default; every test above restored it.
  CHECK(upsample::streaming_store_threshold() == upsample::default_streaming_store_threshold());
}

TEST_CASE("nearest resize by whole factors streams through the unpooling variants", "[streaming]") {
  if (skip_without_streaming()) return;
  CpuPolicyGuard on_cpu;
  ThresholdGuard stream_everything(0);
  const upsample_ref::Shape in_shape{1, 4, 7, 48};
  AlignedTensor in(DType::kUInt8, Layout::kNHWC, in_shape, 0);
  AlignedTensor out(DType::kUInt8, Layout::kNHWC, {1, 4, 14, 96}, 0);
  for (int64_t h = 0; h < 7; h++)
    for (int64_t w = 0; w < 48; w++)
      for (int64_t c = 0; c < 4; c++) in.set_bits(0, c, h, w, uint32_t(h * 31 + w * 7 + c) & 255u);
  upsample::ResizeOptions options;
  options.method = upsample::ResizeMethod::kNearest;
  const uint64_t before = upsample::streaming_store_calls();
  REQUIRE(upsample::resize(in.view, out.view, options).ok());
  CHECK(upsample::streaming_store_calls() == before + 1);
  int bad = 0;
  for (int64_t h = 0; h < 14; h++)
    for (int64_t w = 0; w < 96; w++)
      for (int64_t c = 0; c < 4; c++) bad += out.bits(0, c, h, w) != in.bits(0, c, h / 2, w / 2);
  CHECK(bad == 0);
}

TEST_CASE("phased resizes stream for aligned outputs over the threshold", "[streaming][resize]") {
  if (skip_without_streaming()) return;
  CpuPolicyGuard on_cpu;
  const auto method = GENERATE(upsample::ResizeMethod::kNearest, upsample::ResizeMethod::kBilinear,
                               upsample::ResizeMethod::kBicubic);
  const auto dtype = GENERATE(DType::kUInt8, DType::kFloat32);
  // Output rows of 960 elements are whole 64-byte lines for every element size and channel count;
  // uint8 bilinear runs in fixed point at all four uniform ratios (16ths, 12ths, 10ths), and 3/2
  // and 5/2 read 2 input columns per period. 4x along x with 3/2 along y runs uint8 bilinear in
  // float32 math (a 3-row period is not in 16ths), whose packed twins compute in planes.
  struct Ratio {
    int64_t in_h, in_w, out_h;
  };
  for (const Ratio ratio : {Ratio{4, 480, 8}, Ratio{4, 240, 16}, Ratio{4, 640, 6},
                            Ratio{4, 384, 10}, Ratio{4, 240, 6}}) {
    const int64_t out_h = ratio.out_h;
    for (auto [layout, channels] :
         {std::pair{Layout::kNCHW, 2}, {Layout::kNHWC, 3}, {Layout::kNHWC, 4}}) {
      // Nearest by whole factors is the unpool copy (tested above), and float32 RGBA (a packed
      // copy of 32-bit elements) has no phased nearest variant.
      const bool whole = 960 % ratio.in_w == 0;
      if (method == upsample::ResizeMethod::kNearest &&
          (whole || (channels == 4 && dtype == DType::kFloat32))) {
        continue;
      }
      const upsample_ref::Shape in_shape{1, channels, ratio.in_h, ratio.in_w};
      INFO(upsample::dtype_name(dtype)
           << " " << upsample::layout_name(layout) << " x" << channels << ", " << ratio.in_h << "x"
           << ratio.in_w << " -> " << out_h << "x960, method " << int(method));
      {
        ThresholdGuard stream_everything(0);
        const uint64_t before = upsample::streaming_store_calls();
        CHECK(check_resize(method, dtype, layout, in_shape, out_h, 960, 0) == "");
        INFO("ran " << upsample::last_kernel_variant());
        CHECK(upsample::streaming_store_calls() == before + 1);
        CHECK(last_call_streamed());
      }
      {
        // 4 bytes past a line, or under the threshold: the ordinary phased variant.
        ThresholdGuard stream_everything(0);
        const uint64_t before = upsample::streaming_store_calls();
        CHECK(check_resize(method, dtype, layout, in_shape, out_h, 960, 4) == "");
        CHECK_FALSE(last_call_streamed());
        ThresholdGuard never(std::numeric_limits<size_t>::max());
        CHECK(check_resize(method, dtype, layout, in_shape, out_h, 960, 0) == "");
        CHECK_FALSE(last_call_streamed());
        CHECK(upsample::streaming_store_calls() == before);
      }
    }
  }
}
