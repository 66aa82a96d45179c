#include "png_io.h"

#include <png.h>

#include <csetjmp>
#include <cstring>
#include <vector>

#include "error.h"
#include "file_util.h"

namespace upsample_tools {
namespace {

// Largest image accepted on reading: 2^28 pixels (1 GiB as RGBA).
constexpr uint64_t kMaxPixels = uint64_t{1} << 28;

// libpng reports errors by longjmp. Its callbacks keep the message, and the functions that call
// into libpng with a setjmp (read_header, read_pixels) hold no C++ objects that a jump would skip.
struct PngMessage {
  char text[200] = "";
};

void on_png_error(png_structp png, png_const_charp message) {
  auto* error = static_cast<PngMessage*>(png_get_error_ptr(png));
  std::snprintf(error->text, sizeof(error->text), "%s", message);
  png_longjmp(png, 1);
}

void on_png_warning(png_structp, png_const_charp) {}

struct ReadStructs {
  png_structp png = nullptr;
  png_infop info = nullptr;
  ~ReadStructs() { png_destroy_read_struct(&png, &info, nullptr); }
};

struct ImageInfo {
  png_uint_32 width = 0;
  png_uint_32 height = 0;
  int channels = 0;
  size_t row_bytes = 0;
};

// Reads the header and sets the transforms to 8-bit gray, gray + alpha, RGB or RGBA.
bool read_header(png_structp png, png_infop info, ImageInfo* image) {
  if (setjmp(png_jmpbuf(png))) return false;
  png_read_info(png, info);
  const int color_type = png_get_color_type(png, info);
  const int bit_depth = png_get_bit_depth(png, info);
  if (color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
  if (color_type == PNG_COLOR_TYPE_GRAY && bit_depth < 8) png_set_expand_gray_1_2_4_to_8(png);
  if (png_get_valid(png, info, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(png);
  if (bit_depth == 16) png_set_scale_16(png);
  png_set_interlace_handling(png);
  png_read_update_info(png, info);
  image->width = png_get_image_width(png, info);
  image->height = png_get_image_height(png, info);
  image->channels = png_get_channels(png, info);
  image->row_bytes = png_get_rowbytes(png, info);
  return true;
}

bool read_pixels(png_structp png, png_bytepp rows) {
  if (setjmp(png_jmpbuf(png))) return false;
  png_read_image(png, rows);
  png_read_end(png, nullptr);  // checks the rest of the file, so truncation is caught
  return true;
}

}  // namespace

bool has_png_signature(const unsigned char* bytes, size_t size) {
  return size >= 8 && png_sig_cmp(bytes, 0, 8) == 0;
}

HostTensor read_png(const std::string& path) {
  const std::string where = "'" + path + "': ";
  FilePtr file = open_input_file(path);
  unsigned char signature[8];
  read_exact(file.get(), signature, sizeof(signature), path, "PNG signature");
  if (!has_png_signature(signature, sizeof(signature))) throw Error(where + "not a PNG file");

  PngMessage message;
  ReadStructs structs;
  structs.png =
      png_create_read_struct(PNG_LIBPNG_VER_STRING, &message, on_png_error, on_png_warning);
  if (structs.png != nullptr) structs.info = png_create_info_struct(structs.png);
  if (structs.info == nullptr) throw Error("out of memory for libpng");
  png_init_io(structs.png, file.get());
  png_set_sig_bytes(structs.png, sizeof(signature));

  ImageInfo image;
  if (!read_header(structs.png, structs.info, &image)) {
    throw Error(where + "bad PNG: " + message.text);
  }
  const uint64_t pixels = uint64_t{image.width} * image.height;
  if (pixels == 0 || pixels > kMaxPixels) {
    throw Error(where + "PNG of " + std::to_string(image.width) + "x" +
                std::to_string(image.height) + " pixels is empty or too large");
  }
  if (image.channels < 1 || image.channels > 4 ||
      image.row_bytes != size_t{image.width} * image.channels) {
    throw Error(where + "unsupported PNG pixel format");
  }

  HostTensor tensor = HostTensor::allocate(upsample::DType::kUInt8, upsample::Layout::kNHWC, 1,
                                           image.channels, image.height, image.width);
  std::vector<png_bytep> rows(image.height);
  for (png_uint_32 y = 0; y < image.height; ++y) rows[y] = &tensor.bytes[y * image.row_bytes];
  if (!read_pixels(structs.png, rows.data())) {
    throw Error(where + "bad PNG: " + message.text);
  }
  return tensor;
}

void require_png_compatible(upsample::DType dtype, int64_t n, int64_t c) {
  if (dtype != upsample::DType::kUInt8) {
    throw Error("PNG output needs uint8 data; write a .npy file for other dtypes");
  }
  if (n != 1 || c < 1 || c > 4) {
    throw Error("PNG output needs N == 1 and C in 1..4, got N = " + std::to_string(n) +
                ", C = " + std::to_string(c));
  }
}

void write_png(const std::string& path, const HostTensor& tensor) {
  require_png_compatible(tensor.dtype, tensor.n(), tensor.c());
  if (tensor.h() < 1 || tensor.w() < 1 || tensor.h() > PNG_UINT_31_MAX ||
      tensor.w() > PNG_UINT_31_MAX) {
    throw Error("PNG output of " + std::to_string(tensor.h()) + "x" + std::to_string(tensor.w()) +
                " pixels is not possible");
  }
  // PNG stores interleaved pixels: gather planar data into NHWC order.
  std::vector<uint8_t> interleaved;
  const uint8_t* pixels = tensor.bytes.data();
  if (tensor.layout != upsample::Layout::kNHWC && tensor.c() > 1) {
    interleaved.reserve(tensor.bytes.size());
    for (int64_t y = 0; y < tensor.h(); ++y) {
      for (int64_t x = 0; x < tensor.w(); ++x) {
        for (int64_t c = 0; c < tensor.c(); ++c) {
          interleaved.push_back(tensor.bytes[tensor.index(0, c, y, x)]);
        }
      }
    }
    pixels = interleaved.data();
  }

  static constexpr png_uint_32 kFormats[] = {PNG_FORMAT_GRAY, PNG_FORMAT_GA, PNG_FORMAT_RGB,
                                             PNG_FORMAT_RGBA};
  png_image image;
  std::memset(&image, 0, sizeof(image));
  image.version = PNG_IMAGE_VERSION;
  image.width = static_cast<png_uint_32>(tensor.w());
  image.height = static_cast<png_uint_32>(tensor.h());
  image.format = kFormats[tensor.c() - 1];

  AtomicFile file(path);
  if (!png_image_write_to_stdio(&image, file.get(), 0, pixels, 0, nullptr)) {
    throw Error("cannot write PNG '" + path + "': " + image.message);
  }
  file.commit();
}

}  // namespace upsample_tools
