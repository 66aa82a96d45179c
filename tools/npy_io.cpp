#include "npy_io.h"

#include <cctype>
#include <cstring>
#include <limits>

#include "error.h"
#include "file_util.h"

// The dtypes are read and written as little-endian ('<'), the byte order of every target we build.
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "npy_io assumes a little-endian host");

namespace upsample_tools {
namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicLength = 6;

struct DtypeName {
  const char* descr;
  upsample::DType dtype;
};
// The first name of each dtype is the one written.
constexpr DtypeName kDtypes[] = {
    {"<f4", upsample::DType::kFloat32}, {"|u1", upsample::DType::kUInt8},
    {"<u1", upsample::DType::kUInt8},   {"<u2", upsample::DType::kUInt16},
    {"<f2", upsample::DType::kFloat16}, {"<i8", upsample::DType::kInt64},
    {"<i4", upsample::DType::kInt32},
};

// A recursive-descent parser for the small subset of Python literals a .npy header uses.
class HeaderParser {
 public:
  explicit HeaderParser(const std::string& text) : text_(text) {}

  NpyHeader parse() {
    NpyHeader header;
    bool seen_descr = false, seen_order = false, seen_shape = false;
    expect('{');
    while (!consume('}')) {
      const std::string key = parse_string();
      expect(':');
      if (key == "descr") {
        mark_once(&seen_descr, key);
        header.descr = parse_string();
      } else if (key == "fortran_order") {
        mark_once(&seen_order, key);
        header.fortran_order = parse_bool();
      } else if (key == "shape") {
        mark_once(&seen_shape, key);
        header.shape = parse_shape();
      } else {
        fail("unexpected key '" + key + "'");
      }
      if (!consume(',')) {
        expect('}');
        break;
      }
    }
    skip_space();
    if (pos_ != text_.size()) fail("unexpected text after the dictionary");
    if (!seen_descr || !seen_order || !seen_shape) {
      fail("the dictionary needs the keys descr, fortran_order and shape");
    }
    return header;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const { throw Error("bad .npy header: " + what); }

  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\n')) ++pos_;
  }

  bool consume(char ch) {
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == ch) {
      ++pos_;
      return true;
    }
    return false;
  }

  void expect(char ch) {
    if (!consume(ch)) fail(std::string("expected '") + ch + "'");
  }

  void mark_once(bool* seen, const std::string& key) const {
    if (*seen) fail("duplicate key '" + key + "'");
    *seen = true;
  }

  std::string parse_string() {
    skip_space();
    if (pos_ >= text_.size() || (text_[pos_] != '\'' && text_[pos_] != '"')) {
      fail("expected a string");
    }
    const char quote = text_[pos_++];
    const size_t end = text_.find(quote, pos_);
    if (end == std::string::npos) fail("unterminated string");
    std::string value = text_.substr(pos_, end - pos_);
    if (value.find('\\') != std::string::npos) fail("escapes in strings are not supported");
    pos_ = end + 1;
    return value;
  }

  bool parse_word(const char* word) {
    const size_t length = std::strlen(word);
    if (text_.compare(pos_, length, word) != 0) return false;
    const size_t next = pos_ + length;
    if (next < text_.size() && std::isalnum(static_cast<unsigned char>(text_[next]))) return false;
    pos_ = next;
    return true;
  }

  bool parse_bool() {
    skip_space();
    if (parse_word("True")) return true;
    if (parse_word("False")) return false;
    fail("fortran_order must be True or False");
  }

  int64_t parse_int() {
    skip_space();
    if (pos_ >= text_.size() || !std::isdigit(static_cast<unsigned char>(text_[pos_]))) {
      fail("expected a non-negative integer in shape");
    }
    int64_t value = 0;
    while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) {
      const int digit = text_[pos_++] - '0';
      if (value > (std::numeric_limits<int64_t>::max() - digit) / 10) {
        fail("a dimension in shape is too large");
      }
      value = value * 10 + digit;
    }
    return value;
  }

  // A tuple: (), (5,) or (1, 2, 3) with an optional trailing comma.
  std::vector<int64_t> parse_shape() {
    std::vector<int64_t> shape;
    expect('(');
    while (!consume(')')) {
      if (shape.size() >= 64) fail("shape has too many dimensions");
      shape.push_back(parse_int());
      if (!consume(',')) {
        expect(')');
        break;
      }
    }
    return shape;
  }

  const std::string& text_;
  size_t pos_ = 0;
};

uint32_t read_le(const unsigned char* bytes, int count) {
  uint32_t value = 0;
  for (int i = count - 1; i >= 0; --i) value = (value << 8) | bytes[i];
  return value;
}

const DtypeName* find_dtype(const std::string& descr) {
  for (const DtypeName& entry : kDtypes) {
    if (descr == entry.descr) return &entry;
  }
  return nullptr;
}

const char* descr_of(upsample::DType dtype) {
  for (const DtypeName& entry : kDtypes) {
    if (entry.dtype == dtype) return entry.descr;
  }
  throw Error("no .npy dtype for this tensor");
}

std::string shape_text(const std::vector<int64_t>& shape) {
  std::string text = "(";
  for (size_t i = 0; i < shape.size(); ++i) {
    text += std::to_string(shape[i]);
    text += shape.size() == 1 || i + 1 < shape.size() ? ", " : "";
  }
  if (shape.size() == 1) text.pop_back();
  return text + ")";
}

