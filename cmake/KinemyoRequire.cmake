# kinemyo_require(<package> <Debian package> <Homebrew formula> [find_package arguments...])
# find_package, or stop with one message naming the system package to install, instead of CMake's list of
# search paths. A macro, so the package's variables land in the caller's scope as find_package's would.
macro(kinemyo_require package debian brew)
  find_package(${package} ${ARGN} QUIET)
  if(NOT ${package}_FOUND)
    set(_kinemyo_hint "")
    if("${package}" STREQUAL "FFTW3")
      set(_kinemyo_hint " Or build without FFTW: the permissive Eigen FFT backend needs nothing more "
                        "(cmake -DKINEMYO_FFT=eigen, or KINEMYO_FFT=eigen pip install .).")
    endif()
    string(CONCAT _kinemyo_message
      "kinemyo needs the ${package} development files, which CMake did not find. Install them: "
      "sudo apt-get install ${debian} (Debian/Ubuntu), brew install ${brew} (macOS), "
      "or bash .ci/install-deps.sh for everything at once; "
      "a copy elsewhere: -DCMAKE_PREFIX_PATH=<its prefix>." ${_kinemyo_hint})
    message(FATAL_ERROR "${_kinemyo_message}")
  endif()
endmacro()
