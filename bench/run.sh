#!/bin/sh
# Builds and runs the benchmarks:
#   upsample_bench       resize/unpool against OpenCV and the bandwidth bound:
#                        bench/results.csv and bench/results_table.md
#   pytorch_bench.py     PyTorch on upsample_conv_bench's shapes (skipped with a message when torch
#                        is missing): BUILD/bench/pytorch_results.csv and pytorch_table.md
#   upsample_conv_bench  conv_transpose2d against the FMA peak, max_unpool2d and pixel_shuffle
#                        against the bandwidth bound, PyTorch's times beside them:
#                        BUILD/bench/conv_results.csv and conv_results_table.md
#                        (BUILD = the build directory; bench/RESULTS.md records a run's table)
#   bench/run.sh                  full run (about 13 minutes for upsample_bench, 8 more for the rest)
#   bench/run.sh --quick          smoke run: fewer cases, 1 repetition; writes its CSVs and tables
#                                 under the build directory instead
#   bench/run.sh --wait-idle=600  before each step wait up to 600 s for a moment when 2 threads get
#                                 2 cores
#   bench/run.sh --conv-only      only PyTorch and upsample_conv_bench
#   bench/run.sh --no-conv        only upsample_bench
#   bench/run.sh --no-pytorch     without the PyTorch step
#   bench/run.sh --pytorch-ref-blas  also run PyTorch with Debian's reference BLAS
#                                 (LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/blas), convolutions
#                                 only: BUILD/bench/pytorch_refblas_results.csv and its table
# Other arguments go to upsample_bench (see its --help), e.g. --benchmark_filter=rgb_u8;
# UPSAMPLE_CONV_BENCH_ARGS holds extra arguments for upsample_conv_bench.
# PyTorch: bench/install-pytorch-deps.sh installs Debian's python3-torch and OpenBLAS.
# Timings mean something only on an otherwise idle machine: the table headers record the load
# average and how much CPU 2 threads actually got, at the start and at the end.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${UPSAMPLE_BUILD_DIR:-$root/build}
lock=/tmp/upsample-build.lock
python=${PYTHON:-/usr/bin/python3}
wait_idle=0
quick=
run_resize=1
run_conv=1
run_torch=1
ref_blas=0
out=$root/bench  # a full run of upsample_bench replaces bench/results.csv and results_table.md
for arg in "$@"; do
  case $arg in
    --wait-idle=*) wait_idle=${arg#--wait-idle=} ;;
    --quick) out=$build/bench; quick=--quick ;;  # a smoke run leaves the committed results alone
    --conv-only) run_resize=0 ;;
    --no-conv) run_conv=0 ;;
    --no-pytorch) run_torch=0 ;;
    --pytorch-ref-blas) ref_blas=1 ;;
  esac
done

if [ ! -f "$build/CMakeCache.txt" ] ||
   ! grep -q '^UPSAMPLE_BUILD_BENCHMARKS:BOOL=ON' "$build/CMakeCache.txt"; then
  flock "$lock" cmake -S "$root" -B "$build" -G Ninja -DUPSAMPLE_BUILD_BENCHMARKS=ON
fi
targets=
[ "$run_resize" = 1 ] && targets="$targets upsample_bench"
[ "$run_conv" = 1 ] && targets="$targets upsample_conv_bench"
# shellcheck disable=SC2086
flock "$lock" cmake --build "$build" --target $targets
bench=$build/bench/upsample_bench
conv_out=$build/bench
conv_bench=$build/bench/upsample_conv_bench
probe=$bench
[ "$run_resize" = 1 ] || probe=$conv_bench
mkdir -p "$out" "$conv_out"
rev=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(git -C "$root" status --porcelain 2>/dev/null | grep -v ' bench/' | wc -l)
echo "library built from commit $rev plus $dirty uncommitted path(s) outside bench/"

# Waits (up to --wait-idle seconds each time) until 2 threads get 2 cores; before every step.
wait_for_idle() {
  waited=0
  while [ "$waited" -lt "$wait_idle" ]; do
    cpu=$("$probe" --probe-cpu)
    if awk -v c="$cpu" 'BEGIN { exit !(c >= 1.8) }'; then break; fi
    echo "waiting for an idle machine: 2 threads get $cpu cores' worth, load $(cut -d' ' -f1 /proc/loadavg)"
    sleep 15
    waited=$((waited + 15))
  done
}
wait_for_idle

echo "load before: $(uptime)"
status=0
# This script's own flags are removed; everything else goes to upsample_bench.
set -- $(for arg in "$@"; do
  case $arg in
    --wait-idle=* | --conv-only | --no-conv | --no-pytorch | --pytorch-ref-blas) ;;
    *) printf '%s\n' "$arg" ;;
  esac
done)
if [ "$run_resize" = 1 ]; then
  "$bench" --csv="$out/results.csv" --table="$out/results_table.md" "$@" || status=$?
fi

if [ "$run_conv" = 1 ]; then
  torch_csv=
  if [ "$run_torch" = 1 ]; then
    if "$python" -c 'import torch' 2>/dev/null; then
      echo "PyTorch: $("$python" -c 'import torch; print(torch.__version__)'), libblas.so.3 -> $(readlink -f /etc/alternatives/libblas.so.3-x86_64-linux-gnu 2>/dev/null || echo '?')"
      wait_for_idle
      if "$python" "$root/bench/pytorch_bench.py" $quick --csv="$conv_out/pytorch_results.csv" \
           --table="$conv_out/pytorch_table.md"; then
        torch_csv=--pytorch-csv=$conv_out/pytorch_results.csv
      else
        status=1
      fi
      if [ "$ref_blas" = 1 ]; then
        if [ -f /usr/lib/x86_64-linux-gnu/blas/libblas.so.3 ]; then
          wait_for_idle
          LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/blas${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} \
            "$python" "$root/bench/pytorch_bench.py" $quick --ops=conv --rounds=1 --repetitions=3 \
            --csv="$conv_out/pytorch_refblas_results.csv" --table="$conv_out/pytorch_refblas_table.md" ||
            status=1
        else
          echo "reference BLAS (libblas3) not installed: --pytorch-ref-blas skipped"
        fi
      fi
    else
      echo "PyTorch not importable by $python: PyTorch step skipped (bench/install-pytorch-deps.sh installs it)"
    fi
  fi
  wait_for_idle
  # shellcheck disable=SC2086
  "$conv_bench" $quick --csv="$conv_out/conv_results.csv" --table="$conv_out/conv_results_table.md" \
    $torch_csv ${UPSAMPLE_CONV_BENCH_ARGS:-} || status=$?
fi
echo "load after: $(uptime)"
exit $status
