# qgen_add_network(<target> NET <model.onnx|model.tflite|net.json>
#                  TARGET <c|cortex-m7|x86-64|cortex-a|hls>
#                  [CONFIG <quant.json>] [NAME <prefix>] [CALIBRATE <file.f32>]
#                  [OPTIONS <more qgen compile options>...])
#
# Creates the static library <target> from the files `qgen compile` emits. They
# are generated at build time (add_custom_command), into
# ${CMAKE_CURRENT_BINARY_DIR}/<target>.qgen/, and regenerated when the model
# (and a net.json's weight file), the config, the calibration file or the qgen
# executable changes. Only files whose content changed are replaced, so
# touching the config re-runs qgen and nothing else; an edit recompiles the
# library sources that changed (and relinks its users), never the user's own
# sources unless the header changed. The library's include directory carries
# <prefix>.h; link it and call <prefix>_run(in, out, arena).
#
#   NAME      C prefix of the API (default: <target> as a C identifier; the
#             header is <prefix>.h, the macros <PREFIX>_ARENA_BYTES, ...)
#   OPTIONS   passed to `qgen compile` as they are, e.g. --target-features host,
#             --weights-section .qspi. `--weights-format` may be c (default here)
#             or blob; `auto` is refused: the emitted file set must be known when
#             CMake configures.
#
# Emitted files (what `qgen compile` writes; the library compiles the .c):
#   every target   <prefix>.h, <prefix>.c, <prefix>_weights.c, report.json, report.md
#   x86-64, cortex-a  + <prefix>_halide.o (the Halide layers, archived into the
#                  library); for a model without such layers qgen writes none
#                  and an empty object is compiled in its place with the
#                  project's C compiler, so the file set stays fixed
#   --weights-format blob  + <prefix>_weights_u8.bin, <prefix>_weights_f32.bin
#                  (.incbin'ed by <prefix>_weights.c: -Wa,-I<dir> is added and
#                  the object depends on them)
# cortex-m7 code needs the Cortex-M7 toolchain file
# (qgen_CORTEX_M7_TOOLCHAIN_FILE), cortex-a an AArch64 C compiler. `hls`
# emits <prefix>.h, <prefix>.cpp, <prefix>_tb.cpp, qg_hls.h, qg_hls_stream.h,
# qg_fixed.h, qg_lq.h, qg_common.h, run_hls.tcl, hls_config.cfg and the
# reports; the library is the C simulation of <prefix>.cpp (C++17; the
# project must enable CXX and add the ap_types include directory to it).
# A net.json's weight file is read from its "weights" key when CMake
# configures. The sources are compiled as C99 with -ffp-contract=off (the
# emitted header refuses -ffast-math): keep them out of -ffast-math builds.
include_guard(GLOBAL)
if(CMAKE_VERSION VERSION_LESS 3.21)
  message(FATAL_ERROR "qgen_add_network needs CMake 3.21 or newer (this is ${CMAKE_VERSION})")
endif()
set(_qgen_add_network_dir "${CMAKE_CURRENT_LIST_DIR}")

