// The program upsample-tune builds for each candidate schedule: it is linked with one generated
// pipeline (function upsample_tune_candidate, with its Halide runtime), runs on the machine being
// tuned for (locally, or wherever the user's runner command puts it), and prints one JSON line.
// It knows nothing about operators: the pipeline's own metadata names its arguments, and the case
// file gives each one a value, by name.
//
//   tune_driver --case case.txt [--output out.bin] [--threads N] [--repetitions N] [--min-time S]
//               [--no-time]
//   tune_driver --bandwidth MIB [--threads N]
//
// Case file, one argument per line:
//   scalar <name> <value>
//   buffer <name> <dimensions> <extent> <stride> ... (elements) <input file | "output">
// Input files hold the buffer's elements densely in its own storage order (the smallest stride
// first); the output buffer is written the same way to --output.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

#include "HalideRuntime.h"
#include "bandwidth.h"
#include "call_timing.h"

extern "C" int upsample_tune_candidate_argv(void** args);
extern "C" const struct halide_filter_metadata_t* upsample_tune_candidate_metadata();

namespace {

[[noreturn]] void fail(const std::string& message) {
  std::printf("{\"ok\": false, \"error\": \"%s\"}\n", message.c_str());
  std::fprintf(stderr, "tune_driver: %s\n", message.c_str());
  std::exit(1);
}

struct BufferArg {
  halide_buffer_t buffer{};
  std::vector<halide_dimension_t> dims;
  std::vector<uint8_t> storage;
  size_t span_bytes = 0;  // the bytes the buffer's elements span (what --output writes)
  bool is_output = false;
};

struct CaseArg {
  bool is_buffer = false;
  std::string scalar;  // the value as written
  std::vector<std::pair<int64_t, int64_t>> dims;
  std::string source;
};

std::map<std::string, CaseArg> read_case(const std::string& path) {
  std::ifstream in(path);
  if (!in) fail("cannot read the case file " + path);
  std::map<std::string, CaseArg> args;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string kind, name;
    if (!(words >> kind) || kind[0] == '#') continue;
    if (!(words >> name)) fail("case line without a name: " + line);
    CaseArg arg;
    if (kind == "scalar") {
      if (!(words >> arg.scalar)) fail("scalar " + name + " has no value");
    } else if (kind == "buffer") {
      int dimensions = 0;
      if (!(words >> dimensions) || dimensions < 0 || dimensions > 8) {
        fail("buffer " + name + ": bad dimension count");
      }
      arg.is_buffer = true;
      for (int d = 0; d < dimensions; d++) {
        int64_t extent = 0, stride = 0;
        if (!(words >> extent >> stride) || extent <= 0) fail("buffer " + name + ": bad dims");
        arg.dims.emplace_back(extent, stride);
      }
      if (!(words >> arg.source)) fail("buffer " + name + " has no source");
    } else {
      fail("unknown case line kind " + kind);
    }
    args[name] = arg;
  }
  return args;
}

// Elements the buffer spans (strides are non-negative in every case upsample-tune writes).
int64_t span(const std::vector<std::pair<int64_t, int64_t>>& dims) {
  int64_t last = 0;
  for (const auto& [extent, stride] : dims) last += (extent - 1) * stride;
  return last + 1;
}

void make_buffer(const std::string& name, const CaseArg& arg, const halide_type_t& type,
                 int dimensions, BufferArg& out) {
  if (!arg.is_buffer) fail(name + " is a buffer, the case gives a scalar");
  if (int(arg.dims.size()) != dimensions) {
    fail(name + " has " + std::to_string(dimensions) + " dimensions, the case gives " +
         std::to_string(arg.dims.size()));
  }
  const size_t element = type.bytes();
  const int64_t elements = span(arg.dims);
  out.span_bytes = size_t(elements) * element;
  out.storage.assign(out.span_bytes + 64, 0);
  for (const auto& [extent, stride] : arg.dims)
    out.dims.push_back({0, int32_t(extent), int32_t(stride), 0});
  out.buffer.host = out.storage.data();
  out.buffer.type = type;
  out.buffer.dimensions = dimensions;
  out.buffer.dim = out.dims.data();
  out.is_output = arg.source == "output";
  if (!out.is_output) {
    std::ifstream in(arg.source, std::ios::binary);
    if (!in) fail("cannot read " + arg.source + " for " + name);
    in.read(reinterpret_cast<char*>(out.storage.data()), std::streamsize(elements * element));
    if (in.gcount() != std::streamsize(elements * element)) {
      fail(arg.source + " holds fewer than the " + std::to_string(elements) + " elements of " +
           name);
    }
  }
}

// Scalars are stored in a union-sized slot; the pipeline reads the type it declares.
struct ScalarSlot {
  alignas(8) uint8_t bytes[8] = {};
};

