# qgenCompile.cmake - the build-time step of qgen_add_network():
#   cmake -DQGEN=... -DARGS=... -DOUT=... -DNAME=... -DHALIDE=ON|OFF -DCC=... -DSTAMP=... -P qgenCompile.cmake
# Runs `qgen compile ARGS -o <OUT>.new`, then moves into OUT only the files
# whose content changed (others keep their time stamps, so nothing that
# depends on them rebuilds) and removes files qgen no longer emits. For a
# Halide target (HALIDE=ON) whose model has no Halide layer, <NAME>_halide.o
# is an empty object compiled with CC, so the library's file list is fixed.
# On failure qgen's message is shown and OUT is left as it was.
cmake_minimum_required(VERSION 3.21) # file(COPY_FILE ... ONLY_IF_DIFFERENT)
set(tmp "${OUT}.new")
file(REMOVE_RECURSE "${tmp}")
execute_process(COMMAND "${QGEN}" compile ${ARGS} -o "${tmp}" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  file(REMOVE_RECURSE "${tmp}")
  message(FATAL_ERROR "qgen compile failed (exit ${rc})")
endif()
if(HALIDE AND NOT EXISTS "${tmp}/${NAME}_halide.o")
  file(WRITE "${tmp}/empty_halide.c" "/* qgen_add_network: this model has no Halide layer */\ntypedef int qgen_no_halide_layers;\n")
  execute_process(COMMAND "${CC}" -c "${tmp}/empty_halide.c" -o "${tmp}/${NAME}_halide.o" RESULT_VARIABLE rc)
  file(REMOVE "${tmp}/empty_halide.c")
  if(NOT rc EQUAL 0)
    file(REMOVE_RECURSE "${tmp}")
    message(FATAL_ERROR "qgen_add_network: cannot compile an empty ${NAME}_halide.o with ${CC}")
  endif()
endif()
file(MAKE_DIRECTORY "${OUT}")
file(GLOB new RELATIVE "${tmp}" "${tmp}/*")
file(GLOB old RELATIVE "${OUT}" "${OUT}/*")
foreach(f IN LISTS old)
  if(NOT f IN_LIST new AND NOT f STREQUAL ".qgen.stamp")
    file(REMOVE "${OUT}/${f}")
  endif()
endforeach()
foreach(f IN LISTS new)
  file(COPY_FILE "${tmp}/${f}" "${OUT}/${f}" ONLY_IF_DIFFERENT)
endforeach()
file(REMOVE_RECURSE "${tmp}")
file(TOUCH "${STAMP}")
