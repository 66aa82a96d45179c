#!/usr/bin/env bash
# The whole test suite on a fresh Debian 12 machine: dependencies, then every target family this
# machine can build (CMakePresets.json):
#   x86-64          build, then ctest: the suite once per CPU variant of the multi-target libraries
#   aarch64, armv7  cross build with the x86-64 build's generators, ctest under qemu-user
#   android-arm64, android-armv7  generate the libraries (no NDK here), check every object's machine
#   opencl          the whole suite with every call on OpenCL (PoCL here), through the GPU schedules
#   cuda            generate the CUDA variants, assemble their PTX with ptxas for sm_75..sm_90
#                   (skipped without ptxas); the whole suite on CUDA (skipped without a GPU)
# A family whose tools are missing is skipped with a message saying what is missing.
# UPSAMPLE_FAMILIES="x86-64 aarch64" limits the run to those families.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
families=${UPSAMPLE_FAMILIES:-x86-64 aarch64 armv7 android-arm64 android-armv7 opencl cuda}
jobs=$(nproc)

wanted() { [[ " $families " == *" $1 "* ]]; }

# The x86-64 build also provides the generators every other family runs.
cmake --preset x86-64
cmake --build --preset x86-64
if wanted x86-64; then
  ctest --preset x86-64 -j "$jobs"
fi

for family in aarch64 armv7; do
  wanted "$family" || continue
  triple=$([ "$family" = aarch64 ] && echo aarch64-linux-gnu || echo arm-linux-gnueabihf)
  qemu=$([ "$family" = aarch64 ] && echo qemu-aarch64 || echo qemu-arm)
  if ! command -v "$triple-g++" > /dev/null || ! command -v "$qemu" > /dev/null; then
    echo "test.sh: $family skipped: $triple-g++ or $qemu is missing (scripts/install-deps.sh installs them)"
    continue
  fi
  echo "test.sh: $family: cross build, tests under $qemu"
  cmake --preset "$family"
  cmake --build --preset "$family"
  ctest --preset "$family" -j "$jobs"
done

for family in android-arm64 android-armv7; do
  wanted "$family" || continue
  echo "test.sh: $family: generating the libraries"
  cmake --preset "$family"
  cmake --build --preset "$family"
  machine=$([ "$family" = android-arm64 ] && echo AArch64 || echo ARM)
  bash scripts/check-generated.sh "build-$family" "$machine"
done

# The GPU builds take one CPU target (baseline) for their CPU variants: the x86-64 build has
# tested those; what these steps check is the GPU code.
if wanted opencl; then
  echo "test.sh: opencl: the whole suite on OpenCL"
  cmake --preset opencl -DUPSAMPLE_X86_64_TARGETS=x86-64-linux-large_buffers
  cmake --build --preset opencl --target upsample_tests upsample_gpu_bench
  ctest --preset opencl -L opencl -j "$jobs"
fi

if wanted cuda; then
  echo "test.sh: cuda: the CUDA variants' PTX through ptxas; the suite on CUDA where a GPU is"
  cmake --preset cuda -DUPSAMPLE_X86_64_TARGETS=x86-64-linux-large_buffers
  # The suite links the CUDA runtime and context hooks; without a GPU its CUDA run skips (77),
  # naming the driver's error.
  cmake --build --preset cuda --target upsample_gpu_libraries upsample_ptx_check upsample_tests \
    upsample_gpu_bench
  ctest --preset cuda -L cuda -j "$jobs"
fi
