// The `upsample` command-line program: resizes, unpools, max-pools, deconvolves or
// pixel-shuffles a .npy or PNG file with the library.
#include <CLI/CLI.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <new>
#include <optional>
#include <string>

#include "cli_args.h"
#include "error.h"
#include "host_tensor.h"
#include "npy_io.h"
#include "png_io.h"
#include "tensor_file.h"
#include "upsample/upsample.h"

namespace upsample_tools {
namespace {

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

// Option values as typed; they are checked after parsing so that every error has our wording.
struct CommonArgs {
  std::string input;
  std::string output;
  std::string layout = "nchw";
};

struct ResizeArgs {
  CommonArgs files;
  std::string method;
  std::string size;
  std::string scale;
  std::string coord = "half_pixel";
  std::string nearest_mode = "round_prefer_floor";
  std::string cubic_a = "-0.75";
  bool exclude_outside = false;
};

struct UnpoolArgs {
  CommonArgs files;
  std::string mode;
  std::string factor;
  std::string indices;  // --mode max
  std::string size;     // --mode max
};

struct MaxPoolArgs {
  CommonArgs files;
  std::string indices;  // the third positional: where the indices go
  std::string kernel;
  std::string stride;
  std::string padding = "0";
  std::string dilation = "1";
  bool ceil_mode = false;
};

struct DeconvArgs {
  CommonArgs files;
  std::string weight;
  std::string bias;
  std::string stride = "1";
  std::string padding = "0";
  std::string output_padding = "0";
  std::string dilation = "1";
  std::string groups = "1";
};

struct ShuffleArgs {
  CommonArgs files;
  std::string factor;
  std::string order = "crd";
};

int report(const std::string& message, int exit_code) {
  std::string line = message;
  for (char& ch : line) ch = ch == '\n' || ch == '\r' ? ' ' : ch;
  std::cerr << "upsample: error: " << line << std::endl;
  return exit_code;
}

void check(const upsample::Status& status) {
  if (!status.ok()) throw Error(status.message());
}

void add_file_arguments(CLI::App* command, CommonArgs* files) {
  command->add_option("IN", files->input, "input file: .npy (4-D array) or .png")
      ->required()
      ->type_name("FILE");
  command->add_option("OUT", files->output, "output file: .npy, or .png for uint8 images")
      ->required()
      ->type_name("FILE");
}

void add_layout_option(CLI::App* command, CommonArgs* files) {
  command
      ->add_option("--layout", files->layout,
                   "axis order of a .npy array: nchw (default) or nhwc; PNG images are always "
                   "1 x H x W x C (nhwc)")
      ->type_name("LAYOUT");
}

int64_t checked_product(int64_t a, int64_t b) {
  int64_t product = 0;
  if (__builtin_mul_overflow(a, b, &product)) throw Error("the output is too large");
  return product;
}

// Reads IN after the cheap checks of OUT, so a bad invocation touches no file.
HostTensor read_input(const CommonArgs& files) {
  const upsample::Layout layout = parse_layout(files.layout);
  const std::optional<FileFormat> format = output_format(files.output);
  if (!format) {
    throw UsageError("cannot tell the format of '" + files.output + "': use .npy or .png");
  }
  HostTensor input = read_tensor_file(files.input, layout);
  if (input.dtype == upsample::DType::kInt32 || input.dtype == upsample::DType::kInt64) {
    throw Error("'" + files.input + "' holds " + upsample::dtype_name(input.dtype) +
                " values: unsupported dtype for an image (float32, uint8, uint16, float16)");
  }
  for (int64_t extent : input.shape) {
    if (extent == 0) throw Error("'" + files.input + "' holds an empty array");
  }
  // The output has the input's dtype, N and C: refuse a PNG that cannot be written before working.
  if (*format == FileFormat::kPng) require_png_compatible(input.dtype, input.n(), input.c());
  return input;
}

void run_resize(const ResizeArgs& args, bool has_size, bool has_scale) {
  upsample::ResizeOptions options;
  options.method = parse_resize_method(args.method);
  options.coordinate_mode = parse_coordinate_mode(args.coord);
  options.nearest_mode = parse_nearest_mode(args.nearest_mode);
  options.cubic_a = parse_cubic_a(args.cubic_a);
  options.exclude_outside = args.exclude_outside;
  if (has_size == has_scale) throw UsageError("give exactly one of --size and --scale");
  AxisPair<int64_t> size{};
  AxisPair<double> scale{};
  if (has_size) size = parse_size(args.size);
  if (has_scale) scale = parse_scale(args.scale);

  const HostTensor input = read_input(args.files);
  if (has_scale) {
    // The coordinates use S itself, as PyTorch's scale_factor and ONNX's scales do.
    check(upsample::resize_output_length(input.h(), scale.h, &size.h));
    check(upsample::resize_output_length(input.w(), scale.w, &size.w));
    options.scale_h = scale.h;
    options.scale_w = scale.w;
  }
  HostTensor output =
      HostTensor::allocate(input.dtype, input.layout, input.n(), input.c(), size.h, size.w);
  check(upsample::resize(input.input_view(), output.view(), options));
  write_tensor_file(args.files.output, output);
}

// Max unpooling: every value goes to its remembered position of an H x W output.
void run_max_unpool(const UnpoolArgs& args) {
  if (args.indices.empty()) throw UsageError("--mode max needs --indices IDX");
  if (args.size.empty()) throw UsageError("--mode max needs --size H,W");
  if (!args.factor.empty()) throw UsageError("--mode max takes --size, not --factor");
  const AxisPair<int64_t> size = parse_size(args.size);
  const HostTensor input = read_input(args.files);
  const HostTensor indices = read_tensor_file(args.indices, parse_layout(args.files.layout));
  if (indices.dtype != upsample::DType::kInt64 && indices.dtype != upsample::DType::kInt32) {
    throw Error("'" + args.indices + "' holds " + upsample::dtype_name(indices.dtype) +
                " values: indices must be int64 or int32");
  }
  HostTensor output =
      HostTensor::allocate(input.dtype, input.layout, input.n(), input.c(), size.h, size.w);
  check(upsample::max_unpool2d(input.input_view(), indices.input_view(), output.view(), {}));
  write_tensor_file(args.files.output, output);
}

void run_unpool(const UnpoolArgs& args) {
  if (args.mode == "max") return run_max_unpool(args);
  upsample::UnpoolOptions options;
  options.mode = parse_unpool_mode(args.mode);
  if (args.factor.empty()) throw UsageError("--mode " + args.mode + " needs --factor K|KH,KW");
  if (!args.indices.empty() || !args.size.empty()) {
    throw UsageError("--indices and --size go with --mode max only");
  }
  const AxisPair<int> factor = parse_factor(args.factor);
  options.factor_h = factor.h;
  options.factor_w = factor.w;

  const HostTensor input = read_input(args.files);
  HostTensor output = HostTensor::allocate(input.dtype, input.layout, input.n(), input.c(),
                                           checked_product(input.h(), factor.h),
                                           checked_product(input.w(), factor.w));
  check(upsample::unpool(input.input_view(), output.view(), options));
  write_tensor_file(args.files.output, output);
}

// Max pooling: the maxima to OUT, their indices (PyTorch's, int64) to IDX.
void run_max_pool(const MaxPoolArgs& args) {
  upsample::MaxPoolOptions options;
  const AxisPair<int> kernel = parse_factor(args.kernel, "--kernel");
  const AxisPair<int> stride = args.stride.empty() ? kernel : parse_factor(args.stride, "--stride");
  const AxisPair<int> padding = parse_count(args.padding, "--padding");
  const AxisPair<int> dilation = parse_factor(args.dilation, "--dilation");
  options.kernel_h = kernel.h;
  options.kernel_w = kernel.w;
  options.stride_h = stride.h;
  options.stride_w = stride.w;
  options.padding_h = padding.h;
  options.padding_w = padding.w;
  options.dilation_h = dilation.h;
  options.dilation_w = dilation.w;
  options.ceil_mode = args.ceil_mode;
  if (output_format(args.indices) != FileFormat::kNpy) {
    throw UsageError("indices go to a .npy file, not '" + args.indices + "'");
  }
  const HostTensor input = read_input(args.files);
  int64_t out_h = 0, out_w = 0;
  check(upsample::max_pool_output_length(input.h(), options.kernel_h, options.stride_h,
                                         options.padding_h, options.dilation_h, options.ceil_mode,
                                         &out_h));
  check(upsample::max_pool_output_length(input.w(), options.kernel_w, options.stride_w,
                                         options.padding_w, options.dilation_w, options.ceil_mode,
                                         &out_w));
  HostTensor values =
      HostTensor::allocate(input.dtype, input.layout, input.n(), input.c(), out_h, out_w);
  HostTensor indices = HostTensor::allocate(upsample::DType::kInt64, input.layout, input.n(),
                                            input.c(), out_h, out_w);
  check(upsample::max_pool2d(input.input_view(), values.view(), indices.view(), options));
  write_tensor_file(args.indices, indices);
  try {
    write_tensor_file(args.files.output, values);
  } catch (...) {
    std::remove(args.indices.c_str());  // all or nothing: no indices without their values
    throw;
  }
}

// A float32 .npy parameter (weight or bias); nothing else makes sense for it.
HostTensor read_parameter(const std::string& path, const char* option, NpyShape shape) {
  if (output_format(path) != FileFormat::kNpy) {
    throw UsageError(std::string(option) + " takes a .npy file, not '" + path + "'");
  }
  HostTensor tensor = read_npy(path, upsample::Layout::kNCHW, shape);
  if (tensor.dtype != upsample::DType::kFloat32) {
    throw Error("'" + path + "' holds " + upsample::dtype_name(tensor.dtype) + " values; " +
                option + " must be float32");
  }
  return tensor;
}

// Transposed convolution (PyTorch conv_transpose2d) with weights (C_in, C_out/groups, kH, kW).
void run_deconv(const DeconvArgs& args) {
  upsample::ConvTranspose2dOptions options;
  const AxisPair<int> stride = parse_factor(args.stride, "--stride");
  const AxisPair<int> padding = parse_count(args.padding, "--padding");
  const AxisPair<int> output_padding = parse_count(args.output_padding, "--output-padding");
  const AxisPair<int> dilation = parse_factor(args.dilation, "--dilation");
  options.groups = parse_factor(args.groups, "--groups").h;
  if (args.groups.find(',') != std::string::npos) {
    throw UsageError("--groups takes one integer, not '" + args.groups + "'");
  }
  options.stride_h = stride.h, options.stride_w = stride.w;
  options.padding_h = padding.h, options.padding_w = padding.w;
  options.output_padding_h = output_padding.h, options.output_padding_w = output_padding.w;
  options.dilation_h = dilation.h, options.dilation_w = dilation.w;

  const HostTensor weight = read_parameter(args.weight, "--weight", NpyShape::kTensor);
  std::optional<HostTensor> bias;
  if (!args.bias.empty()) bias = read_parameter(args.bias, "--bias", NpyShape::kVector);
  const HostTensor input = read_input(args.files);
  if (input.dtype != upsample::DType::kFloat32) {
    throw Error("'" + args.files.input + "' holds " + upsample::dtype_name(input.dtype) +
                " values; deconv needs float32");
  }
  int64_t out_h = 0, out_w = 0;
  check(upsample::conv_transpose2d_output_length(input.h(), int(weight.h()), options.stride_h,
                                                 options.padding_h, options.output_padding_h,
                                                 options.dilation_h, &out_h));
  check(upsample::conv_transpose2d_output_length(input.w(), int(weight.w()), options.stride_w,
                                                 options.padding_w, options.output_padding_w,
                                                 options.dilation_w, &out_w));
  const int64_t out_channels = checked_product(weight.c(), options.groups);
  HostTensor output =
      HostTensor::allocate(input.dtype, input.layout, input.n(), out_channels, out_h, out_w);
  const upsample::TensorView bias_view = bias ? bias->input_view() : upsample::TensorView{};
  check(upsample::conv_transpose2d(input.input_view(), weight.input_view(),
                                   bias ? &bias_view : nullptr, output.view(), options));
  write_tensor_file(args.files.output, output);
}

// Depth to space (shuffle) or space to depth (unshuffle).
void run_shuffle(const ShuffleArgs& args, bool to_space) {
  upsample::ShuffleOptions options;
  options.order = parse_shuffle_order(args.order);
  const AxisPair<int> factor = parse_factor(args.factor);
  options.factor_h = factor.h;
  options.factor_w = factor.w;

  const HostTensor input = read_input(args.files);
  const int64_t block = checked_product(factor.h, factor.w);
  HostTensor output;
  if (to_space) {
    if (input.c() % block != 0) {
      throw Error("input has " + std::to_string(input.c()) +
                  " channels, not a multiple of the block " + std::to_string(block));
    }
    output = HostTensor::allocate(input.dtype, input.layout, input.n(), input.c() / block,
                                  checked_product(input.h(), factor.h),
                                  checked_product(input.w(), factor.w));
    check(upsample::pixel_shuffle(input.input_view(), output.view(), options));
  } else {
    if (input.h() % factor.h != 0 || input.w() % factor.w != 0) {
      throw Error("input size " + std::to_string(input.h()) + "x" + std::to_string(input.w()) +
                  " is not a multiple of the factors");
    }
    output = HostTensor::allocate(input.dtype, input.layout, input.n(),
                                  checked_product(input.c(), block), input.h() / factor.h,
                                  input.w() / factor.w);
    check(upsample::pixel_unshuffle(input.input_view(), output.view(), options));
  }
  write_tensor_file(args.files.output, output);
}

void add_shuffle_command(CLI::App& app, const char* name, const char* description,
                         ShuffleArgs* args, CLI::App** command) {
  *command = app.add_subcommand(name, description);
  add_file_arguments(*command, &args->files);
  (*command)
      ->add_option("--factor", args->factor, "block size per axis")
      ->required()
      ->type_name("R|RH,RW");
  (*command)
      ->add_option("--order", args->order,
                   "where a block's offset lives among the channels (default crd, PyTorch's; dcr "
                   "is ONNX DepthToSpace's default): " +
                       shuffle_order_choices())
      ->type_name("ORDER");
  add_layout_option(*command, &args->files);
}

int run(int argc, char** argv) {
  CLI::App app{"Upsamples a 4-D tensor (.npy) or an image (.png) with the upsample library.",
               "upsample"};
  app.require_subcommand(1);
  app.footer(
      "Files: .npy arrays of dtype float32 (<f4), uint8 (|u1), uint16 (<u2) or float16 (<f2);\n"
      "PNG images (gray, gray+alpha, RGB, RGBA; read as uint8). The output has the input's dtype.\n"
      "Exit status: 0 on success, 2 for a bad invocation, 1 for any other error.");

  ResizeArgs resize_args;
  CLI::App* resize = app.add_subcommand(
      "resize", "Resize by nearest, bilinear or bicubic interpolation (ONNX Resize semantics).");
  add_file_arguments(resize, &resize_args.files);
  resize->add_option("--method", resize_args.method, "interpolation: " + resize_method_choices())
      ->required()
      ->type_name("METHOD");
  CLI::Option* size =
      resize->add_option("--size", resize_args.size, "output size H,W")->type_name("H,W");
  CLI::Option* scale =
      resize
          ->add_option("--scale", resize_args.scale,
                       "scale factor: output = floor(input * S), and the coordinates use S")
          ->type_name("S|SH,SW");
  resize
      ->add_option("--coord", resize_args.coord,
                   "coordinate transform (default half_pixel): " + coordinate_mode_choices() +
                       " ('-' for '_' is fine)")
      ->type_name("MODE");
  resize
      ->add_option("--nearest-mode", resize_args.nearest_mode,
                   "rounding of nearest (default round_prefer_floor): " + nearest_mode_choices())
      ->type_name("MODE");
  resize->add_option("--cubic-a", resize_args.cubic_a, "bicubic coefficient a (default -0.75)")
      ->type_name("A");
  resize->add_flag("--exclude-outside", resize_args.exclude_outside,
                   "bicubic: drop taps outside the input and renormalise the weights");
  add_layout_option(resize, &resize_args.files);

  UnpoolArgs unpool_args;
  CLI::App* unpool =
      app.add_subcommand("unpool", "Unpool by an integer factor: each pixel becomes a block.");
  add_file_arguments(unpool, &unpool_args.files);
  unpool
      ->add_option("--mode", unpool_args.mode,
                   "what fills a block: " + unpool_mode_choices() +
                       ", or max (each value back at its index from maxpool)")
      ->required()
      ->type_name("MODE");
  unpool
      ->add_option("--factor", unpool_args.factor,
                   "integer factor per axis (nearest, bed-of-nails)")
      ->type_name("K|KH,KW");
  unpool
      ->add_option("--indices", unpool_args.indices,
                   "max: .npy of int64 (or int32) indices, h*W+w within each plane")
      ->type_name("IDX");
  unpool->add_option("--size", unpool_args.size, "max: output size H,W")->type_name("H,W");
  add_layout_option(unpool, &unpool_args.files);

  MaxPoolArgs maxpool_args;
  CLI::App* maxpool = app.add_subcommand(
      "maxpool", "Max pooling (PyTorch max_pool2d): the maxima to OUT, their indices to IDX.");
  add_file_arguments(maxpool, &maxpool_args.files);
  maxpool->add_option("IDX", maxpool_args.indices, "indices output: .npy of int64")
      ->required()
      ->type_name("FILE");
  maxpool->add_option("--kernel", maxpool_args.kernel, "window size")
      ->required()
      ->type_name("K|KH,KW");
  maxpool->add_option("--stride", maxpool_args.stride, "step (default: the kernel)")
      ->type_name("S|SH,SW");
  maxpool
      ->add_option("--padding", maxpool_args.padding,
                   "implicit padding, at most kernel/2 (default 0)")
      ->type_name("P|PH,PW");
  maxpool->add_option("--dilation", maxpool_args.dilation, "window dilation (default 1)")
      ->type_name("D|DH,DW");
  maxpool->add_flag("--ceil-mode", maxpool_args.ceil_mode,
                    "round the output size up, as PyTorch's ceil_mode");
  add_layout_option(maxpool, &maxpool_args.files);

  DeconvArgs deconv_args;
  CLI::App* deconv =
      app.add_subcommand("deconv", "Transposed convolution (PyTorch conv_transpose2d), float32.");
  add_file_arguments(deconv, &deconv_args.files);
  deconv
      ->add_option("--weight", deconv_args.weight,
                   "weights: .npy float32 of shape (C_in, C_out/groups, kH, kW)")
      ->required()
      ->type_name("W");
  deconv->add_option("--bias", deconv_args.bias, "bias: .npy float32 of shape (C_out)")
      ->type_name("B");
  deconv->add_option("--stride", deconv_args.stride, "stride (default 1)")->type_name("S|SH,SW");
  deconv
      ->add_option("--padding", deconv_args.padding,
                   "cropped from each side of the output (default 0)")
      ->type_name("P|PH,PW");
  deconv
      ->add_option("--output-padding", deconv_args.output_padding,
                   "added to one side, below the stride or the dilation (default 0)")
      ->type_name("P|PH,PW");
  deconv->add_option("--dilation", deconv_args.dilation, "kernel dilation (default 1)")
      ->type_name("D|DH,DW");
  deconv->add_option("--groups", deconv_args.groups, "channel groups (default 1)")->type_name("G");
  add_layout_option(deconv, &deconv_args.files);

  ShuffleArgs shuffle_args, unshuffle_args;
  CLI::App* shuffle = nullptr;
  CLI::App* unshuffle = nullptr;
  add_shuffle_command(app, "shuffle",
                      "Pixel shuffle (depth to space): C*R*R channels become RxR blocks of pixels.",
                      &shuffle_args, &shuffle);
  add_shuffle_command(app, "unshuffle",
                      "Pixel unshuffle (space to depth): RxR blocks of pixels become channels.",
                      &unshuffle_args, &unshuffle);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& help) {
    // Help for the whole program lists every command's options too.
    if (app.get_subcommands().empty()) {
      std::cout << app.help("", CLI::AppFormatMode::All);
      return 0;
    }
    return app.exit(help);
  } catch (const CLI::ParseError& error) {
    if (app.get_subcommands().empty() && argc > 1 && argv[1][0] != '-') {
      return report("unknown command '" + std::string(argv[1]) +
                        "' (expected resize, unpool, maxpool, deconv, shuffle or unshuffle)",
                    kExitUsage);
    }
    return report(error.what(), kExitUsage);
  }

  try {
    if (resize->parsed()) {
      run_resize(resize_args, size->count() > 0, scale->count() > 0);
    } else if (unpool->parsed()) {
      run_unpool(unpool_args);
    } else if (maxpool->parsed()) {
      run_max_pool(maxpool_args);
    } else if (deconv->parsed()) {
      run_deconv(deconv_args);
    } else if (shuffle->parsed()) {
      run_shuffle(shuffle_args, /*to_space=*/true);
    } else {
      run_shuffle(unshuffle_args, /*to_space=*/false);
    }
  } catch (const UsageError& error) {
    return report(error.what(), kExitUsage);
  } catch (const std::bad_alloc&) {
    return report("out of memory", kExitFailure);
  } catch (const std::exception& error) {
    return report(error.what(), kExitFailure);
  }
  return 0;
}

}  // namespace
}  // namespace upsample_tools

int main(int argc, char** argv) {
  return upsample_tools::run(argc, argv);
}
