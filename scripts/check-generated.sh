#!/usr/bin/env bash
# check-generated.sh BUILD_DIR MACHINE: every generated operator library and the Halide runtime in
# BUILD_DIR/generators hold only ELF objects for MACHINE (as `readelf -h` names it: AArch64, ARM,
# Advanced Micro Devices X86-64), and the dispatch header lists every library. Fails otherwise.
set -euo pipefail
build=$1
machine=$2
dir=$(cd "$build/generators" && pwd)
shopt -s nullglob
archives=("$dir"/upsample_*.a)
if [ ${#archives[@]} -eq 0 ]; then
  echo "check-generated: no libraries in $dir" >&2
  exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
objects=0
for archive in "${archives[@]}"; do
  rm -f "$work"/*
  (cd "$work" && ar x "$archive")
  for object in "$work"/*; do
    found=$(readelf -h "$object" | sed -n 's/^ *Machine: *//p')
    if [ "$found" != "$machine" ]; then
      echo "check-generated: $archive: $(basename "$object") is for '$found', not '$machine'" >&2
      exit 1
    fi
    objects=$((objects + 1))
  done
done
header=$dir/upsample_kernels.h
listed=$(grep -c '^#include "upsample_' "$header")
libraries=$(( ${#archives[@]} - 1 ))  # all but the runtime
if [ "$listed" -ne "$libraries" ]; then
  echo "check-generated: $header lists $listed libraries, $dir holds $libraries" >&2
  exit 1
fi
echo "check-generated: $build: ${#archives[@]} archives ($libraries operator variants and the" \
     "runtime), $objects objects, all $machine"
