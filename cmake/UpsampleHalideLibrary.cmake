# Helpers that turn the generator into static libraries for UPSAMPLE_HALIDE_TARGETS.

# A standalone Halide runtime, shared by every operator library (each is built with no_runtime).
function(upsample_add_halide_runtime NAME)
  cmake_parse_arguments(ARG "" "GENERATOR" "TARGETS" ${ARGN})
  # The runtime serves the GPU variants too: Halide merges the targets' GPU features.
  list(JOIN ARG_TARGETS "," target_list)
  set(archive "${CMAKE_CURRENT_BINARY_DIR}/${NAME}${CMAKE_STATIC_LIBRARY_SUFFIX}")
  add_custom_command(OUTPUT "${archive}"
                     COMMAND ${ARG_GENERATOR} -r ${NAME} -e static_library -o .
                             target=${target_list}
                     DEPENDS ${ARG_GENERATOR}
                     WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}
                     VERBATIM)
  add_custom_target(${NAME}.update ALL DEPENDS "${archive}")
  add_library(${NAME} STATIC IMPORTED GLOBAL)
  add_dependencies(${NAME} ${NAME}.update)
  set_target_properties(${NAME} PROPERTIES IMPORTED_LOCATION "${archive}")
  target_link_libraries(${NAME} INTERFACE Halide::Runtime Threads::Threads ${CMAKE_DL_LIBS})
endfunction()

# One operator variant: function upsample_<NAME> in library upsample_<NAME>, for every target of
# UPSAMPLE_HALIDE_TARGETS. It is appended to UPSAMPLE_OPERATOR_LIBRARIES, and its dispatch KEY
# ("name, phases, phase stride, type, layout") to UPSAMPLE_<KIND>_KERNELS, KIND being the
# generator's name in capitals unless given. SMALL_BUFFERS drops large_buffers from its targets
# (32-bit indices; the runtime must not call it with buffers over 1 GiB); every packed variant
# (KEY layout packed3 or packed4) is built so, since with large_buffers' 64-bit indices Halide 14
# gathers the taps of a period of packed pixels instead of loading them densely and shuffling
# (bench/RESULTS.md), and the runtime gives packed views of 1 GiB or more to the interleaved
# variants (choose_layout, runtime/src/validation.h). With a GPU target (UPSAMPLE_GPU_TARGET), a
# general variant (second KEY field 0, planar or interleaved) is also generated for it, as
# upsample_gpu_<NAME>, listed in UPSAMPLE_GPU_<KIND>_KERNELS.
#
# Every variant reads its tuned schedule parameters (schedules/tuning.h) from UPSAMPLE_TUNED_DIR
# under its NAME (or TUNED_AS: a streaming twin reads its ordinary variant's), and is regenerated when a file there changes. Each is also listed in the
# manifest upsample_variants.json (upsample_write_variant_manifest), from which upsample-tune
# learns how to generate it.
function(upsample_add_variant NAME)
  cmake_parse_arguments(ARG "SMALL_BUFFERS;STREAMING" "GENERATOR;KEY;KIND;TUNED_AS" "PARAMS"
                        ${ARGN})
  string(REPLACE ", " ";" key_fields "${ARG_KEY}")
  list(GET key_fields 1 phases)
  list(GET key_fields 4 layout)
  if (layout MATCHES "^packed")
    set(ARG_SMALL_BUFFERS ON)
  endif ()
  set(targets ${UPSAMPLE_HALIDE_TARGETS})
  if (ARG_SMALL_BUFFERS)
    # 32-bit indices: the runtime sends buffers over 1 GiB to another variant.
    list(TRANSFORM targets REPLACE "-large_buffers" "")
  endif ()
  set(tuning variant=${NAME})
  if (ARG_TUNED_AS)
    set(tuning variant=${ARG_TUNED_AS})
  endif ()
  if (UPSAMPLE_TUNED_DIR)
    list(APPEND tuning tuned_dir=${UPSAMPLE_TUNED_DIR})
  endif ()
  add_halide_library(upsample_${NAME}
                     FROM ${UPSAMPLE_GENERATOR}
                     GENERATOR ${ARG_GENERATOR}
                     FUNCTION_NAME upsample_${NAME}
                     TARGETS ${targets}
                     USE_RUNTIME upsample_halide_runtime
                     PARAMS ${ARG_PARAMS} ${tuning})
  upsample_depend_on_tuned_files(upsample_${NAME})
  if (ARG_STREAMING)
    upsample_stream_output_stores(upsample_${NAME} ${ARG_GENERATOR} "${targets}"
                                  ${ARG_PARAMS} ${tuning})
  endif ()
  list(JOIN ARG_PARAMS "\", \"" params_json)
  set_property(GLOBAL APPEND PROPERTY UPSAMPLE_VARIANT_MANIFEST
               "{\"name\": \"${NAME}\", \"generator\": \"${ARG_GENERATOR}\", \"key\": \"${ARG_KEY}\", \"params\": [\"${params_json}\"]}")
  string(TOUPPER ${ARG_GENERATOR} kind)
  if (ARG_KIND)
    set(kind ${ARG_KIND})
  endif ()
  set(UPSAMPLE_OPERATOR_LIBRARIES ${UPSAMPLE_OPERATOR_LIBRARIES} upsample_${NAME} PARENT_SCOPE)
  set(UPSAMPLE_${kind}_KERNELS ${UPSAMPLE_${kind}_KERNELS} "${ARG_KEY}, upsample_${NAME}"
      PARENT_SCOPE)

  set(gpu_variant OFF)
  if (UPSAMPLE_GPU_TARGET AND phases STREQUAL "0" AND layout MATCHES "^(planar|interleaved)$")
    set(gpu_variant ON)
  endif ()
  if (UPSAMPLE_GPU STREQUAL "opencl" AND ARG_PARAMS MATCHES "float16")
    set(gpu_variant OFF)  # see cmake/UpsampleTargets.cmake
  endif ()
  if (gpu_variant)
    add_halide_library(upsample_gpu_${NAME}
                       FROM ${UPSAMPLE_GENERATOR}
                       GENERATOR ${ARG_GENERATOR}
                       FUNCTION_NAME upsample_gpu_${NAME}
                       TARGETS ${UPSAMPLE_GPU_TARGET}
                       USE_RUNTIME upsample_halide_runtime
                       PARAMS ${ARG_PARAMS} ${tuning})
    upsample_depend_on_tuned_files(upsample_gpu_${NAME})
    set(UPSAMPLE_OPERATOR_LIBRARIES ${UPSAMPLE_OPERATOR_LIBRARIES} upsample_${NAME}
        upsample_gpu_${NAME} PARENT_SCOPE)
    set(UPSAMPLE_GPU_${kind}_KERNELS ${UPSAMPLE_GPU_${kind}_KERNELS}
        "${ARG_KEY}, upsample_gpu_${NAME}" PARENT_SCOPE)
  endif ()
