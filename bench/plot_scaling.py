#!/usr/bin/env python3
"""Plots bench/scaling.sh's CSV: time against pixels for each operator, upsample beside OpenCV and
the bandwidth bound (log-log), and the library's scratch memory against image size.

    python3 bench/plot_scaling.py bench/scaling.csv bench/

writes scaling_time_rgb_u8.png, scaling_batch_nchw_f32.png and scaling_memory.png there.
"""
import csv
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: plot_scaling.py SCALING_CSV OUTPUT_DIR")
    with open(sys.argv[1], newline="") as f:
        rows = list(csv.DictReader(f))
    out_dir = sys.argv[2]
    threads = rows[0]["threads"] if rows else "?"
    # PyTorch's times on the same data, where bench/scaling_pytorch.py ran.
    torch_ms = {}
    torch_csv = os.path.join(os.path.dirname(sys.argv[1]), "scaling_pytorch.csv")
    if os.path.exists(torch_csv):
        with open(torch_csv, newline="") as f:
            for r in csv.DictReader(f):
                torch_ms[(r["op"], r["data"], r["size"], r["batch"])] = float(r["torch_ms"])

    def plot_series(ax, xs, points, opencv_label):
        """upsample, OpenCV and the bound at xs, and PyTorch where it was measured."""
        for key, label, style in (("ours_ms", "upsample", "o-"), ("opencv_ms", opencv_label, "s-"),
                                  ("bound_ms", "bandwidth bound", "k--")):
            ax.loglog(xs, [float(r[key]) for r in points], style, label=label)
        torch_points = [torch_ms.get((r["op"], r["data"], r["size"], r["batch"])) for r in points]
        measured = [(x, t) for x, t in zip(xs, torch_points) if t is not None]
        if measured:
            ax.loglog([x for x, _ in measured], [t for _, t in measured], "^-", label="PyTorch 1.13")

    def decorate(ax, title, xlabel, ylabel):
        ax.set_title(title)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend()

    rgb = [r for r in rows if r["data"] == "rgb_u8"]
    ops = sorted({r["op"] for r in rgb}, key=["nearest", "bilinear", "bicubic"].index)
    # Each operator's points by increasing size.
    by_op = {op: sorted((r for r in rgb if r["op"] == op), key=lambda r: int(r["size"])) for op in ops}
    fig, axes = plt.subplots(1, len(ops), figsize=(5 * len(ops), 4), squeeze=False)
    for ax, op in zip(axes[0], ops):
        points = by_op[op]
        plot_series(ax, [int(r["size"]) ** 2 * 4 for r in points], points, "OpenCV 4.6")
        decorate(ax, f"{op} 2x, RGB uint8, {threads} thread(s)", "output pixels", "ms per call")
    fig.tight_layout()
    fig.savefig(os.path.join(out_dir, "scaling_time_rgb_u8.png"), dpi=100)

    nchw = sorted((r for r in rows if r["data"] == "nchw_f32"), key=lambda r: int(r["batch"]))
    if nchw:
        fig, ax = plt.subplots(figsize=(5, 4))
        batches = [int(r["batch"]) for r in nchw]
        plot_series(ax, batches, nchw, "OpenCV 4.6 (per plane)")
        decorate(ax, f"bilinear 2x, Nx64x256x256 float32, {threads} thread(s)", "batch",
                 "ms per call")
        fig.tight_layout()
        fig.savefig(os.path.join(out_dir, "scaling_batch_nchw_f32.png"), dpi=100)

    fig, ax = plt.subplots(figsize=(5, 4))
    for op, points in by_op.items():
        ax.semilogx([int(r["size"]) ** 2 for r in points],
                    [max(0, int(r["scratch_bytes"])) / 2**20 for r in points], "o-", label=op)
    decorate(ax, "peak RSS - (input + output), RGB uint8 2x", "input pixels", "MiB")
    fig.tight_layout()
    fig.savefig(os.path.join(out_dir, "scaling_memory.png"), dpi=100)


if __name__ == "__main__":
    main()
