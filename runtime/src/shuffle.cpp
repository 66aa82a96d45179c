#include "upsample/shuffle.h"

#include <string>

#include "device.h"
#include "halide_bridge.h"
#include "kernels.h"
#include "validation.h"

namespace upsample {
namespace {

using internal::invalid;

std::string hw(int64_t h, int64_t w) {
  return std::to_string(h) + "x" + std::to_string(w);
}

// The checks both directions share: options, views, and the pair but for their channels.
Status check_common(const char* op, const TensorView& input, const TensorView& output,
                    const ShuffleOptions& options) {
  if (options.order != ShuffleOrder::kCRD && options.order != ShuffleOrder::kDCR) {
    return invalid(op, "unknown order value " + std::to_string(int(options.order)));
  }
  if (options.factor_h < 1 || options.factor_w < 1) {
    return invalid(op, "factors must be at least 1, got " + std::to_string(options.factor_h) + "," +
                           std::to_string(options.factor_w));
  }
  if (Status s = internal::check_view(op, "input", input, false); !s.ok()) return s;
  if (Status s = internal::check_view(op, "output", output, true); !s.ok()) return s;
  return internal::check_pair(op, input, output, /*same_channels=*/false);
}

// `space` is the view with the larger pixels grid, `depth` the one with more channels.
Status check_shapes(const char* op, const TensorView& depth, const TensorView& space,
                    const ShuffleOptions& options, bool to_space) {
  const int64_t block = int64_t(options.factor_h) * options.factor_w;
  if (to_space && depth.shape[kC] % block != 0) {
    return invalid(op, "input channel count " + std::to_string(depth.shape[kC]) +
                           " is not a multiple of the block " +
                           hw(options.factor_h, options.factor_w));
  }
  if (!to_space &&
      (space.shape[kH] % options.factor_h != 0 || space.shape[kW] % options.factor_w != 0)) {
    return invalid(op, "input size " + hw(space.shape[kH], space.shape[kW]) +
                           " (HxW) is not a multiple of the factors " +
                           hw(options.factor_h, options.factor_w));
  }
  const bool matches = space.shape[kC] * block == depth.shape[kC] &&
                       depth.shape[kH] * options.factor_h == space.shape[kH] &&
                       depth.shape[kW] * options.factor_w == space.shape[kW];
  if (!matches) {
    const TensorView& in = to_space ? depth : space;
    const TensorView& out = to_space ? space : depth;
    return invalid(op, "output shape mismatch: input " + internal::shape_string(in) +
                           " with factors " + hw(options.factor_h, options.factor_w) +
                           " cannot give output " + internal::shape_string(out));
  }
  return Status::Ok();
}

Status run(const char* op, const TensorView& input, const TensorView& output,
           const ShuffleOptions& options, bool to_space) {
  internal::KernelLayout layout;
  if (Status s = internal::choose_layout(op, {&input, &output}, &layout); !s.ok()) return s;
  const size_t bytes = dtype_size(input.dtype);
  internal::ShuffleKernel kernel = nullptr;
  if (options.factor_w == 2) kernel = internal::find_shuffle_kernel(to_space, 2, bytes, layout);
  if (kernel == nullptr) kernel = internal::find_shuffle_kernel(to_space, 0, bytes, layout);
  if (kernel == nullptr) {
    return Status(StatusCode::kUnsupported,
                  internal::no_kernel_prefix(op) + "kernel for " + dtype_name(input.dtype));
  }
  internal::HalideBuffer in(input, internal::bits_type(bytes));
  internal::HalideBuffer out(output, internal::bits_type(bytes));
  return internal::call_kernel(op, [&] {
    return kernel(in.get(), options.factor_w, options.factor_h, int(options.order), out.get());
  });
}

}  // namespace

const char* shuffle_order_name(ShuffleOrder order) {
  switch (order) {
    case ShuffleOrder::kCRD:
      return "crd";
    case ShuffleOrder::kDCR:
      return "dcr";
  }
  return "unknown order";
}

Status pixel_shuffle(const TensorView& input, const TensorView& output,
                     const ShuffleOptions& options) {
  const char* op = "pixel_shuffle";
  if (Status s = check_common(op, input, output, options); !s.ok()) return s;
  if (Status s = check_shapes(op, input, output, options, true); !s.ok()) return s;
  return run(op, input, output, options, true);
}

Status pixel_unshuffle(const TensorView& input, const TensorView& output,
                       const ShuffleOptions& options) {
  const char* op = "pixel_unshuffle";
  if (Status s = check_common(op, input, output, options); !s.ok()) return s;
  if (Status s = check_shapes(op, output, input, options, false); !s.ok()) return s;
  return run(op, input, output, options, false);
}

}  // namespace upsample
