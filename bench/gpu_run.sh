#!/usr/bin/env bash
# On a machine with an NVIDIA GPU: upsample_gpu_bench, PyTorch's CUDA kernels on the same cases
# (bench/pytorch_gpu_bench.py, when torch is there), then the CUDA build's whole suite on the GPU.
#
#   bash bench/gpu_run.sh [BUILD_DIR (build-cuda)] [OUT_DIR (BUILD_DIR/gpu_run)]
#
# BUILD_DIR is a built `cuda` preset (scripts/test.sh builds it). Writes to OUT_DIR: device.txt,
# suite.log, gpu_results.csv, pytorch_gpu.csv and gpu_table.md (the side-by-side table).
# The PTX check is left out: it needs the generated libraries, and scripts/test.sh runs it.
set -uo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-cuda}
out=${2:-$build/gpu_run}
mkdir -p "$out"
status=0

{
  nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm,clocks.max.mem \
    --format=csv 2>&1 || echo "nvidia-smi: not found"
  echo "cpus: $(nproc)"
} | tee "$out/device.txt"

echo "gpu_run.sh: upsample_gpu_bench"
"$build/bench/upsample_gpu_bench" --csv "$out/gpu_results.csv" || status=1

if python3 -c "import torch" 2> /dev/null; then
  echo "gpu_run.sh: PyTorch's CUDA kernels on the same cases"
  python3 bench/pytorch_gpu_bench.py --ours "$out/gpu_results.csv" --csv "$out/pytorch_gpu.csv" \
    --table "$out/gpu_table.md" || status=1
else
  echo "gpu_run.sh: no torch in python3: no PyTorch comparison"
fi
# One process: ctest's one process per test case (ctest --test-dir BUILD_DIR -L cuda) also works,
# but its processes time-share the GPU, and each synchronizing call waits out the others' slices:
# on an H100 with -j 16 single cases took up to 470 s, and the run outlasted 9 minutes; in one
# process the whole suite took under 3 minutes.
echo "gpu_run.sh: the whole suite on CUDA, in one process"
UPSAMPLE_DEVICE=cuda,fallback,skip-if-missing "$build/tests/upsample_tests" --durations yes \
  > "$out/suite.log" 2>&1 || status=1
grep -E "^(All tests passed|test cases:|assertions:)" "$out/suite.log" || tail -n 25 "$out/suite.log"

exit $status
