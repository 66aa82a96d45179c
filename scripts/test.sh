#!/usr/bin/env bash
# The whole test suite on a fresh Debian 12 machine: dependencies, then every target family this
# machine can build (CMakePresets.json):
#   x86-64          build, then ctest: the suite once per CPU variant of the multi-target libraries
#   aarch64, armv7  cross build with the x86-64 build's generators, ctest under qemu-user
#   android-arm64, android-armv7  generate the libraries (no NDK here), check every object's machine
# A family whose tools are missing is skipped with a message saying what is missing.
# UPSAMPLE_FAMILIES="x86-64 aarch64" limits the run to those families.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
families=${UPSAMPLE_FAMILIES:-x86-64 aarch64 armv7 android-arm64 android-armv7}
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
