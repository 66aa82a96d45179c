#include "upsample/unpool.h"

#include <string>

#include "device.h"
#include "halide_bridge.h"
#include "kernels.h"
#include "streaming.h"
#include "validation.h"

namespace upsample {

const char* unpool_mode_name(UnpoolMode mode) {
  switch (mode) {
    case UnpoolMode::kNearest:
      return "nearest";
    case UnpoolMode::kBedOfNails:
      return "bed_of_nails";
  }
  return "unknown unpool mode";
}

namespace internal {

Status run_unpool(const char* op, UnpoolMode mode, int factor_h, int factor_w, TensorView input,
                  TensorView output) {
  KernelLayout layout;
  const size_t bytes = fuse_small_pixels(&input, &output);
  if (Status s = choose_layout(op, {&input, &output}, &layout); !s.ok()) return s;
  HalideBuffer in(input, bits_type(bytes));
  HalideBuffer out(output, bits_type(bytes));
  // The streaming variant where the output allows it. The deciding lookup comes last, so that
  // last_kernel_variant() names the kernel that runs.
  UnpoolKernel kernel = find_unpool_kernel(mode, bytes, layout, true);
  const uint64_t input_bytes = uint64_t(element_count(input)) * bytes;
  const bool streamed =
      kernel != nullptr &&
      prepare_streaming_stores(out.get(), layout == KernelLayout::kPlanar, input_bytes);
  if (!streamed) kernel = find_unpool_kernel(mode, bytes, layout);
  if (kernel == nullptr) {
    return Status(StatusCode::kUnsupported, internal::no_kernel_prefix(op) + "" +
                                                unpool_mode_name(mode) + " kernel for " +
                                                std::to_string(8 * bytes) + "-bit elements");
  }
  if (streamed) count_streaming_call();
  return call_kernel(op, [&] { return kernel(in.get(), factor_w, factor_h, out.get()); });
}

}  // namespace internal

Status unpool(const TensorView& input, const TensorView& output, const UnpoolOptions& options) {
  const char* op = "unpool";
  if (options.mode != UnpoolMode::kNearest && options.mode != UnpoolMode::kBedOfNails) {
    return Status(StatusCode::kInvalidArgument,
                  std::string(op) + ": unknown mode value " + std::to_string(int(options.mode)));
  }
  if (options.factor_h < 1 || options.factor_w < 1) {
    return Status(StatusCode::kInvalidArgument,
                  std::string(op) + ": factors must be at least 1, got " +
                      std::to_string(options.factor_h) + "," + std::to_string(options.factor_w));
  }
  if (Status s = internal::check_view(op, "input", input, false); !s.ok()) return s;
  if (Status s = internal::check_view(op, "output", output, true); !s.ok()) return s;
  if (Status s = internal::check_pair(op, input, output); !s.ok()) return s;
  const int64_t expected_h = input.shape[kH] * options.factor_h;  // no overflow: both < 2^31
  const int64_t expected_w = input.shape[kW] * options.factor_w;
  if (output.shape[kH] != expected_h || output.shape[kW] != expected_w) {
    return Status(StatusCode::kInvalidArgument,
                  std::string(op) + ": output shape mismatch: output is " +
                      std::to_string(output.shape[kH]) + "x" + std::to_string(output.shape[kW]) +
                      " (HxW) but input " + std::to_string(input.shape[kH]) + "x" +
                      std::to_string(input.shape[kW]) + " times factors " +
                      std::to_string(options.factor_h) + "," + std::to_string(options.factor_w) +
                      " is " + std::to_string(expected_h) + "x" + std::to_string(expected_w));
  }
  return internal::run_unpool(op, options.mode, options.factor_h, options.factor_w, input, output);
}

}  // namespace upsample
