#!/bin/sh
# Time and peak memory against image size: upsample (resize 2x) and OpenCV cv::resize on the same
# data, beside the bandwidth bound, from 64x64 to 8192x8192 RGB uint8 (nearest, bilinear,
# bicubic), and 1..16 images of 64x256x256 float32 NCHW (bilinear). One process per point, so
# each peak resident set is that point's alone. Writes bench/scaling.csv, PyTorch's times on the
# same data where it is installed (bench/scaling_pytorch.py: bench/scaling_pytorch.csv), then
# bench/plot_scaling.py draws bench/scaling_*.png (needs python3-matplotlib).
#   bench/scaling.sh [--threads=N] [--quick]   (--quick: up to 2048, bilinear only)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${UPSAMPLE_BUILD_DIR:-$root/build}
threads=1
quick=0
for arg in "$@"; do
  case $arg in
    --threads=*) threads=${arg#--threads=} ;;
    --quick) quick=1 ;;
    *) echo "scaling.sh: unknown argument $arg" >&2; exit 2 ;;
  esac
done
if [ ! -f "$build/CMakeCache.txt" ] ||
   ! grep -q '^UPSAMPLE_BUILD_BENCHMARKS:BOOL=ON' "$build/CMakeCache.txt"; then
  cmake -S "$root" -B "$build" -G Ninja -DUPSAMPLE_BUILD_BENCHMARKS=ON
fi
cmake --build "$build" --target upsample_scaling_bench
bench=$build/bench/upsample_scaling_bench
out=$root/bench/scaling.csv
[ "$quick" = 1 ] && out=$build/bench/scaling.csv
sizes="64 128 256 512 1024 2048 4096 8192"
ops="nearest bilinear bicubic"
batches="1 2 4 8 16"
if [ "$quick" = 1 ]; then sizes="64 256 1024 2048"; ops=bilinear; batches="1 4"; fi
# One bandwidth measurement for every point, so the bound is the same yardstick throughout.
bw=$("$bench" --op nearest --data rgb_u8 --size 64 --threads "$threads" --min-time 0.01 |
     awk -F, '{ printf "%.3f", ($6 + $7) / ($10 * 1e6) }')
echo "op,data,size,batch,threads,input_bytes,output_bytes,ours_ms,opencv_ms,bound_ms,peak_rss_bytes,scratch_bytes" > "$out"
for op in $ops; do
  for size in $sizes; do
    "$bench" --op "$op" --data rgb_u8 --size "$size" --threads "$threads" --bandwidth "$bw" | tee -a "$out"
  done
done
for batch in $batches; do
  "$bench" --op bilinear --data nchw_f32 --size 256 --batch "$batch" --threads "$threads" \
    --bandwidth "$bw" | tee -a "$out"
done
echo "scaling.sh: $out (copy bandwidth $bw GB/s, $threads thread(s))"
python=${PYTHON:-/usr/bin/python3}
torch_csv=$(dirname "$out")/scaling_pytorch.csv
if "$python" -c "import torch" 2> /dev/null; then
  "$python" "$root/bench/scaling_pytorch.py" "$threads" "$torch_csv"
else
  echo "scaling.sh: no PyTorch (bench/install-pytorch-deps.sh installs it): plots without it"
  rm -f "$torch_csv"
fi
if "$python" -c "import matplotlib" 2> /dev/null; then
  "$python" "$root/bench/plot_scaling.py" "$out" "$(dirname "$out")"
else
  echo "scaling.sh: python3-matplotlib is missing (apt-get install python3-matplotlib): no plots"
fi
