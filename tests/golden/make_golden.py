#!/usr/bin/env python3
"""Makes the golden test vectors in tests/golden/ from PyTorch and from the ONNX reference.

    make_golden.py torch   writes resize_pytorch.json and unpool_pytorch.json   (needs torch)
    make_golden.py onnx    writes resize_onnx.json                              (needs onnx)
    make_golden.py shuffle writes shuffle_pytorch.json: torch pixel_shuffle / pixel_unshuffle
                           (CRD) and the ONNX DepthToSpace / SpaceToDepth spec (DCR)  (needs torch)
    make_golden.py pool    writes pool_pytorch.json: torch max_pool2d(return_indices=True) and
                           max_unpool2d                                           (needs torch)
    make_golden.py conv    writes conv_pytorch.json: torch conv_transpose2d and conv2d, forward
                           and backward (autograd: grad of input, weight, bias), float64 on
                           float32-exact inputs                                   (needs torch)
    make_golden.py resize_backward
                           writes resize_backward_pytorch.json: the gradient of torch interpolate
                           (nearest, nearest-exact, bilinear, bicubic; autograd, float64)
                                                                                  (needs torch)
    make_golden.py check   loads the three files, validates their layout and size, and compares
                           every case with an exact (rational arithmetic) implementation of the
                           ONNX Resize formulas under the options the case records      (numpy);
                           then checks shuffle_pytorch.json against the index definition of
                           shuffle.h (and against onnx.reference when onnx is installed),
                           pool_pytorch.json against the definitions of pool.h, conv_pytorch.json
                           against the convolution definitions (exactly) and
                           resize_backward_pytorch.json against the exact adjoint of the resize
                           formulas
    make_golden.py all     runs `torch` with --torch-python, `onnx` with --onnx-python, `shuffle`,
                           `pool`, `conv` and `resize_backward` with --torch-python, then `check`

See tests/golden/README.md for the file format, the commands and what the files cover. Only
regenerating needs Python; the C++ build and tests read the committed JSON files.

Optional per-case fields besides the documented ones (absent when they do not apply):
  "deviation":             the source's output disagrees with the ONNX Resize formulas (as resize.h
                           states them) under the recorded options by more than float rounding;
                           the text says why (when known), how many outputs and the first one.
  "near_boundary_outputs": flat output indices whose value float arithmetic may legitimately
                           change: a nearest pick within 1e-4 of a rounding boundary, or one that
                           another float32/float64 formulation of the coordinate (x / s versus
                           x * (1 / s), ...) picks differently; a uint8 value whose exact result is
                           on or within 1e-3 of k + 0.5 (either neighbour is then acceptable).
  "dtype_rounding":        "onnx-reference" on uint8 ONNX cases when the installed reference does
                           not round half to even and saturate (onnx 1.23 does; then it is absent).
"""

import argparse
import json
import math
import os
import platform
import subprocess
import zlib
from fractions import Fraction

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
GENERATOR = "tests/golden/make_golden.py"
FILES = {
    "resize_pytorch": os.path.join(HERE, "resize_pytorch.json"),
    "unpool_pytorch": os.path.join(HERE, "unpool_pytorch.json"),
    "resize_onnx": os.path.join(HERE, "resize_onnx.json"),
}
MAX_FILE_BYTES = 300 * 1024

COORD_MODES = ["half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric",
               "half_pixel_symmetric"]
NEAREST_MODES = ["round_prefer_floor", "round_prefer_ceil", "floor", "ceil"]


# ----------------------------------------------------------------------------------------------
# Inputs and JSON

def make_input(name, shape, dtype, distinct=False):
    """Random input, seeded by the case name so that adding or reordering cases changes nothing.

    distinct=True (nearest and unpool cases, whose outputs are copies of input values): all values
    differ and none is 0, so a wrong pick (or a missing zero fill) cannot go unseen; float values are
    then multiples of 1/16 (or 1/128 for larger inputs), which also keeps the files small.
    """
    rng = np.random.RandomState(zlib.crc32(name.encode("utf-8")))
    count = int(np.prod(shape))
    if dtype == "float32":
        if distinct:
            step = 16 if count <= 64 else 128
            levels = np.array([k for k in range(-2 * step, 2 * step + 1) if k != 0]) / step
            return rng.choice(levels, size=count, replace=False).reshape(shape).astype(np.float32)
        return rng.uniform(-2.0, 2.0, size=shape).astype(np.float32)
    if dtype == "uint8":
        if distinct and count <= 255:
            return rng.choice(np.arange(1, 256), size=count, replace=False).reshape(shape).astype(
                np.uint8)
        return rng.randint(0, 256, size=shape).astype(np.uint8)
    raise ValueError(dtype)


def flat_values(array, dtype):
    flat = np.ascontiguousarray(array).reshape(-1)
    if dtype == "float32":
        # The double whose value is exactly the float32 value; json writes its shortest repr.
        return [float(np.float32(v)) for v in flat]
    return [int(v) for v in flat]


def scale_json(scale):
    return None if scale is None else [float(s) for s in scale]


def write_json(path, versions, cases, max_bytes=MAX_FILE_BYTES):
    names = [c["name"] for c in cases]
    dup = {n for n in names if names.count(n) > 1}
    if dup:
        raise SystemExit("duplicate case names: %s" % sorted(dup))
    head = {"generator": GENERATOR, "versions": versions}
    text = json.dumps(head, separators=(", ", ": "))[:-1]
    body = ",\n".join(json.dumps(c, separators=(",", ":"), allow_nan=False) for c in cases)
    text += ",\n\"cases\": [\n" + body + "\n]}\n"
    with open(path, "w", encoding="ascii", newline="\n") as f:
        f.write(text)
    size = len(text.encode("ascii"))
    print("wrote %s: %d cases, %d bytes" % (os.path.relpath(path, REPO), len(cases), size))
    if size > max_bytes:
        raise SystemExit("%s is over %d bytes" % (path, max_bytes))


def base_versions():
    return {"numpy": np.__version__, "python": platform.python_version()}


# ----------------------------------------------------------------------------------------------
# The exact oracle: the ONNX Resize formulas (with the library's conventions, see resize.h) in
# rational arithmetic. Used to check the sources, never to make the golden outputs.

def source_coord(x, length_in, length_out, scale, mode, variant="spec"):
    """x_original for output index x; scale is the coordinate scale (output / input), a Fraction.

    variant "spec" is the ONNX text as resize.h states it (length_out is the integer output
    length). Variant "onnx_reference" is what onnx.reference does instead (onnx 1.23): it tests
    and uses the fractional output width length_in * scale in align_corners and
    pytorch_half_pixel, and uses -0.5 (not 0) for pytorch_half_pixel when that width is 1.
    """
    half = Fraction(1, 2)
    if variant == "onnx_reference" and mode in ("align_corners", "pytorch_half_pixel"):
        width = length_in * scale
        if mode == "align_corners":
            return Fraction(0) if width == 1 else x * (length_in - 1) / (width - 1)
        return -half if width == 1 else (x + half) / scale - half
    if mode == "half_pixel":
        return (x + half) / scale - half
    if mode == "pytorch_half_pixel":
        return Fraction(0) if length_out == 1 else (x + half) / scale - half
    if mode == "align_corners":
        return Fraction(0) if length_out == 1 else Fraction(x * (length_in - 1), length_out - 1)
    if mode == "asymmetric":
        return x / scale
    if mode == "half_pixel_symmetric":
        adjustment = Fraction(length_out) / (length_in * scale)
        offset = Fraction(length_in, 2) * (1 - adjustment)
        return offset + (x + half) / scale - half
    raise ValueError(mode)


def float_coords(x, length_in, length_out, recorded_scale, mode):
    """The coordinate as float32 and float64 code would compute it, in a few natural orders."""
    vals = []
    for ft in (np.float32, np.float64):
        half, one = ft(0.5), ft(1)
        if recorded_scale is None:
            s = ft(length_out) / ft(length_in)
        else:
            s = ft(recorded_scale)
        r = one / s
        xf, xh = ft(x), ft(x) + half
        if mode == "half_pixel" or (mode == "pytorch_half_pixel" and length_out > 1):
            vals += [xh / s - half, xh * r - half]
        elif mode == "asymmetric":
            vals += [xf / s, xf * r]
        elif mode == "align_corners" and length_out > 1:
            a, b = ft(length_in - 1), ft(length_out - 1)
            vals += [xf * a / b, xf * (a / b)]
        elif mode == "half_pixel_symmetric":
            offset = ft(length_in) / ft(2) * (one - ft(length_out) / (ft(length_in) * s))
            vals += [offset + xh / s - half, offset + xh * r - half, (xh / s - half) + offset]
        else:
            vals.append(ft(0))
    return [Fraction(float(v)) for v in vals]


def nearest_index(xo, nearest_mode, length_in):
    if nearest_mode == "round_prefer_floor":
        i = math.ceil(xo - Fraction(1, 2))
    elif nearest_mode == "round_prefer_ceil":
        i = math.floor(xo + Fraction(1, 2))
    elif nearest_mode == "floor":
        i = math.floor(xo)
    else:
        i = math.ceil(xo)
    return min(max(i, 0), length_in - 1)


def cubic_weight(d, a):
    d = abs(d)
    if d <= 1:
        return ((a + 2) * d - (a + 3)) * d * d + 1
    if d < 2:
        return ((a * d - 5 * a) * d + 8 * a) * d - 4 * a
    return Fraction(0)


def axis_taps(case, length_in, length_out, recorded_scale, variant):
    """For each output index: the list of (input index, weight), and the set of output indices
    whose nearest pick is fragile: within 1e-4 of a rounding boundary without being on it, or
    another float formulation of the coordinate picks another pixel. (Coordinates exactly on a
    boundary are kept as strict tests: they are the ties that tell the nearest modes apart.)"""
    method = case["method"]
    if recorded_scale is None:
        scale = Fraction(length_out, length_in)
    else:
        scale = Fraction(recorded_scale)
    taps, fragile = [], set()
    for x in range(length_out):
        xo = source_coord(x, length_in, length_out, scale, case["coordinate_mode"], variant)
        if method == "nearest":
            nm = case["nearest_mode"]
            i = nearest_index(xo, nm, length_in)
            t = [(i, Fraction(1))]
            edge = xo if nm in ("floor", "ceil") else xo + Fraction(1, 2)
            k = round(edge)
            if (nearest_index(k - 1, "floor", length_in) != nearest_index(k, "floor", length_in)
                    and 0 < abs(edge - k) < Fraction(1, 10000)):
                fragile.add(x)
            for v in float_coords(x, length_in, length_out, recorded_scale,
                                  case["coordinate_mode"]):
                if nearest_index(v, nm, length_in) != i:
                    fragile.add(x)
        elif method == "bilinear":
            i0 = math.floor(xo)
            f = xo - i0
            t = [(i0, 1 - f), (i0 + 1, f)]
        else:
            a = Fraction(case["cubic_a"])
            i0 = math.floor(xo)
            f = xo - i0
            t = [(i0 - 1, cubic_weight(1 + f, a)), (i0, cubic_weight(f, a)),
                 (i0 + 1, cubic_weight(1 - f, a)), (i0 + 2, cubic_weight(2 - f, a))]
            if case["exclude_outside"]:
                t = [(i, w if 0 <= i < length_in else Fraction(0)) for i, w in t]
                total = sum(w for _, w in t)
                t = [(i, w / total) for i, w in t]
        taps.append([(min(max(i, 0), length_in - 1), w) for i, w in t])
    return taps, fragile


def oracle_resize(case, variant="spec"):
    """Exact output (a flat list of Fractions, NCHW) and the set of fragile flat output indices
    (nearest picks near a boundary, see axis_taps)."""
    n, c, h, w = case["input_shape"]
    h2, w2 = case["output_shape"][2:]
    sh, sw = (None, None) if case["scale"] is None else case["scale"]
    taps_h, frag_h = axis_taps(case, h, h2, sh, variant)
    taps_w, frag_w = axis_taps(case, w, w2, sw, variant)
    x = [Fraction(v) for v in case["input"]]
    out, fragile = [], set()
    for ni in range(n):
        for ci in range(c):
            plane = x[(ni * c + ci) * h * w:(ni * c + ci + 1) * h * w]
            rows = [[sum(wt * plane[i * w + j] for i, wt in taps_h[y]) for j in range(w)]
                    for y in range(h2)]
            for y in range(h2):
                for xx in range(w2):
                    if y in frag_h or xx in frag_w:
                        fragile.add(len(out))
                    out.append(sum(wt * rows[y][j] for j, wt in taps_w[xx]))
    return out, fragile


