// Unit tests of the .npy reader and writer, with files built byte by byte.
#include <catch2/catch.hpp>

#include "error.h"
#include "npy_io.h"
#include "test_util.h"

using upsample::DType;
using upsample::Layout;
using upsample_tools::Error;
using upsample_tools::HostTensor;
using upsample_tools::read_npy;
using upsample_tools::write_npy;
using namespace test_util;

namespace {

std::string four_floats() {
  return raw_bytes(std::vector<float>{1, 2, 3, 4});
}

// Reading `bytes` as a file fails with a message containing `key`.
void require_read_error(const std::string& bytes, const std::string& key) {
  TempDir dir;
  write_bytes(dir.path("bad.npy"), bytes);
  REQUIRE_THROWS_WITH(read_npy(dir.path("bad.npy"), Layout::kNCHW), Catch::Contains(key));
}

}  // namespace

TEST_CASE("npy: write then read returns the same float32 NCHW tensor", "[npy]") {
  TempDir dir;
  HostTensor tensor = HostTensor::allocate(DType::kFloat32, Layout::kNCHW, 1, 2, 3, 4);
  std::vector<float> values(24);
  for (size_t i = 0; i < values.size(); ++i) values[i] = 0.5f * static_cast<float>(i) - 3.0f;
  std::memcpy(tensor.bytes.data(), values.data(), tensor.bytes.size());
  write_npy(dir.path("t.npy"), tensor);

  const std::string bytes = read_bytes(dir.path("t.npy"));
  REQUIRE(bytes.substr(0, 8) == std::string("\x93NUMPY\x01\x00", 8));
  const size_t header_length = static_cast<uint8_t>(bytes[8]) | static_cast<uint8_t>(bytes[9]) << 8;
  CHECK((10 + header_length) % 64 == 0);  // numpy aligns the data
  CHECK(bytes[10 + header_length - 1] == '\n');
  CHECK(bytes.find("'descr': '<f4', 'fortran_order': False, 'shape': (1, 2, 3, 4), }") !=
        std::string::npos);
  CHECK(bytes.size() == 10 + header_length + 24 * sizeof(float));

  const HostTensor back = read_npy(dir.path("t.npy"), Layout::kNCHW);
  CHECK(back.dtype == DType::kFloat32);
  CHECK(back.layout == Layout::kNCHW);
  CHECK(std::vector<int64_t>(back.shape, back.shape + 4) == std::vector<int64_t>{1, 2, 3, 4});
  CHECK(float_values(back) == values);
}

TEST_CASE("npy: the layout decides the axis order in the file", "[npy]") {
  TempDir dir;
  const HostTensor nhwc = HostTensor::allocate(DType::kUInt8, Layout::kNHWC, 1, 3, 2, 5);
  write_npy(dir.path("t.npy"), nhwc);
  CHECK(read_bytes(dir.path("t.npy")).find("'descr': '|u1'") != std::string::npos);
  CHECK(read_bytes(dir.path("t.npy")).find("'shape': (1, 2, 5, 3)") != std::string::npos);

  const HostTensor as_nhwc = read_npy(dir.path("t.npy"), Layout::kNHWC);
  CHECK(std::vector<int64_t>(as_nhwc.shape, as_nhwc.shape + 4) == std::vector<int64_t>{1, 3, 2, 5});
  const HostTensor as_nchw = read_npy(dir.path("t.npy"), Layout::kNCHW);
  CHECK(std::vector<int64_t>(as_nchw.shape, as_nchw.shape + 4) == std::vector<int64_t>{1, 2, 5, 3});
}

TEST_CASE("npy: reads every supported dtype and format version", "[npy]") {
  TempDir dir;
  struct Case {
    const char* descr;
    DType dtype;
    size_t bytes;
  };
  const Case cases[] = {{"<f4", DType::kFloat32, 4},
                        {"|u1", DType::kUInt8, 1},
                        {"<u1", DType::kUInt8, 1},
                        {"<u2", DType::kUInt16, 2},
                        {"<f2", DType::kFloat16, 2}};
  for (const Case& c : cases) {
    for (int major : {1, 2, 3}) {
      INFO(c.descr << " version " << major);
      const std::string data(6 * c.bytes, '\x07');
      write_bytes(dir.path("t.npy"), npy_file(npy_dict(c.descr, {1, 1, 2, 3}), data, major));
      const HostTensor tensor = read_npy(dir.path("t.npy"), Layout::kNCHW);
      CHECK(tensor.dtype == c.dtype);
      CHECK(tensor.h() == 2);
      CHECK(tensor.w() == 3);
      CHECK(std::string(tensor.bytes.begin(), tensor.bytes.end()) == data);
    }
  }
}

TEST_CASE("npy: header dictionaries in other valid spellings", "[npy]") {
  using upsample_tools::parse_npy_header;
  const auto header =
      parse_npy_header("{\"shape\":(2,3,4,5),\"descr\":\"<f4\",\"fortran_order\":False}  \n");
  CHECK(header.descr == "<f4");
  CHECK_FALSE(header.fortran_order);
  CHECK(header.shape == std::vector<int64_t>{2, 3, 4, 5});
  CHECK(parse_npy_header("{'descr': '|u1', 'fortran_order': True, 'shape': (7,), }").shape ==
        std::vector<int64_t>{7});
  CHECK(parse_npy_header("{'descr': '|u1', 'fortran_order': True, 'shape': ()}").shape.empty());
}

