# qgen_embed_files(OUT_CPP NAMESPACE FILES...) generates a C++ source with a
# table {relative name, bytes} of the given files, so the qgen binary carries its
# kernel templates and runtime header and needs no install tree.
function(qgen_embed_files out_cpp base_dir)
  set(files ${ARGN})
  add_custom_command(
    OUTPUT ${out_cpp}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out_cpp} -DBASE=${base_dir} "-DFILES=${files}"
            -P ${PROJECT_SOURCE_DIR}/cmake/EmbedFilesScript.cmake
    DEPENDS ${files} ${PROJECT_SOURCE_DIR}/cmake/EmbedFilesScript.cmake
    COMMENT "Embedding kernel templates and runtime"
    VERBATIM)
endfunction()
