#!/usr/bin/env bash
# The whole test suite on a fresh Debian 12 machine: dependencies, build, ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
build=${UPSAMPLE_BUILD_DIR:-build}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DUPSAMPLE_BUILD_BENCHMARKS=OFF
cmake --build "$build"
ctest --test-dir "$build" --output-on-failure -j "$(nproc)"
