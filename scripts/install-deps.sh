#!/usr/bin/env bash
# Installs everything the build, the tests, the demo and the benchmarks need on Debian 12 (as root).
# Quick when everything is already there.
set -euo pipefail

packages=(
  cmake ninja-build g++ pkg-config
  libhalide14-0-dev         # Halide 14 + LLVM 14: generators and runtime
  catch2                    # tests (v2)
  libcli11-dev              # the upsample command-line program
  nlohmann-json3-dev        # golden vectors in the tests
  libpng-dev                # PNG input and output
  libbenchmark-dev          # bench/
  libopencv-dev             # bench/ (comparison with cv::resize)
  binutils                  # readelf: the checks of generated libraries and dynamic dependencies
  g++-aarch64-linux-gnu     # the aarch64 Linux family (scripts/test.sh, examples/embedded)
  g++-arm-linux-gnueabihf   # the armv7 Linux family
  qemu-user                 # runs the ARM test suites and examples
  pocl-opencl-icd           # an OpenCL device on the CPU: the suite through the GPU schedules
  ocl-icd-opencl-dev        # libOpenCL.so, which Halide's OpenCL runtime loads
)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all packages present"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing ${missing[*]}; run as root (or install them yourself)" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
