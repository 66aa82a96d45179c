# Helpers that turn the generator into static libraries for UPSAMPLE_HALIDE_TARGETS.

# A standalone Halide runtime, shared by every operator library (each is built with no_runtime).
function(upsample_add_halide_runtime NAME)
  cmake_parse_arguments(ARG "" "GENERATOR" "TARGETS" ${ARGN})
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
# generator's name in capitals unless given.
function(upsample_add_variant NAME)
  cmake_parse_arguments(ARG "" "GENERATOR;KEY;KIND" "PARAMS" ${ARGN})
  add_halide_library(upsample_${NAME}
                     FROM ${UPSAMPLE_GENERATOR}
                     GENERATOR ${ARG_GENERATOR}
                     FUNCTION_NAME upsample_${NAME}
                     TARGETS ${UPSAMPLE_HALIDE_TARGETS}
                     USE_RUNTIME upsample_halide_runtime
                     PARAMS ${ARG_PARAMS})
  string(TOUPPER ${ARG_GENERATOR} kind)
  if (ARG_KIND)
    set(kind ${ARG_KIND})
  endif ()
  set(UPSAMPLE_OPERATOR_LIBRARIES ${UPSAMPLE_OPERATOR_LIBRARIES} upsample_${NAME} PARENT_SCOPE)
  set(UPSAMPLE_${kind}_KERNELS ${UPSAMPLE_${kind}_KERNELS} "${ARG_KEY}, upsample_${NAME}"
      PARENT_SCOPE)
endfunction()
