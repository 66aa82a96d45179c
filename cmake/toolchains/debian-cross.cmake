# Shared by the Debian cross toolchain files: compilers named <triple>-gcc, the target's libraries
# under /usr/<triple>, programs run through qemu-user (CMAKE_CROSSCOMPILING_EMULATOR is how ctest
# and catch_discover_tests run the test binary).
set(CMAKE_C_COMPILER ${UPSAMPLE_CROSS_TRIPLE}-gcc)
set(CMAKE_CXX_COMPILER ${UPSAMPLE_CROSS_TRIPLE}-g++)
set(CMAKE_FIND_ROOT_PATH /usr/${UPSAMPLE_CROSS_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
# Header-only and CMake-config packages (Catch2, nlohmann-json, Halide's helpers) are
# architecture-independent and live on the host.
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)
string(REGEX REPLACE "-.*" "" _upsample_qemu_arch ${UPSAMPLE_CROSS_TRIPLE})
string(REPLACE "armv7" "arm" _upsample_qemu_arch ${_upsample_qemu_arch})
find_program(UPSAMPLE_QEMU qemu-${_upsample_qemu_arch})
if (UPSAMPLE_QEMU)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${UPSAMPLE_QEMU} -L /usr/${UPSAMPLE_CROSS_TRIPLE})
endif ()
# Halide's CMake helpers (HalideHelpers) are installed for the build host's architecture.
list(APPEND CMAKE_PREFIX_PATH /usr/lib/${CMAKE_HOST_SYSTEM_PROCESSOR}-linux-gnu/cmake)
