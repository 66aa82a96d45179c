#include "file_util.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <vector>

#include "error.h"

namespace upsample_tools {
namespace {

std::string errno_text() {
  return std::strerror(errno);
}

std::string quoted(const std::string& path) {
  return "'" + path + "'";
}

}  // namespace

FilePtr open_input_file(const std::string& path) {
  FilePtr file(std::fopen(path.c_str(), "rb"));
  if (!file) throw Error("cannot open " + quoted(path) + ": " + errno_text());
  struct stat info {};
  if (fstat(fileno(file.get()), &info) != 0) {
    throw Error("cannot stat " + quoted(path) + ": " + errno_text());
  }
  if (!S_ISREG(info.st_mode)) throw Error(quoted(path) + " is not a regular file");
  return file;
}

uint64_t file_size(std::FILE* file, const std::string& path) {
  struct stat info {};
  if (fstat(fileno(file), &info) != 0) {
    throw Error("cannot stat " + quoted(path) + ": " + errno_text());
  }
  return static_cast<uint64_t>(info.st_size);
}

void read_exact(std::FILE* file, void* data, size_t size, const std::string& path,
                const char* what) {
  if (size == 0) return;
  if (std::fread(data, 1, size, file) != size) {
    if (std::ferror(file)) throw Error("cannot read " + quoted(path) + ": " + errno_text());
    throw Error(quoted(path) + " is truncated (in its " + what + ")");
  }
}

AtomicFile::AtomicFile(std::string path) : path_(std::move(path)) {
  const size_t slash = path_.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : path_.substr(0, slash + 1);
  std::string pattern = dir + (slash == std::string::npos ? "/" : "") + ".upsample-tmp-XXXXXX";
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  const int fd = mkstemp(name.data());
  if (fd < 0) throw Error("cannot create a file in " + quoted(dir) + ": " + errno_text());
  temp_path_ = name.data();
  // mkstemp makes the file 0600; give the result the mode a plain fopen would.
  const mode_t mask = umask(0);
  umask(mask);
  fchmod(fd, 0666 & ~mask);
  file_ = fdopen(fd, "wb");
  if (file_ == nullptr) {
    const std::string reason = errno_text();
    close(fd);
    unlink(temp_path_.c_str());
    throw Error("cannot open " + quoted(temp_path_) + ": " + reason);
  }
}

AtomicFile::~AtomicFile() {
  if (committed_) return;
  if (file_ != nullptr) std::fclose(file_);
  unlink(temp_path_.c_str());
}

void AtomicFile::write(const void* data, size_t size) {
  if (size != 0 && std::fwrite(data, 1, size, file_) != size) {
    throw Error("cannot write " + quoted(path_) + ": " + errno_text());
  }
}

void AtomicFile::commit() {
  const bool flushed = std::fflush(file_) == 0 && !std::ferror(file_);
  const std::string reason = errno_text();
  const bool closed = std::fclose(file_) == 0;
  file_ = nullptr;
  if (!flushed || !closed) throw Error("cannot write " + quoted(path_) + ": " + reason);
  if (std::rename(temp_path_.c_str(), path_.c_str()) != 0) {
    throw Error("cannot create " + quoted(path_) + ": " + errno_text());
  }
  committed_ = true;
}

std::string lower_extension(const std::string& path) {
  const size_t dot = path.rfind('.');
  const size_t slash = path.rfind('/');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return "";
  std::string ext = path.substr(dot);
  for (char& ch : ext) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return ext;
}

}  // namespace upsample_tools
