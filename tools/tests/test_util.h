// Helpers for the tool tests: a scratch directory, raw file images and running the program.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "host_tensor.h"

namespace test_util {

// A fresh directory under the system temporary directory, removed with its contents at the end.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string path(const std::string& name) const { return dir_ + "/" + name; }
  // Names of the entries in the directory, sorted.
  std::vector<std::string> entries() const;

 private:
  std::string dir_;
};

void write_bytes(const std::string& path, const std::string& bytes);
std::string read_bytes(const std::string& path);
bool file_exists(const std::string& path);

template <typename T>
std::string raw_bytes(const std::vector<T>& values) {
  std::string bytes(values.size() * sizeof(T), '\0');
  if (!values.empty()) std::memcpy(&bytes[0], values.data(), bytes.size());
  return bytes;
}

// The header dict numpy writes, e.g. {'descr': '<f4', 'fortran_order': False, 'shape': (1, 2), }
std::string npy_dict(const std::string& descr, const std::vector<int64_t>& shape,
                     bool fortran_order = false);
// A whole .npy file: magic, version major.0, header length, the dict (padded) and the data.
std::string npy_file(const std::string& dict, const std::string& data, int major = 1);

// A float32 .npy file of the given shape (in file order) and values.
std::string float_npy(const std::vector<int64_t>& shape, const std::vector<float>& values);
std::string uint8_npy(const std::vector<int64_t>& shape, const std::vector<uint8_t>& values);

// Reads a tensor's values as float32 or uint8 (checks the dtype).
std::vector<float> float_values(const upsample_tools::HostTensor& tensor);
std::vector<uint8_t> uint8_values(const upsample_tools::HostTensor& tensor);

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs the built `upsample` program with these arguments; its output is captured in `dir`.
RunResult run_cli(const std::vector<std::string>& args, const TempDir& dir);

// Writes a PNG with libpng's low-level API, for formats write_png never produces (palette,
// 1/2/4/16-bit, tRNS, interlaced). `rows` holds packed rows in the file's own format.
struct RawPng {
  uint32_t width = 0;
  uint32_t height = 0;
  int color_type = 0;
  int bit_depth = 8;
  bool interlaced = false;
  std::vector<uint8_t> palette;        // RGB triples, for palette images
  std::vector<uint8_t> palette_alpha;  // tRNS for palette images
  int transparent_gray = -1;           // tRNS for gray images, when >= 0
  std::vector<std::string> rows;
};
void write_raw_png(const std::string& path, const RawPng& png);

}  // namespace test_util
