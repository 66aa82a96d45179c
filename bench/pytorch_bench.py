#!/usr/bin/python3
"""PyTorch (CPU) on the shapes of upsample_conv_bench, for the comparison in bench/RESULTS.md.

    /usr/bin/python3 bench/pytorch_bench.py [--threads 1,2] [--csv PATH] [--table PATH]
                                            [--rounds N] [--repetitions N] [--min-time S] [--quick]
                                            [--ops conv,unpool,shuffle] [--no-mkldnn-variant]

Times, float32, for 1 and 2 threads (torch.set_num_threads, and OpenBLAS's own thread count set to
match through openblas_set_num_threads, since ATen does not set it):
  conv_transpose2d forward (F.conv_transpose2d with bias), and backward: torch.autograd.grad of
    the output with respect to input, weight and bias (all requires_grad) for a given grad_output,
    repeated on one retained graph, so that only the backward pass is timed (as our
    conv_transpose2d_backward call is), on
      a: 1x64x64x64 -> 64, kernel 4, stride 2, padding 1 (NCHW, and channels_last for "nhwc")
      b: 1x64x64x64 -> 64, kernel 3, stride 2, padding 1, output_padding 1
      c: 8x256x32x32 -> 128, kernel 4, stride 2, padding 1
  max_unpool2d: 1x64x64x64 values, int64 indices within 2x2 windows -> 1x64x128x128
  pixel_shuffle: 1x256x128x128 -> 1x64x256x256, factor 2
With more than one thread the convolutions are also timed as variant "blas_threads": ATen on one
thread, OpenBLAS on all of them (both on all threads oversubscribes the cores: libgomp's spinning
workers against OpenBLAS's pthreads, and is slower here). upsample_conv_bench compares with the
faster variant.
Each time is the best (and the median) of --rounds x --repetitions samples (the rounds pass over
all cases of a thread count in turn), each the mean over at least --min-time seconds of calls,
after two untimed calls: the method of upsample_conv_bench.
The CSV (op,case,layout,threads,variant,ms_min,ms_median,backend,blas,torch) is what
upsample_conv_bench --pytorch-csv reads. The run also reports which BLAS torch loaded
(torch.__config__.show(), the libblas.so.3 alternative, and the library mapped in this process):
run with LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/blas to use Debian's reference BLAS instead of
the alternative (e.g. OpenBLAS from bench/install-pytorch-deps.sh).
"""

import argparse
import os
import statistics
import sys
import time

try:
    import torch
    import torch.nn.functional as F
except ImportError as e:  # run.sh checks for this exit status
    print(f"pytorch_bench.py: torch is not importable ({e}); see bench/install-pytorch-deps.sh",
          file=sys.stderr)
    sys.exit(3)

CONV_SHAPES = {
    # name: (N, C_in, H, W, C_out, kernel, stride, padding, output_padding)
    "a": (1, 64, 64, 64, 64, 4, 2, 1, 0),
    "b": (1, 64, 64, 64, 64, 3, 2, 1, 1),
    "c": (8, 256, 32, 32, 128, 4, 2, 1, 0),
}
UNPOOL_CASE = "1x64x64x64_k2"
SHUFFLE_CASE = "1x256x128x128_f2"


