#!/usr/bin/env bash
# Times one resize variant as two builds generate it, side by side in one process (one thread):
# the A/B measurement behind "before and after" claims for a schedule change, steadier on a
# shared machine than comparing two benchmark runs. Build the generator in both checkouts first
# (cmake --build BUILD --target upsample_generators).
#
#   bench/resize_ab.sh OLD_CHECKOUT NEW_CHECKOUT "OLD PARAMS" "NEW PARAMS" LAYOUT NUM DEN [RUNS]
#
# PARAMS are the resize generator's (as in generators/CMakeLists.txt), with variant=NAME to read
# its tuned parameters from the checkout's schedules/tuned, and streaming=true for a streaming
# variant (non-temporal stores). RESIZE_AB_SIZE=WxH resizes another input size. Example, the tabled kernel against
# the 5/2 phased one (uint8 grey 1920x1080 -> 4800x2700):
#   bench/resize_ab.sh /tmp/old . \
#     "method=linear layout=planar input.type=uint8 output.type=uint8 variant=resize_linear_uint8_planar" \
#     "method=linear layout=planar phases=5 phase_stride=2 input.type=uint8 output.type=uint8 variant=resize_linear_x5d2_uint8_planar" \
#     planar 5 2
set -euo pipefail
if [ $# -lt 7 ] || [ $# -gt 8 ]; then
  sed -n '2,16p' "$0" >&2
  exit 2
fi
old=$(cd "$1" && pwd) new=$(cd "$2" && pwd)
old_params=$3 new_params=$4 layout=$5 num=$6 den=$7 runs=${8:-40}
target=${RESIZE_AB_TARGET:-x86-64-linux-avx-avx2-avx512-avx512_skylake-avx512_cannonlake-f16c-fma-sse41}
case "$old_params" in
  *input.type=float32*) element=float ;;
  *input.type=uint8*) element=uint8_t ;;
  *input.type=uint32*) element=uint32_t ;;
  *) echo "resize_ab.sh: PARAMS need input.type=uint8, uint32 or float32" >&2; exit 2 ;;
esac
for dir in "$old" "$new"; do
  if [ ! -x "$dir/build/generators/upsample_generators" ]; then
    echo "resize_ab.sh: no $dir/build/generators/upsample_generators: build it first" >&2
    exit 2
  fi
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Each side without the Halide runtime, which is generated once. A side whose PARAMS include
# streaming=true is compiled through its checkout's upsample_streaming_stores, as the build does.
generate() {  # CHECKOUT NAME PARAMS
  local params=$3
  if [[ " $params " == *" streaming=true "* ]]; then
    # shellcheck disable=SC2086
    "$1/build/generators/upsample_generators" -g resize -f "$2" -e llvm_assembly,h -o "$work" \
      target="$target-no_runtime" tuned_dir="$1/schedules/tuned" $params
    "$1/build/generators/upsample_streaming_stores" "$work/$2.ll" "$work/$2.o" output >/dev/null
    echo "$work/$2.o"
  else
    # shellcheck disable=SC2086
    "$1/build/generators/upsample_generators" -g resize -f "$2" -e static_library,h -o "$work" \
      target="$target-no_runtime" tuned_dir="$1/schedules/tuned" $params
    echo "$work/$2.a"
  fi
}
old_object=$(generate "$old" old_resize "$old_params")
new_object=$(generate "$new" new_resize "$new_params")
"$new/build/generators/upsample_generators" -r halide_runtime -e static_library -o "$work" \
  target="$target"
here=$(cd "$(dirname "$0")" && pwd)
"${CXX:-g++}" -O2 -std=c++17 -DRESIZE_AB_ELEMENT="$element" -I"$work" -I/usr/include/halide14 \
  "$here/resize_ab.cpp" "$old_object" "$new_object" "$work/halide_runtime.a" -lpthread -ldl -o "$work/resize_ab"
HL_NUM_THREADS=1 "$work/resize_ab" "$layout" "$num" "$den" "$runs"
