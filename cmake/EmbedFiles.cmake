# qgen_embed_files(OUT_CPP BASE_DIR [NAMESPACE ns] [HEADER h] FILES...) generates
# a C++ source with a table {relative name, bytes} of the given files, defining
# <ns>::embedded_files() declared in header <h> (default qg::codegen,
# codegen/embedded.h), so the qgen binary carries its kernel templates, runtime
# header and target descriptors and needs no install tree.
function(qgen_embed_files out_cpp base_dir)
  cmake_parse_arguments(E "" "NAMESPACE;HEADER" "" ${ARGN})
  if(NOT E_NAMESPACE)
    set(E_NAMESPACE qg::codegen)
  endif()
  if(NOT E_HEADER)
    set(E_HEADER codegen/embedded.h)
  endif()
  set(files ${E_UNPARSED_ARGUMENTS})
  add_custom_command(
    OUTPUT ${out_cpp}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out_cpp} -DBASE=${base_dir} "-DFILES=${files}" -DNAMESPACE=${E_NAMESPACE} -DHEADER=${E_HEADER}
            -P ${PROJECT_SOURCE_DIR}/cmake/EmbedFilesScript.cmake
    DEPENDS ${files} ${PROJECT_SOURCE_DIR}/cmake/EmbedFilesScript.cmake
    COMMENT "Embedding ${E_HEADER} files"
    VERBATIM)
endfunction()