def blas_report():
    """Which BLAS this process uses: torch's build settings, the alternative, the mapped library."""
    config = torch.__config__.show()
    build = [p.strip() for line in config.splitlines() for p in line.split(",")
             if "BLAS_INFO" in p or "LAPACK_INFO" in p]
    alt = "/etc/alternatives/libblas.so.3-x86_64-linux-gnu"
    alternative = os.path.realpath(alt) if os.path.exists(alt) else "none"
    # A small GEMM makes sure the BLAS is loaded and used; then read this process's mappings.
    a = torch.randn(64, 64)
    (a @ a).sum().item()
    mapped = set()
    with open("/proc/self/maps") as maps:
        for line in maps:
            path = line.split()[-1] if len(line.split()) >= 6 else ""
            base = os.path.basename(path)
            if "blas" in base or "lapack" in base or "dnnl" in base or "mkl" in base:
                mapped.add(path)
    # libtorch_cpu needs libblas.so.3 (before liblapack.so.3), so sgemm_ comes from whichever file
    # that name resolved to; OpenBLAS's liblapack.so.3 also maps libopenblas, which alone says
    # nothing about the GEMM.
    libblas = sorted(p for p in mapped if os.path.basename(p).startswith("libblas.so"))
    if any("openblas" in p for p in libblas):
        short = "OpenBLAS"
    elif any("/blas/" in p for p in libblas):
        short = "reference BLAS (netlib)"
    elif libblas:
        short = os.path.basename(libblas[0])
    else:
        short = "unknown"
    openblas = [p for p in mapped if os.path.basename(p).startswith("libopenblas")]
    return {
        "build": "; ".join(build) or "?",
        "alternative": alternative,
        "ld_library_path": os.environ.get("LD_LIBRARY_PATH", ""),
        "mapped": sorted(mapped),
        "short": short,
        "libblas": libblas[0] if libblas else "?",
        "openblas": openblas[0] if openblas else "",
        "config": config,
    }


class OpenBlasThreads:
    """OpenBLAS (pthreads build) keeps its own thread pool, sized to the machine, whatever
    torch.set_num_threads says (ATen sets only OpenMP's and MKL's counts): set it to match, so that
    a 1-thread PyTorch time is one core's work. A no-op when OpenBLAS is not mapped."""

    def __init__(self, path):
        self.lib = None
        if path:
            import ctypes
            try:
                self.lib = ctypes.CDLL(path)
                self.lib.openblas_get_num_threads.restype = ctypes.c_int
            except (OSError, AttributeError):
                self.lib = None

    def set(self, n):
        if self.lib is not None:
            self.lib.openblas_set_num_threads(int(n))

    def get(self):
        return self.lib.openblas_get_num_threads() if self.lib is not None else None


def backend_ops(fn):
    """The convolution implementations PyTorch dispatches to for one call of fn (profiler names)."""
    keys = ("slow_conv", "mkldnn", "thnn", "nnpack", "depthwise", "winograd", "max_unpool",
            "pixel_shuffle", "_convolution_backward", "convolution_backward")
    with torch.autograd.profiler.profile() as prof:
        fn()
    names = sorted({e.name for e in prof.function_events
                    if e.name.startswith("aten::") and any(k in e.name for k in keys)})
    return "+".join(n.replace("aten::", "") for n in names) or "?"


def time_fn(fn, repetitions, min_time, warm):
    """repetitions samples of the mean time of fn (ms), each over >= min_time s of calls; two
    untimed calls first when not warm yet."""
    if not warm:
        fn()
        fn()
    # Calls per repetition from one timed call.
    t0 = time.perf_counter()
    fn()
    one = max(time.perf_counter() - t0, 1e-7)
    calls = max(1, int(min_time / one + 0.5))
    samples = []
    for _ in range(repetitions):
        t0 = time.perf_counter()
        for _ in range(calls):
            fn()
        samples.append((time.perf_counter() - t0) / calls * 1e3)
    return samples


def conv_cases(shape_names, layouts_for):
    for name in shape_names:
        n, cin, h, w, cout, k, s, p, op = CONV_SHAPES[name]
        for layout in layouts_for(name):
            yield name, layout, (n, cin, h, w, cout, k, s, p, op)