def round_half_even_saturate(v):
    return min(max(round(v), 0), 255)  # round() of a Fraction rounds half to even


def mismatches(case, exact, fragile):
    """Outputs of the case that disagree with the exact values, apart from fragile ones.

    float32: nearest must be equal, others within 2e-5. uint8: the exact value rounded half to even
    and saturated; an output whose exact value lies on or within 1e-3 of a tie (k + 0.5) is fragile
    (float arithmetic may land on either side) and either neighbour is accepted."""
    bad, fragile, max_err = [], set(fragile), 0.0
    for k, (g, e) in enumerate(zip(case["output"], exact)):
        if case["dtype"] == "uint8":
            want = round_half_even_saturate(e)
            if 0 <= e <= 255 and abs(e - math.floor(e) - Fraction(1, 2)) < Fraction(1, 1000):
                fragile.add(k)
                if g in (math.floor(e), math.floor(e) + 1):
                    continue
            if g != want:
                bad.append((k, g, want, float(e)))
        else:
            err = abs(g - float(e))
            max_err = max(max_err, err)
            if k in fragile:
                continue
            if err > (0.0 if case["method"] == "nearest" else 2e-5):
                bad.append((k, g, float(np.float32(float(e))), float(e)))
    return bad, fragile, max_err


REFERENCE_QUIRK = (
    "onnx.reference, not the ONNX formula: it uses the fractional width input*scale, not the "
    "output length, in align_corners and pytorch_half_pixel (and -0.5, not 0, in "
    "pytorch_half_pixel when that width is 1)")


def compare_with_oracle(case):
    """Returns (deviation text or None, sorted fragile output indices, max float error)."""
    if case["op"] == "unpool":
        kh, kw = case["factor"]
        n, c, h, w = case["input_shape"]
        x = np.array(case["input"]).reshape(n, c, h, w)
        if case["mode"] == "nearest":
            ref = np.repeat(np.repeat(x, kh, axis=2), kw, axis=3)
        else:
            ref = np.zeros((n, c, h * kh, w * kw), dtype=x.dtype)
            ref[:, :, ::kh, ::kw] = x
        got = np.array(case["output"]).reshape(case["output_shape"])
        ok = ref.shape == got.shape and np.array_equal(ref, got)
        return (None if ok else "unpool output differs from the block rule"), [], 0.0
    exact, fragile = oracle_resize(case)
    if len(case["output"]) != len(exact):
        return "output length %d, oracle %d" % (len(case["output"]), len(exact)), [], 0.0
    bad, fragile, max_err = mismatches(case, exact, fragile)
    if not bad:
        return None, sorted(fragile), max_err
    k, g, want, e = bad[0]
    text = "%d of %d outputs differ from the formulas, first at flat index %d: %r, formula %r" % (
        len(bad), len(exact), k, g, want)
    if case["dtype"] == "uint8":
        text += " (unrounded %.6f)" % e
    if case["name"].startswith("onnx/"):
        exact_ref, fragile_ref = oracle_resize(case, "onnx_reference")
        if not mismatches(case, exact_ref, fragile_ref)[0]:
            text = REFERENCE_QUIRK + "; " + text
    return text, sorted(fragile), max_err


def annotate(cases):
    """Adds "deviation" and "near_boundary_outputs" where they apply; returns a summary."""
    summary = []
    worst = 0.0
    for case in cases:
        dev, fragile, err = compare_with_oracle(case)
        if not dev:
            worst = max(worst, err)
        case.pop("deviation", None)
        case.pop("near_boundary_outputs", None)
        if dev:
            case["deviation"] = dev
            summary.append("DEVIATION %s: %s" % (case["name"], dev))
        if fragile:
            case["near_boundary_outputs"] = fragile
            summary.append("near boundary %s: %d of %d outputs" % (
                case["name"], len(fragile), len(case["output"])))
    return summary, worst


def order_case(case):
    keys = ["name", "op", "method", "mode", "factor", "coordinate_mode", "nearest_mode", "cubic_a",
            "exclude_outside", "scale", "dtype", "dtype_rounding", "deviation",
            "near_boundary_outputs", "input_shape", "input", "output_shape", "output"]
    return {k: case[k] for k in keys if k in case}


# ----------------------------------------------------------------------------------------------
# PyTorch

# Sizes and scales: (label, input shape, size or None, scale_factor or None). scale_factor is a
# number or an (h, w) pair, recompute_scale_factor is left at its default.
TORCH_SPECS = [
    ("size_up_2x", [1, 1, 3, 5], (6, 10), None),
    ("size_up_nonint", [1, 2, 3, 5], (5, 8), None),
    ("size_down", [1, 2, 3, 5], (2, 3), None),
    ("size_out_h1", [1, 2, 3, 5], (1, 4), None),
    ("size_mixed", [2, 3, 2, 3], (3, 5), None),
    ("size_in1x1", [1, 1, 1, 1], (3, 4), None),
    ("size_in1x7", [1, 1, 1, 7], (2, 3), None),
    ("scale_2", [1, 2, 3, 5], None, 2.0),
    ("scale_3", [1, 1, 3, 4], None, 3.0),
    ("scale_1.5", [1, 2, 3, 5], None, 1.5),
    ("scale_0.5", [2, 3, 4, 4], None, 0.5),
    ("scale_0.5_out_h1", [1, 2, 3, 5], None, 0.5),
    ("scale_0.75", [1, 2, 3, 5], None, 0.75),
    ("scale_2.5", [1, 1, 3, 5], None, 2.5),
    ("scale_2x3", [1, 1, 3, 4], None, (2.0, 3.0)),
    ("scale_1.5x0.6", [1, 2, 3, 5], None, (1.5, 0.6)),
    ("scale_1.5x0.6_in1x7", [1, 1, 1, 7], None, (1.5, 0.6)),
    ("scale_3_in1x1", [1, 1, 1, 1], None, 3.0),
]

# torch mode -> (our method, align_corners, options the library's pytorch preset should use)
TORCH_MODES = [
    ("nearest", None, "nearest", "asymmetric", "floor"),
    ("nearest-exact", None, "nearest", "half_pixel", "round_prefer_ceil"),
    ("bilinear", False, "bilinear", "half_pixel", "round_prefer_floor"),
    ("bilinear", True, "bilinear", "align_corners", "round_prefer_floor"),
    ("bicubic", False, "bicubic", "half_pixel", "round_prefer_floor"),
    ("bicubic", True, "bicubic", "align_corners", "round_prefer_floor"),
]


def torch_supports(torch, F, mode, align_corners, dtype):
    x = torch.zeros((1, 1, 2, 2), dtype=dtype)
    kwargs = {} if align_corners is None else {"align_corners": align_corners}
    try:
        F.interpolate(x, scale_factor=1.5, mode=mode, **kwargs)
        return True
    except (RuntimeError, NotImplementedError):
        return False


def run_torch(_args):
    import torch
    import torch.nn.functional as F
    torch.set_num_threads(1)
    versions = dict(base_versions(), torch=torch.__version__)
    resize_cases, unpool_cases, notes = [], [], []
    for tmode, align, method, coord, nmode in TORCH_MODES:
        for dtype, tdtype in (("float32", torch.float32), ("uint8", torch.uint8)):
            if not torch_supports(torch, F, tmode, align, tdtype):
                notes.append("torch %s does not compute %s%s for %s: no such cases" % (
                    torch.__version__, tmode,
                    "" if align is None else " align_corners=%s" % align, dtype))
                continue
            for label, shape, size, factor in TORCH_SPECS:
                if dtype == "uint8" and label in ("scale_2", "size_mixed", "scale_0.5_out_h1"):
                    continue  # keep the uint8 set smaller; the float set covers these
                name = "pytorch/%s%s/%s/%s/%s" % (
                    tmode, "" if align is None else "/align_corners=%d" % align, dtype, label,
                    "x".join(map(str, shape)))
                x = make_input(name, shape, dtype, distinct=(method == "nearest"))
                kwargs = {"mode": tmode}
                if align is not None:
                    kwargs["align_corners"] = align
                if size is not None:
                    kwargs["size"] = size
                    scale = None
                else:
                    kwargs["scale_factor"] = factor
                    scale = list(factor) if isinstance(factor, tuple) else [factor, factor]
                y = F.interpolate(torch.from_numpy(x), **kwargs).numpy()
                if size is None:
                    expect = [math.floor(shape[2] * scale[0]), math.floor(shape[3] * scale[1])]
                    assert list(y.shape[2:]) == expect, (name, y.shape, expect)
                resize_cases.append({
                    "name": name, "op": "resize", "method": method, "coordinate_mode": coord,
                    "nearest_mode": nmode, "cubic_a": -0.75, "exclude_outside": False,
                    "scale": scale_json(scale), "dtype": dtype,
                    "input_shape": list(shape), "input": flat_values(x, dtype),
                    "output_shape": list(y.shape), "output": flat_values(y, dtype)})

    # Unpooling. Nearest block copy is F.interpolate(mode='nearest', scale_factor=k) with integer
    # k; bed of nails is not a torch op: torch.zeros then a strided assignment out[..., ::kh, ::kw].
    unpool_specs = [([1, 2, 3, 5], (2, 2)), ([1, 2, 3, 5], (3, 3)), ([2, 3, 4, 4], (2, 3)),
                    ([1, 2, 3, 5], (1, 2)), ([1, 2, 3, 5], (4, 1)), ([1, 1, 1, 1], (2, 2)),
                    ([1, 1, 1, 7], (3, 2))]
    for mode in ("nearest", "bed_of_nails"):
        for dtype, tdtype in (("float32", torch.float32), ("uint8", torch.uint8)):
            for shape, (kh, kw) in unpool_specs:
                how = ("interpolate_nearest" if mode == "nearest"
                       else "zeros_then_strided_assignment")
                name = "pytorch/unpool/%s(%s)/%s/factor_%dx%d/%s" % (
                    mode, how, dtype, kh, kw, "x".join(map(str, shape)))
                x = make_input(name, shape, dtype, distinct=True)
                tx = torch.from_numpy(x)
                if mode == "nearest":
                    y = F.interpolate(tx, scale_factor=(float(kh), float(kw)), mode="nearest")
                else:
                    y = torch.zeros((shape[0], shape[1], shape[2] * kh, shape[3] * kw),
                                    dtype=tdtype)
                    y[:, :, ::kh, ::kw] = tx
                y = y.numpy()
                unpool_cases.append({
                    "name": name, "op": "unpool", "mode": mode, "factor": [kh, kw],
                    "dtype": dtype, "input_shape": list(shape), "input": flat_values(x, dtype),
                    "output_shape": list(y.shape), "output": flat_values(y, dtype)})

    for cases, key in ((resize_cases, "resize_pytorch"), (unpool_cases, "unpool_pytorch")):
        summary, worst = annotate(cases)
        for line in (notes if key == "resize_pytorch" else []) + summary:
            print("  " + line)
        print("  %s: largest float difference from the exact formulas (cases without deviation) %.3g" % (key, worst))
        write_json(FILES[key], versions, [order_case(c) for c in cases])


# ----------------------------------------------------------------------------------------------
# ONNX reference

# (label, input shape, sizes (H2, W2) or None, scales (sh, sw) or None)
ONNX_SIZE_UP = ("sizes_up_nonint", [1, 1, 3, 4], (5, 7), None)
ONNX_SIZE_DOWN = ("sizes_down", [1, 1, 4, 5], (3, 2), None)
ONNX_SIZE_OUT1 = ("sizes_out_h1", [1, 1, 3, 5], (1, 7), None)
ONNX_SCALE_2x25 = ("scales_2x2.5", [1, 1, 2, 3], None, (2.0, 2.5))
ONNX_SCALE_3x15 = ("scales_3x1.5", [1, 1, 2, 3], None, (3.0, 1.5))
ONNX_SCALE_DOWN = ("scales_0.6x0.5", [1, 2, 4, 5], None, (0.6, 0.5))
ONNX_SCALE_MIX = ("scales_1.25x0.6", [1, 1, 3, 5], None, (1.25, 0.6))
ONNX_SCALE_DOWN_OUT1 = ("scales_0.5_out_h1", [1, 1, 3, 4], None, (0.5, 0.5))
ONNX_IN1x1 = ("scales_3_in1x1", [1, 1, 1, 1], None, (3.0, 3.0))
ONNX_BATCH = ("sizes_batch", [2, 3, 2, 3], (3, 4), None)


