# The Halide targets each operator library is generated for, chosen by one cache variable,
# UPSAMPLE_TARGET_FAMILY (or a preset in CMakePresets.json that sets it):
#   x86-64         multi-target x86-64 Linux (AVX-512 VBMI, AVX-512, AVX2, SSE4.1, baseline)
#   aarch64        multi-target aarch64 Linux (dot product + fp16, baseline)
#   armv7          32-bit ARM Linux, hard-float, NEON
#   android-arm64  arm64-v8a Android (dot product + fp16, baseline)
#   android-armv7  armeabi-v7a Android
# Empty (the default) picks the family of the compiler's target: x86-64 natively, aarch64 or armv7
# with the toolchain files in cmake/toolchains/. The ARM families need a cross toolchain (or the
# Android NDK's) only to link; without one (UPSAMPLE_GENERATE_ONLY) the build generates the
# operator libraries and their Halide runtime and nothing else.
#
# On x86-64 and aarch64 one library holds every listed variant and picks the best one the CPU
# supports at run time (Halide's multi-target dispatch); the list runs from most to least capable
# and ends with the baseline. `host` is never used for what ships: a library built on an AVX-512
# machine must still run on an SSE4.1 one. On ARM the runtime's feature hook
# (runtime/src/cpu_features.cpp) asks the kernel (getauxval) which extensions the CPU has, since
# Halide 14 cannot tell by itself.
# large_buffers: tensors over 2 GiB (an 8K float image upsampled 2x) are supported (64-bit only).
# avx512_cannonlake adds VBMI (Ice Lake, Zen 4 and later), whose byte permutes interleave packed
# RGB pixels several times faster than AVX-512BW alone.
set(UPSAMPLE_X86_64_TARGETS
    x86-64-linux-avx-avx2-avx512-avx512_skylake-avx512_cannonlake-f16c-fma-sse41-large_buffers
    x86-64-linux-avx-avx2-avx512-avx512_skylake-f16c-fma-sse41-large_buffers
    x86-64-linux-avx-avx2-f16c-fma-sse41-large_buffers
    x86-64-linux-sse41-large_buffers
    x86-64-linux-large_buffers
    CACHE STRING "Halide targets of the x86-64 multi-target libraries, best first, baseline last")
set(UPSAMPLE_AARCH64_TARGETS
    arm-64-linux-arm_dot_prod-arm_fp16-large_buffers
    arm-64-linux-large_buffers
    CACHE STRING "Halide targets of the aarch64 Linux multi-target libraries, baseline last")
set(UPSAMPLE_ARMV7_TARGETS arm-32-linux
    CACHE STRING "Halide targets of the armv7 (hard-float, NEON) Linux libraries")
set(UPSAMPLE_ANDROID_ARM64_TARGETS
    arm-64-android-arm_dot_prod-arm_fp16-large_buffers
    arm-64-android-large_buffers
    CACHE STRING "Halide targets of the arm64-v8a Android multi-target libraries, baseline last")
set(UPSAMPLE_ANDROID_ARMV7_TARGETS arm-32-android
    CACHE STRING "Halide targets of the armeabi-v7a Android libraries")

set(UPSAMPLE_TARGET_FAMILY "" CACHE STRING
    "x86-64, aarch64, armv7, android-arm64 or android-armv7; empty: the compiler's own")
set_property(CACHE UPSAMPLE_TARGET_FAMILY
             PROPERTY STRINGS "" x86-64 aarch64 armv7 android-arm64 android-armv7)

# The family the C++ compiler of this configure builds for.
if (CMAKE_SYSTEM_NAME STREQUAL "Android")
  set(_upsample_os android)
else ()
  set(_upsample_os linux)
endif ()
if (CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64)$")
  set(_upsample_compiler_family x86-64)
elseif (CMAKE_SYSTEM_PROCESSOR MATCHES "^(aarch64|arm64|ARM64)$")
  set(_upsample_compiler_family aarch64)
elseif (CMAKE_SYSTEM_PROCESSOR MATCHES "^(arm|armv7|armv7-a|armv7l)")
  set(_upsample_compiler_family armv7)
else ()
  set(_upsample_compiler_family unknown)
endif ()
if (_upsample_os STREQUAL "android" AND _upsample_compiler_family MATCHES "^(aarch64|armv7)$")
  string(REPLACE "aarch64" "arm64" _upsample_compiler_family "android-${_upsample_compiler_family}")
