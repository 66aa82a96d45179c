#include "reference/conv_reference.h"

#include <algorithm>
#include <sstream>
#include <stdexcept>

namespace upsample_ref {

std::string to_string(const ConvSpec& s) {
  std::ostringstream os;
  os << "stride " << s.stride_h << "x" << s.stride_w << " padding " << s.padding_h << "x"
     << s.padding_w << " output_padding " << s.output_padding_h << "x" << s.output_padding_w
     << " dilation " << s.dilation_h << "x" << s.dilation_w << " groups " << s.groups;
  return os.str();
}

namespace {

void check_axis(int kernel, int stride, int padding, int dilation) {
  if (kernel < 1) throw std::invalid_argument("kernel below 1");
  if (stride < 1) throw std::invalid_argument("stride below 1");
  if (padding < 0) throw std::invalid_argument("negative padding");
  if (dilation < 1) throw std::invalid_argument("dilation below 1");
}

size_t at(const Shape& s, int64_t n, int64_t c, int64_t h, int64_t w) {
  return static_cast<size_t>(((n * s.c + c) * s.h + h) * s.w + w);
}

void check_size(const std::vector<double>& v, const Shape& s, const char* what) {
  if (static_cast<int64_t>(v.size()) != s.count())
    throw std::invalid_argument(std::string(what) + ": size does not match its shape");
}

void check_groups(int groups, int64_t c_in, int64_t c_out) {
  if (groups < 1) throw std::invalid_argument("groups below 1");
  if (c_in % groups != 0 || c_out % groups != 0)
    throw std::invalid_argument("groups does not divide the channels");
}

// Whether 0 <= v < length.
bool inside(int64_t v, int64_t length) {
  return v >= 0 && v < length;
}

}  // namespace

int64_t conv2d_output_length(int64_t input_length, int kernel, int stride, int padding,
                             int dilation) {
  check_axis(kernel, stride, padding, dilation);
  if (input_length < 1) throw std::invalid_argument("input length below 1");
  const int64_t span = input_length + 2 * int64_t{padding} - int64_t{dilation} * (kernel - 1) - 1;
  if (span < 0) throw std::invalid_argument("kernel larger than the padded input");
  return span / stride + 1;
}

int64_t conv_transpose2d_output_length(int64_t input_length, int kernel, int stride, int padding,
                                       int output_padding, int dilation) {
  check_axis(kernel, stride, padding, dilation);
  if (input_length < 1) throw std::invalid_argument("input length below 1");
  if (output_padding < 0 || output_padding >= std::max(stride, dilation))
    throw std::invalid_argument("output_padding must be in [0, max(stride, dilation))");
  const int64_t length = (input_length - 1) * stride - 2 * int64_t{padding} +
                         int64_t{dilation} * (kernel - 1) + output_padding + 1;
  if (length < 1) throw std::invalid_argument("output length below 1");
  return length;
}

Shape conv2d_shape(const Shape& in, const Shape& weight, const ConvSpec& spec) {
  const int64_t c_out = weight.n;
  check_groups(spec.groups, in.c, c_out);
  if (weight.c * spec.groups != in.c)
    throw std::invalid_argument("weight channels do not match the input");
  return Shape{in.n, c_out,
               conv2d_output_length(in.h, static_cast<int>(weight.h), spec.stride_h, spec.padding_h,
                                    spec.dilation_h),
               conv2d_output_length(in.w, static_cast<int>(weight.w), spec.stride_w, spec.padding_w,
                                    spec.dilation_w)};
}

Shape conv_transpose2d_shape(const Shape& in, const Shape& weight, const ConvSpec& spec) {
  const int64_t c_out = weight.c * spec.groups;
  check_groups(spec.groups, in.c, c_out);
  if (weight.n != in.c) throw std::invalid_argument("weight channels do not match the input");
  return Shape{
      in.n, c_out,
      conv_transpose2d_output_length(in.h, static_cast<int>(weight.h), spec.stride_h,
                                     spec.padding_h, spec.output_padding_h, spec.dilation_h),
      conv_transpose2d_output_length(in.w, static_cast<int>(weight.w), spec.stride_w,
                                     spec.padding_w, spec.output_padding_w, spec.dilation_w)};
}

// ---------------------------------------------------------------------------------------------
// conv2d

std::vector<double> conv2d(const std::vector<double>& input, const Shape& in,
                           const std::vector<double>& weight, const Shape& ws,
                           const std::vector<double>& bias, const ConvSpec& spec) {
  const Shape out = conv2d_shape(in, ws, spec);
  check_size(input, in, "input");
  check_size(weight, ws, "weight");
  if (!bias.empty() && static_cast<int64_t>(bias.size()) != out.c)
    throw std::invalid_argument("bias: length is not C_out");
  const int64_t cin_g = in.c / spec.groups, cout_g = out.c / spec.groups;
  std::vector<double> y(static_cast<size_t>(out.count()));
  for (int64_t n = 0; n < out.n; ++n)
    for (int64_t co = 0; co < out.c; ++co) {
      const int64_t g = co / cout_g;
      for (int64_t oy = 0; oy < out.h; ++oy)
        for (int64_t ox = 0; ox < out.w; ++ox) {
          double acc = bias.empty() ? 0.0 : bias[static_cast<size_t>(co)];
          for (int64_t i = 0; i < cin_g; ++i)
            for (int64_t ky = 0; ky < ws.h; ++ky) {
              const int64_t iy = oy * spec.stride_h - spec.padding_h + ky * spec.dilation_h;
              if (!inside(iy, in.h)) continue;
              for (int64_t kx = 0; kx < ws.w; ++kx) {
                const int64_t ix = ox * spec.stride_w - spec.padding_w + kx * spec.dilation_w;
                if (!inside(ix, in.w)) continue;
                acc += input[at(in, n, g * cin_g + i, iy, ix)] * weight[at(ws, co, i, ky, kx)];
              }
            }
          y[at(out, n, co, oy, ox)] = acc;
        }
    }
  return y;
}

ConvGradients conv2d_backward(const std::vector<double>& input, const Shape& in,
                              const std::vector<double>& weight, const Shape& ws,
                              const std::vector<double>& grad_output, const ConvSpec& spec) {
  const Shape out = conv2d_shape(in, ws, spec);
  check_size(input, in, "input");
  check_size(weight, ws, "weight");
  check_size(grad_output, out, "grad_output");
  const int64_t cin_g = in.c / spec.groups, cout_g = out.c / spec.groups;
  ConvGradients g;
  g.input.assign(static_cast<size_t>(in.count()), 0.0);
  g.weight.assign(static_cast<size_t>(ws.count()), 0.0);
  g.bias.assign(static_cast<size_t>(out.c), 0.0);

  // dL/dx[n, ci, iy, ix]: every output (oy, ox) and tap (ky, kx) with oy * s - p + ky * d = iy,
  // i.e. oy = (iy + p - ky * d) / s when that divides exactly and lies in the output.
  for (int64_t n = 0; n < in.n; ++n)
    for (int64_t ci = 0; ci < in.c; ++ci) {
      const int64_t grp = ci / cin_g, i = ci % cin_g;
      for (int64_t iy = 0; iy < in.h; ++iy)
        for (int64_t ix = 0; ix < in.w; ++ix) {
          double acc = 0.0;
          for (int64_t o = 0; o < cout_g; ++o) {
            const int64_t co = grp * cout_g + o;
            for (int64_t ky = 0; ky < ws.h; ++ky) {
              const int64_t ty = iy + spec.padding_h - ky * spec.dilation_h;
              if (ty < 0 || ty % spec.stride_h != 0 || !inside(ty / spec.stride_h, out.h)) continue;
              for (int64_t kx = 0; kx < ws.w; ++kx) {
                const int64_t tx = ix + spec.padding_w - kx * spec.dilation_w;
                if (tx < 0 || tx % spec.stride_w != 0 || !inside(tx / spec.stride_w, out.w))
                  continue;
                acc += grad_output[at(out, n, co, ty / spec.stride_h, tx / spec.stride_w)] *
                       weight[at(ws, co, i, ky, kx)];
              }
            }
          }
          g.input[at(in, n, ci, iy, ix)] = acc;
        }
    }

  // dL/dw[co, i, ky, kx]: every output position whose window reads the input there.
  for (int64_t co = 0; co < out.c; ++co) {
    const int64_t grp = co / cout_g;
    for (int64_t i = 0; i < cin_g; ++i)
      for (int64_t ky = 0; ky < ws.h; ++ky)
        for (int64_t kx = 0; kx < ws.w; ++kx) {
          double acc = 0.0;
          for (int64_t n = 0; n < out.n; ++n)
            for (int64_t oy = 0; oy < out.h; ++oy) {
              const int64_t iy = oy * spec.stride_h - spec.padding_h + ky * spec.dilation_h;
              if (!inside(iy, in.h)) continue;
              for (int64_t ox = 0; ox < out.w; ++ox) {
                const int64_t ix = ox * spec.stride_w - spec.padding_w + kx * spec.dilation_w;
                if (!inside(ix, in.w)) continue;
                acc +=
                    grad_output[at(out, n, co, oy, ox)] * input[at(in, n, grp * cin_g + i, iy, ix)];
              }
            }
          g.weight[at(ws, co, i, ky, kx)] = acc;
        }
  }

  for (int64_t co = 0; co < out.c; ++co) {
    double acc = 0.0;
    for (int64_t n = 0; n < out.n; ++n)
      for (int64_t oy = 0; oy < out.h; ++oy)
        for (int64_t ox = 0; ox < out.w; ++ox) acc += grad_output[at(out, n, co, oy, ox)];
    g.bias[static_cast<size_t>(co)] = acc;
  }
  return g;
}

// ---------------------------------------------------------------------------------------------
// conv_transpose2d

std::vector<double> conv_transpose2d(const std::vector<double>& input, const Shape& in,
                                     const std::vector<double>& weight, const Shape& ws,
                                     const std::vector<double>& bias, const ConvSpec& spec) {
  const Shape out = conv_transpose2d_shape(in, ws, spec);
  check_size(input, in, "input");
  check_size(weight, ws, "weight");
  if (!bias.empty() && static_cast<int64_t>(bias.size()) != out.c)
    throw std::invalid_argument("bias: length is not C_out");
  const int64_t cin_g = in.c / spec.groups, cout_g = out.c / spec.groups;
  std::vector<double> y(static_cast<size_t>(out.count()), 0.0);
  if (!bias.empty())
    for (int64_t n = 0; n < out.n; ++n)
      for (int64_t co = 0; co < out.c; ++co)
        for (int64_t oy = 0; oy < out.h; ++oy)
          for (int64_t ox = 0; ox < out.w; ++ox)
            y[at(out, n, co, oy, ox)] = bias[static_cast<size_t>(co)];
  // Each input value scatters a copy of its kernel, weighted by the value, into the output.
  for (int64_t n = 0; n < in.n; ++n)
    for (int64_t ci = 0; ci < in.c; ++ci) {
      const int64_t grp = ci / cin_g;
      for (int64_t iy = 0; iy < in.h; ++iy)
        for (int64_t ix = 0; ix < in.w; ++ix) {
          const double v = input[at(in, n, ci, iy, ix)];
          for (int64_t o = 0; o < cout_g; ++o)
            for (int64_t ky = 0; ky < ws.h; ++ky) {
              const int64_t oy = iy * spec.stride_h - spec.padding_h + ky * spec.dilation_h;
              if (!inside(oy, out.h)) continue;
              for (int64_t kx = 0; kx < ws.w; ++kx) {
                const int64_t ox = ix * spec.stride_w - spec.padding_w + kx * spec.dilation_w;
                if (!inside(ox, out.w)) continue;
                y[at(out, n, grp * cout_g + o, oy, ox)] += v * weight[at(ws, ci, o, ky, kx)];
              }
            }
        }
    }
  return y;
}

ConvGradients conv_transpose2d_backward(const std::vector<double>& input, const Shape& in,
                                        const std::vector<double>& weight, const Shape& ws,
                                        const std::vector<double>& grad_output,
                                        const ConvSpec& spec) {
  const Shape out = conv_transpose2d_shape(in, ws, spec);
  check_size(input, in, "input");
  check_size(weight, ws, "weight");
  check_size(grad_output, out, "grad_output");
  const int64_t cin_g = in.c / spec.groups, cout_g = out.c / spec.groups;
  ConvGradients g;
  g.input.assign(static_cast<size_t>(in.count()), 0.0);
  g.weight.assign(static_cast<size_t>(ws.count()), 0.0);
  g.bias.assign(static_cast<size_t>(out.c), 0.0);

  // dL/dx[n, ci, iy, ix]: the outputs its kernel copy landed on, weighted by the taps.
  for (int64_t n = 0; n < in.n; ++n)
    for (int64_t ci = 0; ci < in.c; ++ci) {
      const int64_t grp = ci / cin_g;
      for (int64_t iy = 0; iy < in.h; ++iy)
        for (int64_t ix = 0; ix < in.w; ++ix) {
          double acc = 0.0;
          for (int64_t o = 0; o < cout_g; ++o)
            for (int64_t ky = 0; ky < ws.h; ++ky) {
              const int64_t oy = iy * spec.stride_h - spec.padding_h + ky * spec.dilation_h;
              if (!inside(oy, out.h)) continue;
              for (int64_t kx = 0; kx < ws.w; ++kx) {
                const int64_t ox = ix * spec.stride_w - spec.padding_w + kx * spec.dilation_w;
                if (!inside(ox, out.w)) continue;
                acc += grad_output[at(out, n, grp * cout_g + o, oy, ox)] *
                       weight[at(ws, ci, o, ky, kx)];
              }
            }
          g.input[at(in, n, ci, iy, ix)] = acc;
        }
    }

  // dL/dw[ci, o, ky, kx]: every input value times the gradient where its tap (ky, kx) landed.
  for (int64_t ci = 0; ci < in.c; ++ci) {
    const int64_t grp = ci / cin_g;
    for (int64_t o = 0; o < cout_g; ++o)
      for (int64_t ky = 0; ky < ws.h; ++ky)
        for (int64_t kx = 0; kx < ws.w; ++kx) {
          double acc = 0.0;
          for (int64_t n = 0; n < in.n; ++n)
            for (int64_t iy = 0; iy < in.h; ++iy) {
              const int64_t oy = iy * spec.stride_h - spec.padding_h + ky * spec.dilation_h;
              if (!inside(oy, out.h)) continue;
              for (int64_t ix = 0; ix < in.w; ++ix) {
                const int64_t ox = ix * spec.stride_w - spec.padding_w + kx * spec.dilation_w;
                if (!inside(ox, out.w)) continue;
                acc += input[at(in, n, ci, iy, ix)] *
                       grad_output[at(out, n, grp * cout_g + o, oy, ox)];
              }
            }
          g.weight[at(ws, ci, o, ky, kx)] = acc;
        }
  }

  for (int64_t co = 0; co < out.c; ++co) {
    double acc = 0.0;
    for (int64_t n = 0; n < out.n; ++n)
      for (int64_t oy = 0; oy < out.h; ++oy)
        for (int64_t ox = 0; ox < out.w; ++ox) acc += grad_output[at(out, n, co, oy, ox)];
    g.bias[static_cast<size_t>(co)] = acc;
  }
  return g;
}

}  // namespace upsample_ref
