// The adjoint (backward pass) of resize, written from the ONNX Resize formulas through the forward
// oracle (tests/reference/resize_reference.h) and independent of the library.
//
// resize is linear and separable: along each axis, output index o reads input index i with weight
// A[o][i], the sum of the weights of the taps of o that land (after clamping) on i. A is the dense
// interpolation matrix (out x in) of that axis, built from the forward oracle's axis_taps. Per
// plane, resize is  out = A_h * in * A_w^T,  so its adjoint (the gradient of
// L = sum(out * grad_output) with respect to in) is
//
//     grad_input = A_h^T * grad_output * A_w
//
// evaluated here in double with plain dense matrix products: every grad_output element times the
// weight with which the forward pass read each input element, summed; taps clamped to an edge
// add to the edge element, as the forward pass reads it there.
#pragma once

#include <cstdint>
#include <vector>

#include "reference/resize_reference.h"

namespace upsample_ref {

// A dense row-major matrix of doubles.
struct DenseMatrix {
  int64_t rows = 0, cols = 0;
  std::vector<double> v;  // rows * cols
  double at(int64_t r, int64_t c) const { return v[static_cast<size_t>(r * cols + c)]; }
  double& at(int64_t r, int64_t c) { return v[static_cast<size_t>(r * cols + c)]; }
};

// The dense (out x in) interpolation matrix of one axis, from axis_taps (same arguments): row o
// holds, in column i, the summed weights of the taps of output o that read input i.
DenseMatrix interpolation_matrix(int64_t in, int64_t out, double scale_option, Method method,
                                 CoordMode coord, NearestRounding rounding, double cubic_a,
                                 bool exclude_outside, double coordinate_shift = 0.0);

// The matrices of both axes of a resize of (in_h, in_w) to (out_h, out_w).
DenseMatrix interpolation_matrix_h(int64_t in_h, int64_t out_h, const ResizeSpec& spec,
                                   double coordinate_shift = 0.0);
DenseMatrix interpolation_matrix_w(int64_t in_w, int64_t out_w, const ResizeSpec& spec,
                                   double coordinate_shift = 0.0);

// |A| element-wise (the scale of rounding errors).
DenseMatrix abs_matrix(DenseMatrix m);

// The forward resize through the matrices: out[n, c] = A_h * in[n, c] * A_w^T (NCHW, `in` the
// input's shape); the same values as resize() of the forward oracle.
std::vector<double> apply_matrices(const std::vector<double>& input, const Shape& in,
                                   const DenseMatrix& a_h, const DenseMatrix& a_w);

// The adjoint through the matrices: grad_input[n, c] = A_h^T * grad_output[n, c] * A_w, where
// grad_output (NCHW) has shape (n, c, A_h.rows, A_w.rows); the result has shape
// (n, c, A_h.cols, A_w.cols). Throws std::invalid_argument on a size mismatch.
std::vector<double> adjoint_matrices(const std::vector<double>& grad_output, const Shape& out,
                                     const DenseMatrix& a_h, const DenseMatrix& a_w);

// The gradient of a resize of (out.n, out.c, in_h, in_w) to `out` with respect to its input, for
// grad_output of shape `out`: A_h^T * grad_output * A_w per plane, in double.
std::vector<double> resize_backward(const std::vector<double>& grad_output, const Shape& out,
                                    int64_t in_h, int64_t in_w, const ResizeSpec& spec);

}  // namespace upsample_ref