endif ()

if (UPSAMPLE_TARGET_FAMILY STREQUAL "")
  set(UPSAMPLE_FAMILY ${_upsample_compiler_family})
else ()
  set(UPSAMPLE_FAMILY ${UPSAMPLE_TARGET_FAMILY})
endif ()

string(TOUPPER "${UPSAMPLE_FAMILY}" _upsample_family_var)
string(REPLACE "-" "_" _upsample_family_var "${_upsample_family_var}")
if (NOT DEFINED UPSAMPLE_${_upsample_family_var}_TARGETS)
  message(FATAL_ERROR "upsample: unknown target family '${UPSAMPLE_FAMILY}' (compiler targets "
                      "${CMAKE_SYSTEM_PROCESSOR}); set UPSAMPLE_TARGET_FAMILY to x86-64, aarch64, "
                      "armv7, android-arm64 or android-armv7")
endif ()
if (NOT DEFINED UPSAMPLE_HALIDE_TARGETS)
  set(UPSAMPLE_HALIDE_TARGETS ${UPSAMPLE_${_upsample_family_var}_TARGETS})
endif ()

# GPU variants, beside the CPU ones: every general (not phased, not packed) operator variant is
# generated once more with the GPU schedules (schedules/*: target.has_gpu_feature()) for one GPU
# target. CUDA code is generated for an explicit capability (PTX, which the driver compiles for
# the GPU at hand: 75 runs on Turing and everything after it).
set(UPSAMPLE_GPU "none" CACHE STRING "GPU API of the extra GPU variants: none, opencl or cuda")
set_property(CACHE UPSAMPLE_GPU PROPERTY STRINGS none opencl cuda)
set(UPSAMPLE_CUDA_CAPABILITY 75 CACHE STRING
    "CUDA capability of the CUDA variants (Halide 14: 30, 32, 35, 50, 61, 70, 75, 80 or 86)")
list(GET UPSAMPLE_HALIDE_TARGETS -1 _upsample_baseline)
if (UPSAMPLE_GPU STREQUAL "opencl")
  # No float16 variants: OpenCL needs cl_khr_fp16 for them (cl_half), which not every device has
  # (PoCL has not), and Halide's OpenCL preamble with cl_half breaks every kernel on such a device.
  set(UPSAMPLE_GPU_TARGET "${_upsample_baseline}-opencl")
elseif (UPSAMPLE_GPU STREQUAL "cuda")
  set(UPSAMPLE_GPU_TARGET "${_upsample_baseline}-cuda-cuda_capability_${UPSAMPLE_CUDA_CAPABILITY}")
elseif (UPSAMPLE_GPU STREQUAL "none")
  set(UPSAMPLE_GPU_TARGET "")
else ()
  message(FATAL_ERROR "upsample: UPSAMPLE_GPU is '${UPSAMPLE_GPU}'; use none, opencl or cuda")
endif ()
if (UPSAMPLE_GPU_TARGET)
  message(STATUS "upsample: GPU variants for ${UPSAMPLE_GPU_TARGET}")
endif ()

# A family the compiler cannot build for (Android without the NDK, ARM without a cross toolchain)
# is generated only: operator libraries, their runtime and the headers, but no C++ API library.
if (UPSAMPLE_FAMILY STREQUAL _upsample_compiler_family)
  set(UPSAMPLE_GENERATE_ONLY OFF)
else ()
  set(UPSAMPLE_GENERATE_ONLY ON)
  message(STATUS "upsample: the compiler builds for ${_upsample_compiler_family}, not "
                 "${UPSAMPLE_FAMILY}: generating the ${UPSAMPLE_FAMILY} libraries only (bring a "
                 "toolchain, e.g. cmake/toolchains/ or the Android NDK's, for the whole build)")
endif ()
message(STATUS "upsample: family ${UPSAMPLE_FAMILY}, Halide targets: ${UPSAMPLE_HALIDE_TARGETS}")

# The tuned schedule parameters that upsample-tune wrote (schedules/tuning.h, docs/tuning.md): each
# variant reads its entry for each target it is generated for. Empty: hand schedules only.
set(UPSAMPLE_TUNED_DIR "${PROJECT_SOURCE_DIR}/schedules/tuned" CACHE PATH
    "Directory of tuned schedule files (upsample-tune's output); empty for hand schedules only")
