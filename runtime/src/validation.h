// Checks run once at the API boundary, before any kernel: every message names the operator, the
// argument and the problem.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>

#include "upsample/status.h"
#include "upsample/tensor.h"

namespace upsample::internal {

// "op: what" with kInvalidArgument or kOutOfRange: the form of every error message.
Status invalid(const char* op, const std::string& what);
Status out_of_range(const char* op, const std::string& what);

// A view the kernels can take: non-null, known dtype and layout, extents >= 1, strides >= 1, every
// extent and stride within int32 (Halide's buffer fields), and a byte span that fits in memory.
// An output view must also not map two elements to one address.
Status check_view(const char* op, const char* name, const TensorView& view, bool is_output);

// Same N and layout, the same C unless the operator moves pixels between channels, the same
// dtype unless one holds indices; no shared memory between the two.
Status check_pair(const char* op, const TensorView& input, const TensorView& output,
                  bool same_channels = true, bool same_dtype = true);

// The byte ranges of two views (both passed check_view) are disjoint.
Status check_no_overlap(const char* op, const char* name_a, const TensorView& a, const char* name_b,
                        const TensorView& b);

// Whether the memory a view spans is under 1 GiB: what a variant built without large_buffers
// (32-bit indices, SMALL_BUFFERS in cmake/UpsampleHalideLibrary.cmake) may be given, with room for
// a copy of an input.
bool under_one_gib(const TensorView& view);

// Which memory order a kernel runs in: planar when all views have unit W stride; packed when all
// hold the same dense 3- or 4-channel pixels and each spans under 1 GiB (packed variants have
// 32-bit indices); interleaved when all have unit C stride; anything else is unsupported. (A
// packed layout without its own variant runs the interleaved one.)
enum class KernelLayout { kPlanar, kInterleaved, kPacked3, kPacked4 };
Status choose_layout(const char* op, std::initializer_list<const TensorView*> views,
                     KernelLayout* layout);

// The view moved `elements` elements into its memory (host pointer or device offset).
TensorView offset_view(const TensorView& view, int64_t elements);

// A view of packed pixels (C dense channels, x stride C) as rows of elements: W * C wide with
// one channel, as the packed resize variants take their input.
TensorView packed_rows(const TensorView& view);

// A pure copy (nearest, unpool) of interleaved pixels of 2 or 4 bytes in all moves each pixel as
// one element: the views are rewritten as single-channel planar views of that wider element.
// Returns the element size to use (the dtype's, or the pixel's when rewritten).
size_t fuse_small_pixels(TensorView* input, TensorView* output);

std::string shape_string(const TensorView& view);

}  // namespace upsample::internal