def make_conv(spec, layout, backward):
    n, cin, h, w, cout, k, s, p, op = spec
    g = torch.Generator().manual_seed(1)
    x = torch.rand(n, cin, h, w, generator=g) * 2 - 1
    weight = (torch.rand(cin, cout, k, k, generator=g) * 2 - 1) / (cout * k * k) ** 0.5
    bias = torch.rand(cout, generator=g) * 2 - 1
    if layout == "nhwc":
        x = x.contiguous(memory_format=torch.channels_last)
    if not backward:
        def fwd():
            return F.conv_transpose2d(x, weight, bias, stride=s, padding=p, output_padding=op)
        return fwd
    x.requires_grad_(True)
    weight.requires_grad_(True)
    bias.requires_grad_(True)
    y = F.conv_transpose2d(x, weight, bias, stride=s, padding=p, output_padding=op)
    grad_out = torch.rand(y.shape, generator=g) * 2 - 1
    if layout == "nhwc":
        grad_out = grad_out.contiguous(memory_format=torch.channels_last)

    def bwd():
        return torch.autograd.grad(y, (x, weight, bias), grad_out, retain_graph=True)
    return bwd


def make_unpool():
    g = torch.Generator().manual_seed(2)
    x = torch.rand(1, 64, 64, 64, generator=g) * 2 - 1
    dy = torch.randint(0, 2, (1, 64, 64, 64), generator=g)
    dx = torch.randint(0, 2, (1, 64, 64, 64), generator=g)
    ys = torch.arange(64).view(1, 1, 64, 1)
    xs = torch.arange(64).view(1, 1, 1, 64)
    idx = ((2 * ys + dy) * 128 + 2 * xs + dx).to(torch.int64)
    return lambda: F.max_unpool2d(x, idx, kernel_size=2, output_size=(128, 128))