function(qgen_add_network tgt)
  cmake_parse_arguments(PARSE_ARGV 1 Q "" "NET;CONFIG;TARGET;NAME;CALIBRATE" "OPTIONS")
  if(Q_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "qgen_add_network(${tgt}): unknown arguments: ${Q_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT Q_NET)
    message(FATAL_ERROR "qgen_add_network(${tgt}): NET <model> is required")
  endif()
  if(NOT Q_TARGET)
    message(FATAL_ERROR "qgen_add_network(${tgt}): TARGET <c|cortex-m7|x86-64|cortex-a|hls> is required")
  endif()
  if(NOT TARGET qgen::qgen)
    message(FATAL_ERROR "qgen_add_network(${tgt}): no qgen::qgen target (call find_package(qgen) first)")
  endif()
  if(NOT Q_NAME)
    string(MAKE_C_IDENTIFIER "${tgt}" Q_NAME)
  endif()

  get_filename_component(net "${Q_NET}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  if(NOT EXISTS "${net}")
    message(FATAL_ERROR "qgen_add_network(${tgt}): NET ${net} does not exist")
  endif()
  set(deps "${net}")
  set(args "${net}" --target "${Q_TARGET}" --name "${Q_NAME}" --quiet)
  # A net.json names its weight file ("weights", relative to the json): a
  # dependency too.
  if(net MATCHES "\\.json$")
    file(READ "${net}" _json)
    string(JSON _weights ERROR_VARIABLE _err GET "${_json}" weights)
    if(NOT _err AND _weights)
      get_filename_component(_dir "${net}" DIRECTORY)
      get_filename_component(_weights "${_weights}" ABSOLUTE BASE_DIR "${_dir}")
      list(APPEND deps "${_weights}")
    endif()
  endif()
  foreach(kw CONFIG CALIBRATE)
    if(Q_${kw})
      get_filename_component(f "${Q_${kw}}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
      string(TOLOWER "${kw}" opt)
      list(APPEND args "--${opt}" "${f}")
      list(APPEND deps "${f}")
    endif()
  endforeach()

  # Weight format: c unless OPTIONS says blob (then the two .bin blobs are
  # emitted too, and <prefix>_weights.c pulls them in with .incbin).
  set(blob OFF)
  set(has_format OFF)
  set(prev "")
  foreach(o IN LISTS Q_OPTIONS)
    if(o MATCHES "^(-o|--output|--name|-t|--target|-c|--config|--calibrate)(=.*)?$")
      message(FATAL_ERROR "qgen_add_network(${tgt}): OPTIONS ${o}: use the function's own argument (NET, TARGET, CONFIG, NAME, CALIBRATE); the output folder is the function's")
    endif()
    set(v "")
    if(prev STREQUAL "--weights-format")
      set(v "${o}")
    elseif(o MATCHES "^--weights-format=(.*)$")
      set(v "${CMAKE_MATCH_1}")
    endif()
    if(NOT v STREQUAL "")
      set(has_format ON)
      if(v STREQUAL "blob")
        set(blob ON)
      elseif(NOT v STREQUAL "c")
        message(FATAL_ERROR "qgen_add_network(${tgt}): --weights-format ${v}: use c or blob (the emitted files must be known when CMake configures)")
      endif()
    endif()
    set(prev "${o}")
  endforeach()
  if(NOT has_format)
    list(APPEND args --weights-format c)
  endif()
  list(APPEND args ${Q_OPTIONS})

  set(out "${CMAKE_CURRENT_BINARY_DIR}/${tgt}.qgen")
  if(Q_TARGET STREQUAL "hls")
    # Vitis-HLS-style C++ (docs/hls.md): the library is its C simulation.
    set(sources "${out}/${Q_NAME}.cpp")
    set(files "${out}/${Q_NAME}.h" ${sources} "${out}/${Q_NAME}_tb.cpp" "${out}/qg_hls.h" "${out}/qg_hls_stream.h"
        "${out}/qg_fixed.h" "${out}/qg_lq.h" "${out}/qg_common.h" "${out}/run_hls.tcl" "${out}/hls_config.cfg"
        "${out}/report.json" "${out}/report.md")
  else()
    set(sources "${out}/${Q_NAME}.c" "${out}/${Q_NAME}_weights.c")
    set(files "${out}/${Q_NAME}.h" ${sources} "${out}/report.json" "${out}/report.md")
  endif()
  set(halide OFF)
  if(Q_TARGET STREQUAL "x86-64" OR Q_TARGET STREQUAL "cortex-a")
    set(halide ON)
    list(APPEND files "${out}/${Q_NAME}_halide.o")
  endif()
  set(blobs "")
  if(blob)
    set(blobs "${out}/${Q_NAME}_weights_u8.bin" "${out}/${Q_NAME}_weights_f32.bin")
    list(APPEND files ${blobs})
  endif()
  set(stamp "${out}/.qgen.stamp")
  # The script runs qgen into a scratch folder and copies only the files
  # whose content changed; the stamp is the rule's output, the emitted files
  # its byproducts (Ninja: restat, so unchanged files rebuild nothing).
  string(REPLACE ";" "$<SEMICOLON>" args_escaped "${args}")
  add_custom_command(
    OUTPUT "${stamp}"
    BYPRODUCTS ${files}
    COMMAND "${CMAKE_COMMAND}" "-DQGEN=$<TARGET_FILE:qgen::qgen>" "-DARGS=${args_escaped}" "-DOUT=${out}"
            "-DNAME=${Q_NAME}" "-DHALIDE=${halide}" "-DCC=${CMAKE_C_COMPILER}" "-DSTAMP=${stamp}"
            -P "${_qgen_add_network_dir}/qgenCompile.cmake"
    DEPENDS ${deps} "$<TARGET_FILE:qgen::qgen>" "${_qgen_add_network_dir}/qgenCompile.cmake"
    COMMENT "qgen: compiling ${Q_NET} for ${Q_TARGET} (${tgt})"
    VERBATIM)

  add_library(${tgt} STATIC ${sources} "${stamp}")
  set_source_files_properties(${files} PROPERTIES GENERATED TRUE)
  if(halide)
    target_sources(${tgt} PRIVATE "${out}/${Q_NAME}_halide.o")
    set_source_files_properties("${out}/${Q_NAME}_halide.o" PROPERTIES EXTERNAL_OBJECT TRUE)
  endif()
  target_include_directories(${tgt} PUBLIC "${out}")
  if(Q_TARGET STREQUAL "hls")
    # The C++ needs ap_int.h: the caller adds the directory of the Xilinx
    # ap_types headers (Vitis's include/, or hls4ml's templates/vivado/ap_types).
    set_target_properties(${tgt} PROPERTIES CXX_STANDARD 17 CXX_STANDARD_REQUIRED ON LINKER_LANGUAGE CXX)
    if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
      target_compile_options(${tgt} PRIVATE -ffp-contract=off -Wno-unknown-pragmas)
    endif()
    if(UNIX)
      target_link_libraries(${tgt} PUBLIC m)
    endif()
    return()
  endif()
  set_target_properties(${tgt} PROPERTIES C_STANDARD 99 C_STANDARD_REQUIRED ON LINKER_LANGUAGE C)
  if(CMAKE_C_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${tgt} PRIVATE -ffp-contract=off)
    if(blob)
      target_compile_options(${tgt} PRIVATE "-Wa,-I${out}")
      set_source_files_properties("${out}/${Q_NAME}_weights.c" PROPERTIES OBJECT_DEPENDS "${blobs}")
    endif()
  endif()
  # The emitted code calls libm (expf, ...).
  if(UNIX OR CMAKE_C_COMPILER_ID MATCHES "GNU|Clang")
    target_link_libraries(${tgt} PUBLIC m)
  endif()
endfunction()
