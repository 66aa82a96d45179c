#!/usr/bin/env python3
"""PyTorch's CUDA kernels on the cases of upsample_gpu_bench, side by side with its CSV.

    python3 bench/pytorch_gpu_bench.py --ours build-cuda/bench/gpu_results.csv
                                       [--csv PATH] [--table PATH] [--runs N]

The cases are the rows of upsample_gpu_bench's CSV (--ours), whose columns say what each computes.

Each case is timed the way upsample_gpu_bench times it: tensors already on the device, one
untimed call, then the median of --runs calls, each timed on the host clock from the call to
torch.cuda.synchronize() (so both sides pay their launch overhead). Float32 math is plain float32:
TF32 is turned off for the convolution (upsample computes it in float32).
Cases PyTorch has no CUDA kernel for (bilinear and bicubic on uint8) are listed as unsupported.
The table joins the two CSVs by case name: ours/torch < 1 means upsample is faster.
Exit status 3 when torch or a CUDA device is missing.
"""

import argparse
import csv
import statistics
import sys
import time

try:
    import torch
    import torch.nn.functional as F
except ImportError as e:
    print(f"pytorch_gpu_bench.py: torch is not importable ({e})", file=sys.stderr)
    sys.exit(3)


def time_ms(call, runs):
    call()
    torch.cuda.synchronize()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        torch.cuda.synchronize()
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)


def copy_gbs(runs):
    """Bytes read plus written per second by a 256 MiB device-to-device copy."""
    source = torch.randint(0, 255, (256 << 20,), dtype=torch.uint8, device="cuda")
    target = torch.empty_like(source)
    ms = time_ms(lambda: target.copy_(source), runs)
    return 2.0 * source.numel() / (ms * 1e6)


def case_call(row, generator):
    """PyTorch's call for one row of upsample_gpu_bench's CSV, inputs made on the device.

    The row's columns (op, method, dtype, layout, n, c, h, w, out_c, out_h, out_w) describe the
    case, so the case list lives in bench/gpu_bench.cpp alone.
    """
    op, method = row["op"], row["method"]
    n, c, h, w = (int(row[k]) for k in ("n", "c", "h", "w"))
    out_c, out_h, out_w = (int(row[k]) for k in ("out_c", "out_h", "out_w"))

    def uniform(*shape):
        return torch.rand(*shape, device="cuda", generator=generator)

    if op == "resize":
        tensor = uniform(n, c, h, w)
        if row["dtype"] == "uint8":
            tensor = tensor.mul(255).to(torch.uint8)
        if row["layout"] == "nhwc":
            tensor = tensor.contiguous(memory_format=torch.channels_last)
        # upsample_gpu_bench uses the ONNX presets: half_pixel, cubic a = -0.75; at 2x the ONNX
        # nearest (round_prefer_floor) picks the pixels PyTorch's "nearest" picks.
        align_corners = None if method == "nearest" else False
        return lambda: F.interpolate(tensor, size=(out_h, out_w), mode=method,
                                     align_corners=align_corners)
    if op == "pixel_shuffle":
        tensor = uniform(n, c, h, w)
        return lambda: F.pixel_shuffle(tensor, out_h // h)
    if op == "max_unpool2d":
        values = uniform(n, c, h, w)
        y = torch.arange(h, device="cuda").view(1, 1, h, 1)
        x = torch.arange(w, device="cuda").view(1, 1, 1, w)
        # The indices upsample_gpu_bench builds: each value at one position of its 2x2 block.
        indices = ((2 * y + (x & 1)) * out_w + 2 * x + (y & 1)).expand(n, c, h, w).contiguous()
        return lambda: F.max_unpool2d(values, indices, 2, output_size=(out_h, out_w))
    if op == "conv_transpose2d":
        kernel, stride, padding = (int(part[1:]) for part in method.split())
        conv_input = uniform(n, c, h, w)
        weight = uniform(c, out_c, kernel, kernel)
        return lambda: F.conv_transpose2d(conv_input, weight, stride=stride, padding=padding)
    raise ValueError(f"unknown op '{op}' in upsample_gpu_bench's CSV")


def read_ours(path):
    with open(path, newline="") as f:
        return {row["case"]: row for row in csv.DictReader(f)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ours", required=True,
                        help="upsample_gpu_bench's CSV: its cases, and the side-by-side table")
    parser.add_argument("--csv", default="pytorch_gpu_results.csv")
    parser.add_argument("--table", help="also write the side-by-side table (markdown) here")
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    if not torch.cuda.is_available():
        print("pytorch_gpu_bench.py: skipped: torch sees no CUDA device", file=sys.stderr)
        sys.exit(3)
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.benchmark = True

    device = torch.cuda.get_device_name()
    bandwidth = copy_gbs(args.runs)
    print(f"{device}, torch {torch.__version__}: device-to-device copy {bandwidth:.1f} GB/s "
          "(read + written)")
    ours = read_ours(args.ours)
    generator = torch.Generator(device="cuda").manual_seed(0)
    results = {}
    for name, row in ours.items():
        try:
            results[name] = time_ms(case_call(row, generator), args.runs)
        except (RuntimeError, NotImplementedError) as e:
            results[name] = None
            print(f"{name}: unsupported by torch on CUDA ({str(e).splitlines()[0]})")
    with open(args.csv, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["device", "case", "ms", "copy_gbs", "torch"])
        for name, ms in results.items():
            writer.writerow([device, name, "" if ms is None else f"{ms:.4f}", f"{bandwidth:.2f}",
                             torch.__version__])

    lines = ["| case | upsample ms | x bound | torch ms | upsample / torch |",
             "|---|---|---|---|---|"]
    for name, ms in results.items():
        row = ours.get(name)
        our_ms = float(row["ms"]) if row else None
        bound = row["times_bound"] if row and float(row["times_bound"]) > 0 else "-"
        if bound != "-":
            bound = f"{float(bound):.2f}"
        ratio = f"{our_ms / ms:.2f}" if our_ms and ms else "-"
        lines.append(f"| {name} | {our_ms if our_ms is not None else '-'} | {bound} | "
                     f"{'unsupported' if ms is None else f'{ms:.4f}'} | {ratio} |")
    table = "\n".join(lines)
    print(table)
    if args.table:
        with open(args.table, "w") as f:
            f.write(table + "\n")


if __name__ == "__main__":
    main()
