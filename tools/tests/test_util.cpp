#include "test_util.h"

#include <png.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace test_util {
namespace fs = std::filesystem;

TempDir::TempDir() {
  std::string pattern = (fs::temp_directory_path() / "upsample-cli-test-XXXXXX").string();
  if (mkdtemp(&pattern[0]) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  fs::remove_all(dir_, ignored);
}

std::vector<std::string> TempDir::entries() const {
  std::vector<std::string> names;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir_)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream file(path, std::ios::binary);
  file.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!file) throw std::runtime_error("cannot write " + path);
}

std::string read_bytes(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << file.rdbuf();
  return bytes.str();
}

bool file_exists(const std::string& path) {
  return fs::exists(path);
}

std::string npy_dict(const std::string& descr, const std::vector<int64_t>& shape,
                     bool fortran_order) {
  std::string tuple = "(";
  for (size_t i = 0; i < shape.size(); ++i) {
    tuple += std::to_string(shape[i]) + (i + 1 < shape.size() || shape.size() == 1 ? "," : "");
    if (i + 1 < shape.size()) tuple += " ";
  }
  tuple += ")";
  return "{'descr': '" + descr + "', 'fortran_order': " + (fortran_order ? "True" : "False") +
         ", 'shape': " + tuple + ", }";
}

std::string npy_file(const std::string& dict, const std::string& data, int major) {
  const size_t length_bytes = major == 1 ? 2 : 4;
  std::string header = dict;
  const size_t prefix = 8 + length_bytes;
  header.append(63 - (prefix + header.size()) % 64, ' ');
  header += '\n';
  std::string file = "\x93NUMPY";
  file += static_cast<char>(major);
  file += '\0';
  for (size_t i = 0; i < length_bytes; ++i)
    file += static_cast<char>((header.size() >> (8 * i)) & 0xff);
  return file + header + data;
}

std::string float_npy(const std::vector<int64_t>& shape, const std::vector<float>& values) {
  return npy_file(npy_dict("<f4", shape), raw_bytes(values));
}

std::string uint8_npy(const std::vector<int64_t>& shape, const std::vector<uint8_t>& values) {
  return npy_file(npy_dict("|u1", shape), raw_bytes(values));
}

std::vector<float> float_values(const upsample_tools::HostTensor& tensor) {
  if (tensor.dtype != upsample::DType::kFloat32) throw std::runtime_error("not float32");
  std::vector<float> values(tensor.bytes.size() / sizeof(float));
  std::memcpy(values.data(), tensor.bytes.data(), tensor.bytes.size());
  return values;
}

std::vector<uint8_t> uint8_values(const upsample_tools::HostTensor& tensor) {
  if (tensor.dtype != upsample::DType::kUInt8) throw std::runtime_error("not uint8");
  return tensor.bytes;
}

namespace {

std::string shell_quote(const std::string& text) {
  std::string quoted = "'";
  for (char ch : text) quoted += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
  return quoted + "'";
}

}  // namespace

RunResult run_cli(const std::vector<std::string>& args, const TempDir& dir) {
  const std::string out_path = dir.path("cli-stdout.txt");
  const std::string err_path = dir.path("cli-stderr.txt");
  std::string command = shell_quote(UPSAMPLE_CLI_PATH);
  for (const std::string& arg : args) command += " " + shell_quote(arg);
  command += " >" + shell_quote(out_path) + " 2>" + shell_quote(err_path);
  const int status = std::system(command.c_str());
  RunResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.out = read_bytes(out_path);
  result.err = read_bytes(err_path);
  fs::remove(out_path);
  fs::remove(err_path);
  return result;
}

void write_raw_png(const std::string& path, const RawPng& raw) {
  // Test input only: libpng's default error handling (abort) is acceptable here.
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) throw std::runtime_error("cannot write " + path);
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png_create_info_struct(png);
  png_init_io(png, file);
  png_set_IHDR(png, info, raw.width, raw.height, raw.bit_depth, raw.color_type,
               raw.interlaced ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  std::vector<png_color> palette;
  for (size_t i = 0; i + 2 < raw.palette.size(); i += 3) {
    palette.push_back({raw.palette[i], raw.palette[i + 1], raw.palette[i + 2]});
  }
  if (!palette.empty()) png_set_PLTE(png, info, palette.data(), static_cast<int>(palette.size()));
  if (!raw.palette_alpha.empty()) {
    png_set_tRNS(png, info, raw.palette_alpha.data(), static_cast<int>(raw.palette_alpha.size()),
                 nullptr);
  }
  if (raw.transparent_gray >= 0) {
    png_color_16 color{};
    color.gray = static_cast<png_uint_16>(raw.transparent_gray);
    png_set_tRNS(png, info, nullptr, 0, &color);
  }
  png_write_info(png, info);
  std::vector<png_bytep> rows;
  for (const std::string& row : raw.rows) {
    rows.push_back(reinterpret_cast<png_bytep>(const_cast<char*>(row.data())));
  }
  png_write_image(png, rows.data());
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  std::fclose(file);
}

}  // namespace test_util
