#!/usr/bin/env python3
"""PyTorch's F.interpolate on bench/scaling.sh's data, for the scaling plots: nearest on RGB uint8
images in channels-last memory (the same bytes as upsample's NHWC input; PyTorch 1.13 has no uint8
bilinear or bicubic on the CPU) and bilinear on Nx64x256x256 float32 NCHW maps.

    python3 bench/scaling_pytorch.py THREADS OUT_CSV

Each time is the best of 5 samples, each the mean over at least 0.2 s of calls, after one warm-up
call, written as op,data,size,batch,threads,torch_ms.
"""
import sys
import time

import torch
import torch.nn.functional as F


def best_ms(call, min_time=0.2):
    call()
    best = float("inf")
    for _ in range(5):
        calls, start = 0, time.perf_counter()
        while True:
            call()
            calls += 1
            elapsed = time.perf_counter() - start
            if elapsed >= min_time:
                break
        best = min(best, elapsed / calls)
    return best * 1e3


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: scaling_pytorch.py THREADS OUT_CSV")
    threads = int(sys.argv[1])
    torch.set_num_threads(threads)
    rows = []
    with torch.no_grad():
        for size in (64, 128, 256, 512, 1024, 2048, 4096, 8192):
            x = torch.randint(0, 256, (1, 3, size, size), dtype=torch.uint8)
            x = x.contiguous(memory_format=torch.channels_last)
            out = torch.empty((1, 3, 2 * size, 2 * size), dtype=torch.uint8)
            out = out.contiguous(memory_format=torch.channels_last)

            def nearest():
                out.copy_(F.interpolate(x, scale_factor=2, mode="nearest"))

            # The copy into a preallocated output adds a pass; time interpolate alone too and keep
            # the faster, since PyTorch users get a fresh tensor.
            ms = min(best_ms(nearest), best_ms(lambda: F.interpolate(x, scale_factor=2, mode="nearest")))
            rows.append(("nearest", "rgb_u8", size, 1, threads, ms))
            print(rows[-1], flush=True)
        for batch in (1, 2, 4, 8, 16):
            x = torch.rand((batch, 64, 256, 256), dtype=torch.float32)
            ms = best_ms(lambda: F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False))
            rows.append(("bilinear", "nchw_f32", 256, batch, threads, ms))
            print(rows[-1], flush=True)
    with open(sys.argv[2], "w") as f:
        f.write("op,data,size,batch,threads,torch_ms\n")
        for r in rows:
            f.write("%s,%s,%d,%d,%d,%.4f\n" % r)


if __name__ == "__main__":
    main()