endfunction()

# STREAMING variants (x86-64 only): after the generator has written LIBRARY's objects, each
# target's LLVM module is emitted too and compiled again by upsample_streaming_stores
# (generators/streaming_stores.cpp), which makes the stores into the output non-temporal. The
# objects keep their names, so add_halide_library's archive and multi-target wrapper are unchanged.
function(upsample_stream_output_stores LIBRARY GENERATOR TARGETS)
  list(TRANSFORM TARGETS APPEND "-no_runtime" OUTPUT_VARIABLE halide_targets)
  list(JOIN halide_targets "," halide_targets)
  # Halide emits a multi-target module's LLVM only beside its objects: those go to a side folder.
  set(commands COMMAND ${CMAKE_COMMAND} -E make_directory streaming
               COMMAND ${UPSAMPLE_GENERATOR} -n ${LIBRARY} -g ${GENERATOR} -f ${LIBRARY}
               -e llvm_assembly,object -o streaming target=${halide_targets} ${ARGN})
  # A single target's files carry no target suffix.
  list(LENGTH TARGETS target_count)
  foreach (target IN LISTS TARGETS)
    set(base ${LIBRARY}-${target}-no_runtime)
    if (target_count EQUAL 1)
      set(base ${LIBRARY})
    endif ()
    list(APPEND commands COMMAND upsample_streaming_stores streaming/${base}.ll ${base}.o output)
  endforeach ()
  # The generator command's first output is the header.
  add_custom_command(OUTPUT "${CMAKE_CURRENT_BINARY_DIR}/${LIBRARY}.h" APPEND ${commands}
                     DEPENDS upsample_streaming_stores)
endfunction()

# Regenerates LIBRARY (an add_halide_library target of this directory) when a tuned file changes.
function(upsample_depend_on_tuned_files LIBRARY)
  if (NOT UPSAMPLE_TUNED_DIR)
    return()
  endif ()
  file(GLOB tuned_files CONFIGURE_DEPENDS "${UPSAMPLE_TUNED_DIR}/*.json")
  if (tuned_files)
    # The generator command's first output is the header.
    add_custom_command(OUTPUT "${CMAKE_CURRENT_BINARY_DIR}/${LIBRARY}.h" APPEND
                       DEPENDS ${tuned_files})
  endif ()
endfunction()

# Writes FILE: every variant of this build as JSON (name, generator, dispatch key, parameters).
function(upsample_write_variant_manifest FILE)
  get_property(entries GLOBAL PROPERTY UPSAMPLE_VARIANT_MANIFEST)
  list(JOIN entries ",\n  " body)
  list(JOIN UPSAMPLE_HALIDE_TARGETS "\", \"" targets)
  file(CONFIGURE OUTPUT "${FILE}"
       CONTENT "{\"targets\": [\"${targets}\"],\n \"gpu_target\": \"${UPSAMPLE_GPU_TARGET}\",\n \"variants\": [\n  ${body}\n]}\n"
       @ONLY)
endfunction()
