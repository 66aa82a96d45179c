// NumPy .npy files (format versions 1.0, 2.0 and 3.0 read; 1.0 written) holding 4-D C-order
// arrays of dtype '<f4', '|u1', '<u2' or '<f2'. Headers are untrusted: every field is checked and
// the data must fill the rest of the file exactly.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "host_tensor.h"

namespace upsample_tools {

// Longest header accepted (numpy's own reader stops at 10000 bytes by default).
constexpr uint32_t kMaxNpyHeaderLength = 65536;

struct NpyHeader {
  std::string descr;
  bool fortran_order = false;
  std::vector<int64_t> shape;
};

// Parses the header's Python dict literal, e.g.
//   {'descr': '<f4', 'fortran_order': False, 'shape': (1, 3, 4, 4), }
// Requires exactly the keys descr, fortran_order and shape. Throws Error.
NpyHeader parse_npy_header(const std::string& text);

enum class NpyShape { kTensor, kVector };

// Reads a 4-D array whose axes are N, C, H, W (layout kNCHW) or N, H, W, C (layout kNHWC); with
// NpyShape::kVector, a 1-D array of length L as a (1, L, 1, 1) NCHW tensor (a bias).
HostTensor read_npy(const std::string& path, upsample::Layout layout,
                    NpyShape shape = NpyShape::kTensor);

// Writes format 1.0 with the axes in the tensor's layout order (see read_npy).
void write_npy(const std::string& path, const HostTensor& tensor);

}  // namespace upsample_tools
