// PNG files through libpng, as 1 x H x W x C uint8 tensors in NHWC layout (C = 1 gray, 2 gray +
// alpha, 3 RGB, 4 RGBA). Palette, low-bit-depth, 16-bit and tRNS images are converted to 8-bit
// gray or RGB(A) on reading.
#pragma once

#include <string>

#include "host_tensor.h"

namespace upsample_tools {

// True when the first bytes of a file are the PNG signature (needs at least 8 bytes).
bool has_png_signature(const unsigned char* bytes, size_t size);

HostTensor read_png(const std::string& path);

// Throws Error unless a tensor of this dtype, N and C can be written as PNG.
void require_png_compatible(upsample::DType dtype, int64_t n, int64_t c);

// Writes a uint8 tensor with N == 1 and C in 1..4, in either layout. Throws Error otherwise.
void write_png(const std::string& path, const HostTensor& tensor);

}  // namespace upsample_tools
