// Small POSIX file helpers shared by the readers and writers; all report failures as Error.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

namespace upsample_tools {

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};
using FilePtr = std::unique_ptr<std::FILE, FileCloser>;

// Opens a regular file for reading (a directory or device is an error).
FilePtr open_input_file(const std::string& path);

// Size in bytes of an open regular file.
uint64_t file_size(std::FILE* file, const std::string& path);

// Reads exactly `size` bytes or throws; `what` names the part of the file for the message.
void read_exact(std::FILE* file, void* data, size_t size, const std::string& path,
                const char* what);

// Writes a file under a temporary name in the destination's directory and renames it into place on
// commit(), so a failed run never leaves a partial file and never removes an existing one.
class AtomicFile {
 public:
  explicit AtomicFile(std::string path);
  ~AtomicFile();  // removes the temporary file unless commit() succeeded
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  std::FILE* get() const { return file_; }
  void write(const void* data, size_t size);
  // Flushes, closes and renames onto the destination.
  void commit();

 private:
  std::string path_;
  std::string temp_path_;
  std::FILE* file_ = nullptr;
  bool committed_ = false;
};

// The lower-cased extension of a path including the dot (".npy"), or "" when there is none.
std::string lower_extension(const std::string& path);

}  // namespace upsample_tools
