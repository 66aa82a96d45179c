#!/usr/bin/env bash
# Builds the library, the demo and the CLI on a fresh Debian 12 machine (run as root), then
# upsamples the bundled test chart 4x with every method into out/comparison.png.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build --target upsample_demo upsample_cli

mkdir -p out
build/examples/demo/upsample_demo data/test_chart.png out/comparison.png
echo "Comparison image: $(pwd)/out/comparison.png"
echo "Try the command-line program: build/tools/upsample --help"
