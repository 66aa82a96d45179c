// Parsing of the command-line program's option values. Every function throws UsageError with a
// message naming the option and the bad value.
#pragma once

#include <string>

#include "upsample/resize.h"
#include "upsample/shuffle.h"
#include "upsample/tensor.h"
#include "upsample/unpool.h"

namespace upsample_tools {

template <typename T>
struct AxisPair {
  T h;
  T w;
};

// Mode names are the ONNX ones; '-' is accepted for '_'.
upsample::ResizeMethod parse_resize_method(const std::string& text);
upsample::CoordinateMode parse_coordinate_mode(const std::string& text);
upsample::NearestMode parse_nearest_mode(const std::string& text);
upsample::UnpoolMode parse_unpool_mode(const std::string& text);
upsample::ShuffleOrder parse_shuffle_order(const std::string& text);
upsample::Layout parse_layout(const std::string& text);

// The accepted names, comma-separated, for the help text.
std::string resize_method_choices();
std::string coordinate_mode_choices();
std::string nearest_mode_choices();
std::string unpool_mode_choices();
std::string shuffle_order_choices();
std::string layout_choices();

// "H,W": two integers in [1, 2^31).
AxisPair<int64_t> parse_size(const std::string& text);
// "S" or "SH,SW": positive finite numbers.
AxisPair<double> parse_scale(const std::string& text);
// "K" or "KH,KW": integers in [1, 2^31).
AxisPair<int> parse_factor(const std::string& text, const char* option = "--factor");
// "P" or "PH,PW": integers in [0, 2^31).
AxisPair<int> parse_count(const std::string& text, const char* option);
// A finite number.
float parse_cubic_a(const std::string& text);

}  // namespace upsample_tools