// The order of the axes in the file: N, C, H, W or N, H, W, C.
std::vector<int> file_axes(upsample::Layout layout) {
  if (layout == upsample::Layout::kNHWC) {
    return {upsample::kN, upsample::kH, upsample::kW, upsample::kC};
  }
  return {upsample::kN, upsample::kC, upsample::kH, upsample::kW};
}

}  // namespace

NpyHeader parse_npy_header(const std::string& text) {
  return HeaderParser(text).parse();
}

HostTensor read_npy(const std::string& path, upsample::Layout layout, NpyShape shape) {
  FilePtr file = open_input_file(path);
  const uint64_t size = file_size(file.get(), path);
  const std::string where = "'" + path + "': ";

  unsigned char prefix[kMagicLength + 2];
  read_exact(file.get(), prefix, sizeof(prefix), path, ".npy magic");
  if (std::memcmp(prefix, kMagic, kMagicLength) != 0) {
    throw Error(where + "not a .npy file (bad magic)");
  }
  const int major = prefix[kMagicLength], minor = prefix[kMagicLength + 1];
  if (major < 1 || major > 3 || minor != 0) {
    throw Error(where + "unsupported .npy format version " + std::to_string(major) + "." +
                std::to_string(minor));
  }
  // Version 1.0 stores the header length in 2 bytes, later versions in 4.
  const int length_bytes = major == 1 ? 2 : 4;
  unsigned char length_field[4];
  read_exact(file.get(), length_field, length_bytes, path, ".npy header length");
  const uint32_t header_length = read_le(length_field, length_bytes);
  if (header_length > kMaxNpyHeaderLength) {
    throw Error(where + ".npy header too long (" + std::to_string(header_length) + " bytes)");
  }
  std::string text(header_length, '\0');
  read_exact(file.get(), text.data(), header_length, path, ".npy header");
  for (char ch : text) {
    if (ch != '\n' && (ch < 0x20 || ch > 0x7e)) throw Error(where + "bad .npy header: not ASCII");
  }

  NpyHeader header;
  try {
    header = parse_npy_header(text);
  } catch (const Error& error) {
    throw Error(where + error.what());
  }
  const DtypeName* dtype = find_dtype(header.descr);
  if (dtype == nullptr) {
    throw Error(where + "unsupported dtype '" + header.descr +
                "' (expected '<f4', '|u1', '<u2', '<f2', or for indices '<i8' or '<i4')");
  }
  if (header.fortran_order) {
    throw Error(where + "fortran_order arrays are not supported (save a C-order array)");
  }
  if (shape == NpyShape::kVector) {
    if (header.shape.size() != 1) {
      throw Error(where + "expected a 1-D array, got shape " + shape_text(header.shape));
    }
    header.shape = {1, header.shape[0], 1, 1};  // a vector is (1, L, 1, 1), C being its axis
    layout = upsample::Layout::kNCHW;
  } else if (header.shape.size() != 4) {
    throw Error(where + "expected a 4-D array, got shape " + shape_text(header.shape));
  }

  HostTensor tensor;
  tensor.dtype = dtype->dtype;
  tensor.layout = layout;
  const std::vector<int> axes = file_axes(layout);
  for (int i = 0; i < 4; ++i) tensor.shape[axes[i]] = header.shape[i];
  uint64_t data_bytes = 0;
  if (!packed_byte_count(tensor.dtype, tensor.shape, &data_bytes)) {
    throw Error(where + "shape " + shape_text(header.shape) + " is too large");
  }
  // Check the size before allocating, so a lying header cannot make us allocate.
  const uint64_t data_offset = kMagicLength + 2 + length_bytes + header_length;
  const uint64_t available = size - data_offset;
  if (size < data_offset || available < data_bytes) {
    throw Error(where + "truncated .npy data: shape " + shape_text(header.shape) + " needs " +
                std::to_string(data_bytes) + " bytes, the file has " +
                std::to_string(size < data_offset ? 0 : available));
  }
  if (available > data_bytes) {
    throw Error(where + "trailing data after the .npy array (" +
                std::to_string(available - data_bytes) + " extra bytes)");
  }
  tensor.bytes.resize(static_cast<size_t>(data_bytes));
  read_exact(file.get(), tensor.bytes.data(), tensor.bytes.size(), path, ".npy data");
  return tensor;
}

void write_npy(const std::string& path, const HostTensor& tensor) {
  std::vector<int64_t> shape;
  for (int axis : file_axes(tensor.layout)) shape.push_back(tensor.shape[axis]);
  std::string header = std::string("{'descr': '") + descr_of(tensor.dtype) +
                       "', 'fortran_order': False, 'shape': " + shape_text(shape) + ", }";
  // Pad with spaces and a final newline so the data starts on a 64-byte boundary, as numpy does.
  const size_t prefix = kMagicLength + 2 + 2;
  header.append(63 - (prefix + header.size()) % 64, ' ');
  header += '\n';

  AtomicFile file(path);
  const unsigned char preamble[] = {1, 0, static_cast<unsigned char>(header.size() & 0xff),
                                    static_cast<unsigned char>(header.size() >> 8)};
  file.write(kMagic, kMagicLength);
  file.write(preamble, sizeof(preamble));
  file.write(header.data(), header.size());
  file.write(tensor.bytes.data(), tensor.bytes.size());
  file.commit();
}

}  // namespace upsample_tools