void set_scalar(const std::string& name, const CaseArg& arg, const halide_type_t& type,
                ScalarSlot& slot) {
  if (arg.is_buffer) fail(name + " is a scalar, the case gives a buffer");
  const double value = std::strtod(arg.scalar.c_str(), nullptr);
  const int64_t integer = std::strtoll(arg.scalar.c_str(), nullptr, 10);
  auto put = [&slot](auto v) { std::memcpy(slot.bytes, &v, sizeof(v)); };
  if (type.code == halide_type_float) {
    if (type.bits == 32)
      put(float(value));
    else
      put(value);
  } else if (type.code == halide_type_uint && type.bits == 1) {
    put(bool(integer != 0));
  } else if (type.bits == 8) {
    put(int8_t(integer));
  } else if (type.bits == 16) {
    put(int16_t(integer));
  } else if (type.bits == 32) {
    put(int32_t(integer));
  } else {
    put(int64_t(integer));
  }
}

int run_bandwidth(size_t mib, int threads) {
  const upsample_bench::Bandwidth b = upsample_bench::measure_bandwidth(mib << 20, threads, 5);
  std::printf(
      "{\"ok\": true, \"threads\": %d, \"copy_gbs\": %.3f, \"memcpy_gbs\": %.3f, "
      "\"copy_loop_gbs\": %.3f, \"nt_copy_gbs\": %.3f}\n",
      threads, b.copy_gbs(), b.memcpy_gbs, b.copy_loop_gbs, b.nt_copy_gbs);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string case_path, output_path;
  int threads = 0, repetitions = 5;
  double min_time = 0.1;
  bool time_it = true;
  size_t bandwidth_mib = 0;
  for (int i = 1; i < argc; i++) {
    const std::string flag = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) fail(flag + " needs a value");
      return argv[++i];
    };
    if (flag == "--case")
      case_path = value();
    else if (flag == "--output")
      output_path = value();
    else if (flag == "--threads")
      threads = std::atoi(value().c_str());
    else if (flag == "--repetitions")
      repetitions = std::max(1, std::atoi(value().c_str()));
    else if (flag == "--min-time")
      min_time = std::atof(value().c_str());
    else if (flag == "--no-time")
      time_it = false;
    else if (flag == "--bandwidth")
      bandwidth_mib = size_t(std::atoll(value().c_str()));
    else
      fail("unknown flag " + flag);
  }
  if (bandwidth_mib > 0) return run_bandwidth(bandwidth_mib, std::max(1, threads));
  if (case_path.empty()) fail("--case is required");
  if (threads > 0) halide_set_num_threads(threads);

  const std::map<std::string, CaseArg> case_args = read_case(case_path);
  const halide_filter_metadata_t* metadata = upsample_tune_candidate_metadata();
  const int count = metadata->num_arguments;
  std::vector<void*> args(static_cast<size_t>(count), nullptr);
  std::vector<BufferArg> buffers(static_cast<size_t>(count));
  std::vector<ScalarSlot> scalars(static_cast<size_t>(count));
  BufferArg* output = nullptr;
  for (int i = 0; i < count; i++) {
    const halide_filter_argument_t& a = metadata->arguments[i];
    const std::string name = a.name;
    if (name == "__user_context") continue;  // not used by upsample's pipelines
    auto it = case_args.find(name);
    if (it == case_args.end()) fail("the case has no value for argument " + name);
    if (a.kind == halide_argument_kind_input_scalar) {
      set_scalar(name, it->second, a.type, scalars[size_t(i)]);
      args[size_t(i)] = scalars[size_t(i)].bytes;
    } else {
      make_buffer(name, it->second, a.type, a.dimensions, buffers[size_t(i)]);
      if (a.kind == halide_argument_kind_output_buffer) {
        if (output != nullptr) fail("more than one output buffer");
        output = &buffers[size_t(i)];
      }
      args[size_t(i)] = &buffers[size_t(i)].buffer;
    }
  }
  if (output == nullptr) fail("the pipeline has no output buffer");

  const int status = upsample_tune_candidate_argv(args.data());
  if (status != 0) fail("the pipeline failed with Halide error " + std::to_string(status));
  if (!output_path.empty()) {
    std::ofstream out(output_path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(output->storage.data()),
              std::streamsize(output->span_bytes));
    if (!out) fail("cannot write " + output_path);
  }
  if (!time_it) {
    std::printf("{\"ok\": true}\n");
    return 0;
  }
  // Each sample is the mean over at least min_time of calls; the best and median samples are
  // reported (the best is what a quiet machine does, the median how noisy this one is).
  std::vector<double> samples = upsample_bench::mean_call_seconds(
      [&] {
        if (upsample_tune_candidate_argv(args.data()) != 0) fail("the pipeline failed when timed");
      },
      repetitions, min_time);
  std::sort(samples.begin(), samples.end());
  std::printf("{\"ok\": true, \"best_ms\": %.6f, \"median_ms\": %.6f, \"samples\": %zu}\n",
              samples.front() * 1e3, samples[samples.size() / 2] * 1e3, samples.size());
  return 0;
}
