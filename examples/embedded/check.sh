#!/usr/bin/env bash
# check.sh BUILD_DIR WORK_DIR [TOOLCHAIN_FILE [EMULATOR...]]
# Installs the library built in BUILD_DIR into WORK_DIR/prefix, builds this example against that
# prefix with find_package (cross-compiled with TOOLCHAIN_FILE when given), checks that the program
# needs no Halide, LLVM or C++ runtime library at run time (its ELF NEEDED entries), and runs it
# (through EMULATOR when given, e.g. qemu-aarch64 -L /usr/aarch64-linux-gnu). Fails on any step.
set -euo pipefail
build=$(cd "$1" && pwd)
work=$2
toolchain=${3:-}
shift $(( $# < 3 ? $# : 3 ))
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work"
mkdir -p "$work"
work=$(cd "$work" && pwd)

cmake --install "$build" --prefix "$work/prefix" > "$work/install.log"
echo "installed into $work/prefix:"
(cd "$work/prefix" && find . -type f | sort | sed 's/^/  /')

args=(-S "$here" -B "$work/build" -DCMAKE_PREFIX_PATH="$work/prefix")
[ -n "$toolchain" ] && args+=(-DCMAKE_TOOLCHAIN_FILE="$toolchain")
cmake "${args[@]}" > "$work/configure.log" || { cat "$work/configure.log"; exit 1; }
grep "upsample " "$work/configure.log" || true
cmake --build "$work/build" > "$work/build.log" || { cat "$work/build.log"; exit 1; }

program=$work/build/embedded_upsample
needed=$(readelf -d "$program" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
echo "dynamic dependencies: $(echo $needed)"
for library in $needed; do
  case $library in
    libc.so.* | libm.so.* | libpthread.so.* | libdl.so.* | ld-linux*.so.*) ;;
    *)
      echo "check.sh: $program needs $library at run time; only the C library is allowed" >&2
      exit 1
      ;;
  esac
done

"$@" "$program"

# The pkg-config file, for builds without CMake (native builds only: pkg-config answers for the
# build machine).
if [ -z "$toolchain" ] && command -v pkg-config > /dev/null; then
  PKG_CONFIG_PATH=$(dirname "$(find "$work/prefix" -name upsample.pc)")
  export PKG_CONFIG_PATH
  flags=$(pkg-config --cflags --libs upsample)
  echo "pkg-config --cflags --libs upsample: $flags"
  # shellcheck disable=SC2086
  c++ -std=c++17 -O2 "$here/main.cpp" -o "$work/embedded_upsample_pkgconfig" $flags
  "$work/embedded_upsample_pkgconfig" > "$work/pkgconfig_run.log"
  tail -n 1 "$work/pkgconfig_run.log"
fi
