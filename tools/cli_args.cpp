#include "cli_args.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <vector>

#include "error.h"

namespace upsample_tools {
namespace {

template <typename Enum>
struct Choice {
  const char* name;
  Enum value;
};

constexpr Choice<upsample::ResizeMethod> kResizeMethods[] = {
    {"nearest", upsample::ResizeMethod::kNearest},
    {"bilinear", upsample::ResizeMethod::kBilinear},
    {"bicubic", upsample::ResizeMethod::kBicubic},
};
constexpr Choice<upsample::CoordinateMode> kCoordinateModes[] = {
    {"half_pixel", upsample::CoordinateMode::kHalfPixel},
    {"pytorch_half_pixel", upsample::CoordinateMode::kPytorchHalfPixel},
    {"align_corners", upsample::CoordinateMode::kAlignCorners},
    {"asymmetric", upsample::CoordinateMode::kAsymmetric},
    {"half_pixel_symmetric", upsample::CoordinateMode::kHalfPixelSymmetric},
};
constexpr Choice<upsample::NearestMode> kNearestModes[] = {
    {"round_prefer_floor", upsample::NearestMode::kRoundPreferFloor},
    {"round_prefer_ceil", upsample::NearestMode::kRoundPreferCeil},
    {"floor", upsample::NearestMode::kFloor},
    {"ceil", upsample::NearestMode::kCeil},
};
constexpr Choice<upsample::UnpoolMode> kUnpoolModes[] = {
    {"nearest", upsample::UnpoolMode::kNearest},
    {"bed-of-nails", upsample::UnpoolMode::kBedOfNails},
};
constexpr Choice<upsample::ShuffleOrder> kShuffleOrders[] = {
    {"crd", upsample::ShuffleOrder::kCRD},
    {"dcr", upsample::ShuffleOrder::kDCR},
};
constexpr Choice<upsample::Layout> kLayouts[] = {
    {"nchw", upsample::Layout::kNCHW},
    {"nhwc", upsample::Layout::kNHWC},
};

constexpr int64_t kMaxLength = std::numeric_limits<int32_t>::max();

template <typename Enum, size_t N>
std::string choices(const Choice<Enum> (&table)[N]) {
  std::string text;
  for (const Choice<Enum>& choice : table)
    text += (text.empty() ? "" : ", ") + std::string(choice.name);
  return text;
}

// Names compare with '-' and '_' taken as the same character.
std::string canonical(std::string name) {
  for (char& ch : name) ch = ch == '-' ? '_' : ch;
  return name;
}

template <typename Enum, size_t N>
Enum parse_choice(const std::string& text, const Choice<Enum> (&table)[N], const char* what) {
  for (const Choice<Enum>& choice : table) {
    if (canonical(text) == canonical(choice.name)) return choice.value;
  }
  throw UsageError("unknown " + std::string(what) + " '" + text + "' (expected one of " +
                   choices(table) + ")");
}

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (size_t comma; (comma = text.find(',', start)) != std::string::npos; start = comma + 1) {
    parts.push_back(text.substr(start, comma - start));
  }
  parts.push_back(text.substr(start));
  return parts;
}

// One value, or two separated by a comma; a single value applies to both axes.
std::vector<std::string> one_or_two(const std::string& text, const char* option, bool allow_one) {
  std::vector<std::string> parts = split_commas(text);
  if (parts.size() == 1 && allow_one) parts.push_back(parts[0]);
  if (parts.size() != 2) {
    throw UsageError(std::string("bad value '") + text + "' for " + option + ": expected " +
                     (allow_one ? "one number or two separated by a comma" : "H,W"));
  }
  return parts;
}

bool parse_double(const std::string& text, double* value) {
  if (text.empty() || std::isspace(static_cast<unsigned char>(text[0]))) return false;
  char* end = nullptr;
  errno = 0;
  *value = std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size() && errno == 0 && std::isfinite(*value);
}

int64_t parse_length(const std::string& text, const char* option) {
  const bool digits_only =
      !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
  double number = 0;
  if (!digits_only) {
    if (parse_double(text, &number) && number != std::floor(number)) {
      throw UsageError(std::string(option) + " must be an integer, got '" + text + "'");
    }
    throw UsageError(std::string("bad number '") + text + "' for " + option +
                     ": expected a positive integer");
  }
  errno = 0;
  const long long value = std::strtoll(text.c_str(), nullptr, 10);
  if (errno != 0 || value < 1 || value > kMaxLength) {
    throw UsageError(std::string(option) + " must be in [1, 2^31), got '" + text + "'");
  }
  return value;
}

}  // namespace

upsample::ResizeMethod parse_resize_method(const std::string& text) {
  return parse_choice(text, kResizeMethods, "method");
}
upsample::CoordinateMode parse_coordinate_mode(const std::string& text) {
  return parse_choice(text, kCoordinateModes, "coordinate mode");
}
upsample::NearestMode parse_nearest_mode(const std::string& text) {
  return parse_choice(text, kNearestModes, "nearest mode");
}
upsample::UnpoolMode parse_unpool_mode(const std::string& text) {
  return parse_choice(text, kUnpoolModes, "unpool mode");
}
upsample::ShuffleOrder parse_shuffle_order(const std::string& text) {
  return parse_choice(text, kShuffleOrders, "shuffle order");
}
upsample::Layout parse_layout(const std::string& text) {
  return parse_choice(text, kLayouts, "layout");
}

std::string resize_method_choices() {
  return choices(kResizeMethods);
}
std::string coordinate_mode_choices() {
  return choices(kCoordinateModes);
}
std::string nearest_mode_choices() {
  return choices(kNearestModes);
}
std::string unpool_mode_choices() {
  return choices(kUnpoolModes);
}
std::string shuffle_order_choices() {
  return choices(kShuffleOrders);
}
std::string layout_choices() {
  return choices(kLayouts);
}

AxisPair<int64_t> parse_size(const std::string& text) {
  const std::vector<std::string> parts = one_or_two(text, "--size", false);
  return {parse_length(parts[0], "--size"), parse_length(parts[1], "--size")};
}

AxisPair<double> parse_scale(const std::string& text) {
  const std::vector<std::string> parts = one_or_two(text, "--scale", true);
  AxisPair<double> scale{};
  if (!parse_double(parts[0], &scale.h) || !parse_double(parts[1], &scale.w) || scale.h <= 0 ||
      scale.w <= 0) {
    throw UsageError("bad number in '" + text + "' for --scale: expected positive numbers");
  }
  return scale;
}

AxisPair<int> parse_factor(const std::string& text, const char* option) {
  const std::vector<std::string> parts = one_or_two(text, option, true);
  return {static_cast<int>(parse_length(parts[0], option)),
          static_cast<int>(parse_length(parts[1], option))};
}

AxisPair<int> parse_count(const std::string& text, const char* option) {
  const std::vector<std::string> parts = one_or_two(text, option, true);
  // 0 is a count too; anything else must pass as a positive length.
  auto count = [&](const std::string& part) {
    return part == "0" ? 0 : static_cast<int>(parse_length(part, option));
  };
  return {count(parts[0]), count(parts[1])};
}

float parse_cubic_a(const std::string& text) {
  double value = 0;
  if (!parse_double(text, &value) || std::abs(value) > std::numeric_limits<float>::max()) {
    throw UsageError("bad number '" + text + "' for --cubic-a");
  }
  return static_cast<float>(value);
}

}  // namespace upsample_tools
