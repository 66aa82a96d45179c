// A tiny 5 x 7 bitmap font for the demo's panel labels: upper-case letters, digits, space, '-'.
#pragma once

#include <cstdint>
#include <string>

#include "host_tensor.h"

namespace demo {

constexpr int kGlyphWidth = 5;
constexpr int kGlyphHeight = 7;

// Width in pixels of `text` drawn at `scale` (one blank column between glyphs).
int text_width(const std::string& text, int scale);

// Draws `text` into a uint8 image with its top-left corner at (x, y), every channel set to
// `value`, each font pixel as a scale x scale square. Pixels outside the image are skipped.
void draw_text(upsample_tools::HostTensor* image, const std::string& text, int x, int y, int scale,
               uint8_t value);

}  // namespace demo
