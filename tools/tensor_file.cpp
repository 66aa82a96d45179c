#include "tensor_file.h"

#include <cstring>

#include "error.h"
#include "file_util.h"
#include "npy_io.h"
#include "png_io.h"

namespace upsample_tools {

std::optional<FileFormat> output_format(const std::string& path) {
  const std::string ext = lower_extension(path);
  if (ext == ".npy") return FileFormat::kNpy;
  if (ext == ".png") return FileFormat::kPng;
  return std::nullopt;
}

HostTensor read_tensor_file(const std::string& path, upsample::Layout npy_layout) {
  unsigned char magic[8] = {};
  {
    FilePtr file = open_input_file(path);
    const size_t got = std::fread(magic, 1, sizeof(magic), file.get());
    if (has_png_signature(magic, got)) return read_png(path);
    if (got >= 6 && std::memcmp(magic, "\x93NUMPY", 6) == 0) return read_npy(path, npy_layout);
  }
  throw Error("'" + path + "' is neither a .npy nor a PNG file (unrecognised format)");
}

void write_tensor_file(const std::string& path, const HostTensor& tensor) {
  const std::optional<FileFormat> format = output_format(path);
  if (!format) throw UsageError("cannot tell the format of '" + path + "': use .npy or .png");
  if (*format == FileFormat::kPng) {
    write_png(path, tensor);
  } else {
    write_npy(path, tensor);
  }
}

}  // namespace upsample_tools
