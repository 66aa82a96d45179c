# The Halide targets each operator library is generated for. On x86-64 one library holds every
# listed variant and picks the best one the CPU supports at run time (Halide's multi-target
# dispatch); the list runs from most to least capable and ends with the baseline. `host` is never
# used for what ships: a library built on an AVX-512 machine must still run on an SSE4.1 one.
# large_buffers: tensors over 2 GiB (an 8K float image upsampled 2x) are supported.
# avx512_cannonlake adds VBMI (Ice Lake, Zen 4 and later), whose byte permutes interleave packed
# RGB pixels several times faster than AVX-512BW alone.
set(UPSAMPLE_X86_64_TARGETS
    x86-64-linux-avx-avx2-avx512-avx512_skylake-avx512_cannonlake-f16c-fma-sse41-large_buffers
    x86-64-linux-avx-avx2-avx512-avx512_skylake-f16c-fma-sse41-large_buffers
    x86-64-linux-avx-avx2-f16c-fma-sse41-large_buffers
    x86-64-linux-sse41-large_buffers
    x86-64-linux-large_buffers
    CACHE STRING "Halide targets of the x86-64 multi-target libraries, best first, baseline last")

if (NOT DEFINED UPSAMPLE_HALIDE_TARGETS)
  if (CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64)$")
    set(UPSAMPLE_HALIDE_TARGETS ${UPSAMPLE_X86_64_TARGETS})
  else ()
    message(FATAL_ERROR "upsample: no Halide target list for ${CMAKE_SYSTEM_PROCESSOR} yet; "
                        "set UPSAMPLE_HALIDE_TARGETS")
  endif ()
endif ()
message(STATUS "upsample: Halide targets: ${UPSAMPLE_HALIDE_TARGETS}")
