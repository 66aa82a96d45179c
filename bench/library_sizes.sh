#!/usr/bin/env bash
# library_sizes.sh [BUILD_DIR...]: code size (text + data + bss of every object, from binutils
# `size`) of the generated operator libraries, per operator and per target family, plus the Halide
# runtime and, where built, the merged libupsample.a an application links. Prints a Markdown table.
# Default build directories: those of CMakePresets.json that exist. For a GPU build (opencl, cuda)
# only its GPU variants are counted, in a column of their own.
#   bench/library_sizes.sh                     # every family built here
#   bench/library_sizes.sh build build-aarch64
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -eq 0 ]; then
  set --
  for dir in build build-aarch64 build-armv7 build-android-arm64 build-android-armv7 build-opencl \
    build-cuda; do
    [ -d "$dir/generators" ] && set -- "$@" "$dir"
  done
fi

# The operator a variant library belongs to, from its name (generators/CMakeLists.txt).
operator_of() {
  local name=${1/upsample_gpu_/upsample_}
  case $name in
    upsample_resize_backward_*) echo "resize backward" ;;
    upsample_resize_*) echo "resize (nearest, bilinear, bicubic)" ;;
    upsample_unpool_index_check_* | upsample_max_unpool_*) echo "max_unpool2d" ;;
    upsample_max_pool_*) echo "max_pool2d" ;;
    upsample_unpool_*) echo "unpool (nearest, bed of nails)" ;;
    upsample_shuffle_*) echo "pixel shuffle / unshuffle" ;;
    upsample_conv_weight_grad_* | upsample_channel_sum_*) echo "convolution gradients (weights, bias)" ;;
    upsample_conv_*) echo "convolution (conv2d, conv_transpose2d, input gradients)" ;;
    upsample_halide_runtime*) echo "Halide runtime (shared)" ;;
    *) echo "other" ;;
  esac
}

# Bytes of code and data in an archive.
code_bytes() { size -t "$1" 2>/dev/null | awk 'END { print $4 }'; }

tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
families=()
for build in "$@"; do
  family=$(sed -n 's/^UPSAMPLE_TARGET_FAMILY:STRING=//p' "$build/CMakeCache.txt")
  [ -n "$family" ] || family=$build
  gpu=$(sed -n 's/^UPSAMPLE_GPU:STRING=//p' "$build/CMakeCache.txt")
  if [ -n "$gpu" ] && [ "$gpu" != none ]; then
    capability=$(sed -n 's/^UPSAMPLE_CUDA_CAPABILITY:STRING=//p' "$build/CMakeCache.txt")
    family="$gpu (GPU variants)"
    if [ "$gpu" = cuda ]; then family="cuda sm_$capability (GPU variants)"; fi
  fi
  families+=("$family")
  # The variants of this build are those its dispatch header lists (a build directory may hold
  # archives of variants that no longer exist); the runtime is named by the build.
  names=$(sed -n 's/^#include "\(upsample_.*\)\.h"$/\1/p' "$build/generators/upsample_kernels.h")
  runtime=upsample_halide_runtime
  if [ -n "$gpu" ] && [ "$gpu" != none ]; then
    names=$(echo "$names" | grep '^upsample_gpu_')
    runtime=""  # the CPU families' table has it
  fi
  for name in $names $runtime; do
    for archive in "$build/generators/lib$name.a" "$build/generators/$name.a" ""; do
      [ -f "$archive" ] && break
    done
    if [ -z "$archive" ]; then
      echo "library_sizes: $build has no archive for $name" >&2
      exit 1
    fi
    printf '%s\t%s\t%s\n' "$family" "$(operator_of "$name")" "$(code_bytes "$archive")" >> "$tmp"
  done
  merged=$build/install/libupsample.a
  if [ -f "$merged" ] && { [ -z "$gpu" ] || [ "$gpu" = none ]; }; then
    printf '%s\t%s\t%s\n' "$family" "libupsample.a (all of it, with the API)" \
      "$(code_bytes "$merged")" >> "$tmp"
  fi
done

printf '| operator |'
for family in "${families[@]}"; do printf ' %s |' "$family"; done
printf '\n|---|'
for _ in "${families[@]}"; do printf -- '---:|'; done
printf '\n'
cut -f2 "$tmp" | sort -u | while read -r operator; do
  printf '| %s |' "$operator"
  for family in "${families[@]}"; do
    awk -F'\t' -v f="$family" -v o="$operator" \
      '$1 == f && $2 == o { bytes += $3; n++ }
       END { if (n) printf " %.0f KiB (%d) |", bytes / 1024, n; else printf " - |" }' "$tmp"
  done
  printf '\n'
done
echo
echo "KiB of text + data + bss (binutils size); in parentheses the number of libraries (variants)."
