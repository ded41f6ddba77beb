# Builds and runs examples/cpp_consumer against kinemyo, in one of three ways:
#   MODE=install       installs the kinemyo build in BUILD_DIR to WORK_DIR/prefix; the consumer uses find_package.
#   MODE=shared        configures kinemyo once more from SOURCE_DIR with BUILD_SHARED_LIBS=ON (only the library
#                      target, in WORK_DIR/kinemyo, kept between runs so a rerun is incremental), installs that to
#                      WORK_DIR/prefix and checks it holds a shared library and no static one; the consumer uses
#                      find_package and finds libkinemyo through its build RPATH when it runs.
#   MODE=subdirectory  the consumer builds kinemyo's source via add_subdirectory.
set(prefix "${WORK_DIR}/prefix")
file(REMOVE_RECURSE "${prefix}" "${WORK_DIR}/build")
if(NOT BUILD_TYPE)
  set(BUILD_TYPE Release)
endif()

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "command failed (${rc}): ${ARGN}\n${out}\n${err}")
  endif()
  message(STATUS "${out}")
endfunction()

set(extra "-DCMAKE_CXX_COMPILER=${CXX}")
if(MODE STREQUAL "subdirectory")
  list(APPEND extra "-DKINEMYO_SOURCE_DIR=${SOURCE_DIR}" "-DKINEMYO_FFT=${FFT}")
elseif(MODE STREQUAL "shared")
  set(shared_build "${WORK_DIR}/kinemyo")
  execute_process(COMMAND "${CMAKE_COMMAND}" -S "${SOURCE_DIR}" -B "${shared_build}" "-DCMAKE_CXX_COMPILER=${CXX}"
                          "-DCMAKE_BUILD_TYPE=${BUILD_TYPE}" -DBUILD_SHARED_LIBS=ON "-DKINEMYO_FFT=${FFT}"
                          "-DKINEMYO_SANITIZE=${SANITIZE}" -DKINEMYO_BUILD_TESTS=OFF -DKINEMYO_BUILD_BENCHMARKS=OFF
                          -DKINEMYO_BUILD_EXAMPLES=OFF -DKINEMYO_INSTALL=ON
                  RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "configuring the shared kinemyo failed (${rc}):\n${err}")
  endif()
  run("${CMAKE_COMMAND}" --build "${shared_build}" --target kinemyo --config "${BUILD_TYPE}" --parallel 2)
  run("${CMAKE_COMMAND}" --install "${shared_build}" --prefix "${prefix}" --config "${BUILD_TYPE}")
  file(GLOB_RECURSE shared_libs "${prefix}/*kinemyo*.so*" "${prefix}/*kinemyo*.dylib" "${prefix}/*kinemyo*.dll")
  file(GLOB_RECURSE static_libs "${prefix}/*kinemyo*.a" "${prefix}/*kinemyo*.lib")
  if(NOT shared_libs OR static_libs)
    message(FATAL_ERROR "the prefix should hold a shared libkinemyo and no static one; shared: '${shared_libs}', "
                        "static: '${static_libs}'")
  endif()
  message(STATUS "installed: ${shared_libs}")
else()
  run("${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${prefix}" --config "${BUILD_TYPE}")
endif()
if(SANITIZE)
  list(APPEND extra "-DCMAKE_CXX_FLAGS=-fsanitize=${SANITIZE}" "-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=${SANITIZE}")
endif()
run("${CMAKE_COMMAND}" -S "${CONSUMER_DIR}" -B "${WORK_DIR}/build" "-DCMAKE_PREFIX_PATH=${prefix}"
    "-DCMAKE_BUILD_TYPE=${BUILD_TYPE}" ${extra})
run("${CMAKE_COMMAND}" --build "${WORK_DIR}/build" --config "${BUILD_TYPE}" --parallel 2)
find_program(consumer kinemyo_consumer PATHS "${WORK_DIR}/build" "${WORK_DIR}/build/${BUILD_TYPE}" NO_DEFAULT_PATH)
run("${consumer}")