ONNX_OPSET = 19


def onnx_resize(onnx_mods, x, sizes, scales, attrs):
    onnx, helper, TensorProto, ReferenceEvaluator = onnx_mods
    elem = TensorProto.FLOAT if x.dtype == np.float32 else TensorProto.UINT8
    inputs = [helper.make_tensor_value_info("X", elem, list(x.shape))]
    feeds = {"X": x}
    if sizes is not None:
        node = helper.make_node("Resize", ["X", "", "", "sizes"], ["Y"], **attrs)
        inputs.append(helper.make_tensor_value_info("sizes", TensorProto.INT64, [4]))
        feeds["sizes"] = np.array([x.shape[0], x.shape[1], sizes[0], sizes[1]], dtype=np.int64)
    else:
        node = helper.make_node("Resize", ["X", "", "scales"], ["Y"], **attrs)
        inputs.append(helper.make_tensor_value_info("scales", TensorProto.FLOAT, [4]))
        feeds["scales"] = np.array([1.0, 1.0, scales[0], scales[1]], dtype=np.float32)
    graph = helper.make_graph([node], "resize", inputs,
                              [helper.make_tensor_value_info("Y", elem, [None] * 4)])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", ONNX_OPSET)])
    onnx.checker.check_model(model)
    (y,) = ReferenceEvaluator(model).run(None, feeds)
    assert y.dtype == x.dtype, (y.dtype, x.dtype)
    return y



def onnx_uint8_rounding(onnx_mods):
    """Probes how the installed reference turns the float result into uint8."""
    x = np.array([[[[2, 3, 1, 2, 0, 255]]]], dtype=np.uint8)
    attrs = {"mode": "linear", "coordinate_transformation_mode": "asymmetric"}
    y = onnx_resize(onnx_mods, x, None, (1.0, 2.0), attrs).reshape(-1)
    # Midpoints 2.5, 1.5 and 127.5: half-even gives 2, 2, 128; half-up 3, 2, 128; truncation 2, 1, 127.
    mids = (int(y[1]), int(y[5]), int(y[9]))
    x2 = np.array([[[[0, 0, 255, 255, 0, 0]]]], dtype=np.uint8)
    attrs2 = {"mode": "cubic", "coordinate_transformation_mode": "half_pixel"}
    y2 = onnx_resize(onnx_mods, x2, None, (1.0, 3.0), attrs2).reshape(-1).astype(int)
    rule = {(2, 2, 128): "half_even", (3, 2, 128): "half_up", (2, 1, 127): "truncate"}.get(
        mids, "unknown %s" % (mids,))
    return rule, mids, y2.tolist()


def onnx_case(onnx_mods, cases, method, coord, nmode, a, excl, spec, dtype):
    label, shape, sizes, scales = spec
    if scales is not None:
        scales = [float(np.float32(s)) for s in scales]  # the values the float32 input carries
    if method == "nearest":
        variant = nmode
    elif method == "bilinear":
        variant = "linear"
    else:
        variant = "a=%g/exclude_outside=%d" % (a, excl)
    name = "onnx/%s/%s/%s/%s/%s/%s" % (method, coord, variant, dtype, label,
                                       "x".join(map(str, shape)))
    x = make_input(name, shape, dtype, distinct=(method == "nearest"))
    if label == "uint8_extremes":
        x = (np.indices(shape).sum(axis=0) % 2 * 255).astype(np.uint8)
    attrs = {"mode": {"nearest": "nearest", "bilinear": "linear", "bicubic": "cubic"}[method],
             "coordinate_transformation_mode": coord}
    if method == "nearest":
        attrs["nearest_mode"] = nmode
    if method == "bicubic":
        attrs["cubic_coeff_a"] = a
        attrs["exclude_outside"] = int(excl)
    y = onnx_resize(onnx_mods, x, sizes, scales, attrs)
    cases.append({
        "name": name, "op": "resize", "method": method, "coordinate_mode": coord,
        "nearest_mode": nmode, "cubic_a": a, "exclude_outside": bool(excl),
        "scale": scale_json(scales), "dtype": dtype,
        "input_shape": list(shape), "input": flat_values(x, dtype),
        "output_shape": list(y.shape), "output": flat_values(y, dtype)})


def run_onnx(_args):
    import onnx
    from onnx import TensorProto, helper
    from onnx.reference import ReferenceEvaluator
    mods = (onnx, helper, TensorProto, ReferenceEvaluator)
    if onnx.defs.onnx_opset_version() < ONNX_OPSET:
        raise SystemExit("onnx %s supports opset %d < %d" % (
            onnx.__version__, onnx.defs.onnx_opset_version(), ONNX_OPSET))
    resize_since = onnx.defs.get_schema("Resize", ONNX_OPSET).since_version
    rule, mids, cubic_probe = onnx_uint8_rounding(mods)
    print("  onnx reference uint8 rounding: %s (midpoints 2.5, 1.5, 127.5 -> %s; cubic overshoot "
          "probe %s)" % (rule, mids, cubic_probe))
    versions = dict(base_versions(), onnx=onnx.__version__, opset=str(ONNX_OPSET),
                    resize_since_version=str(resize_since), onnx_uint8_rounding=rule)
    cases = []
    f32 = "float32"
    # nearest: every coordinate mode x every nearest mode.
    for coord in COORD_MODES:
        for nmode in NEAREST_MODES:
            for spec in (ONNX_SIZE_UP, ONNX_SCALE_2x25, ONNX_SCALE_DOWN, ONNX_SCALE_MIX):
                onnx_case(mods, cases, "nearest", coord, nmode, -0.75, 0, spec, f32)
        for spec in (ONNX_SIZE_DOWN, ONNX_SCALE_3x15, ONNX_SIZE_OUT1, ONNX_SCALE_DOWN_OUT1,
                     ONNX_IN1x1):
            onnx_case(mods, cases, "nearest", coord, "round_prefer_floor", -0.75, 0, spec, f32)
    # linear: every coordinate mode.
    for coord in COORD_MODES:
        for spec in (ONNX_SIZE_UP, ONNX_SIZE_DOWN, ONNX_SIZE_OUT1, ONNX_SCALE_2x25,
                     ONNX_SCALE_3x15, ONNX_SCALE_DOWN, ONNX_SCALE_MIX, ONNX_SCALE_DOWN_OUT1,
                     ONNX_IN1x1, ONNX_BATCH):
            onnx_case(mods, cases, "bilinear", coord, "round_prefer_floor", -0.75, 0, spec, f32)
    # cubic: every coordinate mode, a = -0.75 and -0.5, exclude_outside 0 and 1.
    for coord in COORD_MODES:
        for a in (-0.75, -0.5):
            for excl in (0, 1):
                for spec in (ONNX_SIZE_UP, ONNX_SCALE_MIX):
                    onnx_case(mods, cases, "bicubic", coord, "round_prefer_floor", a, excl, spec,
                              f32)
        for spec in (ONNX_SIZE_DOWN, ONNX_SCALE_2x25, ONNX_SCALE_3x15, ONNX_SCALE_DOWN,
                     ONNX_SIZE_OUT1, ONNX_SCALE_DOWN_OUT1):
            onnx_case(mods, cases, "bicubic", coord, "round_prefer_floor", -0.75, 0, spec, f32)
        onnx_case(mods, cases, "bicubic", coord, "round_prefer_floor", -0.5, 1, ONNX_SCALE_DOWN,
                  f32)
    # uint8.
    u8 = "uint8"
    extremes = ("uint8_extremes", [1, 1, 4, 4], None, (1.5, 2.5))
    for spec in (ONNX_SIZE_UP, ONNX_SCALE_3x15, ONNX_SCALE_DOWN, extremes):
        onnx_case(mods, cases, "nearest", "asymmetric", "floor", -0.75, 0, spec, u8)
        onnx_case(mods, cases, "nearest", "half_pixel", "round_prefer_floor", -0.75, 0, spec, u8)
        onnx_case(mods, cases, "bilinear", "half_pixel", "round_prefer_floor", -0.75, 0, spec, u8)
        onnx_case(mods, cases, "bilinear", "align_corners", "round_prefer_floor", -0.75, 0, spec,
                  u8)
        onnx_case(mods, cases, "bicubic", "half_pixel", "round_prefer_floor", -0.75, 0, spec, u8)
        onnx_case(mods, cases, "bicubic", "asymmetric", "round_prefer_floor", -0.5, 1, spec, u8)
    onnx_case(mods, cases, "bilinear", "asymmetric", "round_prefer_floor", -0.75, 0,
              ("scales_2x2_ties", [1, 1, 3, 4], None, (2.0, 2.0)), u8)
    if rule != "half_even":
        for c in cases:
            if c["dtype"] == "uint8" and c["method"] != "nearest":
                c["dtype_rounding"] = "onnx-reference"
    summary, worst = annotate(cases)
    for line in summary:
        print("  " + line)
    print("  resize_onnx: largest float difference from the exact formulas (cases without deviation) %.3g" % worst)
    write_json(FILES["resize_onnx"], versions, [order_case(c) for c in cases])


# ----------------------------------------------------------------------------------------------
# Pixel shuffle / unshuffle: torch (CRD) and the ONNX DepthToSpace / SpaceToDepth spec (DCR)

SHUFFLE_FILE = os.path.join(HERE, "shuffle_pytorch.json")
SHUFFLE_MAX_BYTES = 60 * 1024
SHUFFLE_KEYS = ["name", "op", "order", "factor", "dtype", "input_shape", "input", "output_shape",
                "output", "source"]

# (op, factor r, input shape). torch only has square factors (upscale_factor / downscale_factor).
SHUFFLE_TORCH_SPECS = [
    ("pixel_shuffle", 2, [1, 4, 2, 3]),
    ("pixel_shuffle", 2, [2, 12, 3, 2]),
    ("pixel_shuffle", 3, [1, 18, 2, 2]),
    ("pixel_shuffle", 2, [1, 20, 1, 3]),
    ("pixel_shuffle", 1, [1, 3, 2, 2]),
    ("pixel_unshuffle", 2, [1, 1, 4, 6]),
    ("pixel_unshuffle", 2, [2, 3, 6, 4]),
    ("pixel_unshuffle", 3, [1, 2, 6, 3]),
    ("pixel_unshuffle", 4, [1, 1, 4, 8]),
]

# (ONNX op, mode, blocksize, input shape). SpaceToDepth has no mode: it is DCR.
SHUFFLE_ONNX_SPECS = [
    ("DepthToSpace", "DCR", 2, [1, 8, 2, 3]),
    ("DepthToSpace", "DCR", 2, [2, 12, 3, 2]),
    ("DepthToSpace", "DCR", 3, [1, 18, 2, 2]),
    ("DepthToSpace", "DCR", 2, [1, 20, 1, 3]),
    ("DepthToSpace", "CRD", 2, [1, 8, 2, 3]),
    ("DepthToSpace", "CRD", 3, [1, 18, 2, 2]),
    ("SpaceToDepth", "DCR", 2, [1, 2, 4, 6]),
    ("SpaceToDepth", "DCR", 2, [2, 3, 6, 4]),
    ("SpaceToDepth", "DCR", 3, [1, 2, 6, 3]),
    ("SpaceToDepth", "DCR", 4, [1, 1, 4, 8]),
]


