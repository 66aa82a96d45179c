// The generated kernels of this build, looked up by operator variant.
#pragma once

#include <cstddef>
#include <cstdint>

#include "HalideRuntime.h"
#include "upsample/resize.h"
#include "upsample/tensor.h"
#include "upsample/unpool.h"
#include "validation.h"

namespace upsample::internal {

// Packed-layout variants take their input as rows of elements (packed_rows); half_pixel_x says
// the x taps are the half_pixel ones the phased variants have as constants; band_fits that a GPU
// block's band of input rows fits in shared memory (resize_generator.cpp, gpu_tabled).
using ResizeKernel = int (*)(halide_buffer_t* input, int32_t output_width, int32_t output_height,
                             int32_t coordinate_mode, int32_t nearest_mode, double scale_x,
                             double scale_y, float cubic_a, bool exclude_outside, bool half_pixel_x,
                             bool band_fits, halide_buffer_t* output);
using UnpoolKernel = int (*)(halide_buffer_t* input, int32_t factor_x, int32_t factor_y,
                             halide_buffer_t* output);
using MaxPoolKernel = int (*)(halide_buffer_t* input, int32_t kernel_x, int32_t kernel_y,
                              int32_t stride_x, int32_t stride_y, int32_t padding_x,
                              int32_t padding_y, int32_t dilation_x, int32_t dilation_y,
                              int32_t index_space, halide_buffer_t* values,
                              halide_buffer_t* indices);
using MaxUnpoolKernel = int (*)(halide_buffer_t* input, halide_buffer_t* indices,
                                int32_t output_width, int32_t output_height, int32_t index_space,
                                halide_buffer_t* output);
using MaxUnpoolWindowsKernel = int (*)(halide_buffer_t* input, halide_buffer_t* indices,
                                       int32_t output_width, int32_t output_height,
                                       int32_t window_x, int32_t window_y, int32_t index_space,
                                       halide_buffer_t* output);
using UnpoolIndexCheckKernel = int (*)(halide_buffer_t* indices, int32_t output_width,
                                       int32_t output_height, int32_t window_x, int32_t window_y,
                                       int32_t index_space, halide_buffer_t* bad_rows);
using ShuffleKernel = int (*)(halide_buffer_t* input, int32_t factor_x, int32_t factor_y,
                              int32_t order, halide_buffer_t* output);

using ResizeBackwardKernel = int (*)(halide_buffer_t* grad_output, int32_t input_width,
                                     int32_t input_height, int32_t coordinate_mode,
                                     int32_t nearest_mode, double scale_x, double scale_y,
                                     float cubic_a, bool exclude_outside,
                                     halide_buffer_t* grad_input);
using ConvKernel = int (*)(halide_buffer_t* input, halide_buffer_t* weights, halide_buffer_t* bias,
                           int32_t stride_x, int32_t stride_y, int32_t dilation_x,
                           int32_t dilation_y, int32_t offset_x, int32_t offset_y,
                           halide_buffer_t* output);
// ConvPhases (generators/conv_generator.cpp): per x phase, its first tap on the weights' tap axis,
// its tap count, dilation and offset.
using ConvPhasesKernel = int (*)(halide_buffer_t* input, halide_buffer_t* weights,
                                 halide_buffer_t* bias, int32_t stride_y, int32_t dilation_y,
                                 int32_t offset_y, int32_t tap_first_x0, int32_t tap_first_x1,
                                 int32_t tap_count_x0, int32_t tap_count_x1, int32_t dilation_x0,
                                 int32_t dilation_x1, int32_t offset_x0, int32_t offset_x1,
                                 halide_buffer_t* output);
using ConvWeightGradKernel = int (*)(halide_buffer_t* a, halide_buffer_t* b, int32_t kernel_x,
                                     int32_t kernel_y, int32_t stride_x, int32_t stride_y,
                                     int32_t dilation_x, int32_t dilation_y, int32_t offset_x,
                                     int32_t offset_y, halide_buffer_t* grad_weights);
using ChannelSumKernel = int (*)(halide_buffer_t* input, halide_buffer_t* sums);

// The period of a phased variant: `out` output columns read `in` input columns; {0, 0} for the
// general variants.
struct Phases {
  int out = 0;
  int in = 0;
};

// Nearest is a copy and is looked up by element size; bilinear and bicubic by dtype and phases,
// bilinear also by the weight units of its fixed-point variant (0: float). A packed
// layout without a variant of its own falls back to the interleaved one: `layout` is then set to
// the layout the kernel has. nullptr when this build has none. streaming: the phased variant's twin
// with non-temporal stores (upsample/streaming.h), on the CPU only.
ResizeKernel find_resize_kernel(ResizeMethod method, Phases phases, int weight_units, DType dtype,
                                size_t copy_bytes, KernelLayout* layout, bool streaming = false);
// The weight units U of this build's fixed-point bilinear variants ("linearU" in the dispatch
// table, generators/CMakeLists.txt) with these phases along x, or 0 where it has none.
int bilinear_variant_weight_units(Phases phases);
// streaming: the variant with non-temporal stores (upsample/streaming.h), nullptr where none.
UnpoolKernel find_unpool_kernel(UnpoolMode mode, size_t element_bytes, KernelLayout layout,
                                bool streaming = false);
// Whether this build's CPU variants include streaming ones, whatever device calls run on.
bool has_streaming_unpool_kernels();
// Depth to space (to_space) or space to depth; fixed_factor_x 0 (any) or the factor of a variant
// specialized for it.
// Max pooling by value dtype, max unpooling (a copy) by element size; indices int64 or int32.
MaxPoolKernel find_max_pool_kernel(bool int64_indices, DType dtype, KernelLayout layout);
MaxUnpoolKernel find_max_unpool_kernel(bool int64_indices, size_t element_bytes,
                                       KernelLayout layout);
// The gather for indices inside their own windows (generators/max_pool_generator.cpp).
MaxUnpoolWindowsKernel find_max_unpool_windows_kernel(bool int64_indices, size_t element_bytes,
                                                      KernelLayout layout);
UnpoolIndexCheckKernel find_unpool_index_check_kernel(bool int64_indices, KernelLayout layout);
ShuffleKernel find_shuffle_kernel(bool to_space, int fixed_factor_x, size_t element_bytes,
                                  KernelLayout layout);
// The float32 adjoint of resize, planar or interleaved.
ResizeBackwardKernel find_resize_backward_kernel(ResizeMethod method, KernelLayout layout);
// The float32 convolution pipelines, planar or interleaved.
ConvKernel find_conv_kernel(KernelLayout layout);
// The x phases of a stride-2 transposed convolution in one call; nullptr where this build or the
// call's device has none (GPUs, interleaved layouts).
ConvPhasesKernel find_conv_phases_kernel(KernelLayout layout);
ConvWeightGradKernel find_conv_weight_grad_kernel(KernelLayout layout);
ChannelSumKernel find_channel_sum_kernel(KernelLayout layout);

}  // namespace upsample::internal

namespace upsample::internal {

// Runs the unpool kernel on views that have passed validation (also resize's nearest fast path).
Status run_unpool(const char* op, UnpoolMode mode, int factor_h, int factor_w, TensorView input,
                  TensorView output);

}  // namespace upsample::internal
