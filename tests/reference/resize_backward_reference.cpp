#include "reference/resize_backward_reference.h"

#include <cmath>
#include <stdexcept>

namespace upsample_ref {

DenseMatrix interpolation_matrix(int64_t in, int64_t out, double scale_option, Method method,
                                 CoordMode coord, NearestRounding rounding, double cubic_a,
                                 bool exclude_outside, double coordinate_shift) {
  if (in < 1 || out < 1) throw std::invalid_argument("interpolation_matrix: lengths below 1");
  const AxisTaps taps = axis_taps(in, out, scale_option, method, coord, rounding, cubic_a,
                                  exclude_outside, coordinate_shift);
  DenseMatrix m;
  m.rows = out;
  m.cols = in;
  m.v.assign(static_cast<size_t>(out * in), 0.0);
  for (int64_t o = 0; o < out; ++o) {
    for (const Tap& t : taps[static_cast<size_t>(o)]) {
      if (t.index < 0 || t.index >= in) throw std::logic_error("tap index outside the input");
      m.at(o, t.index) += t.weight;  // clamped taps add up on the edge element
    }
  }
  return m;
}

DenseMatrix interpolation_matrix_h(int64_t in_h, int64_t out_h, const ResizeSpec& spec,
                                   double coordinate_shift) {
  return interpolation_matrix(in_h, out_h, spec.scale_h, spec.method, spec.coord, spec.rounding,
                              spec.cubic_a, spec.exclude_outside, coordinate_shift);
}

DenseMatrix interpolation_matrix_w(int64_t in_w, int64_t out_w, const ResizeSpec& spec,
                                   double coordinate_shift) {
  return interpolation_matrix(in_w, out_w, spec.scale_w, spec.method, spec.coord, spec.rounding,
                              spec.cubic_a, spec.exclude_outside, coordinate_shift);
}

DenseMatrix abs_matrix(DenseMatrix m) {
  for (double& x : m.v) x = std::fabs(x);
  return m;
}

std::vector<double> apply_matrices(const std::vector<double>& input, const Shape& in,
                                   const DenseMatrix& a_h, const DenseMatrix& a_w) {
  if (a_h.cols != in.h || a_w.cols != in.w || static_cast<int64_t>(input.size()) != in.count())
    throw std::invalid_argument("apply_matrices: sizes");
  const int64_t oh = a_h.rows, ow = a_w.rows;
  std::vector<double> out(static_cast<size_t>(in.n * in.c * oh * ow), 0.0);
  std::vector<double> tmp(static_cast<size_t>(oh * in.w));
  for (int64_t p = 0; p < in.n * in.c; ++p) {
    const double* x = &input[static_cast<size_t>(p * in.h * in.w)];
    // tmp = A_h * x   (oh x in.w)
    for (int64_t o = 0; o < oh; ++o)
      for (int64_t j = 0; j < in.w; ++j) {
        double s = 0.0;
        for (int64_t i = 0; i < in.h; ++i) s += a_h.at(o, i) * x[i * in.w + j];
        tmp[static_cast<size_t>(o * in.w + j)] = s;
      }
    // out = tmp * A_w^T   (oh x ow)
    double* y = &out[static_cast<size_t>(p * oh * ow)];
    for (int64_t o = 0; o < oh; ++o)
      for (int64_t q = 0; q < ow; ++q) {
        double s = 0.0;
        for (int64_t j = 0; j < in.w; ++j)
          s += tmp[static_cast<size_t>(o * in.w + j)] * a_w.at(q, j);
        y[o * ow + q] = s;
      }
  }
  return out;
}

std::vector<double> adjoint_matrices(const std::vector<double>& grad_output, const Shape& out,
                                     const DenseMatrix& a_h, const DenseMatrix& a_w) {
  if (a_h.rows != out.h || a_w.rows != out.w ||
      static_cast<int64_t>(grad_output.size()) != out.count())
    throw std::invalid_argument("adjoint_matrices: sizes");
  const int64_t ih = a_h.cols, iw = a_w.cols;
  std::vector<double> grad(static_cast<size_t>(out.n * out.c * ih * iw), 0.0);
  std::vector<double> tmp(static_cast<size_t>(ih * out.w));
  for (int64_t p = 0; p < out.n * out.c; ++p) {
    const double* g = &grad_output[static_cast<size_t>(p * out.h * out.w)];
    // tmp = A_h^T * g   (ih x out.w)
    for (int64_t i = 0; i < ih; ++i)
      for (int64_t q = 0; q < out.w; ++q) {
        double s = 0.0;
        for (int64_t o = 0; o < out.h; ++o) s += a_h.at(o, i) * g[o * out.w + q];
        tmp[static_cast<size_t>(i * out.w + q)] = s;
      }
    // grad = tmp * A_w   (ih x iw)
    double* r = &grad[static_cast<size_t>(p * ih * iw)];
    for (int64_t i = 0; i < ih; ++i)
      for (int64_t j = 0; j < iw; ++j) {
        double s = 0.0;
        for (int64_t q = 0; q < out.w; ++q)
          s += tmp[static_cast<size_t>(i * out.w + q)] * a_w.at(q, j);
        r[i * iw + j] = s;
      }
  }
  return grad;
}

std::vector<double> resize_backward(const std::vector<double>& grad_output, const Shape& out,
                                    int64_t in_h, int64_t in_w, const ResizeSpec& spec) {
  return adjoint_matrices(grad_output, out, interpolation_matrix_h(in_h, out.h, spec),
                          interpolation_matrix_w(in_w, out.w, spec));
}

}  // namespace upsample_ref