def onnx_spec_depth_to_space(x, b, mode):
    """DepthToSpace exactly as the ONNX operator spec writes it (reshape, transpose, reshape)."""
    n, c, h, w = x.shape
    if mode == "DCR":
        tmp = np.reshape(x, [n, b, b, c // (b ** 2), h, w])
        tmp = np.transpose(tmp, [0, 3, 4, 1, 5, 2])
    else:
        tmp = np.reshape(x, [n, c // (b ** 2), b, b, h, w])
        tmp = np.transpose(tmp, [0, 1, 4, 2, 5, 3])
    return np.reshape(tmp, [n, c // (b ** 2), h * b, w * b])


def onnx_spec_space_to_depth(x, b):
    """SpaceToDepth exactly as the ONNX operator spec writes it."""
    n, c, h, w = x.shape
    tmp = np.reshape(x, [n, c, h // b, b, w // b, b])
    tmp = np.transpose(tmp, [0, 3, 5, 1, 2, 4])
    return np.reshape(tmp, [n, c * b * b, h // b, w // b])


def shuffle_by_index(x, op, order, fh, fw):
    """The definition in runtime/include/upsample/shuffle.h, element by element (for `check`):
    depth(c, i, j) = c*fh*fw + i*fw + j (crd) or (i*fw + j)*C + c (dcr), C the space-side channels;
    shuffle: out[n, c, h*fh + i, w*fw + j] = in[n, depth, h, w]; unshuffle the inverse."""
    n, c_in, h_in, w_in = x.shape
    if op == "pixel_shuffle":
        c, h, w = c_in // (fh * fw), h_in, w_in
        out = np.zeros((n, c, h * fh, w * fw), dtype=x.dtype)
    else:
        c, h, w = c_in, h_in // fh, w_in // fw
        out = np.zeros((n, c * fh * fw, h, w), dtype=x.dtype)
    for ni in range(n):
        for ci in range(c):
            for i in range(fh):
                for j in range(fw):
                    d = ci * fh * fw + i * fw + j if order == "crd" else (i * fw + j) * c + ci
                    for hi in range(h):
                        for wi in range(w):
                            if op == "pixel_shuffle":
                                out[ni, ci, hi * fh + i, wi * fw + j] = x[ni, d, hi, wi]
                            else:
                                out[ni, d, hi, wi] = x[ni, ci, hi * fh + i, wi * fw + j]
    return out


def shuffle_case(name, op, order, r, dtype, x, y, source):
    case = {"name": name, "op": op, "order": order, "factor": [r, r], "dtype": dtype,
            "input_shape": list(x.shape), "input": flat_values(x, dtype),
            "output_shape": list(y.shape), "output": flat_values(y, dtype), "source": source}
    return {k: case[k] for k in SHUFFLE_KEYS}


def run_shuffle(_args):
    import torch
    import torch.nn.functional as F
    torch.set_num_threads(1)
    versions = dict(base_versions(), torch=torch.__version__,
                    onnx_spec="DepthToSpace-13 / SpaceToDepth-13 reshape-transpose-reshape "
                              "as the ONNX operator spec writes it, in numpy")
    cases = []
    for dtype in ("float32", "uint8"):
        for op, r, shape in SHUFFLE_TORCH_SPECS:
            name = "torch/%s/crd/%s/factor_%dx%d/%s" % (op, dtype, r, r, "x".join(map(str, shape)))
            x = make_input(name, shape, dtype, distinct=True)
            fn = F.pixel_shuffle if op == "pixel_shuffle" else F.pixel_unshuffle
            y = fn(torch.from_numpy(x), r).numpy()
            # torch is CRD: the ONNX spec's CRD DepthToSpace must agree.
            if op == "pixel_shuffle":
                assert np.array_equal(y, onnx_spec_depth_to_space(x, r, "CRD")), name
            cases.append(shuffle_case(name, op, "crd", r, dtype, x, y, "torch"))
        for onnx_op, mode, b, shape in SHUFFLE_ONNX_SPECS:
            if dtype == "uint8" and b == 3:
                continue  # keep the file small; float32 covers these
            name = "onnx-spec/%s(%s)/%s/factor_%dx%d/%s" % (onnx_op, mode, dtype, b, b,
                                                           "x".join(map(str, shape)))
            x = make_input(name, shape, dtype, distinct=True)
            if onnx_op == "DepthToSpace":
                y, op = onnx_spec_depth_to_space(x, b, mode), "pixel_shuffle"
            else:
                y, op = onnx_spec_space_to_depth(x, b), "pixel_unshuffle"
            cases.append(shuffle_case(name, op, mode.lower(), b, dtype, x, y, "onnx-spec"))
    for case in cases:
        check_shuffle_case(case)
    write_json(SHUFFLE_FILE, versions, cases)
    size = os.path.getsize(SHUFFLE_FILE)
    if size > SHUFFLE_MAX_BYTES:
        raise SystemExit("%s is over %d bytes" % (SHUFFLE_FILE, SHUFFLE_MAX_BYTES))


def check_shuffle_case(case, onnx_mods=None):
    """Validates the layout of one shuffle case and recomputes it with the index definition (and,
    given onnx modules, with onnx.reference on a one-node model for the onnx-spec cases)."""
    assert list(case) == SHUFFLE_KEYS, (case["name"], list(case))
    assert case["op"] in ("pixel_shuffle", "pixel_unshuffle"), case["name"]
    assert case["order"] in ("crd", "dcr") and case["source"] in ("torch", "onnx-spec")
    assert case["dtype"] in ("float32", "uint8"), case["name"]
    fh, fw = case["factor"]
    n, c, h, w = case["input_shape"]
    if case["op"] == "pixel_shuffle":
        assert c % (fh * fw) == 0, case["name"]
        assert case["output_shape"] == [n, c // (fh * fw), h * fh, w * fw], case["name"]
    else:
        assert h % fh == 0 and w % fw == 0, case["name"]
        assert case["output_shape"] == [n, c * fh * fw, h // fh, w // fw], case["name"]
    npdtype = np.float32 if case["dtype"] == "float32" else np.uint8
    for key in ("input", "output"):
        assert len(case[key]) == int(np.prod(case[key + "_shape"])), (case["name"], key)
    x = np.array(case["input"], dtype=npdtype).reshape(case["input_shape"])
    y = np.array(case["output"], dtype=npdtype).reshape(case["output_shape"])
    assert len(set(case["input"])) == len(case["input"]), (case["name"], "inputs not distinct")
    assert np.array_equal(shuffle_by_index(x, case["op"], case["order"], fh, fw), y), case["name"]
    if onnx_mods is not None and case["source"] == "onnx-spec":
        onnx, helper, reference = onnx_mods
        elem = onnx.TensorProto.FLOAT if case["dtype"] == "float32" else onnx.TensorProto.UINT8
        if case["op"] == "pixel_shuffle":
            node = helper.make_node("DepthToSpace", ["x"], ["y"], blocksize=fh,
                                    mode=case["order"].upper())
        else:
            node = helper.make_node("SpaceToDepth", ["x"], ["y"], blocksize=fh)
        graph = helper.make_graph([node], "g", [helper.make_tensor_value_info("x", elem, None)],
                                  [helper.make_tensor_value_info("y", elem, None)])
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
        got = reference.ReferenceEvaluator(model).run(None, {"x": x})[0]
        assert np.array_equal(got, y), (case["name"], "onnx.reference disagrees")


def check_shuffle_file():
    """`check` for shuffle_pytorch.json; with onnx installed, also against onnx.reference."""
    try:
        import onnx
        from onnx import helper, reference
        onnx_mods = (onnx, helper, reference)
    except ImportError:
        onnx_mods = None
    with open(SHUFFLE_FILE, encoding="ascii") as f:
        data = json.load(f)
    assert data["generator"] == GENERATOR, SHUFFLE_FILE
    cases = data["cases"]
    names = [c["name"] for c in cases]
    assert len(set(names)) == len(names), SHUFFLE_FILE
    for case in cases:
        check_shuffle_case(case, onnx_mods)
    size = os.path.getsize(SHUFFLE_FILE)
    print("%s: %d cases, %d bytes, versions %s" % (os.path.relpath(SHUFFLE_FILE, REPO), len(cases),
                                                   size, data["versions"]))
    print("  every case equals the index definition of shuffle.h; onnx-spec cases %s" % (
        "equal onnx.reference %s" % onnx_mods[0].__version__ if onnx_mods
        else "not run through onnx.reference (onnx not installed)"))
    assert size <= SHUFFLE_MAX_BYTES, SHUFFLE_FILE


# ----------------------------------------------------------------------------------------------
# Max pooling with indices and max unpooling: torch F.max_pool2d(return_indices=True) and
# F.max_unpool2d

POOL_FILE = os.path.join(HERE, "pool_pytorch.json")
POOL_MAX_BYTES = 150 * 1024
POOL_KEYS = ["name", "op", "kernel", "stride", "padding", "dilation", "ceil_mode", "dtype",
             "input_shape", "input", "output_shape", "output", "indices"]
UNPOOL_IDX_KEYS = ["name", "op", "kernel", "stride", "padding", "dilation", "ceil_mode", "dtype",
                   "input_shape", "input", "indices_input", "output_size", "output_shape",
                   "output"]

# (label, input shape, kernel, stride, padding, dilation, ceil_mode, data). data: "distinct"
# (distinct nonzero values), "ties" (values from {-1, 0, 1}), "constant" (all -1), "nan" (about a
# third NaN), "inf" (+-inf among finite values), "negative" (all below 0, next to padding).
POOL_SPECS = [
    ("default_stride", [1, 1, 4, 4], (2, 2), None, (0, 0), (1, 1), False, "distinct"),
    ("k2_ceil", [1, 2, 5, 5], (2, 2), (2, 2), (0, 0), (1, 1), True, "distinct"),
    ("k2_floor", [1, 2, 5, 5], (2, 2), (2, 2), (0, 0), (1, 1), False, "distinct"),
    ("k3_s2_p1", [2, 3, 7, 7], (3, 3), (2, 2), (1, 1), (1, 1), False, "distinct"),
    ("k3_s2_p1_ceil", [2, 3, 6, 6], (3, 3), (2, 2), (1, 1), (1, 1), True, "distinct"),
    ("k3_s1_p1", [1, 1, 5, 5], (3, 3), (1, 1), (1, 1), (1, 1), False, "distinct"),
    ("k2x3_s1x2_p1x1", [1, 2, 6, 7], (2, 3), (1, 2), (1, 1), (1, 1), False, "distinct"),
    ("k3x2_s2x1_p1x0_d2x1_ceil", [1, 1, 7, 6], (3, 2), (2, 1), (1, 0), (2, 1), True, "distinct"),
    ("k2_s1_d2", [1, 1, 5, 5], (2, 2), (1, 1), (0, 0), (2, 2), False, "distinct"),
    ("k3_s2_p1_d2_ceil", [1, 2, 8, 9], (3, 3), (2, 2), (1, 1), (2, 2), True, "distinct"),
    ("k4_s3_p2_ceil", [1, 1, 9, 10], (4, 4), (3, 3), (2, 2), (1, 1), True, "distinct"),
    ("k5_s1_p2", [1, 1, 6, 6], (5, 5), (1, 1), (2, 2), (1, 1), False, "distinct"),
    ("k5_s2_p2_d2", [1, 1, 9, 9], (5, 5), (2, 2), (2, 2), (2, 2), False, "distinct"),
    ("k1x3_s1x2_p0x1", [1, 3, 3, 8], (1, 3), (1, 2), (0, 1), (1, 1), False, "distinct"),
    ("k4x1_s2x1_p2x0_ceil", [2, 1, 7, 3], (4, 1), (2, 1), (2, 0), (1, 1), True, "distinct"),
    ("k1_s2", [1, 2, 5, 5], (1, 1), (2, 2), (0, 0), (1, 1), False, "distinct"),
    ("k2_s3_ceil", [1, 1, 8, 8], (2, 2), (3, 3), (0, 0), (1, 1), True, "distinct"),
    ("k2x2_s1x3_p1x0_d1x2", [1, 2, 5, 9], (2, 2), (1, 3), (1, 0), (1, 2), False, "distinct"),
    ("constant_k3_s1_p1", [1, 1, 5, 5], (3, 3), (1, 1), (1, 1), (1, 1), False, "constant"),
    ("ties_k3_s2_p1_ceil", [2, 2, 6, 6], (3, 3), (2, 2), (1, 1), (1, 1), True, "ties"),
    ("ties_k2_s1", [1, 3, 4, 5], (2, 2), (1, 1), (0, 0), (1, 1), False, "ties"),
    ("nan_k3_s2_p1", [1, 2, 6, 6], (3, 3), (2, 2), (1, 1), (1, 1), False, "nan"),
    ("nan_k2_s1", [1, 1, 4, 5], (2, 2), (1, 1), (0, 0), (1, 1), False, "nan"),
    ("inf_k2_s1_p1", [1, 2, 4, 4], (2, 2), (1, 1), (1, 1), (1, 1), True, "inf"),
    ("negative_k3_s1_p1", [1, 2, 5, 5], (3, 3), (1, 1), (1, 1), (1, 1), False, "negative"),
    ("negative_k5_s2_p2_d2_ceil", [1, 1, 7, 8], (5, 5), (2, 2), (2, 2), (2, 2), True, "negative"),
]

# (label, pooling: input shape, kernel, stride, padding, ceil_mode, data; output_size or None for
# torch's default (H' - 1) * stride - 2 * padding + kernel). The unpool input is what
# F.max_pool2d returned; "duplicates" replaces the indices by ones that name some positions twice.
UNPOOL_IDX_SPECS = [
    ("k2_default_size", [1, 2, 4, 4], (2, 2), (2, 2), (0, 0), False, "distinct", None),
    ("k2_odd_input_size", [1, 2, 5, 5], (2, 2), (2, 2), (0, 0), False, "distinct", (5, 5)),
    ("k2_larger_size", [1, 1, 4, 6], (2, 2), (2, 2), (0, 0), False, "distinct", (5, 7)),
    ("k3_s2_p1_overlapping", [2, 3, 6, 6], (3, 3), (2, 2), (1, 1), False, "distinct", (6, 6)),
    ("k2_ceil_pool", [1, 1, 5, 5], (2, 2), (2, 2), (0, 0), True, "distinct", (5, 5)),
    ("k2x3_s2x3", [2, 1, 4, 9], (2, 3), (2, 3), (0, 0), False, "distinct", None),
    ("nan_values", [1, 2, 4, 4], (2, 2), (2, 2), (0, 0), False, "nan", None),
    ("duplicates", [1, 2, 4, 4], (2, 2), (2, 2), (0, 0), False, "distinct", None),
]


def pool_input(name, shape, data):
    """Float32 test data for a pooling case (seeded by the name, like make_input)."""
    if data == "distinct":
        return make_input(name, shape, "float32", distinct=True)
    rng = np.random.RandomState(zlib.crc32(name.encode("utf-8")))
    if data == "constant":
        return np.full(shape, -1.0, dtype=np.float32)
    if data == "ties":
        return rng.randint(-1, 2, size=shape).astype(np.float32)
    x = make_input(name, shape, "float32", distinct=True)
    if data == "nan":
        x[rng.uniform(size=shape) < 0.35] = np.nan
    elif data == "inf":
        r = rng.uniform(size=shape)
        x[r < 0.25] = -np.inf
        x[r > 0.85] = np.inf
    elif data == "negative":
        x = -np.abs(x) - np.float32(0.25)
    else:
        raise ValueError(data)
    return x.astype(np.float32)


def json_floats(array):
    """float32 values as JSON: the equal double, or "nan" / "inf" / "-inf"."""
    out = []
    for v in np.ascontiguousarray(array).reshape(-1):
        v = float(np.float32(v))
        out.append("nan" if math.isnan(v) else ("inf" if v == math.inf else
                                                ("-inf" if v == -math.inf else v)))
    return out


def parse_floats(values):
    return np.array([float(v) for v in values], dtype=np.float32)


def pool_output_length(length, k, s, p, d, ceil_mode):
    """PyTorch's pooling_output_shape (as pool.h states it)."""
    num = length + 2 * p - d * (k - 1) - 1
    out = (-(-num // s) if ceil_mode else num // s) + 1
    if ceil_mode and (out - 1) * s >= length + p:
        out -= 1
    return out


def pool_by_definition(x, kernel, stride, padding, dilation, ceil_mode):
    """max_pool2d with plane indices as pool.h defines it, element by element (for `check`):
    row-major window order, positions inside the input only, taken when first, greater, or NaN."""
    n, c, h, w = x.shape
    oh = pool_output_length(h, kernel[0], stride[0], padding[0], dilation[0], ceil_mode)
    ow = pool_output_length(w, kernel[1], stride[1], padding[1], dilation[1], ceil_mode)
    values = np.zeros((n, c, oh, ow), dtype=np.float32)
    indices = np.zeros((n, c, oh, ow), dtype=np.int64)
    for ni in range(n):
        for ci in range(c):
            for y in range(oh):
                for xo in range(ow):
                    best, at = None, None
                    for i in range(kernel[0]):
                        ih = y * stride[0] - padding[0] + i * dilation[0]
                        if not 0 <= ih < h:
                            continue
                        for j in range(kernel[1]):
                            iw = xo * stride[1] - padding[1] + j * dilation[1]
                            if not 0 <= iw < w:
                                continue
                            v = float(x[ni, ci, ih, iw])
                            if best is None or v > best or math.isnan(v):
                                best, at = v, ih * w + iw
                    assert at is not None, "empty window"
                    values[ni, ci, y, xo] = best
                    indices[ni, ci, y, xo] = at
    return values, indices


def unpool_by_definition(x, indices, out_h, out_w):
    """max_unpool2d with plane indices: zeros, then out[n, c][index] = x in NCHW order."""
    n, c = x.shape[:2]
    out = np.zeros((n, c, out_h * out_w), dtype=np.float32)
    for ni in range(n):
        for ci in range(c):
            for v, i in zip(x[ni, ci].reshape(-1), indices[ni, ci].reshape(-1)):
                assert 0 <= i < out_h * out_w
                out[ni, ci, i] = v
    return out.reshape(n, c, out_h, out_w)


def pool_case_name(op, label, shape):
    """shape: the pooling input's (for max_unpool2d too, whose input is the pooled shape)."""
    return "torch/%s/float32/%s/%s%s" % (op, label, "pooled_from_" if op == "max_unpool2d" else "",
                                         "x".join(map(str, shape)))


def run_pool(_args):
    import torch
    import torch.nn.functional as F
    torch.set_num_threads(1)
    versions = dict(base_versions(), torch=torch.__version__)
    # uint8: torch 1.13's CPU max_pool2d raises "not implemented for 'Byte'", so every case is
    # float32; the probe records it (a torch that computes uint8 would call for uint8 cases).
    try:
        F.max_pool2d(torch.zeros((1, 1, 2, 2), dtype=torch.uint8), 2, return_indices=True)
        versions["max_pool2d_uint8"] = "supported (no uint8 cases yet)"
    except RuntimeError:
        versions["max_pool2d_uint8"] = "not implemented: no uint8 cases"
    cases = []
    for label, shape, k, s, p, d, ceil_mode, data in POOL_SPECS:
        name = pool_case_name("max_pool2d", label, shape)
        x = pool_input(name, shape, data)
        y, idx = F.max_pool2d(torch.from_numpy(x), k, stride=s, padding=p, dilation=d,
                              ceil_mode=ceil_mode, return_indices=True)
        case = {"name": name, "op": "max_pool2d", "kernel": list(k),
                "stride": list(s) if s is not None else list(k), "padding": list(p),
                "dilation": list(d), "ceil_mode": ceil_mode, "dtype": "float32",
                "input_shape": list(shape), "input": json_floats(x),
                "output_shape": list(y.shape), "output": json_floats(y.numpy()),
                "indices": [int(i) for i in idx.numpy().reshape(-1)]}
        cases.append({key: case[key] for key in POOL_KEYS})
    for label, shape, k, s, p, ceil_mode, data, size in UNPOOL_IDX_SPECS:
        name = pool_case_name("max_unpool2d", label, shape)
        x = pool_input(name, shape, data)
        v, idx = F.max_pool2d(torch.from_numpy(x), k, stride=s, padding=p, ceil_mode=ceil_mode,
                              return_indices=True)
        if label == "duplicates":
            # Each plane's first two outputs both name the position of its last: the later one
            # in NCHW order must win (torch's CPU kernel writes in order).
            flat = idx.reshape(idx.shape[0], idx.shape[1], -1)
            flat[:, :, 0] = flat[:, :, -1]
            flat[:, :, 1] = flat[:, :, -1]
        out = F.max_unpool2d(v, idx, k, stride=s, padding=p, output_size=size).numpy()
        case = {"name": name, "op": "max_unpool2d", "kernel": list(k), "stride": list(s),
                "padding": list(p), "dilation": [1, 1], "ceil_mode": False, "dtype": "float32",
                "input_shape": list(v.shape), "input": json_floats(v.numpy()),
                "indices_input": [int(i) for i in idx.numpy().reshape(-1)],
                "output_size": None if size is None else list(size),
                "output_shape": list(out.shape), "output": json_floats(out)}
        cases.append({key: case[key] for key in UNPOOL_IDX_KEYS})
    for case in cases:
        check_pool_case(case)
    write_json(POOL_FILE, versions, cases)
    size = os.path.getsize(POOL_FILE)
    if size > POOL_MAX_BYTES:
        raise SystemExit("%s is over %d bytes" % (POOL_FILE, POOL_MAX_BYTES))


def check_pool_case(case):
    """Validates the layout of one pool case and recomputes it with the definitions of pool.h."""
    name = case["name"]
    if case["op"] == "max_pool2d":
        assert list(case) == POOL_KEYS, (name, list(case))
    else:
        assert case["op"] == "max_unpool2d" and list(case) == UNPOOL_IDX_KEYS, (name, list(case))
    assert case["dtype"] in ("float32", "uint8"), name
    for key in ("kernel", "stride", "padding", "dilation"):
        assert len(case[key]) == 2 and all(isinstance(v, int) for v in case[key]), (name, key)
    assert all(k >= 1 for k in case["kernel"]) and all(s >= 1 for s in case["stride"]), name
    assert all(0 <= p <= k // 2 for p, k in zip(case["padding"], case["kernel"])), name
    for key in ("input", "output"):
        assert len(case[key]) == int(np.prod(case[key + "_shape"])), (name, key)
        for v in case[key]:
            if case["dtype"] == "uint8":
                assert isinstance(v, int) and 0 <= v <= 255, name
            else:
                assert v in ("nan", "inf", "-inf") or (
                    isinstance(v, float) and float(np.float32(v)) == v), (name, v)
    npdtype = np.float32 if case["dtype"] == "float32" else np.uint8
    x = parse_floats(case["input"]).astype(npdtype).reshape(case["input_shape"])
    y = parse_floats(case["output"]).astype(npdtype).reshape(case["output_shape"])
    if case["op"] == "max_pool2d":
        assert len(case["indices"]) == len(case["output"]), name
        values, indices = pool_by_definition(x.astype(np.float32), case["kernel"], case["stride"],
                                             case["padding"], case["dilation"], case["ceil_mode"])
        assert list(values.shape) == case["output_shape"], name
        assert np.array_equal(values, y.astype(np.float32), equal_nan=True), (name, "values")
        assert indices.reshape(-1).tolist() == case["indices"], (name, "indices")
    else:
        assert len(case["indices_input"]) == len(case["input"]), name
        n, c = case["input_shape"][:2]
        oh, ow = case["output_shape"][2:]
        assert case["output_shape"][:2] == [n, c], name
        if case["output_size"] is None:
            default = [(i - 1) * s - 2 * p + k for i, s, p, k in zip(
                case["input_shape"][2:], case["stride"], case["padding"], case["kernel"])]
            assert [oh, ow] == default, name
        else:
            assert case["output_size"] == [oh, ow], name
        idx = np.array(case["indices_input"], dtype=np.int64).reshape(case["input_shape"])
        out = unpool_by_definition(x.astype(np.float32), idx, oh, ow)
        assert np.array_equal(out, y.astype(np.float32), equal_nan=True), (name, "output")


def check_pool_file():
    """`check` for pool_pytorch.json."""
    with open(POOL_FILE, encoding="ascii") as f:
        data = json.load(f)
    assert data["generator"] == GENERATOR, POOL_FILE
    cases = data["cases"]
    names = [c["name"] for c in cases]
    assert len(set(names)) == len(names), POOL_FILE
    counts = {}
    for case in cases:
        check_pool_case(case)
        label = case["op"] + "/" + case["dtype"]
        counts[label] = counts.get(label, 0) + 1
    size = os.path.getsize(POOL_FILE)
    print("%s: %d cases, %d bytes, versions %s" % (os.path.relpath(POOL_FILE, REPO), len(cases),
                                                   size, data["versions"]))
    print("  " + ", ".join("%s %d" % kv for kv in sorted(counts.items())))
    print("  every case equals the definitions of pool.h (plane indices; NaN wins, ties keep the "
          "first)")
    assert size <= POOL_MAX_BYTES, POOL_FILE


# ----------------------------------------------------------------------------------------------
# Convolutions: torch F.conv_transpose2d and F.conv2d, forward and backward (autograd)

CONV_FILE = os.path.join(HERE, "conv_pytorch.json")
CONV_MAX_BYTES = 2 * 1024 * 1024
CONV_KEYS = ["name", "op", "kernel", "stride", "padding", "output_padding", "dilation", "groups",
             "has_bias", "dtype", "reference", "input_shape", "input", "weight_shape", "weight",
             "bias", "output_shape", "output", "grad_output", "grad_input", "grad_weight",
             "grad_bias"]
CONV_STEP = 32  # every input, weight, bias and grad_output value is a multiple of 1/32 in [-2, 2]
CONV_REFERENCE = ("torch float64 (forward, then autograd backward of grad_output), cast to "
                  "float32; the values are multiples of 1/32, so every result is exact in float32")

# (label, N, C_in, C_out, H, W, kernel, stride, padding, output_padding, dilation, groups, bias).
# Pairs are (h, w). output_padding is < stride or < dilation along its axis (PyTorch's rule).
CONV_TRANSPOSE_SPECS = [
    ("k3", 1, 1, 1, 3, 3, (3, 3), (1, 1), (0, 0), (0, 0), (1, 1), 1, True),
    ("k3_s2_p1_op1", 2, 2, 3, 4, 5, (3, 3), (2, 2), (1, 1), (1, 1), (1, 1), 1, True),
    ("k4_s2_p1", 1, 3, 2, 3, 4, (4, 4), (2, 2), (1, 1), (0, 0), (1, 1), 1, False),
    ("k5_s3_p2_op2", 2, 2, 2, 2, 3, (5, 5), (3, 3), (2, 2), (2, 2), (1, 1), 1, True),
    ("depthwise_g4_k3_s2_p1_op1", 1, 4, 4, 3, 3, (3, 3), (2, 2), (1, 1), (1, 1), (1, 1), 4, True),
    ("k2x3_s2x1_p0x1_op1x0_g2", 3, 4, 6, 2, 2, (2, 3), (2, 1), (0, 1), (1, 0), (1, 1), 2, False),
    ("k3x2_s1x3_p2x0_op0x2_d2x1_g2", 1, 2, 4, 5, 4, (3, 2), (1, 3), (2, 0), (0, 2), (2, 1), 2,
     True),
    ("k3_p1_op1_below_dilation2", 2, 6, 3, 3, 3, (3, 3), (1, 1), (1, 1), (1, 1), (2, 2), 1,
     False),
    ("k1_s3_g4", 1, 8, 8, 2, 3, (1, 1), (3, 3), (0, 0), (0, 0), (1, 1), 4, True),
    ("in1x1_k3", 1, 3, 3, 1, 1, (3, 3), (1, 1), (0, 0), (0, 0), (1, 1), 1, True),
    ("k1x5_s2_p0x2_op1_d1x2", 2, 1, 2, 6, 6, (1, 5), (2, 2), (0, 2), (1, 1), (1, 2), 1, True),
    ("k5x1_s3x1_p1x0_d2x1_g2", 1, 4, 2, 4, 2, (5, 1), (3, 1), (1, 0), (0, 0), (2, 1), 2, False),
    ("k2_s2", 2, 3, 3, 3, 5, (2, 2), (2, 2), (0, 0), (0, 0), (1, 1), 1, True),
    ("k4_s3_p2_op1", 1, 2, 1, 4, 3, (4, 4), (3, 3), (2, 2), (1, 1), (1, 1), 1, False),
    ("k2x4_s1x2_p1_op0x1_g4", 3, 4, 8, 3, 2, (2, 4), (1, 2), (1, 1), (0, 1), (1, 1), 4, True),
    ("k3_s3_p2_op2_d2", 1, 2, 2, 2, 2, (3, 3), (3, 3), (2, 2), (2, 2), (2, 2), 1, True),
    ("in1x6_k3x5_s2x1_p0x2_op1x0_g2", 2, 2, 2, 1, 6, (3, 5), (2, 1), (0, 2), (1, 0), (1, 1), 2,
     False),
    ("k5_p2_g2_3_per_group", 1, 6, 6, 5, 5, (5, 5), (1, 1), (2, 2), (0, 0), (1, 1), 2, True),
    ("k1x2_s1x2_p2x0_op0x1_d1x2", 1, 3, 1, 6, 6, (1, 2), (1, 2), (2, 0), (0, 1), (1, 2), 1, False),
    ("k2x3_s2_p1x0_op1_d2_g2", 2, 2, 4, 3, 4, (2, 3), (2, 2), (1, 0), (1, 1), (2, 2), 2, True),
    ("k4x2_s3x2_p0x1_op0x1", 3, 1, 3, 2, 3, (4, 2), (3, 2), (0, 1), (0, 1), (1, 1), 1, True),
    ("k3_s2_g4_2in_3out_per_group", 1, 8, 12, 2, 2, (3, 3), (2, 2), (0, 0), (0, 0), (1, 1), 4,
     False),
    ("out_h1_k3x2_s2x3_p1x0_op0x2", 1, 2, 2, 1, 2, (3, 2), (2, 3), (1, 0), (0, 2), (1, 1), 1,
     True),
]

# (label, N, C_in, C_out, H, W, kernel, stride, padding, dilation, groups, bias).
CONV2D_SPECS = [
    ("k3", 1, 1, 1, 5, 5, (3, 3), (1, 1), (0, 0), (1, 1), 1, True),
    ("k3_s2_p1", 2, 3, 2, 6, 5, (3, 3), (2, 2), (1, 1), (1, 1), 1, True),
    ("k4_s2_p1", 1, 2, 3, 6, 6, (4, 4), (2, 2), (1, 1), (1, 1), 1, False),
    ("k5_s3_p2", 2, 2, 2, 5, 6, (5, 5), (3, 3), (2, 2), (1, 1), 1, True),
    ("depthwise_g4_k3_p1", 1, 4, 4, 4, 4, (3, 3), (1, 1), (1, 1), (1, 1), 4, True),
    ("k2x3_s2x1_p0x1_g2", 3, 4, 6, 4, 3, (2, 3), (2, 1), (0, 1), (1, 1), 2, False),
    ("k3x2_s1x3_p2x0_d2x1_g2", 1, 2, 4, 5, 6, (3, 2), (1, 3), (2, 0), (2, 1), 2, True),
    ("k3_p2_d2", 2, 6, 3, 5, 5, (3, 3), (1, 1), (2, 2), (2, 2), 1, False),
    ("k1_s3_g4", 1, 8, 8, 4, 5, (1, 1), (3, 3), (0, 0), (1, 1), 4, True),
    ("in1x1_k1_p1", 1, 3, 3, 1, 1, (1, 1), (1, 1), (1, 1), (1, 1), 1, True),
    ("in1x1_k3_p1", 2, 2, 1, 1, 1, (3, 3), (1, 1), (1, 1), (1, 1), 1, False),
    ("k1x5_s2_p0x2_d1x2", 2, 1, 2, 3, 6, (1, 5), (2, 2), (0, 2), (1, 2), 1, True),
    ("k5x1_s3x1_p2x0_d2x1_g2", 1, 4, 2, 6, 2, (5, 1), (3, 1), (2, 0), (2, 1), 2, False),
    ("k2_s2", 2, 3, 3, 4, 6, (2, 2), (2, 2), (0, 0), (1, 1), 1, True),
    ("k4_s3_p2", 1, 2, 1, 6, 5, (4, 4), (3, 3), (2, 2), (1, 1), 1, False),
    ("k2x4_s1x2_p1_g4", 3, 4, 8, 3, 4, (2, 4), (1, 2), (1, 1), (1, 1), 4, True),
    ("k3_s3_p2_d2", 1, 2, 2, 6, 6, (3, 3), (3, 3), (2, 2), (2, 2), 1, True),
    ("in1x6_k3x5_s2x1_p1x2_g2", 2, 2, 2, 1, 6, (3, 5), (2, 1), (1, 2), (1, 1), 2, False),
    ("k5_p2_g2_3_per_group", 1, 6, 6, 5, 5, (5, 5), (1, 1), (2, 2), (1, 1), 2, True),
    ("k2x3_s2_p1x0_d2_g2", 2, 2, 4, 6, 5, (2, 3), (2, 2), (1, 0), (2, 2), 2, True),
    ("k4x2_s3x2_p0x1", 3, 1, 3, 5, 4, (4, 2), (3, 2), (0, 1), (1, 1), 1, True),
    ("k3_s2_g4_2in_3out_per_group", 1, 8, 12, 3, 3, (3, 3), (2, 2), (0, 0), (1, 1), 4, False),
    ("k2_p2x1_padding_over_kernel", 1, 2, 2, 2, 3, (2, 2), (1, 1), (2, 1), (1, 1), 1, True),
]


def conv_transpose2d_length(i, k, s, p, op, d):
    return (i - 1) * s - 2 * p + d * (k - 1) + op + 1


def conv2d_length(i, k, s, p, d):
    return (i + 2 * p - d * (k - 1) - 1) // s + 1


def conv_values(rng, shape):
    """Multiples of 1/32 in [-2, 2] (float32-exact; products and sums stay exact)."""
    return rng.randint(-2 * CONV_STEP, 2 * CONV_STEP + 1, size=shape).astype(np.float64) / CONV_STEP


def conv_spec_fields(op, spec):
    """Uniform view of a spec: a dict of the options and shapes (weight in torch's layout)."""
    if op == "conv_transpose2d":
        label, n, cin, cout, h, w, k, s, p, opad, d, g, bias = spec
    else:
        label, n, cin, cout, h, w, k, s, p, d, g, bias = spec
        opad = (0, 0)
    f = {"label": label, "n": n, "cin": cin, "cout": cout, "h": h, "w": w, "kernel": list(k),
         "stride": list(s), "padding": list(p), "output_padding": list(opad), "dilation": list(d),
         "groups": g, "has_bias": bias}
    if op == "conv_transpose2d":
        f["weight_shape"] = [cin, cout // g, k[0], k[1]]
        f["out_hw"] = [conv_transpose2d_length(i, *a) for i, a in
                       zip((h, w), zip(k, s, p, opad, d))]
    else:
        f["weight_shape"] = [cout, cin // g, k[0], k[1]]
        f["out_hw"] = [conv2d_length(i, *a) for i, a in zip((h, w), zip(k, s, p, d))]
    return f


def conv_case_name(op, f):
    return "torch/%s/float32/%s/%s_bias%d" % (op, f["label"], "x".join(map(str, (
        f["n"], f["cin"], f["h"], f["w"]))), int(f["has_bias"]))


def check_conv_spec_valid(op, f):
    name = "%s/%s" % (op, f["label"])
    assert f["cin"] % f["groups"] == 0 and f["cout"] % f["groups"] == 0, name
    for axis in range(2):
        s, d, opad = f["stride"][axis], f["dilation"][axis], f["output_padding"][axis]
        assert s >= 1 and d >= 1 and f["padding"][axis] >= 0, name
        assert opad < s or opad < d, (name, "output_padding")
        assert f["out_hw"][axis] >= 1, (name, "output length")


def conv_coverage(op, specs):
    """Counts, per parameter value, the cases that use it (along either axis); asserts every value
    of the parameter space is used at least twice."""
    counts = {}

    def add(key, values):
        for v in set(values):
            counts[(key, v)] = counts.get((key, v), 0) + 1

    for spec in specs:
        f = conv_spec_fields(op, spec)
        add("stride", f["stride"])
        add("padding", f["padding"])
        add("dilation", f["dilation"])
        add("kernel", f["kernel"])
        add("kernel_nonsquare", [f["kernel"][0] != f["kernel"][1]])
        add("groups", [f["groups"]])
        add("in_per_group", [f["cin"] // f["groups"]])
        add("out_per_group", [f["cout"] // f["groups"]])
        add("batch", [f["n"]])
        add("bias", [f["has_bias"]])
        add("input_size", [f["h"], f["w"]])
        if op == "conv_transpose2d":
            add("output_padding", f["output_padding"])
    want = {"stride": [1, 2, 3], "padding": [0, 1, 2], "dilation": [1, 2],
            "kernel": [1, 2, 3, 4, 5], "kernel_nonsquare": [True, False], "groups": [1, 2, 4],
            "in_per_group": [1, 2, 3], "out_per_group": [1, 2, 3], "batch": [1, 2, 3],
            "bias": [True, False], "input_size": [1, 2, 3, 4, 5, 6]}
    if op == "conv_transpose2d":
        want["output_padding"] = [0, 1, 2]
    for key, values in want.items():
        for v in values:
            assert counts.get((key, v), 0) >= 2, (op, key, v, counts.get((key, v), 0))
    return counts


def run_conv(_args):
    import torch
    import torch.nn.functional as F
    torch.set_num_threads(1)
    versions = dict(base_versions(), torch=torch.__version__, reference=CONV_REFERENCE)
    cases = []
    for op, specs in (("conv_transpose2d", CONV_TRANSPOSE_SPECS), ("conv2d", CONV2D_SPECS)):
        conv_coverage(op, specs)
        for spec in specs:
            f = conv_spec_fields(op, spec)
            check_conv_spec_valid(op, f)
            name = conv_case_name(op, f)
            rng = np.random.RandomState(zlib.crc32(name.encode("utf-8")))
            in_shape = [f["n"], f["cin"], f["h"], f["w"]]
            out_shape = [f["n"], f["cout"]] + f["out_hw"]
            x = conv_values(rng, in_shape)
            wt = conv_values(rng, f["weight_shape"])
            b = conv_values(rng, [f["cout"]]) if f["has_bias"] else None
            go = conv_values(rng, out_shape)
            tx = torch.tensor(x, dtype=torch.float64, requires_grad=True)
            tw = torch.tensor(wt, dtype=torch.float64, requires_grad=True)
            tb = None if b is None else torch.tensor(b, dtype=torch.float64, requires_grad=True)
            if op == "conv_transpose2d":
                y = F.conv_transpose2d(tx, tw, tb, stride=tuple(f["stride"]),
                                       padding=tuple(f["padding"]),
                                       output_padding=tuple(f["output_padding"]),
                                       groups=f["groups"], dilation=tuple(f["dilation"]))
            else:
                y = F.conv2d(tx, tw, tb, stride=tuple(f["stride"]), padding=tuple(f["padding"]),
                             dilation=tuple(f["dilation"]), groups=f["groups"])
            assert list(y.shape) == out_shape, (name, list(y.shape), out_shape)
            y.backward(torch.tensor(go, dtype=torch.float64))
            results = {"output": y.detach().numpy(), "grad_input": tx.grad.numpy(),
                       "grad_weight": tw.grad.numpy()}
            if tb is not None:
                results["grad_bias"] = tb.grad.numpy()
            for key, v in results.items():
                # float64 results of exact inputs: exact, hence equal to their float32 cast.
                assert np.array_equal(v.astype(np.float32).astype(np.float64), v), (name, key)
            case = {"name": name, "op": op, "kernel": f["kernel"], "stride": f["stride"],
                    "padding": f["padding"], "output_padding": f["output_padding"],
                    "dilation": f["dilation"], "groups": f["groups"],
                    "has_bias": f["has_bias"], "dtype": "float32", "reference": "float64",
                    "input_shape": in_shape, "input": flat_values(x, "float32"),
                    "weight_shape": f["weight_shape"], "weight": flat_values(wt, "float32"),
                    "bias": None if b is None else flat_values(b, "float32"),
                    "output_shape": out_shape, "output": flat_values(results["output"], "float32"),
                    "grad_output": flat_values(go, "float32"),
                    "grad_input": flat_values(results["grad_input"], "float32"),
                    "grad_weight": flat_values(results["grad_weight"], "float32"),
                    "grad_bias": (flat_values(results["grad_bias"], "float32")
                                  if b is not None else None)}
            if op == "conv2d":
                del case["output_padding"]
            cases.append(case)
    for case in cases:
        check_conv_case(case)
    write_json(CONV_FILE, versions, cases, max_bytes=CONV_MAX_BYTES)


def conv_by_definition(case, x, wt, b, go):
    """conv_transpose2d / conv2d and their gradients, element by element from the definitions
    (for `check`): transposed: out[n, g*Cog + o, ih*s - p + k*d] += in[n, ci, ih] * w[ci, o, k];
    conv2d: out[n, co, oh] += in[n, g*Cig + i, oh*s - p + k*d] * w[co, i, k]; the gradients are
    the same sums with the roles exchanged, grad_bias the sum of grad_output per channel. The
    values are multiples of 1/32, so float64 sums are exact and the order does not matter."""
    op = case["op"]
    g = case["groups"]
    (sh, sw), (ph, pw), (dh, dw) = case["stride"], case["padding"], case["dilation"]
    n, cin, h, w = x.shape
    oshape = case["output_shape"]
    cout, oh_len, ow_len = oshape[1], oshape[2], oshape[3]
    kh_len, kw_len = wt.shape[2], wt.shape[3]
    cig, cog = cin // g, cout // g
    out = np.zeros(oshape)
    gx, gw = np.zeros_like(x), np.zeros_like(wt)
    for grp in range(g):
        xs = slice(grp * cig, (grp + 1) * cig)
        os_ = slice(grp * cog, (grp + 1) * cog)
        for ky in range(kh_len):
            for kx in range(kw_len):
                if op == "conv_transpose2d":
                    # input position (iy, ix) feeds output (iy*s - p + k*d).
                    for iy in range(h):
                        oy = iy * sh - ph + ky * dh
                        if not 0 <= oy < oh_len:
                            continue
                        for ix in range(w):
                            ox = ix * sw - pw + kx * dw
                            if not 0 <= ox < ow_len:
                                continue
                            wk = wt[xs, :, ky, kx]                     # (cig, cog)
                            out[:, os_, oy, ox] += x[:, xs, iy, ix] @ wk
                            gx[:, xs, iy, ix] += go[:, os_, oy, ox] @ wk.T
                            gw[xs, :, ky, kx] += x[:, xs, iy, ix].T @ go[:, os_, oy, ox]
                else:
                    for oy in range(oh_len):
                        iy = oy * sh - ph + ky * dh
                        if not 0 <= iy < h:
                            continue
                        for ox in range(ow_len):
                            ix = ox * sw - pw + kx * dw
                            if not 0 <= ix < w:
                                continue
                            wk = wt[os_, :, ky, kx]                    # (cog, cig)
                            out[:, os_, oy, ox] += x[:, xs, iy, ix] @ wk.T
                            gx[:, xs, iy, ix] += go[:, os_, oy, ox] @ wk
                            gw[os_, :, ky, kx] += go[:, os_, oy, ox].T @ x[:, xs, iy, ix]
    if b is not None:
        out += b.reshape(1, -1, 1, 1)
    gb = go.sum(axis=(0, 2, 3))
    return out, gx, gw, gb


def check_conv_case(case):
    """Validates the layout of one conv case and recomputes it from the definitions (exactly)."""
    name, op = case["name"], case["op"]
    keys = [k for k in CONV_KEYS if not (op == "conv2d" and k == "output_padding")]
    assert list(case) == keys, (name, list(case))
    assert op in ("conv_transpose2d", "conv2d") and case["dtype"] == "float32", name
    assert case["reference"] == "float64", name
    n, cin, h, w = case["input_shape"]
    g = case["groups"]
    opad = case.get("output_padding", [0, 0])
    for key in ("kernel", "stride", "padding", "dilation"):
        assert len(case[key]) == 2 and all(isinstance(v, int) for v in case[key]), (name, key)
    if op == "conv_transpose2d":
        cout = case["weight_shape"][1] * g
        assert case["weight_shape"] == [cin, cout // g] + case["kernel"], name
        hw = [conv_transpose2d_length(i, *a) for i, a in zip(
            (h, w), zip(case["kernel"], case["stride"], case["padding"], opad, case["dilation"]))]
        assert all(o < s or o < d for o, s, d in zip(opad, case["stride"], case["dilation"])), name
    else:
        cout = case["weight_shape"][0]
        assert case["weight_shape"] == [cout, cin // g] + case["kernel"], name
        hw = [conv2d_length(i, *a) for i, a in zip(
            (h, w), zip(case["kernel"], case["stride"], case["padding"], case["dilation"]))]
    assert cin % g == 0 and cout % g == 0, name
    assert case["output_shape"] == [n, cout] + hw, (name, case["output_shape"], hw)
    shapes = {"input": case["input_shape"], "weight": case["weight_shape"],
              "output": case["output_shape"], "grad_output": case["output_shape"],
              "grad_input": case["input_shape"], "grad_weight": case["weight_shape"]}
    if case["has_bias"]:
        shapes["bias"] = shapes["grad_bias"] = [cout]
    else:
        assert case["bias"] is None and case["grad_bias"] is None, name
    arrays = {}
    for key, shape in shapes.items():
        values = case[key]
        assert len(values) == int(np.prod(shape)), (name, key)
        assert all(isinstance(v, float) and float(np.float32(v)) == v for v in values), (name, key)
        arrays[key] = np.array(values, dtype=np.float64).reshape(shape)
    for key in ("input", "weight", "bias", "grad_output"):
        if key in arrays:
            assert np.all(arrays[key] * CONV_STEP == np.round(arrays[key] * CONV_STEP)), (name, key)
            assert np.all(np.abs(arrays[key]) <= 2), (name, key)
    out, gx, gw, gb = conv_by_definition(case, arrays["input"], arrays["weight"],
                                         arrays.get("bias"), arrays["grad_output"])
    assert np.array_equal(out, arrays["output"]), (name, "output")
    assert np.array_equal(gx, arrays["grad_input"]), (name, "grad_input")
    assert np.array_equal(gw, arrays["grad_weight"]), (name, "grad_weight")
    if case["has_bias"]:
        assert np.array_equal(gb, arrays["grad_bias"]), (name, "grad_bias")


def check_conv_file():
    """`check` for conv_pytorch.json."""
    with open(CONV_FILE, encoding="ascii") as f:
        data = json.load(f)
    assert data["generator"] == GENERATOR, CONV_FILE
    cases = data["cases"]
    names = [c["name"] for c in cases]
    assert len(set(names)) == len(names), CONV_FILE
    counts = {}
    for case in cases:
        check_conv_case(case)
        counts[case["op"]] = counts.get(case["op"], 0) + 1
    for op, specs in (("conv_transpose2d", CONV_TRANSPOSE_SPECS), ("conv2d", CONV2D_SPECS)):
        conv_coverage(op, specs)
    size = os.path.getsize(CONV_FILE)
    print("%s: %d cases, %d bytes, versions %s" % (os.path.relpath(CONV_FILE, REPO), len(cases),
                                                   size, data["versions"]))
    print("  " + ", ".join("%s %d" % kv for kv in sorted(counts.items())))
    print("  every case equals the definitions (forward and the three gradients, exactly); every "
          "parameter value is used by at least two cases of each operator")
    assert size <= CONV_MAX_BYTES, CONV_FILE


# ----------------------------------------------------------------------------------------------
# The adjoint of resize: gradients of torch F.interpolate (autograd, float64)

RESIZE_BACKWARD_FILE = os.path.join(HERE, "resize_backward_pytorch.json")
RESIZE_BACKWARD_MAX_BYTES = 300 * 1024
RESIZE_BACKWARD_KEYS = ["name", "op", "method", "coordinate_mode", "nearest_mode", "cubic_a",
                        "exclude_outside", "scale", "dtype", "reference", "torch_call",
                        "input_shape", "output_shape", "grad_output", "grad_input"]

# (label, forward input shape, size or None, scale_factor or None); scale_factor is passed with
# recompute_scale_factor=False, so torch's backward uses it for the coordinates, as the forward.
# No nearest pick of these is near a rounding boundary (run_resize_backward asserts it): a pick
# that float arithmetic may flip would move a whole gradient term to the next input pixel.
RESIZE_BACKWARD_SPECS = [
    ("size_up_2x", [1, 1, 3, 5], (6, 10), None),
    ("size_up_nonint", [1, 2, 3, 5], (5, 8), None),
    ("size_down", [2, 2, 3, 5], (2, 3), None),
    ("size_down_out_h1", [1, 2, 3, 5], (1, 4), None),
    ("size_in1x1", [1, 1, 1, 1], (3, 4), None),
    ("scale_2", [1, 2, 3, 4], None, 2.0),
    ("scale_3", [1, 1, 2, 3], None, 3.0),
    ("scale_1.5", [1, 2, 3, 5], None, 1.5),
    ("scale_0.5", [2, 2, 4, 4], None, 0.5),
    ("scale_0.75", [1, 1, 4, 5], None, 0.75),
    ("scale_2.5x0.6", [1, 1, 3, 5], None, (2.5, 0.6)),
    ("scale_1.7x1.3", [1, 2, 4, 5], None, (1.7, 1.3)),
]


def resize_adjoint_exact(case):
    """grad_input of the exact ONNX Resize formulas under the case's options (see axis_taps):
    per plane Th^T G Tw, in rational arithmetic; and the set of fragile (y, x) axis picks."""
    n, c, h, w = case["input_shape"]
    h2, w2 = case["output_shape"][2:]
    sh, sw = (None, None) if case["scale"] is None else case["scale"]
    taps_h, frag_h = axis_taps(case, h, h2, sh, "spec")
    taps_w, frag_w = axis_taps(case, w, w2, sw, "spec")
    go = [Fraction(v) for v in case["grad_output"]]
    out = []
    for p in range(n * c):
        plane = go[p * h2 * w2:(p + 1) * h2 * w2]
        gi = [[Fraction(0)] * w for _ in range(h)]
        for y in range(h2):
            for x in range(w2):
                v = plane[y * w2 + x]
                if v == 0:
                    continue
                for i, wy in taps_h[y]:
                    for j, wx in taps_w[x]:
                        gi[i][j] += wy * wx * v
        out += [gi[i][j] for i in range(h) for j in range(w)]
    return out, frag_h, frag_w


def run_resize_backward(_args):
    import torch
    import torch.nn.functional as F
    torch.set_num_threads(1)
    versions = dict(base_versions(), torch=torch.__version__,
                    reference="torch float64: x.grad of sum(interpolate(x) * grad_output), cast "
                              "to float32; grad_output multiples of 1/32 in [-2, 2]")
    cases, worst = [], 0.0
    for tmode, align, method, coord, nmode in TORCH_MODES:
        for label, shape, size, factor in RESIZE_BACKWARD_SPECS:
            name = "pytorch/%s%s/float32/%s/%s" % (
                tmode, "" if align is None else "/align_corners=%d" % align, label,
                "x".join(map(str, shape)))
            rng = np.random.RandomState(zlib.crc32(name.encode("utf-8")))
            x = torch.tensor(rng.uniform(-2, 2, size=shape), dtype=torch.float64,
                             requires_grad=True)
            call = {"mode": tmode, "align_corners": align, "size": None, "scale_factor": None,
                    "recompute_scale_factor": None}
            kwargs = {"mode": tmode}
            if align is not None:
                kwargs["align_corners"] = align
            if size is not None:
                kwargs["size"] = size
                call["size"] = list(size)
                scale = None
            else:
                kwargs["scale_factor"] = factor
                kwargs["recompute_scale_factor"] = False
                call["scale_factor"] = list(factor) if isinstance(factor, tuple) else factor
                call["recompute_scale_factor"] = False
                scale = list(factor) if isinstance(factor, tuple) else [factor, factor]
            y = F.interpolate(x, **kwargs)
            out_shape = list(y.shape)
            if scale is not None:
                assert out_shape[2:] == [math.floor(shape[2] * scale[0]),
                                         math.floor(shape[3] * scale[1])], (name, out_shape)
            go = conv_values(rng, out_shape)
            (y * torch.tensor(go, dtype=torch.float64)).sum().backward()
            gi = x.grad.numpy()
            case = {"name": name, "op": "resize_backward", "method": method,
                    "coordinate_mode": coord, "nearest_mode": nmode, "cubic_a": -0.75,
                    "exclude_outside": False, "scale": scale_json(scale), "dtype": "float32",
                    "reference": "float64", "torch_call": call, "input_shape": list(shape),
                    "output_shape": out_shape, "grad_output": flat_values(go, "float32"),
                    "grad_input": flat_values(gi, "float32")}
            # torch's float64 gradient against the exact adjoint (before the float32 cast).
            exact, frag_h, frag_w = resize_adjoint_exact(case)
            assert not frag_h and not frag_w, (name, "nearest pick near a boundary", frag_h,
                                               frag_w)
            err = max(abs(float(e) - g) for e, g in zip(exact, gi.reshape(-1)))
            assert err < 1e-12, (name, err)
            worst = max(worst, err)
            check_resize_backward_case(case)
            cases.append(case)
    print("  resize_backward: largest float64 difference of torch from the exact adjoint %.3g" %
          worst)
    write_json(RESIZE_BACKWARD_FILE, versions, cases, max_bytes=RESIZE_BACKWARD_MAX_BYTES)


def check_resize_backward_case(case):
    """Validates one resize_backward case and compares it with the exact adjoint of the formulas:
    each value must be the float32 rounding of the exact gradient (to within one float32 ulp)."""
    name = case["name"]
    assert list(case) == RESIZE_BACKWARD_KEYS, (name, list(case))
    assert case["op"] == "resize_backward" and case["dtype"] == "float32", name
    assert case["reference"] == "float64", name
    assert case["method"] in ("nearest", "bilinear", "bicubic"), name
    assert case["coordinate_mode"] in COORD_MODES and case["nearest_mode"] in NEAREST_MODES, name
    assert case["input_shape"][:2] == case["output_shape"][:2], name
    if case["scale"] is not None:
        for s, i, o in zip(case["scale"], case["input_shape"][2:], case["output_shape"][2:]):
            assert math.floor(i * s) == o, (name, i, s, o)
    for key, shape in (("grad_output", "output_shape"), ("grad_input", "input_shape")):
        assert len(case[key]) == int(np.prod(case[shape])), (name, key)
        assert all(isinstance(v, float) and float(np.float32(v)) == v for v in case[key]), name
    exact, frag_h, frag_w = resize_adjoint_exact(case)
    assert not frag_h and not frag_w, (name, "fragile nearest pick")
    for k, (g, e) in enumerate(zip(case["grad_input"], exact)):
        e = float(e)
        assert abs(g - e) <= abs(e) * 2.0 ** -23 + 1e-12, (name, k, g, e)


def check_resize_backward_file():
    """`check` for resize_backward_pytorch.json."""
    with open(RESIZE_BACKWARD_FILE, encoding="ascii") as f:
        data = json.load(f)
    assert data["generator"] == GENERATOR, RESIZE_BACKWARD_FILE
    cases = data["cases"]
    names = [c["name"] for c in cases]
    assert len(set(names)) == len(names), RESIZE_BACKWARD_FILE
    counts = {}
    for case in cases:
        check_resize_backward_case(case)
        label = "%s/%s" % (case["method"], case["coordinate_mode"])
        counts[label] = counts.get(label, 0) + 1
    size = os.path.getsize(RESIZE_BACKWARD_FILE)
    print("%s: %d cases, %d bytes, versions %s" % (
        os.path.relpath(RESIZE_BACKWARD_FILE, REPO), len(cases), size, data["versions"]))
    print("  " + ", ".join("%s %d" % kv for kv in sorted(counts.items())))
    print("  every case is the float32 rounding of the exact adjoint of the resize formulas")
    assert size <= RESIZE_BACKWARD_MAX_BYTES, RESIZE_BACKWARD_FILE


# ----------------------------------------------------------------------------------------------
# check

RESIZE_KEYS = {"name", "op", "method", "coordinate_mode", "nearest_mode", "cubic_a",
               "exclude_outside", "scale", "dtype", "input_shape", "input", "output_shape",
               "output"}
UNPOOL_KEYS = {"name", "op", "mode", "factor", "dtype", "input_shape", "input", "output_shape",
               "output"}
OPTIONAL_KEYS = {"deviation", "near_boundary_outputs", "dtype_rounding"}


def validate_case(case):
    keys = RESIZE_KEYS if case["op"] == "resize" else UNPOOL_KEYS
    missing = keys - set(case)
    extra = set(case) - keys - OPTIONAL_KEYS
    assert not missing and not extra, (case["name"], missing, extra)
    assert case["dtype"] in ("float32", "uint8")
    for key in ("input", "output"):
        shape = case[key + "_shape"]
        assert len(shape) == 4 and all(d >= 1 for d in shape), case["name"]
        assert len(case[key]) == int(np.prod(shape)), (case["name"], key)
        for v in case[key]:
            if case["dtype"] == "uint8":
                assert isinstance(v, int) and 0 <= v <= 255, case["name"]
            else:
                assert isinstance(v, float) and float(np.float32(v)) == v, (case["name"], v)
    assert case["input_shape"][:2] == case["output_shape"][:2], case["name"]
    if case["op"] == "resize":
        assert case["method"] in ("nearest", "bilinear", "bicubic")
        assert case["coordinate_mode"] in COORD_MODES and case["nearest_mode"] in NEAREST_MODES
        if case["scale"] is not None:
            for s, i, o in zip(case["scale"], case["input_shape"][2:], case["output_shape"][2:]):
                assert math.floor(i * s) == o, (case["name"], i, s, o)
    else:
        assert case["mode"] in ("nearest", "bed_of_nails")
        kh, kw = case["factor"]
        n, c, h, w = case["input_shape"]
        assert case["output_shape"] == [n, c, h * kh, w * kw], case["name"]


def run_check(_args):
    failures = 0
    for key, path in FILES.items():
        with open(path, encoding="ascii") as f:
            data = json.load(f)
        size = os.path.getsize(path)
        assert data["generator"] == GENERATOR, path
        cases = data["cases"]
        counts = {}
        for case in cases:
            validate_case(case)
            dev, fragile, _ = compare_with_oracle(case)
            if dev != case.get("deviation") or fragile != case.get("near_boundary_outputs", []):
                failures += 1
                print("  annotation mismatch in %s: %s %s" % (case["name"], dev, fragile))
            label = case["op"] + "/" + case.get("method", case.get("mode")) + "/" + case["dtype"]
            counts[label] = counts.get(label, 0) + 1
        names = [c["name"] for c in cases]
        assert len(set(names)) == len(names), path
        print("%s: %d cases, %d bytes, versions %s" % (os.path.relpath(path, REPO), len(cases),
                                                       size, data["versions"]))
        print("  " + ", ".join("%s %d" % kv for kv in sorted(counts.items())))
        print("  with deviation: %d, with near_boundary_outputs: %d" % (
            sum("deviation" in c for c in cases), sum("near_boundary_outputs" in c for c in cases)))
        assert size <= MAX_FILE_BYTES, path
    check_shuffle_file()
    check_pool_file()
    check_conv_file()
    check_resize_backward_file()
    if failures:
        raise SystemExit("%d annotation mismatches" % failures)


def run_all(args):
    me = os.path.abspath(__file__)
    subprocess.check_call([args.torch_python, me, "torch"])
    subprocess.check_call([args.onnx_python, me, "onnx"])
    subprocess.check_call([args.torch_python, me, "shuffle"])
    subprocess.check_call([args.torch_python, me, "pool"])
    subprocess.check_call([args.torch_python, me, "conv"])
    subprocess.check_call([args.torch_python, me, "resize_backward"])
    run_check(args)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["torch", "onnx", "shuffle", "pool", "conv",
                                            "resize_backward", "check", "all"])
    parser.add_argument("--torch-python", default="/usr/bin/python3",
                        help="interpreter with torch, for `all` (default /usr/bin/python3)")
    parser.add_argument("--onnx-python", default=os.path.join(REPO, ".venv", "bin", "python"),
                        help="interpreter with onnx, for `all` (default <repo>/.venv/bin/python)")
    args = parser.parse_args()
    {"torch": run_torch, "onnx": run_onnx, "shuffle": run_shuffle, "pool": run_pool,
     "conv": run_conv, "resize_backward": run_resize_backward, "check": run_check,
     "all": run_all}[args.command](args)


if __name__ == "__main__":
    main()
