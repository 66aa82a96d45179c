# Cross build for aarch64 Linux with Debian's g++-aarch64-linux-gnu; tests run under qemu-user.
# The Halide generators run on the build host: configure with
#   -Dupsample-halide_generators_ROOT=<a host build directory>  (CMakePresets.json does).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(UPSAMPLE_CROSS_TRIPLE aarch64-linux-gnu)
include(${CMAKE_CURRENT_LIST_DIR}/debian-cross.cmake)
