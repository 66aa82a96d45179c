# `cmake --install` of a build: the public headers, one static library (libupsample.a: the API,
# every operator variant of this family and the Halide runtime, merged so an application links one
# file), a CMake package (find_package(upsample) -> upsample::upsample) and a pkg-config file.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(UPSAMPLE_MERGED_LIBRARY "${PROJECT_BINARY_DIR}/install/libupsample.a")
set(inputs "$<TARGET_FILE:upsample>")
foreach (library IN LISTS UPSAMPLE_OPERATOR_LIBRARIES ITEMS upsample_halide_runtime)
  string(APPEND inputs "$<SEMICOLON>$<TARGET_FILE:${library}>")
endforeach ()
add_custom_command(OUTPUT "${UPSAMPLE_MERGED_LIBRARY}"
                   COMMAND ${CMAKE_COMMAND} -DAR=${CMAKE_AR} -DOUTPUT=${UPSAMPLE_MERGED_LIBRARY}
                           "-DINPUTS=${inputs}" -P ${PROJECT_SOURCE_DIR}/cmake/MergeArchives.cmake
                   DEPENDS upsample ${UPSAMPLE_OPERATOR_LIBRARIES} upsample_halide_runtime
                           ${PROJECT_SOURCE_DIR}/cmake/MergeArchives.cmake
                   COMMENT "Merging the API, the operator libraries and the Halide runtime"
                   VERBATIM)
add_custom_target(upsample_merged ALL DEPENDS "${UPSAMPLE_MERGED_LIBRARY}")

install(DIRECTORY ${PROJECT_SOURCE_DIR}/runtime/include/upsample
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(FILES "${UPSAMPLE_MERGED_LIBRARY}" DESTINATION ${CMAKE_INSTALL_LIBDIR})

set(package_dir ${CMAKE_INSTALL_LIBDIR}/cmake/upsample)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/upsampleConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/install/upsampleConfig.cmake
                              INSTALL_DESTINATION ${package_dir}
                              PATH_VARS CMAKE_INSTALL_LIBDIR CMAKE_INSTALL_INCLUDEDIR)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/install/upsampleConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/install/upsampleConfig.cmake
              ${PROJECT_BINARY_DIR}/install/upsampleConfigVersion.cmake
        DESTINATION ${package_dir})

configure_file(${PROJECT_SOURCE_DIR}/cmake/upsample.pc.in ${PROJECT_BINARY_DIR}/install/upsample.pc
               @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/install/upsample.pc
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