def make_shuffle():
    x = torch.rand(1, 256, 128, 128, generator=torch.Generator().manual_seed(3))
    y = F.pixel_shuffle(x, 2)
    if not y.is_contiguous():  # time a materialized output, as ours writes one
        return lambda: F.pixel_shuffle(x, 2).contiguous()
    return lambda: F.pixel_shuffle(x, 2)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--csv", default="pytorch_results.csv")
    ap.add_argument("--table", default="")
    ap.add_argument("--rounds", type=int, default=3,
                    help="passes over all cases of a thread count (samples pooled)")
    ap.add_argument("--repetitions", type=int, default=3, help="samples per case per round")
    ap.add_argument("--min-time", type=float, default=0.3)
    ap.add_argument("--quick", action="store_true", help="no case c, 1 repetition, 0.05 s")
    ap.add_argument("--ops", default="conv,unpool,shuffle")
    ap.add_argument("--shapes", default="a,b,c", help="convolution cases")
    ap.add_argument("--no-mkldnn-variant", action="store_true",
                    help="also time the convolutions with torch.backends.mkldnn disabled")
    args = ap.parse_args()
    if args.quick:
        args.rounds, args.repetitions, args.min_time = 1, 1, 0.05
    threads = sorted({int(t) for t in args.threads.split(",") if int(t) > 0})
    ops = set(args.ops.split(","))
    shapes = [s for s in args.shapes.split(",") if s in CONV_SHAPES and not (args.quick and s == "c")]

    blas = blas_report()
    print(f"torch {torch.__version__}; BLAS in this process: {blas['short']}")
    print(f"  build: {blas['build']}")
    print(f"  /etc/alternatives/libblas.so.3-x86_64-linux-gnu -> {blas['alternative']}")
    print(f"  LD_LIBRARY_PATH={blas['ld_library_path'] or '(unset)'}")
    print("  mapped: " + ", ".join(blas["mapped"]))
    print(f"  libblas.so.3 resolved to: {blas['libblas']}")
    print(f"  mkldnn available: {torch.backends.mkldnn.is_available()}")
    openblas = OpenBlasThreads(blas["openblas"])
    print(f"  load average: {open('/proc/loadavg').read().strip()}")
    sys.stdout.flush()

    rows = []
    for t in threads:
        torch.set_num_threads(t)
        openblas.set(t)
        print(f"threads: torch {torch.get_num_threads()}, OpenBLAS {openblas.get()}")
        jobs = []
        if "conv" in ops:
            for backward in (False, True):
                opname = "conv_transpose2d_bwd" if backward else "conv_transpose2d_fwd"
                for name, layout, spec in conv_cases(
                        shapes, lambda s: ["nchw", "nhwc"] if s == "a" else ["nchw"]):
                    variants = ["default"] + (["no_mkldnn"] if args.no_mkldnn_variant else [])
                    if t > 1 and openblas.lib is not None and blas["short"] == "OpenBLAS":
                        variants.append("blas_threads")
                    for variant in variants:
                        jobs.append((opname, name, layout, variant,
                                     (lambda spec=spec, layout=layout, backward=backward:
                                      make_conv(spec, layout, backward))))
        if "unpool" in ops:
            jobs.append(("max_unpool2d", UNPOOL_CASE, "nchw", "default", make_unpool))
        if "shuffle" in ops:
            jobs.append(("pixel_shuffle", SHUFFLE_CASE, "nchw", "default", make_shuffle))
        # Rounds: every job once per round, so that a burst of other work on a shared machine
        # spoils only some of a job's samples; the best and the median are over all rounds.
        state = {}
        for rnd in range(args.rounds):
            for opname, case, layout, variant, make in jobs:
                # blas_threads: ATen's own loops (im2col / col2im, OpenMP) on one thread and only
                # OpenBLAS on t threads. With both at t, libgomp's spinning workers and OpenBLAS's
                # pthreads share the cores and the GEMMs slow down; PyTorch's best setting here.
                torch.set_num_threads(1 if variant == "blas_threads" else t)
                openblas.set(t)
                key = (opname, case, layout, variant)
                with torch.backends.mkldnn.flags(enabled=(variant != "no_mkldnn")):
                    with torch.no_grad() if opname != "conv_transpose2d_bwd" else torch.enable_grad():
                        if key not in state:
                            fn = make()
                            state[key] = dict(fn=fn, backend=backend_ops(fn), samples=[])
                        st = state[key]
                        st["samples"] += time_fn(st["fn"], args.repetitions, args.min_time,
                                                 warm=rnd > 0)
                if rnd == args.rounds - 1:
                    ms_min, ms_median = min(st["samples"]), statistics.median(st["samples"])
                    row = dict(op=opname, case=case, layout=layout, threads=t, variant=variant,
                               ms_min=ms_min, ms_median=ms_median, backend=st["backend"],
                               blas=blas["short"], torch=torch.__version__)
                    rows.append(row)
                    print(f"{opname:22s} {case:17s} {layout} t{t} {variant:12s} {ms_min:9.3f} ms "
                          f"(median {ms_median:.3f})  {st['backend']}")
                    sys.stdout.flush()
        state.clear()

    with open(args.csv, "w") as f:
        f.write("op,case,layout,threads,variant,ms_min,ms_median,backend,blas,torch\n")
        for r in rows:
            f.write(f"{r['op']},{r['case']},{r['layout']},{r['threads']},{r['variant']},"
                    f"{r['ms_min']:.4f},{r['ms_median']:.4f},{r['backend']},{r['blas']},"
                    f"{r['torch']}\n")
    print(f"CSV written to {args.csv}")

    lines = [f"PyTorch {torch.__version__}, BLAS: {blas['short']} (libblas.so.3 = {blas['libblas']}; "
             f"LD_LIBRARY_PATH={blas['ld_library_path'] or 'unset'}; OpenBLAS threads set to torch's); best of "
             f"{args.rounds * args.repetitions} repetitions ({args.rounds} rounds of {args.repetitions}) "
             f"of >= {args.min_time} s; load average at the end: "
             f"{open('/proc/loadavg').read().strip()}", "",
             "| op | case | layout | thr | variant | ms (best) | ms (median) | implementation |",
             "|---|---|---|---:|---|---:|---:|---|"]
    for r in rows:
        lines.append(f"| {r['op']} | {r['case']} | {r['layout']} | {r['threads']} | "
                     f"{r['variant']} | {r['ms_min']:.3f} | {r['ms_median']:.3f} | "
                     f"{r['backend']} |")
    text = "\n".join(lines) + "\n"
    print()
    print(text)
    if args.table:
        with open(args.table, "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
