# Cross build for 32-bit ARM (armv7-a, hard-float, NEON) Linux with Debian's
# g++-arm-linux-gnueabihf; tests run under qemu-user. The Halide generators run on the build host:
# configure with -Dupsample-halide_generators_ROOT=<a host build directory>.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR armv7)
set(UPSAMPLE_CROSS_TRIPLE arm-linux-gnueabihf)
# GCC notes that std::vector iterators are passed differently than before GCC 7.1: not our ABI.
set(CMAKE_CXX_FLAGS_INIT -Wno-psabi)
include(${CMAKE_CURRENT_LIST_DIR}/debian-cross.cmake)
