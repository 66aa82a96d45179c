// Reading and writing tensors by file type: .npy (any supported dtype) or .png (uint8 images).
#pragma once

#include <optional>
#include <string>

#include "host_tensor.h"

namespace upsample_tools {

enum class FileFormat { kNpy, kPng };

// The output format a path's extension asks for (.npy or .png, any case), or nothing.
std::optional<FileFormat> output_format(const std::string& path);

// Reads a .npy or PNG file, recognised by its first bytes. `npy_layout` says how the axes of a
// .npy array are ordered; PNG images are always 1 x H x W x C in NHWC.
HostTensor read_tensor_file(const std::string& path, upsample::Layout npy_layout);

// Writes in the format of output_format(path), all or nothing (see AtomicFile).
void write_tensor_file(const std::string& path, const HostTensor& tensor);

}  // namespace upsample_tools