TEST_CASE("npy: bad magic and unsupported versions are rejected", "[npy]") {
  const std::string good = float_npy({1, 1, 2, 2}, {1, 2, 3, 4});
  std::string bad_magic = good;
  bad_magic[1] = 'X';
  require_read_error(bad_magic, "magic");
  require_read_error("hello, world, this is not numpy", "magic");
  std::string version4 = good;
  version4[6] = 4;
  require_read_error(version4, "version");
  std::string minor1 = good;
  minor1[7] = 1;
  require_read_error(minor1, "version");
}

TEST_CASE("npy: truncated files and trailing data are rejected", "[npy]") {
  const std::string good = float_npy({1, 1, 2, 2}, {1, 2, 3, 4});
  require_read_error(good.substr(0, good.size() - 1), "truncated");
  require_read_error(good.substr(0, 70), "truncated");  // inside the header
  require_read_error(good.substr(0, 9), "truncated");   // inside the length field
  require_read_error(good.substr(0, 3), "truncated");   // inside the magic
  require_read_error("", "truncated");
  require_read_error(good + "x", "trailing");
}

TEST_CASE("npy: shapes that overflow or lie about the size are rejected", "[npy]") {
  // 2^40 * 2^40 elements overflow 64 bits.
  require_read_error(npy_file(npy_dict("<f4", {1099511627776, 1099511627776, 1, 1}), ""),
                     "too large");
  // Each dimension fits int64, the byte count does not.
  require_read_error(npy_file(npy_dict("<f4", {1, 1, 4611686018427387904, 2}), ""), "too large");
  require_read_error(
      npy_file(
          "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1, 99999999999999999999, 1), }",
          ""),
      "too large");
  // Plausible but not backed by the file: caught before any allocation.
  require_read_error(npy_file(npy_dict("<f4", {1, 1, 100000, 100000}), four_floats()), "truncated");
}

TEST_CASE("npy: fortran order, wrong dtypes and wrong ranks are rejected", "[npy]") {
  require_read_error(npy_file(npy_dict("<f4", {1, 1, 2, 2}, true), four_floats()), "fortran_order");
  // int32 and int64 are read (indices); other integer, big-endian and object dtypes are not.
  for (const char* descr : {"<i2", ">f4", "<f8", "|b1", "<u4", ">i8", "O"}) {
    INFO(descr);
    require_read_error(npy_file(npy_dict(descr, {1, 1, 2, 2}), four_floats()), "dtype");
  }
  require_read_error(npy_file(npy_dict("<f4", {2, 2}), four_floats()), "4-D");
  require_read_error(npy_file(npy_dict("<f4", {1, 1, 1, 2, 2}), four_floats()), "4-D");
  require_read_error(npy_file(npy_dict("<f4", {}), raw_bytes(std::vector<float>{1})), "4-D");
}

TEST_CASE("npy: malformed header dictionaries are rejected", "[npy]") {
  const char* bad_dicts[] = {
      "{'descr': '<f4', 'shape': (1, 1, 2, 2), }",  // missing key
      "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (1, 1, 2, 2), }",
      "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1, 2, 2), 'extra': 1}",
      "{'descr': '<f4', 'fortran_order': 0, 'shape': (1, 1, 2, 2), }",
      "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1, -2, 2), }",
      "{'descr': '<f4', 'fortran_order': False, 'shape': [1, 1, 2, 2], }",
      "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1, 2, 2) ",
      "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1, 2, 2)} x",
      "{'descr': '<f4' 'fortran_order': False, 'shape': (1, 1, 2, 2)}",
      "{'descr': '<f4\\n', 'fortran_order': False, 'shape': (1, 1, 2, 2)}",
      "{'descr: '<f4', 'fortran_order': False, 'shape': (1, 1, 2, 2)}",
      "{'descr': '<f4', 'fortran_order': Falsey, 'shape': (1, 1, 2, 2)}",
      "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1, 2, 2\xc3\xa9)}",  // not ASCII
      "",
  };
  for (const char* dict : bad_dicts) {
    INFO(dict);
    require_read_error(npy_file(dict, four_floats()), "header");
  }
}

TEST_CASE("npy: an oversized header length is rejected before reading it", "[npy]") {
  std::string file = "\x93NUMPY";
  file += std::string("\x02\x00", 2);
  file += std::string("\xff\xff\xff\x7f", 4);
  require_read_error(file + "{}", "too long");
}

TEST_CASE("npy: a missing file or a directory is an error", "[npy]") {
  TempDir dir;
  REQUIRE_THROWS_WITH(read_npy(dir.path("missing.npy"), Layout::kNCHW),
                      Catch::Contains("cannot open"));
  REQUIRE_THROWS_WITH(read_npy(dir.path(""), Layout::kNCHW), Catch::Contains("not a regular file"));
}

TEST_CASE("npy: a failed write leaves no file", "[npy]") {
  TempDir dir;
  const HostTensor tensor = HostTensor::allocate(DType::kFloat32, Layout::kNCHW, 1, 1, 1, 1);
  REQUIRE_THROWS_WITH(write_npy(dir.path("missing-dir/t.npy"), tensor),
                      Catch::Contains("cannot create"));
  CHECK(dir.entries().empty());
}
